#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh GUESTLOG COUNTS: join the per-suite KTAP results the guest printed
# (SCARD-KUNIT-SUITE ... SCARD-KUNIT-SUITE-END) into one KTAP document on
# stdout, show kunit.py's parse of it on stderr, and write
# "<passed> <failed>" test-case counts to COUNTS. Skipped cases count as
# failed.

set -euo pipefail
. "$(dirname "$0")/../common.sh"

log=$1
counts=$2
doc=$(mktemp)
trap 'rm -f "$doc"' EXIT
n=$(grep -c '^SCARD-KUNIT-SUITE ' "$log" || true)
{
	echo "KTAP version 1"
	echo "1..$n"
	awk '
		/^SCARD-KUNIT-SUITE / { on = 1; skip = 2; i++; next }
		/^SCARD-KUNIT-SUITE-END/ { on = 0; next }
		on && skip > 0 { skip--; next }
		on && /^(not )?ok 1 / { sub(/ 1 /, " " i " "); print; next }
		on { print }' "$log"
} >"$doc"
cat "$doc"

# Test cases are the results one level below the suites (4 spaces).
p=$(grep -cE '^    ok [0-9]+ ' "$doc" | head -n 1 || true)
s=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$doc" || true)
f=$(grep -cE '^    not ok [0-9]+ ' "$doc" || true)
echo "$((p - s)) $((f + s))" >"$counts"

src=$(ls -d "$SCARD_CACHE"/src/linux-source-*/ 2>/dev/null | head -n 1)
if [ -n "$src" ] && [ -x "$src/tools/testing/kunit/kunit.py" ]; then
	python3 "$src/tools/testing/kunit/kunit.py" parse "$doc" >&2 || true
fi
