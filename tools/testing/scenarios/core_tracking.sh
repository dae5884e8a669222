#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# IS_PRESENT / IS_ABSENT: immediate answers, wake-ups, signals, EBUSY.
# timeout: 90

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "scard_test tracking" scard_test tracking 0
scard_unload
done_testing
