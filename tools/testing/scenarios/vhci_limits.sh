#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# How many readers fit: virtual readers are created until the next one
# fails. It must fail with ENOSPC and print nothing in the kernel log (on
# Linux 6.1 the 123rd reader used to reach minor 1, psaux's, and failed
# with EEXIST after a stack dump on every attempt). Limits: max_readers
# (scard.ko), then on 6.1 the misc core's dynamic minors above 31, on 6.12
# max_readers only. The misc minors in use return to where they were.
# timeout: 180

. /lib/scard-test/lib.sh

misc_before=$(wc -l </proc/misc)

check "insmod scard.ko max_readers=20" insmod /lib/scard/scard.ko max_readers=20
scard_load scard_vhci.ko
VHCI_LIMIT_MIN=20 VHCI_LIMIT_MAX=20 check "max_readers=20: 20 readers" \
	vhci_test limits
check "raised at run time to 24" sh -c 'echo 24 > /sys/module/scard/parameters/max_readers'
VHCI_LIMIT_MIN=24 VHCI_LIMIT_MAX=24 check "max_readers=24: 24 readers" \
	vhci_test32 limits
check "rmmod scard_vhci" rmmod scard_vhci
check "rmmod scard" rmmod scard
_scard_loaded=

# The defaults: 6.1 runs out of misc minors before max_readers (256).
scard_load scard_vhci.ko
case $(uname -r) in
6.1.*) lo=64 hi=96 ;;
*) lo=256 hi=256 ;;
esac
diag "kernel $(uname -r): $lo to $hi readers expected"
VHCI_LIMIT_MIN=$lo VHCI_LIMIT_MAX=$hi check "default limits" vhci_test limits
check "no device minor clash in the log" sh -c \
	'! dmesg | grep -q "cannot create duplicate filename"'
check "no reader left" sh -c '! ls /dev/scard[0-9]* 2>/dev/null'
scard_unload
is "misc minors in use as before" "$(wc -l </proc/misc)" "$misc_before"
done_testing
