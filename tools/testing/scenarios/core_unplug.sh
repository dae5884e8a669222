#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Readers unplugged (del, rmmod) while processes wait or run in them.
# timeout: 120

. /lib/scard-test/lib.sh

ctl=/sys/kernel/debug/scard_test_reader/ctl

scard_load scard_test_reader.ko readers=2
check "scard_test unplug" scard_test unplug
scard_unload

# rmmod with a process waiting for a card, one inside an 8 s TRANSMIT and
# a shell holding a file open; the test reader is loaded by hand here, as
# scard_unload must not unload it again.
scard_load scard.ko
check "insmod scard_test_reader.ko readers=2" \
	insmod "$SCARD_MODDIR/scard_test_reader.ko" readers=2
scard_test wait 1 present ENODEV >/tmp/unplug-wait.out 2>&1 &
waiter=$!
scard_test slow 0 8000 ENODEV >/tmp/unplug-slow.out 2>&1 &
slow=$!
exec 3</dev/scard0
wait_for "a process waits in IS_PRESENT" 10 \
	grep -q '^1 .* tracking=1 ' $ctl
wait_for "a process is inside TRANSMIT" 10 \
	grep -q '^0 .* transmit=1 ' $ctl
check_fail "rmmod scard refused while /dev/scard0 is open" rmmod scard
check "rmmod scard_test_reader with processes inside" rmmod scard_test_reader
check "the waiting process got ENODEV" wait $waiter
cat /tmp/unplug-wait.out
check "the transmitting process got ENODEV" wait $slow
cat /tmp/unplug-slow.out
check "/dev/scard0 gone" test ! -e /dev/scard0
check "/dev/scard1 gone" test ! -e /dev/scard1
check "the ctl file is gone" test ! -e $ctl
exec 3<&-

# and the library comes back cleanly
check "insmod scard_test_reader.ko again" \
	insmod "$SCARD_MODDIR/scard_test_reader.ko" readers=1
check "the new reader answers" scard_test state 0 absent
check "rmmod scard_test_reader" rmmod scard_test_reader
scard_unload
done_testing
