#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-progs.sh OUTDIR: build the user-space programs the guest needs as
# static binaries (tools/testing/progs/*.c, tools/testing/progs/NAME/*.c,
# and the tools with a Makefile
# target "static") into OUTDIR. Test programs are also built for 32-bit x86
# as <name>32, to test the ioctls through the compat path.
# With libpcsclite's headers on the host, the PC/SC benchmark client
# (tools/testing/bench/pcsc_bench.c), the PC/SC test client and the
# bridge (tools/ifd-scard) are built too, dynamically linked, into
# OUTDIR/host: the guest runs them in a chroot of the host's root.

set -euo pipefail
. "$(dirname "$0")/common.sh"

outdir=$1
mkdir -p "$outdir"
cflags=(-static -O2 -Wall -Wextra -Werror -I"$SCARD_TOP/include/uapi")
# stale OUT SRC: OUT is missing or older than SRC, a UAPI header or a
# header shared by the programs (tools/testing/progs/*.h)
stale()
{
	local h

	[ -x "$1" ] && [ ! "$2" -nt "$1" ] || return 0
	for h in "$SCARD_TOP"/include/uapi/linux/*.h \
		 "$SCARD_TOP"/tools/testing/progs/*.h; do
		[ "$h" -nt "$1" ] && return 0
	done
	return 1
}

# A program that includes fail_ioctl.h gets its ioctl() wrapped.
wrap() { if grep -q 'fail_ioctl\.h' "$@"; then echo -Wl,--wrap=ioctl; fi; }

for c in "$SCARD_TOP"/tools/testing/progs/*.c; do
	[ -e "$c" ] || continue
	n=$(basename "$c" .c)
	if stale "$outdir/$n" "$c"; then
		gcc "${cflags[@]}" -o "$outdir/$n" "$c" $(wrap "$c")
	fi
	if stale "$outdir/${n}32" "$c"; then
		gcc -m32 "${cflags[@]}" -o "$outdir/${n}32" "$c" $(wrap "$c")
	fi
done
# A program in several files: tools/testing/progs/NAME/*.c (and *.h).
for d in "$SCARD_TOP"/tools/testing/progs/*/; do
	[ -d "$d" ] || continue
	n=$(basename "$d")
	srcs=("$d"*.c)
	for f in "$d"*.c "$d"*.h; do
		[ -e "$f" ] || continue
		if stale "$outdir/$n" "$f" || stale "$outdir/${n}32" "$f"; then
			gcc "${cflags[@]}" -I"$d" -o "$outdir/$n" "${srcs[@]}" \
				$(wrap "${srcs[@]}")
			gcc -m32 "${cflags[@]}" -I"$d" -o "$outdir/${n}32" \
				"${srcs[@]}" $(wrap "${srcs[@]}")
			break
		fi
	done
done
for mk in "$SCARD_TOP"/tools/*/Makefile; do
	[ -e "$mk" ] || continue
	d=$(dirname "$mk")
	grep -q '^static:' "$mk" || continue
	make -s -C "$d" static STATIC_OUT="$outdir"
done

# The PC/SC peer of the CCID benchmark: linked against the host's
# libpcsclite, next to the pcscd the guest runs from the host's root.
pcsc=$SCARD_TOP/tools/testing/bench/pcsc_bench.c
common=$SCARD_TOP/tools/testing/progs/ccid_bench/common.c
if [ -e /usr/include/PCSC/winscard.h ]; then
	mkdir -p "$outdir/host"
	if stale "$outdir/host/pcsc_bench" "$pcsc" ||
	   stale "$outdir/host/pcsc_bench" "$common"; then
		gcc -O2 -Wall -Wextra -Werror -I/usr/include/PCSC \
			-I"$SCARD_TOP/tools/testing/progs/ccid_bench" \
			-o "$outdir/host/pcsc_bench" "$pcsc" "$common" \
			-pthread -lpcsclite
	fi
	# The PC/SC bridge and its client for the pcsc_* scenarios.
	t=$SCARD_TOP/tools/testing/pcsc/pcsc_test.c
	if stale "$outdir/host/pcsc_test" "$t"; then
		gcc -O2 -Wall -Wextra -Werror -I/usr/include/PCSC \
			-o "$outdir/host/pcsc_test" "$t" -pthread -lpcsclite
	fi
	t=$SCARD_TOP/tools/testing/pcsc/ifd_null.c
	if stale "$outdir/host/libifd-null.so" "$t"; then
		gcc -O2 -Wall -Wextra -Werror -fPIC -shared -I/usr/include/PCSC \
			-o "$outdir/host/libifd-null.so" "$t"
	fi
	make -s -C "$SCARD_TOP/tools/ifd-scard"
	cp -p "$SCARD_TOP/tools/ifd-scard/libifd-scard.so" "$outdir/host/"
	# scard-pcsc-conf, writing entries for the guest's chroot.
	sed 's|@LIBPATH@|/tmp/progs/host/libifd-scard.so|; s|@CONFDIR@|/host/tmp/reader.conf.d|' \
		"$SCARD_TOP/tools/ifd-scard/scard-pcsc-conf.in" \
		>"$outdir/host/scard-pcsc-conf"
	chmod 0755 "$outdir/host/scard-pcsc-conf"
	# The USB bundle as "make install" lays it out (QEMU's reader).
	b=$outdir/host/ifd-scard.bundle/Contents
	mkdir -p "$b/Linux"
	"$SCARD_TOP/tools/ifd-scard/mkplist.sh" "$b/Info.plist"
	cp -p "$SCARD_TOP/tools/ifd-scard/libifd-scard.so" "$b/Linux/"
fi
