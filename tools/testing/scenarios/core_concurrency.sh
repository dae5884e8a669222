#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Concurrent requests stay serialised; O_EXCL; the pending-request rule.
# timeout: 120

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "scard_test concurrency" scard_test concurrency 0
scard_unload
done_testing
