#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh GUESTLOG COUNTS: join the KTAP results the guest printed per test
# module (SCARD-KUNIT-MODULE ... SCARD-KUNIT-MODULE-END) into one document on
# stdout, show kunit.py's parse of it on stderr, and write
# "<passed> <failed>" test counts to COUNTS. Skipped tests count as failed.

set -euo pipefail
. "$(dirname "$0")/../common.sh"

log=$1
counts=$2
doc=$(mktemp)
trap 'rm -f "$doc"' EXIT
body=$(awk '/^SCARD-KUNIT-MODULE / { on = 1; next }
	    /^SCARD-KUNIT-MODULE-END/ { on = 0; next }
	    on' "$log")
n=$(grep -cE '^(not )?ok [0-9]+ ' <<<"$body" || true)
{
	echo "KTAP version 1"
	echo "1..$n"
	awk '/^(not )?ok [0-9]+ / { i++; sub(/ok [0-9]+ /, "ok " i " ") }
	     { print }' <<<"$body"
} >"$doc"
cat "$doc"

# Test cases are the results one level below the suites (4 spaces).
p=$(grep -cE '^    ok [0-9]+ ' "$doc" || true)
s=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$doc" || true)
f=$(grep -cE '^    not ok [0-9]+ ' "$doc" || true)
# A suite that failed as a whole (init, crash) with no failed case.
if [ "$f" = 0 ]; then
	f=$(grep -cE '^not ok [0-9]+ ' "$doc" || true)
fi
echo "$((p - s)) $((f + s))" >"$counts"

# kunit.py counts every leaf (each parameter of a parameterised case): use
# its totals when it ran.
src=$(scard_kernel_src "$SCARD_DEBUG_SERIES" 2>/dev/null || true)
if [ -n "$src" ] && [ -x "$src/tools/testing/kunit/kunit.py" ]; then
	res=$(python3 "$src/tools/testing/kunit/kunit.py" parse "$doc" 2>&1 || true)
	echo "$res" >&2
	sum=$(sed -n 's/.*Testing complete\. Ran \([0-9]*\) tests: passed: \([0-9]*\).*/\1 \2/p' <<<"$res" | tail -n 1)
	if [ -n "$sum" ]; then
		read -r total ok <<<"$sum"
		echo "$ok $((total - ok))" >"$counts"
	fi
fi
