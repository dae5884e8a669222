#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scard-emu behind scard_vhci at TPDU and character level with T=0 and
# PPS: the library's T=0 engine and APDU transport (61xx, 6Cxx) against
# the emulated card, procedure bytes (INS, ~INS, NULL), PPS to T=1 on a
# dual card, refused PPS, faulty cards.
# timeout: 600

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko

for level in tpdu char; do
	emu_start --level $level --protocol t0
	check "$level: T=0 card" emu_test "$dev" card t0 tpdu
	check "$level: T=0 card, 32-bit caller" emu_test32 "$dev" card t0
	emu_stop

	if [ $level = char ]; then
		emu_start --level char --protocol t0 --t0-ack single
		check "char: ~INS for every byte" emu_test "$dev" card t0 tpdu
		emu_stop

		emu_start --level char --protocol t0 --t0-ack mixed
		check "char: ~INS, then INS" emu_test "$dev" card t0
		emu_stop

		emu_start --level char --protocol t0 --slow 2500 \
			--null-interval 200
		check "char: NULL bytes while the card works 2.5 s" \
			emu_test "$dev" slow 2500
		emu_stop
	else
		emu_start --level tpdu --protocol t0 --slow 400
		check "tpdu: slow T=0 card (0.4 s)" emu_test "$dev" slow 400
		emu_stop
	fi

	emu_start --level $level --protocol t0 --wrong-length
	check "$level: T=0 responses with an extra byte" \
		emu_test "$dev" broken
	emu_stop

	emu_start --level $level --protocol t0 --mute
	check "$level: mute T=0 card" emu_test "$dev" mute
	emu_stop

	emu_start --level $level --protocol both --ta1 0x96 --verbose
	check "$level: dual card, PPS to T=1 and Fi/Di 96" \
		emu_test "$dev" card t1
	check "$level: the card saw a PPS request" grep -q "PPS <- FF" "$EMU_LOG"
	check "$level: dual card, T=0" emu_test "$dev" card t0
	emu_stop

	emu_start --level $level --protocol both --ta1 0x96 --refuse-pps
	check "$level: PPS answered without PPS1" emu_test "$dev" card t1
	emu_stop

	emu_start --level $level --protocol t0 --ta1 0x96 \
		--refuse-pps=silent
	check "$level: silent PPS, T=0 with the default Fi/Di" \
		emu_test "$dev" card t0
	emu_stop
done

scard_unload
done_testing
