#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bad pointers, lengths, reserved fields, values and ioctl numbers; and
# (kernels with fault injection: the debug kernel) every allocation of a
# request failed in turn.
# timeout: 90

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "scard_test badinput" scard_test badinput 0
check "scard_test faults" scard_test faults 0
scard_unload
done_testing
