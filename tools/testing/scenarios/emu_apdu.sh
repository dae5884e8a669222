#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scard-emu behind scard_vhci at APDU level: the card's file system and
# commands over T=1 and T=0, vendor requests, mute, slow and removed cards,
# card events from stdin; and the emulator's self-test.
# timeout: 300

. /lib/scard-test/lib.sh

check "scard-emu --selftest" scard-emu --selftest
scard_load scard_vhci.ko

emu_start --level apdu --protocol t1
check "T=1 card at APDU level" emu_test "$dev" card t1
check "T=1 card, 32-bit caller" emu_test32 "$dev" card t1
check "vendor requests" emu_test "$dev" vendor
if command -v scardctl >/dev/null; then
	out=$(scardctl -m -d "$dev" transmit 00A4040C09F07363617264656D75)
	case $out in
	*sw=9000*) _r=0 ;;
	*) _r=1; echo "$out" | sed "s/^/# /" ;;
	esac
	check "scardctl transmit SELECT by AID: 9000" test $_r = 0
fi
emu_stop

emu_start --level apdu --protocol t0
check "T=0 card at APDU level" emu_test "$dev" card t0
emu_stop

emu_start --level apdu --protocol both --readers 2 --reader-index 3
is "two readers" "$(wc -l < "$EMU_READY")" 2
check "dual card, first reader" emu_test "$dev" card t1
check "dual card, second reader" \
	emu_test "$(sed -n 2p "$EMU_READY")" card t0
emu_stop

emu_start --level apdu --mute
check "mute card" emu_test "$dev" mute
emu_stop

emu_start --level apdu --mute-atr
check "mute card, no ATR" emu_test "$dev" mute-atr
emu_stop

emu_start --level apdu --hang
check "silent card: the reader's time limit" emu_test "$dev" mute
emu_stop

emu_start --level apdu --slow 1500
check "slow card (1.5 s)" emu_test "$dev" slow 1500
emu_stop

emu_start --level apdu --remove-after 3
check "card removed after 3 commands" emu_test "$dev" remove 3
emu_stop

emu_start --level apdu --once --remove-after 2
check "--once: 2 commands" emu_test "$dev" robust 2
wait_for "--once: scard-emu exits after the removal" 5 \
	sh -c "! kill -0 $emu_pid"
wait "$emu_pid"
is "--once: exit status 0" "$?" 0
wait_for "$dev unplugged" 5 test ! -e "$dev"

# card_is STATE: the state of reader $dev in sysfs
card_is() { [ "$(cat "/sys/class/misc/${dev#/dev/}/state")" = "$1" ]; }

emu_start --level apdu --toggle 700
wait_for "--toggle: card removed" 5 card_is absent
wait_for "--toggle: card inserted again" 5 card_is present
emu_stop

emu_start --level apdu
kill -USR2 "$emu_pid"
wait_for "SIGUSR2 removes the card" 5 card_is absent
kill -USR1 "$emu_pid"
wait_for "SIGUSR1 inserts it" 5 card_is present
emu_stop

emu_start --level apdu --mechanical eject,swallow,confiscate
if command -v scardctl >/dev/null; then
	check "scardctl swallow" scardctl -d "$dev" swallow
	check "scardctl eject" scardctl -d "$dev" eject
	wait_for "ejected card: absent" 5 card_is absent
fi
emu_stop

cat >/tmp/emu.script <<EOF
# scripted GET DATA, then the built-in card
80CA9F7F00 0102039000
80CA0101 6A88
80CA0101 9000
EOF
emu_start --level apdu --script /tmp/emu.script
if command -v scardctl >/dev/null; then
	out=$(scardctl -m -d "$dev" transmit 80CA9F7F00 80CA0101 80CA0101 \
		00A4000C023F00 2>&1)
	echo "$out" | sed "s/^/# /"
	case $out in
	*data=010203*sw=9000*sw=6A88*sw=9000*sw=9000*) _r=0 ;;
	*) _r=1 ;;
	esac
	check "scripted responses, then the built-in card" test $_r = 0
fi
emu_stop

# Card events from stdin: remove, insert, quit.
rm -f "$EMU_READY" /tmp/emu.fifo
mkfifo /tmp/emu.fifo
scard-emu --level apdu --events --ready-file "$EMU_READY" \
	</tmp/emu.fifo >"$EMU_LOG" 2>&1 &
emu_pid=$!
exec 3>/tmp/emu.fifo
wait_for "scard-emu --events ready" 10 test -s "$EMU_READY"
dev=$(head -n 1 "$EMU_READY")
wait_for "card present" 5 card_is present
echo remove >&3
wait_for "stdin remove: card absent" 5 card_is absent
echo insert >&3
wait_for "stdin insert: card present" 5 card_is present
check "card works after reinsertion" emu_test "$dev" card t1
echo quit >&3
exec 3>&-
wait "$emu_pid"
is "stdin quit: exit status 0" "$?" 0
wait_for "$dev unplugged after quit" 5 test ! -e "$dev"
rm -f /tmp/emu.fifo

scard_unload
done_testing
