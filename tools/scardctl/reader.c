// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl commands on readers: list, monitor, vendor, eject, swallow,
 * confiscate, perf and last-error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "scardctl.h"

#define MAX_READERS		256
#define VENDOR_BUF		4096

static int cmp_index(const void *a, const void *b)
{
	return reader_index(a) - reader_index(b);
}

/* The /dev/scardN nodes, by N; returns how many. */
int scan_readers(char paths[][PATH_LEN], int max)
{
	struct dirent *de;
	int n = 0;
	DIR *dir;

	dir = opendir("/dev");
	if (!dir)
		return 0;
	while (n < max && (de = readdir(dir))) {
		if (reader_index(de->d_name) < 0)
			continue;
		snprintf(paths[n++], PATH_LEN, "/dev/%.32s", de->d_name);
	}
	closedir(dir);
	qsort(paths, n, PATH_LEN, cmp_index);
	return n;
}

static char (*alloc_paths(void))[PATH_LEN]
{
	return calloc(MAX_READERS, PATH_LEN);
}

int cmd_list(int argc, char **argv)
{
	char (*paths)[PATH_LEN];
	char name[128], sstate[32], sproto[32];
	struct scard_state st;
	int i, n, fd;
	bool ok;

	(void)argv;
	if (argc)
		return usage_error("list: no arguments expected");
	paths = alloc_paths();
	if (!paths)
		return fail("malloc", ENOMEM);
	n = scan_readers(paths, MAX_READERS);
	if (!n) {
		if (opt.machine)
			printf("error=ENODEV errno=%d op=list\n", ENODEV);
		else
			fprintf(stderr, "scardctl: no readers\n");
		free(paths);
		return SC_NODEV;
	}
	if (!opt.machine)
		printf("%-14s %-11s %-8s %-7s %s\n", "DEVICE", "STATE",
		       "PROTOCOL", "EVENTS", "NAME");

	for (i = 0; i < n; i++) {
		if (read_sysfs(paths[i], "reader_name", name, sizeof(name)))
			name[0] = '\0';
		/* A reader held with O_EXCL only tells sysfs readers. */
		ok = false;
		fd = open(paths[i], O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			ok = !get_state(fd, &st);
			close(fd);
		}
		if (ok) {
			snprintf(sstate, sizeof(sstate), "%s",
				 state_name(st.state));
			snprintf(sproto, sizeof(sproto), "%s",
				 opt.machine ? protocol_name(st.protocol) :
				 protocol_label(st.protocol));
		} else {
			if (read_sysfs(paths[i], "state", sstate,
				       sizeof(sstate)))
				strcpy(sstate, "unknown");
			if (read_sysfs(paths[i], "protocol", sproto,
				       sizeof(sproto)))
				strcpy(sproto, "none");
			st.events = 0;
		}

		if (opt.machine) {
			printf("reader=%d dev=%s name=", reader_index(paths[i]),
			       paths[i]);
			print_enc(name, strlen(name));
			printf(" state=%s protocol=%s events=%llu\n", sstate,
			       sproto, (unsigned long long)st.events);
		} else {
			printf("%-14s %-11s %-8s %-7llu %s\n", paths[i], sstate,
			       sproto, (unsigned long long)st.events, name);
		}
	}
	free(paths);
	return SC_OK;
}

static long long now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One monitor line: @kind is "initial", "event" or "unplugged". */
static void monitor_line(const char *kind, const char *dev,
			 const struct scard_state *st, unsigned long long missed)
{
	long long ms = now_ms(CLOCK_REALTIME);
	time_t sec = ms / 1000;
	struct tm tm;

	if (opt.machine) {
		printf("monitor=%s time=%lld.%03lld reader=%d dev=%s", kind,
		       ms / 1000, ms % 1000, reader_index(dev), dev);
		if (st)
			printf(" state=%s protocol=%s events=%llu missed=%llu",
			       state_name(st->state),
			       protocol_name(st->protocol),
			       (unsigned long long)st->events, missed);
		printf("\n");
		return;
	}

	localtime_r(&sec, &tm);
	printf("%02d:%02d:%02d.%03lld %s: ", tm.tm_hour, tm.tm_min, tm.tm_sec,
	       ms % 1000, dev);
	if (!st) {
		printf("unplugged\n");
		return;
	}
	if (!strcmp(kind, "initial"))
		printf("watching,");
	else
		printf("card %s,", st->state > SCARD_CARD_ABSENT ? "inserted" :
		       "removed");
	printf(" state %s, protocol %s, events %llu", state_name(st->state),
	       protocol_label(st->protocol), (unsigned long long)st->events);
	if (missed)
		printf(" (missed %llu)", missed);
	printf("\n");
}

struct monitored {
	char dev[PATH_LEN];
	unsigned long long events;
};

/*
 * Wait in poll() for card events. Returns 0 when @count events were seen
 * (never if @count is 0), SC_TIMEOUT or 0 at the deadline (@deadline < 0:
 * none), SC_NODEV when every reader is gone.
 */
static int monitor_loop(struct pollfd *pfd, struct monitored *mon, int n,
			unsigned long long count, long long deadline)
{
	unsigned long long total = 0, delta;
	struct scard_state st;
	int i, ret, active = n, tmo;

	for (;;) {
		tmo = -1;
		if (deadline >= 0) {
			tmo = deadline - now_ms(CLOCK_MONOTONIC);
			if (tmo <= 0)
				return count ? SC_TIMEOUT : SC_OK;
		}
		ret = poll(pfd, n, tmo);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return fail("poll", errno);

		for (i = 0; i < n; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (pfd[i].revents & (POLLIN | POLLPRI) &&
			    !get_state(pfd[i].fd, &st)) {
				delta = st.events - mon[i].events;
				mon[i].events = st.events;
				if (!delta)
					continue;
				monitor_line("event", mon[i].dev, &st,
					     delta - 1);
				total += delta;
				if (count && total >= count)
					return SC_OK;
				continue;
			}
			/* POLLHUP, POLLERR, or GET_STATE failed (ENODEV) */
			monitor_line("unplugged", mon[i].dev, NULL, 0);
			close(pfd[i].fd);
			pfd[i].fd = -1;
			if (!--active)
				return SC_NODEV;
		}
	}
}

int cmd_monitor(int argc, char **argv)
{
	unsigned long count = 0;
	char (*paths)[PATH_LEN];
	struct monitored *mon;
	struct pollfd *pfd;
	struct scard_state st;
	long long deadline = -1;
	int i, n, err, ret = SC_OK;

	if (argc > 1 || (argc == 1 && (!parse_uint(argv[0], 1000000, &count) ||
				       !count)))
		return usage_error("monitor: [COUNT] [--timeout S] expected");

	paths = alloc_paths();
	pfd = calloc(MAX_READERS, sizeof(*pfd));
	mon = calloc(MAX_READERS, sizeof(*mon));
	for (i = 0; pfd && i < MAX_READERS; i++)
		pfd[i].fd = -1;
	if (!paths || !pfd || !mon) {
		ret = fail("malloc", ENOMEM);
		goto out;
	}
	if (opt.dev_given) {
		snprintf(paths[0], PATH_LEN, "%s", opt.dev);
		n = 1;
	} else {
		n = scan_readers(paths, MAX_READERS);
	}
	if (!n) {
		ret = fail("open", ENOENT);
		goto out;
	}

	for (i = 0; i < n; i++) {
		snprintf(opt.dev, sizeof(opt.dev), "%s", paths[i]);
		ret = open_reader(paths[i], &pfd[i].fd);
		if (ret)
			goto out;
		pfd[i].events = POLLIN | POLLPRI;
		snprintf(mon[i].dev, sizeof(mon[i].dev), "%s", paths[i]);
		err = get_state(pfd[i].fd, &st);
		if (err) {
			ret = fail("GET_STATE", err);
			goto out;
		}
		mon[i].events = st.events;
		monitor_line("initial", paths[i], &st, 0);
	}

	if (opt.timeout >= 0)
		deadline = now_ms(CLOCK_MONOTONIC) + opt.timeout * 1000;
	ret = monitor_loop(pfd, mon, n, count, deadline);
	if (ret == SC_TIMEOUT && !opt.machine)
		fprintf(stderr, "scardctl: timeout: fewer than %lu events in %ld s\n",
			count, opt.timeout);
	else if (ret == SC_TIMEOUT)
		printf("monitor=timeout\n");
out:
	for (i = 0; pfd && i < MAX_READERS; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	free(paths);
	free(pfd);
	free(mon);
	return ret;
}

int cmd_vendor(int argc, char **argv)
{
	struct scard_vendor v = { 0 };
	unsigned char *in = NULL, *out = NULL;
	unsigned long code;
	size_t in_len = 0, size = VENDOR_BUF;
	int fd, err, ret;

	if (argc < 1 || argc > 2 ||
	    !parse_uint(argv[0], SCARD_VENDOR_CODE_MAX, &code) ||
	    code < SCARD_VENDOR_CODE_MIN)
		return usage_error("vendor: CODE (%d..%d) [HEX] expected",
				   SCARD_VENDOR_CODE_MIN, SCARD_VENDOR_CODE_MAX);
	in = malloc(SCARD_VENDOR_MAX_BUF);
	if (!in)
		return fail("malloc", ENOMEM);
	if (argc == 2 &&
	    parse_hex(argv[1], in, SCARD_VENDOR_MAX_BUF, &in_len)) {
		free(in);
		return usage_error("vendor: bad hex input");
	}

	ret = open_reader(opt.dev, &fd);
	if (ret) {
		free(in);
		return ret;
	}
	for (;;) {
		free(out);
		out = malloc(size);
		if (!out) {
			ret = fail("malloc", ENOMEM);
			goto out;
		}
		v.code = code;
		v.in_len = in_len;
		v.in_buf = (uintptr_t)in;
		v.out_buf = (uintptr_t)out;
		v.out_len = size;
		err = ioctl(fd, SCARD_IOC_VENDOR, &v) ? errno : 0;
		if (err != ENOSPC || v.out_len <= size ||
		    v.out_len > SCARD_VENDOR_MAX_BUF)
			break;
		size = v.out_len;
	}
	if (err) {
		ret = fail("VENDOR", err);
		goto out;
	}
	if (v.out_len > size)
		v.out_len = size;
	if (opt.machine) {
		printf("vendor=%lu len=%u out=", code, v.out_len);
		print_hex(out, v.out_len, false);
	} else {
		printf("%s: vendor %lu: %u bytes", opt.dev, code, v.out_len);
		if (v.out_len)
			printf(": ");
		print_hex(out, v.out_len, true);
	}
	printf("\n");
out:
	close(fd);
	free(in);
	free(out);
	return ret;
}

static int mechanical(int argc, const char *name, unsigned long req,
		      const char *op, const char *done)
{
	int fd, ret;

	if (argc)
		return usage_error("%s: no arguments expected", name);
	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	if (ioctl(fd, req))
		ret = fail(op, errno);
	else if (opt.machine)
		printf("%s=ok\n", name);
	else
		printf("%s: card %s\n", opt.dev, done);
	close(fd);
	return ret;
}

int cmd_eject(int argc, char **argv)
{
	(void)argv;
	return mechanical(argc, "eject", SCARD_IOC_EJECT, "EJECT", "ejected");
}

int cmd_swallow(int argc, char **argv)
{
	(void)argv;
	return mechanical(argc, "swallow", SCARD_IOC_SWALLOW, "SWALLOW",
			  "swallowed");
}

int cmd_confiscate(int argc, char **argv)
{
	(void)argv;
	return mechanical(argc, "confiscate", SCARD_IOC_CONFISCATE,
			  "CONFISCATE", "confiscated");
}

int cmd_perf(int argc, char **argv)
{
	static const struct {
		unsigned int tag;
		const char *key;
		const char *label;
	} counters[] = {
		{ SCARD_PERF_NUM_TRANSMISSIONS, "transmissions", "transmissions" },
		{ SCARD_PERF_BYTES_TRANSMITTED, "bytes_sent", "bytes sent" },
		{ SCARD_PERF_BYTES_RECEIVED, "bytes_received", "bytes received" },
		{ SCARD_PERF_TRANSMISSION_TIME, "time_ns", "transmission time" },
	};
	unsigned long long val[ARRAY_SIZE(counters)];
	struct scard_perf perf;
	size_t i;
	int fd, ret;

	(void)argv;
	if (argc)
		return usage_error("perf: no arguments expected");
	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		memset(&perf, 0, sizeof(perf));
		perf.tag = counters[i].tag;
		if (ioctl(fd, SCARD_IOC_GET_PERF_CNTR, &perf)) {
			ret = fail("GET_PERF_CNTR", errno);
			close(fd);
			return ret;
		}
		val[i] = perf.value;
	}
	close(fd);

	if (opt.machine) {
		printf("dev=%s", opt.dev);
		for (i = 0; i < ARRAY_SIZE(counters); i++)
			printf(" %s=%llu", counters[i].key, val[i]);
		printf("\n");
		return SC_OK;
	}
	printf("%s:\n", opt.dev);
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		printf("  %-18s %llu", counters[i].label, val[i]);
		if (counters[i].tag == SCARD_PERF_TRANSMISSION_TIME)
			printf(" ns (%llu.%06llu s)", val[i] / 1000000000,
			       val[i] % 1000000000 / 1000);
		printf("\n");
	}
	return SC_OK;
}

int cmd_last_error(int argc, char **argv)
{
	struct scard_last_error le = { 0 };
	int fd, ret;

	(void)argv;
	if (argc)
		return usage_error("last-error: no arguments expected");
	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	if (ioctl(fd, SCARD_IOC_GET_LAST_ERROR, &le)) {
		ret = fail("GET_LAST_ERROR", errno);
		close(fd);
		return ret;
	}
	close(fd);
	if (opt.machine)
		printf("last_error=%s errno=%u\n",
		       le.error ? errno_name(le.error) : "none", le.error);
	else if (le.error)
		printf("%s: last error %s (%s)\n", opt.dev,
		       errno_name(le.error), errno_hint(le.error));
	else
		printf("%s: no error\n", opt.dev);
	return SC_OK;
}
