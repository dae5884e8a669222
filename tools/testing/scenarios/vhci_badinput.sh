#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scard_vhci: malformed messages are refused and the readers keep working.
# timeout: 120

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko
check "vhci_test badinput" vhci_test badinput
check "vhci_test32 badinput" vhci_test32 badinput
scard_unload
done_testing
