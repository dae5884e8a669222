#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scardctl, the command-line tool, against the test reader: every command,
# the machine output and the exit status of each error class.
# timeout: 180

. /lib/scard-test/lib.sh

CTL=/sys/kernel/debug/scard_test_reader/ctl
OUT=/tmp/scardctl.out
ERR=/tmp/scardctl.err
MON=/tmp/scardctl.mon
ATR_JCOP=3BF81300008131FE454A434F5076323431B7

# sc WANT DESC ARGS...: run scardctl ARGS (output in $OUT and $ERR) and
# check its exit status
sc()
{
	_want=$1
	_desc=$2
	shift 2
	$SCARDCTL "$@" >"$OUT" 2>"$ERR"
	_rc=$?
	is "$_desc (exit $_want)" "$_rc" "$_want"
	if [ "$_rc" != "$_want" ]; then
		diag "scardctl $*"
		sed 's/^/#   out: /' "$OUT"
		sed 's/^/#   err: /' "$ERR"
	fi
}

# field KEY [PATTERN [FILE]]: value of KEY in the first record of FILE
# ($OUT) that matches PATTERN
field()
{
	grep -e "${2:-=}" "${3:-$OUT}" | head -n 1 | tr ' ' '\n' |
		sed -n "s/^$1=//p"
}

# has DESC PATTERN [FILE]: FILE ($OUT) has a line matching PATTERN
has()
{
	grep -q -e "$2" "${3:-$OUT}"
	_scard_result $? "$1"
}

ctl() { echo "$*" > "$CTL"; }

# sleeping PID: PID has a reader open and sleeps (in IS_PRESENT/IS_ABSENT)
sleeping()
{
	ls -l "/proc/$1/fd" | grep -q /dev/scard &&
		grep -q '^State:.*sleeping' "/proc/$1/status"
}

# later CMD...: run CMD once a scardctl process sleeps in a wait (or after
# 10 s)
later()
{
	_t=100
	while [ $_t -gt 0 ]; do
		_p=$(pidof scardctl scardctl32)
		[ -n "$_p" ] && sleeping "$_p" && break
		sleep 0.1
		_t=$((_t - 1))
	done
	"$@"
}

scard_load scard_test_reader.ko readers=1
SCARDCTL=scardctl
check "scardctl is in PATH" which scardctl

# ---- help and usage ----
sc 0 "--help" --help
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" EXAMPLES; do
	has "--help has section $s" "^$s\$"
done
sc 0 "help wait" help wait
has "help wait: synopsis" "scardctl .*wait insert|remove \[TIMEOUT_S\]"
has "help wait: exit status section" "^EXIT STATUS"
sc 1 "help of an unknown command" help frobnicate
sc 1 "no command"
sc 1 "unknown command" frobnicate
sc 1 "option of another command" --nad 1 status
sc 1 "bad reader number" -r x status

# ---- list and status, no card ----
sc 0 "list" -m list
is "list: reader 0" "$(field reader)" 0
is "list: device" "$(field dev)" /dev/scard0
is "list: name (percent-encoded)" "$(field name)" "scard%20test%20reader"
is "list: state" "$(field state)" absent
is "list: protocol" "$(field protocol)" none
sc 0 "list (human)" list
has "list (human): reader line" "^/dev/scard0 *absent *none *0 *scard test reader"
sc 0 "status, no card" -m status
is "status: state absent" "$(field state)" absent
is "status: state_code" "$(field state_code)" 1
is "status: events 0" "$(field events)" 0

# ---- no card: ENOMEDIUM ----
sc 3 "power cold without a card: ENOMEDIUM" -m power cold
is "error record" "$(field error)" ENOMEDIUM
is "error record: request" "$(field op)" POWER
sc 3 "transmit without a card" transmit 00A4000C023F00
has "transmit without a card: message" "ENOMEDIUM" "$ERR"
sc 3 "protocol without a card" protocol
sc 3 "eject without a card" eject
sc 0 "last-error" -m last-error
is "last-error: ENOMEDIUM" "$(field last_error)" ENOMEDIUM

# ---- wait ----
sc 0 "wait remove: already absent" -m wait remove 1
is "wait remove: result already" "$(field result)" already
later ctl insert 0 &
sc 0 "wait insert 5, woken by an insertion" -m wait insert 5
is "wait insert: result done" "$(field result)" done
is "wait insert: state present" "$(field state)" present
is "wait insert: events 1" "$(field events)" 1
wait
sc 0 "wait insert: already present" -m wait insert 1
is "wait insert: result already" "$(field result)" already
sc 4 "wait remove 1 times out" -m wait remove 1
is "wait remove: result timeout" "$(field result)" timeout
sc 4 "wait remove 1 times out (human)" wait remove 1
has "timeout message" "timeout" "$ERR"
sc 1 "wait: bad argument" wait sideways

# ---- attributes, card not reset ----
sc 0 "attr: every tag" -m attr
is "attr: VENDOR_NAME" "$(field value '^attr=VENDOR_NAME ')" scard
is "attr: VENDOR_IFD_TYPE" "$(field value '^attr=VENDOR_IFD_TYPE ')" \
	"test%20reader"
is "attr: VENDOR_IFD_VERSION" "$(field value '^attr=VENDOR_IFD_VERSION ')" \
	16908291
is "attr: serial number" "$(field value '^attr=VENDOR_IFD_SERIAL_NO ')" TR-0
is "attr: PROTOCOL_TYPES" "$(field value '^attr=PROTOCOL_TYPES ')" 3
is "attr: CHARACTERISTICS" "$(field value '^attr=CHARACTERISTICS ')" 7
is "attr: ICC_PRESENCE (u8)" "$(field value '^attr=ICC_PRESENCE ')" 1
is "attr: ICC_PRESENCE type" "$(field type '^attr=ICC_PRESENCE ')" u8
is "attr: MAX_CLK" "$(field value '^attr=MAX_CLK ')" 4000
is "attr: CURRENT_F needs a reset card" \
	"$(field error '^attr=CURRENT_F ')" EBADFD
is "attr: ATR_STRING needs a powered card" \
	"$(field error '^attr=ATR_STRING ')" EBADFD
is "attr: SYNC_PROTOCOL_TYPES not supported" \
	"$(field error '^attr=SYNC_PROTOCOL_TYPES ')" EOPNOTSUPP
sc 0 "attr (human)" attr
has "attr (human): EBADFD explained" \
	"^CURRENT_F .*EBADFD (needs a reset card)"
has "attr (human): version decoded" "version 1.2.3"
sc 8 "attr CURRENT_D: EBADFD" attr current_d
sc 6 "attr of an unknown tag number: EOPNOTSUPP" -m attr 0x00010999
is "attr by tag number" "$(field tag)" 0x00010999
sc 0 "attr by tag number" -m attr 0x00010100
is "attr 0x00010100 is VENDOR_NAME" "$(field attr)" VENDOR_NAME
sc 1 "attr: unknown name" attr NO_SUCH_ATTR

# ---- power and ATR decoding ----
sc 0 "power cold" -m power cold
is "power: record" "$(field power)" cold
is "power: state negotiable" "$(field state '^power=')" negotiable
is "power: ATR" "$(field atr '^power=')" 3B80800101
is "decode: ok" "$(field decode '^decode=')" ok
is "decode: protocols" "$(field protocols '^decode=')" t0,t1
is "decode: TCK" "$(field tck '^decode=')" ok
is "decode: T=1 IFSC default" "$(field ifsc '^decode=')" 32
sc 0 "power cold (human)" power cold
has "power (human): TS" "TS   3B  direct convention"
has "power (human): TCK checked" "TCK  01  correct"
sc 0 "status after reset" -m status
is "status: negotiable" "$(field state)" negotiable
is "status: ATR" "$(field atr)" 3B80800101
sc 0 "attr after reset" -m attr CURRENT_F CURRENT_D ATR_STRING ICC_INTERFACE_STATUS
is "attr CURRENT_F" "$(field value '^attr=CURRENT_F ')" 372
is "attr CURRENT_D" "$(field value '^attr=CURRENT_D ')" 1
is "attr ATR_STRING (bytes)" "$(field value '^attr=ATR_STRING ')" 3B80800101
is "attr ICC_INTERFACE_STATUS" "$(field value '^attr=ICC_INTERFACE_STATUS ')" 255
sc 0 "power warm" -m power warm
is "power warm: ATR" "$(field atr '^power=')" 3B80800101

# ---- protocol ----
sc 0 "protocol t0" -m protocol t0
is "protocol t0 selected" "$(field protocol)" t0
sc 0 "status: specific, T=0" -m status
is "status: state specific" "$(field state)" specific
is "status: protocol t0" "$(field protocol)" t0
sc 0 "protocol t0,t1 default (T=0 kept)" -m protocol t0,t1 default
is "protocol t0,t1: t0 kept" "$(field protocol)" t0
sc 0 "power cold again" power cold
sc 0 "protocol (t0,t1): T=1 preferred" protocol
has "protocol (human)" "protocol T=1 selected"
sc 8 "protocol t0 while T=1 is selected: EBADFD, no reset" -m protocol t0
is "protocol t0 while T=1: error" "$(field error)" EBADFD
sc 0 "status: T=1 still selected" -m status
is "status: protocol t1 kept" "$(field protocol)" t1
sc 0 "power cold before raw" power cold
sc 6 "protocol raw, a reader without raw: EOPNOTSUPP" -m protocol raw
is "protocol raw: error" "$(field error)" EOPNOTSUPP
sc 0 "protocol (t0,t1) after raw" protocol
sc 1 "protocol: bad name" protocol t2

# ---- transmit ----
sc 0 "transmit, two APDUs" -m transmit "00 A4 04 00 02 3F 00" 00:B0:00:00:02
is "transmit: no connect needed" "$(grep -c '^connect=' "$OUT")" 0
is "transmit: two records" "$(grep -c '^apdu=' "$OUT")" 2
is "transmit: command" "$(field command '^apdu=1 ')" 00A40400023F00
is "transmit: echoed response" "$(field response '^apdu=1 ')" \
	00A40400023F009000
is "transmit: data" "$(field data '^apdu=1 ')" 00A40400023F00
is "transmit: SW" "$(field sw '^apdu=1 ')" 9000
is "transmit: status ok" "$(field status '^apdu=1 ')" ok
is "transmit: second APDU" "$(field response '^apdu=2 ')" 00B00000029000
sc 0 "transmit --apdu --nad 5" -m transmit --apdu --nad 5 0084000008
is "transmit --nad: nad shown" "$(field nad '^apdu=')" 5
sc 0 "transmit (human)" transmit 00A4000C023F00
has "transmit (human): command" "^> 00 A4 00 0C 02 3F 00$"
has "transmit (human): SW meaning" "SW 90 00: ok: OK"
sc 1 "transmit: bad hex" transmit 0G
sc 1 "transmit: odd number of digits" transmit 00A
sc 0 "power down" -m power down
is "power down: swallowed" "$(field state)" swallowed
sc 8 "transmit --no-connect, card not reset: EBADFD" -m transmit --no-connect 00B0000000
is "transmit --no-connect: error" "$(field error)" EBADFD
sc 0 "last-error: EBADFD" -m last-error
is "last-error: EBADFD" "$(field last_error)" EBADFD
sc 0 "transmit connects by itself" -m transmit 00B0000000
is "connect: cold reset" "$(field connect)" cold
is "connect: ATR" "$(field atr '^connect=')" 3B80800101
is "connect: T=1 preferred" "$(field protocol '^connect=')" t1
is "transmit after connect" "$(field sw '^apdu=')" 9000
sc 0 "power down (human)" power down
sc 0 "transmit connects by itself (human)" transmit 00B0000000
has "transmit (human) says it connects" "^connecting /dev/scard0: cold reset"

# ---- status words ----
sc 0 "sw 6A82" -m sw 6A82
is "sw 6A82: error" "$(field status)" error
is "sw 6A82: file not found" "$(field meaning)" \
	"file%20or%20application%20not%20found"
sc 0 "sw 63C2" sw 63C2
has "sw 63C2: retries" "2 retries left"
sc 0 "sw 6110" sw 6110
has "sw 6110: more bytes" "16 more response bytes"
sc 0 "sw 6C20" sw 6C20
has "sw 6C20: exact length" "exact length 32"
sc 1 "sw: bad" sw 6A

# ---- other ATRs ----
ctl remove 0
ctl insert 0 $ATR_JCOP
sc 0 "power cold, T=1 card" -m power cold
is "T=1 card: ATR" "$(field atr '^power=')" $ATR_JCOP
is "T=1 card: protocols" "$(field protocols '^decode=')" t1
is "T=1 card: Fi" "$(field fi '^decode=')" 372
is "T=1 card: Di" "$(field di '^decode=')" 4
is "T=1 card: IFSC" "$(field ifsc '^decode=')" 254
is "T=1 card: BWI" "$(field bwi '^decode=')" 4
is "T=1 card: CWI" "$(field cwi '^decode=')" 5
is "T=1 card: historical bytes" "$(field hist '^decode=')" 4A434F5076323431
sc 0 "power cold, T=1 card (human)" power cold
has "T=1 card: historical bytes in ASCII" '"JCOPv241"'
has "T=1 card: TA1" "TA1  13  Fi=372 Di=4, fmax 5.0 MHz"
sc 0 "transmit, T=1 card" -m transmit 00A4040000
is "T=1 card: protocol t1" "$(field protocol '^connect=')" t1
sc 0 "attr CURRENT_IFSC, T=1 card" -m attr CURRENT_IFSC
is "attr CURRENT_IFSC" "$(field value)" 254

ctl remove 0
ctl insert 0 3B8F01
sc 0 "power cold, malformed ATR" -m power cold
is "malformed: state powered" "$(field state '^power=')" powered
is "malformed: decode" "$(field decode '^decode=')" malformed
is "malformed: reason" "$(field error '^decode=')" \
	"truncated%20historical%20bytes"
sc 0 "power cold, malformed ATR (human)" power cold
has "malformed (human)" "^malformed ATR: truncated historical bytes"
sc 8 "malformed: CURRENT_F needs a reset card" attr CURRENT_F
sc 5 "malformed: protocol t1: EMEDIUMTYPE" protocol t1
sc 5 "malformed: transmit: EMEDIUMTYPE" transmit 00B0000000

# ---- atr without a reader ----
sc 0 "atr: good" -m atr 3B80800101
is "atr: decode ok" "$(field decode)" ok
sc 5 "atr: wrong TCK" -m atr 3B80800102
is "atr: wrong TCK" "$(field tck)" bad
sc 5 "atr: truncated" atr 3B8180
sc 5 "atr: bad TS" atr 3A00
sc 1 "atr: bad hex" atr XY

ctl remove 0
ctl insert 0

# ---- vendor, perf, mechanical ----
sc 0 "vendor 2048 echo" -m vendor 2048 "de ad be ef"
is "vendor: output" "$(field out)" DEADBEEF
is "vendor: length" "$(field len)" 4
sc 0 "vendor without input" -m vendor 2048
is "vendor without input: length" "$(field len)" 0
sc 9 "vendor 2049: EINVAL from the reader" -m vendor 2049 00
is "vendor 2049: error" "$(field error)" EINVAL
sc 1 "vendor: code out of range" vendor 100 00
sc 0 "perf" -m perf
tx=$(field transmissions)
sent=$(field bytes_sent)
recv=$(field bytes_received)
check "perf: transmissions counted" [ "${tx:-0}" -gt 0 ]
is "perf: received = sent + 2 per transmission" "$recv" \
	"$((sent + 2 * tx))"
check "perf: time counted" [ "$(field time_ns)" -gt 0 ]
sc 0 "perf (human)" perf
has "perf (human)" "transmissions"
sc 0 "swallow" -m swallow
is "swallow: ok" "$(field swallow)" ok
sc 0 "confiscate" confiscate
sc 0 "eject" -m eject
wait_for "card out after eject" 5 \
	grep -qx absent /sys/class/misc/scard0/state

# ---- a second reader without the optional functions ----
ctl add noopt
wait_for "second reader" 5 test -c /dev/scard1
sc 0 "list: two readers" -m list
is "list: two records" "$(grep -c '^reader=' "$OUT")" 2
is "list: reader 1" "$(field dev '^reader=1 ')" /dev/scard1
sc 6 "eject on a reader that cannot: EOPNOTSUPP" -r 1 eject
sc 6 "swallow on a reader that cannot" -m -r 1 swallow
is "swallow: EOPNOTSUPP" "$(field error)" EOPNOTSUPP
sc 6 "confiscate on a reader that cannot" -d /dev/scard1 confiscate
sc 6 "vendor on a reader that cannot" -r 1 vendor 2048 00
sc 2 "no such reader" -r 7 status
sc 2 "no such reader (machine)" -m -d /dev/scard9 status
is "no such reader: ENOENT" "$(field error)" ENOENT
sc 6 "not a reader: ENOTTY" -d /dev/null status

# ---- exclusive use ----
ctl insert 0
: >"$MON"	# not the previous run's output
$SCARDCTL -m -r 0 wait remove 20 >"$MON" 2>&1 &
pid=$!
wait_for "background wait sleeps" 10 sleeping $pid
sc 7 "-x while another process has it open: EBUSY" -x -r 0 status
sc 0 "list shows a reader in use" -m list
ctl remove 0
wait $pid
is "background wait remove" "$?" 0
is "background wait remove: done" "$(field result '' "$MON")" done

# ---- monitor ----
: >"$MON"
$SCARDCTL -m -r 0 monitor 2 --timeout 30 >"$MON" 2>&1 &
pid=$!
wait_for "monitor started" 10 grep -q '^monitor=initial' "$MON"
ctl insert 0
wait_for "monitor saw the insertion" 10 \
	grep -q '^monitor=event .* state=present' "$MON"
ctl remove 0
wait $pid
is "monitor 2: exit 0" "$?" 0
is "monitor 2: two events" "$(grep -c '^monitor=event' "$MON")" 2
is "monitor: insertion first" "$(field state '^monitor=event' "$MON")" present
is "monitor: then removal" \
	"$(grep '^monitor=event' "$MON" | tail -n 1 | tr ' ' '\n' | sed -n 's/^state=//p')" \
	absent
is "monitor: nothing missed" "$(grep -c 'missed=0' "$MON")" 3

: >"$MON"
$SCARDCTL -m -r 0 monitor 2 --timeout 30 >"$MON" 2>&1 &
pid=$!
wait_for "monitor started" 10 grep -q '^monitor=initial' "$MON"
kill -STOP $pid
ctl insert 0
ctl remove 0
kill -CONT $pid
wait $pid
is "monitor: two events in one wake-up" "$?" 0
is "monitor: one line" "$(grep -c '^monitor=event' "$MON")" 1
is "monitor: missed 1" "$(field missed '^monitor=event' "$MON")" 1

: >"$MON"
$SCARDCTL monitor 1 --timeout 30 >"$MON" 2>&1 &
pid=$!
wait_for "monitor of every reader started" 10 grep -q 'scard1: watching' "$MON"
ctl insert 1
wait $pid
is "monitor of every reader: exit 0" "$?" 0
has "monitor (human): insertion on reader 1" \
	"/dev/scard1: card inserted, state present" "$MON"

sc 4 "monitor 1 --timeout 1: timeout" -m -r 0 monitor 1 --timeout 1
has "monitor: timeout record" "^monitor=timeout"
sc 0 "monitor --timeout 1 without a count" -r 0 monitor --timeout 1

: >"$MON"
$SCARDCTL -m -r 1 monitor --timeout 30 >"$MON" 2>&1 &
pid=$!
wait_for "monitor of reader 1 started" 10 grep -q '^monitor=initial' "$MON"
ctl del 1
wait $pid
is "monitor: reader unplugged, exit 2" "$?" 2
has "monitor: unplugged record" "^monitor=unplugged .*dev=/dev/scard1" "$MON"

# ---- 32-bit build, through the compat ioctls ----
if which scardctl32 >/dev/null 2>&1; then
	SCARDCTL=scardctl32
	ctl insert 0
	sc 0 "32-bit: transmit" -m transmit 00A4000C023F00
	is "32-bit: response" "$(field response '^apdu=')" 00A4000C023F009000
	sc 0 "32-bit: status" -m status
	is "32-bit: events" "$(field events)" "$(cat /sys/class/misc/scard0/events)"
	sc 0 "32-bit: attr" -m attr VENDOR_NAME
	is "32-bit: VENDOR_NAME" "$(field value)" scard
	sc 0 "32-bit: perf" -m perf
	sc 0 "32-bit: vendor" -m vendor 2048 0102
	is "32-bit: vendor output" "$(field out)" 0102
	sc 0 "32-bit: eject" -m eject
	wait_for "32-bit: card out after eject" 5 \
		grep -qx absent /sys/class/misc/scard0/state
	sc 3 "32-bit: ENOMEDIUM" -m eject
	sc 4 "32-bit: wait insert 1 times out" wait insert 1
else
	diag "no scardctl32 in PATH"
fi

scard_unload
done_testing
