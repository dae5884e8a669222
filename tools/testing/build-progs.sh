#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-progs.sh OUTDIR: build the user-space programs the guest needs as
# static binaries (tools/testing/progs/*.c and the tools with a Makefile
# target "static") into OUTDIR.

set -euo pipefail
. "$(dirname "$0")/common.sh"

outdir=$1
mkdir -p "$outdir"
cflags=(-static -O2 -Wall -Wextra -Werror -I"$SCARD_TOP/include/uapi")
for c in "$SCARD_TOP"/tools/testing/progs/*.c; do
	[ -e "$c" ] || continue
	n=$(basename "$c" .c)
	if [ ! -x "$outdir/$n" ] || [ "$c" -nt "$outdir/$n" ] ||
	   [ "$SCARD_TOP/include/uapi/linux/scard.h" -nt "$outdir/$n" ]; then
		gcc "${cflags[@]}" -o "$outdir/$n" "$c"
	fi
done
for mk in "$SCARD_TOP"/tools/*/Makefile; do
	[ -e "$mk" ] || continue
	d=$(dirname "$mk")
	grep -q '^static:' "$mk" || continue
	make -s -C "$d" static STATIC_OUT="$outdir"
done
