// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: the pseudo-random generator (splitmix64, one state per
 * thread derived from the seed and the worker's numbers), output, counters,
 * heartbeats and the errno table of Documentation/userspace-api/scard.rst.
 */
#include "fuzz.h"
#include <dirent.h>
#include <stdarg.h>
#include <time.h>

struct shared *sh;
struct opts opt;
int worker_id = -1;
int worker_slot = -1;
unsigned int worker_gen;
long page_size;

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit add and a mix. */
__u64 rng_next(struct rng *r)
{
	__u64 z;

	r->s += 0x9e3779b97f4a7c15ULL;
	z = r->s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_init(struct rng *r, unsigned long long seed, unsigned int a,
	      unsigned int b, unsigned int c)
{
	r->s = seed;
	r->s ^= rng_next(r) + ((__u64)a << 40);
	r->s ^= rng_next(r) + ((__u64)b << 20);
	r->s ^= rng_next(r) + c;
	rng_next(r);
}

__u32 rnd(struct rng *r, __u32 n)
{
	return n ? (__u32)(rng_next(r) % n) : 0;
}

int chance(struct rng *r, __u32 percent)
{
	return rnd(r, 100) < percent;
}

/* A length up to @max, or one of the boundaries around it and 0. */
__u32 rnd_len(struct rng *r, __u32 max)
{
	switch (rnd(r, 12)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return max - 1;
	case 3:
		return max;
	case 4:
		return max + 1;
	case 5:
		return 0xffffffff;
	case 6:
		return 0x80000000u + rnd(r, 16);
	case 7:
		return rnd(r, 65600);
	default:
		return rnd(r, max + 2);
	}
}

void rnd_fill(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	__u64 v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = rng_next(r);
		p[i] = v;
		v >>= 8;
	}
}

__u32 pick_u32(struct rng *r, const __u32 *v, size_t n)
{
	return v[rnd(r, n)];
}

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/*
 * poll(), not nanosleep(): 32-bit nanosleep needs COMPAT_32BIT_TIME. The
 * time left is read once per round: read twice, the second read could be
 * past the end, and poll() with a negative timeout waits for ever (only a
 * signal would end it, and some threads block theirs).
 */
void sleep_ms(long ms)
{
	long end = now_ms() + ms, left;

	while ((left = end - now_ms()) > 0)
		poll(NULL, 0, left);
}

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf), "%s", prefix);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write() per line: the workers share the console. */
	if (write(1, buf, n) < 0)
		return;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void finding(const char *fmt, ...)
{
	char prefix[96];
	va_list ap;

	__atomic_fetch_add(&sh->findings, 1, __ATOMIC_RELAXED);
	snprintf(prefix, sizeof(prefix), "FINDING seed=%llu worker=%d gen=%u ",
		 opt.seed, worker_id, worker_gen);
	va_start(ap, fmt);
	vsay(prefix, fmt, ap);
	va_end(ap);
}

void count(enum counter c)
{
	__atomic_fetch_add(&sh->counters[c], 1, __ATOMIC_RELAXED);
}

void count_n(enum counter c, unsigned int n)
{
	__atomic_fetch_add(&sh->counters[c], n, __ATOMIC_RELAXED);
}

void beat(void)
{
	if (worker_slot >= 0)
		__atomic_fetch_add(&sh->beat[worker_slot], 1, __ATOMIC_RELAXED);
}

int stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&sh->counters[C_IOCTLS], __ATOMIC_RELAXED) >=
	       __atomic_load_n(&sh->ioctl_limit, __ATOMIC_RELAXED);
}

/* The errnos of Documentation/userspace-api/scard.rst, "Errors". */
int scard_errno_ok(int err)
{
	switch (err) {
	case ENOMEDIUM: case ETIMEDOUT: case EPROTO: case EOPNOTSUPP:
	case EBADFD: case EMEDIUMTYPE: case ENOSPC: case EMSGSIZE:
	case EBUSY: case ENODEV: case EAGAIN: case EINVAL: case EIO:
	case ENOMEM: case EBADF: case EFAULT: case ENOTTY: case EINTR:
		return 1;
	}
	return 0;
}

const char *ename(int err)
{
	const char *n;

	if (!err)
		return "success";
	n = strerrorname_np(err);
	return n ? n : "unknown-errno";
}

/*
 * The /dev/scardN there now (N < MAX_NODES) into the shared page. Only the
 * parent scans, a few times a second: on a debug kernel a path lookup
 * costs about as much as a hundred cheap ioctls.
 */
void scan_nodes(void)
{
	struct dirent *d;
	__u64 nodes = 0;
	char *end;
	DIR *dir;
	int v;

	dir = opendir("/dev");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "scard", 5))
			continue;
		v = strtol(d->d_name + 5, &end, 10);
		if (end == d->d_name + 5 || *end || v < 0 || v >= MAX_NODES)
			continue;
		nodes |= 1ULL << v;
	}
	closedir(dir);
	__atomic_store_n(&sh->nodes, nodes, __ATOMIC_RELAXED);
}

/* A reader that exists (or did a moment ago), else any N at times. */
int random_node(struct rng *r)
{
	__u64 nodes = __atomic_load_n(&sh->nodes, __ATOMIC_RELAXED);
	int n = __builtin_popcountll(nodes), pick;

	if (!n || chance(r, 3))
		return rnd(r, 24);
	pick = rnd(r, n);
	while (pick--)
		nodes &= nodes - 1;
	return __builtin_ctzll(nodes);
}
