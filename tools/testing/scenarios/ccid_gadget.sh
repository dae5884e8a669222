#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A hostile USB CCID reader through the real USB stack: ccid_gadget, a
# FunctionFS function bound to dummy_hcd's UDC, so that the reader is
# enumerated by this guest's own USB host side. Bogus descriptors
# (dwMaxCCIDMessageLength below 10 or absurd, bMaxSlotIndex above 15, no
# bulk-IN endpoint, no class descriptor): probe fails, no reader. Then a
# reader with faulty replies: another bSeq, another slot, a truncated
# header, dwLength beyond the data or 4 GB, a reply longer than
# dwMaxCCIDMessageLength or than the host's buffer, the wrong message
# type: -EPROTO for that command and the reader still usable; no reply:
# -ETIMEDOUT after the abort, the late reply skipped (at the abort or
# before the next reply), also when the caller is killed while it waits;
# time extensions and a zero-length packet: answered; notifications for
# slots that do not exist: ignored. Unplug with the reader open.
# timeout: 240
# kmods: dummy_hcd usb_f_fs libcomposite
# boot: own

. /lib/scard-test/lib.sh

DRV=/sys/bus/usb/drivers/scard_ccid_usb
LOG=/tmp/gadget.log

# plug [OPTION...]: start ccid_gadget and bind the gadget to the UDC
plug()
{
	rm -f /tmp/gadget.ready
	echo "--- ccid_gadget $*" >>$LOG
	ccid_gadget $FFS /tmp/gadget.ready "$@" >>$LOG 2>&1 &
	gadget_pid=$!
	wait_for "ccid_gadget $* ready" 10 test -e /tmp/gadget.ready
	echo "$UDC" >$G/UDC
	wait_for "enumerated ($*)" 10 has_gadget_intf
}

unplug()
{
	echo "" >$G/UDC
	kill "$gadget_pid"
	wait "$gadget_pid" 2>/dev/null
	_t=100
	while has_gadget_intf && [ $_t -gt 0 ]; do
		sleep 0.1
		_t=$((_t - 1))
	done
	is "unplugged" "$(gadget_intf)" ""
}

gadget_setup ccid "hostile CCID"

scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1

# Bogus descriptors: probe fails cleanly.
for o in "--max-msg 5" "--max-msg 0x7fffffff" "--max-slot 16" \
	"--no-bulk-in" "--no-class"; do
	# shellcheck disable=SC2086
	plug $o
	sleep 0.5
	I=$(gadget_intf)
	check "$o: not bound" test ! -e "$DRV/$I"
	check "$o: no reader" test -z "$(reader "$I")"
	unplug
done
dmesg | grep -E 'scard_ccid_usb.*(unusable|no bulk)' | sed 's/^/# /'

# A usable reader with faulty replies.
plug
I=$(gadget_intf)
wait_for "reader" 10 has_reader "$I"
R=$(reader "$I")
D=/dev/$R
diag "reader $R on $I"
check "connect" ccid_test "$D" connect
check "a good exchange" ccid_test "$D" xfer ok 0 2000 80CA000000 9000
ev=$(cat /sys/class/misc/$R/events)

# VENDOR becomes PC_to_RDR_Escape only when the administrator allows it.
P=/sys/module/scard_ccid/parameters/allow_escape
is "Escape not allowed by default" "$(cat $P)" N
check "VENDOR refused (EOPNOTSUPP)" sh -c "! scardctl -d $D vendor 3500 0102"
check "allow Escape" sh -c "echo 1 > $P"
is "VENDOR as Escape, echoed by the reader" \
	"$(scardctl -d $D -m vendor 3500 0102)" "vendor=3500 len=2 out=0102"
check "forbid Escape again" sh -c "echo 0 > $P"

# fault INS ERRNO TEXT: 80 INS fails with ERRNO, the next command works
fault()
{
	check "$3: $2" ccid_test "$D" xfer "$2" 0 "${4:-2000}" "80${1}000000"
	check "$3: then a good exchange" ccid_test "$D" xfer ok 0 2000 \
		80CA000000 9000
}
fault E0 EPROTO "a reply with another bSeq"
fault E1 EPROTO "a reply for another slot"
fault E2 EPROTO "dwLength beyond the data"
fault E3 EPROTO "dwLength of 4 GB"
fault E4 EPROTO "a truncated header"
fault E8 EPROTO "a reply longer than dwMaxCCIDMessageLength"
fault E9 EPROTO "a SlotStatus for a XfrBlock"
fault EC EPROTO "a reply longer than the host's buffer"
fault E5 ETIMEDOUT "no reply, late reply before the next" 15000
check "the late reply came first" grep -q "the late reply" $LOG
fault E6 ETIMEDOUT "no reply, late reply at the abort" 15000
check "class ABORT requests seen" grep -q "ABORT request" $LOG

# A caller killed while it waits for a reply aborts its command.
killed_aborts $LOG "ABORT request" 1 "$D" 80E5000000
check "after the kill: a good exchange" \
	ccid_test "$D" xfer ok 0 2000 80CA000000 9000
check "three time extensions, then 90 00" \
	ccid_test "$D" xfer ok 0 5000 80EA000000 9000
check "a zero-length packet, then 90 00" \
	ccid_test "$D" xfer ok 0 2000 80EB000000 9000
check "notifications for slots 7 and 9, then 90 00" \
	ccid_test "$D" xfer ok 0 2000 80E7000000 9000
sleep 0.5
is "no card event from them" "$(cat /sys/class/misc/$R/events)" "$ev"
is "the card is still there" "$(cat /sys/class/misc/$R/state)" specific

# Unplug with the reader open, a waiter blocked and a TRANSMIT in flight
# (the card never answers): dummy_hcd ends the transfer with -EPROTO
# before the hub reports the disconnect; the caller must still learn
# ENODEV, not EIO (found by the gadget unplug storm).
ccid_test "$D" wait absent ENODEV,ok 10000 /tmp/waiter.ready &
waiter=$!
wait_for "waiter ready" 10 test -e /tmp/waiter.ready
ccid_test "$D" xfer ENODEV 0 15000 80E6000000 &
xfer=$!
sleep 0.5
unplug
wait "$waiter"
is "the blocked waiter returned" $? 0
wait "$xfer"
is "the TRANSMIT in flight: ENODEV" $? 0
check "reader gone" test ! -e "$D"

scard_unload
gadget_teardown
sed 's/^/# /' $LOG | tail -n 60
done_testing
