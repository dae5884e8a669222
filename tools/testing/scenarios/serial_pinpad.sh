#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A serial PIN pad: scard_ccid_serial on ttyS2 wired to
# tools/testing/serial/twin-reader posing as a GemPC PinPad, a TPDU level
# reader with a keypad whose user is scripted ("keys"). The library lists
# its PIN features; FEATURE_VERIFY_PIN_DIRECT becomes PC_to_RDR_Secure:
# with a T=0 card the reader sends the APDU as a TPDU; with a T=1 card it
# sends one I-block with the prologue of the library's T=1 engine and
# returns the card's block, which the library checks and takes, so that
# the exchanges after it keep the sequence numbers in step. A right and a
# wrong PIN, a cancel, a user who never types.
# timeout: 240
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/twin.sock,server=on,wait=off
# host: tools/testing/serial/twin-reader --ctl ctl.sock --model GemPCPinPad $SCARD_RUNDIR

. /lib/scard-test/lib.sh

TTY=ttyS2

vsc_open
serial_reader() { serial_readers $TTY | head -n 1; }
has_serial_reader() { [ -n "$(serial_reader)" ]; }
no_serial_reader() { [ -z "$(serial_reader)" ]; }

# VERIFY of PIN 1 typed on the keypad: ASCII, 8 bytes padded with FF
VERIFY=1e00820800080402010904000000000D0000000020000108FFFFFFFFFFFFFFFF

# pin KEYS: the user does KEYS (or nothing: "-"), then the VERIFY;
# prints out=HEX or error=ERRNO
pin()
{
	[ "$1" = - ] || vsc keys "$1"
	scardctl -m -d "/dev/$R" vendor 3406 $VERIFY |
		sed -n 's/^vendor=.* out=\(.*\)/out=\1/p; s/^error=\([A-Z]*\).*/error=\1/p'
}

check "twin-reader answers on ttyS1" vsc ping
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko
scardctl attach $TTY GemPCPinPad --foreground >/tmp/attach.out 2>&1 &
holder=$!
wait_for "reader on $TTY" 15 has_serial_reader
R=$(serial_reader)
is "reader_name" "$(cat /sys/class/misc/$R/reader_name)" "Gemalto GemPC PinPad"
is "a PIN pad" "$(scardctl -m -d /dev/$R features | grep -c '_PIN_')" 3

# T=0
wait_for "card present" 10 sh -c "[ \$(cat /sys/class/misc/$R/state) = present ]"
check "power cold, T=0" ccid_test "/dev/$R" connect
is "T=0: the right PIN" "$(pin 1234)" out=9000
is "T=0: a wrong PIN" "$(pin 9999)" out=63C2
is "T=0: the user cancels" "$(pin cancel)" out=6401
is "T=0: nobody types" "$(pin -)" out=6400
is "T=0: the right PIN again" "$(pin 1234)" out=9000

# T=1: the PIN entries take the engine's turns.
ev=$(cat /sys/class/misc/$R/events)
check "a T=1 card" vsc insert t1
wait_for "the card replaced: out and in" 10 \
	sh -c "[ \$(cat /sys/class/misc/$R/events) -ge $((ev + 2)) ]"
diag "state $(cat /sys/class/misc/$R/state), events $(cat /sys/class/misc/$R/events) (were $ev)"
check "power cold" scardctl -d "/dev/$R" power cold
check "T=1" scardctl -d "/dev/$R" protocol t1
check "an exchange" scardctl -d "/dev/$R" transmit --no-connect 8010000004
is "T=1: the right PIN" "$(pin 1234)" out=9000
check "an exchange after it" scardctl -d "/dev/$R" transmit --no-connect 8010000004
is "T=1: a wrong PIN" "$(pin 9999)" out=63C2
is "T=1: the right PIN" "$(pin 1234)" out=9000
is "T=1: two exchanges after them" \
	"$(scardctl -m -d "/dev/$R" transmit --no-connect 8010000004 \
	   8010000102 | sed -n 's/.* response=\([0-9A-F]*\).*/\1/p' |
	   tr '\n' ' ')" "000102039000 01029000 "
is "T=1: the user cancels" "$(pin cancel)" out=6401
check "an exchange after it" scardctl -d "/dev/$R" transmit --no-connect 8010000004

kill "$holder"
wait "$holder" 2>/dev/null
wait_for "reader gone" 10 no_serial_reader
scard_unload
done_testing
