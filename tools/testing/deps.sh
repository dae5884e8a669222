#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build, the demo, the tests and the benchmarks
# need (Debian 12). pcscd's service is not started by this script; the
# scenarios and benchmarks run their own pcscd in the guest.
# Idempotent: when every package is present it only checks and returns.

set -euo pipefail
. "$(dirname "$0")/common.sh"

pkgs=(
	# build: modules, tools, static test programs, debug kernel
	make gcc gcc-multilib libc6-dev bc flex bison libelf-dev libssl-dev xz-utils
	rsync zstd
	kmod cpio gzip sparse perl python3
	# "dkms build" of the whole driver for every kernel of the matrix
	dkms
	# the guest
	qemu-system-x86 qemu-system-data seabios ipxe-qemu busybox-static
	socat
	# data: the ATR list of pcsc-tools for the ATR corpus test
	pcsc-tools
	# certutil, for the NSS database of QEMU's emulated CAC card
	libnss3-tools
	# pcsc-lite's headers: the UAPI must compile beside them, and the
	# PC/SC bridge (tools/ifd-scard) builds against them; pcscd (the
	# guest runs the host's) and libccid for the PC/SC scenarios
	libpcsclite-dev pcscd libccid
	# PC/SC applications of the scenarios (the guest runs the host's),
	# and strace to count the bridge's ioctls
	opensc pcsc-tools strace
	# usbip and usbipd: a reader exported and attached over USB/IP
	usbip
)
# Kernels (common.sh names them): the headers of each stock kernel the
# scenarios boot (its image is fetched into the cache, not installed), the
# source of the debug kernel (also checkpatch.pl) and of the in-tree build.
for k in $SCARD_KERNELS; do
	pkgs+=("$(scard_headers_pkg "$k")")
done
for k in $SCARD_DEBUG_SERIES $SCARD_INTREE_SERIES; do
	pkgs+=("linux-source-$k")
done

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}" >&2
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q ||
	scard_die "apt-get update failed"
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" ||
	scard_die "apt-get install ${missing[*]} failed"
