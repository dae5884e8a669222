#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PC/SC applications on a virtual reader: Debian's pcscd (the host's, in a
# chroot) loads ifd-scard from a reader.conf.d entry; scard-emu holds the
# card; pcsc_test is the application. Insertion and removal wake
# SCardGetStatusChange; connect, transmit, reconnect, attributes,
# control, sharing, two threads and two processes at once; the reader
# unplugged under a connected application; a card removed during a
# transmit; a card that stops answering (pcscd powers it up again); two
# readers through the one library, distinct and in parallel.
# timeout: 480
# kmods: 9p 9pnet_virtio virtio_pci
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap

. /lib/scard-test/lib.sh

R="scard virtual"

# emu_events ARGS...: scard-emu with ARGS reading its commands (--events)
# from fd 3, its reader listed for pcscd as $R; sets dev and emu_pid
emu_events()
{
	mkfifo /tmp/emu.cmd
	rm -f "$EMU_READY"
	scard-emu --ready-file "$EMU_READY" --events "$@" \
		</tmp/emu.cmd >"$EMU_LOG" 2>&1 &
	emu_pid=$!
	exec 3>/tmp/emu.cmd
	wait_for "scard-emu ready" 10 test -s "$EMU_READY"
	dev=$(head -n 1 "$EMU_READY")
	pcsc_conf "$dev" "$R"
}
scard_load scard_vhci.ko
pcsc_root

for proto in t1 t0; do
	diag "T=${proto#t}: a TPDU level reader, the library runs the protocol"
	emu_events --level tpdu --protocol $proto --no-card
	pcscd_start

	check "pcscd lists the reader" pcsc_test -r "$R" wait absent 20000
	pcsc_test -r "$R" wait present 15000 >/tmp/wait.out &
	waiter=$!
	sleep 1
	echo insert >&3
	check "SCardGetStatusChange wakes on the insertion" wait $waiter
	cat /tmp/wait.out
	check "pcsc_test suite" pcsc_test -r "$R" suite
	check "two threads" pcsc_test -r "$R" threads 20
	pcsc_test -r "$R" threads 20 >/tmp/p1.out &
	p1=$!
	check "two processes: the first" pcsc_test -r "$R" threads 20
	check "two processes: the second" wait $p1
	cat /tmp/p1.out

	pcsc_test -r "$R" wait absent 15000 >/tmp/wait.out &
	waiter=$!
	sleep 1
	echo remove >&3
	check "SCardGetStatusChange wakes on the removal" wait $waiter
	cat /tmp/wait.out

	echo insert >&3
	check "the card is back" pcsc_test -r "$R" wait present 15000
	rm -f /tmp/hold.out
	pcsc_test -r "$R" hold 20000 >/tmp/hold.out &
	holder=$!
	# The unplug once the application is connected (a loaded machine
	# took more than 2 s to power the card up).
	wait_for "the application holds the card" 20 \
		grep -q '^# connected' /tmp/hold.out
	emu_stop
	check "an application holding the reader sees it go" wait $holder
	cat /tmp/hold.out
	check "pcscd shows the reader empty" pcsc_test -r "$R" wait absent 5000
	pcscd_stop
	exec 3>&-
	rm -f /tmp/emu.cmd /host/tmp/reader.conf.d/*
done

diag "a card removed during a transmit"
emu_events --level tpdu --protocol t1 --slow 1000
pcscd_start
check "the slow card is present" pcsc_test -r "$R" wait present 20000
pcsc_test -r "$R" hold 20000 >/tmp/hold.out &
holder=$!
sleep 2.5
echo remove >&3
check "the transmit in progress ends with the removal" wait $holder
cat /tmp/hold.out
echo insert >&3
check "the card is back" pcsc_test -r "$R" wait present 15000
pcscd_stop
emu_stop
exec 3>&-
rm -f /tmp/emu.cmd /host/tmp/reader.conf.d/*

diag "a card that stops answering: pcscd powers it up again"
# The kernel drops a card it lost the link to to SWALLOWED without a card
# event; ifd-scard must make pcscd power it up again (pcscd would otherwise
# keep it as powered and every exchange would fail with EBADFD).
fails() { ! "$@"; }
emu_events --level tpdu --protocol t1
pcscd_start
check "the card is present" pcsc_test -r "$R" wait present 20000
check "the card answers" pcsc_test -r "$R" once
echo mute >&3
wait_for "the card stops answering: the exchange fails" 10 \
	fails pcsc_test -r "$R" once
echo unmute >&3
wait_for "pcscd powered the card up again: it answers" 10 \
	pcsc_test -r "$R" once
pcscd_stop
emu_stop
exec 3>&-
rm -f /tmp/emu.cmd /host/tmp/reader.conf.d/*

diag "two readers through one library: distinct, in parallel"
emu_start --level tpdu --protocol t1 --readers 2
dev2=$(sed -n 2p "$EMU_READY")
# scard-pcsc-conf writes the entries (and drops those of gone readers).
touch /host/tmp/reader.conf.d/scard-9
/host/tmp/progs/host/scard-pcsc-conf
check "scard-pcsc-conf: an entry per reader" \
	test -e "/host/tmp/reader.conf.d/scard-${dev#/dev/scard}" -a \
	-e "/host/tmp/reader.conf.d/scard-${dev2#/dev/scard}"
check "scard-pcsc-conf: the entry of a gone reader removed" \
	test ! -e /host/tmp/reader.conf.d/scard-9
A="(${dev#/dev/})"
B="(${dev2#/dev/})"
pcscd_start
check "reader $A listed, card present" pcsc_test -r "$A" wait present 20000
check "reader $B listed, card present" pcsc_test -r "$B" wait present 20000
is "two readers" "$(pcsc_test list | grep -c "scard-emu.*(scard")" 2
pcsc_test -r "$A" threads 20 >/tmp/a.out &
pa=$!
check "reader $B while reader $A works" pcsc_test -r "$B" threads 20
check "reader $A while reader $B works" wait $pa
cat /tmp/a.out
pcscd_stop
emu_stop
rm -f /host/tmp/reader.conf.d/*

if [ "$_scard_failed" != 0 ]; then
	sed 's/^/# pcscd: /' "$PCSC_LOG" | tail -n 40
fi
pcsc_root_umount
scard_unload
done_testing
