// SPDX-License-Identifier: GPL-2.0
/*
 * Ours: the reader through /dev/scardN (scard_ccid_usb): TRANSMIT round
 * trips over T=0, and a process blocked in SCARD_IOC_IS_PRESENT woken by
 * the card's insertion.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/scard.h>

#include "ccid_bench.h"

int connect_t0(int fd)
{
	struct scard_protocol sp = { .mask = SCARD_PROTO_T0 };
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };

	if (ioctl(fd, SCARD_IOC_POWER, &pw)) {
		diag("POWER: %s", strerror(errno));
		return -1;
	}
	if (ioctl(fd, SCARD_IOC_SET_PROTOCOL, &sp)) {
		diag("SET_PROTOCOL: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int transmit(int fd, const unsigned char *apdu, size_t len)
{
	unsigned char rsp[258];
	struct scard_transmit t = {
		.protocol = SCARD_PROTO_T0,
		.send_buf = (uintptr_t)apdu,
		.send_len = len,
		.recv_buf = (uintptr_t)rsp,
		.recv_len = sizeof(rsp),
	};

	if (ioctl(fd, SCARD_IOC_TRANSMIT, &t)) {
		diag("TRANSMIT: %s", strerror(errno));
		return -1;
	}
	return bench_rsp_ok(rsp, t.recv_len) ? 0 : -1;
}

int scard_apdu(const char *dev, unsigned int n)
{
	static const unsigned char apdu[] = BENCH_APDU;
	unsigned int i, good = 0;
	long long *lat;
	int fd;

	lat = calloc(n, sizeof(*lat));
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (!lat || fd < 0) {
		ok(0, "scard: open %s", dev);
		free(lat);
		return -1;
	}
	ok(!connect_t0(fd), "scard: cold reset, T=0");
	for (i = 0; i < n + BENCH_WARMUP_APDUS; i++) {
		long long t0 = now_ns();

		if (transmit(fd, apdu, sizeof(apdu)))
			break;
		if (i >= BENCH_WARMUP_APDUS)
			lat[good++] = now_ns() - t0;
	}
	ok(good == n, "scard: %u of %u TRANSMITs answered correctly", good, n);
	bench_result("scard_apdu", lat, good);
	close(fd);
	free(lat);
	return good == n ? 0 : -1;
}

static int scard_wait_absent(void *ctx)
{
	return ioctl(*(int *)ctx, SCARD_IOC_IS_ABSENT) ? -1 : 0;
}

static int scard_wait_present(void *ctx)
{
	return ioctl(*(int *)ctx, SCARD_IOC_IS_PRESENT) ? -1 : 0;
}

int scard_insert(const char *dev, const char *tty, unsigned int k)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	struct insert_path p = {
		.name = "scard_insert",
		.wait_absent = scard_wait_absent,
		.wait_present = scard_wait_present,
		.ctx = &fd,
	};
	int ret;

	if (fd < 0) {
		ok(0, "scard: open %s", dev);
		return -1;
	}
	ret = bench_insert(&p, tty, k);
	close(fd);
	return ret;
}
