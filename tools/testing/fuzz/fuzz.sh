#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The default fuzz campaign (tools/testing/qemu/run.sh --fuzz fuzz): the
# core, the virtual reader and the serial CCID discipline loaded,
# scard_fuzz (tools/testing/progs/scard_fuzz) with ioctl workers, two
# virtual reader controllers, waiters, open racers and the serial worker
# for ${fuzz_ioctls:-1000000} ioctls with seed ${fuzz_seed:-1}
# (SCARD_APPEND="fuzz_seed=5 fuzz_ioctls=1000"); then a fresh reader must
# work, no reader may be left, every module must unload, and a kmemleak
# scan runs. Prints "FUZZ ioctls=N seconds=S reports=R", R counting the
# kernel's reports in dmesg (the host runner fails on any of them too).
# The virtual reader's timeouts are shortened (500 ms): its requests
# left unanswered on purpose would otherwise dominate the run time. On the
# debug kernel under TCG scard_fuzz makes about 800 ioctls a second: the
# default campaign takes some 20 minutes; ${fuzz_seconds:-3000} s at most.
# timeout: 3600

. /lib/scard-test/lib.sh

seed=${fuzz_seed:-1}
ioctls=${fuzz_ioctls:-1000000}
seconds=${fuzz_seconds:-3000}
re='BUG:|WARNING:|KASAN|UBSAN|unreferenced object|INFO: task .* blocked|possible circular locking|inconsistent lock state|Call Trace:'

reports() { dmesg | grep -cE "$re"; }
no_readers() { ! ls /dev | grep -q '^scard[0-9]'; }

before=$(reports)
# The serial worker's pty pairs need devpts.
mkdir -p /dev/pts
grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
scard_load scard_vhci.ko power_timeout_ms=500 timeout_ms=500
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko
is "discipline registered" \
	"$(awk '$1 == "scard_ccid_serial" { print "yes" }' /proc/tty/ldiscs)" yes

diag "scard_fuzz --seed $seed --ioctls $ioctls --seconds $seconds"
{ scard_fuzz --seed "$seed" --ioctls "$ioctls" --seconds "$seconds"
  echo $? >/tmp/fuzz.rc; } 2>&1 | tee /tmp/fuzz.out
is "scard_fuzz exits 0 (no findings)" "$(cat /tmp/fuzz.rc)" 0
check "a fresh virtual reader works" scard_fuzz --check
wait_for "no reader left" 10 no_readers
scard_unload

if [ -e /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
after=$(reports)
n=$(sed -n 's/^FUZZ ioctls=\([0-9]*\) .*/\1/p' /tmp/fuzz.out)
s=$(sed -n 's/^FUZZ .*seconds=\([0-9]*\) .*/\1/p' /tmp/fuzz.out)
echo "FUZZ ioctls=${n:-0} seconds=${s:-0} reports=$((after - before))"
is "no kernel reports" $((after - before)) 0
done_testing
