#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree.sh: scard dropped into a kernel tree, the way it would be merged
# and reviewed. drivers/scard and the headers are copied into Debian's
# linux-source-$SCARD_INTREE_SERIES (a hard-linked copy of the extraction
# in the cache, so the pristine tree is left alone), hooked into
# drivers/Kconfig and drivers/Makefile, and then:
#   1. built into the kernel (every scard option =y, x86_64);
#   2. built as modules (every scard option =m, same build directory, so
#      both are incremental after the first run);
#   3. tested with "tools/testing/kunit/kunit.py run
#      --kunitconfig=drivers/scard/.kunitconfig" (UML, as a reviewer runs
#      a subsystem's suites).
# Prints "PASS in-tree ..." / "FAIL in-tree ..." per step, then
# "TOTAL <passed> <failed>". A warning from drivers/scard fails its step.

set -uo pipefail
. "$(dirname "$0")/common.sh"

series=$SCARD_INTREE_SERIES
src=$(scard_kernel_src "$series") || exit 1
ver=${src##*/linux-source-}
dir=$SCARD_CACHE/intree/$ver
tree=$dir/linux
jobs=$(nproc)
passed=0
failed=0

result()
{
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "PASS in-tree $2"
	else
		failed=$((failed + 1))
		echo "FAIL in-tree $2"
	fi
}

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

if [ ! -f "$tree/.done" ]; then
	scard_log "in-tree $series: linking a copy of $src"
	rm -rf "$tree"
	cp -al "$src" "$tree.tmp" || scard_die "in-tree $series: cp -al $src failed"
	mv "$tree.tmp" "$tree"
	touch "$tree/.done"
fi

# The project's files, copied by content (unchanged files keep their
# mtime, so the builds stay incremental). New files, never writes through
# the hard links into the pristine tree.
sync_dir()
{
	rsync -rlpD --checksum --delete "$@"
}
sync_dir --exclude '*.o' --exclude '.*.cmd' "$SCARD_TOP/drivers/scard/" \
	"$tree/drivers/scard/"
cp -p "$SCARD_TOP/kunit/.kunitconfig" "$tree/drivers/scard/.kunitconfig.new"
cmp -s "$tree/drivers/scard/.kunitconfig.new" "$tree/drivers/scard/.kunitconfig" &&
	rm "$tree/drivers/scard/.kunitconfig.new" ||
	mv "$tree/drivers/scard/.kunitconfig.new" "$tree/drivers/scard/.kunitconfig"
for h in "$SCARD_TOP"/include/linux/*.h; do
	rsync --checksum "$h" "$tree/include/linux/"
done
for h in "$SCARD_TOP"/include/uapi/linux/*.h; do
	rsync --checksum "$h" "$tree/include/uapi/linux/"
done
# Hooks (sed -i writes a new file: the pristine copy keeps its own).
grep -q 'drivers/scard/Kconfig' "$tree/drivers/Kconfig" ||
	sed -i 's|^endmenu$|source "drivers/scard/Kconfig"\n\nendmenu|' \
		"$tree/drivers/Kconfig"
grep -q 'CONFIG_SCARD' "$tree/drivers/Makefile" ||
	{ cp "$tree/drivers/Makefile" "$tree/drivers/Makefile.new" &&
	  echo 'obj-$(CONFIG_SCARD)		+= scard/' >>"$tree/drivers/Makefile.new" &&
	  mv "$tree/drivers/Makefile.new" "$tree/drivers/Makefile"; }
grep -q 'drivers/scard/Kconfig' "$tree/drivers/Kconfig" ||
	scard_die "in-tree $series: could not hook drivers/Kconfig"

# 1 and 2: x86_64, a small configuration with USB (for the CCID driver)
# and KUnit; the scard options switched between =y and =m.
obj=$dir/x86
kmake() { make -s -C "$tree" O="$obj" ARCH=x86_64 "$@"; }
if [ ! -f "$obj/.config" ]; then
	mkdir -p "$obj"
	printf '%s\n' CONFIG_64BIT=y CONFIG_MODULES=y CONFIG_MODULE_UNLOAD=y \
		CONFIG_PCI=y CONFIG_USB_SUPPORT=y CONFIG_USB=y CONFIG_KUNIT=y \
		CONFIG_DEBUG_FS=y CONFIG_SCARD=y >"$dir/x86.frag"
	kmake KCONFIG_ALLCONFIG="$dir/x86.frag" allnoconfig >/dev/null ||
		scard_die "in-tree $series: make allnoconfig failed"
fi
scard_opts=(SCARD SCARD_VHCI SCARD_CCID_USB SCARD_CCID_SERIAL
	    SCARD_TEST_READER SCARD_KUNIT_TEST)
# build VALUE TARGETS...: every scard option set to VALUE, then make
build()
{
	local v=$1 o log=$dir/x86-$1.log
	shift
	# The test reader needs debugfs.
	"$tree/scripts/config" --file "$obj/.config" --enable DEBUG_FS
	for o in "${scard_opts[@]}"; do
		"$tree/scripts/config" --file "$obj/.config" --set-val "$o" "$v"
	done
	kmake olddefconfig >/dev/null &&
		for o in "${scard_opts[@]}" SCARD_CCID; do
			grep -qx "CONFIG_$o=$v" "$obj/.config" || {
				echo "CONFIG_$o=$v did not take" >"$log"
				return 1
			}
		done &&
		kmake -j"$jobs" "$@" >"$log" 2>&1 &&
		! grep -E '(drivers/scard|include/(uapi/)?linux/scard).*(warning|error):' "$log"
}
build y vmlinux
rc=$?
[ $rc = 0 ] || tail -n 30 "$dir/x86-y.log"
result $rc "built-in (=y), x86_64, linux-source-$ver (see $dir/x86-y.log)"

build m vmlinux modules
rc=$?
if [ $rc = 0 ]; then
	for m in scard scard_vhci scard_ccid scard_ccid_usb scard_ccid_serial \
		 scard_test_reader; do
		[ -n "$(find "$obj/drivers/scard" -name "$m.ko")" ] ||
			{ echo "$m.ko not built"; rc=1; }
	done
fi
[ $rc = 0 ] || tail -n 30 "$dir/x86-m.log"
result $rc "modules (=m), x86_64, linux-source-$ver (see $dir/x86-m.log)"

# 3: kunit.py, UML, from the tree's root as a reviewer would.
log=$dir/kunit.log
(cd "$tree" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig=drivers/scard/.kunitconfig --build_dir="$dir/uml" \
	--jobs="$jobs" --timeout=600) >"$log" 2>&1
rc=$?
summary=$(grep -E 'Testing complete\.' "$log" | tail -n 1)
[ $rc = 0 ] && [ -n "$summary" ] || { rc=1; tail -n 40 "$log"; }
result $rc "kunit.py run --kunitconfig=drivers/scard/.kunitconfig (UML): ${summary:-no results} (see $log)"

echo "TOTAL $passed $failed"
[ $failed = 0 ]
