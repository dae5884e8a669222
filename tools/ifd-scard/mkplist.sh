#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mkplist.sh OUT [CCID_PLIST]: the Info.plist of ifd-scard.bundle.
#
# The bundle claims the USB readers the kernel's CCID driver may drive:
# QEMU's usb-ccid and, when libccid's bundle is given, every reader it
# lists. pcscd prefers this bundle to libccid's class driver for those
# IDs; for a reader that scard_ccid_usb does not drive, the bundle's
# CreateChannel fails and pcscd hands the reader to libccid, so that
# installing the bridge changes nothing for such a reader.

set -eu
out=$1
ccid=${2:-}

ids=$(mktemp)
trap 'rm -f "$ids"' EXIT
echo "0x08E6 0x4433 QEMU USB CCID" >"$ids"
if [ -n "$ccid" ] && [ -r "$ccid" ]; then
	# Three parallel arrays: take the <string>s of each, in order.
	awk '
	/<key>ifdVendorID<\/key>/ { k = "v"; n = 0; next }
	/<key>ifdProductID<\/key>/ { k = "p"; n = 0; next }
	/<key>ifdFriendlyName<\/key>/ { k = "f"; n = 0; next }
	/<key>/ { k = ""; next }
	k && /<string>/ {
		s = $0; sub(/.*<string>/, "", s); sub(/<\/string>.*/, "", s)
		a[k, n++] = s; if (n > max[k]) max[k] = n
	}
	END {
		if (max["v"] != max["p"] || max["v"] != max["f"]) exit 1
		for (i = 0; i < max["v"]; i++)
			printf "%s %s %s\n", a["v", i], a["p", i], a["f", i]
	}' "$ccid" >>"$ids"
fi

esc() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
list() {
	echo "	<key>$1</key>"
	echo "	<array>"
	awk -v c="$2" '{ if (c == 3) { $1 = ""; $2 = ""; sub(/^  /, "") ; print } else print $c }' "$ids" |
		esc | sed 's/.*/		<string>&<\/string>/'
	echo "	</array>"
}

{
	cat <<'HEAD'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleDevelopmentRegion</key>
	<string>English</string>
	<key>CFBundleExecutable</key>
	<string>libifd-scard.so</string>
	<key>CFBundleIdentifier</key>
	<string>org.kernel.scard.ifd</string>
	<key>CFBundleInfoDictionaryVersion</key>
	<string>6.0</string>
	<key>CFBundleName</key>
	<string>ifd-scard</string>
	<key>CFBundlePackageType</key>
	<string>BNDL</string>
	<key>CFBundleShortVersionString</key>
	<string>0.1</string>
	<key>CFBundleVersion</key>
	<string>0.1</string>
HEAD
	list ifdVendorID 1
	list ifdProductID 2
	list ifdFriendlyName 3
	cat <<'TAIL'
	<key>Copyright</key>
	<string>GPL-2.0</string>
</dict>
</plist>
TAIL
} >"$out"
