#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A multi-slot reader whose slots work in parallel, through the real USB
# stack: ccid_gadget with two and then four slots, a card in each
# (--cards), bMaxCCIDBusySlots as many (--busy), each card taking 200 ms
# per APDU (--slow).
# Every slot is its own /dev/scardN with its own card: connected one by
# one, one powered down while the others still exchange, traffic on all
# of them at once (each slot's echo answered to its own caller, with its
# own data). Concurrency, against the time of one slot measured in the
# same boot (no absolute timing): 10 APDUs on each of two slots at once
# end within 1.5 times the time of 10 on one slot, and so do four slots;
# four slots with bMaxCCIDBusySlots 2 within 2.5 times, the reader never
# answering CMD_SLOT_BUSY (the driver keeps to two commands at once).
# Last, a card that takes 2 s per APDU in slot 0 (--slow-slot) does not
# hold up slot 1, whose card is fast: each of its exchanges while slot 0
# works ends within half a slow APDU; a caller killed while slot 0's card
# works aborts it (the ABORT request ends the card's wait). Then an unplug
# with a slow APDU in flight on each of four slots: ENODEV for each.
# timeout: 300
# kmods: dummy_hcd usb_f_fs libcomposite
# boot: own

. /lib/scard-test/lib.sh

LOG=/tmp/slots.log
SLOW=200	# ms per APDU
N=10		# APDUs per slot for the timings
ONE_SLOW=2000	# ms per APDU of the one slow card

state() { cat "/sys/class/misc/$1/state" 2>/dev/null; }
has_card() { [ "$(state "$1")" != absent ] && [ "$(state "$1")" != unknown ]; }

# rate NAME DEV...: N TRANSMITs on each DEV at once (ccid_bench); sets
# SECS to the time they took, empty if they failed
rate()
{
	_n=$1
	shift
	ccid_bench scard rate $N "$@" >/tmp/rate.out 2>&1
	_rc=$?
	cat /tmp/rate.out
	is "$_n: every TRANSMIT answered" $_rc 0
	SECS=$(sed -n 's/^RESULT rate .* seconds=\([0-9.]*\) .*/\1/p' \
		/tmp/rate.out)
	[ $_rc = 0 ] || SECS=
	diag "$_n: ${SECS:-?} s"
}

# below A B F: A < B * F (seconds, both known)
below()
{
	[ -n "$1" ] && [ -n "$2" ] &&
		awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { exit !(a < b * f) }'
}

# echoes R K: five echoes (80 EE) with data of slot K on /dev/R
echoes()
{
	for _e in 1 2 3 4 5; do
		_d=5A0${2}0${_e}
		ccid_test "/dev/$1" xfer ok 0 5000 "80EE000003$_d" "${_d}9000" ||
			return 1
	done
}

# slots COUNT: the gadget's COUNT readers, each with its card; sets RS
slots()
{
	wait_for "$1 readers, one per slot" 10 gadget_nreaders "$1"
	RS=$(gadget_readers | tr '\n' ' ')
	diag "readers: $RS"
	for _r in $RS; do
		wait_for "$_r: a card" 10 has_card "$_r"
	done
}

# versus_one LABEL FACTOR: N APDUs on the first of RS alone, then on each
# of RS at once; checks that all at once took less than FACTOR times one
versus_one()
{
	# shellcheck disable=SC2086
	set -- "$1" "$2" $RS
	rate "one slot of $1" "/dev/$3"
	_one=$SECS
	# shellcheck disable=SC2046
	rate "$1" $(for _r in $RS; do echo "/dev/$_r"; done)
	check "$1 (${SECS:-?} s) within $2 x one slot (${_one:-?} s)" \
		below "$SECS" "$_one" "$2"
}

# parallel COUNT: the slots' traffic at once, and the timing
parallel()
{
	_pids=
	_k=0
	for _r in $RS; do
		echoes "$_r" $_k >/tmp/echo.$_k 2>&1 &
		_pids="$_pids $!"
		_k=$((_k + 1))
	done
	_k=0
	for _p in $_pids; do
		wait "$_p"
		is "slot $_k: its five echoes answered with its data" $? 0
		grep -v '^ok' /tmp/echo.$_k | sed 's/^/# /'
		_k=$((_k + 1))
	done

	versus_one "$COUNT slots at once" 1.5
}

gadget_setup slots "multi-slot CCID"
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1

# Two slots.
COUNT=2
gadget_plug $LOG --max-slot 1 --cards 2 --busy 2 --slow $SLOW
slots 2
# shellcheck disable=SC2086
set -- $RS
R0=$1
R1=$2
check "$R0 (slot 0): connect" ccid_test "/dev/$R0" connect
check "$R1 (slot 1): connect" ccid_test "/dev/$R1" connect
is "$R0: specific" "$(state "$R0")" specific
is "$R1: specific" "$(state "$R1")" specific
check "slot 1: power down" scardctl -d "/dev/$R1" power down
is "$R1: its card unpowered" "$(state "$R1")" swallowed
is "$R0: its card still specific" "$(state "$R0")" specific
check "slot 0: still exchanges" ccid_test "/dev/$R0" xfer ok 0 5000 \
	80CA000000 9000
check "the gadget powered slot 1's card down" \
	grep -q "command 63 slot 1" $LOG
check "slot 1: exchanges again (cold reset)" \
	ccid_test "/dev/$R1" xfer ok 0 5000 80CA000000 9000
parallel
check "the reader said no busy slot" sh -c "! grep -q 'slot busy' $LOG"
gadget_unplug

# Four slots.
COUNT=4
gadget_plug $LOG --max-slot 3 --cards 4 --busy 4 --slow $SLOW
slots 4
for r in $RS; do
	check "$r: connect" ccid_test "/dev/$r" connect
done
parallel
check "the reader said no busy slot" sh -c "! grep -q 'slot busy' $LOG"
gadget_unplug

# Four slots, two of them busy at most: the driver keeps to it.
gadget_plug $LOG --max-slot 3 --cards 4 --busy 2 --slow $SLOW
slots 4
: >$LOG
versus_one "four slots, two busy at most" 2.5
check "never more than two slots busy" sh -c "! grep -q 'slot busy' $LOG"
gadget_unplug

# One slow card (slot 0) beside a fast one (slot 1).
gadget_plug $LOG --max-slot 1 --cards 2 --busy 2 --slow $ONE_SLOW \
	--slow-slot 0
slots 2
# shellcheck disable=SC2086
set -- $RS
R0=$1
R1=$2
check "slot 0's card: slow" ccid_test "/dev/$R0" xfer ok $((ONE_SLOW - 50)) \
	$((ONE_SLOW * 3)) 80CA000000 9000
check "slot 1's card: fast" ccid_test "/dev/$R1" xfer ok 0 $((ONE_SLOW / 2)) \
	80CA000000 9000
# Slot 0 busy for 2 s (warm-up) + 4 s; slot 1's exchanges in between.
ccid_bench scard rate 2 "/dev/$R0" >/tmp/slow.out 2>&1 &
slow_pid=$!
sleep 2.5
for i in 1 2 3 4 5; do
	check "slot 1 while slot 0 works: exchange $i within $((ONE_SLOW / 2)) ms" \
		ccid_test "/dev/$R1" xfer ok 0 $((ONE_SLOW / 2)) 80CA000000 9000
done
check "slot 0 still worked meanwhile" kill -0 $slow_pid
wait $slow_pid
is "slot 0: its slow APDUs answered" $? 0
sed 's/^/# /' /tmp/slow.out

# A caller killed during the slow card's APDU: the ABORT request ends the
# card's wait (CMD_ABORTED), PC_to_RDR_Abort is answered, slot 1 unharmed.
killed_aborts $LOG "ABORT request, slot 0" 0.4 "/dev/$R0" 80CA000000
check "the card's wait ended at the abort" grep -q "slot 0 seq .*: aborted" $LOG
check "slot 0: then a good exchange" ccid_test "/dev/$R0" xfer ok \
	$((ONE_SLOW - 50)) $((ONE_SLOW * 3)) 80CA000000 9000
check "slot 1: a good exchange" ccid_test "/dev/$R1" xfer ok 0 \
	$((ONE_SLOW / 2)) 80CA000000 9000
gadget_unplug

# Unplug while every slot of a four-slot reader has a slow APDU in flight
# (one task reads the pipe for all four): each caller learns ENODEV.
gadget_plug $LOG --max-slot 3 --cards 4 --busy 4 --slow 5000
slots 4
pids=
for r in $RS; do
	check "$r: connect" ccid_test "/dev/$r" connect
done
before=$(grep -c 'command 6f' $LOG)
for r in $RS; do
	ccid_test "/dev/$r" xfer ENODEV 0 15000 80CA000000 &
	pids="$pids $!"
done
wait_for "four APDUs at the cards" 10 sh -c \
	"[ \$(grep -c 'command 6f' $LOG) -ge $((before + 4)) ]"
echo "" >$G/UDC
k=0
for p in $pids; do
	wait "$p"
	is "slot $k: the APDU in flight ends with ENODEV" $? 0
	k=$((k + 1))
done
for r in $RS; do
	wait_for "$r gone" 10 test ! -e "/dev/$r"
done
kill "$gadget_pid"
wait "$gadget_pid" 2>/dev/null

scard_unload
gadget_teardown
grep -E "busy|abort|ABORT" $LOG | sed 's/^/# /' | tail -n 20
done_testing
