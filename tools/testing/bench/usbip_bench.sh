#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The cost of a remote reader (not pass/fail; a "BENCH" line): QEMU's
# usb-ccid with the scripted T=0 card of tools/testing/ccid/vsc-card,
# driven by scard_ccid_usb attached locally (floor) and over USB/IP
# (ours: exported by usbip-host and usbipd, attached through vhci-hcd
# over 127.0.0.1 in the same guest, Debian's usbip tools in a chroot of
# the host's root). Round trips of the case 2 command 80 10 00 00 10 (16
# bytes and 90 00) with ccid_bench, the two paths taking turns ROUNDS
# times, pooled. Prints "BENCH usbip_apdu_p50_ms ours=.. floor=..
# ratio=.." and the same for p99: what the network stack and the two
# USB/IP drivers add to a round trip, on one machine (a real network adds
# its own latency on top).
# timeout: 900
# append: idle=poll
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

ROUNDS=${bench_rounds:-3}
N=${bench_n:-200}	# round trips per path and round
DRV=/sys/bus/usb/drivers/scard_ccid_usb
LOCAL=1-1
S=/tmp/samples

present() { [ "$(cat "/sys/class/misc/$1/state" 2>/dev/null)" != absent ]; }

round_local()
{
	[ -e "$DRV/$LOCAL:1.0" ] || echo "$LOCAL:1.0" >$DRV/bind
	wait_for "local reader" 10 has_reader "$LOCAL:1.0"
	_r=$(reader "$LOCAL:1.0")
	wait_for "its card" 10 present "$_r"
	measure local_apdu ccid_bench scard apdu "$N" "/dev/$_r"
	echo "$LOCAL:1.0" >$DRV/unbind
}

round_usbip()
{
	check "usbip bind" hostrun usbip bind -b "$LOCAL"
	check "usbip attach" hostrun usbip attach -r 127.0.0.1 -b "$LOCAL"
	wait_for "the remote reader" 10 has_usbip_remote
	_ri=$(usbip_remote):1.0
	wait_for "its interface" 10 test -e "/sys/bus/usb/devices/$_ri"
	[ -e "$DRV/$_ri" ] || echo "$_ri" >$DRV/bind
	wait_for "its scardN" 10 has_reader "$_ri"
	_r=$(reader "$_ri")
	wait_for "its card" 10 present "$_r"
	measure usbip_apdu ccid_bench scard apdu "$N" "/dev/$_r"
	check "usbip detach" hostrun usbip detach -p 0
	wait_for "detached" 10 no_usbip_remote
	check "usbip unbind" hostrun usbip unbind -b "$LOCAL"
	wait_for "QEMU's reader back" 10 test -e "/sys/bus/usb/devices/$LOCAL:1.0"
	# usbip unbind hands the device back to the USB core's drivers.
	[ -e "$DRV/$LOCAL:1.0" ] && echo "$LOCAL:1.0" >$DRV/unbind
	return 0
}

mkdir -p $S
vsc_open
pcsc_root
usbip_setup
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko
usbipd_start
echo 1 >/sys/module/scard_ccid_usb/parameters/bind_all
[ -e "$DRV/$LOCAL:1.0" ] && echo "$LOCAL:1.0" >$DRV/unbind
echo 0 >/sys/module/scard_ccid_usb/parameters/bind_all

i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	diag "round $i of $ROUNDS"
	echo 1 >/sys/module/scard_ccid_usb/parameters/bind_all
	round_local
	round_usbip
	echo 0 >/sys/module/scard_ccid_usb/parameters/bind_all
done

kill "$usbipd_pid"
wait "$usbipd_pid" 2>/dev/null
pcsc_root_umount
scard_unload
samples local_apdu usbip_apdu
for p in 50 99; do
	bench "usbip_apdu_p${p}_ms" "$(pct usbip_apdu $p)" \
		"$(pct local_apdu $p)" floor
done
done_testing
