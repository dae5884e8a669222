#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of the project (the README's "make check"), on every kernel
# named in common.sh (SCARD_KERNELS, SCARD_DEBUG_SERIES,
# SCARD_INTREE_SERIES):
#   1. modules built with W=1 and sparse (C=1) against each stock kernel's
#      headers: no warning
#   2. user-space programs built with -Wall -Wextra -Werror; the UAPI
#      header alone, with the same struct layouts on 32 and 64 bit; the
#      serial reader emulator's self test
#   3. checkpatch --strict over the tree
#   4. "dkms build" of dkms.conf for each stock kernel
#   5. in-tree: drivers/scard in linux-source, =y and =m, kunit.py run
#   6. the KUnit suites, in QEMU on the debug kernel
#   7. the QEMU scenarios on each stock kernel and on the debug kernel
#      (KASAN, lockdep, kmemleak, UBSAN)
# Steps 5-7 start first and run concurrently, sharing SCARD_JOBS job slots
# (one per core; qemu/slots.sh) with steps 1-4, the longest job first.
# Counts KUnit cases, scenario checks and one check per step 1-5 item, and
# ends with one line "N passed, N failed"; exit status 1 on any failure.

set -uo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/qemu/slots.sh"

t=$SCARD_TOP/tools/testing
passed=0
failed=0
failures=()
start=$(date +%s)
mkdir -p "$SCARD_OUT"
rm -rf "$SLOT_DIR"

step() { printf '\n=== %s (%ss)\n' "$1" $(($(date +%s) - start)); }
one()
{
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $2"
	else
		failed=$((failed + 1))
		failures+=("$2")
		echo "FAIL $2"
	fi
}

# count NAME OUTFILE RC: add a finished runner's output (its last line is
# "TOTAL p f"; its FAIL lines name the failures)
count()
{
	local name=$1 out=$2 rc=$3 p f l

	if read -r _ p f < <(grep '^TOTAL ' "$out" | tail -n 1); then
		passed=$((passed + p))
		failed=$((failed + f))
	else
		failed=$((failed + 1))
	fi
	while read -r l; do failures+=("${l#FAIL }"); done < <(grep '^FAIL ' "$out")
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$out"; then
		failures+=("$name: runner failed (exit $rc, see $out)")
		grep -q '^TOTAL ' "$out" && failed=$((failed + 1))
	fi
}

echo "kernels: stock ${SCARD_KERNELS// /, }; debug from linux-source-$SCARD_DEBUG_SERIES;" \
	"in-tree linux-source-$SCARD_INTREE_SERIES; $SCARD_JOBS job slots"
kvers=()
for k in $SCARD_KERNELS; do
	kv=$(scard_stock_kver "$k")
	if [ -z "$kv" ]; then
		one 1 "kernel $k: no linux-headers-$k.*-amd64 installed (install $(scard_headers_pkg "$k"), e.g. with tools/testing/deps.sh)"
		continue
	fi
	kvers+=("$kv")
done

# The long jobs, in the background; their outputs are shown at the end.
bg_names=()
bg_pids=()
background()
{
	local name=$1
	shift
	rm -f "$SCARD_OUT/$name.rc"
	{
		"$@"
		rc=$?
		echo $(($(date +%s) - start)) >"$SCARD_OUT/$name.end"
		echo $rc >"$SCARD_OUT/$name.rc"
		exit $rc
	} >"$SCARD_OUT/$name.out" 2>&1 &
	bg_pids+=($!)
	bg_names+=("$name")
}
# In-tree: about 10 min the first time, 1-2 min incremental.
intree_prio=120
[ -f "$SCARD_CACHE/intree/.warm-$SCARD_INTREE_SERIES" ] || intree_prio=900
background in-tree slot_run "$intree_prio" "$t/intree.sh"
background "debug-$SCARD_DEBUG_SERIES" "$t/qemu/run.sh" --kernel debug
background kunit "$t/qemu/run.sh" --kunit
for k in $SCARD_KERNELS; do
	background "$k" "$t/qemu/run.sh" --kernel "$k"
done

# lint_build KVER: the modules with W=1 C=1 against KVER's headers, from a
# private copy of the sources
lint_build()
{
	local kdir=/usr/src/linux-headers-$1 lint=$SCARD_OUT/lint-$1

	mkdir -p "$lint"
	rsync -rlpD --checksum --delete --exclude '*.o' --exclude '*.ko' \
		--exclude '.*.cmd' --exclude '*.mod*' --exclude 'modules.order' \
		--exclude 'Module.symvers' \
		"$SCARD_TOP/Kbuild" "$SCARD_TOP/drivers" "$SCARD_TOP/include" "$lint/"
	find "$lint" -name '*.o' -delete
	if make -s -C "$kdir" M="$lint" W=1 C=1 -j"$(nproc)" modules >"$lint.log" 2>&1 &&
	   ! grep -E 'warning:|error:' "$lint.log" >/dev/null; then
		return 0
	fi
	cat "$lint.log"
	return 1
}

step "build: modules with W=1 C=1 (sparse)"
for kv in ${kvers[@]+"${kvers[@]}"}; do
	slot_run 30 lint_build "$kv"
	one $? "build W=1 C=1 for $kv (see $SCARD_OUT/lint-$kv.log)"
done

step "build: user-space programs"
mkdir -p "$SCARD_OUT/progs"
slot_run 30 flock "$SCARD_OUT/progs" "$t/build-progs.sh" "$SCARD_OUT/progs"
one $? "user-space build"

step "UAPI headers: alone, beside pcsc-lite, same layout on 32 and 64 bit"
"$t/uapi-check.sh"
one $? "uapi header"

step "host tools: the serial reader emulator's self test"
slot_run 30 "$t/serial/twin-selftest" >"$SCARD_OUT/twin-selftest.out" 2>&1
rc=$?
tail -n 3 "$SCARD_OUT/twin-selftest.out"
one $rc "twin-selftest (see $SCARD_OUT/twin-selftest.out)"

step "documentation: kernel-doc, ABI entries"
"$t/docs-check.sh"
one $? "docs-check"

step "checkpatch --strict"
slot_run 60 "$t/checkpatch.sh"
one $? "checkpatch"

step "dkms build"
slot_run 60 "$t/dkms-check.sh" ${kvers[@]+"${kvers[@]}"} >"$SCARD_OUT/dkms.out" 2>&1
rc=$?
grep -vE '^(PASS|FAIL) ' "$SCARD_OUT/dkms.out"
n=0
while read -r l; do
	n=$((n + 1))
	case $l in
	PASS*) one 0 "${l#PASS }" ;;
	*) one 1 "${l#FAIL }" ;;
	esac
done < <(grep -E '^(PASS|FAIL) ' "$SCARD_OUT/dkms.out")
[ $rc = 0 ] || [ $n != 0 ] || one 1 "dkms build (exit $rc, see $SCARD_OUT/dkms.out)"

for i in "${!bg_names[@]}"; do
	name=${bg_names[$i]}
	# The status the job wrote: bash may have reaped it already (wait
	# then says 127, "not a child").
	wait "${bg_pids[$i]}" 2>/dev/null
	rc=$(cat "$SCARD_OUT/$name.rc" 2>/dev/null || echo 1)
	printf '\n=== %s (ended at %ss)\n' "$name" \
		"$(cat "$SCARD_OUT/$name.end" 2>/dev/null)"
	cat "$SCARD_OUT/$name.out"
	count "$name" "$SCARD_OUT/$name.out" "$rc"
	if [ "$name" = in-tree ] && [ "$rc" = 0 ]; then
		touch "$SCARD_CACHE/intree/.warm-$SCARD_INTREE_SERIES"
	fi
done

echo
for f in ${failures[@]+"${failures[@]}"}; do
	echo "failed: $f"
done
echo "make check took $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
