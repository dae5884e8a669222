#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A PIN pad through the real USB stack: ccid_gadget --pinpad on dummy_hcd,
# an extended APDU level reader with bPINSupport 3 and a 2 x 16 display, whose
# user is scripted through a FIFO, and a card with PIN 1234. The library
# lists its PC/SC part 10 features and properties (scardctl features);
# FEATURE_VERIFY_PIN_DIRECT and FEATURE_MODIFY_PIN_DIRECT go to the
# reader as PC_to_RDR_Secure, the reader puts the typed PIN into the APDU
# (ASCII and ISO 9564 format 2 blocks) and the card's answer comes back:
# a good PIN, a wrong one, a changed one, a confirmation that differs, a
# PIN too short, a user who cancels (64 01), a user who never types (64 00
# after bTimeOut, the reader asking for time meanwhile), a caller killed
# during the entry (the reader is told to abort it), a malicious reply
# (EIO: the reader fails) and bad structures (EINVAL, nothing sent to
# the reader).
# timeout: 240
# kmods: dummy_hcd usb_f_fs libcomposite
# boot: own

. /lib/scard-test/lib.sh

LOG=/tmp/pinpad.log
KEYS=/tmp/keypad

gadget_setup pinpad "PIN pad"
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
gadget_plug $LOG --pinpad $KEYS --max-msg 600
check "connect" ccid_test "$D" connect

is "features and properties of a PIN pad" \
	"$(scardctl -m -d "$D" features | tr '\n' ' ')" \
	"feature=VERIFY_PIN_DIRECT tag=0x06 code=3406 feature=MODIFY_PIN_DIRECT tag=0x07 code=3407 feature=IFD_PIN_PROPERTIES tag=0x0a code=3410 feature=GET_TLV_PROPERTIES tag=0x12 code=3418 property=wLcdLayout tag=0x01 value=528 property=bEntryValidationCondition tag=0x02 value=2 property=bTimeOut2 tag=0x03 value=0 property=dwMaxAPDUDataSize tag=0x0a value=65535 "
is "IFD_PIN_PROPERTIES" "$(scardctl -m -d "$D" vendor 3410)" \
	"vendor=3410 len=4 out=10020200"

# The PC/SC structures, bTimerOut (hex) first. FF8: eight FF bytes.
FF8=FFFFFFFFFFFFFFFF
# VERIFY, an ASCII PIN of 4 to 8 digits in 8 bytes padded with FF
verify_ascii() { echo "${1}00820800080402010904000000000D0000000020000108$FF8"; }
# VERIFY, ISO 9564 format 2: 2L, BCD digits, F padding, 8 bytes
verify_fmt2() { echo "${1}00894804080402010904000000000D00000000200001082FFFFFFFFFFFFFFF"; }
# CHANGE REFERENCE DATA: current PIN at 0, new at 8, the new one twice
modify_ascii() { echo "${1}008208000008080403020309040001020000001500000000240001 10$FF8$FF8" | tr -d ' '; }
# patch HEX BYTE VAL: HEX with byte BYTE replaced by VAL
patch() { echo "$1" | sed "s/^\(.\{$(($2 * 2))\}\)../\1$3/"; }

# pin KEYS CODE HEX: the user does KEYS (a line, or nothing if "-"),
# then VENDOR CODE HEX; prints out=HEX or error=ERRNO
pin()
{
	[ "$1" = - ] || echo "$1" >$KEYS
	scardctl -m -d "$D" vendor "$2" "$3" |
		sed -n 's/^vendor=.* out=\(.*\)/out=\1/p; s/^error=\([A-Z]*\).*/error=\1/p'
}

is "verify, the right PIN" "$(pin 1234 3406 "$(verify_ascii 1e)")" out=9000
check "the card saw it" grep -q "card: PIN verified" $LOG
is "verify, a wrong PIN" "$(pin 9999 3406 "$(verify_ascii 1e)")" out=63C2
is "verify, format 2 block" "$(pin 1234 3406 "$(verify_fmt2 1e)")" out=9000
is "verify, a PIN too short" "$(pin 12 3406 "$(verify_ascii 1e)")" out=6403
is "verify, the user cancels" "$(pin cancel 3406 "$(verify_ascii 1e)")" \
	out=6401

M=$(modify_ascii 1e)
is "modify, confirmation differs" "$(pin "1234 5678 5679" 3407 "$M")" \
	out=6402
is "modify" "$(pin "1234 5678 5678" 3407 "$M")" out=9000
check "the card changed it" grep -q 'card: PIN changed to "5678"' $LOG
is "verify, the old PIN" "$(pin 1234 3406 "$(verify_ascii 1e)")" out=63C2
is "verify, the new PIN" "$(pin 5678 3406 "$(verify_ascii 1e)")" out=9000
is "modify back" "$(pin "5678 1234 1234" 3407 "$M")" out=9000

# Nobody types: the reader asks for time, then PIN_TIMEOUT after 3 s.
t0=$(date +%s)
is "verify, nobody types" "$(pin never 3406 "$(verify_ascii 03)")" out=6400
t1=$(date +%s)
check "it took bTimeOut ($((t1 - t0)) s)" test $((t1 - t0)) -ge 2 -a \
	$((t1 - t0)) -le 10
check "with time extensions" grep -q "PIN pad: nobody typed" $LOG

# A caller killed while the user has not typed: the entry is aborted.
scardctl -d "$D" vendor 3406 "$(verify_ascii 1e)" >/dev/null 2>&1 &
victim=$!
wait_for "the entry started" 10 grep -q "PIN pad: verify, 30 s" $LOG
sleep 1
kill -9 $victim
wait $victim 2>/dev/null
wait_for "the reader aborted the entry" 10 grep -q "PIN pad: aborted" $LOG
is "then a PIN entry works" "$(pin 1234 3406 "$(verify_ascii 1e)")" out=9000

# A malicious reader and bad structures.
is "a 400-byte answer: EIO" "$(pin evil 3406 "$(verify_ascii 1e)")" \
	error=EIO
is "then a PIN entry works" "$(pin 1234 3406 "$(verify_ascii 1e)")" out=9000
n=$(grep -c "command 69" $LOG)
is "bEntryValidationCondition 0: EINVAL" \
	"$(pin - 3406 "$(patch "$(verify_ascii 1e)" 7 00)")" error=EINVAL
is "4 messages: EINVAL" \
	"$(pin - 3406 "$(patch "$(verify_ascii 1e)" 8 04)")" error=EINVAL
is "ulDataLength wrong: EINVAL" \
	"$(pin - 3406 "$(patch "$(verify_ascii 1e)" 15 0E)")" error=EINVAL
is "a structure cut short: EINVAL" "$(pin - 3406 1e0082)" error=EINVAL
is "modify on a verify structure: EINVAL" \
	"$(pin - 3407 "$(verify_ascii 1e)")" error=EINVAL
is "none reached the reader" "$(grep -c "command 69" $LOG)" "$n"
is "other vendor codes go to the reader (Escape: off)" \
	"$(pin - 3401 00)" error=EOPNOTSUPP

gadget_unplug
scard_unload
gadget_teardown
sed 's/^/# /' $LOG | grep -v "command 6[25]" | tail -n 40
done_testing
