// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: waiters and open racers.
 *
 * A waiter opens random readers and waits in SCARD_IOC_IS_PRESENT,
 * SCARD_IOC_IS_ABSENT and poll(); the parent's signals (a handler without
 * SA_RESTART) and SIGKILLs end the waits, and so do the controllers'
 * card changes and unplugs.
 *
 * An open racer hammers open() (O_EXCL at times) and close() on the
 * reader nodes from two threads while the controllers destroy readers.
 */
#include "fuzz.h"

#define NRACERS		2
#define RACER_MS	80	/* between two opens: 80 to 160 ms */

static void wait_check(const char *what, int fd, int flags, int ret)
{
	int err = ret < 0 ? errno : 0;

	count(C_IOCTLS);
	count(C_WAITS);
	if (!err) {
		count(C_IOCTL_OK);
		return;
	}
	__atomic_fetch_add(&sh->errnos[err & 255], 1, __ATOMIC_RELAXED);
	if (err == EINTR)
		count(C_WAIT_EINTR);
	if (!scard_errno_ok(err))
		finding("waiter %s on fd %d: %s", what, fd, ename(err));
	else if (err == EAGAIN && !(flags & O_NONBLOCK))
		finding("waiter %s on a blocking fd: EAGAIN", what);
}

static void wait_poll(struct rng *r, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };
	int ret;

	count(C_POLLS);
	count(C_WAITS);
	ret = poll(&p, 1, rnd(r, 500));
	if (ret < 0 && errno == EINTR)
		count(C_WAIT_EINTR);
	else if (ret < 0)
		finding("waiter poll: %s", ename(errno));
	else if (ret && (p.revents & POLLNVAL))
		finding("waiter poll: POLLNVAL on an open file");
}

void waiter_worker(void)
{
	struct scard_state st;
	unsigned int k, n;
	struct rng r;
	int fd, flags;

	rng_init(&r, opt.seed, worker_id, worker_gen, 0x3a17);
	while (!stopping()) {
		beat();
		flags = O_CLOEXEC | (chance(&r, 40) ? O_RDONLY : O_RDWR);
		if (chance(&r, 15))
			flags |= O_NONBLOCK;
		fd = fuzz_open(&r, random_node(&r), flags);
		if (fd < 0) {
			sleep_ms(100 + rnd(&r, 100));
			continue;
		}
		n = 1 + rnd(&r, 6);
		for (k = 0; k < n && !stopping(); k++) {
			switch (rnd(&r, 5)) {
			case 0:
			case 1:
				wait_check("IS_PRESENT", fd, flags,
					   ioctl(fd, SCARD_IOC_IS_PRESENT));
				break;
			case 2:
				wait_check("IS_ABSENT", fd, flags,
					   ioctl(fd, SCARD_IOC_IS_ABSENT));
				break;
			case 3:
				wait_poll(&r, fd);
				break;
			default:
				wait_check("GET_STATE", fd, flags,
					   ioctl(fd, SCARD_IOC_GET_STATE, &st));
				break;
			}
			beat();
		}
		close(fd);
		count(C_CLOSES);
	}
	exit(0);
}

static unsigned int racer_progress[NRACERS];	/* atomics */
static int racer_done[NRACERS];

static void *racer_thread(void *arg)
{
	unsigned int i = (uintptr_t)arg;
	struct scard_state st;
	struct rng r;
	int fd, flags, ret;

	rng_init(&r, opt.seed, worker_id, worker_gen, 0x4ace + i);
	while (!stopping()) {
		__atomic_fetch_add(&racer_progress[i], 1, __ATOMIC_RELAXED);
		flags = O_CLOEXEC | (chance(&r, 30) ? O_RDONLY : O_RDWR);
		if (chance(&r, 30))
			flags |= O_EXCL;
		fd = fuzz_open(&r, random_node(&r), flags);
		if (fd < 0) {
			sleep_ms(RACER_MS + rnd(&r, RACER_MS));
			continue;
		}
		if (chance(&r, 50)) {
			ret = ioctl(fd, SCARD_IOC_GET_STATE, &st);
			count(C_IOCTLS);
			if (!ret)
				count(C_IOCTL_OK);
			else if (errno != ENODEV && errno != EINTR)
				finding("racer GET_STATE: %s", ename(errno));
		}
		close(fd);
		count(C_CLOSES);
		/*
		 * Between two opens: a node's open costs as much as a
		 * hundred cheap ioctls on a debug kernel; the races need the
		 * unplugs, not a high rate.
		 */
		sleep_ms(RACER_MS + rnd(&r, RACER_MS));
	}
	__atomic_store_n(&racer_done[i], 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * The racer's main thread takes no SIGUSR1: the parent's signals go to
 * the threads that make the calls, and at the end each is woken by its
 * own signal until it returns.
 */
void racer_worker(void)
{
	unsigned int last[NRACERS] = { 0 }, i, moved, ended, p;
	pthread_t t[NRACERS];
	int d;
	sigset_t set;

	for (i = 0; i < NRACERS; i++)
		if (pthread_create(&t[i], NULL, racer_thread,
				   (void *)(uintptr_t)i))
			exit(2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		sleep_ms(50);
		for (i = moved = ended = 0; i < NRACERS; i++) {
			p = __atomic_load_n(&racer_progress[i],
					    __ATOMIC_RELAXED);
			moved += p != last[i];
			d = __atomic_load_n(&racer_done[i], __ATOMIC_ACQUIRE);
			ended += d;
			/* At the end, wake a thread not yet returned. */
			if (!d && stopping())
				pthread_kill(t[i], SIGUSR1);
		}
		if (ended == NRACERS)
			break;
		if (moved == NRACERS) {
			beat();
			for (i = 0; i < NRACERS; i++)
				last[i] = __atomic_load_n(&racer_progress[i],
							  __ATOMIC_RELAXED);
		}
	}
	/* No join: each thread has said it returned. */
	_exit(0);
}
