#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT MODROOT KVER MODDIR PROGDIR [KMOD...]
# env: SCARD_SCENARIOS (scenario directory), SCARD_FILES (host files to
# copy to the same path in the guest), SCARD_KMODS (lines "SCENARIO
# KMOD...": kernel modules the guest loads only for boots that run
# SCENARIO, listed in /etc/kmods/SCENARIO.order)
#
# Builds the test guest's initramfs: busybox, /init, the scenario library
# and scripts, the static test programs (PROGDIR/*, into /usr/bin), the
# project's modules (MODDIR/*.ko, into /lib/scard) and the kernel modules
# KMOD... plus whatever the project's modules depend on, resolved against
# MODROOT (a directory holding lib/modules/KVER) and listed in load order in
# /etc/kmods.order. Modules built into the kernel are skipped.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=$1 modroot=$2 kver=$3 moddir=$4 progdir=$5
shift 5

r=$(mktemp -d)
trap 'rm -rf "$r"' EXIT
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,lib/scard}
mkdir -p "$r"/{lib/scard-test,scenarios,root}
cp /bin/busybox "$r/bin/"
ln -s busybox "$r/bin/sh"
install -m755 "$here/init" "$r/init"
cp "$here/lib.sh" "$r/lib/scard-test/"
cp "${SCARD_SCENARIOS:-$top/tools/testing/scenarios}"/*.sh "$r/scenarios/" \
	2>/dev/null || true
for f in ${SCARD_FILES:-}; do
	mkdir -p "$r$(dirname "$f")"
	cp "$f" "$r$f"
done
[ -d "$progdir" ] && find "$progdir" -maxdepth 1 -type f -perm -u+x \
	-exec cp {} "$r/usr/bin/" \;
cp "$moddir"/*.ko "$r/lib/scard/"

# Kernel modules: the ones asked for, and what ours depend on.
want=("$@")
for ko in "$moddir"/*.ko; do
	for d in $(modinfo -F depends "$ko" | tr , ' '); do
		[ -e "$moddir/$d.ko" ] || want+=("$d")
	done
done
# resolve ORDER KMOD...: copy KMOD... and their dependencies into the
# image, list them in load order in ORDER
resolve()
{
	local order=$1 m ko g
	shift
	for m in "$@"; do
		modprobe -d "$modroot" -S "$kver" --show-depends "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }' || true
	done | awk '!seen[$0]++' > "$order.host"
	# Debian compresses its modules since 6.12 (.ko.xz); busybox's
	# insmod takes them uncompressed.
	while read -r ko; do
		g=/lib/kmods/${ko##*/}
		mkdir -p "$r/lib/kmods"
		case $g in
		*.ko.xz) g=${g%.xz}; xz -dc "$ko" >"$r$g" ;;
		*.ko.zst) g=${g%.zst}; zstd -qdc "$ko" >"$r$g" ;;
		*.ko.gz) g=${g%.gz}; gzip -dc "$ko" >"$r$g" ;;
		*) cp "$ko" "$r$g" ;;
		esac
		echo "$g"
	done < "$order.host" > "$order"
	rm "$order.host"
}
resolve "$r/etc/kmods.order" ${want[@]+"${want[@]}"}
mkdir -p "$r/etc/kmods"
while read -r s mods; do
	[ -n "$s" ] || continue
	# shellcheck disable=SC2086
	resolve "$r/etc/kmods/$s.order" $mods
done <<<"${SCARD_KMODS:-}"

(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
