#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Kernel memory of an idle reader (not pass/fail; "BENCH" line, goal
# 8 KiB): 64 virtual readers created, nobody has them open, the slab
# objects, large kmalloc() pages and vmalloc counted before and after
# (tools/testing/progs/scale_bench.c). slub_debug=F keeps SLUB from
# holding per-CPU slabs, whose objects /proc/slabinfo counts as in use:
# the object counts are then exact. The buffers of a transfer are
# allocated when a transfer needs them, not per reader.
# append: slub_debug=F
# timeout: 240

. /lib/scard-test/lib.sh

scard_load scard_vhci.ko
check "memory of 64 idle readers" scale_bench memory 5
scard_unload
done_testing
