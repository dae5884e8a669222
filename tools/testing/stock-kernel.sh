#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's stock kernel image matching the installed headers into the
# cache (never installed on the host, so the host's boot setup is left
# alone) and extract an uncompressed vmlinux, which QEMU boots through its
# PVH entry point twice as fast as the bzImage. Prints the directory:
#   $SCARD_CACHE/stock/<kver>/{vmlinux,root/lib/modules/<kver>}

set -euo pipefail
. "$(dirname "$0")/common.sh"

kver=$(scard_stock_kver)
[ -n "$kver" ] || scard_die "no linux-headers-*-amd64 (run tools/testing/deps.sh)"
dir=$SCARD_CACHE/stock/$kver
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$SCARD_CACHE"
exec 9>"$SCARD_CACHE/.stock-kernel.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/deb"
scard_log "fetching linux-image-$kver"
(cd "$dir/deb" && apt-get download -q "linux-image-$kver" >&2) ||
	scard_die "apt-get download linux-image-$kver failed"
dpkg -x "$dir"/deb/*.deb "$dir/root"
rm -rf "$dir/deb"
depmod -b "$dir/root" "$kver"

img=$dir/root/boot/vmlinuz-$kver
off=$(grep -abo -m1 $'\xfd7zXZ\x00' "$img" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || scard_die "no xz payload in $img"
# xz reports trailing garbage after the payload: expected.
tail -c +$((off + 1)) "$img" | xz -dc 2>/dev/null > "$dir/vmlinux" || true
head -c 4 "$dir/vmlinux" | grep -q ELF || scard_die "could not extract vmlinux"
touch "$dir/.done"
echo "$dir"
