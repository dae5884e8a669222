#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The same requests from a 32-bit process: the UAPI structs have one layout
# for both, so the compat path (compat_ptr_ioctl) must behave identically.
# timeout: 120

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "scard_test32 ioctl" scard_test32 ioctl 0
check "scard_test32 badinput" scard_test32 badinput 0
check "scard_test32 tracking" scard_test32 tracking 0
scard_unload
done_testing
