#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build, the demo and the tests need (Debian 12);
# with --bench also what "make bench" compares with: pcscd, libccid and
# libpcsclite's headers (for the PC/SC client). pcscd's service is not
# started by this script; the benchmark runs its own pcscd in the guest.
# Idempotent: when every package is present it only checks and returns.

set -euo pipefail

pkgs=(
	# build: modules, tools, static test programs, debug kernel
	make gcc gcc-multilib libc6-dev bc flex bison libelf-dev libssl-dev xz-utils
	rsync
	kmod cpio gzip sparse perl python3
	# kernels: Debian's stock 6.1 (headers; its image is fetched into the
	# cache, not installed) and the source for the debug kernel,
	# checkpatch and kunit.py
	linux-headers-amd64 linux-source-6.1
	# the guest
	qemu-system-x86 qemu-system-data seabios ipxe-qemu busybox-static
	socat
	# data: the ATR list of pcsc-tools for the ATR corpus test
	pcsc-tools
	# certutil, for the NSS database of QEMU's emulated CAC card
	libnss3-tools
)
if [ "${1:-}" = --bench ]; then
	pkgs+=(pcscd libccid libpcsclite-dev)
fi

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
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
