#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# USB CCID reader on QEMU's usb-ccid with a misbehaving card (vsc-card):
# a slow card, a card that answers after the command timed out (the late
# reply must be skipped, not taken for the next one), a mute card (the
# command fails with ETIMEDOUT, bounded), a failed transfer, and the card
# removed while an APDU waits for its answer.
# timeout: 180
# kmods: xhci-pci
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR

. /lib/scard-test/lib.sh

INTF=1-1:1.0

vsc_open

in_state() { [ "$(cat "/sys/class/misc/$R/state")" = "$1" ]; }
# seq_hex FROM N: N bytes FROM, FROM + 1, ... in hex (the card's pattern)
seq_hex() { awk -v f="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%02X", (f + i) % 256 }'; }

scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
wait_for "reader" 10 has_reader "$INTF"
R=$(reader "$INTF")
D=/dev/$R
wait_for "card present" 10 in_state present
# QEMU latched the insertion before the guest booted; its notification
# comes after the slot was polled at registration. One event is right, 3
# (a removal and an insertion more) is what the glue reports for now.
sleep 0.5
diag "card events at start: $(cat /sys/class/misc/$R/events)"
check "power cold, T=0" ccid_test "$D" connect

# A slow card: 1.5 s per answer (the command waits at least 3 s)
check "slow mode" vsc slow 1500
ccid_test "$D" xfer ok 1400 5000 8010000004 000102039000
ccid_test "$D" xfer --apdu ok 2900 9000 8014001002010200 10119000
check "normal mode" vsc normal
ccid_test "$D" xfer ok 900 5000 801E0A0000 9000

# An answer after the command gave up: the late reply is skipped
check "next answer 6 s late" vsc late-next 6000
ccid_test "$D" xfer ETIMEDOUT 2500 10000 8010000004
sleep 3
ccid_test "$D" xfer ok 0 3000 8010000304 030405069000
ccid_test "$D" xfer ok 0 3000 8010003534 "$(seq_hex 53 52)9000"

# A mute card: ETIMEDOUT, twice; the removal resets QEMU's queue
check "mute mode" vsc mute
ccid_test "$D" xfer ETIMEDOUT 2500 10000 8010000004
ccid_test "$D" xfer ETIMEDOUT 2500 10000 8010000004
check "normal mode" vsc normal
check "remove the card" vsc remove
wait_for "absent" 10 in_state absent
check "insert the card" vsc insert
wait_for "present" 10 in_state present
ccid_test "$D" xfer ok 0 5000 8010000504 050607089000

# A failed transfer (VSC error: QEMU answers a failed DataBlock)
check "next answer an error" vsc error-next
ccid_test "$D" xfer EIO,EOPNOTSUPP,EPROTO 0 5000 8010000004
ccid_test "$D" xfer ok 0 5000 8010000604 060708099000

# The card removed during an APDU
check "remove the card 0.5 s into the next APDU" vsc remove-next 500
ccid_test "$D" xfer ENOMEDIUM,ETIMEDOUT,EPROTO,EIO 0 10000 8010000004
wait_for "absent after the removal" 10 in_state absent
ccid_test "$D" xfer ENOMEDIUM 0 1000 8010000004
check "insert the card" vsc insert
wait_for "present" 10 in_state present
ccid_test "$D" xfer ok 0 5000 8010000704 0708090A9000

scard_unload
done_testing
