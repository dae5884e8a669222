#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--kernel SERIES|stock|debug] [--kunit] [--bench|--fuzz] [SCENARIO...]
#
# Builds the project's modules for the chosen kernel (in a private copy of
# the sources under build/<label>/), the static test programs and an
# initramfs, then boots QEMU (TCG) and runs the scenarios of
# tools/testing/scenarios (all of them by default). Scenarios without
# "# qemu:"/"# host:"/"# boot:"/"# append:" lines share one boot; the
# others get their own ("# append:" adds kernel parameters to it). Boots
# run concurrently, at most SCARD_JOBS at once across every run.sh of this
# build directory (qemu/slots.sh).
# With --kunit it runs the KUnit test modules instead (debug kernel); with
# --bench the benchmarks of tools/testing/bench; with --fuzz the campaigns
# of tools/testing/fuzz (debug kernel, one boot each).
#
# Kernels: SERIES is one of Debian's stock kernels (6.1, 6.12: the image
# matching the newest installed headers of the series), "stock" the first
# of SCARD_KERNELS, "debug" the debug kernel built from
# linux-source-$SCARD_DEBUG_SERIES (common.sh). Result lines name the
# kernel: "PASS 6.12/core_basic (10 checks)", "FAIL debug-6.1/...".
#
# A scenario fails on a "not ok" line, a non-zero exit status, a timeout
# (the guest is killed) or a kernel report (Oops, BUG, WARNING, KASAN,
# lockdep, kmemleak, hung task) printed while it ran. Guest logs stay in
# build/<kernel>/logs/. The last line is "TOTAL <passed> <failed>".
# SCARD_APPEND adds kernel parameters; the guest's scenarios see the
# name=value ones as variables (e.g. SCARD_APPEND="bench_rounds=5"), and
# scard_kernel holds the kernel's label (6.1, 6.12, debug-6.1).

set -euo pipefail
. "$(dirname "$0")/../common.sh"
. "$(dirname "$0")/slots.sh"

flavour=stock
kunit=0
own_boots=0
scen_dir=$SCARD_TOP/tools/testing/scenarios
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) flavour=$2; shift 2 ;;
	--kunit) kunit=1; flavour=debug; shift ;;
	# Benchmarks run one at a time: two guests would share the cores.
	--bench) scen_dir=$SCARD_TOP/tools/testing/bench; SCARD_JOBS=1; shift ;;
	--fuzz) scen_dir=$SCARD_TOP/tools/testing/fuzz; flavour=debug; own_boots=1; shift ;;
	-*) scard_die "unknown option $1" ;;
	*) break ;;
	esac
done

if [ $kunit = 0 ]; then
	if [ $# -gt 0 ]; then
		scenarios=("$@")
	else
		scenarios=()
		for f in "$scen_dir"/*.sh; do
			[ -e "$f" ] || continue
			n=${f##*/}
			scenarios+=("${n%.sh}")
		done
	fi
	for s in "${scenarios[@]}"; do
		[ -f "$scen_dir/$s.sh" ] || scard_die "no scenario $s"
	done
fi

[ "$flavour" = stock ] && flavour=${SCARD_KERNELS%% *}
case $flavour in
debug)
	label=debug-$SCARD_DEBUG_SERIES
	kdir_cache=$("$SCARD_TOP/tools/testing/debug-kernel.sh") ||
		scard_die "kernel $label: tools/testing/debug-kernel.sh failed"
	kdir=$kdir_cache/build
	kver=$(cat "$kdir/include/config/kernel.release")
	modroot=$kdir_cache/modules
	mem=1024
	boot_allowance=240
	# Under KASAN and kmemleak ACPI's _PRT takes tens of seconds per PCI
	# device and times out: route PCI interrupts without ACPI. Without
	# ACPI's interrupt routing there is no MSI domain either: xHCI's MSI
	# setup would print a WARNING at boot; legacy interrupts instead.
	extra_append="kunit.enable=1 acpi=noirq pci=nomsi"
	;;
[0-9]*)
	label=$flavour
	kdir_cache=$("$SCARD_TOP/tools/testing/stock-kernel.sh" "$flavour") ||
		scard_die "kernel $label: tools/testing/stock-kernel.sh $flavour failed"
	kver=$(basename "$kdir_cache")
	kdir=/usr/src/linux-headers-$kver
	[ -d "$kdir" ] || scard_die "kernel $label: $kdir missing"
	modroot=$kdir_cache/root
	mem=512
	boot_allowance=60
	extra_append=
	;;
*) scard_die "unknown kernel $flavour (a series such as 6.1, stock or debug)" ;;
esac
vmlinux=$kdir_cache/vmlinux
[ -f "$kdir_cache/bzImage" ] && vmlinux=$kdir_cache/bzImage

out=$SCARD_OUT/$label
[ $kunit = 1 ] && out=$SCARD_OUT/kunit
mkdir -p "$out/logs" "$out/src" "$out/mods" "$out/results"
rm -f "$out/results"/*

# Modules, built from a private copy so that builds for different kernels
# (and a developer's in-tree build) never share object files.
# --checksum: a file edited since the last copy gets a new mtime even if
# its old mtime was older than the objects built from it.
rsync -rlpD --checksum --delete --exclude '*.o' --exclude '*.ko' \
	--exclude '.*.cmd' --exclude '*.mod*' --exclude 'modules.order' \
	--exclude 'Module.symvers' \
	"$SCARD_TOP/Kbuild" "$SCARD_TOP/drivers" "$SCARD_TOP/include" "$out/src/"
make -s -C "$kdir" M="$out/src" modules >"$out/modules.log" 2>&1 ||
	{ cat "$out/modules.log" >&2; scard_die "kernel $label: module build against $kdir failed"; }
rm -f "$out/mods"/*.ko
find "$out/src" -name '*.ko' -exec cp {} "$out/mods/" \;
if [ $kunit = 0 ]; then
	rm -f "$out/mods"/*_test.ko
fi

# Static test programs, shared by every kernel (and concurrent runs).
progs=$SCARD_OUT/progs
mkdir -p "$progs"
flock "$progs" "$SCARD_TOP/tools/testing/build-progs.sh" "$progs"

# Kernel modules the scenarios ask for, loaded only in their boots.
kmods=
if [ $kunit = 0 ]; then
	for s in "${scenarios[@]}"; do
		m=$(sed -n 's/^# kmods: *//p' "$scen_dir/$s.sh" | tr '\n' ' ')
		[ -z "$m" ] || kmods+="$s $m"$'\n'
	done
fi
# Host files the scenarios ask for ("# files: HOSTPATH..."), copied to the
# same path in the guest.
files=()
if [ $kunit = 0 ]; then
	for s in "${scenarios[@]}"; do
		for f in $(sed -n 's/^# files: *//p' "$scen_dir/$s.sh"); do
			[ -f "$f" ] || scard_die "$s needs $f (run tools/testing/deps.sh)"
			files+=("$f")
		done
	done
fi
initrd=$out/initramfs.cpio.gz
SCARD_SCENARIOS=$scen_dir SCARD_FILES="${files[*]+${files[*]}}" \
	SCARD_KMODS=$kmods \
	"$SCARD_TOP/tools/testing/qemu/mkinitramfs.sh" "$initrd" "$modroot" "$kver" \
	"$out/mods" "$progs"

passed=0
failed=0
report_re='Oops|BUG:|WARNING:|Call Trace:|KASAN|UBSAN|kernel BUG|general protection|unreferenced object|INFO: task .* blocked|possible circular locking|possible recursive locking|inconsistent lock state|ODEBUG|Kernel panic|lockdep'

pass() { echo "PASS $label/$1${2:+ ($2)}"; }
fail() {
	echo "FAIL $label/$1: $2"
	failed=$((failed + 1))
}

# boot NAME TIMEOUT APPEND [QEMU ARGS...]: one guest run, log in logs/NAME.log
boot()
{
	local name=$1 tmo=$2 append=$3
	shift 3
	local log=$out/logs/$name.log
	local rc=0
	local cmd=(qemu-system-x86_64 -accel tcg -smp 1 -m "$mem"
		   -nographic -no-reboot -net none -kernel "$vmlinux"
		   -initrd "$initrd"
		   -append "console=ttyS0 panic=-1 loglevel=5 scard_kernel=$label $extra_append $append ${SCARD_APPEND:-}"
		   "$@")
	# The command, for a boot that fails (judge prints it).
	printf '%q ' "${cmd[@]}" >"$out/logs/$name.cmd"
	timeout -s KILL "$tmo" "${cmd[@]}" </dev/null >"$log" 2>&1 || rc=$?
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	return $rc
}

# judge LOG QEMU_RC SCENARIO...: count checks and reports per scenario
judge()
{
	local log=$1 qrc=$2 s n_ok n_fail rc win reps secs
	shift 2
	local started
	started=$(grep -c '^SCARD-GUEST-START' "$log" || true)
	for s in "$@"; do
		win=$(awk -v s="$s" '
			$0 == "SCARD-SCENARIO-BEGIN " s { on = 1; next }
			on && index($0, "SCARD-SCENARIO-END " s " ") == 1 { print; exit }
			on { print }' "$log")
		if [ "$started" = 0 ]; then
			fail "$s" "kernel $label ($kver) did not boot to the test's /init (qemu exit $qrc, see $log)"
			echo "    command: $(cat "${log%.log}.cmd" 2>/dev/null)"
			tail -n 5 "$log" | sed 's/^/    /'
			continue
		fi
		if ! grep -q "^SCARD-SCENARIO-BEGIN $s\$" "$log"; then
			fail "$s" "not run: the guest stopped before it (see $log)"
			continue
		fi
		grep -E '^(BENCH|FUZZ|STORM|FAULTS) ' <<<"$win" || true
		n_ok=$(grep -cE '^ok( |$)' <<<"$win" || true)
		n_fail=$(grep -cE '^not ok( |$)' <<<"$win" || true)
		passed=$((passed + n_ok))
		failed=$((failed + n_fail))
		rc=$(sed -n "s/^SCARD-SCENARIO-END $s rc=//p" <<<"$win")
		reps=$(grep -E "$report_re" <<<"$win" | head -n 3 || true)
		if [ -z "$rc" ] && [ "$qrc" = 137 ]; then
			fail "$s" "timeout: the guest hung and was killed (see $log)"
		elif [ -z "$rc" ]; then
			fail "$s" "the guest stopped during it: $(grep -E "$report_re" <<<"$win" | head -n 1) (see $log)"
		elif [ "$rc" = 137 ]; then
			fail "$s" "timeout: killed after its time limit (see $log)"
		elif [ -n "$reps" ]; then
			fail "$s" "kernel report: $(head -n 1 <<<"$reps") (see $log)"
		elif [ "$n_fail" != 0 ]; then
			echo "FAIL $label/$s: $n_fail of $((n_ok + n_fail)) checks failed (see $log)"
			grep -E '^not ok' <<<"$win" | sed 's/^/    /'
		elif [ "$rc" != 0 ]; then
			fail "$s" "exit status $rc (see $log)"
		elif [ "$n_ok" = 0 ]; then
			fail "$s" "no checks ran (see $log)"
		else
			secs=$(awk -v s="$s" '$1 == "SCARD-SCENARIO-TIME" && $2 == s {
				printf "%.0f", $4 - $3 }' "$log")
			pass "$s" "$n_ok checks${secs:+, $secs s}"
		fi
	done
	# Reports outside the scenarios (kmemleak scan, module unload, KUnit).
	reps=$(awk '
		/^SCARD-GUEST-START/ { on = 1 }
		/^SCARD-SCENARIO-BEGIN / { on = 0 }
		/^SCARD-SCENARIO-END / { on = 1; next }
		on' "$log" | grep -E "$report_re" | head -n 3 || true)
	if [ -n "$reps" ]; then
		fail "${name:-boot}" "kernel report outside a scenario: $(head -n 1 <<<"$reps") (see $log)"
	fi
	if [ "$started" != 0 ] && ! grep -q '^SCARD-GUEST-DONE' "$log" && [ $# = 0 ]; then
		fail "${name:-boot}" "guest did not finish (see $log)"
	fi
}

stimeout() { sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "$scen_dir/$1.sh" | head -n 1; }

# run_boot NAME PRIO CMD...: a guest boot as a background job holding a
# slot; its result lines go to results/NAME, its counts to results/NAME.n
jobs_started=()
run_boot()
{
	local name=$1 prio=$2
	shift 2
	(
		# Counted in this subshell, handed to the parent in a file.
		passed=0
		failed=0
		slot_run "$prio" "$@" >"$out/results/$name" 2>&1 || true
		echo "$passed $failed" >"$out/results/$name.n"
	) &
	jobs_started+=("$name")
}

kunit_boot()
{
	local qrc=0 ktap kp kf

	name=kunit
	boot kunit $((boot_allowance + 600)) kunit=1 || qrc=$?
	judge "$out/logs/kunit.log" $qrc
	ktap=$out/logs/kunit.ktap
	"$SCARD_TOP/tools/testing/qemu/ktap.sh" "$out/logs/kunit.log" "$ktap.counts" >"$ktap"
	read -r kp kf < <(tail -n 1 "$ktap.counts")
	passed=$((passed + kp))
	failed=$((failed + kf))
	awk '/^    # Subtest: / { suite = $3 }
	     /^    not ok [0-9]+ / { print "FAIL kunit/" suite "." $4 }
	     /^    ok [0-9]+ .*# SKIP/ { print "FAIL kunit/" suite "." $3 " (skipped)" }' "$ktap"
	[ "$kf" = 0 ] && [ "$kp" != 0 ] && echo "PASS kunit on $label ($kp test cases)"
	if [ "$kp" = 0 ] && [ "$kf" = 0 ]; then
		fail kunit "no KUnit results (see $out/logs/kunit.log)"
	fi
}

shared_boot()
{
	local tmo=$1 qrc=0 list
	shift

	name=shared
	list=$(IFS=,; echo "$*")
	boot shared "$tmo" "scenarios=$list" || qrc=$?
	judge "$out/logs/shared.log" $qrc "$@"
}

single_boot()
{
	local s=$1 tmo=$2 rundir qargs sappend hpids=() h p qrc=0

	name=$s
	rundir=$out/run-$s
	rm -rf "$rundir"
	mkdir -p "$rundir"
	export SCARD_RUNDIR=$rundir
	qargs=$(sed -n 's/^# qemu: *//p' "$scen_dir/$s.sh" | tr '\n' ' ')
	qargs=${qargs//\$SCARD_RUNDIR/$rundir}
	qargs=${qargs//\$SCARD_PROGS/$progs}
	sappend=$(sed -n 's/^# append: *//p' "$scen_dir/$s.sh" | tr '\n' ' ')
	while IFS= read -r h; do
		[ -n "$h" ] || continue
		# The helper must not hold the job slot after the boot.
		(exec {SLOT_FD}>&-; cd "$SCARD_TOP" && eval "$h") \
			>>"$rundir/host.log" 2>&1 &
		hpids+=($!)
	done < <(sed -n 's/^# host: *//p' "$scen_dir/$s.sh")
	# shellcheck disable=SC2086
	boot "$s" "$tmo" "scenarios=$s $sappend" $qargs || qrc=$?
	for p in ${hpids[@]+"${hpids[@]}"}; do
		pkill -P "$p" 2>/dev/null || true
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	judge "$out/logs/$s.log" $qrc "$s"
}

if [ $kunit = 1 ]; then
	run_boot kunit $((boot_allowance + 60)) kunit_boot
else
	shared=()
	single=()
	for s in "${scenarios[@]}"; do
		if [ $own_boots = 1 ] ||
		   grep -qE '^# (qemu|host|boot|append):' "$scen_dir/$s.sh"; then
			single+=("$s")
		else
			shared+=("$s")
		fi
	done

	if [ ${#shared[@]} -gt 0 ]; then
		tmo=$boot_allowance
		for s in "${shared[@]}"; do
			t=$(stimeout "$s")
			tmo=$((tmo + ${t:-60}))
		done
		run_boot shared "$tmo" shared_boot "$tmo" "${shared[@]}"
	fi
	for s in ${single[@]+"${single[@]}"}; do
		t=$(stimeout "$s")
		tmo=$((boot_allowance + ${t:-60}))
		run_boot "$s" "$tmo" single_boot "$s" "$tmo"
	done
fi
wait

# Results in a fixed order, whatever order the boots finished in.
for j in "${jobs_started[@]}"; do
	cat "$out/results/$j"
	if read -r p f <"$out/results/$j.n" 2>/dev/null; then
		passed=$((passed + p))
		failed=$((failed + f))
	else
		fail "$j" "the boot's job ended without a result (see $out/logs/$j.log)"
	fi
done

echo "TOTAL $passed $failed"
[ $failed = 0 ]
