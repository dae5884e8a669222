#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unplug storm, USB: storm_cycles (default 1000) cycles of QEMU's two
# usb-ccid readers, each on its own xHCI controller (the guest enumerates
# them at the same time), removed with the monitor's device_del (through
# vsc-card) while callers are blocked in them, and added back with
# device_add (the reader with vsc-card's card, a mute one, and an empty
# reader): on the reader with the card a TRANSMIT, an IS_ABSENT and a
# poll(), on the empty one an IS_PRESENT and a poll()
# (tools/testing/progs/storm.c). QEMU removes the card before its reader,
# so that the reader with the card may see the removal first (IS_ABSENT
# ends, TRANSMIT fails with ENOMEDIUM, EPROTO or EIO, poll() sees an
# event); everything must end within 5 s, and on the empty reader with
# ENODEV and POLLHUP. No kernel report, no leak, the misc minors and the
# slab memory back to where they were.
# A cycle takes about 2.4 s on the debug kernel under TCG: 1.1 s for the
# callers to block and the unplug (the TRANSMIT's connect, two monitor
# commands, the disconnects) and 1.1 s for device_add, enumeration and the
# card inserted: 1000 cycles take about 40 minutes.
# timeout: 7200
# kmods: xhci-pci
# qemu: -device qemu-xhci,id=xhci -device qemu-xhci,id=xhci2
# qemu: -device usb-ccid,id=ccid,bus=xhci.0 -device usb-ccid,id=ccid2,bus=xhci2.0
# qemu: -chardev socket,id=vsc,path=$SCARD_RUNDIR/vsc.sock,server=on,wait=off
# qemu: -device ccid-card-passthru,chardev=vsc,id=card0,bus=ccid.0
# qemu: -serial mon:stdio -serial unix:$SCARD_RUNDIR/ctl.sock,server=on,wait=off
# qemu: -monitor unix:$SCARD_RUNDIR/mon.sock,server=on,wait=off
# host: tools/testing/ccid/vsc-card $SCARD_RUNDIR

. /lib/scard-test/lib.sh

cycles=${storm_cycles:-1000}

# mon CMD...: a monitor command through vsc-card that prints nothing
mon()
{
	vsc monitor "$@" || return 1
	case $_vsc_reply in
	ok | "ok ") return 0 ;;
	esac
	diag "monitor $*: $_vsc_reply"
	return 1
}

# readers: sets RC (the reader with the card) and RE (the empty one)
# (builtins only: this runs every 50 ms while the readers come back)
readers()
{
	RC=
	RE=
	for _r in /sys/class/misc/scard*; do
		_s=
		[ -e "$_r/state" ] && { read -r _s <"$_r/state"; } 2>/dev/null
		case $_s in
		absent) RE=${_r##*/} ;;
		"") ;;
		*) RC=${_r##*/} ;;
		esac
	done
	[ -n "$RC" ] && [ -n "$RE" ]
}

# wait_readers: both readers there, the card seen, within 20 s
wait_readers()
{
	_t=400
	while ! readers; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || return 1
		storm_nap
	done
}

# plug: the readers and the card back; both readers added first, so that
# the guest enumerates them while the card goes in
plug()
{
	mon device_add usb-ccid,id=ccid,bus=xhci.0 &&
	mon device_add usb-ccid,id=ccid2,bus=xhci2.0 &&
	mon device_add ccid-card-passthru,chardev=vsc,id=card0,bus=ccid.0 &&
	vsc insert &&
	wait_readers
}

# recover: after a failed cycle, whatever is missing added again (the
# monitor refuses what is there)
recover()
{
	readers && return 0
	mon device_add usb-ccid,id=ccid,bus=xhci.0
	mon device_add usb-ccid,id=ccid2,bus=xhci2.0
	mon device_add ccid-card-passthru,chardev=vsc,id=card0,bus=ccid.0
	vsc insert
	wait_readers
}

# The unplug, run by storm once the callers sleep (fd 3 is inherited).
cat >/tmp/unplug.sh <<'EOT'
. /lib/scard-test/lib.sh
vsc monitor device_del ccid && vsc monitor device_del ccid2
EOT

vsc_open
check "vsc-card answers" vsc ping
scard_load scard_ccid.ko timeout_ms=20000
scard_load scard_ccid_usb.ko bind_all=1
check "two readers, one with the card" wait_readers
check "mute card" vsc mute

# cycle: one unplug with callers blocked, then the readers back (also
# after a failure, if they went)
cycle()
{
	storm_watch 60 storm block 5000 "sh /tmp/unplug.sh" \
		"xfer:/dev/$RC:ENODEV,EPROTO,EIO,ENOMEDIUM" \
		"absent:/dev/$RC:ENODEV,ok" "poll:/dev/$RC:hup,event" \
		"present:/dev/$RE" "poll:/dev/$RE" >/tmp/cycle.out 2>&1
	_rc=$?
	[ $_rc = 0 ] || cat /tmp/cycle.out
	plug || {
		diag "the readers did not come back"
		return 1
	}
	return $_rc
}

cycle && cycle
is "warm-up: 2 cycles" $? 0
storm_begin
storm_run "$cycles" cycle recover
storm_end usb $storm_done
scard_unload
done_testing
