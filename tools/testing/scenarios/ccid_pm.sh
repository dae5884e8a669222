#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# USB CCID readers across system suspend (suspend-to-idle at the PM core's
# "devices" test level: the devices suspend and resume, nothing sleeps).
# Reader A is on QEMU's xHCI, reader B on UHCI; both controllers lose
# their state and are reinitialised on resume, so the readers go through
# reset_resume: their interrupt URBs are killed and submitted again, their
# cards lost power and are reported removed and inserted again, and card
# events still arrive afterwards. (A plain resume, with the controller
# keeping its state, cannot be had from QEMU.) B also answers every
# response length on UHCI, where QEMU ends 64-byte multiples with a real
# zero-length packet. Then a suspend while an exchange waits for a mute
# card: the suspend happens, the exchange fails with EIO. Needs
# suspend-to-idle and CONFIG_PM_DEBUG (the stock kernel); skipped elsewhere.
# timeout: 120
# kmods: xhci-pci uhci-hcd
# qemu: -device qemu-xhci,id=xhci -device usb-ccid,id=ccid,bus=xhci.0
# qemu: -device piix3-usb-uhci,id=uhci -device usb-ccid,id=ccid2,bus=uhci.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -chardev socket,id=vsc2,path=$SCARD_RUNDIR/vsc2.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0,bus=ccid.0
# qemu: -device ccid-card-passthru,chardev=vsc2,id=card1,bus=ccid2.0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -serial unix:$SCARD_RUNDIR/ctl2.sock,server=on,wait=off
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR
# host: tools/testing/ccid/vsc-card --vsc vsc2.sock --ctl ctl2.sock $SCARD_RUNDIR

. /lib/scard-test/lib.sh

# Both kernels have suspend-to-idle and pm_test (CONFIG_PM_DEBUG).
if ! grep -qw freeze /sys/power/state 2>/dev/null ||
   [ ! -e /sys/power/pm_test ]; then
	echo "not ok 1 - the kernel has suspend-to-idle and pm_test"
	exit 1
fi

exec 3<>/dev/ttyS1 5<>/dev/ttyS2
stty raw -echo <&3
stty raw -echo <&5

state() { cat "/sys/class/misc/$1/state"; }
events() { cat "/sys/class/misc/$1/events"; }

# suspend: devices suspended and resumed (pm_test), 1 s in between
suspend()
{
	echo 1 > /sys/module/suspend/parameters/pm_test_delay 2>/dev/null
	echo devices > /sys/power/pm_test &&
		echo freeze > /sys/power/state
}

scard_load scard_ccid.ko
scard_load scard_ccid_usb.ko bind_all=1
ccid_xhci_uhci
check "A: power cold, T=0" ccid_test "/dev/$A" connect
check "B: power cold, T=0" ccid_test "/dev/$B" connect
ea=$(events "$A")
eb=$(events "$B")

# USB persist keeps a device across the reset the controllers do on resume
# (reset_resume); Debian enables it by default (USB_DEFAULT_PERSIST), the
# debug kernel's configuration does not, so ask for it.
for u in "$UA" "$UB"; do
	check "$u: USB persist on" \
		sh -c "echo 1 > /sys/bus/usb/devices/$u/power/persist"
done
check "suspend and resume" suspend
for r in "A $UA $A $ea" "B $UB $B $eb"; do
	set -- $r
	check "$1 was reset on resume" \
		sh -c "dmesg | grep -q 'usb $2: reset full-speed USB device'"
	wait_for "$1: its card reported removed and inserted" 10 \
		sh -c "[ \$(cat /sys/class/misc/$3/events) -ge $(($4 + 2)) ]"
	is "$1: card present, no longer powered" "$(state "$3")" present
done
ccid_test "/dev/$A" xfer ok 0 5000 8010000104 010203049000
ccid_test "/dev/$B" xfer ok 0 5000 8010000004 000102039000
ccid_test "/dev/$B" lengths
card_cycle A 3 "$A"
card_cycle B 5 "$B"

# A suspend while an exchange waits for a mute card (30 s, longer than
# the freezer's 20 s): the waiting task is frozen in its wait rather than
# keeping the suspend from happening, and its exchange, killed with the
# reader's URBs, fails with EIO after the resume.
echo 30000 > /sys/module/scard_ccid/parameters/timeout_ms
check "A: power cold, T=0" ccid_test "/dev/$A" connect
check "A: mute card" vsc_fd 3 mute
ccid_test "/dev/$A" xfer EIO 0 15000 8010000004 &
xfer=$!
sleep 1
check "suspend while an exchange waits for the card" suspend
wait $xfer
check "A: card answers again" vsc_fd 3 normal
echo 3000 > /sys/module/scard_ccid/parameters/timeout_ms
ccid_test "/dev/$A" xfer ok 0 5000 8010000204 020304059000
ccid_test "/dev/$B" xfer ok 0 5000 8010000304 030405069000

scard_unload
done_testing
