#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short fixed-seed run of scard_fuzz (the campaign of
# tools/testing/fuzz/fuzz.sh in small): ioctl workers, virtual reader
# controllers killed and restarted, waiters hit by signals, open racers
# during unplug and the serial discipline, 10000 ioctls with seed 7 (25 s
# at most: about 15 s on the debug kernel); then a fresh reader must work,
# no reader may be left and every module must unload. Also the 32-bit
# build, shorter, for the compat path. The virtual reader's timeouts are
# shortened (500 ms) as in the campaign.
# timeout: 120

. /lib/scard-test/lib.sh

no_readers() { ! ls /dev | grep -q '^scard[0-9]'; }

# The serial worker's pty pairs need devpts.
mkdir -p /dev/pts
grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
scard_load scard_vhci.ko power_timeout_ms=500 timeout_ms=500
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko

scard_fuzz --seed 7 --ioctls 10000 --seconds 25
is "scard_fuzz seed 7: no findings" $? 0
scard_fuzz32 --seed 8 --ioctls 3000 --seconds 10 --no-serial
is "scard_fuzz32 seed 8: no findings" $? 0
check "a fresh virtual reader works" scard_fuzz --check
wait_for "no reader left" 10 no_readers
scard_unload
done_testing
