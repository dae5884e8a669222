# SPDX-License-Identifier: GPL-2.0
#
# Job slots shared by every test run under one SCARD_OUT (sourced, not run).
# A QEMU guest under TCG keeps one core busy, so at most SCARD_JOBS (the
# number of cores by default) guests and builds run at once, whichever
# run.sh or check.sh step starts them. Waiting jobs queue by priority: the
# longest expected job first, so that the run ends as early as it can.
#
#   slot_run PRIO CMD...   run CMD holding a slot; PRIO: expected seconds
#   SLOT_FD                the lock's descriptor while CMD runs (helpers
#                          that outlive CMD close it: "exec {SLOT_FD}>&-")

SCARD_JOBS=${SCARD_JOBS:-$(nproc)}
SLOT_DIR=$SCARD_OUT/.slots
SLOT_FD=

slot_run()
{
	local prio=$1 ticket i fd first rc=0 t pid=$BASHPID
	shift

	mkdir -p "$SLOT_DIR/queue"
	# Tickets sort by priority (longest first), then by arrival; they
	# end in the waiter's PID.
	ticket=$(printf '%08d.%s.%d' $((99999999 - prio)) "$(date +%s%N)" \
		 "$pid")
	: >"$SLOT_DIR/queue/$ticket"
	while :; do
		first=
		for t in $(ls "$SLOT_DIR/queue" 2>/dev/null | sort); do
			# A waiter that died without removing its ticket.
			if ! kill -0 "${t##*.}" 2>/dev/null; then
				rm -f "$SLOT_DIR/queue/$t"
				continue
			fi
			first=$t
			break
		done
		if [ "$first" = "$ticket" ]; then
			for ((i = 0; i < SCARD_JOBS; i++)); do
				exec {fd}>"$SLOT_DIR/$i"
				if flock -n "$fd"; then
					rm -f "$SLOT_DIR/queue/$ticket"
					SLOT_FD=$fd
					"$@" || rc=$?
					SLOT_FD=
					exec {fd}>&-
					return $rc
				fi
				exec {fd}>&-
			done
		fi
		sleep 0.3
	done
}
