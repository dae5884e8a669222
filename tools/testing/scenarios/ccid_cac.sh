#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# USB CCID reader on QEMU's usb-ccid with libcacard's emulated CAC card
# (ccid-card-emulated over an NSS database of three self-signed
# certificates that vsc-card --emulated creates and plugs in through the
# QEMU monitor): power, ATR, SELECT of the PKI applet (61 0D), GET
# RESPONSE, GET PROPERTIES and the certificate read end to end with READ
# BUFFER; the card removed and plugged in again. QEMU's emulated card loses
# an APDU now and then: cac_try (lib.sh) runs a suite again after one.
# timeout: 120
# kmods: xhci-pci
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -monitor unix:$SCARD_RUNDIR/mon.sock,server=on,wait=off
# host: tools/testing/ccid/vsc-card --emulated $SCARD_RUNDIR

. /lib/scard-test/lib.sh

INTF=1-1:1.0
ATR=3b7a18000073667465206364313434

vsc_open

in_state() { [ "$(cat "/sys/class/misc/$R/state")" = "$1" ]; }

# libcacard's crypto in QEMU is slow on a loaded host: give the card
# more time than a real one gets (the driver's default is 3 s).
scard_load scard_ccid.ko timeout_ms=10000
scard_load scard_ccid_usb.ko bind_all=1
wait_for "reader" 10 has_reader "$INTF"
R=$(reader "$INTF")
D=/dev/$R
# vsc-card creates the NSS database first, then plugs the card in.
wait_for "CAC card inserted" 60 in_state present

cac_try ccid_test "$D" cac
is "ATR" "$(cat /sys/class/misc/$R/atr)" $ATR
check "scardctl: SELECT with the APDU transport" \
	cac_try scardctl -d "$D" transmit --apdu 00A4040007A000000079010000

check "remove the card (device_del)" vsc remove
wait_for "absent" 10 in_state absent
check "plug the card in again (device_add)" vsc insert
wait_for "present again" 10 in_state present
cac_try ccid_test "$D" cac

scard_unload
done_testing
