#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The serial reader emulator against the real thing: tools/testing/serial/
# twin-reader plays a GemPC Twin on the guest's ttyS2 (its control port on
# ttyS1), and Debian's pcscd with libccidtwin, libccid's serial driver,
# unmodified and configured through reader.conf.d, serves it. libccidtwin's
# open (synchronous notifications) and its GetSlotStatus polling;
# insertion and removal; the T=0 card (PPS, TPDUs of cases 1 to 4 with
# GET RESPONSE, time-request bytes) and the T=1 card (PPS, IFSD, chaining
# both ways, WTX) through pcsc_test and pcsc-tools' scriptor; a card
# pulled from under a connected application. A second twin-reader, a
# GemCore POS Pro (5 slots, no echo) with a T=1 card in slot 0, on ttyS3.
# timeout: 600
# kmods: 9p 9pnet_virtio virtio_pci
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/twin.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/pos.sock,server=on,wait=off
# qemu: -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
# qemu: -virtfs local,path=$SCARD_PROGS,mount_tag=progs,security_model=none,readonly=on,multidevs=remap
# host: tools/testing/serial/twin-reader --ctl ctl.sock --no-card $SCARD_RUNDIR
# host: tools/testing/serial/twin-reader --line pos.sock --model GemCorePOSPro --protocol t1 --log $SCARD_RUNDIR/pos.log $SCARD_RUNDIR

. /lib/scard-test/lib.sh

SW=9000
# twin-reader's card: 80 10 00 00 10 answers 16 bytes and 90 00.
CMD2=8010000010
TWIN="GemPCTwin serial"
POS="GemCorePOSPro serial"

# twin CMD...: twin-reader's one-line answer to a command (vsc() only
# tells ok from err)
twin()
{
	echo "$*" >&3
	read -t 20 -r _twin_reply <&3 || _twin_reply="(no answer)"
	echo "$_twin_reply"
}

# twin_has WORD: twin-reader's status holds WORD (e.g. notify=sync)
twin_has()
{
	case " $(twin status) " in
	*" $1 "*) return 0 ;;
	esac
	diag "twin-reader: $_twin_reply"
	return 1
}

# pcsc_twin ARGS...: pcsc_test on the GemPC Twin
pcsc_twin() { pcsc_test -r "$TWIN" "$@"; }

# pat START N: hex of the N bytes (START + i) & 0xff
pat()
{
	_i=0
	while [ $_i -lt "$2" ]; do
		printf '%02x' $((($1 + _i) & 255))
		_i=$((_i + 1))
	done
}

# apdus READER PROTO: scriptor (pcsc-tools) sends the APDUs of the lines
# "COMMAND RESPONSE TEXT" on stdin over PROTO (T=0, T=1) in one
# connection to READER (its full name); a check for each response
apdus()
{
	cat >/tmp/apdus.txt
	cut -d' ' -f1 /tmp/apdus.txt >/tmp/apdus.in
	_rc=0
	hostrun scriptor -r "$1" -p "$2" </tmp/apdus.in \
		>/tmp/apdus.out 2>/tmp/apdus.err || _rc=$?
	is "scriptor -p $2: every APDU sent" $_rc 0
	[ $_rc = 0 ] || sed 's/^/# scriptor: /' /tmp/apdus.err
	# "< XX XX ... : text", a line break every 16 bytes
	awk '/^< / { r = substr($0, 3); on = 1 }
	     on && !/^< / { r = r " " $0 }
	     on && / : / { sub(/ : .*/, "", r); gsub(/ /, "", r)
			   print tolower(r); on = 0 }' \
		/tmp/apdus.out >/tmp/apdus.got
	_n=0
	while read -r _cmd _want _text; do
		_n=$((_n + 1))
		is "$2: $_text" "$(sed -n "${_n}p" /tmp/apdus.got)" "$_want"
	done </tmp/apdus.txt
}

# suite: pcsc_test's suite on the GemPC Twin. libccidtwin 1.5.2 has no
# USB strings and no channel id for a serial reader: its empty VENDOR_NAME
# and unsupported CHANNEL_ID become comments; any other failure fails.
suite()
{
	_gaps='SCardGetAttrib (VENDOR_NAME|CHANNEL_ID)'
	pcsc_twin -2 $CMD2 suite >/tmp/suite.out
	sed -E "s/^not ok - ($_gaps)/# libccidtwin lacks it: \1/" \
		/tmp/suite.out >/tmp/suite.tap
	cat /tmp/suite.tap
	grep -q '^ok - SCardTransmit' /tmp/suite.tap &&
		! grep -q '^not ok' /tmp/suite.tap
}

# polls: how many commands libccidtwin sends the idle reader in 4 s
polls()
{
	_c0=$(twin count | cut -d' ' -f2)
	sleep 4
	_c1=$(twin count | cut -d' ' -f2)
	echo $((_c1 - _c0))
}

# wait_card present|absent ACTION...: SCardGetStatusChange waits on the
# GemPC Twin while ACTION (a twin-reader command) moves the card
wait_card()
{
	_what=$1
	shift
	pcsc_twin wait "$_what" 15000 >/tmp/wait.out &
	_waiter=$!
	sleep 1
	check "twin-reader: $*" vsc "$@"
	check "SCardGetStatusChange wakes: $_what" wait $_waiter
}

# twin_conf MODEL TTY: a reader.conf.d entry for libccidtwin (pcsc_conf
# knows ifd-scard only); DEVICENAME names the model after the tty
twin_conf()
{
	cat >"/host/tmp/reader.conf.d/$1" <<EOT
FRIENDLYNAME "$1 serial"
DEVICENAME $2:$1
LIBPATH /usr/lib/pcsc/drivers/serial/libccidtwin.so
EOT
}

vsc_open
check "twin-reader answers on ttyS1" vsc ping
pcsc_root
twin_conf GemPCTwin /dev/ttyS2
twin_conf GemCorePOSPro /dev/ttyS3
pcscd_start
check "pcscd lists the GemPC Twin, no card" pcsc_twin wait absent 20000
pcsc_test list | sed 's/^/# reader: /'
is "one GemPC Twin, one slot" "$(pcsc_test list | grep -c "^$TWIN ")" 1
TWIN=$(pcsc_test list | grep "^$TWIN ")

diag "libccidtwin at open and idle"
check "it asked for synchronous notifications (Escape 01 01 01)" \
	twin_has notify=sync
n=$(polls)
last=$(twin last)
diag "$n commands in 4 s, the last: $last"
check "it polls (every 400 ms): $n commands in 4 s" \
	[ "$n" -ge 5 -a "$n" -le 16 ]
check "... with GetSlotStatus of slot 0" \
	[ "${last#ok 650000000000}" != "$last" ]

diag "the T=0 card"
wait_card present insert t0
check "pcsc_test suite (T=0)" suite
check "libccid negotiated TA1 18 with PPS" twin_has pps=ff1018f7
diag "$(twin status)"
apdus "$TWIN" T=0 <<EOT
8018000000 $SW case 1 (80 18)
8010000508 $(pat 5 8)$SW case 2 (80 10, Le 08)
8010000000 $(pat 0 256)$SW case 2, Le 00: 256 bytes
801200100410111213 $SW case 3 (80 12)
801200100400000000 6a80 case 3, wrong data: 6A 80
8014082002aabb 6108 case 4 as T=0 does it: 61 08
00c0000008 $(pat 0x20 8)$SW GET RESPONSE
8016040008 6c04 80 16, wrong Le: 6C 04
8016040004 $(pat 0 4)$SW 80 16, right Le
801c6a8200 6a82 80 1C: the status word
00a40400023f00 $SW SELECT
801e0a0000 $SW 80 1E 0A: 1 s of time-request bytes
8050000000 6d00 an unknown instruction: 6D 00
EOT
check "twin-reader: wtx 3" vsc wtx 3
apdus "$TWIN" T=0 <<EOT
8018000000 $SW after 3 time-request bytes (1.5 s)
EOT

diag "the card pulled from under a connected application"
pcsc_twin -2 $CMD2 hold 60000 >/tmp/hold.out &
holder=$!
# pcscd may see the card late on a loaded host: connected first.
wait_for "the application connected" 30 grep -q "^# connected" /tmp/hold.out
check "remove the card" vsc remove
check "the application sees the card go" wait $holder
cat /tmp/hold.out
check "SCardGetStatusChange: absent" pcsc_twin wait absent 5000

diag "the T=1 card"
wait_card present insert t1
check "pcsc_test suite (T=1)" suite
check "libccid negotiated TA1 96 with PPS" twin_has pps=ff119678
check "libccid sent S(IFS request 254)" twin_has ifsd=254
diag "$(twin status)"
apdus "$TWIN" T=1 <<EOT
80180000 $SW case 1 (80 18)
8010000000 $(pat 0 256)$SW case 2, 258 bytes: chained over IFSD 254
8012000080$(pat 0 128) $SW case 3, 133 bytes: chained over IFSC 32
8014100002aabb00 $(pat 0 16)$SW case 4 (80 14): the data at once
8014100002aabb 6110 case 3 of 80 14: 61 10
00c0000010 $(pat 0 16)$SW GET RESPONSE
801c6a82 6a82 80 1C: the status word
801e0a00 $SW 80 1E 0A: 1 s, two S(WTX request)
80500000 6d00 an unknown instruction: 6D 00
EOT
check "twin-reader: wtx 3" vsc wtx 3
apdus "$TWIN" T=1 <<EOT
8010000040 $(pat 0 64)$SW after 3 S(WTX request)
EOT
wait_card absent remove

diag "a GemCore POS Pro on ttyS3: 5 slots, no echo"
pcsc_test list | grep "^$POS" >/tmp/pos.list
is "pcscd lists its 5 slots" "$(wc -l </tmp/pos.list)" 5
POS0=$(head -n 1 /tmp/pos.list)
check "slot 0: the T=1 card" pcsc_test -r "$POS0" wait present 5000
check "slot 1: no card" pcsc_test -r "$(sed -n 2p /tmp/pos.list)" \
	wait absent 5000
apdus "$POS0" T=1 <<EOT
8010000000 $(pat 0 256)$SW 258 bytes from slot 0
8012000080$(pat 0 128) $SW 133 bytes to slot 0
EOT

pcscd_stop
if [ "$_scard_failed" != 0 ]; then
	sed 's/^/# pcscd: /' "$PCSC_LOG" | tail -n 60
fi
pcsc_root_umount
done_testing
