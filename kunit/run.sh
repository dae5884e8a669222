#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the scard KUnit suites: build the test modules (drivers/scard/**/
# *_test.c, CONFIG_SCARD_KUNIT_TEST) against the debug kernel (KASAN,
# lockdep, kmemleak; built once into the cache), boot it in QEMU, load
# them, and parse the KTAP results with the kernel's kunit.py.
#
# .kunitconfig in this directory serves the in-tree route: copy
# drivers/scard and include/ into a kernel tree, hook drivers/scard/Kconfig
# and Makefile into drivers/, and run
#   tools/testing/kunit/kunit.py run --kunitconfig=<that>/.kunitconfig

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/testing/deps.sh"
exec "$top/tools/testing/qemu/run.sh" --kunit "$@"
