#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A PIN pad to PC/SC applications: ccid_gadget --pinpad (see ccid_pinpad)
# through scard_ccid_usb, ifd-scard and pcscd. SCardControl finds the PIN
# features (codes SCARD_CTL_CODE(3406) ...) and the display, and a VERIFY
# with the PIN typed on the reader passes; OpenSC, unmodified, lists the
# reader as a PIN pad (opensc-tool -l).
# timeout: 240
# kmods: dummy_hcd usb_f_fs libcomposite 9p 9pnet_virtio virtio_pci
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap
# boot: own

. /lib/scard-test/lib.sh

CFG=/sys/kernel/config
G=$CFG/usb_gadget/pinpad
FFS=/dev/ffs-pinpad
LOG=/tmp/pinpad.log
KEYS=/tmp/keypad

intf()
{
	for _d in /sys/bus/usb/devices/*:1.0; do
		[ "$(cat "$_d/bInterfaceClass" 2>/dev/null)" = 0b ] || continue
		echo "${_d##*/}"
		return 0
	done
	return 1
}
has_intf() { [ -n "$(intf)" ]; }

grep -q " $CFG " /proc/mounts || mount -t configfs none $CFG
UDC=$(ls /sys/class/udc | head -n 1)
mkdir $G $G/strings/0x409 $G/configs/c.1 $G/functions/ffs.pinpad
echo 0x1d6b >$G/idVendor
echo 0x0104 >$G/idProduct
echo scard >$G/strings/0x409/manufacturer
echo "PIN pad" >$G/strings/0x409/product
ln -s $G/functions/ffs.pinpad $G/configs/c.1/
mkdir -p $FFS
check "functionfs" mount -t functionfs pinpad $FFS

scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
rm -f /tmp/gadget.ready
ccid_gadget $FFS /tmp/gadget.ready --pinpad $KEYS >$LOG 2>&1 &
gadget=$!
wait_for "ccid_gadget ready" 10 test -e /tmp/gadget.ready
echo "$UDC" >$G/UDC
wait_for "enumerated" 10 has_intf
I=$(intf)
wait_for "reader" 10 has_reader "$I"
R=$(reader "$I")

pcsc_root
pcsc_conf "/dev/$R" "scard PIN pad"
pcscd_start
check "pcscd lists the PIN pad, card present" \
	pcsc_test -r "PIN pad" wait present 30000

echo 1234 >$KEYS
check "SCardControl: features, display, a VERIFY on the keypad" \
	pcsc_test -r "PIN pad" pinpad
check "the card verified the PIN typed" grep -q "card: PIN verified" $LOG

hostrun opensc-tool -l >/tmp/list.out 2>&1
cat /tmp/list.out
check "opensc-tool -l: a PIN pad" grep -q "PIN pad.*scard PIN pad" /tmp/list.out
pcscd_stop

if [ "$_scard_failed" != 0 ]; then
	sed 's/^/# pcscd: /' "$PCSC_LOG" | tail -n 40
fi
pcsc_root_umount
echo "" >$G/UDC
kill $gadget
wait $gadget 2>/dev/null
scard_unload
rm $G/configs/c.1/ffs.pinpad
umount $FFS
rmdir $G/functions/ffs.pinpad $G/configs/c.1 $G/strings/0x409 $G
sed 's/^/# /' $LOG | grep -v "command 6[25]" | tail -n 30
done_testing
