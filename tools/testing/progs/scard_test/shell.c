// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test: small commands for the shell scenarios.
 */
#include "scard_test.h"

/* ---- test: state ---- */

static int find_state(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(state_names); i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

/* state IDX STATE: GET_STATE of reader IDX returns STATE */
void test_state(char **argv)
{
	int idx = atoi(argv[0]), want = find_state(argv[1]);
	char path[PATH_LEN];
	int fd;

	fd = open_reader(idx, O_RDWR, path);
	if (fd < 0)
		return;
	ok(1, "open %s", path);
	if (want < 0)
		ok(0, "state name %s", argv[1]);
	else
		check_state(fd, want, path);
	close(fd);
}

/* ---- helpers for the shell scenarios ---- */

static int parse_expect(const char *s)
{
	static const struct {
		const char *name;
		int err;
	} names[] = {
		{ "ok", 0 }, { "ENODEV", ENODEV }, { "EINTR", EINTR },
		{ "EBUSY", EBUSY }, { "ENOMEDIUM", ENOMEDIUM }, { "EIO", EIO },
		{ "EAGAIN", EAGAIN }, { "EBADFD", EBADFD },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name))
			return names[i].err;
	return atoi(s);
}

/* wait IDX present|absent EXPECT: a blocking wait ends with EXPECT */
void test_wait(char **argv)
{
	struct job job = { .timeout = 20 };
	int want = parse_expect(argv[2]);

	job.req = strcmp(argv[1], "absent") ? SCARD_IOC_IS_PRESENT :
					      SCARD_IOC_IS_ABSENT;
	job.fd = open_reader(atoi(argv[0]), O_RDWR, NULL);
	if (job.fd < 0)
		return;
	ok_eq(job_request(&job), want, "IS_%s ends with %s",
	      strcmp(argv[1], "absent") ? "PRESENT" : "ABSENT", ename(want));
	close(job.fd);
}

/* slow IDX MS EXPECT: a TRANSMIT in a callback of MS ms ends with EXPECT */
void test_slow(char **argv)
{
	struct job job = { .seed = 1, .count = 1, .timeout = 20 };
	int idx = atoi(argv[0]), want = parse_expect(argv[2]);

	job.fd = open_reader(idx, O_RDWR, NULL);
	if (job.fd < 0 || card_ready(idx, job.fd) ||
	    ctl_ok("delay %d %s", idx, argv[1]))
		return;
	ok_eq(job_transmit(&job), want, "TRANSMIT in a %s ms callback: %s",
	      argv[1], ename(want));
	close(job.fd);
}

/* setup IDX: card inserted, powered, T=1 */
void test_setup(char **argv)
{
	int idx = atoi(argv[0]), fd;

	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		return;
	ok(!card_ready(idx, fd), "card in reader %d powered, T=1", idx);
	close(fd);
}

/* uevent IDX CMD [KEY=VALUE...]: CMD on the ctl file sends a change uevent */
void test_uevent(char **argv)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,
	};
	char buf[4096], path[PATH_LEN], devname[80], *p, *end;
	int sock, idx = atoi(argv[0]), found = 0, i;
	struct pollfd pfd;
	ssize_t n;

	if (reader_path(idx, path))
		return;
	snprintf(devname, sizeof(devname), "DEVNAME=%s", path + 5);
	sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		      NETLINK_KOBJECT_UEVENT);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr))) {
		ok(0, "uevent socket: %s", strerror(errno));
		return;
	}
	if (ctl_ok("%s", argv[1]))
		goto out;
	pfd.fd = sock;
	pfd.events = POLLIN;
	while (!found && poll(&pfd, 1, 3000) > 0) {
		n = recv(sock, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			break;
		buf[n] = '\0';
		end = buf + n;
		if (strncmp(buf, "change@", 7))
			continue;
		for (p = buf; p < end; p += strlen(p) + 1)
			if (!strcmp(p, devname))
				found = 1;
	}
	ok(found, "\"%s\" sends a change uevent for %s", argv[1], path);
	if (!found)
		goto out;
	for (p = buf; p < end; p += strlen(p) + 1)
		diag("%s", p);
	for (i = 2; argv[i]; i++) {
		for (p = buf; p < end; p += strlen(p) + 1)
			if (!strcmp(p, argv[i]))
				break;
		ok(p < end, "the uevent has %s", argv[i]);
	}
out:
	close(sock);
}
