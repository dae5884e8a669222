#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job ("make run"): boot Debian's stock kernel (the first of
# SCARD_KERNELS, common.sh) in QEMU with the scard modules and run the demo
# scenario, showing what the guest does.

set -euo pipefail
. "$(dirname "$0")/common.sh"

rc=0
"$SCARD_TOP/tools/testing/qemu/run.sh" --kernel stock demo || rc=$?
log=$SCARD_OUT/${SCARD_KERNELS%% *}/logs/demo.log
if [ ! -f "$log" ]; then
	scard_log "no guest log $log: the demo did not boot (see the lines above)"
	exit 1
fi
echo "--- guest output ($log)"
awk '/^SCARD-SCENARIO-BEGIN demo$/ { on = 1; next }
     /^SCARD-SCENARIO-(END|TIME) demo / { on = 0 } on' "$log"
exit $rc
