#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A remote reader over USB/IP: QEMU's usb-ccid (vsc-card's card in it) is
# exported by usbip-host and usbipd and attached through vhci-hcd over
# 127.0.0.1 in the same guest, with Debian's usbip tools (the host's, in a
# chroot). scard_ccid_usb drives the attached reader like a local one: the
# APDU suites, the card removed and inserted. Then the link goes under
# processes blocked in the reader: the exporting side unbinds the device
# during a TRANSMIT, an IS_ABSENT wait and a poll(), and the attachment is
# detached during an IS_PRESENT wait; each ends with ENODEV (POLLHUP).
# Last, the network goes silently during a TRANSMIT: it ends with
# ETIMEDOUT, bounded and killable, and the detach unplugs the reader.
# timeout: 180
# kmods: xhci-pci 9p 9pnet_virtio virtio_pci usbip-core usbip-host vhci-hcd
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0,bus=ccid.0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -monitor unix:$SCARD_RUNDIR/mon.sock,server=on,wait=off
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR

. /lib/scard-test/lib.sh

DRV=/sys/bus/usb/drivers/scard_ccid_usb
LOCAL=1-1

vsc_open
pcsc_root
usbip_setup

state_of() { cat "/sys/class/misc/$1/state" 2>/dev/null; }

# start_waiter DEV ARGS...: ccid_test DEV wait ARGS in the background
start_waiter()
{
	_d=$1
	shift
	rm -f /tmp/waiter.ready
	ccid_test "$_d" wait "$@" /tmp/waiter.ready &
	wait_for "waiter $* blocked" 5 test -e /tmp/waiter.ready
}

# attach: export QEMU's reader and attach it; binds the remote interface
# to scard_ccid_usb alone (not QEMU's, which usbip-host holds); sets RI
# (the interface) and R (its scardN)
attach()
{
	check "usbip bind -b $LOCAL" hostrun usbip bind -b "$LOCAL"
	check "usbip attach -r 127.0.0.1 -b $LOCAL" \
		hostrun usbip attach -r 127.0.0.1 -b "$LOCAL"
	wait_for "the remote reader" 10 has_usbip_remote
	RI=$(usbip_remote):1.0
	diag "remote interface $RI"
	wait_for "its interface" 10 test -e "/sys/bus/usb/devices/$RI"
	echo 1 >/sys/module/scard_ccid_usb/parameters/bind_all
	check "bind $RI" sh -c "echo $RI >$DRV/bind"
	echo 0 >/sys/module/scard_ccid_usb/parameters/bind_all
	wait_for "scardN of the remote reader" 10 has_reader "$RI"
	R=$(reader "$RI")
}

# A mute card keeps TRANSMIT waiting for up to 20 s.
scard_load scard_ccid.ko timeout_ms=20000
scard_load scard_ccid_usb.ko
usbipd_start
attach
diag "remote reader $R"
is "one reader: the remote one" "$(ls /sys/class/misc | grep -c '^scard[0-9]')" 1
wait_for "the card is present" 10 misc_in_state "$R" present

check "power cold, T=0" ccid_test "/dev/$R" connect
ccid_test "/dev/$R" cases
ccid_test "/dev/$R" lengths
ccid_test "/dev/$R" apdu
card_cycle "remote" 3 "$R"
check "power cold, T=0 after the insertion" ccid_test "/dev/$R" connect

# The exporting side lets go of the device: the connection closes under a
# TRANSMIT, an IS_ABSENT wait and a poll().
check "mute card" vsc mute
ccid_test "/dev/$R" xfer ENODEV 0 10000 8010000004 &
tx=$!
start_waiter "/dev/$R" absent ENODEV 10000
w1=$!
start_waiter "/dev/$R" poll hup 10000
w2=$!
sleep 1
check "usbip unbind -b $LOCAL (the link goes)" hostrun usbip unbind -b "$LOCAL"
rc=0
for p in $tx $w1 $w2; do
	wait $p || rc=1
done
is "link gone: TRANSMIT, IS_ABSENT and poll() end with ENODEV" $rc 0
wait_for "the node is gone" 10 test ! -e "/dev/$R"
wait_for "the remote device is gone" 10 no_usbip_remote
check "normal card" vsc normal

# Attached again; detached during an IS_PRESENT wait.
wait_for "QEMU's reader back with its driver" 10 \
	test -e "/sys/bus/usb/devices/$LOCAL:1.0"
attach
wait_for "the card is present" 10 misc_in_state "$R" present
check "power cold, T=0" ccid_test "/dev/$R" connect
check "remove the card" vsc remove
wait_for "absent" 10 misc_in_state "$R" absent
start_waiter "/dev/$R" present ENODEV 10000
w3=$!
port=$(hostrun usbip port | sed -n 's/^Port \([0-9]*\):.*/\1/p' | head -n 1)
check "usbip detach -p $port" hostrun usbip detach -p "$port"
wait $w3
is "detached: IS_PRESENT ends with ENODEV" $? 0
wait_for "the node is gone" 10 test ! -e "/dev/$R"
check "usbip unbind -b $LOCAL" hostrun usbip unbind -b "$LOCAL"
check "insert the card" vsc insert

# The network goes silently (loopback down): no answer comes, and the
# connection stays open. vhci-hcd gives an unlinked URB back only on its
# peer's answer: the driver must not wait for it (usb_kill_urb() would
# hold the caller, unkillable, until TCP gives up). TRANSMIT ends with
# ETIMEDOUT, and so does the next exchange, bounded; detaching the
# attachment then unplugs the reader.
wait_for "QEMU's reader back with its driver" 10 \
	test -e "/sys/bus/usb/devices/$LOCAL:1.0"
attach
wait_for "the card is present" 10 misc_in_state "$R" present
check "power cold, T=0" ccid_test "/dev/$R" connect
echo 3000 >/sys/module/scard_ccid/parameters/timeout_ms
check "mute card" vsc mute
ccid_test "/dev/$R" xfer ETIMEDOUT 2000 10000 8010000004 &
tx=$!
start_waiter "/dev/$R" absent ENODEV 60000
w1=$!
sleep 1
check "loopback down (the network goes)" ip link set lo down
wait $tx
is "link dead: TRANSMIT ends with ETIMEDOUT" $? 0
ccid_test "/dev/$R" xfer ETIMEDOUT,EBADFD 0 12000 8010000004
port=$(hostrun usbip port | sed -n 's/^Port \([0-9]*\):.*/\1/p' | head -n 1)
check "usbip detach -p $port" hostrun usbip detach -p "$port"
wait $w1
is "detached: IS_ABSENT ends with ENODEV" $? 0
wait_for "the node is gone" 10 test ! -e "/dev/$R"
check "loopback up" ip link set lo up
check "usbip unbind -b $LOCAL" hostrun usbip unbind -b "$LOCAL"

kill "$usbipd_pid" 2>/dev/null
wait "$usbipd_pid" 2>/dev/null
check "no interface bound" sh -c "! ls $DRV | grep -q :"
pcsc_root_umount
scard_unload
done_testing
