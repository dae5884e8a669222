#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PC/SC applications on a USB reader through the kernel: Debian's pcscd
# (the host's, in a chroot, with the host's udevd for its hotplug) finds
# QEMU's usb-ccid through ifd-scard.bundle, which serves it through
# scard_ccid_usb's /dev/scardN. Insertion and removal, the client suite,
# two processes; then, with the kernel driver unbound, the same pcscd
# hands the reader to libccid and the same client passes (the bridge never
# breaks a libccid setup); last, the reader unplugged (device_del) under a
# connected application.
# timeout: 300
# kmods: xhci-pci 9p 9pnet_virtio virtio_pci
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -monitor unix:$SCARD_RUNDIR/mon.sock,server=on,wait=off
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR

. /lib/scard-test/lib.sh

INTF=1-1:1.0
DRV=/sys/bus/usb/drivers/scard_ccid_usb
# vsc-card: 80 10 00 00 10 answers 16 bytes and 90 00.
CMD2=8010000010

vsc_open
check "vsc-card answers on ttyS1" vsc ping
wait_for "CCID interface" 20 test -e /sys/bus/usb/devices/$INTF
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko
echo 08e6 4433 >$DRV/new_id
wait_for "scard_ccid_usb drives the reader" 10 has_reader $INTF
pcsc_root

# pcsc-lite's driver directory with libccid's bundle and ours.
pcsc_bundle
# udevd, for pcscd's hotplug (it listens to udev, not to the kernel).
mkdir -p /host/run/udev
hostrun /lib/systemd/systemd-udevd --daemon >/tmp/udevd.log 2>&1
check "udevd runs" sh -c 'sleep 0.5; ls /host/run/udev/control >/dev/null'

# which_driver: the IFD handler pcscd loaded (ifd-scard or libccid)
which_driver()
{
	if grep -q libifd-scard "/proc/$pcscd_pid/maps"; then
		echo ifd-scard
	elif grep -q libccid "/proc/$pcscd_pid/maps"; then
		echo libccid
	else
		echo none
	fi
}

# suite DRIVER: the client checks on the reader pcscd serves with DRIVER
suite()
{
	check "$1: pcscd lists the reader" pcsc_test wait present 20000
	is "$1: pcscd serves the reader with $1" "$(which_driver)" "$1"
	check "$1: pcsc_test suite" pcsc_test -2 $CMD2 suite
	pcsc_test -2 $CMD2 threads 10 >/tmp/p1.out &
	_p=$!
	check "$1: two processes, the first" pcsc_test -2 $CMD2 threads 10
	check "$1: two processes, the second" wait $_p
	cat /tmp/p1.out

	pcsc_test wait absent 15000 >/tmp/wait.out &
	_p=$!
	sleep 1
	vsc remove
	check "$1: SCardGetStatusChange wakes on the removal" wait $_p
	pcsc_test wait present 15000 >/tmp/wait.out &
	_p=$!
	sleep 1
	vsc insert
	check "$1: SCardGetStatusChange wakes on the insertion" wait $_p
}

pcscd_start
suite ifd-scard
pcscd_stop

diag "the kernel driver unbound: pcscd falls back to libccid"
echo $INTF >$DRV/unbind
pcscd_start
suite libccid
pcscd_stop
echo $INTF >$DRV/bind
wait_for "scard_ccid_usb drives the reader again" 10 has_reader $INTF

diag "the reader unplugged under a connected application"
pcscd_start
check "pcscd lists the reader" pcsc_test wait present 20000
rm -f /tmp/hold.out
pcsc_test -2 $CMD2 hold 20000 >/tmp/hold.out &
holder=$!
wait_for "the application holds the card" 20 \
	grep -q '^# connected' /tmp/hold.out
vsc monitor device_del ccid
check "the application sees the reader go" wait $holder
cat /tmp/hold.out
wait_for "pcscd lists the reader no more" 10 \
	sh -c "! hostrun /tmp/progs/host/pcsc_test list 2>/dev/null | grep -q ."
pcscd_stop

if [ "$_scard_failed" != 0 ]; then
	sed 's/^/# pcscd: /' "$PCSC_LOG" | tail -n 60
fi
hostrun udevadm control --exit 2>/dev/null
pcsc_root_umount
scard_unload
done_testing
