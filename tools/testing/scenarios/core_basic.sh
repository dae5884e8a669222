#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Smoke test: the library and one test reader load, /dev/scard0 answers.
# timeout: 60

. /lib/scard-test/lib.sh

scard_load scard_test_reader.ko readers=1
check "/dev/scard0 is a character device" test -c /dev/scard0
check "test reader ctl file" test -w /sys/kernel/debug/scard_test_reader/ctl
check "GET_STATE on /dev/scard0: absent" scard_test state 0 absent

# An idle reader pins no request buffers (they come with each request):
# unreclaimable kernel memory before and after 24 more readers, one run.
sunreclaim() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }
n=0
before=$(sunreclaim)
while [ $n -lt 24 ] && echo add >/sys/kernel/debug/scard_test_reader/ctl
do
	n=$((n + 1))
done
after=$(sunreclaim)
per=$(((after - before) / 24))
diag "SUnreclaim $before kB -> $after kB: $per kB per reader"
is "24 readers more" "$n" 24
check "an idle reader pins far less than 256 KiB ($per kB)" \
	test "$per" -lt 64
scard_unload
check "/dev/scard0 gone after unload" test ! -e /dev/scard0
done_testing
