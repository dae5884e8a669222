#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Allocation failures at random: failslab and fail_page_alloc fail a share
# (fault_percent, default 10) of the kernel allocations made during the
# ioctl() calls of the test programs (fault injection's task filter,
# /proc/thread-self/make-it-fail, set around each ioctl() by
# tools/testing/progs/fail_ioctl.h when SCARD_FAIL_IOCTL is set), while the
# scenario programs and the fuzzer run. The programs' own checks are not
# counted (an allocation failure changes what they see); what counts:
# every program ends, the fuzzer finds every errno in the documented table
# (ENOMEM included), the kernel reports nothing, the readers work again
# once the failures stop, every module unloads and kmemleak finds no
# leak. Ends with one line
#	FAULTS injected=<n> programs=<n> enomem=<n> reports=<n>
# (injected: failures the kernel made; enomem: ENOMEM the programs saw).
# timeout: 2400

. /lib/scard-test/lib.sh

pct=${fault_percent:-10}
seed=${fuzz_seed:-1}
ioctls=${fault_ioctls:-100000}
FI=/sys/kernel/debug
BUDGET=1000000000
programs=0
ended=0

# fi_set ATTR VALUE: the same attribute of both fault kinds
fi_set()
{
	echo "$2" >"$FI/failslab/$1" && echo "$2" >"$FI/fail_page_alloc/$1"
}

fi_on()
{
	fi_set task-filter Y &&
	fi_set interval 1 &&
	fi_set verbose 0 &&
	fi_set space 0 &&
	fi_set times $BUDGET &&
	fi_set ignore-gfp-wait N &&
	echo N >"$FI/fail_page_alloc/ignore-gfp-highmem" &&
	fi_set probability "$pct"
}

fi_off() { fi_set probability 0; }

fi_count()
{
	echo $((2 * BUDGET - $(cat "$FI/failslab/times") -
		$(cat "$FI/fail_page_alloc/times")))
}

# where_stuck NAME: the kernel stack of every task of the programs
# called NAME, as TAP comments (where a program that does not end sleeps)
where_stuck()
{
	for _t in /proc/[0-9]*/task/[0-9]*; do
		[ "$(cat "$_t/comm" 2>/dev/null)" = "$1" ] || continue
		diag "task ${_t#/proc/}: $(sed -n 's/^State:[[:space:]]*//p' \
			"$_t/status" 2>/dev/null)"
		sed 's/^/#   /' "$_t/stack" 2>/dev/null | head -n 12
	done
}

# inject NAME SECONDS CMD...: CMD with failures on in its ioctl() calls,
# output kept aside; it must end by itself within SECONDS (else it is
# killed, after its tasks' kernel stacks are shown: a failed check)
inject()
{
	_n=$1
	_s=$2
	shift 2
	programs=$((programs + 1))
	SCARD_FAIL_IOCTL=1 "$@" >"/tmp/fi-$_n.out" 2>&1 &
	_p=$!
	_w=$((_s * 10))
	while [ $_w -gt 0 ] && kill -0 $_p 2>/dev/null; do
		sleep 0.1
		_w=$((_w - 1))
	done
	if kill -0 $_p 2>/dev/null; then
		_c=$(basename "$1" | cut -c1-15)
		where_stuck "$_c"
		pkill -KILL -x "$_c"
		wait $_p
		_scard_result 1 "$_n under allocation failures: ended"
		tail -n 5 "/tmp/fi-$_n.out" | sed 's/^/# /'
		return
	fi
	wait $_p
	_rc=$?
	ended=$((ended + 1))
	diag "$_n: exit $_rc, $(grep -c ENOMEM "/tmp/fi-$_n.out") ENOMEM"
}

check "fault injection present" test -d "$FI/failslab" -a -d "$FI/fail_page_alloc"
scard_load scard_test_reader.ko readers=2
scard_load scard_vhci.ko
scard_load scard_ccid.ko
scard_load scard_ccid_serial.ko
check "failures on ($pct %)" fi_on

# Each failed ioctl() may cost scard_test one of its bounded waits (10 s
# for a callback that never comes, 35 s for a stress job): concurrency
# needed more than 300 s once.
for t in ioctl tracking concurrency badinput poll; do
	inject "scard_test-$t" 600 scard_test $t 0
done
for t in basic levels kill badinput limits; do
	inject "vhci_test-$t" 300 vhci_test $t
done
inject "vhci_test32-basic" 120 vhci_test32 basic
if command -v scard_fuzz >/dev/null; then
	inject scard_fuzz 900 scard_fuzz --seed "$seed" --ioctls "$ioctls"
	check "the fuzzer: every errno in the table, no finding" \
		sh -c 'grep -q "^FUZZ " /tmp/fi-scard_fuzz.out &&
		       ! grep -q FINDING /tmp/fi-scard_fuzz.out'
	grep -E '^FUZZ |FINDING|ioctl errnos' /tmp/fi-scard_fuzz.out |
		head -n 20 | sed 's/^/# /'
fi
injected=$(fi_count)
check "failures off" fi_off
is "every program ended" "$ended" "$programs"
# ENOMEM lines of the test programs, and the fuzzer's ENOMEM count.
enomem=$(cat /tmp/fi-*.out | grep -v 'ioctl errnos' | grep -c ENOMEM)
fz=$(sed -n 's/.*ioctl errnos:.* ENOMEM=\([0-9]*\).*/\1/p' \
	/tmp/fi-scard_fuzz.out 2>/dev/null | tail -n 1)
enomem=$((enomem + ${fz:-0}))
check "allocations were failed ($injected)" test "$injected" -gt 0
check "the programs saw ENOMEM ($enomem)" test "$enomem" -gt 0

# Whatever failed, the readers work again.
sleep 1
check "scard_test tracking, failures off" scard_test tracking 0
check "vhci_test basic, failures off" vhci_test basic
is "no virtual reader left" "$(ls /sys/class/misc | grep -c '^scard[0-9]')" 2
scard_unload
echo scan >"$FI/kmemleak" 2>/dev/null
sleep 5
echo scan >"$FI/kmemleak" 2>/dev/null
cat "$FI/kmemleak" 2>/dev/null | head -n 40
reports=$(dmesg | grep -cE 'BUG:|WARNING:|KASAN|UBSAN|unreferenced object|INFO: task .* blocked|possible circular locking|inconsistent lock state|Call Trace:|ODEBUG')
is "no kernel report" "$reports" 0
echo "FAULTS injected=$injected programs=$programs enomem=$enomem reports=$reports"
done_testing
