#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's scripts/checkpatch.pl --strict over every C source and
# header of the tree. Prints one line per file with findings; exits
# non-zero if there are any. Last line: "checkpatch: N files, M with findings".

set -euo pipefail
. "$(dirname "$0")/common.sh"

src=$(scard_kernel_src)
cp=$src/scripts/checkpatch.pl
cd "$SCARD_TOP"
files=$(find drivers include tools kunit -name '*.[ch]' -not -path './build/*' \
	-not -name '*.mod.c' 2>/dev/null | sort)
# Run from a scratch directory with the kernel tree as root: checkpatch then
# learns the kernel's CamelCase names (USB descriptor fields such as
# bLength) and writes its cache there, not into this tree.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0
bad=0
for f in $files; do
	n=$((n + 1))
	ignore=SPDX_LICENSE_TAG,FILE_PATH_CHANGES
	# The PC/SC API's names (SCardTransmit, dwEventState) are not ours.
	case $f in
	tools/testing/bench/pcsc_*.c | tools/testing/pcsc/*.c | \
	tools/ifd-scard/*.c) ignore=$ignore,CAMELCASE ;;
	# The one place for version tests (compared macro to macro), and
	# for the names of types that differ between versions.
	drivers/scard/compat.h)
		ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON,NEW_TYPEDEFS ;;
	esac
	if ! out=$(cd "$scratch" && GIT_DIR=/nonexistent perl "$cp" --strict \
			--no-tree --root="$src" --quiet --show-types \
			--ignore "$ignore" \
			-f "$SCARD_TOP/$f" 2>&1) ||
	   [ -n "$out" ]; then
		bad=$((bad + 1))
		echo "$out"
	fi
done
# The SPDX check is ignored above only because checkpatch wants the kernel
# tree's LICENSES/; check it here instead.
for f in $files; do
	head -n 2 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0' || {
		echo "$f: no SPDX-License-Identifier line"
		bad=$((bad + 1))
	}
done
echo "checkpatch: $n files, $bad with findings"
[ $bad = 0 ]
