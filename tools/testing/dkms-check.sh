#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh KVER...: "dkms add" and "dkms build" of the tree's dkms.conf
# for each kernel, in a private DKMS tree under build/dkms (nothing reaches
# /var/lib/dkms, /lib/modules or the host's boot setup), and a check that
# every module dkms.conf names was built. One line per kernel:
# "PASS dkms build <kver>" or "FAIL dkms build <kver>: reason".

set -uo pipefail
. "$(dirname "$0")/common.sh"

top=$SCARD_OUT/dkms
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$SCARD_TOP/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SCARD_TOP/dkms.conf")
mods=$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$SCARD_TOP/dkms.conf")
rm -rf "$top"
mkdir -p "$top/tree" "$top/src/$name-$ver" "$top/install"
rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	"$SCARD_TOP/dkms.conf" "$SCARD_TOP/Kbuild" "$SCARD_TOP/Makefile" \
	"$SCARD_TOP/drivers" "$SCARD_TOP/include" "$top/src/$name-$ver/"
dkms_() { dkms --dkmstree "$top/tree" --sourcetree "$top/src" \
	       --installtree "$top/install" "$@"; }

failed=0
if ! dkms_ add -m "$name" -v "$ver" >"$top/add.log" 2>&1; then
	cat "$top/add.log"
	echo "FAIL dkms add: see $top/add.log"
	exit 1
fi
for kver in "$@"; do
	log=$top/build-$kver.log
	why=
	if [ ! -e "/lib/modules/$kver/build" ]; then
		why="no /lib/modules/$kver/build (install linux-headers-$kver)"
	elif ! dkms_ build -m "$name" -v "$ver" -k "$kver" >"$log" 2>&1; then
		why="'dkms build -m $name -v $ver -k $kver' failed (see $log)"
		tail -n 20 "$log"
		mlog=$top/tree/$name/$ver/build/make.log
		[ -f "$mlog" ] && tail -n 20 "$mlog"
	else
		for m in $mods; do
			find "$top/tree/$name/$ver/$kver" -name "$m.ko*" |
				grep -q . || why="$why $m.ko missing"
		done
	fi
	if [ -z "$why" ]; then
		echo "PASS dkms build $kver ($(echo $mods | wc -w) modules)"
	else
		echo "FAIL dkms build $kver: $why"
		failed=$((failed + 1))
	fi
done
[ $failed = 0 ]
