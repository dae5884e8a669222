#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Extended APDUs end to end through the real USB stack: ccid_gadget, an
# extended APDU level reader on dummy_hcd whose card echoes data (80 EE)
# and answers Le bytes (80 EF). With a dwMaxCCIDMessageLength of 271 the
# commands and responses longer than a message go in chains of XfrBlocks
# (the reader's buffer smaller than QEMU's); with 65554 they fit in one.
# Every boundary of a message and of an APDU, up to 65535 bytes of data
# and 65536 of response. A short APDU level reader refuses a longer
# command before it goes out (EMSGSIZE). Last, a reader and a card that
# can stop the card's clock: idle, it stops (IccClock); the next exchange
# restarts it first.
# timeout: 300
# kmods: dummy_hcd usb_f_fs libcomposite
# boot: own

. /lib/scard-test/lib.sh

LOG=/tmp/ext.log

gadget_setup ext extended
scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1

gadget_plug $LOG --max-msg 271
is "dwMaxAPDUDataSize of an extended APDU reader" \
	"$(scardctl -m -d "$D" features | grep dwMaxAPDUDataSize)" \
	"property=dwMaxAPDUDataSize tag=0x0a value=65535"
check "271-byte messages: chains both ways" ccid_test "$D" extended 271
check "commands went in parts" grep -q "command of 65544 bytes in parts" $LOG
check "responses came in parts" grep -q "response of 65538 bytes in parts" $LOG
gadget_unplug

gadget_plug $LOG --max-msg 65554
check "65554-byte messages: one each" ccid_test "$D" extended 65554
gadget_unplug

gadget_plug $LOG --short-apdu --max-msg 65554
check "connect" ccid_test "$D" connect
is "dwMaxAPDUDataSize of a short APDU reader" \
	"$(scardctl -m -d "$D" features | grep dwMaxAPDUDataSize)" \
	"property=dwMaxAPDUDataSize tag=0x0a value=0"
check "a short APDU of 261 bytes passes" ccid_test "$D" xfer ok 0 5000 \
	"80EE0000FF$(printf '55%.0s' $(seq 1 255))00"
check "an extended one of 307 bytes is refused: EMSGSIZE" \
	ccid_test "$D" xfer EMSGSIZE 0 5000 \
	"80EE000000012C$(printf '55%.0s' $(seq 1 300))"
gadget_unplug

# A reader that can stop the card's clock, a card that allows it: idle,
# the clock stops; the next exchange starts it again first.
echo 500 >/sys/module/scard_ccid/parameters/clock_stop_ms
gadget_plug $LOG --clock-stop
check "connect" ccid_test "$D" connect
check "an exchange" ccid_test "$D" xfer ok 0 5000 80EF000004 000102039000
wait_for "idle: the clock stopped" 10 grep -q "clock stopped" $LOG
check "the next exchange" ccid_test "$D" xfer ok 0 5000 80EF000002 00019000
is "the clock restarted first, no exchange without it" \
	"$(grep -E "clock (stopped|restarted)|exchange with the clock" $LOG |
	   head -n 2 | sed 's/.*: //' | tr '\n' ' ')" "clock stopped clock restarted "
check "never an exchange with the clock stopped" \
	sh -c "! grep -q 'exchange with the clock stopped' $LOG"
wait_for "idle again: stopped again" 10 \
	sh -c "[ \$(grep -c 'clock stopped' $LOG) = 2 ]"
echo 0 >/sys/module/scard_ccid/parameters/clock_stop_ms
gadget_unplug

scard_unload
gadget_teardown
grep -E "in parts|card:|clock" $LOG | sort | uniq -c | sed 's/^/# /' | tail -n 20
done_testing
