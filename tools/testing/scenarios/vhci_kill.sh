#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scard_vhci: the card process killed while callers wait in TRANSMIT and
# IS_PRESENT; TPDU and character level readers; the module unloaded while
# a file of one of its former readers is open; the reader unplugged while
# a caller's TRANSMIT buffer waits for a page fault nobody serves
# (userfaultfd): the unplug must not wait for it.
# timeout: 120

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko
check "vhci_test kill" vhci_test kill
check "vhci_test32 kill" vhci_test32 kill
check "vhci_test levels" vhci_test levels
check "vhci_test stale" vhci_test stale
check "vhci_test uffd" vhci_test uffd
scard_unload
done_testing
