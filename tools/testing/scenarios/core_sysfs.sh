#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# sysfs attributes of /sys/class/misc/scardN and KOBJ_CHANGE uevents.
# timeout: 90

. /lib/scard-test/lib.sh

ctl=/sys/kernel/debug/scard_test_reader/ctl
d=/sys/class/misc/scard0

scard_load scard_test_reader.ko readers=2
for a in state protocol atr events reader_name; do
	check "$d/$a is readable" test -r $d/$a
done
is "state without card" "$(cat $d/state)" absent
is "protocol without card" "$(cat $d/protocol)" none
is "atr without card" "$(cat $d/atr)" ""
is "events at start" "$(cat $d/events)" 0
is "reader_name" "$(cat $d/reader_name)" "scard test reader"
case $(readlink -f $d/device) in
*/scard_test_reader) r=0 ;;
*) r=1 ;;
esac
check "parent device is the test reader's" test $r = 0

check "insert a card" sh -c "echo 'insert 0 3B80800101' > $ctl"
is "state after insertion" "$(cat $d/state)" present
is "events after insertion" "$(cat $d/events)" 1
is "atr before reset" "$(cat $d/atr)" ""
is "other reader unaffected" "$(cat /sys/class/misc/scard1/state)" absent

check "reset the card, select T=1" scard_test setup 0
is "state after SET_PROTOCOL" "$(cat $d/state)" specific
is "protocol after SET_PROTOCOL" "$(cat $d/protocol)" T=1
is "atr after reset" "$(cat $d/atr)" 3b80800101

# A slow exchange holds the reader for 3 s: sysfs answers from a copy
# kept under the state lock, without waiting for it.
scard_test slow 0 3000 ok >/tmp/sysfs-slow.out 2>&1 &
slow=$!
sleep 1
t0=$(cut -d' ' -f1 /proc/uptime)
a=$(cat $d/atr)
t1=$(cut -d' ' -f1 /proc/uptime)
is "atr during a slow TRANSMIT" "$a" 3b80800101
ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
check "reading atr did not wait for the TRANSMIT ($ms ms)" test "$ms" -lt 1000
check "the slow TRANSMIT ends" wait $slow
check "delay off" sh -c "echo 'clear 0' > $ctl"
e=$(cat $d/events)

check "remove the card" sh -c "echo 'remove 0' > $ctl"
is "state after removal" "$(cat $d/state)" absent
is "protocol after removal" "$(cat $d/protocol)" none
is "atr after removal" "$(cat $d/atr)" ""
is "events after removal" "$(cat $d/events)" $((e + 1))

check "uevent on insertion" scard_test uevent 0 "insert 0" \
	SCARD_STATE=present SCARD_EVENTS=$((e + 2))
check "uevent on removal" scard_test uevent 0 "remove 0" \
	SCARD_STATE=absent SCARD_EVENTS=$((e + 3))

check "unplug reader 0" sh -c "echo 'del 0' > $ctl"
check "$d is gone" test ! -e $d
is "reader 1 still there" "$(cat /sys/class/misc/scard1/state)" absent
scard_unload
done_testing
