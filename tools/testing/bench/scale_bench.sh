#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Many readers at once (not pass/fail; "BENCH" lines): 64 virtual readers
# with 16 waiters blocked in IS_PRESENT on each; one insertion per reader
# wakes exactly its 16; the time from the first insertion to the last
# waiter back, against 1024 threads in poll() on 64 pipes woken by one
# write each (goal: ratio <= 1.3). See tools/testing/progs/scale_bench.c.
# timeout: 300

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko
check "1024 waiters on 64 readers" scale_bench wake 15
check "no reader left" sh -c '! ls /dev/scard[0-9]* 2>/dev/null'
scard_unload
done_testing
