# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for the scard test scripts (sourced, not run).

SCARD_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCARD_CACHE=${SCARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scard}
SCARD_OUT=${SCARD_OUT:-$SCARD_TOP/build}

# The newest installed Debian amd64 header package names the stock kernel
# the guests boot: its image is fetched to match (vermagic).
scard_stock_kver()
{
	ls /usr/src 2>/dev/null |
		sed -n 's/^linux-headers-\(.*-amd64\)$/\1/p' | sort -V | tail -n 1
}

scard_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
scard_die() { scard_log "$*"; exit 1; }

# scard_kernel_src: Debian's linux-source-6.1, extracted once into the cache
# (for the debug kernel, checkpatch.pl and kunit.py). Prints its path.
scard_kernel_src()
{
	local tarball=/usr/src/linux-source-6.1.tar.xz ver src
	[ -f "$tarball" ] || scard_die "$tarball missing (run tools/testing/deps.sh)"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	src=$SCARD_CACHE/src/linux-source-$ver
	if [ ! -f "$src/.done" ]; then
		mkdir -p "$SCARD_CACHE/src"
		(
			flock 8
			if [ ! -f "$src/.done" ]; then
				scard_log "extracting $tarball"
				rm -rf "$src" "$src.tmp"
				mkdir -p "$src.tmp"
				tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
				touch "$src.tmp/.done"
				mv "$src.tmp" "$src"
			fi
		) 8>"$SCARD_CACHE/src/.lock"
	fi
	echo "$src"
}
