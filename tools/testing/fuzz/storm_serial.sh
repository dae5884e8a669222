#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unplug storm, serial: storm_cycles (default 1000) cycles of a two-slot
# serial reader (tools/testing/serial/twin-reader posing as a GemCore SIM
# Pro on ttyS2, a T=0 card in slot 0, slot 1 empty), attached with
# "scardctl attach" and hung up (TIOCVHANGUP, as a USB serial adapter's
# unplug) while callers are blocked in its readers: on slot 0 a TRANSMIT
# in flight (80 1E P1 00 00: the card works for P1 * 100 ms, P1 =
# storm_serial_work, default 30, with a time request at once), an
# IS_ABSENT and a poll(), on slot 1 an IS_PRESENT and a poll()
# (tools/testing/progs/storm.c). Every caller must return ENODEV (poll:
# POLLHUP) within 5 s, the holder must exit; no kernel report, no leak,
# the misc minors and the slab memory back to where they were. (A pty
# cannot carry the discipline: its tty has no device to be the readers'
# parent, so the line discipline's open refuses it with ENODEV.)
# The TRANSMIT must still be out when the hangup fails it: storm prints
# how long it had been out when the unplug began (40 to 170 ms; the
# largest is shown at the end), and the unplug command (sh, serial_test's
# open and TIOCVHANGUP) takes 0.3 s, but up to 1.1 s on a loaded host: a
# card that worked 0.6 s answered first in 5 cycles of 30 there. So the
# card works 3 s; the unplug command first makes twin-reader mute (it
# sends nothing more), then hangs up, and before the next attach
# twin-reader drops the card's work ("drop": the reader answers nothing
# while the card works, so the next attach's GetSlotStatus would wait for
# it) and is made normal again.
# A cycle takes about 1.5 s on the debug kernel under TCG (1 s for the
# callers to block, the TRANSMIT's cold reset and protocol, and the
# unplug; 0.5 s to attach again): 1000 cycles take about 26 minutes.
# timeout: 6000
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/twin.sock,server=on,wait=off
# host: tools/testing/serial/twin-reader --ctl ctl.sock --model GemCoreSIMPro $SCARD_RUNDIR

. /lib/scard-test/lib.sh

cycles=${storm_cycles:-1000}

TTY=ttyS2
work=${storm_serial_work:-30}
apdu=$(printf '801E%02X0000' "$work")
out_max=0

# readers: sets R0 (slot 0, the card) and R1 (slot 1, empty): the
# tty's two readers (children of its class device: a glob, not
# serial_readers' loop, as this runs every 50 ms), one with the card, one
# without
readers()
{
	R0=
	R1=
	set -- /sys/class/tty/$TTY/scard*
	[ $# = 2 ] && [ -e "$1" ] || return 1
	for _r; do
		_s=
		{ read -r _s <"$_r/state"; } 2>/dev/null
		case $_s in
		present) R0=${_r##*/} ;;
		absent) R1=${_r##*/} ;;
		esac
	done
	[ -n "$R0" ] && [ -n "$R1" ]
}

# gone: the tty has no reader left
gone()
{
	set -- /sys/class/tty/$TTY/scard*
	[ ! -e "$1" ]
}

# attach: scardctl attach holds the tty; its readers within 10 s
attach()
{
	scardctl attach $TTY GemCoreSIMPro --foreground >/tmp/attach.out 2>&1 &
	holder=$!
	_t=200
	while ! readers; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || { cat /tmp/attach.out; return 1; }
		storm_nap
	done
}

# recover: after a failed cycle, the readers there, or detached and
# attached again
recover()
{
	vsc drop && vsc normal
	readers && return 0
	scardctl detach $TTY >/dev/null 2>&1
	wait $holder
	attach
}

# The unplug, run by storm once the callers sleep (fd 3 is inherited).
cat >/tmp/unplug.sh <<EOT
. /lib/scard-test/lib.sh
vsc mute && serial_test $TTY hangup >/dev/null
EOT

# cycle N: one hangup with callers blocked, then attached again
cycle()
{
	storm_watch 60 storm block 5000 "sh /tmp/unplug.sh" \
		"xfer:/dev/$R0:ENODEV:$apdu" "absent:/dev/$R0" \
		"poll:/dev/$R0" "present:/dev/$R1" "poll:/dev/$R1" \
		>/tmp/cycle.out 2>&1
	_rc=$?
	if [ $_rc != 0 ]; then
		cat /tmp/cycle.out
		# storm gives up before its unplug when a caller did not
		# block: hang up here, or the holder never exits.
		readers && sh /tmp/unplug.sh
	fi
	while read -r _l; do
		case $_l in
		*" transmit out "[0-9]*) _o=${_l#* transmit out }
			_o=${_o%% *}
			[ "$_o" -le $out_max ] || out_max=$_o ;;
		esac
	done </tmp/cycle.out
	wait $holder || { diag "cycle $1: the holder exits $?"; _rc=1; }
	_t=100
	while ! gone; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || { diag "cycle $1: readers stay"; return 1; }
		storm_nap
	done
	{ vsc drop && vsc normal; } || _rc=1
	attach || { diag "cycle $1: not attached again"; return 1; }
	return $_rc
}

vsc_open
check "twin-reader answers on ttyS1" vsc ping
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko
attach
check "two readers, a card in slot 0" readers
cycle 0 && cycle 1
is "warm-up: 2 cycles" $? 0
storm_begin
storm_run "$cycles" cycle recover
diag "the TRANSMIT was out at most $out_max ms when the hangup began (the card works $((work * 100)) ms)"
storm_end serial $storm_done
check "scardctl detach" scardctl detach $TTY
wait $holder
check "rmmod scard_ccid_serial" rmmod scard_ccid_serial
check "rmmod scard_ccid" rmmod scard_ccid
_scard_loaded="scard"
scard_unload
done_testing
