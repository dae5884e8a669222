// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test faults: the kernel fails each allocation of a request in
 * turn (fault injection's per-task fail-nth, CONFIG_FAULT_INJECTION and
 * CONFIG_FAILSLAB: the debug kernel), and the request ends with ENOMEM
 * (or EFAULT where a user copy was failed, or succeeds where the kernel
 * had a fallback), never anything else, and leaves nothing behind: the
 * reader answers the next request.
 */
#include "scard_test.h"

#define FAULT_MAX_POINTS	64

/* Let fail-nth fail sleeping allocations too, without a stack dump. */
static void fault_attrs(void)
{
	static const char * const files[] = {
		"/sys/kernel/debug/failslab/ignore-gfp-wait",
		"/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait",
		"/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem",
	};
	static const char * const verbose[] = {
		"/sys/kernel/debug/failslab/verbose",
		"/sys/kernel/debug/fail_page_alloc/verbose",
	};
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(files) + ARRAY_SIZE(verbose); i++) {
		int is_verbose = i >= ARRAY_SIZE(files);
		const char *f = is_verbose ? verbose[i - ARRAY_SIZE(files)] :
					     files[i];

		fd = open(f, O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, is_verbose ? "0" : "N", 1) != 1)
			diag("%s: %s", f, strerror(errno));
		close(fd);
	}
}

static int do_transmit(int fd)
{
	return echo(fd, SCARD_PROTO_T1, 5, 200) ? -1 : 0;
}

static int do_vendor(int fd)
{
	unsigned char out[64];
	__u32 len = sizeof(out);

	return vendor(fd, TR_VENDOR_ECHO, "hello", 5, out, &len);
}

static int do_get_attr(int fd)
{
	unsigned char buf[64];
	__u32 len = sizeof(buf);

	return get_attr(fd, SCARD_TAG_ATR_STRING, buf, &len);
}

/*
 * Fail the Nth fault injection point of @call for N = 1, 2, ... until the
 * call passes all of them. Returns the number of points failed.
 */
static int fail_each(int fd, int nth, const char *what,
		     int (*call)(int fd))
{
	int n, ret, err, bad = 0, enomem = 0;
	char buf[16];

	for (n = 1; n <= FAULT_MAX_POINTS; n++) {
		snprintf(buf, sizeof(buf), "%d", n);
		if (pwrite(nth, buf, strlen(buf), 0) < 0) {
			ok(0, "%s: fail-nth %d: %s", what, n, strerror(errno));
			return -1;
		}
		errno = 0;
		ret = call(fd);
		err = ret < 0 ? errno : 0;
		memset(buf, 0, sizeof(buf));
		if (pread(nth, buf, sizeof(buf) - 1, 0) < 0)
			buf[0] = '?';
		if (pwrite(nth, "0", 1, 0) < 0)
			diag("fail-nth reset: %s", strerror(errno));
		if (atoi(buf) != 0 || buf[0] == '?') {
			/* No point was failed: the call went through. */
			ok(!ret, "%s passes after %d failed allocations",
			   what, n - 1);
			break;
		}
		/* kvmalloc() falls back to vmalloc(): a success is fine. */
		if (err == ENOMEM)
			enomem++;
		else if (err && err != EFAULT && bad++ < 3)
			diag("%s, allocation %d failed: %s", what, n,
			     ename(err));
		/* Whatever failed, the reader still answers. */
		if (echo(fd, SCARD_PROTO_T1, 6, 7) && bad++ < 3)
			diag("%s: the reader fails after allocation %d", what,
			     n);
	}
	ok(n <= FAULT_MAX_POINTS, "%s: fewer than %d allocations", what,
	   FAULT_MAX_POINTS);
	ok(!bad, "%s: a failed allocation gives ENOMEM, EFAULT or a fallback; the reader goes on",
	   what);
	return enomem;
}

/* faults [IDX]: requests under failed allocations */
void test_faults(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	__u32 error, reserved;
	int fd, nth, n;

	nth = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth < 0) {
		diag("no fail-nth (%s): this kernel lacks fault injection",
		     strerror(errno));
		return;
	}
	fault_attrs();
	ctl("clear %d", idx);
	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		goto out;
	if (card_ready(idx, fd))
		goto out_fd;

	n = fail_each(fd, nth, "TRANSMIT", do_transmit);
	ok(n > 0, "TRANSMIT: a failed allocation gives ENOMEM (%d)", n);
	n = fail_each(fd, nth, "VENDOR", do_vendor);
	ok(n > 0, "VENDOR: a failed allocation gives ENOMEM (%d)", n);
	fail_each(fd, nth, "GET_ATTRIBUTE", do_get_attr);
	ok_err(get_last_error(fd, &error, &reserved), 0, "GET_LAST_ERROR");
	ok(error != ENOMEM,
	   "a failed allocation is not the reader's last error (%u)", error);
out_fd:
	close(fd);
out:
	close(nth);
}
