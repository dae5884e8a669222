#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every request of /dev/scardN with good input, against the test reader.
# timeout: 90

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "scard_test ioctl" scard_test ioctl 0
scard_unload
done_testing
