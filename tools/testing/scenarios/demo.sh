#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The "make run" demo: a card emulator behind a virtual reader, driven by
# scardctl. The reader moves T=1 blocks; the library runs the protocol.
# Then unmodified PC/SC applications (pcsc_scan, opensc-tool) through
# Debian's pcscd and ifd-scard on the same reader.
# timeout: 180
# kmods: 9p 9pnet_virtio virtio_pci
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap

. /lib/scard-test/lib.sh

AID=F0736361726465 # scard-emu's application: F0 "scardemu"
AID=${AID}6D75
step() { echo; echo "### $*"; }
run() { echo "\$ $*"; "$@"; }

scard_load scard_vhci.ko

step "a virtual reader, its card process waiting for commands"
mkfifo /tmp/emu.cmd
scard-emu --level tpdu --protocol t1 --no-card --events \
	--ready-file /tmp/emu.ready </tmp/emu.cmd >/tmp/emu.log 2>&1 &
emu=$!
exec 3>/tmp/emu.cmd
wait_for "scard-emu ready" 10 test -s /tmp/emu.ready
dev=$(head -n 1 /tmp/emu.ready)
r=${dev#/dev/scard}
run scardctl list
check "the reader is listed" sh -c "scardctl -m list | grep -q 'dev=$dev .*state=absent'"

step "insert the card, seen by a monitor and a waiter"
scardctl -r "$r" -m monitor 2 --timeout 20 >/tmp/monitor.out &
mon=$!
scardctl -r "$r" wait insert 10 >/tmp/wait.out &
waiter=$!
sleep 1
echo insert >&3
check "scardctl wait insert woke up" wait "$waiter"
cat /tmp/wait.out

step "power the card: its ATR, decoded"
run scardctl -r "$r" power cold
check "ATR decoded" sh -c "scardctl -r $r -m power cold | grep -q 'decode=ok.*protocols=t1'"

step "negotiate T=1"
run scardctl -r "$r" protocol t1
is "T=1 selected" "$(scardctl -r "$r" -m protocol t1)" "protocol=t1"
run scardctl -r "$r" attr current_protocol_type current_ifsc current_bwt

step "SELECT the application, READ BINARY"
run scardctl -r "$r" transmit "00A4040009$AID" "00B0810010"
out=$(scardctl -r "$r" -m transmit "00A4040009$AID" "00B0810010")
echo "$out" | grep -q 'sw=9000' && echo "$out" | tail -n 1 | grep -q 'sw=9000'
check "SELECT and READ BINARY answered 9000" test $? = 0

step "remove the card"
scardctl -r "$r" wait remove 10 >/tmp/wait.out &
waiter=$!
sleep 1
echo remove >&3
check "scardctl wait remove woke up" wait "$waiter"
cat /tmp/wait.out
check "the monitor saw both events" wait "$mon"
cat /tmp/monitor.out

step "PC/SC: pcscd with ifd-scard serves the reader to unmodified applications"
pcsc_root
pcsc_conf "$dev" "scard virtual reader"
pcscd_start
check "pcscd lists the reader" pcsc_test wait absent 20000
echo "\$ pcsc_scan -r"
hostrun pcsc_scan -r
hostrun timeout 12 pcsc_scan -n >/tmp/scan.out 2>&1 &
scan=$!
sleep 4
echo insert >&3
wait "$scan"
grep -E "Reader 0|Card state|ATR:" /tmp/scan.out | head -n 8
check "pcsc_scan saw the insertion" grep -q "Card inserted" /tmp/scan.out
echo "\$ opensc-tool -a"
hostrun opensc-tool -a 2>&1 | tee /tmp/atr.out
check "opensc-tool reads the ATR" grep -q '^3b:87' /tmp/atr.out
echo "\$ opensc-tool -s 00A4040009$AID -s 00B0810010"
hostrun opensc-tool -s "00A4040009$AID" -s 00B0810010 2>&1 | tee /tmp/apdu.out
is "opensc-tool: SELECT and READ BINARY answered 90 00" \
	"$(grep -c 'SW1=0x90, SW2=0x00' /tmp/apdu.out)" 2
pcscd_stop
pcsc_root_umount

echo quit >&3
exec 3>&-
check "scard-emu exits" wait "$emu"
scard_unload
done_testing
