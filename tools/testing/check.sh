#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of the project (the README's "make check"):
#   1. modules built with W=1 and sparse (C=1): no warning
#   2. user-space programs built with -Wall -Wextra -Werror; the UAPI
#      header alone, with the same struct layouts on 32 and 64 bit
#   3. checkpatch --strict over the tree
#   4. the KUnit suites, in QEMU on the debug kernel
#   5. the QEMU scenarios on Debian's stock kernel
#   6. the same scenarios on the debug kernel (KASAN, lockdep, kmemleak)
# Counts KUnit cases and scenario checks (steps 1-3 count one check each)
# and ends with one line "N passed, N failed"; exit status 1 on any failure.

set -uo pipefail
. "$(dirname "$0")/common.sh"

t=$SCARD_TOP/tools/testing
passed=0
failed=0
failures=()
start=$(date +%s)

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

# runner NAME CMD...: a run.sh invocation, whose last line is TOTAL p f
runner()
{
	local name=$1 out p f rc=0
	shift
	out=$SCARD_OUT/$name.out
	mkdir -p "$SCARD_OUT"
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if read -r _ p f < <(grep '^TOTAL ' "$out" | tail -n 1); then
		passed=$((passed + p))
		failed=$((failed + f))
	else
		failed=$((failed + 1))
	fi
	while read -r l; do failures+=("${l#FAIL }"); done < <(grep '^FAIL ' "$out")
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$out"; then
		failures+=("$name: runner failed (exit $rc)")
		grep -q '^TOTAL ' "$out" && failed=$((failed + 1))
	fi
}

step "build: modules with W=1 C=1 (sparse)"
kdir=/usr/src/linux-headers-$(scard_stock_kver)
lint=$SCARD_OUT/lint
mkdir -p "$lint"
rsync -rlpD --checksum --delete --exclude '*.o' --exclude '*.ko' \
	--exclude '.*.cmd' --exclude '*.mod*' --exclude 'modules.order' \
	--exclude 'Module.symvers' \
	"$SCARD_TOP/Kbuild" "$SCARD_TOP/drivers" "$SCARD_TOP/include" "$lint/"
find "$lint" -name '*.o' -delete
if make -s -C "$kdir" M="$lint" W=1 C=1 modules >"$lint.log" 2>&1 &&
   ! grep -E 'warning:|error:' "$lint.log" >/dev/null; then
	one 0 "build W=1 C=1"
else
	cat "$lint.log"
	one 1 "build W=1 C=1 (see $lint.log)"
fi

step "build: user-space programs"
"$t/build-progs.sh" "$SCARD_OUT/progs"
one $? "user-space build"

step "UAPI header: alone, same layout on 32 and 64 bit"
"$t/uapi-check.sh"
one $? "uapi header"

step "checkpatch --strict"
"$t/checkpatch.sh"
one $? "checkpatch"

step "KUnit (debug kernel in QEMU)"
runner kunit "$t/qemu/run.sh" --kunit

step "scenarios on the stock kernel"
runner stock "$t/qemu/run.sh" --kernel stock

step "scenarios on the debug kernel"
runner debug "$t/qemu/run.sh" --kernel debug

echo
for f in ${failures[@]+"${failures[@]}"}; do
	echo "failed: $f"
done
echo "make check took $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
