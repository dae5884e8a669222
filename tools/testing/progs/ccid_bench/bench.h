/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by ccid_bench (static, in the guest) and pcsc_bench (linked
 * against the host's libpcsclite, run in the guest from the host's root):
 * timing, statistics, the card trigger and the waiter thread of the
 * card-insertion benchmarks.
 */
#ifndef CCID_BENCH_H
#define CCID_BENCH_H

#include <stddef.h>

#define BENCH_WAIT_MS		5000	/* bound of every wait on the card */
#define BENCH_EVENT_GAP_MS	300	/* QEMU latches one notification */
/*
 * Not counted: the first round trips and the first insertion of a run page
 * in code and data (over 9p for pcsc_bench and the pcscd it talks to) and
 * fill QEMU's translation cache; they measure the start, not the path.
 */
#define BENCH_WARMUP_APDUS	10
#define BENCH_WARMUP_INSERTS	1

/* The command of the round trips: case 2, 16 bytes + 90 00 from vsc-card. */
#define BENCH_APDU		{ 0x80, 0x10, 0x00, 0x00, 0x10 }
#define BENCH_RSP_LEN		18

#define ATTRIBUTE	__attribute__

void ok(int cond, const char *fmt, ...) ATTRIBUTE((format(printf, 2, 3)));
void diag(const char *fmt, ...) ATTRIBUTE((format(printf, 1, 2)));
int bench_failed(void);

long long now_ns(void);
void sleep_ms(int ms);

/* Is RSP the answer of vsc-card to BENCH_APDU? */
int bench_rsp_ok(const unsigned char *rsp, size_t len);

/* Prints "RESULT NAME n=N p50=US p99=US min=US" for N samples in ns. */
void bench_result(const char *name, long long *ns, unsigned int n);

/*
 * The card trigger: the guest's serial port to tools/testing/ccid/vsc-card.
 * trig_send() writes a command line; trig_reply() waits for the answer
 * and returns 0 on "ok".
 */
int trig_open(const char *tty);
int trig_send(int fd, const char *cmd);
int trig_reply(int fd);
int trig_cmd(int fd, const char *cmd);

/*
 * A card-insertion benchmark: K times, remove the card and wait until the
 * path sees it gone, then block a thread in the path's wait, stamp t0,
 * insert the card and stamp t1 when the waiter returns.
 */
struct insert_path {
	const char *name;
	/* Block until the card is absent (bounded); 0 on success. */
	int (*wait_absent)(void *ctx);
	/*
	 * Called in the waiter thread: blocks until the card is present, 0
	 * on success. Bounded, or interrupted by SIGUSR1 (no SA_RESTART).
	 */
	int (*wait_present)(void *ctx);
	void *ctx;
};

int bench_insert(const struct insert_path *p, const char *tty, unsigned int k);

#endif /* CCID_BENCH_H */
