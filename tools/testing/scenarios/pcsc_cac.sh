#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# OpenSC, unmodified, on libcacard's emulated CAC card in QEMU's usb-ccid
# on xHCI, through pcscd, ifd-scard.bundle and scard_ccid_usb (the path on
# which pcscd + libccid loses reply synchronisation on xHCI): opensc-tool
# reads the ATR and sends an APDU, pkcs15-tool lists the card's three
# certificates. QEMU's emulated card loses an APDU now and then: cac_try
# (lib.sh) runs opensc-tool or pkcs15-tool again after one.
# timeout: 300
# kmods: xhci-pci 9p 9pnet_virtio virtio_pci
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -monitor unix:$SCARD_RUNDIR/mon.sock,server=on,wait=off
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap
# host: tools/testing/ccid/vsc-card --emulated $SCARD_RUNDIR

. /lib/scard-test/lib.sh

INTF=1-1:1.0
ATR=3b7a18000073667465206364313434

vsc_open
in_state() { [ "$(cat "/sys/class/misc/$R/state")" = "$1" ]; }

# libcacard's crypto is slow on a loaded host (see ccid_cac.sh).
scard_load scard_ccid.ko timeout_ms=10000
scard_load scard_ccid_usb.ko bind_all=1
wait_for "reader" 10 has_reader "$INTF"
R=$(reader "$INTF")
wait_for "CAC card inserted" 60 in_state present

pcsc_root
pcsc_bundle
pcscd_start
check "pcscd lists the reader, card present" pcsc_test wait present 30000
check "ifd-scard serves it" grep -q libifd-scard "/proc/$pcscd_pid/maps"

hostrun opensc-tool -a >/tmp/atr.out 2>&1
cat /tmp/atr.out
check "opensc-tool -a: the CAC's ATR" \
	grep -qi "3b:7a:18:00:00:73:66:74:65:20:63:64:31:34:34" /tmp/atr.out
cac_try hostrun opensc-tool -s 00A4040007A0000000790100 >/tmp/apdu.out 2>&1
cat /tmp/apdu.out
check "opensc-tool -s: SELECT of the PKI applet answered" \
	grep -qiE "Received \\(SW1=0x(61|90)" /tmp/apdu.out
cac_try hostrun pkcs15-tool --list-certificates >/tmp/certs.out 2>&1
cat /tmp/certs.out
is "pkcs15-tool --list-certificates: the three certificates" \
	"$(grep -c '^X.509 Certificate' /tmp/certs.out)" 3
pcscd_stop

if [ "$_scard_failed" != 0 ]; then
	sed 's/^/# pcscd: /' "$PCSC_LOG" | tail -n 40
fi
pcsc_root_umount
scard_unload
done_testing
