#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scard_vhci: readers created, used and destroyed through /dev/scard_vhci.
# timeout: 120

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko
check "/dev/scard_vhci exists" test -c /dev/scard_vhci
is "/dev/scard_vhci mode" "$(stat -c %a /dev/scard_vhci)" "600"
check "vhci_test basic" vhci_test basic
check "vhci_test32 basic" vhci_test32 basic
check "no reader left" sh -c '! ls /dev/scard[0-9]* 2>/dev/null'
scard_unload
done_testing
