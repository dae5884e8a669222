#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The "make run" demo: load the library and a reader, show the device node.
# timeout: 60

. /lib/scard-test/lib.sh

diag "kernel $(uname -r)"
scard_load scard_test_reader.ko readers=1
diag "modules loaded:"
grep scard /proc/modules | while read -r m _; do diag "  $m"; done
check "reader device node /dev/scard0" test -c /dev/scard0
diag "$(ls -l /dev/scard0)"
for a in reader_name state; do
	[ -r /sys/class/misc/scard0/$a ] &&
		diag "$a: $(cat /sys/class/misc/scard0/$a)"
done
is "no card in the reader" "$(cat /sys/class/misc/scard0/state)" "absent"
scard_unload
check "device node gone after unload" test ! -e /dev/scard0
done_testing
