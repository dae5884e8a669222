#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Serial CCID reader (scard_ccid_serial) on the guest's ttyS2, wired to
# tools/testing/serial/twin-reader posing as a GemPC Twin (it echoes every
# frame; output paced at 115200 8N2), driven through ttyS1: the ATTACH
# ioctl's bad input, "scardctl attach", the reader's attributes, removal
# and insertion with waiters blocked in IS_ABSENT/IS_PRESENT and poll(),
# T=0 TPDU cases 1 to 4 and every reply length, a T=1 card (PPS, chaining
# both ways, WTX), every fault of the line (bad LRC and NAK retried; NAK
# storm, garbage, a cut frame, a mute reader, a bad echo, an answer too
# long or for another command: an error, the reader usable afterwards),
# hangup with callers blocked and mid-transfer, attach again, detach.
# timeout: 420
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/twin.sock,server=on,wait=off
# host: tools/testing/serial/twin-reader --ctl ctl.sock --model GemPCTwin $SCARD_RUNDIR

. /lib/scard-test/lib.sh

TTY=ttyS2
LDISC=29
ATR=3b7a18000073667465206364313434

vsc_open

serial_reader() { serial_readers $TTY | head -n 1; }
has_serial_reader() { [ -n "$(serial_reader)" ]; }
no_serial_reader() { [ -z "$(serial_reader)" ]; }
state() { cat "/sys/class/misc/$R/state"; }
events() { cat "/sys/class/misc/$R/events"; }

waiters()
{
	_rc=0
	for _p in $waiter_pids; do
		wait "$_p" || _rc=1
	done
	waiter_pids=
	is "$1" $_rc 0
}

start_waiter()
{
	rm -f /tmp/waiter.ready
	ccid_test "/dev/$R" wait "$@" /tmp/waiter.ready &
	waiter_pids="$waiter_pids $!"
	_t=50
	while [ ! -e /tmp/waiter.ready ] && [ $_t -gt 0 ]; do
		sleep 0.1
		_t=$((_t - 1))
	done
	sleep 0.3
}

# attach: scardctl attach in the foreground, in the background of this
# script; sets R and holder
attach()
{
	scardctl attach $TTY GemPCTwin --foreground >/tmp/attach.out 2>&1 &
	holder=$!
	wait_for "reader on $TTY" 15 has_serial_reader
	R=$(serial_reader)
	diag "reader $R: $(head -n 3 /tmp/attach.out | tr '\n' ' ')"
}

# xfer EXPECT MIN_MS MAX_MS CMD [RSP]: one TRANSMIT on the reader
xfer() { ccid_test "/dev/$R" xfer "$@"; }

check "twin-reader answers on ttyS1" vsc ping
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko
is "discipline registered" \
	"$(awk '$2 == 29 { print $1 }' /proc/tty/ldiscs)" scard_ccid_serial

# The ATTACH ioctl's bad input; the readers go with the tty's close.
serial_test $TTY attach $LDISC 1
wait_for "readers gone with the tty's last close" 10 no_serial_reader
serial_test $TTY attach-user $LDISC

attach
is "reader_name" "$(cat /sys/class/misc/$R/reader_name)" "Gemalto GemPC Twin"
is "channel id: serial, port 2" "$(scardctl -d /dev/$R -m attr CHANNEL_ID |
	sed -n 's/.* value=//p')" $(((0x01 << 16) | 2))
is "protocols: T=0 and T=1" "$(scardctl -d /dev/$R -m attr PROTOCOL_TYPES |
	sed -n 's/.* value=//p')" 3
check_fail "attach again: the tty is taken" \
	scardctl attach $TTY GemPCTwin --foreground

# Card events
wait_for "card present at start" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = present ]"
ev=$(events)
start_waiter absent ok 10000
start_waiter poll event 10000
check "twin-reader removes the card" vsc remove
waiters "IS_ABSENT and poll() woken by the removal"
is "state after the removal" "$(state)" absent
is "one event" "$(events)" $((ev + 1))
check_fail "TRANSMIT without a card fails" scardctl -d "/dev/$R" transmit 8018000000
start_waiter present ok 10000
start_waiter poll event 10000
check "twin-reader inserts the card" vsc insert t0
waiters "IS_PRESENT and poll() woken by the insertion"
is "state after the insertion" "$(state)" present
is "two events" "$(events)" $((ev + 2))
# The change's one GetSlotStatus (ccid_poll_work()) first, then silence.
sleep 1
c0=$(vsc_fd 3 count; echo "$_vsc_reply")
sleep 3
c1=$(vsc_fd 3 count; echo "$_vsc_reply")
is "an idle reader is not polled" "$c1" "$c0"

# T=0
check "power cold, T=0" ccid_test "/dev/$R" connect
is "ATR" "$(cat /sys/class/misc/$R/atr)" $ATR
ccid_test "/dev/$R" cases
ccid_test "/dev/$R" case3
ccid_test "/dev/$R" apdu
ccid_test "/dev/$R" lengths
check "scardctl transmit --apdu (case 4)" \
	scardctl -d "/dev/$R" transmit --apdu 8014000003010203

# Faults of the line, each on a powered card, then an exchange that works
# (after an error the card is powered again: xfer connects)
ok_xfer() { xfer ok 0 8000 8010000004 000102039000; }
# fault "FAULT ARGS" EXPECT MIN_MS MAX_MS [CMD [RSP]]
fault()
{
	_f=$1
	shift
	ccid_test "/dev/$R" connect >/dev/null
	# The slots asked again after an earlier fault's garbage (within
	# 1 s): not to take the one-shot fault meant for the TRANSMIT.
	sleep 1.2
	check "twin-reader: $_f" vsc $_f
	_e=$1
	shift
	xfer "$_e" "$1" "$2" "${3:-8010000004}" ${4:+"$4"}
	vsc normal
	ok_xfer
}
fault badlrc-next ok 0 5000 8010000004 000102039000
fault "nak-next 2" ok 0 5000 8010000004 000102039000
fault nak-storm EPROTO 0 5000
fault "garbage-next 4142" EPROTO 0 5000
fault long-next EPROTO 0 5000
fault echo-bad-next EPROTO 0 5000
fault truncate-next ETIMEDOUT 0 15000
fault wrong-seq-next EPROTO,ETIMEDOUT 0 15000
fault mute ETIMEDOUT 0 15000
fault "slow 300" ok 300 5000 8010000004 000102039000
fault "wtx 4" ok 1500 15000 801E0F0000 9000
check "notify-slot 3: a slot the reader lacks" vsc notify-slot 3
check "notify-slot 6: a longer notification" vsc notify-slot 6
sleep 1
is "no event from them" "$(events)" $((ev + 2))
ok_xfer

# T=1: PPS, chaining both ways, WTX
check "twin-reader inserts a T=1 card" vsc insert t1
wait_for "T=1 card present" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = present ]"
check "scardctl transmit --apdu over T=1" \
	scardctl -d "/dev/$R" transmit --apdu 801000001000
is "protocol T=1" "$(cat /sys/class/misc/$R/protocol)" "T=1"
check "a reply of 255 bytes (chained by the card)" \
	scardctl -d "/dev/$R" transmit --no-connect --apdu 80100000FF
check "a command of 200 bytes (chained by us)" \
	scardctl -d "/dev/$R" transmit --no-connect --apdu \
	"801200C8$(i=0; while [ $i -lt 200 ]; do printf %02x $i; i=$((i + 1)); done)"
check "wtx 3" vsc wtx 3
check "a card asking for more time (S(WTX))" \
	scardctl -d "/dev/$R" transmit --no-connect --apdu 801E050000
check "twin-reader inserts the T=0 card" vsc insert t0
wait_for "T=0 card present" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = present ]"

# Hangup with callers blocked (a USB serial adapter unplugged)
check "power cold" ccid_test "/dev/$R" connect
start_waiter absent ENODEV 10000
start_waiter poll hup 10000
check "slow 3000" vsc slow 3000
xfer ENODEV 0 2500 8010000004 &
xfer_pid=$!
sleep 0.5
serial_test $TTY hangup
waiters "IS_ABSENT and poll() get ENODEV and POLLHUP at the hangup"
check "the TRANSMIT in flight gets ENODEV at once" wait $xfer_pid
wait_for "reader gone" 10 no_serial_reader
check "the holder exits at the hangup" wait $holder
check "normal" vsc normal
sleep 3		# twin-reader answers the slow command first

# Attach again, then detach
attach
check "transmit after attaching again" scardctl -d "/dev/$R" transmit 8018000000
check "scardctl detach" scardctl detach $TTY
wait_for "reader gone at detach" 10 no_serial_reader
check "the holder exits at detach" wait $holder
check_fail "detach again: not attached" scardctl detach $TTY

check "rmmod scard_ccid_serial" rmmod scard_ccid_serial
check "rmmod scard_ccid" rmmod scard_ccid
_scard_loaded="scard"
scard_unload
done_testing
