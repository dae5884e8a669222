#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two slots of one reader at once (not pass/fail; a "BENCH" line, goal
# 1.8): ccid_gadget on dummy_hcd with two slots, bMaxCCIDBusySlots 2 and
# a card in each slot that takes 100 ms per APDU (a slow card, so that
# the card's time, not the USB stack's, is what is measured). The
# aggregate APDU rate of both slots exchanging at once (ccid_bench scard
# rate, a thread per /dev/scardN) against that of one slot alone, the two
# taking turns ROUNDS times in the same boot; the median of the rounds'
# ratios is printed as "BENCH ccid_two_slot_speedup ours=.. goal=1.8". A
# driver that serialises the slots scores 1.0; one that keeps both busy,
# close to 2.
# timeout: 400
# kmods: dummy_hcd usb_f_fs libcomposite
# boot: own

. /lib/scard-test/lib.sh

ROUNDS=${bench_rounds:-3}
N=${bench_n:-20}	# APDUs per slot and measurement
SLOW=100		# ms per APDU
LOG=/tmp/slots_bench.log

# aps DEV...: APS, the APDUs per second of N TRANSMITs on each DEV at
# once (empty if one failed)
aps()
{
	ccid_bench scard rate "$N" "$@" >/tmp/rate.out 2>&1
	_rc=$?
	cat /tmp/rate.out
	is "rate on $*: exits 0" $_rc 0
	APS=
	[ $_rc = 0 ] && APS=$(sed -n 's/^RESULT rate .* aps=\([0-9.]*\).*/\1/p' \
		/tmp/rate.out)
}

gadget_setup bench "two-slot CCID"
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
gadget_plug $LOG --max-slot 1 --cards 2 --busy 2 --slow $SLOW
wait_for "two readers" 10 gadget_nreaders 2
R0=/dev/$(gadget_readers | sed -n 1p)
R1=/dev/$(gadget_readers | sed -n 2p)
check "slot 0: connect" ccid_test "$R0" connect
check "slot 1: connect" ccid_test "$R1" connect

: >/tmp/ratios
i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	diag "round $i of $ROUNDS"
	aps "$R0"
	one=$APS
	aps "$R0" "$R1"
	two=$APS
	diag "one slot: $one APDU/s, two slots: $two APDU/s"
	[ -n "$one" ] && [ -n "$two" ] &&
		awk -v a="$two" -v b="$one" 'BEGIN { print a / b }' >>/tmp/ratios
done

check "the reader never answered CMD_SLOT_BUSY" \
	sh -c "! grep -q 'slot busy' $LOG"
grep "slot busy" $LOG | head -n 5 | sed 's/^/# /'
gadget_unplug
scard_unload
gadget_teardown
if [ -s /tmp/ratios ]; then
	sort -n /tmp/ratios | awk '{ v[NR] = $1 }
		END { printf "BENCH ccid_two_slot_speedup ours=%.2f goal=1.8\n",
		      v[int((NR + 1) / 2)] }'
else
	diag "ccid_two_slot_speedup: no figure"
fi
done_testing
