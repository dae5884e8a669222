# SPDX-License-Identifier: GPL-2.0
#
# Guest-side helpers for scenario scripts (busybox sh). A scenario sources
# this file and prints one TAP line per check:
#
#	. /lib/scard-test/lib.sh
#	scard_load scard_test_reader.ko readers=1
#	check "device node exists" test -c /dev/scard0
#	is "state" "$(cat /sys/class/misc/scard0/state)" "absent"
#
# The host runner counts "ok"/"not ok" lines, fails the scenario on any
# "not ok", on a non-zero exit status, on a timeout and on any kernel report
# (Oops, BUG, WARNING, KASAN, lockdep, kmemleak) printed while it ran.
# Test programs may print their own lines "ok - text" / "not ok - text".

SCARD_MODDIR=/lib/scard
_scard_n=0
_scard_failed=0
_scard_loaded=""

_scard_result()
{
	_scard_n=$((_scard_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_scard_n - $2"
	else
		echo "not ok $_scard_n - $2"
		_scard_failed=$((_scard_failed + 1))
	fi
}

# diag TEXT: a TAP comment
diag() { echo "# $*"; }

# check DESC CMD [ARGS...]: passes when CMD exits 0
check()
{
	_d=$1
	shift
	"$@"
	_scard_result $? "$_d"
}

# check_fail DESC CMD [ARGS...]: passes when CMD exits non-zero
check_fail()
{
	_d=$1
	shift
	if "$@"; then _scard_result 1 "$_d"; else _scard_result 0 "$_d"; fi
}

# is DESC GOT WANT
is()
{
	if [ "$2" = "$3" ]; then
		_scard_result 0 "$1"
	else
		_scard_result 1 "$1"
		diag "got '$2', want '$3'"
	fi
}

# scard_load MODULE.ko [PARAMS...]: insmod one of the project's modules
# (scard.ko first if it is not loaded yet); each load is a check.
scard_load()
{
	if [ "$1" != scard.ko ] && ! grep -q '^scard ' /proc/modules; then
		scard_load scard.ko
	fi
	_m=$1
	shift
	check "insmod $_m $*" insmod "$SCARD_MODDIR/$_m" "$@"
	_scard_loaded="${_m%.ko} $_scard_loaded"
}

# scard_unload: rmmod what scard_load loaded, newest first
scard_unload()
{
	for _m in $_scard_loaded; do
		check "rmmod $_m" rmmod "$_m"
	done
	_scard_loaded=""
}

# wait_for DESC SECONDS CMD [ARGS...]: retries CMD every 0.1 s
wait_for()
{
	_d=$1
	_t=$(($2 * 10))
	shift 2
	while ! "$@" 2>/dev/null; do
		_t=$((_t - 1))
		if [ $_t -le 0 ]; then
			_scard_result 1 "$_d"
			return 1
		fi
		sleep 0.1
	done
	_scard_result 0 "$_d"
}

# done_testing: exit status of the scenario
done_testing()
{
	echo "# $_scard_n checks, $_scard_failed failed"
	[ "$_scard_failed" = 0 ]
}

# ---- scard-emu behind scard_vhci (emu_* scenarios) ----

EMU_READY=/tmp/emu.ready
EMU_LOG=/tmp/emu.log
emu_pid=

# emu_start ARGS...: start scard-emu, wait for its reader; sets $dev
emu_start()
{
	rm -f "$EMU_READY"
	scard-emu --ready-file "$EMU_READY" "$@" >"$EMU_LOG" 2>&1 &
	emu_pid=$!
	if wait_for "scard-emu $* ready" 10 test -s "$EMU_READY"; then
		dev=$(head -n 1 "$EMU_READY")
	else
		dev=/dev/null
		cat "$EMU_LOG"
	fi
}

# emu_stop: SIGTERM, the emulator must exit 0 and its reader go away
emu_stop()
{
	kill -TERM "$emu_pid"
	wait "$emu_pid"
	is "scard-emu exits cleanly on SIGTERM" "$?" 0
	wait_for "$dev unplugged" 5 test ! -e "$dev"
}

# ---- USB CCID readers and tools/testing/ccid/vsc-card (ccid_*) ----

# vsc_open: vsc-card's control port, the guest's ttyS1, as fd 3
vsc_open()
{
	exec 3<>/dev/ttyS1
	stty raw -echo <&3
}

# vsc_fd FD CMD...: a command to the vsc-card whose port is open on FD;
# succeeds on "ok"
vsc_fd()
{
	_fd=$1
	shift
	echo "$*" >&"$_fd"
	if ! read -t 20 -r _vsc_reply <&"$_fd"; then
		diag "vsc-card: no answer to $*"
		return 1
	fi
	case $_vsc_reply in
	ok*) return 0 ;;
	esac
	diag "vsc-card: $*: $_vsc_reply"
	return 1
}

# vsc CMD...: vsc_fd 3 CMD...
vsc() { vsc_fd 3 "$@"; }

# reader INTF: the scardN of a USB interface (e.g. 1-1:1.0), if bound
reader() { ls "/sys/bus/usb/devices/$1/misc" 2>/dev/null | head -n 1; }
has_reader() { [ -n "$(reader "$1")" ]; }

# misc_in_state NODE STATE: /sys/class/misc/NODE (scardN) is in STATE
misc_in_state() { [ "$(cat "/sys/class/misc/$1/state")" = "$2" ]; }

# card_cycle NAME FD READER: vsc-card on FD removes and inserts its card,
# READER sees both
card_cycle()
{
	check "$1: remove the card" vsc_fd "$2" remove
	wait_for "$1: removal seen" 10 misc_in_state "$3" absent
	check "$1: insert the card" vsc_fd "$2" insert
	wait_for "$1: insertion seen" 10 misc_in_state "$3" present
}

# cac_try CMD [ARGS...]: CMD, on libcacard's emulated card, run again (at
# most 3 times) when a reader timeout made it fail. QEMU's ccid-card-emulated
# (Debian 12's 7.2, and upstream still) loses APDUs: its APDU thread waits
# on a condition variable without looking at its queue first, so an APDU
# that comes between the thread's last look and its wait stays queued
# until the next APDU. The driver then sees a card that never answers
# (-ETIMEDOUT, "link to the card lost (-110)"); on a loaded host about one
# chained APDU in 200 is lost (the guest's GET RESPONSE comes right after
# the card's 61 xx). The lost attempt's output is kept as TAP comments.
cac_try()
{
	_try=0
	while :; do
		_lost=$(dmesg | grep -c 'link to the card lost (-110)')
		"$@" >/tmp/cac_try.out 2>&1
		_rc=$?
		if [ $_rc = 0 ] || [ $_try = 3 ] ||
		   [ "$(dmesg | grep -c 'link to the card lost (-110)')" = "$_lost" ]; then
			cat /tmp/cac_try.out
			return $_rc
		fi
		_try=$((_try + 1))
		sed 's/^/# lost APDU: /' /tmp/cac_try.out
		diag "QEMU's ccid-card-emulated lost an APDU: run $* again"
	done
}

# ccid_xhci_uhci: the readers on port 1 of the xHCI high-speed root hub
# (480) and of the UHCI one (12), scard_ccid_usb loaded: sets UA and UB
# (their USB devices) and A and B (their scardN), and waits for their cards
ccid_xhci_uhci()
{
	for _d in /sys/bus/usb/devices/usb*; do
		case $(cat "$_d/speed") in
		480) UA=${_d##*/usb}-1 ;;
		12) UB=${_d##*/usb}-1 ;;
		esac
	done
	diag "xHCI reader $UA, UHCI reader $UB"
	wait_for "reader A (xHCI)" 10 has_reader "$UA:1.0"
	wait_for "reader B (UHCI)" 10 has_reader "$UB:1.0"
	A=$(reader "$UA:1.0")
	B=$(reader "$UB:1.0")
	wait_for "A: card present" 10 misc_in_state "$A" present
	wait_for "B: card present" 10 misc_in_state "$B" present
}

# ---- pcscd with ifd-scard (pcsc_* scenarios) ----
# The host's root, read-only over 9p, is the root of pcscd and of the
# PC/SC client (pcsc_test): /host, with the guest's /dev, /proc and /sys,
# tmpfs /tmp and /run, and the host-built programs and the bridge in
# /tmp/progs/host. Needs the "hostroot" and "progs" 9p shares.

PCSC_LOG=/tmp/pcscd.log
pcscd_pid=

# hostrun CMD [ARGS...]: run a command of the host's root
hostrun() { chroot /host env -i PATH=/usr/sbin:/usr/bin HOME=/tmp "$@"; }

# pcsc_root: mount it; a check
pcsc_root()
{
	mkdir -p /host
	check "the host's root with pcscd, the bridge and the client" sh -c '
		mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host &&
		[ -x /host/usr/sbin/pcscd ] &&
		mount -t tmpfs tmp /host/tmp && mount -t tmpfs run /host/run &&
		mkdir /host/tmp/progs /host/tmp/reader.conf.d &&
		mount -t 9p -o trans=virtio,version=9p2000.L,ro progs /host/tmp/progs &&
		[ -x /host/tmp/progs/host/pcsc_test ] &&
		[ -e /host/tmp/progs/host/libifd-scard.so ] &&
		mount -o bind /dev /host/dev &&
		mount -t proc proc /host/proc &&
		mount -t sysfs sys /host/sys'
}

# pcsc_bundle: pcsc-lite's driver directory with libccid's bundle and
# ifd-scard.bundle (pcscd's USB hotplug then prefers ours)
pcsc_bundle()
{
	mkdir -p /tmp/drivers
	cp -a /host/usr/lib/pcsc/drivers/. /tmp/drivers/
	cp -a /host/tmp/progs/host/ifd-scard.bundle /tmp/drivers/
	mount -o bind /tmp/drivers /host/usr/lib/pcsc/drivers
}

# pcsc_conf NODE NAME: a reader.conf.d entry for NODE through ifd-scard
pcsc_conf()
{
	cat >"/host/tmp/reader.conf.d/scard-${1##*/}" <<EOT
FRIENDLYNAME "$2"
DEVICENAME $1:scard
LIBPATH /tmp/progs/host/libifd-scard.so
EOT
}

# pcscd_start [ARGS...]: pcscd in the foreground, logging to $PCSC_LOG
pcscd_start()
{
	# exec: $! is pcscd itself, not a subshell.
	(exec chroot /host env -i PATH=/usr/sbin:/usr/bin HOME=/tmp \
		pcscd -f -c /tmp/reader.conf.d "$@" >>"$PCSC_LOG" 2>&1) &
	pcscd_pid=$!
}

# pcscd_stop: stop pcscd; it must exit by itself, at once (its readers'
# polling functions return when told to)
pcscd_stop()
{
	kill -TERM "$pcscd_pid"
	wait_for "pcscd exits on SIGTERM" 10 sh -c "! kill -0 $pcscd_pid"
	wait "$pcscd_pid"
	is "pcscd's exit status" "$?" 0
}

# pcsc_test ARGS...: the PC/SC client
pcsc_test() { hostrun /tmp/progs/host/pcsc_test "$@"; }

# pcsc_root_umount: undo pcsc_root (and pcsc_bundle)
pcsc_root_umount()
{
	umount /host/usr/lib/pcsc/drivers 2>/dev/null
	umount /host/sys /host/proc /host/dev /host/tmp/progs /host/tmp \
		/host/run /host
}

# ---- the FunctionFS reader (tools/testing/progs/ccid_gadget/) ----
# A scenario that uses it names dummy_hcd, usb_f_fs and libcomposite in
# its kmods.

# gadget_intf: the gadget's CCID interface on the host side
gadget_intf()
{
	for _d in /sys/bus/usb/devices/*:1.0; do
		[ "$(cat "$_d/bInterfaceClass" 2>/dev/null)" = 0b ] || continue
		echo "${_d##*/}"
		return 0
	done
	return 1
}
has_gadget_intf() { [ -n "$(gadget_intf)" ]; }

# gadget_setup NAME PRODUCT: a configfs gadget NAME whose function is
# FunctionFS, mounted on /dev/ffs-NAME; sets G, FFS and UDC; checks
gadget_setup()
{
	grep -q " /sys/kernel/config " /proc/mounts ||
		mount -t configfs none /sys/kernel/config
	G=/sys/kernel/config/usb_gadget/$1
	FFS=/dev/ffs-$1
	UDC=$(ls /sys/class/udc | head -n 1)
	check "a UDC ($UDC)" test -n "$UDC"
	mkdir $G $G/strings/0x409 $G/configs/c.1 $G/functions/ffs.$1
	echo 0x1d6b >$G/idVendor
	echo 0x0104 >$G/idProduct
	echo scard >$G/strings/0x409/manufacturer
	echo "$2" >$G/strings/0x409/product
	ln -s $G/functions/ffs.$1 $G/configs/c.1/
	mkdir -p $FFS
	check "functionfs" mount -t functionfs "$1" $FFS
}

# gadget_teardown: undo gadget_setup (the gadget unbound and stopped)
gadget_teardown()
{
	rm $G/configs/c.1/ffs.*
	umount $FFS
	rmdir $G/functions/ffs.* $G/configs/c.1 $G/strings/0x409 $G
}

# gadget_readers: the scardN of the gadget's slots, in slot order
gadget_readers()
{
	_gi=$(gadget_intf) || return 1
	ls "/sys/bus/usb/devices/$_gi/misc" 2>/dev/null | sort -k1.6n
}

# gadget_nreaders N: the gadget has N readers (one per slot)
gadget_nreaders() { [ "$(gadget_readers | wc -l)" = "$1" ]; }

# gadget_plug LOG OPTION...: start ccid_gadget (output to LOG), bind it,
# wait for its reader; sets gadget_pid and D (/dev/scardN of slot 0)
gadget_plug()
{
	_log=$1
	shift
	rm -f /tmp/gadget.ready
	echo "--- ccid_gadget $*" >>"$_log"
	ccid_gadget $FFS /tmp/gadget.ready "$@" >>"$_log" 2>&1 &
	gadget_pid=$!
	wait_for "ccid_gadget $* ready" 10 test -e /tmp/gadget.ready
	echo "$UDC" >$G/UDC
	wait_for "enumerated ($*)" 10 has_gadget_intf
	_i=$(gadget_intf)
	wait_for "reader ($*)" 10 has_reader "$_i"
	D=/dev/$(gadget_readers | head -n 1)
}

# killed_aborts LOG PATTERN DELAY DEV APDU: a TRANSMIT of APDU on DEV
# whose card does not answer, its caller killed after DELAY seconds; checks
# that the gadget logged one more PATTERN (its ABORT request)
killed_aborts()
{
	_ka=$(grep -c "$2" "$1")
	ccid_test "$4" xfer ETIMEDOUT 0 15000 "$5" >/dev/null &
	_kv=$!
	sleep "$3"
	kill -9 $_kv
	wait $_kv 2>/dev/null
	is "the killed caller aborted its command" "$(grep -c "$2" "$1")" \
		$((_ka + 1))
}

# gadget_unplug: unbind the gadget, stop it, wait for its reader to go
gadget_unplug()
{
	echo "" >$G/UDC
	kill "$gadget_pid"
	wait "$gadget_pid" 2>/dev/null
	wait_for "unplugged" 10 test ! -e "$D"
}

# ---- USB/IP (ccid_usbip, usbip_bench) ----

# usbip_setup: the host's usbip tools (pcsc_root first), loopback up,
# QEMU's reader $LOCAL there; checks
usbip_setup()
{
	check "Debian's usbip tools" test -x /host/usr/sbin/usbip -a \
		-x /host/usr/sbin/usbipd
	check "loopback up" ip link set lo up
	wait_for "QEMU's reader" 10 test -e "/sys/bus/usb/devices/$LOCAL"
}

# usbipd_start: the host's usbipd, listening; sets usbipd_pid
usbipd_start()
{
	(exec chroot /host env -i PATH=/usr/sbin:/usr/bin HOME=/tmp \
		usbipd -4 >/tmp/usbipd.log 2>&1) &
	usbipd_pid=$!
	wait_for "usbipd listens" 10 hostrun usbip list -r 127.0.0.1
}

# usbip_remote: the device vhci-hcd attached, QEMU's reader (08e6) seen
# again beside $LOCAL, its exported self
usbip_remote()
{
	for _d in /sys/bus/usb/devices/[0-9]*-*; do
		case ${_d##*/} in
		*:*|"$LOCAL") continue ;;
		esac
		[ "$(cat "$_d/idVendor" 2>/dev/null)" = 08e6 ] && echo "${_d##*/}"
	done | head -n 1
}
has_usbip_remote() { [ -n "$(usbip_remote)" ]; }
no_usbip_remote() { [ -z "$(usbip_remote)" ]; }

# ---- serial readers on a tty (serial_*) ----

# serial_readers TTY: the scardN whose parent is TTY, in slot order
serial_readers()
{
	_t=$(readlink -f "/sys/class/tty/$1")
	for _d in /sys/class/misc/scard*; do
		[ -e "$_d/device" ] || continue
		[ "$(readlink -f "$_d/device")" = "$_t" ] && basename "$_d"
	done | sort -k1.6n
}

# ---- benchmarks (tools/testing/bench) ----

# measure NAME CMD...: run a benchmark program, pooling its samples in
# $S/NAME (a program in the host's root writes to /host$S instead)
measure()
{
	_n=$1
	shift
	BENCH_SAMPLES=$S/$_n "$@" >/tmp/measure.out 2>&1
	_rc=$?
	cat /tmp/measure.out
	is "$_n: $* exits 0" $_rc 0
}

# pct NAME P: the P-th percentile of the pooled samples NAME, in ms
pct()
{
	[ -s "$S/$1" ] || return 0
	sort -n "$S/$1" | awk -v p="$2" '{ v[NR] = $1 }
		END { r = int((NR * p + 99) / 100); if (r < 1) r = 1
		      printf "%.3f\n", v[r] / 1e6 }'
}

# bench NAME OURS OTHER KIND: a BENCH line (KIND: peer or floor)
bench()
{
	if [ -z "$2" ] || [ -z "$3" ]; then
		diag "$1: no $4 figure"
		return
	fi
	awk -v n="$1" -v o="$2" -v t="$3" -v k="$4" 'BEGIN {
		printf "BENCH %s ours=%.3f %s=%.3f ratio=%.2f\n",
			n, o, k, t, o / t }'
}

# samples NAME...: one line per figure, its count, p50, p99 and slowest
samples()
{
	for _n in "$@"; do
		[ -s "$S/$_n" ] && diag "$_n: $(wc -l <"$S/$_n") samples," \
			"p50 $(pct $_n 50) ms, p99 $(pct $_n 99) ms, slowest" \
			"$(sort -n "$S/$_n" | tail -n 5 |
			   awk '{ printf "%.2f ", $1 / 1e6 }')"
	done
}

# ---- unplug storms (tools/testing/fuzz/storm_*.sh) ----
# A storm script calls storm_begin after its warm-up cycles, then its
# cycles (storm_run, or "storm vhci"), then storm_end KIND DONE, which
# prints "STORM KIND cycles=DONE reports=N leaked=N" and five checks.
# reports: kernel report lines in the kernel log during the storm, read
# with "dmesg -c" (storm_kreports) often enough that the 128 KB log cannot
# wrap between two reads. leaked: kmemleak's unreferenced objects (scanned
# twice, after kmemleak's minimum age of 5 s) + the /proc/misc lines not
# back to their start (a minor kept or lost) + 1 if the slab memory did
# not return.
# Memory: after dropping the page cache and shrinking every slab cache
# (which also empties KASAN's quarantine of that cache and the per-CPU
# slabs, so that freed objects do not count), the bytes of the active
# objects of all caches, against the same figure after a warm-up of a few
# cycles (lazily created caches, sysfs and IDA nodes stay). The tolerance
# storm_slack_kb (default 256) is far below what one lost object per
# cycle would add over the default 1000 cycles (a reader is several
# objects of 64 bytes to several KB) and well above the noise of the
# guest's own activity (the shell, dentries of /proc, the log), measured
# at a few tens of KB.
# window: callers whose TRANSMIT got ENODEV while GET_STATE on the same
# file still answered for a moment (the driver failed its transport
# before the library marked the reader dead): counted and printed, not a
# failure.

STORM_KLEAK=/sys/kernel/debug/kmemleak
STORM_REPORT_RE='BUG:|WARNING:|KASAN|UBSAN|unreferenced object|INFO: task .* blocked|possible circular locking|inconsistent lock state|Call Trace:'
storm_reports=0
storm_window=0

# storm_kreports: add the report lines the kernel logged since last time
storm_kreports()
{
	_k=$(dmesg -c | grep -cE "$STORM_REPORT_RE")
	storm_reports=$((storm_reports + _k))
}

# storm_slab_kb: KB in active slab objects once the caches are shrunk
storm_slab_kb()
{
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for _s in /sys/kernel/slab/*/shrink; do
		echo 1 >"$_s" 2>/dev/null
	done
	awk 'NR > 2 { s += $2 * $4 } END { printf "%d\n", s / 1024 }' \
		/proc/slabinfo
}

# storm_begin: the reference point, after the warm-up
storm_begin()
{
	if [ -e $STORM_KLEAK ]; then
		echo scan >$STORM_KLEAK
		echo clear >$STORM_KLEAK
	fi
	sleep 1
	sort /proc/misc >/tmp/misc.before
	_storm_slab0=$(storm_slab_kb)
	diag "slab objects at the start: $_storm_slab0 KB"
	dmesg -c >/dev/null
	storm_reports=0
	storm_window=0
	_storm_t0=$(cut -d' ' -f1 /proc/uptime)
}

# storm_add_window FILE: add the "window N" that ends storm's summary
# line in FILE (shell builtins only: this runs every cycle)
storm_add_window()
{
	_w=0
	while read -r _l; do
		case $_l in
		"# storm"*" window "[0-9]*) _w=${_l##* window } ;;
		esac
	done <"$1"
	storm_window=$((storm_window + _w))
}

# storm_run CYCLES CYCLE RECOVER: CYCLES times "CYCLE N"; after a failed
# one "RECOVER" (which must leave the next cycle ready to run); stops at
# the 5th failed cycle or a failed recovery. The output of the last
# "storm block" (each cycle's) is in /tmp/cycle.out. The kernel log is
# read every 10 cycles (a cycle logs a few KB at most). Sets storm_done
# to the cycles that passed.
storm_run()
{
	_storm_n=0
	_storm_bad=0
	while [ $_storm_n -lt "$1" ]; do
		: >/tmp/cycle.out
		if ! "$2" $_storm_n; then
			_storm_bad=$((_storm_bad + 1))
			diag "cycle $_storm_n failed"
			if [ $_storm_bad -ge 5 ]; then
				_storm_n=$((_storm_n + 1))
				diag "5 cycles failed: the storm stops"
				break
			fi
			if ! "$3"; then
				_storm_n=$((_storm_n + 1))
				diag "no recovery after cycle $((_storm_n - 1)): the storm stops"
				break
			fi
		fi
		_storm_n=$((_storm_n + 1))
		storm_add_window /tmp/cycle.out
		[ $((_storm_n % 10)) = 0 ] || continue
		storm_kreports
		[ $((_storm_n % 100)) = 0 ] &&
			diag "$_storm_n cycles in $(awk -v a="$_storm_t0" \
				'{ printf "%.0f", $1 - a }' /proc/uptime) s," \
				"$_storm_bad failed; $(tail -n 1 /tmp/cycle.out)"
	done
	tail -n 1 /tmp/cycle.out
	storm_done=$((_storm_n - _storm_bad))
}

# storm_end KIND DONE: the accounting, the STORM line and its checks
# (against storm_cycles, default 1000)
storm_end()
{
	storm_kreports
	_storm_t1=$(cut -d' ' -f1 /proc/uptime)
	sleep 2		# deferred work (release of the last files)
	sort /proc/misc >/tmp/misc.after
	_misc=$(diff /tmp/misc.before /tmp/misc.after | grep -c '^[-+][^-+]')
	[ "$_misc" = 0 ] || diff /tmp/misc.before /tmp/misc.after | sed 's/^/# /'
	_slab1=$(storm_slab_kb)
	_slack=${storm_slack_kb:-256}
	_mem=0
	[ $((_slab1 - _storm_slab0)) -le "$_slack" ] || _mem=1
	diag "slab objects at the end: $_slab1 KB ($((_slab1 - _storm_slab0)) KB, tolerance $_slack KB)"
	_kml=0
	if [ -e $STORM_KLEAK ]; then
		sleep 6
		echo scan >$STORM_KLEAK
		echo scan >$STORM_KLEAK
		_kml=$(grep -c 'unreferenced object' $STORM_KLEAK)
		[ "$_kml" = 0 ] || head -n 60 $STORM_KLEAK
	else
		diag "no kmemleak in this kernel"
	fi
	storm_kreports
	_leaked=$((_kml + _misc + _mem))
	diag "storm $1: $2 cycles in $(awk -v a="$_storm_t0" -v b="$_storm_t1" 'BEGIN { printf "%.1f", b - a }') s; kmemleak $_kml, misc lines changed $_misc, memory over $_mem"
	diag "storm $1: window $storm_window (a TRANSMIT got ENODEV while GET_STATE still answered; not a failure)"
	echo "STORM $1 cycles=$2 reports=$storm_reports leaked=$_leaked"
	is "$1: cycles done" "$2" "${storm_cycles:-1000}"
	is "$1: kernel reports" "$storm_reports" 0
	is "$1: kmemleak objects" "$_kml" 0
	is "$1: misc minors back to the start" "$_misc" 0
	is "$1: slab memory back to the start (within $_slack KB)" "$_mem" 0
}

# storm_tasks: every user process's state, wait channel and kernel stack
# (a storm that stopped moving)
storm_tasks()
{
	for _p in /proc/[0-9]*; do
		_c=$(tr '\0' ' ' <"$_p/cmdline" 2>/dev/null | cut -c1-60)
		[ -n "$_c" ] || continue	# a kernel thread
		diag "${_p#/proc/}: $_c," \
			"$(sed -n 's/^State:[[:space:]]*//p' "$_p/status" 2>/dev/null)," \
			"wchan $(cat "$_p/wchan" 2>/dev/null)"
		sed 's/^/#   /' "$_p/stack" 2>/dev/null
	done
}

# storm_watch SECONDS CMD...: CMD, which must end within SECONDS; if it
# does not, the tasks are listed (storm_tasks), CMD is killed and the
# status is 124
storm_watch()
{
	_w=$1
	shift
	"$@" &
	_wp=$!
	(
		trap 'kill $! 2>/dev/null; exit 0' TERM
		sleep "$_w" &
		wait $!
		kill -0 $_wp 2>/dev/null || exit 0
		diag "stuck for $_w s: $*"
		storm_tasks
		kill -9 $_wp
	) &
	_wd=$!
	wait $_wp
	_wrc=$?
	kill $_wd 2>/dev/null
	wait $_wd 2>/dev/null
	return $_wrc
}

# storm_nap [SECONDS]: sleep (default 0.05 s) without a fork: a read with
# a timeout on a FIFO nobody writes (fd 8, opened on the first call; call
# it first from the main shell). A storm polls every 50 ms for its readers
# to come back, and a sleep process each time would take the guest's only
# CPU from the work it waits for.
storm_nap()
{
	if [ -z "$_storm_nap" ]; then
		rm -f /tmp/storm.nap
		mkfifo /tmp/storm.nap
		exec 8<>/tmp/storm.nap
		_storm_nap=1
	fi
	read -r -t "${1:-0.05}" _ <&8
	return 0
}
