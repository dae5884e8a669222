#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The UAPI header compiles alone in a user-space C program (C89 and C11,
# no warnings), and every struct has the same size and field offsets for
# 64-bit and 32-bit x86 processes (so compat_ptr_ioctl is enough).

set -euo pipefail
. "$(dirname "$0")/common.sh"

hdr=$SCARD_TOP/include/uapi/linux/scard.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '#include <linux/scard.h>\nint main(void) { return SCARD_IOC_POWER == 0; }\n' >"$tmp/alone.c"
for std in gnu89 c11; do
	gcc -std=$std -Wall -Wextra -Werror -pedantic -I"$SCARD_TOP/include/uapi" \
		-o "$tmp/alone" "$tmp/alone.c"
done

# One line per field: struct, field, offset, size.
{
	echo '#include <stdio.h>'
	echo '#include <stddef.h>'
	echo '#include <linux/scard.h>'
	echo '#define F(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))'
	echo '#define S(s) printf("%s size %zu\n", #s, sizeof(struct s))'
	echo 'int main(void) {'
	awk '/^struct scard_[a-z_]+ \{/ { s = $2; print "S(" s ");"; next }
	     s && /^\};/ { s = ""; next }
	     s { f = $NF; sub(/;$/, "", f); sub(/\[.*/, "", f); print "F(" s ", " f ");" }' "$hdr"
	echo 'return 0; }'
} >"$tmp/layout.c"
gcc -Wall -Werror -I"$SCARD_TOP/include/uapi" -o "$tmp/l64" "$tmp/layout.c"
gcc -m32 -Wall -Werror -I"$SCARD_TOP/include/uapi" -o "$tmp/l32" "$tmp/layout.c"
"$tmp/l64" >"$tmp/64.txt"
"$tmp/l32" >"$tmp/32.txt"
if ! diff -u "$tmp/64.txt" "$tmp/32.txt"; then
	echo "uapi-check: struct layouts differ between 64-bit and 32-bit" >&2
	exit 1
fi
n=$(grep -c ' size ' "$tmp/64.txt")
echo "uapi-check: header compiles alone; $n structs identical on 64 and 32 bit"
