// SPDX-License-Identifier: GPL-2.0
/*
 * Timing, statistics, the card trigger and the insertion benchmark loop
 * shared by ccid_bench and pcsc_bench.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int failed;

void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		failed = 1;
}

void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int bench_failed(void)
{
	return failed;
}

long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int bench_rsp_ok(const unsigned char *rsp, size_t len)
{
	size_t i;

	if (len != BENCH_RSP_LEN)
		return 0;
	for (i = 0; i < len - 2; i++)
		if (rsp[i] != i)
			return 0;
	return rsp[len - 2] == 0x90 && rsp[len - 1] == 0x00;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static long long pct(const long long *v, unsigned int n, unsigned int p)
{
	unsigned int r = (n * p + 99) / 100;

	return v[r ? r - 1 : 0];
}

/*
 * With BENCH_SAMPLES set in the environment, the samples are also appended
 * to that file (nanoseconds, one per line), for figures pooled over runs.
 */
static void save_samples(const long long *ns, unsigned int n)
{
	const char *path = getenv("BENCH_SAMPLES");
	unsigned int i;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f) {
		diag("%s: %s", path, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++)
		fprintf(f, "%lld\n", ns[i]);
	fclose(f);
}

void bench_result(const char *name, long long *ns, unsigned int n)
{
	if (!n) {
		diag("%s: no samples", name);
		return;
	}
	save_samples(ns, n);
	qsort(ns, n, sizeof(*ns), cmp_ll);
	printf("RESULT %s n=%u p50=%.1f p99=%.1f min=%.1f\n", name, n,
	       pct(ns, n, 50) / 1e3, pct(ns, n, 99) / 1e3, ns[0] / 1e3);
	fflush(stdout);
}

/* Reads one line (without its newline) within BENCH_WAIT_MS; 0 on success. */
static int read_line(int fd, char *line, size_t size)
{
	long long end = now_ns() + BENCH_WAIT_MS * 1000000LL;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;

	while (len < size - 1) {
		long long left = (end - now_ns()) / 1000000;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		if (read(fd, line + len, 1) != 1)
			return -1;
		if (line[len] == '\n') {
			line[len] = 0;
			return 0;
		}
		len++;
	}
	return -1;
}

/*
 * Opens the serial port to vsc-card and synchronises with it: what an
 * earlier user left unread is dropped up to the answer to a ping.
 */
int trig_open(const char *tty)
{
	struct termios t;
	int fd, i;

	fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		diag("open %s: %s", tty, strerror(errno));
		return -1;
	}
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	tcflush(fd, TCIOFLUSH);
	if (trig_send(fd, "ping"))
		goto fail;
	for (i = 0; i < 8; i++) {
		char line[128];

		if (read_line(fd, line, sizeof(line)))
			break;
		if (!strcmp(line, "ok pong"))
			return fd;
	}
fail:
	diag("vsc-card does not answer on %s", tty);
	close(fd);
	return -1;
}

int trig_send(int fd, const char *cmd)
{
	char line[64];
	int n;

	n = snprintf(line, sizeof(line), "%s\n", cmd);
	return write(fd, line, n) == n ? 0 : -1;
}

int trig_reply(int fd)
{
	char line[128];

	if (read_line(fd, line, sizeof(line))) {
		diag("vsc-card: no answer");
		return -1;
	}
	if (!strncmp(line, "ok", 2))
		return 0;
	diag("vsc-card: %s", line);
	return -1;
}

int trig_cmd(int fd, const char *cmd)
{
	if (trig_send(fd, cmd))
		return -1;
	return trig_reply(fd);
}

/* ---- insertion benchmark ---- */

struct waiter {
	const struct insert_path *p;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pid_t tid;
	int done;
	int ret;
	long long t1;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	int ret;

	pthread_mutex_lock(&w->lock);
	w->tid = (pid_t)syscall(SYS_gettid);
	pthread_mutex_unlock(&w->lock);
	ret = w->p->wait_present(w->p->ctx);
	pthread_mutex_lock(&w->lock);
	w->t1 = now_ns();
	w->ret = ret;
	w->done = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* The scheduler state of thread TID ('S': sleeping), 0 if unknown. */
static char task_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Waits until the waiter sleeps in its wait; 0 on success. */
static int waiter_asleep(struct waiter *w)
{
	int i;

	for (i = 0; i < BENCH_WAIT_MS; i++) {
		pid_t tid;
		int done;

		pthread_mutex_lock(&w->lock);
		tid = w->tid;
		done = w->done;
		pthread_mutex_unlock(&w->lock);
		if (done)
			return -1;
		if (tid && task_state(tid) == 'S') {
			/* Let the path finish arming (pcscd's side). */
			sleep_ms(20);
			return 0;
		}
		sleep_ms(1);
	}
	return -1;
}

/* Waits for the waiter's end, bounded; interrupts it on a timeout. */
static int waiter_end(struct waiter *w, pthread_t th)
{
	struct timespec ts;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += BENCH_WAIT_MS / 1000;
	pthread_mutex_lock(&w->lock);
	while (!w->done && !ret)
		ret = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	pthread_mutex_unlock(&w->lock);
	if (ret) {
		pthread_kill(th, SIGUSR1);
		pthread_join(th, NULL);
		return -1;
	}
	pthread_join(th, NULL);
	return w->ret;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int insert_one(const struct insert_path *p, int tfd, long long *lat)
{
	struct waiter w = { .p = p };
	long long t0;
	pthread_t th;
	int ret;

	if (trig_cmd(tfd, "remove") || p->wait_absent(p->ctx)) {
		diag("%s: the card did not go", p->name);
		return -1;
	}
	sleep_ms(BENCH_EVENT_GAP_MS);

	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	if (pthread_create(&th, NULL, waiter_main, &w))
		return -1;
	if (waiter_asleep(&w)) {
		pthread_kill(th, SIGUSR1);
		pthread_join(th, NULL);
		diag("%s: the waiter did not block", p->name);
		return -1;
	}
	t0 = now_ns();
	ret = trig_send(tfd, "insert");
	if (waiter_end(&w, th) || ret) {
		diag("%s: no wake-up on insertion", p->name);
		trig_reply(tfd);
		return -1;
	}
	*lat = w.t1 - t0;
	ret = trig_reply(tfd);
	sleep_ms(BENCH_EVENT_GAP_MS);
	return ret;
}

int bench_insert(const struct insert_path *p, const char *tty, unsigned int k)
{
	struct sigaction sa;
	long long *lat;
	unsigned int i, n = 0;
	int tfd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: a wait returns EINTR */
	sigaction(SIGUSR1, &sa, NULL);

	tfd = trig_open(tty);
	lat = calloc(k, sizeof(*lat));
	if (tfd < 0 || !lat) {
		free(lat);
		return -1;
	}
	for (i = 0; i < k + BENCH_WARMUP_INSERTS; i++) {
		if (insert_one(p, tfd, &lat[n]))
			break;
		if (i >= BENCH_WARMUP_INSERTS)
			n++;
	}
	ok(n == k, "%s: %u of %u insertions woke the waiter", p->name, n, k);
	bench_result(p->name, lat, n);
	free(lat);
	close(tfd);
	return n == k ? 0 : -1;
}
