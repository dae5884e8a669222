#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ATR corpus: every ATR of pcsc-tools' smartcard_list.txt (patterns
# expanded with a few fillers) inserted into a scard_vhci reader and reset.
# Each one is parsed (NEGOTIABLE/SPECIFIC) or rejected (POWERED, then
# SET_PROTOCOL fails with EMEDIUMTYPE); longer than 33 bytes: INSERT fails
# with EINVAL. The 32-bit build runs the corpus again through the compat
# ioctl path.
# timeout: 300
# files: /usr/share/pcsc/smartcard_list.txt

. /lib/scard-test/lib.sh

LIST=/usr/share/pcsc/smartcard_list.txt

scard_load scard_vhci.ko
check "$LIST present" test -s "$LIST"
check "atr_corpus" atr_corpus "$LIST"
check "atr_corpus32 (compat ioctls)" atr_corpus32 "$LIST"
check "no reader left" sh -c '! ls /dev/scard[0-9]* 2>/dev/null'
scard_unload
done_testing
