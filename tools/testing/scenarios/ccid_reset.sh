#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# USB CCID readers reset by another program through usbfs (USBDEVFS_RESET,
# as fwupd or a libusb program does). Reader A is on QEMU's xHCI, reader B
# on UHCI. The driver quiesces the reader in pre_reset and keeps it bound:
# a session (one open file, tools/testing/progs/ccid_reset.c) survives,
# the card is reported reset (swallowed: a new POWER is needed, TRANSMIT
# fails with EBADFD meanwhile, no removal counted), and POWER + TRANSMIT
# work again on the same file. Once with the session idle, once while an
# exchange waits for the card: that exchange fails at once with EIO. The
# reader keeps its /dev/scardN, and card events still arrive afterwards.
# timeout: 150
# kmods: xhci-pci uhci-hcd
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -device piix3-usb-uhci,id=uhci -device usb-ccid,id=ccid2,bus=uhci.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -chardev socket,id=vsc2,path=$SCARD_RUNDIR/vsc2.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0,bus=ccid.0
# qemu: -device ccid-card-passthru,chardev=vsc2,id=card1,bus=ccid2.0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/ctl2.sock,server=on,wait=off
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR
# host: tools/testing/ccid/vsc-card --vsc vsc2.sock --ctl ctl2.sock $SCARD_RUNDIR

. /lib/scard-test/lib.sh

exec 3<>/dev/ttyS1 5<>/dev/ttyS2
stty raw -echo <&3
stty raw -echo <&5

# usbdev USB: the usbfs node of a USB device (e.g. 1-1), made if missing
usbdev()
{
	_b=$(cat "/sys/bus/usb/devices/$1/busnum")
	_d=$(cat "/sys/bus/usb/devices/$1/devnum")
	_n=$(printf '/dev/bus/usb/%03d/%03d' "$_b" "$_d")
	if [ ! -e "$_n" ]; then
		mkdir -p "${_n%/*}"
		mknod "$_n" c 189 $(((_b - 1) * 128 + _d - 1))
	fi
	echo "$_n"
}

scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
ccid_xhci_uhci

for r in "A $UA $A 3" "B $UB $B 5"; do
	set -- $r
	dev=$(usbdev "$2")
	diag "$1: /dev/$3 on $dev"
	ccid_reset "/dev/$3" "$dev" idle
	is "$1: still bound, same reader after an idle reset" \
		"$(reader "$2:1.0")" "$3"
	ccid_reset "/dev/$3" "$dev" transfer
	is "$1: still bound, same reader after a reset in a transfer" \
		"$(reader "$2:1.0")" "$3"
	check "$1: reset in dmesg" \
		sh -c "dmesg | grep -q 'usb $2: reset .*USB device'"
	ccid_test "/dev/$3" xfer ok 0 5000 8010000104 010203049000
	card_cycle "$1" "$4" "$3"
done

scard_unload
done_testing
