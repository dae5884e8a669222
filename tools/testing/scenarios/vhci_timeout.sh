#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scard_vhci: unanswered requests time out; removal, destruction and a
# killed caller end a request; late answers are refused.
# timeout: 150

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko timeout_ms=1000 power_timeout_ms=1500
check "vhci_test timeout" vhci_test timeout
check "vhci_test32 timeout" vhci_test32 timeout
scard_unload
done_testing
