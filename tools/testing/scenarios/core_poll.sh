#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# poll() on /dev/scardN: card events per open file, hang-up on unplug.
# timeout: 90

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "scard_test poll" scard_test poll 0
scard_unload
done_testing
