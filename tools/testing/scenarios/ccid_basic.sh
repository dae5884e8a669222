#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# USB CCID reader (scard_ccid_usb) on QEMU's usb-ccid behind xHCI with the
# scripted T=0 card of tools/testing/ccid/vsc-card: opt-in binding
# (bind_all, new_id), the reader's attributes, card removal and insertion
# with waiters blocked in IS_ABSENT/IS_PRESENT and in poll(), T=0 TPDU
# cases 1 to 3, the APDU transport over T=0 (61xx, 6Cxx), responses of
# every length 0..256 (QEMU's xHCI adds a phantom zero-length packet after
# a reply that ends on a full 64-byte packet: no reply may shift), sysfs
# unbind with a waiter blocked, bind again, the benchmark's programs
# (ccid_bench) in a few rounds, and driver removal while the reader is
# open.
# timeout: 240
# kmods: xhci-pci
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -monitor unix:$SCARD_RUNDIR/mon.sock,server=on,wait=off
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR

. /lib/scard-test/lib.sh

INTF=1-1:1.0
DRV=/sys/bus/usb/drivers/scard_ccid_usb
ATR=3b7a18000073667465206364313434

vsc_open

state() { cat "/sys/class/misc/$R/state"; }
events() { cat "/sys/class/misc/$R/events"; }

# waiters DESC: wait for the background ccid_test waiters
waiters()
{
	_rc=0
	for _p in $waiter_pids; do
		wait "$_p" || _rc=1
	done
	waiter_pids=
	is "$1" $_rc 0
}

# start_waiter ARGS...: ccid_test /dev/$R wait ARGS in the background,
# returns once it is about to block
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

check "vsc-card answers on ttyS1" vsc ping

# Opt-in binding
scard_load scard_ccid.ko
check "insmod scard_ccid_usb.ko" insmod /lib/scard/scard_ccid_usb.ko
check "not bound without bind_all" test ! -e "$DRV/$INTF"
check "bind_all is 0" grep -qx N /sys/module/scard_ccid_usb/parameters/bind_all
echo "08e6 4433" > "$DRV/new_id"
wait_for "bound through new_id" 10 test -e "$DRV/$INTF"
wait_for "reader through new_id" 10 has_reader "$INTF"
echo "08e6 4433" > "$DRV/remove_id"
echo "$INTF" > "$DRV/unbind"
check "unbound" test ! -e "$DRV/$INTF"
check "rmmod scard_ccid_usb" rmmod scard_ccid_usb
check "insmod scard_ccid_usb.ko bind_all=1" \
	insmod /lib/scard/scard_ccid_usb.ko bind_all=1
wait_for "bound with bind_all=1" 10 test -e "$DRV/$INTF"
wait_for "reader" 10 has_reader "$INTF"
R=$(reader "$INTF")
diag "reader $R"

# Attributes
is "reader_name" "$(cat /sys/class/misc/$R/reader_name)" "QEMU QEMU USB CCID"
is "vendor name" "$(scardctl -d /dev/$R -m attr VENDOR_NAME |
	sed -n 's/.* value=//p')" QEMU
is "IFD type" "$(scardctl -d /dev/$R -m attr VENDOR_IFD_TYPE |
	sed -n 's/.* value=//p')" "QEMU%20USB%20CCID"
chan=$(( (0x20 << 16) | ($(cat /sys/bus/usb/devices/1-1/busnum) << 8) |
	$(cat /sys/bus/usb/devices/1-1/devnum) ))
is "channel id: USB, bus << 8 | address" "$(scardctl -d /dev/$R -m attr \
	CHANNEL_ID | sed -n 's/.* value=//p')" $chan
is "protocols: T=0" "$(scardctl -d /dev/$R -m attr PROTOCOL_TYPES |
	sed -n 's/.* value=//p')" 1
check "attributes readable" scardctl -d "/dev/$R" attr

# Card events: removal, then insertion, with waiters blocked
wait_for "card present at start" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = present ]"
ev=$(events)
diag "events at start: $ev"
start_waiter absent ok 10000
start_waiter poll event 10000
check "vsc-card removes the card" vsc remove
waiters "IS_ABSENT and poll() woken by the removal"
is "state after the removal" "$(state)" absent
is "one event" "$(events)" $((ev + 1))
check_fail "TRANSMIT without a card fails" scardctl -d "/dev/$R" transmit 8018000000

start_waiter present ok 10000
start_waiter poll event 10000
check "vsc-card inserts the card" vsc insert
waiters "IS_PRESENT and poll() woken by the insertion"
is "state after the insertion" "$(state)" present
is "two events" "$(events)" $((ev + 2))
check "scardctl wait insert: already there" scardctl -d "/dev/$R" wait insert 5

# T=0 exchanges
check "power cold, T=0" ccid_test "/dev/$R" connect
is "ATR" "$(cat /sys/class/misc/$R/atr)" $ATR
is "protocol" "$(cat /sys/class/misc/$R/protocol)" "T=0"
ccid_test "/dev/$R" cases
ccid_test "/dev/$R" lengths
ccid_test "/dev/$R" case3
ccid_test "/dev/$R" apdu
check "scardctl transmit --apdu (case 4)" \
	scardctl -d "/dev/$R" transmit --apdu 8014000003010203
check "vsc-card removes the card" vsc remove
sleep 0.5
check "vsc-card inserts the card" vsc insert
wait_for "present again" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = present ]"
ccid_test "/dev/$R" xfer ok 0 5000 8010000004 000102039000

# sysfs unbind with a waiter blocked, then bind again
check "vsc-card removes the card" vsc remove
wait_for "absent" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = absent ]"
start_waiter present ENODEV 5000
start_waiter poll hup 5000
echo "$INTF" > "$DRV/unbind"
waiters "waiters get ENODEV and POLLHUP at unbind"
check "reader gone" test ! -e "/dev/$R"
echo "$INTF" > "$DRV/bind"
wait_for "reader back after bind" 10 has_reader "$INTF"
R=$(reader "$INTF")
is "no card" "$(state)" absent
check "vsc-card inserts the card" vsc insert
wait_for "card seen" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = present ]"
ccid_test "/dev/$R" xfer ok 0 5000 8010000104 010203049000

# The benchmark's programs (make bench), a few rounds each: through the
# reader, then over usbfs with the interface unbound.
ccid_bench scard apdu 20 "/dev/$R"
ccid_bench scard insert 2 /dev/ttyS1 "/dev/$R"
echo "$INTF" > "$DRV/unbind"
ccid_bench raw apdu 20
ccid_bench raw insert 2 /dev/ttyS1
echo "$INTF" > "$DRV/bind"
wait_for "reader back after the benchmark" 10 has_reader "$INTF"
R=$(reader "$INTF")

# Driver removal with the reader open
exec 4<>"/dev/$R"
check "rmmod scard_ccid_usb with the reader open" rmmod scard_ccid_usb
check "reader gone" test ! -e "/dev/$R"
exec 4>&-
check "rmmod scard_ccid" rmmod scard_ccid
_scard_loaded="scard"
scard_unload
done_testing
