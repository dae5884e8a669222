// SPDX-License-Identifier: GPL-2.0
/*
 * The floor: CCID spoken directly over usbfs (/dev/bus/usb/BBB/DDD), no
 * driver at all. One XfrBlock out and one bulk-in read per round trip;
 * card insertion seen as the completion of an interrupt URB that is
 * always in flight (QEMU's xHCI first polls a newly queued interrupt
 * transfer only at the next bInterval boundary).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/usbdevice_fs.h>

#include "ccid_bench.h"

#define HDR		10
#define PC_TO_RDR_ICC_POWER_ON	0x62
#define PC_TO_RDR_XFR_BLOCK	0x6f
#define RDR_TO_PC_DATA_BLOCK	0x80
#define NOTIFY_SLOT_CHANGE	0x50
#define IO_TIMEOUT_MS	5000

struct raw {
	int fd;
	unsigned int intf;
	unsigned char ep_in, ep_out, ep_int;
	unsigned int buf_size;
	unsigned char *buf;
	unsigned char seq;
	struct usbdevfs_urb urb;
	unsigned char int_buf[16];
	int urb_live;
	int present;
};

static int read_sysfs(const char *dir, const char *file, char *buf, size_t sz)
{
	char path[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static unsigned long sysfs_num(const char *dir, const char *file, int base)
{
	char buf[64];

	if (read_sysfs(dir, file, buf, sizeof(buf)))
		return ~0UL;
	return strtoul(buf, NULL, base);
}

/* The endpoints of interface directory IDIR, from its ep_XX entries. */
static int find_endpoints(struct raw *r, const char *idir)
{
	char ep[1024], type[32], dirn[8];
	struct dirent *de;
	DIR *d;

	d = opendir(idir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		unsigned long addr;

		if (strncmp(de->d_name, "ep_", 3))
			continue;
		snprintf(ep, sizeof(ep), "%s/%s", idir, de->d_name);
		addr = sysfs_num(ep, "bEndpointAddress", 16);
		if (read_sysfs(ep, "type", type, sizeof(type)) ||
		    read_sysfs(ep, "direction", dirn, sizeof(dirn)))
			continue;
		if (!strcmp(type, "Bulk") && !strcmp(dirn, "in"))
			r->ep_in = addr;
		else if (!strcmp(type, "Bulk") && !strcmp(dirn, "out"))
			r->ep_out = addr;
		else if (!strcmp(type, "Interrupt") && !strcmp(dirn, "in"))
			r->ep_int = addr;
	}
	closedir(d);
	return r->ep_in && r->ep_out && r->ep_int ? 0 : -1;
}

/*
 * The size of a bulk-in read, the one scard_ccid_usb uses: the class
 * descriptor's dwMaxCCIDMessageLength, clamped to 10 + 261 .. 10 + 65544,
 * rounded up to the packet size (64 here).
 */
static unsigned int read_size(const char *ddir, unsigned int intf)
{
	unsigned char d[4096];
	unsigned int max = 0, i = 0;
	char path[1024];
	int fd, in_intf = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/descriptors", ddir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, d, sizeof(d));
	if (fd >= 0)
		close(fd);
	while (n > 0 && i + 2 <= (size_t)n && d[i] >= 2 && i + d[i] <= (size_t)n) {
		if (d[i + 1] == 4 && d[i] >= 9)
			in_intf = d[i + 2] == intf && d[i + 5] == 0x0b;
		else if (in_intf && d[i + 1] == 0x21 && d[i] >= 48)
			max = d[i + 44] | d[i + 45] << 8 | d[i + 46] << 16 |
			      (unsigned int)d[i + 47] << 24;
		i += d[i];
	}
	if (max < HDR + 261)
		max = HDR + 261;
	if (max > HDR + 65544)
		max = HDR + 65544;
	return (max + 63) / 64 * 64;
}

/* Opens the first CCID interface (class 0x0b) and claims it. */
static int raw_open(struct raw *r)
{
	const char *base = "/sys/bus/usb/devices";
	char idir[512], ddir[512], node[64];
	struct dirent *de;
	DIR *d;
	int found = 0;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	d = opendir(base);
	if (!d)
		return -1;
	while (!found && (de = readdir(d))) {
		if (!strchr(de->d_name, ':'))
			continue;
		snprintf(idir, sizeof(idir), "%s/%s", base, de->d_name);
		if (sysfs_num(idir, "bInterfaceClass", 16) != 0x0b)
			continue;
		snprintf(ddir, sizeof(ddir), "%s/%.*s", base,
			 (int)strcspn(de->d_name, ":"), de->d_name);
		found = 1;
	}
	closedir(d);
	if (!found) {
		diag("no CCID interface");
		return -1;
	}
	r->intf = sysfs_num(idir, "bInterfaceNumber", 16);
	if (find_endpoints(r, idir)) {
		diag("%s: missing endpoints", idir);
		return -1;
	}
	snprintf(node, sizeof(node), "/dev/bus/usb/%03lu/%03lu",
		 sysfs_num(ddir, "busnum", 10), sysfs_num(ddir, "devnum", 10));
	r->fd = open(node, O_RDWR | O_CLOEXEC);
	if (r->fd < 0) {
		diag("open %s: %s", node, strerror(errno));
		return -1;
	}
	if (ioctl(r->fd, USBDEVFS_CLAIMINTERFACE, &r->intf)) {
		diag("claim %s: %s (is a driver bound?)", idir, strerror(errno));
		return -1;
	}
	r->buf_size = read_size(ddir, sysfs_num(idir, "bInterfaceNumber", 16));
	r->buf = malloc(r->buf_size);
	return r->buf ? 0 : -1;
}

static void raw_close(struct raw *r)
{
	if (r->urb_live) {
		ioctl(r->fd, USBDEVFS_DISCARDURB, &r->urb);
		ioctl(r->fd, USBDEVFS_REAPURB, &(void *){ NULL });
	}
	if (r->fd >= 0) {
		ioctl(r->fd, USBDEVFS_RELEASEINTERFACE, &r->intf);
		close(r->fd);
	}
	free(r->buf);
}

static int bulk(struct raw *r, unsigned char ep, void *data, unsigned int len)
{
	struct usbdevfs_bulktransfer bt = {
		.ep = ep, .len = len, .timeout = IO_TIMEOUT_MS, .data = data,
	};

	return ioctl(r->fd, USBDEVFS_BULK, &bt);
}

/* One command and its reply (waiting out time extensions); reply length. */
static int exchange(struct raw *r, unsigned char type, const void *data,
		    unsigned int len)
{
	unsigned char msg[HDR + 261];
	int n;

	if (len > sizeof(msg) - HDR)
		return -1;
	memset(msg, 0, HDR);
	msg[0] = type;
	msg[1] = len;
	msg[2] = len >> 8;
	msg[6] = ++r->seq;
	memcpy(msg + HDR, data, len);
	if (bulk(r, r->ep_out, msg, HDR + len) != (int)(HDR + len))
		return -1;
	for (;;) {
		n = bulk(r, r->ep_in, r->buf, r->buf_size);
		if (n < 0)
			return -1;
		if (n < HDR || r->buf[6] != r->seq)
			continue;	/* a phantom ZLP or a stale reply */
		if ((r->buf[7] & 0xc0) == 0x80)
			continue;	/* time extension */
		if (r->buf[0] != RDR_TO_PC_DATA_BLOCK || (r->buf[7] & 0xc0))
			return -1;
		return n;
	}
}

int raw_apdu(unsigned int n)
{
	static const unsigned char apdu[] = BENCH_APDU;
	struct raw r;
	long long *lat;
	unsigned int i, good = 0;
	int len;

	lat = calloc(n, sizeof(*lat));
	if (!lat || raw_open(&r)) {
		free(lat);
		ok(0, "raw: open the CCID interface");
		return -1;
	}
	len = exchange(&r, PC_TO_RDR_ICC_POWER_ON, NULL, 0);
	ok(len > HDR, "raw: PowerOn answers an ATR (%d bytes)", len - HDR);
	for (i = 0; i < n + BENCH_WARMUP_APDUS && len > HDR; i++) {
		long long t0 = now_ns(), t1;

		len = exchange(&r, PC_TO_RDR_XFR_BLOCK, apdu, sizeof(apdu));
		t1 = now_ns();
		if (len < HDR || !bench_rsp_ok(r.buf + HDR, len - HDR))
			break;
		if (i >= BENCH_WARMUP_APDUS)
			lat[good++] = t1 - t0;
	}
	ok(good == n, "raw: %u of %u XfrBlocks answered correctly", good, n);
	bench_result("raw_apdu", lat, good);
	raw_close(&r);
	free(lat);
	return good == n ? 0 : -1;
}

/* ---- insertion: the interrupt URB ---- */

static int urb_submit(struct raw *r)
{
	memset(&r->urb, 0, sizeof(r->urb));
	r->urb.type = USBDEVFS_URB_TYPE_INTERRUPT;
	r->urb.endpoint = r->ep_int;
	r->urb.buffer = r->int_buf;
	r->urb.buffer_length = sizeof(r->int_buf);
	if (ioctl(r->fd, USBDEVFS_SUBMITURB, &r->urb))
		return -1;
	r->urb_live = 1;
	return 0;
}

/* Reaps the interrupt URB (bounded) and submits it again. */
static int urb_reap(struct raw *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLOUT };
	struct usbdevfs_urb *done = NULL;

	if (poll(&p, 1, BENCH_WAIT_MS) <= 0)
		return -1;
	if (ioctl(r->fd, USBDEVFS_REAPURBNDELAY, &done) || done != &r->urb)
		return -1;
	r->urb_live = 0;
	if (r->urb.status || r->urb.actual_length < 2 ||
	    r->int_buf[0] != NOTIFY_SLOT_CHANGE)
		return -1;
	r->present = r->int_buf[1] & 1;
	return urb_submit(r);
}

static int raw_wait(struct raw *r, int present)
{
	while (r->present != present)
		if (urb_reap(r))
			return -1;
	return 0;
}

static int raw_wait_absent(void *ctx)
{
	return raw_wait(ctx, 0);
}

static int raw_wait_present(void *ctx)
{
	return raw_wait(ctx, 1);
}

int raw_insert(const char *tty, unsigned int k)
{
	struct raw r;
	struct insert_path p = {
		.name = "raw_insert",
		.wait_absent = raw_wait_absent,
		.wait_present = raw_wait_present,
		.ctx = &r,
	};
	int ret;

	if (raw_open(&r) || urb_submit(&r)) {
		ok(0, "raw: open the CCID interface");
		raw_close(&r);
		return -1;
	}
	/* A first notification may be latched from before: take it. */
	r.present = -1;
	sleep_ms(BENCH_EVENT_GAP_MS);
	{
		struct pollfd pf = { .fd = r.fd, .events = POLLOUT };

		if (poll(&pf, 1, 0) > 0)
			urb_reap(&r);
	}
	ret = bench_insert(&p, tty, k);
	raw_close(&r);
	return ret;
}
