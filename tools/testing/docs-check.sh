#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation keeps up with the code:
# - every kernel-doc comment of the drivers and headers is well formed
#   (the kernel's scripts/kernel-doc -Wall prints nothing);
# - every file a ".. kernel-doc::" directive of Documentation/ pulls in
#   exists;
# - every sysfs attribute, uevent variable and module parameter of the
#   drivers (test modules aside) has an entry in Documentation/ABI/.

set -euo pipefail
. "$(dirname "$0")/common.sh"

cd "$SCARD_TOP"
kdoc=$(scard_kernel_src "$SCARD_INTREE_SERIES")/scripts/kernel-doc
bad=0

srcs=$(find drivers include -name '*.[ch]' -not -name '*.mod.c' | sort)
# shellcheck disable=SC2086
out=$(perl "$kdoc" -none -Wall $srcs 2>&1 | grep -v 'Sphinx version' || true)
if [ -n "$out" ]; then
	echo "$out"
	echo "docs-check: kernel-doc warnings" >&2
	bad=1
fi

while read -r f; do
	if [ ! -f "$f" ]; then
		echo "docs-check: a kernel-doc directive names $f, which is missing" >&2
		bad=1
	fi
done < <(grep -rhoE '^\.\. kernel-doc:: +[^ ]+' Documentation | awk '{ print $3 }')

abi=$(cat Documentation/ABI/testing/*)
names=$(grep -rhoE 'DEVICE_ATTR_(RO|RW|WO)\([a-z_0-9]+\)' drivers --include='*.c' |
	sed -E 's/.*\((.*)\)/\1/')
# module_param(NAME, ...) or module_param_named(NAME, ...) in DIR/FILE.c:
# the module is the one whose "MOD-y" line, in DIR/Makefile or a parent
# directory's, lists FILE.o by its path from there (else FILE itself).
module_of()
{
	local f=$1 d rel mod

	d=$(dirname "$f")
	rel=$(basename "$f" .c).o
	while [ "$d" != . ] && [ "$d" != / ]; do
		# "MOD-y := a.o \" continuation lines joined first
		[ -f "$d/Makefile" ] &&
			mod=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$d/Makefile" |
				awk -v o="$rel" '$1 ~ /-y$/ {
					for (i = 2; i <= NF; i++) if ($i == o) {
						sub(/-y$/, "", $1); print $1; exit } }')
		if [ -n "${mod:-}" ]; then
			echo "$mod"
			return
		fi
		rel=$(basename "$d")/$rel
		d=$(dirname "$d")
	done
	basename "$f" .c
}
params=$(grep -rlE '^module_param(_named)?\(' drivers --include='*.c' |
	grep -v /test/ |
	while read -r f; do
		mod=$(module_of "$f")
		grep -oE '^module_param(_named)?\([a-z_0-9]+' "$f" |
			sed -E "s|module_param(_named)?\(|$mod/parameters/|"
	done)
uevents=$(grep -rhoE '"SCARD_[A-Z_]+=' drivers --include='*.c' |
	tr -d '"=')
for n in $names; do
	grep -qE "^What:.*/$n\$" <<<"$abi" || {
		echo "docs-check: sysfs attribute $n has no ABI entry" >&2
		bad=1
	}
done
for p in $params; do
	grep -qE "^What:.*/module/$p\$" <<<"$abi" || {
		echo "docs-check: module parameter $p has no ABI entry" >&2
		bad=1
	}
done
for u in $uevents; do
	grep -qE "^[[:space:]]+$u\$" <<<"$abi" || {
		echo "docs-check: uevent variable $u has no ABI entry" >&2
		bad=1
	}
done

[ $bad = 0 ] || exit 1
echo "docs-check: kernel-doc clean; ABI entries for $(wc -w <<<"$names") attributes, $(wc -w <<<"$params") module parameters, $(wc -w <<<"$uevents") uevent variables"
