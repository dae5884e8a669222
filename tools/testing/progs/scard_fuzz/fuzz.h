/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard_fuzz - a seeded fuzzer of the scard character devices, the
 * virtual reader control device and the serial line discipline, run in
 * the QEMU guest. Shared declarations of its parts:
 *
 *	main.c		options, the worker processes and their supervision
 *	rng.c		the per-worker pseudo-random generator, helpers
 *	ptr.c		user pointers: valid, NULL, unmapped, read-only, ...
 *	ioctl.c		ioctl workers and the random request generator
 *	vhci.c		virtual reader controllers (/dev/scard_vhci)
 *	waiter.c	IS_PRESENT / IS_ABSENT / poll() waiters, open racers
 *	serial.c	the serial line discipline on a pty pair
 *	check.c		the end check: a fresh reader works
 */
#ifndef SCARD_FUZZ_H
#define SCARD_FUZZ_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/scard.h>
#include <linux/scard_serial.h>
#include <linux/scard_vhci.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define VHCI_PATH	"/dev/scard_vhci"
#define MAX_NODES	64	/* /dev/scardN looked at: N < MAX_NODES */
#define MAX_CHILDREN	24
#define BIGBUF		(SCARD_VHCI_MAX_PAYLOAD + 64)

/* Kinds of worker processes. */
enum kind { K_IOCTL, K_VHCI, K_WAITER, K_RACER, K_SERIAL, K_NKINDS };

/* Counters, in the shared page; updated with atomics. */
enum counter {
	C_IOCTLS,		/* ioctls issued, every kind of worker */
	C_IOCTL_OK,		/* ... that succeeded */
	C_IOCTL_RAW,		/* random _IOC numbers */
	C_OPENS,		/* open() of a /dev/scardN that worked */
	C_OPEN_ERR,		/* ... that failed (vanished, O_EXCL) */
	C_CLOSES,
	C_POLLS,
	C_VHCI_WRITES,		/* messages written to /dev/scard_vhci */
	C_VHCI_WERR,		/* ... refused */
	C_VHCI_READS,		/* messages read */
	C_VHCI_REQS,		/* requests of the readers */
	C_VHCI_ANSWERS,		/* answers written (any kind) */
	C_VHCI_CREATES,		/* readers created */
	C_VHCI_DESTROYS,
	C_VHCI_INSERTS,
	C_VHCI_GARBAGE,		/* garbage messages */
	C_VHCI_CLOSES,		/* the file closed with readers */
	C_CTRL_KILLS,		/* controllers killed by the parent */
	C_WAITS,		/* IS_PRESENT / IS_ABSENT / poll() waits */
	C_WAIT_EINTR,		/* ... interrupted by a signal */
	C_WAITER_KILLS,
	C_SIGNALS,		/* signals sent by the parent */
	C_SERIAL_ATTACH,	/* ATTACH ioctls */
	C_SERIAL_ATTACH_OK,
	C_SERIAL_BYTES,		/* bytes written into the pty master */
	C_SERIAL_FRAMES,	/* plausible twin frames among them */
	C_SERIAL_HANGUPS,
	C_RESPAWNS,
	C_NCOUNTERS
};

/* The page shared by the parent and every worker. */
struct shared {
	int stop;			/* workers return when set (atomics) */
	unsigned int findings;
	unsigned int bugs;		/* the fuzzer's own faults */
	unsigned int ioctl_limit;
	unsigned int counters[C_NCOUNTERS];
	unsigned int errnos[256];	/* failed ioctls by errno */
	unsigned int beat[MAX_CHILDREN];/* heartbeats, by child slot */
	__u64 nodes;			/* the /dev/scardN there: bit N */
};

/* Per-thread generator state (splitmix64). */
struct rng {
	__u64 s;
};

/* Options. */
struct opts {
	unsigned long long seed;
	unsigned int ioctls;
	unsigned int seconds;
	unsigned int procs;
	unsigned int stuck_s;
	int serial;
	int kills;		/* SIGKILL controllers and waiters */
	int check;		/* the end check */
	int verbose;
};

extern struct shared *sh;
extern struct opts opt;
extern int worker_id;		/* this process's worker number */
extern int worker_slot;		/* its heartbeat slot, -1 in the parent */
extern unsigned int worker_gen;	/* its generation (respawns) */
extern long page_size;

/* rng.c */
void rng_init(struct rng *r, unsigned long long seed, unsigned int a,
	      unsigned int b, unsigned int c);
__u64 rng_next(struct rng *r);
__u32 rnd(struct rng *r, __u32 n);	/* 0 .. n - 1 */
int chance(struct rng *r, __u32 percent);
__u32 rnd_len(struct rng *r, __u32 max);	/* boundary-biased */
void rnd_fill(struct rng *r, void *buf, size_t len);
__u32 pick_u32(struct rng *r, const __u32 *v, size_t n);
long now_ms(void);
void sleep_ms(long ms);
#define ATTRIBUTE	__attribute__
#define __printf(a, b)	ATTRIBUTE((format(printf, a, b)))
__printf(1, 2) void say(const char *fmt, ...);
__printf(1, 2) void finding(const char *fmt, ...);
void count(enum counter c);
void count_n(enum counter c, unsigned int n);
void beat(void);
int stopping(void);
int scard_errno_ok(int err);
const char *ename(int err);
void scan_nodes(void);
int random_node(struct rng *r);

/* ptr.c */
void ptr_setup(void);
__u64 fuzz_ptr(struct rng *r, void *valid, size_t len, int out,
	       const char **what);
unsigned long fuzz_arg(struct rng *r, const void *arg, size_t len,
		       int out, const char **what);

/* ioctl.c */
void ioctl_worker(void);
int fuzz_one_ioctl(struct rng *r, int fd, int acc, char *why,
		   size_t why_len);
int fuzz_open(struct rng *r, int n, int flags);
int open_flags(struct rng *r);

/* vhci.c */
void vhci_controller(void);

/* waiter.c */
void waiter_worker(void);
void racer_worker(void);

/* serial.c */
int serial_ldisc(void);
void serial_worker(void);

/* check.c */
int check_reader(void);

#endif /* SCARD_FUZZ_H */
