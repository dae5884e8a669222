#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the serial CCID reader (not pass/fail; "BENCH" lines), in
# one guest run, tools/testing/serial/twin-reader posing as a GemPC Twin
# on ttyS2 (it echoes every frame and paces its output at 115200 8N2),
# two paths to the same reader and card, taking turns ROUNDS times:
#   ours:  /dev/scardN of scard_ccid_serial (scardctl attach);
#   peer:  pcscd + libccidtwin of the host (Debian's), in a chroot of the
#          host's root (9p, read-only), pcsc_bench as the client;
# and the wire floor of the round trip: the bytes of the command's
# frame, its echo and the reply's frame at 11 bits a byte (115200 8N2).
# Round trips: p50 and p99 of the case 2 command 80 10 00 00 10 (16 bytes
# and 90 00). Insertion: from the write of "insert" to twin-reader's
# control port to the waiter's return (IS_PRESENT, SCardGetStatusChange).
# Prints "BENCH NAME ours=.. peer=.. ratio=.." and "BENCH NAME ours=..
# floor=.. ratio=.." (milliseconds; ratio < 1: faster than the other).
# The guest idles by polling, as in ccid_bench.sh.
# timeout: 900
# append: idle=poll
# kmods: 9p 9pnet_virtio virtio_pci
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/twin.sock,server=on,wait=off
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap
# host: tools/testing/serial/twin-reader --ctl ctl.sock --model GemPCTwin $SCARD_RUNDIR

. /lib/scard-test/lib.sh

ROUNDS=${bench_rounds:-3}
N=${bench_n:-100}	# round trips per path and round
K=${bench_k:-10}	# insertions per path and round
CTL=/dev/ttyS1
LINE=ttyS2
S=/tmp/samples
# The round trip on the wire: command frame 3 + 10 + 5 bytes, its echo,
# reply frame 3 + 10 + 18 bytes; 11 bits a byte at 115200 baud.
WIRE_MS=$(awk 'BEGIN { printf "%.3f", (18 + 18 + 31) * 11 / 115200 * 1000 }')

serial_reader() { serial_readers $LINE | head -n 1; }
has_serial_reader() { [ -n "$(serial_reader)" ]; }

round_ours()
{
	scardctl attach $LINE GemPCTwin --foreground >/tmp/attach.out 2>&1 &
	_holder=$!
	wait_for "reader on $LINE" 15 has_serial_reader
	R=$(serial_reader)
	measure ours_apdu ccid_bench scard apdu "$N" "/dev/$R"
	measure ours_insert ccid_bench scard insert "$K" $CTL "/dev/$R"
	check "scardctl detach" scardctl detach $LINE
	wait "$_holder"
}

round_peer()
{
	pcscd_start
	measure peer_apdu hostrun env BENCH_SAMPLES=/tmp/samples/peer_apdu \
		/tmp/progs/host/pcsc_bench apdu "$N"
	measure peer_insert hostrun \
		env BENCH_SAMPLES=/tmp/samples/peer_insert \
		/tmp/progs/host/pcsc_bench insert "$K" $CTL
	pcscd_stop
}

mkdir -p $S
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko
peer=0
if pcsc_root && [ -e /host/usr/lib/pcsc/drivers/serial/libccidtwin.so ] &&
   [ -x /host/tmp/progs/host/pcsc_bench ]; then
	peer=1
	mkdir -p /host/tmp/samples
	cat >/host/tmp/reader.conf.d/twin <<EOT
FRIENDLYNAME "GemPCTwin serial"
DEVICENAME /dev/$LINE:GemPCTwin
LIBPATH /usr/lib/pcsc/drivers/serial/libccidtwin.so
EOT
	diag "$(hostrun pcscd --version | head -n 1)"
else
	diag "no pcscd, libccidtwin or pcsc_bench on the host: no peer figures"
fi

i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	diag "round $i of $ROUNDS"
	round_ours
	[ $peer = 0 ] || round_peer
done
if [ $peer = 1 ]; then
	sed 's/^/# pcscd: /' "$PCSC_LOG" | tail -n 20
	mv /host/tmp/samples/* $S/
	pcsc_root_umount
fi
scard_unload

samples ours_apdu peer_apdu ours_insert peer_insert
for p in 50 99; do
	bench "serial_apdu_p${p}_ms" "$(pct ours_apdu $p)" "$(pct peer_apdu $p)" peer
	bench "serial_insert_p${p}_ms" "$(pct ours_insert $p)" \
		"$(pct peer_insert $p)" peer
done
for p in 50 99; do
	bench "serial_apdu_p${p}_ms" "$(pct ours_apdu $p)" "$WIRE_MS" floor
done
done_testing
