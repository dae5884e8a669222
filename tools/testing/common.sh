# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for the scard test scripts (sourced, not run).

SCARD_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCARD_CACHE=${SCARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scard}
SCARD_OUT=${SCARD_OUT:-$SCARD_TOP/build}

# The kernels the tests run on, named here and only here; a user narrows or
# changes them with the environment (SCARD_KERNELS="6.12" make check).
#   SCARD_KERNELS        Debian's stock kernels the scenarios boot, by series
#   SCARD_DEBUG_SERIES   linux-source the debug kernel (KASAN, lockdep,
#                        kmemleak, UBSAN) is built from; KUnit runs on it
#   SCARD_INTREE_SERIES  linux-source the in-tree build and kunit.py use
# deps.sh installs each series' headers and sources; each stock image is
# fetched to match the newest installed headers of its series (vermagic).
SCARD_KERNELS=${SCARD_KERNELS:-6.1 6.12}
SCARD_DEBUG_SERIES=${SCARD_DEBUG_SERIES:-6.1}
SCARD_INTREE_SERIES=${SCARD_INTREE_SERIES:-6.12}

scard_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
scard_die() { scard_log "$*"; exit 1; }

# scard_headers_pkg SERIES: the Debian 12 package that installs (and keeps
# up to date) the amd64 headers of SERIES. 6.1 is Debian 12's own kernel,
# the others come from bookworm-security/backports as linux-*-6.12-amd64.
scard_headers_pkg()
{
	case $1 in
	6.1) echo linux-headers-amd64 ;;
	*) echo "linux-headers-$1-amd64" ;;
	esac
}

# scard_stock_kver SERIES: the newest installed Debian amd64 (not cloud, not
# rt) headers of SERIES, e.g. 6.1.0-57-amd64 or 6.12.118+deb12-amd64.
scard_stock_kver()
{
	local re=${1//./\\.}

	ls /usr/src 2>/dev/null |
		sed -n 's/^linux-headers-\('"$re"'\.[0-9][^/]*-amd64\)$/\1/p' |
		grep -Ev -- '-(cloud|rt)-amd64$' | sort -V | tail -n 1
}

# scard_require_kver SERIES: as scard_stock_kver, or a loud failure naming
# the package that provides it.
scard_require_kver()
{
	local kver

	kver=$(scard_stock_kver "$1")
	[ -n "$kver" ] ||
		scard_die "kernel $1: no linux-headers-$1.*-amd64 in /usr/src (install $(scard_headers_pkg "$1"), e.g. with tools/testing/deps.sh)"
	echo "$kver"
}

# scard_kernel_src SERIES: Debian's linux-source-SERIES, extracted once into
# the cache (debug kernel, checkpatch.pl, the in-tree build). Prints its
# path.
scard_kernel_src()
{
	local series=${1:-$SCARD_DEBUG_SERIES}
	local tarball=/usr/src/linux-source-$series.tar.xz ver src

	[ -f "$tarball" ] ||
		scard_die "kernel source $series: $tarball missing (install linux-source-$series, e.g. with tools/testing/deps.sh)"
	ver=$(dpkg-query -W -f='${Version}' "linux-source-$series") ||
		scard_die "kernel source $series: dpkg-query -W linux-source-$series failed"
	src=$SCARD_CACHE/src/linux-source-$ver
	if [ ! -f "$src/.done" ]; then
		mkdir -p "$SCARD_CACHE/src"
		(
			flock 8
			if [ ! -f "$src/.done" ]; then
				scard_log "extracting $tarball into $src"
				rm -rf "$src" "$src.tmp"
				mkdir -p "$src.tmp"
				tar -xJf "$tarball" -C "$src.tmp" --strip-components=1 ||
					scard_die "kernel source $series: tar -xJf $tarball failed"
				touch "$src.tmp/.done"
				mv "$src.tmp" "$src"
			fi
		) 8>"$SCARD_CACHE/src/.lock" || exit 1
	fi
	echo "$src"
}
