#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The UAPI headers compile alone in a user-space C program (C89 and C11,
# no warnings), and in one file with pcsc-lite's headers (no name of one
# collides with a name of the other: the PC/SC bridge includes them all),
# and every struct has the same size and field offsets for 64-bit and
# 32-bit x86 processes (so compat_ptr_ioctl is enough).

set -euo pipefail
. "$(dirname "$0")/common.sh"

uapi=$SCARD_TOP/include/uapi
hdrs=("$uapi/linux/scard.h" "$uapi/linux/scard_vhci.h"
      "$uapi/linux/scard_serial.h")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for h in scard:SCARD_IOC_POWER scard_vhci:SCARD_IOC_POWER \
	 scard_serial:SCARD_SERIAL_IOC_ATTACH; do
	printf '#include <linux/%s.h>\nint main(void) { return %s == 0; }\n' \
		"${h%%:*}" "${h#*:}" >"$tmp/alone.c"
	for std in gnu89 c11; do
		gcc -std=$std -Wall -Wextra -Werror -pedantic -I"$uapi" \
			-o "$tmp/alone" "$tmp/alone.c"
	done
done

# Beside pcsc-lite, in both orders (a redefined macro is an error).
pcsc='#include <winscard.h>
#include <ifdhandler.h>
#include <reader.h>'
ours='#include <linux/scard.h>
#include <linux/scard_vhci.h>
#include <linux/scard_serial.h>'
printf '%s\n%s\nint main(void) { return 0; }\n' "$pcsc" "$ours" >"$tmp/pcsc1.c"
printf '%s\n%s\nint main(void) { return 0; }\n' "$ours" "$pcsc" >"$tmp/pcsc2.c"
for f in pcsc1 pcsc2; do
	gcc -Wall -Wextra -Werror -I"$uapi" -I/usr/include/PCSC \
		-c -o "$tmp/$f.o" "$tmp/$f.c" ||
		scard_die "uapi-check: <linux/scard.h> collides with pcsc-lite's headers"
done

# One line per field: struct, field, offset, size.
{
	echo '#include <stdio.h>'
	echo '#include <stddef.h>'
	echo '#include <linux/scard.h>'
	echo '#include <linux/scard_vhci.h>'
	echo '#include <linux/scard_serial.h>'
	echo '#define F(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))'
	echo '#define S(s) printf("%s size %zu\n", #s, sizeof(struct s))'
	echo 'int main(void) {'
	awk '/^struct scard_[a-z_]+ \{/ { s = $2; print "S(" s ");"; next }
	     s && /^\};/ { s = ""; next }
	     s { f = $NF; sub(/;$/, "", f); sub(/\[.*/, "", f); print "F(" s ", " f ");" }' "${hdrs[@]}"
	echo 'return 0; }'
} >"$tmp/layout.c"
gcc -Wall -Werror -I"$uapi" -o "$tmp/l64" "$tmp/layout.c"
gcc -m32 -Wall -Werror -I"$uapi" -o "$tmp/l32" "$tmp/layout.c"
"$tmp/l64" >"$tmp/64.txt"
"$tmp/l32" >"$tmp/32.txt"
if ! diff -u "$tmp/64.txt" "$tmp/32.txt"; then
	echo "uapi-check: struct layouts differ between 64-bit and 32-bit" >&2
	exit 1
fi
n=$(grep -c ' size ' "$tmp/64.txt")
echo "uapi-check: headers compile alone and beside pcsc-lite; $n structs identical on 64 and 32 bit"
