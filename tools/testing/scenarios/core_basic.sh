#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Smoke test: the library and one test reader load, /dev/scard0 answers.
# timeout: 60

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "/dev/scard0 is a character device" test -c /dev/scard0
check "test reader ctl file" test -w /sys/kernel/debug/scard_test_reader/ctl
check "GET_STATE on /dev/scard0: absent" scard_test state 0 absent
scard_unload
check "/dev/scard0 gone after unload" test ! -e /dev/scard0
done_testing
