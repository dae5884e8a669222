#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scard-emu behind scard_vhci at TPDU and character level with T=1: the
# library's T=1 engine against the emulated card (chaining, S(IFS), NAD,
# CRC, WTX) and against faulty cards (bad EDC, wrong LEN, mute, silent).
# timeout: 600

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko

for level in tpdu char; do
	emu_start --level $level --protocol t1
	check "$level: T=1 card" emu_test "$dev" card t1 nad
	check "$level: T=1 card, 32-bit caller" emu_test32 "$dev" card t1
	emu_stop

	emu_start --level $level --protocol t1 --crc --ifsc 254 --card-ifs 16
	check "$level: CRC, IFSC 254, the card asks for IFSC 16" \
		emu_test "$dev" card t1
	emu_stop

	emu_start --level $level --protocol t1 --corrupt-edc 3
	check "$level: every 3rd block with a bad EDC" \
		emu_test "$dev" robust 30
	emu_stop

	emu_start --level $level --protocol t1 --wrong-length=4
	check "$level: every 4th block with a wrong LEN" \
		emu_test "$dev" robust 30
	emu_stop

	emu_start --level $level --protocol t1 --wrong-length
	check "$level: every block with a wrong LEN" emu_test "$dev" broken
	emu_stop

	emu_start --level $level --protocol t1 --slow 2500
	check "$level: slow card asks for WTX" emu_test "$dev" slow 2500
	emu_stop

	emu_start --level $level --protocol t1 --mute
	check "$level: mute card" emu_test "$dev" mute
	emu_stop

	if [ $level = tpdu ]; then
		emu_start --level tpdu --protocol t1 --hang
		check "tpdu: silent card, the library's time limits" \
			emu_test "$dev" mute
		emu_stop
	fi

	emu_start --level $level --protocol t1 --remove-after 4
	check "$level: card removed after 4 commands" \
		emu_test "$dev" remove 4
	emu_stop
done

scard_unload
done_testing
