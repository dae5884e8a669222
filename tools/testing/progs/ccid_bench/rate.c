// SPDX-License-Identifier: GPL-2.0
/*
 * The aggregate APDU rate of several readers at once (the slots of one
 * multi-slot reader): a thread per /dev/scardN, each with its card cold
 * reset to T=0 and one warm-up exchange, then all released together for
 * N TRANSMITs each. The time runs from the release to the last thread's
 * end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ccid_bench.h"

/* ccid_gadget's card: 80 EF answers Le bytes 00 01 ..., as BENCH_APDU. */
static const unsigned char rate_apdu[] = { 0x80, 0xef, 0x00, 0x00, 0x10 };

struct rate_dev {
	const char *path;
	unsigned int n, good;
	int ready;		/* connected and warmed up */
	long long end;
	pthread_t th;
};

static pthread_barrier_t start;

static void *rate_main(void *arg)
{
	struct rate_dev *d = arg;
	unsigned int i;
	int fd;

	fd = open(d->path, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && !connect_t0(fd) &&
	    !transmit(fd, rate_apdu, sizeof(rate_apdu)))
		d->ready = 1;
	pthread_barrier_wait(&start);
	for (i = 0; d->ready && i < d->n; i++) {
		if (transmit(fd, rate_apdu, sizeof(rate_apdu)))
			break;
		d->good++;
	}
	d->end = now_ns();
	if (fd >= 0)
		close(fd);
	return NULL;
}

int scard_rate(unsigned int n, int ndev, char **devs)
{
	struct rate_dev *d = calloc(ndev, sizeof(*d));
	unsigned int total = 0;
	long long t0, end = 0;
	double secs;
	int i, started = 0;

	if (!d || pthread_barrier_init(&start, NULL, ndev + 1)) {
		ok(0, "rate: set up");
		free(d);
		return -1;
	}
	for (i = 0; i < ndev; i++) {
		d[i].path = devs[i];
		d[i].n = n;
		if (pthread_create(&d[i].th, NULL, rate_main, &d[i]))
			break;
		started++;
	}
	if (started < ndev) {
		/* The barrier cannot be passed: nothing is measured. */
		ok(0, "rate: %d threads", ndev);
		exit(1);
	}
	pthread_barrier_wait(&start);
	t0 = now_ns();
	for (i = 0; i < ndev; i++) {
		pthread_join(d[i].th, NULL);
		ok(d[i].ready, "rate: %s: cold reset, T=0", d[i].path);
		ok(d[i].good == n, "rate: %s: %u of %u TRANSMITs answered 90 00",
		   d[i].path, d[i].good, n);
		total += d[i].good;
		if (d[i].end > end)
			end = d[i].end;
	}
	secs = (end - t0) / 1e9;
	printf("RESULT rate n=%u seconds=%.3f aps=%.2f\n", total, secs,
	       secs > 0 ? total / secs : 0.0);
	fflush(stdout);
	pthread_barrier_destroy(&start);
	free(d);
	return total == n * (unsigned int)ndev ? 0 : -1;
}
