#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two USB CCID readers on QEMU's xHCI, unplugged (device_del through the
# QEMU monitor, driven by vsc-card) while processes are blocked in them:
# on the reader with a (mute) card one in TRANSMIT, one in IS_ABSENT and
# one in poll(); on the empty reader one in IS_PRESENT. Each must return
# ENODEV (POLLHUP) at once, their open handles then get ENODEV, and the
# modules unload.
# timeout: 120
# kmods: xhci-pci
# qemu: -device qemu-xhci,id=xhci
# qemu: -device usb-ccid,id=ccid,bus=xhci.0 -device usb-ccid,id=ccid2,bus=xhci.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0,bus=ccid.0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -monitor unix:$SCARD_RUNDIR/mon.sock,server=on,wait=off
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR

. /lib/scard-test/lib.sh

DRV=/sys/bus/usb/drivers/scard_ccid_usb

vsc_open

state_of() { cat "/sys/class/misc/$1/state" 2>/dev/null; }

# start_waiter DEV ARGS...: ccid_test DEV wait ARGS in the background
start_waiter()
{
	_d=$1
	shift
	rm -f /tmp/waiter.ready
	ccid_test "$_d" wait "$@" /tmp/waiter.ready &
	_t=50
	while [ ! -e /tmp/waiter.ready ] && [ $_t -gt 0 ]; do
		sleep 0.1
		_t=$((_t - 1))
	done
}

# A mute card keeps TRANSMIT waiting for up to 20 s.
scard_load scard_ccid.ko timeout_ms=20000
scard_load scard_ccid_usb.ko bind_all=1
wait_for "two readers" 10 sh -c '[ $(ls /sys/class/misc | grep -c "^scard[0-9]") = 2 ]'
wait_for "a card in one of them" 10 sh -c \
	'grep -qx present /sys/class/misc/scard*/state'
for r in $(ls /sys/class/misc | grep '^scard[0-9]'); do
	case $(state_of "$r") in
	present) RC=$r ;;
	absent) RE=$r ;;
	esac
done
diag "reader with the card: $RC, empty reader: $RE"
check "both readers found" test -n "$RC" -a -n "$RE"
check "power cold, T=0" ccid_test "/dev/$RC" connect

IC=$(basename "$(readlink "/sys/class/misc/$RC/device")")
diag "interface of $RC: $IC"

# Unbound in the guest: nothing else happens to the card first.
check "mute card" vsc mute
ccid_test "/dev/$RC" xfer ENODEV 0 5000 8010000004 &
tx=$!
start_waiter "/dev/$RC" absent ENODEV 5000
w1=$!
start_waiter "/dev/$RC" poll hup 5000
w2=$!
start_waiter "/dev/$RE" present ENODEV 30000
w3=$!
sleep 1
echo "$IC" > "$DRV/unbind"
rc=0
for p in $tx $w1 $w2; do
	wait $p || rc=1
done
is "unbind: TRANSMIT, IS_ABSENT and poll() end with ENODEV" $rc 0
check "its device node is gone" test ! -e "/dev/$RC"
is "the other reader stays" "$(state_of "$RE")" absent
echo "$IC" > "$DRV/bind"
wait_for "bound again" 10 test -e "/sys/bus/usb/devices/$IC/misc"
RC=$(ls "/sys/bus/usb/devices/$IC/misc")
wait_for "the card is seen again" 10 sh -c "grep -qx present /sys/class/misc/$RC/state"

# Unplugged by QEMU: the card goes first (QEMU unrealizes it), then the
# reader; whichever the guest sees first ends the waits, at once.
check "power cold, T=0" ccid_test "/dev/$RC" connect
ccid_test "/dev/$RC" xfer ENODEV,EPROTO,EIO,ENOMEDIUM 0 5000 8010000004 &
tx=$!
start_waiter "/dev/$RC" absent ENODEV,ok 5000
w1=$!
start_waiter "/dev/$RC" poll hup,event 5000
w2=$!
sleep 1
check "device_del ccid (the reader with the card)" vsc monitor device_del ccid
rc=0
for p in $tx $w1 $w2; do
	wait $p || rc=1
done
is "device_del: TRANSMIT, IS_ABSENT and poll() end" $rc 0
wait_for "its device node is gone" 5 test ! -e "/dev/$RC"
is "the other reader stays" "$(state_of "$RE")" absent

check "device_del ccid2 (the empty reader)" vsc monitor device_del ccid2
wait $w3
is "IS_PRESENT ends with the reader" $? 0
wait_for "no reader left" 5 sh -c '[ $(ls /sys/class/misc | grep -c "^scard[0-9]") = 0 ]'
check "no interface bound" sh -c "! ls $DRV | grep -q :"

scard_unload
done_testing
