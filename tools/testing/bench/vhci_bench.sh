#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the virtual reader (not pass/fail; "BENCH" lines):
# APDU round trips through /dev/scardN and scard_vhci to a card process,
# against a pipe ping-pong; card insertion to IS_PRESENT wake-up latency,
# against a pipe wake-up. The card is scard-emu when the guest has it,
# and also scard_bench's own child answering with a fixed response.
# timeout: 240

. /lib/scard-test/lib.sh

EMU_READY=/tmp/bench.ready
EMU_LOG=/tmp/bench-emu.log

scard_load scard_vhci.ko

if command -v scard-emu >/dev/null; then
	echo "80CA9F7F00 0102039000" >/tmp/bench.script
	rm -f "$EMU_READY"
	scard-emu --level apdu --protocol t1 --script /tmp/bench.script \
		--ready-file "$EMU_READY" >"$EMU_LOG" 2>&1 &
	emu_pid=$!
	if wait_for "scard-emu ready" 10 test -s "$EMU_READY"; then
		check "APDU round trips, scard-emu card" \
			scard_bench apdu apdu_roundtrip "$(head -n 1 "$EMU_READY")"
	else
		sed 's/^/# /' "$EMU_LOG"
	fi
	kill -TERM "$emu_pid"
	wait "$emu_pid"
	check "APDU round trips, in-program card" \
		scard_bench apdu apdu_roundtrip_fixed
else
	diag "no scard-emu in the guest: the in-program card plays"
	check "APDU round trips, in-program card" \
		scard_bench apdu apdu_roundtrip
fi

check "card insertion wake-up" scard_bench wakeup insert_wakeup
check "no reader left" sh -c '! ls /dev/scard[0-9]* 2>/dev/null'
scard_unload
done_testing
