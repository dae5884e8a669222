#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A two-slot serial reader: tools/testing/serial/twin-reader posing as a
# GemCore SIM Pro (no echo) on ttyS2. One /dev/scardN per slot; each
# slot's insertions and removals reach its own reader only, with waiters
# blocked on both; both slots exchanging at once (one command at a time
# on the line); a notification for a slot the model lacks; hangup with
# both readers open.
# timeout: 240
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/twin.sock,server=on,wait=off
# host: tools/testing/serial/twin-reader --ctl ctl.sock --model GemCoreSIMPro $SCARD_RUNDIR

. /lib/scard-test/lib.sh

TTY=ttyS2

vsc_open

two_readers() { [ "$(serial_readers $TTY | wc -l)" = 2 ]; }
no_readers() { [ -z "$(serial_readers $TTY)" ]; }
state() { cat "/sys/class/misc/$1/state"; }
events() { cat "/sys/class/misc/$1/events"; }

waiters()
{
	_rc=0
	for _p in $waiter_pids; do
		wait "$_p" || _rc=1
	done
	waiter_pids=
	is "$1" $_rc 0
}

# start_waiter READER ARGS...: ccid_test wait on READER, in the background
start_waiter()
{
	_r=$1
	shift
	rm -f /tmp/waiter.ready
	ccid_test "/dev/$_r" wait "$@" /tmp/waiter.ready &
	waiter_pids="$waiter_pids $!"
	_t=50
	while [ ! -e /tmp/waiter.ready ] && [ $_t -gt 0 ]; do
		sleep 0.1
		_t=$((_t - 1))
	done
	sleep 0.3
}

check "twin-reader answers on ttyS1" vsc ping
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko
scardctl attach $TTY GemCoreSIMPro --foreground >/tmp/attach.out 2>&1 &
holder=$!
wait_for "two readers on $TTY" 15 two_readers
R0=$(serial_readers $TTY | sed -n 1p)
R1=$(serial_readers $TTY | sed -n 2p)
diag "slot 0: $R0, slot 1: $R1"
is "reader_name" "$(cat /sys/class/misc/$R1/reader_name)" \
	"Gemalto GemCore SIM Pro"
is "slot 0 holds the card" "$(state $R0)" present
is "slot 1 is empty" "$(state $R1)" absent

# Each slot's events reach its own reader.
e0=$(events $R0)
e1=$(events $R1)
start_waiter $R1 present ok 10000
start_waiter $R1 poll event 10000
check "twin-reader inserts a T=1 card in slot 1" vsc insert t1 1
waiters "slot 1's IS_PRESENT and poll() woken"
is "slot 1 present" "$(state $R1)" present
is "slot 1: one event" "$(events $R1)" $((e1 + 1))
is "slot 0: no event" "$(events $R0)" "$e0"

# Both slots at once: T=0 in slot 0, T=1 in slot 1.
check "slot 0: power, T=0" ccid_test "/dev/$R0" connect
(i=0; while [ $i -lt 20 ]; do
	scardctl -d "/dev/$R1" transmit --apdu 801000002000 >/dev/null || exit 1
	i=$((i + 1))
done) &
t1=$!
i=0
ok0=0
while [ $i -lt 20 ]; do
	ccid_test "/dev/$R0" xfer ok 0 8000 8010000004 000102039000 \
		>/dev/null && ok0=$((ok0 + 1))
	i=$((i + 1))
done
is "slot 0: 20 exchanges beside slot 1's" $ok0 20
check "slot 1: 20 T=1 exchanges beside slot 0's" wait $t1
is "slot 1 runs T=1" "$(cat /sys/class/misc/$R1/protocol)" "T=1"

check "a notification for slot 5, which the model lacks" vsc notify-slot 5
sleep 1
ccid_test "/dev/$R0" xfer ok 0 8000 8010000004 000102039000

check "twin-reader removes slot 1's card" vsc remove 1
wait_for "slot 1 empty" 10 sh -c "[ \$(cat /sys/class/misc/$R1/state) = absent ]"
is "slot 0 keeps its card and session" "$(state $R0)" specific

# Hangup with both readers open and a waiter blocked on slot 0
exec 4<>"/dev/$R1"
start_waiter $R0 absent ENODEV 10000
start_waiter $R1 present ENODEV 10000
serial_test $TTY hangup
waiters "waiters woken by the hangup"
wait_for "readers gone" 10 no_readers
check "the holder exits at the hangup" wait $holder
exec 4>&-

check "rmmod scard_ccid_serial" rmmod scard_ccid_serial
check "rmmod scard_ccid" rmmod scard_ccid
_scard_loaded="scard"
scard_unload
done_testing
