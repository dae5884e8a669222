#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An idle reader costs nothing: QEMU's usb-ccid on xHCI with a card in,
# served by pcscd through ifd-scard and scard_ccid_usb, no client. After
# pcscd settled (it powers a new card up and down), over 60 s (15 s on
# the debug kernel): usbmon sees
# no transfer on the reader's bulk endpoints nor any completion of its
# interrupt endpoint (the URB that waits for a card event stays pending),
# and pcscd makes no ioctl (strace): its polling function sleeps in poll()
# and nothing else runs. Then a card event still arrives.
# timeout: 240
# kmods: xhci-pci usbmon 9p 9pnet_virtio virtio_pci
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
# The debug kernel looks for kernel reports, the stock ones measure: a
# shorter window there keeps make check's slots for work.
case ${scard_kernel:-} in
debug-*) IDLE=${pcsc_idle_s:-15} ;;
*) IDLE=${pcsc_idle_s:-60} ;;
esac

vsc_open
check "vsc-card answers on ttyS1" vsc ping
wait_for "CCID interface" 20 test -e /sys/bus/usb/devices/$INTF
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
wait_for "scard_ccid_usb drives the reader" 10 has_reader $INTF
mount -t debugfs none /sys/kernel/debug 2>/dev/null
pcsc_root
pcsc_bundle
pcscd_start
check "pcscd lists the reader, card present" pcsc_test wait present 20000
# pcscd powers a new card up, then down after its grace period.
sleep 10

dev=$(cat /sys/bus/usb/devices/1-1/devnum)
cat /sys/kernel/debug/usb/usbmon/1u >/tmp/usbmon.txt &
mon=$!
hostrun strace -f -qq -e trace=ioctl -o /tmp/strace.txt -p "$pcscd_pid" &
st=$!
diag "idle for $IDLE s"
sleep "$IDLE"
cp /tmp/usbmon.txt /tmp/idle-usbmon.txt
cp /host/tmp/strace.txt /tmp/idle-strace.txt
# usbmon text: tag time event address...: "Bi:1:DDD:N" for bulk-in.
n_bulk=$(grep -cE " [SC] B[io]:[0-9]+:0*$dev:" /tmp/idle-usbmon.txt)
n_int=$(grep -cE " C Ii:[0-9]+:0*$dev:" /tmp/idle-usbmon.txt)
n_ioctl=$(grep -c 'ioctl(' /tmp/idle-strace.txt)
is "no bulk transfer in $IDLE s" "$n_bulk" 0
is "no interrupt completion in $IDLE s" "$n_int" 0
is "no ioctl by pcscd in $IDLE s" "$n_ioctl" 0
[ "$n_bulk$n_int" = 00 ] || head -n 20 /tmp/idle-usbmon.txt
[ "$n_ioctl" = 0 ] || head -n 20 /tmp/idle-strace.txt

pcsc_test wait absent 15000 >/tmp/wait.out &
_p=$!
sleep 1
vsc remove
check "a card event still arrives" wait $_p
# The same monitors see the event: they were listening all along.
check "usbmon saw the event's interrupt completion" \
	grep -qE " C Ii:[0-9]+:0*$dev:" /tmp/usbmon.txt
check "strace saw the bridge's GET_STATE after it" \
	grep -q 'ioctl(' /host/tmp/strace.txt
kill $st $mon
wait $st $mon 2>/dev/null
pcscd_stop

if [ "$_scard_failed" != 0 ]; then
	sed 's/^/# pcscd: /' "$PCSC_LOG" | tail -n 40
fi
pcsc_root_umount
scard_unload
done_testing
