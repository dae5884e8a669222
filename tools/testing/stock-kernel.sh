#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stock-kernel.sh SERIES: fetch Debian's stock kernel image of SERIES (6.1,
# 6.12, ...) matching the newest installed headers of that series into the
# cache (never installed on the host, so the host's boot setup is left
# alone) and extract an uncompressed vmlinux, which QEMU boots through its
# PVH entry point twice as fast as the bzImage. Prints the directory:
#   $SCARD_CACHE/stock/<kver>/{vmlinux,root/lib/modules/<kver>}
# Every failure names the kernel, the command and the reason.

set -euo pipefail
. "$(dirname "$0")/common.sh"

series=${1:?usage: stock-kernel.sh SERIES}
kver=$(scard_require_kver "$series")
dir=$SCARD_CACHE/stock/$kver
# complete: the extraction finished and nothing of it was removed since
complete()
{
	[ -f "$dir/.done" ] && [ -s "$dir/vmlinux" ] &&
		[ -d "$dir/root/lib/modules/$kver/kernel" ]
}
if complete; then
	echo "$dir"
	exit 0
fi

mkdir -p "$SCARD_CACHE"
exec 9>"$SCARD_CACHE/.stock-kernel.lock"
flock 9
if complete; then
	echo "$dir"
	exit 0
fi
[ -d "$dir" ] && scard_log "kernel $series: $dir incomplete, fetching again"

fail() { scard_die "kernel $series ($kver): $*"; }

rm -rf "$dir"
mkdir -p "$dir/deb"
scard_log "kernel $series: fetching linux-image-$kver"
if ! (cd "$dir/deb" && apt-get download -q "linux-image-$kver") >"$dir/fetch.log" 2>&1; then
	cat "$dir/fetch.log" >&2
	fail "'apt-get download linux-image-$kver' failed (is the package still in the archive? run apt-get update, or install newer headers with tools/testing/deps.sh)"
fi
deb=$(ls "$dir"/deb/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "'apt-get download linux-image-$kver' left no .deb in $dir/deb"
dpkg -x "$deb" "$dir/root" || fail "'dpkg -x $deb' failed"
rm -rf "$dir/deb"
depmod -b "$dir/root" "$kver" || fail "'depmod -b $dir/root $kver' failed"

# The bzImage carries the kernel compressed: xz in 6.1, zstd in 6.12.
# Find the first payload that decompresses to an ELF image.
img=$dir/root/boot/vmlinuz-$kver
[ -f "$img" ] || fail "no $img in the package"
# decompress OFFSET TOOL: the payload at OFFSET to vmlinux; the tools
# complain about the data after the payload, which is expected.
decompress()
{
	tail -c +$(($1 + 1)) "$img" | $2 -dc 2>/dev/null >"$dir/vmlinux" || true
	[ "$(head -c 4 "$dir/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ]
}
found=
for fmt in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
	tool=${fmt%%:*}
	for off in $(LC_ALL=C grep -obUaP "${fmt#*:}" "$img" | cut -d: -f1 |
		     head -n 4); do
		if decompress "$off" "$tool"; then
			found=$tool
			break 2
		fi
	done
done
[ -n "$found" ] ||
	fail "could not extract vmlinux from $img (no xz, zstd or gzip payload that decompresses to ELF; are xz-utils and zstd installed?)"
scard_log "kernel $series: $kver extracted ($found payload)"
touch "$dir/.done"
echo "$dir"
