// SPDX-License-Identifier: GPL-2.0
/*
 * scale_bench - many readers at once (tools/testing/bench/scale_bench.sh)
 *
 *	scale_bench wake [ROUNDS]
 *	scale_bench memory [ROUNDS]
 *
 * wake: 64 virtual readers with 16 threads blocked in IS_PRESENT on each
 * (1024 waiters, each on its own file). One card insertion per reader must
 * wake exactly that reader's 16 waiters; the figure is the time from the
 * first of the 64 insertions to the last waiter back in user space. The
 * floor is the same 1024 threads in poll() on 64 pipes, 16 per pipe, woken
 * by one write to each pipe. Rounds alternate; the medians are compared:
 *
 *	BENCH scale_wake ours=<ms> floor=<ms> ratio=<x>
 *
 * memory: kernel memory of 64 idle readers (created, nobody has them
 * open), from the slab accounting before and after: the objects of every
 * slab cache (/proc/slabinfo; exact when SLUB keeps no per-CPU slabs, as
 * with slub_debug=F), the kmalloc() allocations too large for a cache
 * (the Slab of /proc/meminfo beyond the caches' own pages) and vmalloc:
 *
 *	BENCH reader_idle_bytes ours=<bytes per reader> goal=8192
 *
 * Both print TAP lines ("ok - ...") for what they check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard.h>
#include <linux/scard_vhci.h>

#include "tap.h"

#define READERS		64
#define PER_READER	16
#define WAITERS		(READERS * PER_READER)
#define FILES		(READERS / SCARD_VHCI_MAX_READERS)
#define MAX_ROUNDS	64
#define SETTLE_MS	500	/* for 1024 threads to reach their wait */
#define ROUND_MS	20000	/* bound of a round */

static const unsigned char atr[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };

static int vhci[FILES];
static int reader_n[READERS];
static int pipes[READERS][2];
static int waiter_fd[WAITERS];
static int mode;		/* 0: IS_PRESENT, 1: poll() on a pipe */
static long long woke_ns[WAITERS];
static int waiter_err[WAITERS];
static int ready, done;
static pthread_barrier_t start;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int send_msg(int fd, __u32 type, __u32 reader, const void *data,
		    __u32 len)
{
	struct {
		struct scard_vhci_msg hdr;
		unsigned char data[sizeof(struct scard_vhci_create)];
	} m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.reader = reader;
	m.hdr.len = len;
	memcpy(m.data, data, len);
	if (write(fd, &m, sizeof(m.hdr) + len) != (ssize_t)(sizeof(m.hdr) + len))
		return errno ? errno : EIO;
	return 0;
}

/* Create the 64 readers; their scardN numbers go to reader_n[]. */
static int create_readers(void)
{
	struct scard_vhci_create c;
	struct scard_vhci_msg ev;
	struct pollfd p;
	int f, i, err;

	memset(&c, 0, sizeof(c));
	snprintf(c.vendor_name, sizeof(c.vendor_name), "scard");
	snprintf(c.ifd_type, sizeof(c.ifd_type), "scale bench");
	snprintf(c.ifd_serial, sizeof(c.ifd_serial), "SB-1");
	c.level = SCARD_VHCI_LEVEL_APDU;
	c.protocols = SCARD_PROTO_T1;
	for (f = 0; f < FILES; f++) {
		vhci[f] = open("/dev/scard_vhci", O_RDWR | O_CLOEXEC);
		if (vhci[f] < 0) {
			ok(0, "open /dev/scard_vhci: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < SCARD_VHCI_MAX_READERS; i++) {
			err = send_msg(vhci[f], SCARD_VHCI_CREATE, i, &c,
				       sizeof(c));
			p.fd = vhci[f];
			p.events = POLLIN;
			if (!err && (poll(&p, 1, 5000) != 1 ||
				     read(vhci[f], &ev, sizeof(ev)) < 0 ||
				     ev.type != SCARD_VHCI_EV_CREATED))
				err = EPROTO;
			if (err) {
				ok(0, "CREATE reader %d: %s", f * 16 + i,
				   strerror(err));
				return -1;
			}
			reader_n[f * SCARD_VHCI_MAX_READERS + i] = ev.arg;
		}
	}
	return 0;
}

static void close_readers(void)
{
	int f;

	for (f = 0; f < FILES; f++)
		close(vhci[f]);
}

static int insert(int r)
{
	return send_msg(vhci[r / SCARD_VHCI_MAX_READERS], SCARD_VHCI_INSERT,
			r % SCARD_VHCI_MAX_READERS, atr, sizeof(atr));
}

static int remove_card(int r)
{
	return send_msg(vhci[r / SCARD_VHCI_MAX_READERS], SCARD_VHCI_REMOVE,
			r % SCARD_VHCI_MAX_READERS, NULL, 0);
}

static void *waiter(void *arg)
{
	int i = (int)(intptr_t)arg, r = i / PER_READER, ret;
	struct pollfd p;

	for (;;) {
		pthread_barrier_wait(&start);
		if (mode < 0)
			return NULL;
		__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
		if (mode == 0) {
			ret = ioctl(waiter_fd[i], SCARD_IOC_IS_PRESENT);
		} else {
			p.fd = pipes[r][0];
			p.events = POLLIN;
			ret = poll(&p, 1, ROUND_MS) == 1 ? 0 : -1;
		}
		woke_ns[i] = now_ns();
		waiter_err[i] = ret < 0 ? errno : 0;
		__atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
	}
}

static int count_done(void)
{
	return __atomic_load_n(&done, __ATOMIC_SEQ_CST);
}

/* Wait until @n waiters are back, at most @ms. */
static int wait_done(int n, long ms)
{
	long long end = now_ns() + ms * 1000000LL;

	while (count_done() < n && now_ns() < end)
		sleep_ms(1);
	return count_done() >= n;
}

/* Start a round in @m; all waiters in their wait when it returns. */
static void round_start(int m)
{
	mode = m;
	__atomic_store_n(&ready, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&done, 0, __ATOMIC_SEQ_CST);
	pthread_barrier_wait(&start);
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < WAITERS)
		sleep_ms(1);
	sleep_ms(SETTLE_MS);
}

/* The 64 wake-ups of one round; returns ns to the last waiter, or -1. */
static long long round_wake(int m)
{
	long long t0, last = 0;
	char b = 1;
	int r, i, bad = 0;

	round_start(m);
	t0 = now_ns();
	for (r = 0; r < READERS; r++) {
		if (m == 0 ? insert(r) : write(pipes[r][1], &b, 1) != 1)
			bad++;
	}
	if (bad || !wait_done(WAITERS, ROUND_MS)) {
		ok(0, "%s round: %d of %d waiters back, %d triggers failed",
		   m ? "pipe" : "reader", count_done(), WAITERS, bad);
		return -1;
	}
	for (i = 0; i < WAITERS; i++) {
		if (waiter_err[i])
			bad++;
		if (woke_ns[i] > last)
			last = woke_ns[i];
	}
	/* Back to the start: cards out, pipes empty. */
	for (r = 0; r < READERS; r++) {
		if (m == 0 ? remove_card(r) : read(pipes[r][0], &b, 1) != 1)
			bad++;
	}
	if (bad) {
		ok(0, "%s round: %d errors", m ? "pipe" : "reader", bad);
		return -1;
	}
	return last - t0;
}

/* One insertion wakes exactly the 16 waiters of its reader. */
static void check_exact(void)
{
	int i, others = 0, mine = 0, r;

	round_start(0);
	insert(5);
	wait_done(PER_READER, 5000);
	sleep_ms(300);
	for (i = 0; i < WAITERS; i++) {
		if (!woke_ns[i])
			continue;
		if (i / PER_READER == 5)
			mine++;
		else
			others++;
	}
	ok(mine == PER_READER && !others,
	   "one insertion wakes exactly its reader's %d waiters (%d, and %d others)",
	   PER_READER, mine, others);
	for (r = 0; r < READERS; r++)
		if (r != 5)
			insert(r);
	ok(wait_done(WAITERS, ROUND_MS),
	   "the other 63 insertions wake the other %d waiters",
	   WAITERS - PER_READER);
	for (r = 0; r < READERS; r++)
		remove_card(r);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int bench_wake(int rounds)
{
	static pthread_t th[WAITERS];
	long long ours[MAX_ROUNDS], floor_ns[MAX_ROUNDS], o, f;
	pthread_attr_t attr;
	struct rlimit rl = { WAITERS + 256, WAITERS + 256 };
	char path[32];
	int i, k;

	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		ok(0, "RLIMIT_NOFILE %d: %s", WAITERS + 256, strerror(errno));
		return 1;
	}
	if (create_readers())
		return 1;
	for (i = 0; i < READERS; i++) {
		if (pipe2(pipes[i], O_CLOEXEC)) {
			ok(0, "pipe: %s", strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < WAITERS; i++) {
		snprintf(path, sizeof(path), "/dev/scard%d",
			 reader_n[i / PER_READER]);
		waiter_fd[i] = open(path, O_RDWR | O_CLOEXEC);
		if (waiter_fd[i] < 0) {
			ok(0, "open %s: %s", path, strerror(errno));
			return 1;
		}
	}
	pthread_barrier_init(&start, NULL, WAITERS + 1);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < WAITERS; i++) {
		if (pthread_create(&th[i], &attr, waiter, (void *)(intptr_t)i)) {
			ok(0, "pthread_create %d", i);
			return 1;
		}
	}
	memset(woke_ns, 0, sizeof(woke_ns));
	check_exact();

	for (k = 0; k < rounds; k++) {
		o = round_wake(0);
		f = round_wake(1);
		if (o < 0 || f < 0)
			return 1;
		ours[k] = o;
		floor_ns[k] = f;
		printf("# round %d: readers %.2f ms, pipes %.2f ms\n", k,
		       o / 1e6, f / 1e6);
	}
	ok(1, "%d rounds of %d wake-ups on %d readers and on %d pipes",
	   rounds, WAITERS, READERS, READERS);
	qsort(ours, rounds, sizeof(ours[0]), cmp_ll);
	qsort(floor_ns, rounds, sizeof(floor_ns[0]), cmp_ll);
	o = ours[rounds / 2];
	f = floor_ns[rounds / 2];
	printf("BENCH scale_wake ours=%.3f floor=%.3f ratio=%.2f\n", o / 1e6,
	       f / 1e6, (double)o / f);

	mode = -1;
	pthread_barrier_wait(&start);
	for (i = 0; i < WAITERS; i++) {
		pthread_join(th[i], NULL);
		close(waiter_fd[i]);
	}
	close_readers();
	return failures ? 1 : 0;
}

#define MAX_CACHES	512

/* Kernel memory in the slab caches' objects, their pages, vmalloc. */
struct kmem {
	int n;			/* caches seen */
	char name[MAX_CACHES][64];
	long long bytes[MAX_CACHES];	/* per cache */
	long long objects;	/* bytes of the allocated objects */
	long long pages;	/* bytes of the caches' slabs */
	long long slab;		/* Slab of /proc/meminfo */
	long long vmalloc;	/* VmallocUsed */
};

static int read_kmem(struct kmem *m)
{
	char line[512], name[64];
	long long active, num, size, per, pages, aslabs, nslabs;
	FILE *f;

	memset(m, 0, sizeof(*m));
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line,
			   "%63s %lld %lld %lld %lld %lld : tunables %*d %*d %*d : slabdata %lld %lld",
			   name, &active, &num, &size, &per, &pages, &aslabs,
			   &nslabs) != 8)
			continue;
		m->objects += active * size;
		if (m->n < MAX_CACHES) {
			snprintf(m->name[m->n], sizeof(m->name[0]), "%s", name);
			m->bytes[m->n++] = active * size;
		}
		m->pages += nslabs * pages * 4096;
	}
	fclose(f);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %lld kB", &m->slab) == 1)
			continue;
		if (sscanf(line, "VmallocUsed: %lld kB", &m->vmalloc) == 1)
			continue;
	}
	fclose(f);
	m->slab *= 1024;
	m->vmalloc *= 1024;
	return 0;
}

/* Bytes allocated between @a and @b. */
static long long kmem_delta(const struct kmem *a, const struct kmem *b)
{
	long long large_a = a->slab - a->pages, large_b = b->slab - b->pages;

	return (b->objects - a->objects) + (large_b - large_a) +
	       (b->vmalloc - a->vmalloc);
}

/* The caches that grew most from @a to @b, per reader. */
static void kmem_top(const struct kmem *a, const struct kmem *b)
{
	char text[512] = "";
	int i, j, k, best;
	long long d, bd;
	size_t len = 0;
	unsigned char used[MAX_CACHES] = { 0 };

	for (k = 0; k < 8; k++) {
		best = -1;
		bd = 0;
		for (i = 0; i < b->n; i++) {
			for (j = 0; j < a->n; j++)
				if (!strcmp(a->name[j], b->name[i]))
					break;
			d = b->bytes[i] - (j < a->n ? a->bytes[j] : 0);
			if (!used[i] && d > bd) {
				bd = d;
				best = i;
			}
		}
		if (best < 0 || bd < READERS * 64)
			break;
		used[best] = 1;
		len += snprintf(text + len, sizeof(text) - len, " %s %lld",
				b->name[best], bd / READERS);
		if (len >= sizeof(text))
			break;
	}
	printf("# per reader, the caches that grew most:%s\n", text);
}

static int bench_memory(int rounds)
{
	static struct kmem before, after, gone;
	long long per[MAX_ROUNDS], back = 0;
	int k;

	/* A first round off the books: caches and sysfs warm up. */
	if (create_readers())
		return 1;
	close_readers();
	sleep_ms(1000);
	for (k = 0; k < rounds; k++) {
		if (read_kmem(&before)) {
			ok(0, "/proc/slabinfo: %s", strerror(errno));
			return 1;
		}
		if (create_readers())
			return 1;
		sleep_ms(1000);
		read_kmem(&after);
		close_readers();
		sleep_ms(1000);
		read_kmem(&gone);
		per[k] = kmem_delta(&before, &after) / READERS;
		if (!k)
			kmem_top(&before, &after);
		back += kmem_delta(&before, &gone);
		printf("# round %d: %lld bytes per reader ", k, per[k]);
		printf("(objects %lld, large %lld, vmalloc %lld for %d readers); ",
		       after.objects - before.objects,
		       (after.slab - after.pages) - (before.slab - before.pages),
		       after.vmalloc - before.vmalloc, READERS);
		printf("%lld bytes not back after they went\n",
		       kmem_delta(&before, &gone));
	}
	qsort(per, rounds, sizeof(per[0]), cmp_ll);
	printf("BENCH reader_idle_bytes ours=%lld goal=8192\n", per[rounds / 2]);
	ok(per[rounds / 2] > 0, "an idle reader costs %lld bytes",
	   per[rounds / 2]);
	ok(back / rounds < 8192,
	   "the memory comes back when the readers go (%lld bytes a round)",
	   back / rounds);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rounds;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: scale_bench wake|memory [ROUNDS]\n");
		return 2;
	}
	rounds = argc == 3 ? atoi(argv[2]) : 0;
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = !strcmp(argv[1], "wake") ? 9 : 5;
	if (!strcmp(argv[1], "wake"))
		return bench_wake(rounds);
	if (!strcmp(argv[1], "memory"))
		return bench_memory(rounds);
	fprintf(stderr, "usage: scale_bench wake|memory [ROUNDS]\n");
	return 2;
}
