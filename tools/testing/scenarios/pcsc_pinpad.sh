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

LOG=/tmp/pinpad.log
KEYS=/tmp/keypad

gadget_setup pinpad "PIN pad"
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
gadget_plug $LOG --pinpad $KEYS
R=${D#/dev/}

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
gadget_unplug
scard_unload
gadget_teardown
sed 's/^/# /' $LOG | grep -v "command 6[25]" | tail -n 30
done_testing
