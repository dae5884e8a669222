#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unplug storm, USB gadget: storm_cycles (default 1000) cycles of
# ccid_gadget (FunctionFS on dummy_hcd, two slots: a card in slot 0, slot
# 1 empty) unplugged while callers are blocked in its readers: on slot 0
# a TRANSMIT the gadget never answers (80 E5), an IS_ABSENT and a poll(),
# on slot 1 an IS_PRESENT and a poll() (tools/testing/progs/storm.c). The
# unplug takes turns: the gadget unbound from the UDC (UDC ""), and the
# gadget process killed (SIGKILL: FunctionFS closes and the gadget goes);
# then the gadget starts again and is bound. Every caller must return
# ENODEV (poll: POLLHUP) within 5 s; no kernel report, no leak, the misc
# minors and the slab memory back to where they were.
# A cycle takes about 3.8 s on the debug kernel under TCG (enumeration, the
# FunctionFS reader started again), alone or beside another campaign:
# 1000 cycles take about an hour.
# timeout: 6000
# kmods: dummy_hcd usb_f_fs libcomposite
# boot: own

. /lib/scard-test/lib.sh

cycles=${storm_cycles:-1000}

# readers: sets RC (slot 0, the card) and RE (slot 1, empty)
readers()
{
	_i=$(gadget_intf) || return 1
	set -- $(ls "/sys/bus/usb/devices/$_i/misc" 2>/dev/null | sort -k1.6n)
	[ $# = 2 ] || return 1
	RC=$1
	RE=$2
	[ "$(cat /sys/class/misc/$RC/state 2>/dev/null)" != absent ] &&
		[ "$(cat /sys/class/misc/$RC/state 2>/dev/null)" != unknown ]
}

# plug: start ccid_gadget, bind it, wait for its two readers (10 s)
plug()
{
	rm -f /tmp/gadget.ready
	ccid_gadget $FFS /tmp/gadget.ready --max-slot 1 >/dev/null 2>&1 &
	gadget_pid=$!
	_t=100
	while [ ! -e /tmp/gadget.ready ]; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || return 1
		storm_nap
	done
	echo "$UDC" >$G/UDC || return 1
	_t=200
	while ! readers; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || return 1
		storm_nap
	done
}

# after_unplug: the gadget process gone, the host side gone
after_unplug()
{
	kill -9 "$gadget_pid" 2>/dev/null
	wait "$gadget_pid" 2>/dev/null
	echo "" >$G/UDC 2>/dev/null
	_t=100
	while gadget_intf >/dev/null; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || return 1
		storm_nap
	done
}

gadget_setup storm "storm CCID"

# No reply keeps a TRANSMIT waiting for up to 20 s.
scard_load scard_ccid.ko timeout_ms=20000
scard_load scard_ccid_usb.ko bind_all=1

# recover: after a failed cycle, the gadget's readers there or back
recover() { readers || { after_unplug; plug; }; }

# cycle N: one unplug with callers blocked, then the gadget back
cycle()
{
	if [ $(($1 % 2)) = 0 ]; then
		_how="echo '' >$G/UDC"
	else
		_how="kill -9 $gadget_pid"
	fi
	storm_watch 60 storm block 5000 "$_how" \
		"xfer:/dev/$RC:ENODEV:80E5000000" "absent:/dev/$RC" \
		"poll:/dev/$RC" "present:/dev/$RE" "poll:/dev/$RE" \
		>/tmp/cycle.out 2>&1
	_rc=$?
	after_unplug || diag "cycle $1: the reader stays after the unplug"
	[ $_rc = 0 ] || cat /tmp/cycle.out
	plug || {
		diag "cycle $1: the gadget did not come back"
		return 1
	}
	return $_rc
}

plug
check "the gadget's two readers" readers
cycle 0 && cycle 1
is "warm-up: 2 cycles" $? 0
storm_begin
storm_run "$cycles" cycle recover
# The end state as at the start: the gadget bound, so that the minors
# compare; it goes after the accounting.
storm_end gadget $storm_done
after_unplug
scard_unload
gadget_teardown
done_testing
