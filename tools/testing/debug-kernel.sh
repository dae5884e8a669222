#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug kernel from Debian's
# linux-source-$SCARD_DEBUG_SERIES (6.1 by default, common.sh) with the
# checkers the scenarios rely on (KASAN, lockdep, kmemleak, debugobjects,
# UBSAN, KUnit). The result lives in the cache, keyed by source version and config
# hash:
#   $SCARD_CACHE/debug/<version>-<hash>/{build,modules,bzImage}
# Prints that directory on stdout.

set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/qemu/slots.sh"

frag=$SCARD_TOP/tools/testing/kernel/debug.config
src=$(scard_kernel_src "$SCARD_DEBUG_SERIES") || exit 1
ver=${src##*/linux-source-}
hash=$( (cat "$frag"; echo "$ver"; gcc --version | head -n 1) |
	sha256sum | cut -c1-12)
dir=$SCARD_CACHE/debug/$ver-$hash

# complete: the build finished and nothing of it was removed since
complete()
{
	[ -f "$dir/.done" ] && [ -s "$dir/bzImage" ] &&
		[ -f "$dir/build/include/config/kernel.release" ] &&
		[ -d "$dir/modules/lib/modules" ]
}
if complete; then
	echo "$dir"
	exit 0
fi

mkdir -p "$SCARD_CACHE"
exec 9>"$SCARD_CACHE/.debug-kernel.lock"
flock 9
if complete; then
	echo "$dir"
	exit 0
fi
[ -d "$dir" ] && scard_log "debug kernel: $dir incomplete, building again"

scard_log "building debug kernel $ver ($hash) in $dir, this takes a while"
rm -rf "$dir"
mkdir -p "$dir/build"
jobs=$(nproc)
kmake() { make -s -C "$src" O="$dir/build" ARCH=x86_64 "$@"; }
kmake KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null
missing=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qx -- "$line" "$dir/build/.config"; then
		scard_log "debug.config: $line did not take"
		missing=1
	fi
done < "$frag"
[ $missing = 0 ] || scard_die "debug kernel config incomplete"
# In a job slot, the longest job of a cold run: the guests that do not
# need this kernel then run beside it one at a time, not starved by it.
slot_run 3000 kmake -j"$jobs" bzImage modules >"$dir/build.log" 2>&1 ||
	{ tail -n 40 "$dir/build.log" >&2; scard_die "debug kernel: 'make -C $src O=$dir/build bzImage modules' failed (see $dir/build.log)"; }
kmake INSTALL_MOD_PATH="$dir/modules" modules_install >/dev/null
# QEMU's PVH entry does not boot this configuration (KASAN): use bzImage.
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
touch "$dir/.done"
echo "$dir"
