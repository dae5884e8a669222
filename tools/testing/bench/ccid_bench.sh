#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the USB CCID reader (not pass/fail; "BENCH" lines), in one
# guest run on QEMU's usb-ccid behind xHCI with the scripted T=0 card of
# tools/testing/ccid/vsc-card, three paths to the same reader and card:
#   floor: CCID spoken over usbfs by ccid_bench, no driver logic at all;
#   peer:  pcscd + libccid of the host (Debian's), run in a chroot of the
#          host's root (9p, read-only) with pcsc_bench as the client;
#   ours:  /dev/scardN of scard_ccid_usb.
# The paths take turns, ROUNDS times, and each figure is pooled over the
# rounds (machines are noisy). Round trips: p50 and p99 of the case 2
# command 80 10 00 00 10 (16 bytes and 90 00). Insertion: from the write
# of "insert" to vsc-card's serial port to the waiter's return
# (IS_PRESENT, SCardGetStatusChange, the interrupt URB's completion).
# Each program's first exchanges and first insertion are not counted
# (bench.h). pcscd runs in a session of its own, as a service does.
#
# The guest idles by polling (idle=poll): under TCG a halted vCPU sees a
# device's completion late (up to half a millisecond on these machines,
# in bursts), which penalises a path that sleeps while the reader works
# (ours) against one whose threads keep the CPU busy (libusb's); real
# hardware leaves its idle state in microseconds.
# Prints "BENCH NAME ours=.. peer=.. ratio=.." and "BENCH NAME ours=..
# floor=.. ratio=.." (NAME ends in _ms: the values are milliseconds;
# ratio < 1: faster than the other). The peer is skipped if the host has
# no pcscd, libccid or libpcsclite headers (make bench installs them).
# timeout: 900
# append: idle=poll
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

ROUNDS=${bench_rounds:-4}
N=${bench_n:-200}	# round trips per path and round
K=${bench_k:-25}	# insertions per path and round (p99 needs 100)
TTY=/dev/ttyS1
INTF=1-1:1.0
DRV=/sys/bus/usb/drivers/scard_ccid_usb
S=/tmp/samples		# pooled samples, one file per figure


# The peer's root: the host's, read-only, with our /dev, /proc, /sys, a
# tmpfs /tmp and /run, and the PC/SC client in /tmp/progs.
peer_setup()
{
	mkdir -p /host
	mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host &&
	[ -x /host/usr/sbin/pcscd ] &&
	[ -e /host/usr/lib/pcsc/drivers/ifd-ccid.bundle ] &&
	mount -t tmpfs tmp /host/tmp && mount -t tmpfs run /host/run &&
	mkdir /host/tmp/progs /host/tmp/samples &&
	mount -t 9p -o trans=virtio,version=9p2000.L,ro progs /host/tmp/progs &&
	[ -x /host/tmp/progs/host/pcsc_bench ] &&
	mount -o bind /dev /host/dev &&
	mount -t proc proc /host/proc &&
	mount -t sysfs sys /host/sys
}

usbfs_free()
{
	! ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q bus/usb
}

round_raw()
{
	measure raw_apdu ccid_bench raw apdu "$N"
	measure raw_insert ccid_bench raw insert "$K" $TTY
}

round_peer()
{
	chroot /host env -i PATH=/usr/sbin:/usr/bin HOME=/tmp setsid pcscd -f \
		>>/tmp/pcscd.log 2>&1 &
	_pid=$!
	measure pcsc_apdu hostrun env BENCH_SAMPLES=/tmp/samples/pcsc_apdu \
		/tmp/progs/host/pcsc_bench apdu "$N"
	measure pcsc_insert hostrun env BENCH_SAMPLES=/tmp/samples/pcsc_insert \
		/tmp/progs/host/pcsc_bench insert "$K" $TTY
	kill "$_pid"
	wait "$_pid"
	wait_for "pcscd released the interface" 10 usbfs_free
}

# pcscd_round DRIVERS CONF: pcscd with the driver directory DRIVERS
# and the reader.conf.d CONF, in the background
pcscd_round()
{
	mount -o bind "$1" /host/usr/lib/pcsc/drivers
	chroot /host env -i PATH=/usr/sbin:/usr/bin HOME=/tmp setsid pcscd -f \
		-c "$2" >>/tmp/pcscd.log 2>&1 &
	_pid=$!
}

pcscd_round_end()
{
	kill "$_pid"
	wait "$_pid"
	umount /host/usr/lib/pcsc/drivers
	wait_for "pcscd released the reader" 10 usbfs_free
}

# The bridge: pcscd + ifd-scard.bundle + scard_ccid_usb.
round_bridge()
{
	echo $INTF >$DRV/bind
	wait_for "reader" 10 has_reader $INTF
	pcscd_round /tmp/drivers-bridge /tmp/empty.conf.d
	measure bridge_apdu hostrun env BENCH_SAMPLES=/tmp/samples/bridge_apdu \
		/tmp/progs/host/pcsc_bench apdu "$N"
	measure bridge_insert hostrun \
		env BENCH_SAMPLES=/tmp/samples/bridge_insert \
		/tmp/progs/host/pcsc_bench insert "$K" $TTY
	pcscd_round_end
	echo $INTF >$DRV/unbind
}

# The floor of PC/SC: pcscd + a driver that answers from memory.
round_floor()
{
	pcscd_round /tmp/drivers-none /tmp/null.conf.d
	measure floor_apdu hostrun env BENCH_SAMPLES=/tmp/samples/floor_apdu \
		/tmp/progs/host/pcsc_bench apdu "$N"
	pcscd_round_end
}

# The control of the bridge's cost: the same driver, spending as long on
# the CPU as the direct path takes (its p50 so far) before answering.
round_busy()
{
	_us=$(pct scard_apdu 50 | awk '{ printf "%d", $1 * 1000 }')
	[ -n "$_us" ] || return 0
	sed "s|/dev/null:null|/dev/null:busy=$_us|" /host/tmp/null.conf.d/null \
		>/host/tmp/busy.conf.d/null
	echo "$_us" >>$S/busy_us
	pcscd_round /tmp/drivers-none /tmp/busy.conf.d
	measure busy_apdu hostrun env BENCH_SAMPLES=/tmp/samples/busy_apdu \
		/tmp/progs/host/pcsc_bench apdu "$N"
	pcscd_round_end
}

round_ours()
{
	echo $INTF >$DRV/bind
	wait_for "reader" 10 has_reader $INTF
	R=$(reader $INTF)
	measure scard_apdu ccid_bench scard apdu "$N" "/dev/$R"
	measure scard_insert ccid_bench scard insert "$K" $TTY "/dev/$R"
	echo $INTF >$DRV/unbind
}

mkdir -p $S
wait_for "CCID interface" 20 test -e /sys/bus/usb/devices/$INTF
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko
echo 1 >/sys/module/scard_ccid_usb/parameters/bind_all
peer=0
if peer_setup; then
	peer=1
	diag "$(hostrun pcscd --version | head -n 1)"
	# Driver directories: libccid's alone (the peer's, as installed),
	# with ifd-scard.bundle (the bridge), none (the floor, whose driver
	# comes from reader.conf.d).
	mkdir -p /tmp/drivers-bridge /tmp/drivers-none /tmp/empty.conf.d \
		/host/tmp/empty.conf.d /host/tmp/null.conf.d \
		/host/tmp/busy.conf.d
	cp -a /host/usr/lib/pcsc/drivers/. /tmp/drivers-bridge/
	cp -a /host/tmp/progs/host/ifd-scard.bundle /tmp/drivers-bridge/
	cat >/host/tmp/null.conf.d/null <<EOT
FRIENDLYNAME "floor"
DEVICENAME /dev/null:null
LIBPATH /tmp/progs/host/libifd-null.so
EOT
else
	diag "no pcscd, libccid or pcsc_bench on the host: no peer figures"
fi

i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	diag "round $i of $ROUNDS"
	round_raw
	[ $peer = 0 ] || round_peer
	[ $peer = 0 ] || round_floor
	round_ours
	[ $peer = 0 ] || round_bridge
	[ $peer = 0 ] || round_busy
done
if [ $peer = 1 ]; then
	sed 's/^/# pcscd: /' /tmp/pcscd.log | tail -n 20
	mv /host/tmp/samples/* $S/
	umount /host/sys /host/proc /host/dev /host/tmp/progs /host/tmp \
		/host/run /host
fi
scard_unload

samples raw_apdu pcsc_apdu scard_apdu bridge_apdu floor_apdu busy_apdu \
	raw_insert pcsc_insert scard_insert bridge_insert
for p in 50 99; do
	bench "ccid_apdu_p${p}_ms" "$(pct scard_apdu $p)" "$(pct pcsc_apdu $p)" peer
	bench "ccid_apdu_p${p}_ms" "$(pct scard_apdu $p)" "$(pct raw_apdu $p)" floor
	bench "ccid_insert_p${p}_ms" "$(pct scard_insert $p)" \
		"$(pct pcsc_insert $p)" peer
	bench "ccid_insert_p${p}_ms" "$(pct scard_insert $p)" \
		"$(pct raw_insert $p)" floor
	bench "pcsc_apdu_p${p}_ms" "$(pct bridge_apdu $p)" \
		"$(pct pcsc_apdu $p)" peer
	bench "pcsc_insert_p${p}_ms" "$(pct bridge_insert $p)" \
		"$(pct pcsc_insert $p)" peer
done
# The bridge's own cost: its round trip less the direct /dev/scardN one,
# against the whole round trip of pcscd with a driver that costs nothing.
cost=$(awk -v b="$(pct bridge_apdu 50)" -v d="$(pct scard_apdu 50)" \
	'BEGIN { if (b != "" && d != "") printf "%.3f", b - d }')
bench pcsc_bridge_cost_p50_ms "$cost" "$(pct floor_apdu 50)" floor
# The control: the same difference for the driver that only spends the
# direct path's time (its round trip less that time). Near 1: what the
# bridge adds beyond the floor is what pcscd costs around any driver
# that takes time, not the bridge's own work.
if [ -s $S/busy_us ]; then
	busy=$(awk -v b="$(pct busy_apdu 50)" '{ s += $1 } END {
		if (b != "" && NR) printf "%.3f", b - s / NR / 1000 }' $S/busy_us)
	bench pcsc_bridge_cost_busy_p50_ms "$cost" "$busy" floor
fi
done_testing
