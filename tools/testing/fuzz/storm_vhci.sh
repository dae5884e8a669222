#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unplug storm, scard_vhci: storm_cycles (default 1000) cycles, each a
# control process on /dev/scard_vhci creating an empty reader and one with
# a card, callers blocked in them (IS_PRESENT on the empty one, IS_ABSENT
# on the other, poll() on both, and a TRANSMIT the control process leaves
# unanswered), then the control process closes its file, is killed with
# SIGKILL or DESTROYs its readers, in turn (tools/testing/progs/storm.c).
# Every caller must return ENODEV (poll: POLLHUP) within 5 s and its file
# give ENODEV afterwards; no kernel report, no leak, the misc minors and
# the slab memory back to where they were.
# A cycle takes 0.3 to 0.5 s on the debug kernel under TCG (0.5 s with
# other guests on the cores): 1000 cycles take 5 to 9 minutes.
# timeout: 3600

. /lib/scard-test/lib.sh

cycles=${storm_cycles:-1000}

scard_load scard_vhci.ko
check "warm-up: 3 cycles" storm vhci 3 5000
storm_begin
# In runs of 99 cycles (the three unplugs in turn), the kernel log read
# between two.
done_n=0
rc=0
left=$cycles
while [ "$left" -gt 0 ]; do
	k=99
	[ "$left" -ge $k ] || k=$left
	if storm_watch 300 storm vhci $k 5000 >/tmp/storm.out 2>&1; then
		grep '^# storm vhci:' /tmp/storm.out
	else
		rc=1
		grep '^#' /tmp/storm.out | tail -n 200
	fi
	storm_kreports
	storm_add_window /tmp/storm.out
	d=$(sed -n 's/^storm-cycles //p' /tmp/storm.out)
	done_n=$((done_n + ${d:-0}))
	[ "${d:-0}" = $k ] || break
	left=$((left - k))
done
is "vhci: storm exits 0" $rc 0
storm_end vhci $done_n
scard_unload
done_testing
