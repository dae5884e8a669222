// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test - checks of the /dev/scardN interface, run in the QEMU guest
 * against the test reader (scard_test_reader.ko), which it drives through
 * the reader's debugfs ctl file.
 *
 *	scard_test TEST [ARGS...]
 *
 * Prints one TAP line per check, "ok - text" or "not ok - text", and
 * "# text" diagnostics; exits with status 1 if a check failed. Every wait is
 * bounded by alarm() or a poll() timeout, so a bug fails instead of hanging.
 * Readers are named by their test reader index; the ctl file tells which
 * /dev/scardN belongs to an index.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/scard.h>

#define CTL_PATH	"/sys/kernel/debug/scard_test_reader/ctl"
#define ATR_HEX		"3B80800101"
#define PATH_LEN	64
#define LINE_LEN	512
#define BAD_DATA	255	/* exit status of a child that got wrong data */
#define TR_VERSION	0x01020003
#define TR_VENDOR_ECHO	SCARD_VENDOR_CODE_MIN
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const unsigned char atr_t1[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
static const unsigned char apdu[] = { 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00 };

static const char * const state_names[] = {
	"unknown", "absent", "present", "swallowed", "powered", "negotiable",
	"specific",
};

static int failures;
static long page_size;
static void *unmapped;		/* an address with no mapping */
static char *straddle;		/* a page followed by an unmapped one */

/* ---- TAP output ---- */

static void tap(int pass)
{
	if (!pass)
		failures++;
	printf("%sok - ", pass ? "" : "not ");
}

#define ok(pass, ...) do {						\
	tap(pass);							\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

#define diag(...) do {							\
	printf("# ");							\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

static const char *ename(int err)
{
	const char *name;

	if (!err)
		return "success";
	if (err == BAD_DATA)
		return "wrong data";
	if (err < 0)
		return "killed or timed out";
	name = strerrorname_np(err);
	return name ? name : "unknown error";
}

static const char *state_name(unsigned int state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "?";
}

/* The call returning @ret must end with errno @want, 0 for success. */
#define ok_err(ret, want, ...) do {					\
	int got_ = (ret) < 0 ? errno : 0;				\
	int want_ = (want);						\
									\
	ok(got_ == want_, __VA_ARGS__);					\
	if (got_ != want_)						\
		diag("got %s, want %s", ename(got_), ename(want_));	\
} while (0)

/* Numbers must be equal. */
#define ok_eq(got, want, ...) do {					\
	unsigned long long got_ = (got);				\
	unsigned long long want_ = (want);				\
									\
	ok(got_ == want_, __VA_ARGS__);					\
	if (got_ != want_)						\
		diag("got %llu (0x%llx), want %llu (0x%llx)",		\
		     got_, got_, want_, want_);				\
} while (0)

static __u64 uptr(const void *p)
{
	return (uintptr_t)p;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR)
			break;
	}
}

/* ---- the test reader's ctl file ---- */

static int ctl_write(const char *cmd)
{
	size_t len = strlen(cmd);
	int fd, err = 0;

	fd = open(CTL_PATH, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, cmd, len) != (ssize_t)len)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* Run a ctl command, return 0 or its errno. */
#define ctl(...) ({							\
	char cmd_[256];							\
									\
	snprintf(cmd_, sizeof(cmd_), __VA_ARGS__);			\
	ctl_write(cmd_);						\
})

/* Run a ctl command the test depends on: a failure is a failed check. */
#define ctl_ok(...) ({							\
	char cmd_[256];							\
	int err_;							\
									\
	snprintf(cmd_, sizeof(cmd_), __VA_ARGS__);			\
	err_ = ctl_write(cmd_);						\
	if (err_)							\
		ok(0, "ctl \"%s\": %s", cmd_, ename(err_));		\
	err_;								\
})

static int ctl_read(char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(CTL_PATH, O_RDONLY);
	if (fd < 0)
		return -1;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return 0;
}

/* Reader @idx's line of the ctl file, or -1. */
static int ctl_line(int idx, char *line)
{
	char buf[8192], *pos, *l;
	int i;

	if (ctl_read(buf, sizeof(buf)))
		return -1;
	for (l = strtok_r(buf, "\n", &pos); l; l = strtok_r(NULL, "\n", &pos)) {
		if (sscanf(l, "%d ", &i) == 1 && i == idx) {
			snprintf(line, LINE_LEN, "%s", l);
			return 0;
		}
	}
	return -1;
}

/* A "key=value" of reader @idx's line, or -1. */
static long ctl_value(int idx, const char *key)
{
	char line[LINE_LEN], pat[64], *p;

	if (ctl_line(idx, line))
		return -1;
	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	return p ? strtol(p + strlen(pat), NULL, 0) : -1;
}

/*
 * Wait until the callback @key of reader @idx has been called more than
 * @count times: a child process got into the reader. 0 or -1.
 */
static int wait_calls(int idx, const char *key, long count)
{
	struct timespec ts = { 0, 10000000 };
	int i;

	for (i = 0; i < 1000; i++) {
		if (ctl_value(idx, key) > count)
			return 0;
		nanosleep(&ts, NULL);
	}
	ok(0, "reader %d: the %s callback was called", idx, key);
	return -1;
}

static unsigned int reader_mask(void)
{
	char buf[8192], *pos, *l;
	unsigned int mask = 0;
	int i;

	if (ctl_read(buf, sizeof(buf)))
		return 0;
	for (l = strtok_r(buf, "\n", &pos); l; l = strtok_r(NULL, "\n", &pos))
		if (sscanf(l, "%d ", &i) == 1 && i >= 0 && i < 32)
			mask |= 1u << i;
	return mask;
}

/* "add [noopt]": the index of the new reader, or -1. */
static int add_reader(const char *opt)
{
	unsigned int before = reader_mask(), added;

	if (ctl_ok("add %s", opt))
		return -1;
	added = reader_mask() & ~before;
	if (!added) {
		ok(0, "the added reader shows up in the ctl file");
		return -1;
	}
	return __builtin_ctz(added);
}

static int reader_path(int idx, char *path)
{
	char line[LINE_LEN], name[32];

	if (ctl_line(idx, line) || sscanf(line, "%*d %31s", name) != 1) {
		ok(0, "test reader %d exists", idx);
		return -1;
	}
	snprintf(path, PATH_LEN, "/dev/%s", name);
	return 0;
}

/* Open reader @idx's device; @path (may be NULL) gets its name. */
static int open_reader(int idx, int flags, char *path)
{
	char buf[PATH_LEN];
	int fd;

	if (!path)
		path = buf;
	if (reader_path(idx, path))
		return -1;
	fd = open(path, flags);
	if (fd < 0)
		ok(0, "open %s: %s", path, strerror(errno));
	return fd;
}

/* ---- requests ---- */

static int get_state(int fd, struct scard_state *st)
{
	memset(st, 0xff, sizeof(*st));
	return ioctl(fd, SCARD_IOC_GET_STATE, st);
}

static void check_state(int fd, unsigned int want, const char *what)
{
	struct scard_state st;

	if (get_state(fd, &st) < 0) {
		ok(0, "%s: GET_STATE: %s", what, ename(errno));
		return;
	}
	ok(st.state == want, "%s: state %s", what, state_name(want));
	if (st.state != want)
		diag("state is %s (%u)", state_name(st.state), st.state);
}

static int power(int fd, __u32 disposition, struct scard_power *pw)
{
	memset(pw, 0, sizeof(*pw));
	pw->disposition = disposition;
	return ioctl(fd, SCARD_IOC_POWER, pw);
}

static int set_protocol(int fd, __u32 mask, __u32 *selected)
{
	struct scard_protocol pr = { .mask = mask, .selected = 0xdeadbeef };
	int ret;

	ret = ioctl(fd, SCARD_IOC_SET_PROTOCOL, &pr);
	*selected = pr.selected;
	return ret;
}

static void transmit_init(struct scard_transmit *t, __u32 protocol,
			  const void *cmd, __u32 len, void *resp, __u32 size)
{
	memset(t, 0, sizeof(*t));
	t->protocol = protocol;
	t->send_buf = uptr(cmd);
	t->send_len = len;
	t->recv_buf = uptr(resp);
	t->recv_len = size;
}

static void make_cmd(unsigned char *cmd, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		cmd[i] = seed * 7 + i * 13;
}

/* Is @resp the test reader's answer to @cmd (the command, then 90 00)? */
static int is_echo(const unsigned char *cmd, size_t len,
		   const unsigned char *resp, size_t resp_len)
{
	return resp_len == len + 2 && !memcmp(resp, cmd, len) &&
	       resp[len] == 0x90 && resp[len + 1] == 0x00;
}

/* TRANSMIT a @len byte command made from @seed: 0, errno or BAD_DATA. */
static int echo(int fd, __u32 protocol, unsigned int seed, size_t len)
{
	unsigned char cmd[256], resp[sizeof(cmd) + 2];
	struct scard_transmit t;

	if (len > sizeof(cmd))
		return BAD_DATA;
	make_cmd(cmd, len, seed);
	transmit_init(&t, protocol, cmd, len, resp, sizeof(resp));
	if (ioctl(fd, SCARD_IOC_TRANSMIT, &t) < 0)
		return errno;
	return is_echo(cmd, len, resp, t.recv_len) ? 0 : BAD_DATA;
}

static int vendor(int fd, __u32 code, const void *in, __u32 in_len,
		  void *out, __u32 *out_len)
{
	struct scard_vendor v = {
		.code = code,
		.in_len = in_len,
		.in_buf = uptr(in),
		.out_buf = uptr(out),
		.out_len = *out_len,
	};
	int ret;

	ret = ioctl(fd, SCARD_IOC_VENDOR, &v);
	*out_len = v.out_len;
	return ret;
}

static int get_attr(int fd, __u32 tag, void *buf, __u32 *len)
{
	struct scard_attr a = { .tag = tag, .len = *len, .data = uptr(buf) };
	int ret;

	ret = ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &a);
	*len = a.len;
	return ret;
}

static int get_perf(int fd, __u32 tag, __u64 *value)
{
	struct scard_perf p = { .tag = tag };
	int ret;

	ret = ioctl(fd, SCARD_IOC_GET_PERF_CNTR, &p);
	*value = p.value;
	return ret;
}

static int get_last_error(int fd, __u32 *error, __u32 *reserved)
{
	struct scard_last_error le;
	int ret;

	memset(&le, 0xff, sizeof(le));
	ret = ioctl(fd, SCARD_IOC_GET_LAST_ERROR, &le);
	*error = le.error;
	*reserved = le.reserved;
	return ret;
}

/* Card inserted, powered and in T=1: what TRANSMIT needs. 0 or -1. */
static int card_ready(int idx, int fd)
{
	struct scard_power pw;
	__u32 selected;

	ctl("remove %d", idx);
	if (ctl_ok("insert %d %s", idx, ATR_HEX))
		return -1;
	if (power(fd, SCARD_COLD_RESET, &pw) < 0 ||
	    set_protocol(fd, SCARD_PROTOCOL_TX, &selected) < 0) {
		ok(0, "card in reader %d powered and in T=1: %s", idx,
		   ename(errno));
		return -1;
	}
	if (selected != SCARD_PROTOCOL_T1) {
		ok(0, "card in reader %d in T=1: selected 0x%x", idx, selected);
		return -1;
	}
	return 0;
}

/* ---- child processes ---- */

struct job {
	int fd;
	unsigned long req;
	unsigned int seed;
	int count;
	int timeout;
	int idx;
	int stop[2];	/* pipe: EOF on stop[0] tells the job to stop */
};

/* Fork a child running @fn; its return value is the exit status. */
static pid_t spawn(int (*fn)(struct job *job), struct job *job)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (!pid)
		_exit(fn(job));
	if (pid < 0)
		ok(0, "fork: %s", strerror(errno));
	return pid;
}

/* Exit status of child @pid, -1 if it was killed or had to be. */
static int reap(pid_t pid, int seconds)
{
	int status;

	if (pid <= 0)
		return -1;
	alarm(seconds);
	if (waitpid(pid, &status, 0) != pid) {
		alarm(0);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	alarm(0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static pid_t ctl_fork(long ms, const char *cmd)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (!pid) {
		sleep_ms(ms);
		_exit(ctl_write(cmd));
	}
	if (pid < 0)
		ok(0, "fork: %s", strerror(errno));
	return pid;
}

/* A child that runs a ctl command after @ms milliseconds. */
#define ctl_after(ms, ...) ({						\
	char cmd_[256];							\
									\
	snprintf(cmd_, sizeof(cmd_), __VA_ARGS__);			\
	ctl_fork(ms, cmd_);						\
})

/* A request without argument (IS_PRESENT, IS_ABSENT, EJECT, ...). */
static int job_request(struct job *job)
{
	alarm(job->timeout);
	return ioctl(job->fd, job->req, 0) < 0 ? errno : 0;
}

static int job_transmit(struct job *job)
{
	int i, err;

	alarm(job->timeout);
	for (i = 0; i < job->count; i++) {
		err = echo(job->fd, SCARD_PROTOCOL_T1, job->seed + i, 5 + i);
		if (err)
			return err;
	}
	return 0;
}

static int job_vendor(struct job *job)
{
	unsigned char in[64], out[64];
	__u32 len;
	int i;

	alarm(job->timeout);
	for (i = 0; i < job->count; i++) {
		make_cmd(in, sizeof(in), job->seed + i);
		len = sizeof(out);
		if (vendor(job->fd, TR_VENDOR_ECHO, in, sizeof(in), out, &len))
			return errno;
		if (len != sizeof(in) || memcmp(in, out, len))
			return BAD_DATA;
	}
	return 0;
}

/* poll() for the reader's events: revents, 0 on timeout. */
static int job_poll(struct job *job)
{
	struct pollfd pfd = { .fd = job->fd, .events = POLLIN | POLLPRI };

	if (poll(&pfd, 1, job->timeout * 1000) < 0)
		return BAD_DATA;
	return pfd.revents;
}

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
static void test_state(char **argv)
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

/* ---- test: ioctl, every request with good input ---- */

struct attr_check {
	__u32 tag;
	const char *name;
	__u32 value;
};

#define ATTR(tag, value)	{ SCARD_ATTR_##tag, #tag, value }

static void ioctl_attributes(int fd, int idx)
{
	const struct attr_check ints[] = {
		ATTR(VENDOR_IFD_VERSION, TR_VERSION),
		ATTR(CHANNEL_ID, SCARD_READER_TYPE_VENDOR << 16 | idx),
		ATTR(PROTOCOL_TYPES, SCARD_PROTOCOL_TX),
		ATTR(DEFAULT_CLK, 3580),
		ATTR(MAX_CLK, 4000),
		ATTR(DEFAULT_DATA_RATE, 9600),
		ATTR(MAX_DATA_RATE, 115200),
		ATTR(MAX_IFSD, 254),
		ATTR(CHARACTERISTICS, SCARD_READER_SWALLOWS |
		     SCARD_READER_EJECTS | SCARD_READER_CONFISCATES),
		ATTR(DEVICE_UNIT, idx),
		ATTR(POWER_MGMT_SUPPORT, 0),
		ATTR(CURRENT_PROTOCOL_TYPE, SCARD_PROTOCOL_T1),
		ATTR(CURRENT_F, 372),
		ATTR(CURRENT_D, 1),
		ATTR(CURRENT_N, 0),
		ATTR(CURRENT_IFSC, 32),
		ATTR(CURRENT_EBC_ENCODING, 0),
	};
	const struct attr_check bytes[] = {
		ATTR(ICC_PRESENCE, 2),
		ATTR(ICC_INTERFACE_STATUS, 0xff),
		ATTR(ICC_TYPE_PER_ATR, 1),
	};
	const __u32 answered[] = {
		SCARD_ATTR_CURRENT_CLK, SCARD_ATTR_CURRENT_W,
		SCARD_ATTR_CURRENT_IFSD, SCARD_ATTR_CURRENT_BWT,
		SCARD_ATTR_CURRENT_CWT,
	};
	char serial[16], buf[64];
	unsigned int i;
	__u32 len, val;

	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_NAME, buf, &len), 0,
	       "GET_ATTRIBUTE VENDOR_NAME");
	ok(len == 5 && !memcmp(buf, "scard", 5), "VENDOR_NAME is \"scard\"");
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_IFD_TYPE, buf, &len), 0,
	       "GET_ATTRIBUTE VENDOR_IFD_TYPE");
	ok(len == 11 && !memcmp(buf, "test reader", 11),
	   "VENDOR_IFD_TYPE is \"test reader\"");
	snprintf(serial, sizeof(serial), "TR-%d", idx);
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_IFD_SERIAL_NO, buf, &len), 0,
	       "GET_ATTRIBUTE VENDOR_IFD_SERIAL_NO");
	ok(len == strlen(serial) && !memcmp(buf, serial, len),
	   "VENDOR_IFD_SERIAL_NO is \"%s\"", serial);
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_ATTR_ATR_STRING, buf, &len), 0,
	       "GET_ATTRIBUTE ATR_STRING");
	ok(len == sizeof(atr_t1) && !memcmp(buf, atr_t1, len),
	   "ATR_STRING is the card's ATR");
	if (len != sizeof(atr_t1))
		diag("length %u", len);

	for (i = 0; i < ARRAY_SIZE(ints); i++) {
		val = 0xdeadbeef;
		len = sizeof(val);
		ok_err(get_attr(fd, ints[i].tag, &val, &len), 0,
		       "GET_ATTRIBUTE %s", ints[i].name);
		ok_eq(len, 4, "%s is a __u32", ints[i].name);
		ok_eq(val, ints[i].value, "%s value", ints[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(bytes); i++) {
		memset(buf, 0, sizeof(buf));
		len = sizeof(buf);
		ok_err(get_attr(fd, bytes[i].tag, buf, &len), 0,
		       "GET_ATTRIBUTE %s", bytes[i].name);
		memcpy(&val, buf, sizeof(val));
		if (len == 1)
			val = (unsigned char)buf[0];
		else
			diag("%s is %u bytes long", bytes[i].name, len);
		ok_eq(val, bytes[i].value, "%s value", bytes[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(answered); i++) {
		len = sizeof(buf);
		ok_err(get_attr(fd, answered[i], buf, &len), 0,
		       "GET_ATTRIBUTE 0x%08x answered", answered[i]);
	}

	len = sizeof(buf);
	ok_err(get_attr(fd, 0x12345678, buf, &len), EOPNOTSUPP,
	       "GET_ATTRIBUTE of an unknown tag: EOPNOTSUPP");
}

static void ioctl_set_attribute(int fd)
{
	struct scard_attr a;
	__u32 val = 1;

	memset(&a, 0, sizeof(a));
	a.tag = SCARD_ATTR_SUPRESS_T1_IFS_REQUEST;
	a.len = sizeof(val);
	a.data = uptr(&val);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), 0,
	       "SET_ATTRIBUTE SUPRESS_T1_IFS_REQUEST");
	a.tag = SCARD_ATTR_VENDOR_NAME;
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EOPNOTSUPP,
	       "SET_ATTRIBUTE VENDOR_NAME: EOPNOTSUPP");
}

static void ioctl_transmit(int fd)
{
	unsigned char resp[64], *big, *big_resp;
	struct scard_transmit t;
	const __u32 big_len = SCARD_MAX_RECV - 2;

	ok_err(echo(fd, SCARD_PROTOCOL_T1, 1, 7) ? -1 : 0, 0,
	       "TRANSMIT T=1: the card answers");
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), resp,
		      sizeof(apdu) + 2);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT with a response buffer of the exact size");
	ok(is_echo(apdu, sizeof(apdu), resp, t.recv_len),
	   "TRANSMIT response is the command and 90 00");
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), resp,
		      sizeof(resp));
	t.flags = SCARD_TRANSMIT_APDU;
	t.nad = 0x12;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT with SCARD_TRANSMIT_APDU and a NAD");

	big = malloc(big_len);
	big_resp = malloc(SCARD_MAX_RECV);
	if (!big || !big_resp) {
		ok(0, "malloc");
		goto out;
	}
	make_cmd(big, big_len, 3);
	transmit_init(&t, SCARD_PROTOCOL_T1, big, big_len, big_resp,
		      SCARD_MAX_RECV);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT of %u bytes, response of SCARD_MAX_RECV", big_len);
	ok(is_echo(big, big_len, big_resp, t.recv_len),
	   "the long response is right");
out:
	free(big);
	free(big_resp);
}

static void ioctl_vendor(int fd, int idx)
{
	unsigned char out[16];
	long before;
	__u32 len;

	before = ctl_value(idx, "vendor");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "hello", 5, out, &len), 0,
	       "VENDOR echo");
	ok(len == 5 && !memcmp(out, "hello", 5), "VENDOR output is the input");
	ok_eq(ctl_value(idx, "vendor"), before + 1,
	      "VENDOR reached the vendor callback");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, NULL, 0, out, &len), 0,
	       "VENDOR without input");
	ok_eq(len, 0, "VENDOR without input: no output");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO + 1, "hello", 5, out, &len), EINVAL,
	       "VENDOR code the reader does not know: the reader's EINVAL");
}

static void ioctl_perf(int fd, int idx)
{
	static const struct {
		__u32 tag;
		const char *name;
	} tags[] = {
		{ SCARD_PERF_NUM_TRANSMISSIONS, "NUM_TRANSMISSIONS" },
		{ SCARD_PERF_BYTES_TRANSMITTED, "BYTES_TRANSMITTED" },
		{ SCARD_PERF_BYTES_RECEIVED, "BYTES_RECEIVED" },
		{ SCARD_PERF_TRANSMISSION_TIME, "TRANSMISSION_TIME" },
	};
	__u64 before[4], after[4];
	unsigned int i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(tags); i++)
		ok_err(get_perf(fd, tags[i].tag, &before[i]), 0,
		       "GET_PERF_CNTR %s", tags[i].name);
	if (ctl_ok("delay %d 20", idx))
		return;
	for (i = 0; i < 3 && !err; i++)
		err = echo(fd, SCARD_PROTOCOL_T1, i, 10 * (i + 1));
	ok_err(err ? -1 : 0, 0, "3 TRANSMITs of 10, 20, 30 bytes, 20 ms each");
	ctl("delay %d 0", idx);
	for (i = 0; i < ARRAY_SIZE(tags); i++)
		get_perf(fd, tags[i].tag, &after[i]);
	ok_eq(after[0] - before[0], 3, "NUM_TRANSMISSIONS grew by 3");
	ok_eq(after[1] - before[1], 60, "BYTES_TRANSMITTED grew by 60");
	ok_eq(after[2] - before[2], 66, "BYTES_RECEIVED grew by 66");
	ok(after[3] - before[3] >= 60000000ULL,
	   "TRANSMISSION_TIME grew by at least 60 ms");
	diag("TRANSMISSION_TIME grew by %llu ns",
	     (unsigned long long)(after[3] - before[3]));
}

static void ioctl_last_error(int fd, int idx)
{
	__u32 error, reserved;

	if (ctl_ok("fail %d transmit %d", idx, EIO))
		return;
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 0, 5), EIO,
	      "TRANSMIT fails with the reader's EIO");
	ok_err(get_last_error(fd, &error, &reserved), 0, "GET_LAST_ERROR");
	ok_eq(error, EIO, "last error is EIO");
	ok_eq(reserved, 0, "GET_LAST_ERROR zeroes reserved");
	ctl_ok("fail %d transmit %d", idx, ETIMEDOUT);
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 0, 5), ETIMEDOUT,
	      "TRANSMIT fails with the reader's ETIMEDOUT");
	get_last_error(fd, &error, &reserved);
	ok_eq(error, ETIMEDOUT, "last error is ETIMEDOUT");
	ctl_ok("fail %d transmit 0", idx);
	ok_err(echo(fd, SCARD_PROTOCOL_T1, 0, 5) ? -1 : 0, 0,
	       "TRANSMIT works again");
}

static void ioctl_power(int fd, int idx)
{
	struct scard_power pw;
	__u32 selected;

	ok_err(power(fd, SCARD_WARM_RESET, &pw), 0, "POWER warm reset");
	ok(pw.atr_len == sizeof(atr_t1) && !memcmp(pw.atr, atr_t1, pw.atr_len),
	   "warm reset returns the ATR");
	check_state(fd, SCARD_NEGOTIABLE, "after a warm reset");
	ok_err(set_protocol(fd, SCARD_PROTOCOL_T0, &selected), 0,
	       "SET_PROTOCOL T=0");
	ok_eq(selected, SCARD_PROTOCOL_T0, "T=0 selected");
	ok_eq(ctl_value(idx, "protocol"), SCARD_PROTOCOL_T0,
	      "the reader was asked for T=0");
	ok_err(echo(fd, SCARD_PROTOCOL_T0, 2, 7) ? -1 : 0, 0, "TRANSMIT T=0");
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 2, 7), EBADFD,
	      "TRANSMIT T=1 while T=0 is selected: EBADFD");

	ok_err(power(fd, SCARD_POWER_DOWN, &pw), 0, "POWER down");
	ok_eq(pw.atr_len, 0, "power down returns no ATR");
	ok_eq(echo(fd, SCARD_PROTOCOL_T0, 2, 7), EBADFD,
	      "TRANSMIT after power down: EBADFD");
}

static void ioctl_mechanics(int fd, int idx)
{
	struct job job = { .fd = fd, .req = SCARD_IOC_IS_ABSENT, .timeout = 5 };
	long before;

	before = ctl_value(idx, "swallow");
	ok_err(ioctl(fd, SCARD_IOC_SWALLOW), 0, "SWALLOW");
	ok_eq(ctl_value(idx, "swallow"), before + 1, "SWALLOW reached the reader");
	before = ctl_value(idx, "confiscate");
	ok_err(ioctl(fd, SCARD_IOC_CONFISCATE), 0, "CONFISCATE");
	ok_eq(ctl_value(idx, "confiscate"), before + 1,
	      "CONFISCATE reached the reader");
	before = ctl_value(idx, "eject");
	ok_err(ioctl(fd, SCARD_IOC_EJECT), 0, "EJECT");
	ok_eq(ctl_value(idx, "eject"), before + 1, "EJECT reached the reader");
	ok_eq(job_request(&job), 0, "IS_ABSENT returns after EJECT");
	check_state(fd, SCARD_ABSENT, "after EJECT");
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 2, 7), ENOMEDIUM,
	      "TRANSMIT without card: ENOMEDIUM");
}

static void ioctl_no_optional(void)
{
	unsigned char out[8];
	int idx, fd;
	__u32 len, val;

	idx = add_reader("noopt");
	if (idx < 0)
		return;
	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		goto out;
	ctl_ok("insert %d", idx);
	ok_err(ioctl(fd, SCARD_IOC_EJECT), EOPNOTSUPP,
	       "EJECT without callback: EOPNOTSUPP");
	ok_err(ioctl(fd, SCARD_IOC_SWALLOW), EOPNOTSUPP,
	       "SWALLOW without callback: EOPNOTSUPP");
	ok_err(ioctl(fd, SCARD_IOC_CONFISCATE), EOPNOTSUPP,
	       "CONFISCATE without callback: EOPNOTSUPP");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "x", 1, out, &len), EOPNOTSUPP,
	       "VENDOR without callback: EOPNOTSUPP");
	len = sizeof(val);
	ok_err(get_attr(fd, SCARD_ATTR_CHARACTERISTICS, &val, &len), 0,
	       "GET_ATTRIBUTE CHARACTERISTICS");
	ok_eq(val, 0, "a reader without mechanics says so");
	close(fd);
out:
	ctl_ok("del %d", idx);
}

/* ioctl [IDX]: every request with good input */
static void test_ioctl(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	struct scard_state st;
	struct scard_power pw;
	char path[PATH_LEN];
	__u64 events;
	__u32 selected;
	long before;
	int fd;

	ctl("clear %d", idx);
	ctl("remove %d", idx);
	fd = open_reader(idx, O_RDWR, path);
	if (fd < 0)
		return;
	diag("reader %d is %s", idx, path);

	ok_err(get_state(fd, &st), 0, "GET_STATE");
	ok(st.state == SCARD_ABSENT && st.protocol == SCARD_PROTOCOL_UNDEFINED,
	   "no card: ABSENT, no protocol");
	ok(!st.reserved[0] && !st.reserved[1], "GET_STATE zeroes reserved");
	events = st.events;

	if (ctl_ok("insert %d %s", idx, ATR_HEX))
		goto out;
	ok_err(get_state(fd, &st), 0, "GET_STATE after insertion");
	ok_eq(st.state, SCARD_PRESENT, "card inserted: PRESENT");
	ok_eq(st.events, events + 1, "the insertion counts as one event");

	before = ctl_value(idx, "power");
	ok_err(power(fd, SCARD_COLD_RESET, &pw), 0, "POWER cold reset");
	ok(pw.atr_len == sizeof(atr_t1) && !memcmp(pw.atr, atr_t1, pw.atr_len),
	   "cold reset returns the ATR");
	ok_eq(ctl_value(idx, "power"), before + 1, "POWER reached the reader");
	check_state(fd, SCARD_NEGOTIABLE, "card offering T=0 and T=1 reset");

	ok_err(set_protocol(fd, SCARD_PROTOCOL_TX, &selected), 0,
	       "SET_PROTOCOL T=0|T=1");
	ok_eq(selected, SCARD_PROTOCOL_T1, "T=1 preferred");
	ok_eq(ctl_value(idx, "protocol"), SCARD_PROTOCOL_T1,
	      "the reader was asked for T=1");
	ok_err(get_state(fd, &st), 0, "GET_STATE after SET_PROTOCOL");
	ok(st.state == SCARD_SPECIFIC && st.protocol == SCARD_PROTOCOL_T1,
	   "SPECIFIC, protocol T=1");
	ok_err(set_protocol(fd, SCARD_PROTOCOL_TX, &selected), 0,
	       "SET_PROTOCOL again in SPECIFIC state");
	ok_eq(selected, SCARD_PROTOCOL_T1, "the selected protocol is written");

	ioctl_transmit(fd);
	ioctl_attributes(fd, idx);
	ioctl_set_attribute(fd);
	ioctl_vendor(fd, idx);
	ioctl_perf(fd, idx);
	ioctl_last_error(fd, idx);
	ioctl_power(fd, idx);
	if (!card_ready(idx, fd))
		ioctl_mechanics(fd, idx);
	ioctl_no_optional();
out:
	close(fd);
}

/* ---- test: badinput ---- */

struct ioctl_name {
	unsigned long req;
	const char *name;
};

#define IOCTL(req)	{ SCARD_IOC_##req, #req }

static const struct ioctl_name struct_ioctls[] = {
	IOCTL(POWER), IOCTL(GET_ATTRIBUTE), IOCTL(SET_ATTRIBUTE),
	IOCTL(TRANSMIT), IOCTL(SET_PROTOCOL), IOCTL(GET_STATE),
	IOCTL(GET_LAST_ERROR), IOCTL(GET_PERF_CNTR), IOCTL(VENDOR),
};

static const struct ioctl_name unknown_ioctls[] = {
	{ _IO(SCARD_IOC_MAGIC, 0), "NR 0" },
	{ _IO(SCARD_IOC_MAGIC, 8), "NR 8" },
	{ _IO(SCARD_IOC_MAGIC, 9), "NR 9" },
	{ _IO(SCARD_IOC_MAGIC, 13), "NR 13" },
	{ _IO(SCARD_IOC_MAGIC, 17), "NR 17" },
	{ _IO(SCARD_IOC_MAGIC, 63), "NR 63" },
	{ _IO(SCARD_IOC_MAGIC, 65), "NR 65" },
	{ _IO(SCARD_IOC_MAGIC, 255), "NR 255" },
	{ _IOWR(SCARD_IOC_MAGIC, 1, __u32), "POWER with the size of a __u32" },
	{ _IO(SCARD_IOC_MAGIC, 1), "POWER without size" },
	{ _IOR(SCARD_IOC_MAGIC, 1, struct scard_power), "POWER as _IOR" },
	{ _IOR(SCARD_IOC_MAGIC, 14, __u32), "GET_STATE with the size of a __u32" },
	{ _IOWR(SCARD_IOC_MAGIC, 14, struct scard_state), "GET_STATE as _IOWR" },
	{ _IOWR(SCARD_IOC_MAGIC, 5, struct scard_power),
	  "TRANSMIT with the size of struct scard_power" },
	{ _IOW(SCARD_IOC_MAGIC, 6, __u32), "EJECT with a size" },
	{ _IOW(SCARD_IOC_MAGIC, 10, __u32), "IS_PRESENT with a size" },
	{ _IOWR(SCARD_IOC_MAGIC, 64, struct scard_attr),
	  "VENDOR with the size of struct scard_attr" },
	{ _IOWR('T', 1, struct scard_power), "POWER's number with magic 'T'" },
	{ 0x00310004, "smclib's IOCTL_SMARTCARD_POWER" },
};

static void bad_pointers(int fd)
{
	unsigned int i, size;

	for (i = 0; i < ARRAY_SIZE(struct_ioctls); i++) {
		size = _IOC_SIZE(struct_ioctls[i].req);
		ok_err(ioctl(fd, struct_ioctls[i].req, NULL), EFAULT,
		       "%s with a NULL argument: EFAULT", struct_ioctls[i].name);
		ok_err(ioctl(fd, struct_ioctls[i].req, unmapped), EFAULT,
		       "%s with an unmapped argument: EFAULT",
		       struct_ioctls[i].name);
		ok_err(ioctl(fd, struct_ioctls[i].req,
			     straddle + page_size - size / 2), EFAULT,
		       "%s with an argument running into an unmapped page: EFAULT",
		       struct_ioctls[i].name);
	}
}

static void bad_inner_pointers(int fd)
{
	unsigned char resp[32], out[8];
	struct scard_transmit t;
	struct scard_attr a;
	__u32 len;

	len = 16;
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_NAME, NULL, &len), EFAULT,
	       "GET_ATTRIBUTE to a NULL buffer: EFAULT");
	len = 16;
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_NAME, unmapped, &len), EFAULT,
	       "GET_ATTRIBUTE to an unmapped buffer: EFAULT");
	memset(&a, 0, sizeof(a));
	a.tag = SCARD_ATTR_SUPRESS_T1_IFS_REQUEST;
	a.len = 4;
	a.data = uptr(unmapped);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EFAULT,
	       "SET_ATTRIBUTE from an unmapped buffer: EFAULT");

	transmit_init(&t, SCARD_PROTOCOL_T1, NULL, 7, resp, sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT from a NULL command: EFAULT");
	transmit_init(&t, SCARD_PROTOCOL_T1, unmapped, 7, resp, sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT from an unmapped command: EFAULT");
	transmit_init(&t, SCARD_PROTOCOL_T1, straddle + page_size - 3, 7, resp,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT from a command running into an unmapped page: EFAULT");
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), NULL,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT to a NULL response buffer: EFAULT");
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), unmapped,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT to an unmapped response buffer: EFAULT");

	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, unmapped, 4, out, &len), EFAULT,
	       "VENDOR from an unmapped input: EFAULT");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "abcd", 4, unmapped, &len), EFAULT,
	       "VENDOR to an unmapped output: EFAULT");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "abcd", 4, NULL, &len), EFAULT,
	       "VENDOR to a NULL output: EFAULT");
}

static void bad_reserved(int fd, int idx)
{
	unsigned char resp[32], buf[16];
	struct scard_transmit t;
	struct scard_power pw;
	struct scard_attr a;
	struct scard_vendor v;
	struct scard_perf p;
	__u32 val = 1;
	unsigned int i;
	int bad;

	for (i = 0, bad = 0; i < sizeof(t.reserved); i++) {
		transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), resp,
			      sizeof(resp));
		t.reserved[i] = 1;
		if (ioctl(fd, SCARD_IOC_TRANSMIT, &t) == 0 || errno != EINVAL)
			bad++;
	}
	ok(!bad, "TRANSMIT with any reserved byte set: EINVAL");
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), resp,
		      sizeof(resp));
	t.flags = 0x80000000;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EINVAL,
	       "TRANSMIT with an unknown flag: EINVAL");

	memset(&a, 0, sizeof(a));
	a.tag = SCARD_ATTR_VENDOR_NAME;
	a.len = sizeof(buf);
	a.data = uptr(buf);
	a.reserved = 1;
	ok_err(ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &a), EINVAL,
	       "GET_ATTRIBUTE with reserved set: EINVAL");
	a.tag = SCARD_ATTR_SUPRESS_T1_IFS_REQUEST;
	a.len = sizeof(val);
	a.data = uptr(&val);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EINVAL,
	       "SET_ATTRIBUTE with reserved set: EINVAL");

	memset(&v, 0, sizeof(v));
	v.code = TR_VENDOR_ECHO;
	v.out_buf = uptr(buf);
	v.out_len = sizeof(buf);
	v.reserved = 1;
	ok_err(ioctl(fd, SCARD_IOC_VENDOR, &v), EINVAL,
	       "VENDOR with reserved set: EINVAL");

	memset(&p, 0, sizeof(p));
	p.tag = SCARD_PERF_NUM_TRANSMISSIONS;
	p.reserved = 1;
	ok_err(ioctl(fd, SCARD_IOC_GET_PERF_CNTR, &p), EINVAL,
	       "GET_PERF_CNTR with reserved set: EINVAL");

	/* Last: a POWER that goes through resets the protocol. */
	for (i = 0, bad = 0; i < sizeof(pw.reserved); i++) {
		memset(&pw, 0, sizeof(pw));
		pw.disposition = SCARD_WARM_RESET;
		pw.reserved[i] = 1;
		if (ioctl(fd, SCARD_IOC_POWER, &pw) == 0 || errno != EINVAL)
			bad++;
	}
	ok(!bad, "POWER with any reserved byte set: EINVAL");
	ok_err(power(fd, 3, &pw), EINVAL, "POWER disposition 3: EINVAL");
	card_ready(idx, fd);
}

static void bad_lengths(int fd, int idx)
{
	unsigned char resp[64], buf[64], *big;
	struct scard_transmit t;
	struct scard_attr a;
	__u32 len, need;
	const size_t big_len = 1 << 20;

	/* output too small: ENOSPC and the size needed */
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), resp, 0);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), ENOSPC,
	       "TRANSMIT with no response space: ENOSPC");
	ok_eq(t.recv_len, sizeof(apdu) + 2, "the needed size is reported");
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), resp,
		      sizeof(apdu) + 1);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), ENOSPC,
	       "TRANSMIT with one byte too few: ENOSPC");
	need = t.recv_len;
	ok_eq(need, sizeof(apdu) + 2, "the needed size is reported");
	transmit_init(&t, SCARD_PROTOCOL_T1, apdu, sizeof(apdu), resp, need);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT with the reported size");
	ok(is_echo(apdu, sizeof(apdu), resp, t.recv_len),
	   "and the response is right");

	len = 0;
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_NAME, NULL, &len), ENOSPC,
	       "GET_ATTRIBUTE VENDOR_NAME into 0 bytes: ENOSPC");
	ok_eq(len, 5, "the needed size is reported");
	len = 2;
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_NAME, buf, &len), ENOSPC,
	       "GET_ATTRIBUTE VENDOR_NAME into 2 bytes: ENOSPC");
	ok_eq(len, 5, "the needed size is reported");
	len = 3;
	ok_err(get_attr(fd, SCARD_ATTR_MAX_IFSD, buf, &len), ENOSPC,
	       "GET_ATTRIBUTE MAX_IFSD into 3 bytes: ENOSPC");
	ok_eq(len, 4, "the needed size is reported");
	len = 1;
	ok_err(get_attr(fd, SCARD_ATTR_ATR_STRING, buf, &len), ENOSPC,
	       "GET_ATTRIBUTE ATR_STRING into 1 byte: ENOSPC");
	need = len;
	ok(need >= sizeof(atr_t1) && need <= SCARD_ATR_MAX,
	   "the needed size is reported");
	diag("ATR_STRING needs %u bytes", need);
	ok_err(get_attr(fd, SCARD_ATTR_ATR_STRING, buf, &len), 0,
	       "GET_ATTRIBUTE ATR_STRING with the reported size");

	len = 2;
	ok_err(vendor(fd, TR_VENDOR_ECHO, "hello", 5, buf, &len), ENOSPC,
	       "VENDOR echo of 5 bytes into 2: ENOSPC");
	ok_eq(len, 5, "the needed size is reported");

	/* input too large: EMSGSIZE; empty command: EINVAL */
	big = calloc(1, big_len);
	if (!big) {
		ok(0, "calloc");
		return;
	}
	transmit_init(&t, SCARD_PROTOCOL_T1, big, SCARD_MAX_SEND + 1, resp,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EMSGSIZE,
	       "TRANSMIT of SCARD_MAX_SEND + 1 bytes: EMSGSIZE");
	t.send_len = 0xffffffff;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EMSGSIZE,
	       "TRANSMIT of 4 GiB - 1 bytes: EMSGSIZE");
	t.send_len = 0;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EINVAL,
	       "TRANSMIT of 0 bytes: EINVAL");
	len = sizeof(buf);
	ok_err(vendor(fd, TR_VENDOR_ECHO, big, SCARD_VENDOR_MAX_BUF + 1, buf,
		      &len), EMSGSIZE,
	       "VENDOR with SCARD_VENDOR_MAX_BUF + 1 input bytes: EMSGSIZE");
	memset(&a, 0, sizeof(a));
	a.tag = SCARD_ATTR_SUPRESS_T1_IFS_REQUEST;
	a.len = big_len;
	a.data = uptr(big);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EMSGSIZE,
	       "SET_ATTRIBUTE with a 1 MiB value: EMSGSIZE");
	free(big);
	(void)idx;
}

static void bad_values(int fd, int idx)
{
	unsigned char buf[16];
	__u32 len, selected;
	__u64 value;
	struct scard_power pw;

	len = sizeof(buf);
	ok_err(vendor(fd, SCARD_VENDOR_CODE_MIN - 1, "a", 1, buf, &len), EINVAL,
	       "VENDOR code below SCARD_VENDOR_CODE_MIN: EINVAL");
	len = sizeof(buf);
	ok_err(vendor(fd, SCARD_VENDOR_CODE_MAX + 1, "a", 1, buf, &len), EINVAL,
	       "VENDOR code above SCARD_VENDOR_CODE_MAX: EINVAL");
	ok_eq(echo(fd, SCARD_PROTOCOL_T0, 0, 7), EBADFD,
	      "TRANSMIT T=0 while T=1 is selected: EBADFD");
	ok_eq(echo(fd, SCARD_PROTOCOL_UNDEFINED, 0, 7), EBADFD,
	      "TRANSMIT protocol 0: EBADFD");
	ok_eq(echo(fd, SCARD_PROTOCOL_RAW, 0, 7), EBADFD,
	      "TRANSMIT RAW while T=1 is selected: EBADFD");
	ok_err(get_perf(fd, 0x7ffe00ff, &value), EINVAL,
	       "GET_PERF_CNTR of an unknown tag: EINVAL");
	ok_err(set_protocol(fd, 0, &selected), EINVAL,
	       "SET_PROTOCOL with an empty mask: EINVAL");
	ok_err(set_protocol(fd, SCARD_PROTOCOL_T1 | 0x100, &selected), EINVAL,
	       "SET_PROTOCOL with an unknown bit: EINVAL");

	/* TRANSMIT in every state that is not SPECIFIC */
	ok_err(power(fd, SCARD_COLD_RESET, &pw), 0, "POWER cold reset");
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 0, 7), EBADFD,
	      "TRANSMIT before SET_PROTOCOL: EBADFD");
	ctl_ok("remove %d", idx);
	ctl_ok("insert %d", idx);
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 0, 7), EBADFD,
	      "TRANSMIT to an unpowered card: EBADFD");
	ctl_ok("remove %d", idx);
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 0, 7), ENOMEDIUM,
	      "TRANSMIT without card: ENOMEDIUM");
	card_ready(idx, fd);
}

static void bad_ioctl_numbers(int fd)
{
	unsigned char buf[512];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unknown_ioctls); i++) {
		memset(buf, 0, sizeof(buf));
		ok_err(ioctl(fd, unknown_ioctls[i].req, buf), ENOTTY,
		       "unknown ioctl 0x%08lx (%s): ENOTTY",
		       unknown_ioctls[i].req, unknown_ioctls[i].name);
	}
}

/* badinput [IDX]: every request with bad arguments */
static void test_badinput(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	int fd;

	ctl("clear %d", idx);
	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		return;
	if (card_ready(idx, fd))
		goto out;
	bad_pointers(fd);
	card_ready(idx, fd);
	bad_inner_pointers(fd);
	bad_reserved(fd, idx);
	bad_lengths(fd, idx);
	bad_values(fd, idx);
	bad_ioctl_numbers(fd);
	card_ready(idx, fd);
	ok_err(echo(fd, SCARD_PROTOCOL_T1, 9, 9) ? -1 : 0, 0,
	       "the reader still works");
out:
	close(fd);
}

/* ---- test: tracking ---- */

/*
 * A child waits in @req; once it has armed the reader, @cmd ("insert",
 * "remove") must wake it up.
 */
static void tracking_wakeup(int fd, int idx, unsigned long req,
			    const char *cmd, const char *what)
{
	struct job job = { .fd = fd, .req = req, .timeout = 5 };
	long armed = ctl_value(idx, "tracking");
	pid_t pid;

	pid = spawn(job_request, &job);
	if (wait_calls(idx, "tracking", armed))
		return;
	ctl_ok("%s %d", cmd, idx);
	ok_eq(reap(pid, 5), 0, "%s waits and wakes up on \"%s\"", what, cmd);
}

static void tracking_signal(int fd, int idx)
{
	struct job job = { .fd = fd, .req = SCARD_IOC_IS_PRESENT, .timeout = 5 };
	long armed = ctl_value(idx, "tracking"), start;
	pid_t pid;

	pid = spawn(job_request, &job);
	if (wait_calls(idx, "tracking", armed))
		return;
	start = now_ms();
	kill(pid, SIGUSR1);
	ok_eq(reap(pid, 5), EINTR, "IS_PRESENT interrupted by a signal: EINTR");
	ok(now_ms() - start < 2000, "the signal ends the wait at once");
	tracking_wakeup(fd, idx, SCARD_IOC_IS_PRESENT, "insert",
			"IS_PRESENT after an interrupted one");
}

static void tracking_busy(int fd, int idx)
{
	struct job job = { .fd = fd, .req = SCARD_IOC_IS_PRESENT, .timeout = 5 };
	long armed = ctl_value(idx, "tracking");
	pid_t pid;

	pid = spawn(job_request, &job);
	if (wait_calls(idx, "tracking", armed))
		return;
	ok_err(ioctl(fd, SCARD_IOC_IS_PRESENT), EBUSY,
	       "second IS_PRESENT on the same open file: EBUSY");
	ctl_ok("insert %d", idx);
	ok_eq(reap(pid, 5), 0, "the first IS_PRESENT wakes up");
}

static void tracking_two_files(int idx)
{
	struct job a = { .req = SCARD_IOC_IS_PRESENT, .timeout = 5 };
	struct job b = { .req = SCARD_IOC_IS_PRESENT, .timeout = 5 };
	long armed = ctl_value(idx, "tracking");
	pid_t pa, pb;

	a.fd = open_reader(idx, O_RDWR, NULL);
	b.fd = open_reader(idx, O_RDWR, NULL);
	if (a.fd < 0 || b.fd < 0)
		return;
	pa = spawn(job_request, &a);
	pb = spawn(job_request, &b);
	wait_calls(idx, "tracking", armed + 1);
	ctl_ok("insert %d", idx);
	ok_eq(reap(pa, 5), 0, "IS_PRESENT on one open file wakes up");
	ok_eq(reap(pb, 5), 0, "IS_PRESENT on another open file wakes up too");
	close(a.fd);
	close(b.fd);
}

/* Requests go on while a wait for the card's removal blocks. */
static void tracking_concurrent_io(int fd, int idx)
{
	struct job job = { .fd = fd, .req = SCARD_IOC_IS_ABSENT, .timeout = 5 };
	int fd2, err;
	long armed;
	pid_t pid;

	fd2 = open_reader(idx, O_RDWR, NULL);
	if (fd2 < 0)
		return;
	if (card_ready(idx, fd2))
		goto out;
	armed = ctl_value(idx, "tracking");
	pid = spawn(job_request, &job);
	wait_calls(idx, "tracking", armed);
	err = echo(fd2, SCARD_PROTOCOL_T1, 4, 20);
	ok_eq(err, 0, "TRANSMIT while another file waits in IS_ABSENT");
	ctl_ok("remove %d", idx);
	ok_eq(reap(pid, 5), 0, "IS_ABSENT wakes up on removal");
out:
	close(fd2);
}

/* tracking [IDX]: IS_PRESENT and IS_ABSENT */
static void test_tracking(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	struct job job = { .timeout = 5 };
	int fd, nfd;

	ctl("clear %d", idx);
	ctl("remove %d", idx);
	fd = open_reader(idx, O_RDWR, NULL);
	nfd = open_reader(idx, O_RDWR | O_NONBLOCK, NULL);
	if (fd < 0 || nfd < 0)
		return;

	job.fd = fd;
	job.req = SCARD_IOC_IS_ABSENT;
	ok_eq(job_request(&job), 0, "IS_ABSENT without card returns at once");
	ok_err(ioctl(nfd, SCARD_IOC_IS_PRESENT), EAGAIN,
	       "IS_PRESENT without card, O_NONBLOCK: EAGAIN");
	tracking_wakeup(fd, idx, SCARD_IOC_IS_PRESENT, "insert", "IS_PRESENT");
	check_state(fd, SCARD_PRESENT, "after the insertion");
	job.req = SCARD_IOC_IS_PRESENT;
	ok_eq(job_request(&job), 0, "IS_PRESENT with a card returns at once");
	ok_err(ioctl(nfd, SCARD_IOC_IS_PRESENT), 0,
	       "IS_PRESENT with a card, O_NONBLOCK: at once");
	ok_err(ioctl(nfd, SCARD_IOC_IS_ABSENT), EAGAIN,
	       "IS_ABSENT with a card, O_NONBLOCK: EAGAIN");
	tracking_wakeup(fd, idx, SCARD_IOC_IS_ABSENT, "remove", "IS_ABSENT");
	check_state(fd, SCARD_ABSENT, "after the removal");

	tracking_signal(fd, idx);
	ctl_ok("remove %d", idx);
	tracking_busy(fd, idx);
	ctl_ok("remove %d", idx);
	tracking_two_files(idx);
	tracking_concurrent_io(fd, idx);

	ctl_ok("fail %d tracking %d", idx, EIO);
	ok_err(ioctl(fd, SCARD_IOC_IS_PRESENT), EIO,
	       "IS_PRESENT when the reader cannot track: its EIO");
	ctl_ok("fail %d tracking 0", idx);
	close(nfd);
	close(fd);
}

/* ---- test: poll ---- */

static int poll_now(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI };

	if (poll(&pfd, 1, timeout_ms) < 0)
		return -1;
	return pfd.revents;
}

static void poll_hangup(void)
{
	struct job job = { .timeout = 5 };
	int idx, revents;
	pid_t pid;

	idx = add_reader("");
	if (idx < 0)
		return;
	job.fd = open_reader(idx, O_RDWR, NULL);
	if (job.fd < 0)
		return;
	revents = poll_now(job.fd, 0);
	ok_eq(revents & (POLLHUP | POLLERR), 0, "no POLLHUP while registered");
	pid = spawn(job_poll, &job);
	sleep_ms(300);
	ctl_ok("del %d", idx);
	revents = reap(pid, 5);
	ok(revents > 0 && (revents & POLLHUP) && (revents & POLLERR),
	   "a blocked poll() gets POLLHUP|POLLERR on unregistration");
	diag("revents 0x%x", revents);
	revents = poll_now(job.fd, 0);
	ok(revents > 0 && (revents & POLLHUP) && (revents & POLLERR),
	   "poll() after unregistration: POLLHUP|POLLERR");
	close(job.fd);
}

/* poll [IDX]: event notification through poll() */
static void test_poll(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	struct job job = { .timeout = 5 };
	struct scard_state st;
	int fd, fd2, revents;
	__u64 events;
	long start;
	pid_t pid;

	ctl("clear %d", idx);
	ctl("remove %d", idx);
	fd = open_reader(idx, O_RDWR, NULL);
	fd2 = open_reader(idx, O_RDWR, NULL);
	if (fd < 0 || fd2 < 0)
		return;

	get_state(fd2, &st);
	ok_err(get_state(fd, &st), 0, "GET_STATE");
	events = st.events;
	ok_eq(poll_now(fd, 0), 0, "no event since GET_STATE: poll() finds none");

	ctl_ok("insert %d", idx);
	revents = poll_now(fd, 2000);
	ok_eq(revents, POLLIN | POLLPRI, "after an insertion: POLLIN|POLLPRI");
	ok_eq(poll_now(fd, 0), POLLIN | POLLPRI, "and it stays until GET_STATE");
	get_state(fd, &st);
	ok_eq(st.events, events + 1, "events moved by one");
	ok_eq(poll_now(fd, 0), 0, "GET_STATE clears it");
	ok_eq(poll_now(fd2, 0), POLLIN | POLLPRI,
	      "another open file still has it");
	get_state(fd2, &st);
	ok_eq(poll_now(fd2, 0), 0, "until it does GET_STATE itself");

	ctl_ok("remove %d", idx);
	ctl_ok("insert %d", idx);
	ok_eq(poll_now(fd, 0), POLLIN | POLLPRI, "after removal and insertion");
	get_state(fd, &st);
	ok_eq(st.events, events + 3, "events moved by two more");
	check_state(fd, SCARD_PRESENT, "after removal and insertion");

	job.fd = fd;
	start = now_ms();
	pid = spawn(job_poll, &job);
	ctl_ok("remove %d", idx);
	revents = reap(pid, 5);
	ok_eq(revents, POLLIN | POLLPRI, "a blocked poll() wakes up on removal");
	get_state(fd, &st);
	pid = ctl_after(300, "insert %d", idx);
	revents = poll_now(fd, 5000);
	ok_eq(revents, POLLIN | POLLPRI, "poll() waits for the insertion");
	ok(now_ms() - start >= 250, "it did wait");
	reap(pid, 5);
	close(fd2);
	close(fd);

	poll_hangup();
}

/* ---- test: concurrency ---- */

static void conc_serialised(int fd, int idx)
{
	struct job jobs[4];
	pid_t pids[4];
	long start, before, took;
	unsigned int i;
	int fds[3];

	if (ctl_ok("delay %d 50", idx))
		return;
	before = ctl_value(idx, "transmit");
	for (i = 0; i < 3; i++)
		fds[i] = open_reader(idx, O_RDWR, NULL);
	start = now_ms();
	for (i = 0; i < ARRAY_SIZE(jobs); i++) {
		jobs[i].fd = i < 3 ? fds[i] : fd;
		jobs[i].seed = 100 * i;
		jobs[i].count = 5;
		jobs[i].timeout = 20;
		pids[i] = spawn(i == 3 ? job_vendor : job_transmit, &jobs[i]);
	}
	for (i = 0; i < ARRAY_SIZE(jobs); i++)
		ok_eq(reap(pids[i], 25), 0,
		      "process %u: 5 %s, every answer its own", i,
		      i == 3 ? "VENDOR echoes" : "TRANSMITs");
	took = now_ms() - start;
	ok_eq(ctl_value(idx, "transmit") - before, 15,
	      "the reader saw 15 TRANSMITs");
	ok(took >= 20 * 50 - 100, "20 callbacks of 50 ms took %ld ms", took);
	ctl_ok("delay %d 0", idx);
	for (i = 0; i < 3; i++)
		close(fds[i]);
}

static void conc_same_file(int fd, int idx)
{
	struct job a = { .fd = fd, .seed = 7, .count = 20, .timeout = 20 };
	struct job b = { .fd = fd, .seed = 77, .count = 20, .timeout = 20 };
	pid_t pa, pb;

	ctl_ok("delay %d 5", idx);
	pa = spawn(job_transmit, &a);
	pb = spawn(job_transmit, &b);
	ok_eq(reap(pa, 25), 0, "two processes on one open file: first ok");
	ok_eq(reap(pb, 25), 0, "two processes on one open file: second ok");
	ctl_ok("delay %d 0", idx);
}

static void conc_exclusive(int idx)
{
	char path[PATH_LEN];
	int ex, fd;

	if (reader_path(idx, path))
		return;
	ex = open(path, O_RDWR | O_EXCL);
	ok(ex >= 0, "O_EXCL open with no other opener");
	if (ex < 0) {
		diag("%s", strerror(errno));
		return;
	}
	ok_err(open(path, O_RDWR), EBUSY, "open while opened O_EXCL: EBUSY");
	ok_err(open(path, O_RDWR | O_EXCL), EBUSY,
	       "O_EXCL open while opened O_EXCL: EBUSY");
	check_state(ex, SCARD_SPECIFIC, "the exclusive opener works");
	close(ex);
	fd = open(path, O_RDWR);
	ok(fd >= 0, "open after the exclusive opener closed");
	ok_err(open(path, O_RDWR | O_EXCL), EBUSY,
	       "O_EXCL open while someone has it open: EBUSY");
	if (fd >= 0)
		close(fd);
}

/* A child TRANSMITs; returns once it is inside the reader's callback. */
static pid_t start_transmit(struct job *job, int idx)
{
	long calls = ctl_value(idx, "transmit");
	pid_t pid;

	pid = spawn(job_transmit, job);
	if (pid > 0 && wait_calls(idx, "transmit", calls)) {
		kill(pid, SIGKILL);
		reap(pid, 5);
		return -1;
	}
	return pid;
}

static void conc_pending(int fd, int idx)
{
	struct job job = { .seed = 5, .count = 1, .timeout = 10 };
	unsigned char buf[8];
	struct scard_power pw;
	__u32 len, selected;
	__u64 value;
	int err, i;
	pid_t pid;

	job.fd = open_reader(idx, O_RDWR, NULL);
	if (job.fd < 0)
		return;
	if (ctl_ok("pending %d 3000", idx))
		goto out;
	pid = start_transmit(&job, idx);
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 1, 5), EBUSY,
	      "TRANSMIT while another one is pending: EBUSY");
	ok_err(power(fd, SCARD_WARM_RESET, &pw), EBUSY,
	       "POWER while a TRANSMIT is pending: EBUSY");
	ok_err(set_protocol(fd, SCARD_PROTOCOL_TX, &selected), EBUSY,
	       "SET_PROTOCOL while a TRANSMIT is pending: EBUSY");
	len = sizeof(buf);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "a", 1, buf, &len), EBUSY,
	       "VENDOR while a TRANSMIT is pending: EBUSY");
	ok_err(ioctl(fd, SCARD_IOC_IS_ABSENT), EBUSY,
	       "IS_ABSENT while a TRANSMIT is pending: EBUSY");
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_ATTR_VENDOR_NAME, buf, &len), EBUSY,
	       "GET_ATTRIBUTE while a TRANSMIT is pending: EBUSY");
	check_state(fd, SCARD_SPECIFIC, "GET_STATE while a TRANSMIT is pending");
	ok_err(get_last_error(fd, &len, &selected), 0,
	       "GET_LAST_ERROR while a TRANSMIT is pending");
	ok_err(get_perf(fd, SCARD_PERF_NUM_TRANSMISSIONS, &value), 0,
	       "GET_PERF_CNTR while a TRANSMIT is pending");
	ok_eq(reap(pid, 10), 0, "the pending TRANSMIT completes with its answer");
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 1, 5), 0,
	      "TRANSMIT after the completion");

	/* a signal does not cut a pending request short */
	ctl_ok("pending %d 1000", idx);
	pid = start_transmit(&job, idx);
	kill(pid, SIGUSR1);
	ok_eq(reap(pid, 10), 0, "a pending TRANSMIT survives a signal");

	/* its caller killed: the reader is busy until the driver completes */
	ctl_ok("pending %d 3000", idx);
	pid = start_transmit(&job, idx);
	kill(pid, SIGKILL);
	ok_eq(reap(pid, 10), -1, "the caller of a pending TRANSMIT is killed");
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 1, 5), EBUSY,
	      "TRANSMIT while the orphaned one is pending: EBUSY");
	for (i = 0, err = EBUSY; i < 100 && err == EBUSY; i++) {
		sleep_ms(100);
		err = echo(fd, SCARD_PROTOCOL_T1, 1, 5);
	}
	ok_eq(err, 0, "TRANSMIT once the driver completed the orphaned one");
	check_state(fd, SCARD_SPECIFIC, "the card is still in T=1");

	/* the card goes while a TRANSMIT is pending or running */
	ctl_ok("pending %d 3000", idx);
	pid = start_transmit(&job, idx);
	ctl_ok("remove %d", idx);
	ok_eq(reap(pid, 10), ENOMEDIUM,
	      "pending TRANSMIT when the card is pulled: ENOMEDIUM");
	if (card_ready(idx, fd))
		goto out;
	ctl_ok("delay %d 8000", idx);
	pid = start_transmit(&job, idx);
	ctl_ok("remove %d", idx);
	ok_eq(reap(pid, 4), ENOMEDIUM,
	      "slow TRANSMIT when the card is pulled: ENOMEDIUM at once");
	ctl_ok("delay %d 0", idx);
out:
	close(job.fd);
}

static int stopped(struct job *job)
{
	struct pollfd pfd = { .fd = job->stop[0], .events = POLLIN };

	return poll(&pfd, 1, 0) != 0;
}

/* The card goes in and out 50 times, 5 ms apart. */
static int job_toggle(struct job *job)
{
	int i, err;

	close(job->stop[0]);
	alarm(job->timeout);
	for (i = 0; i < job->count; i++) {
		err = ctl("remove %d", job->idx);
		if (!err)
			err = ctl("insert %d %s", job->idx, ATR_HEX);
		if (err)
			return err;
		sleep_ms(5);
	}
	return 0;
}

static int stress_allowed(int err)
{
	return err == ENOMEDIUM || err == EBADFD;
}

/* Reset, select, transmit as fast as possible: no error but no card. */
static int job_use_card(struct job *job)
{
	struct scard_power pw;
	__u32 selected;
	int err;

	close(job->stop[1]);
	alarm(job->timeout);
	while (!stopped(job)) {
		err = power(job->fd, SCARD_COLD_RESET, &pw) ? errno : 0;
		if (!err)
			err = set_protocol(job->fd, SCARD_PROTOCOL_TX,
					   &selected) ? errno : 0;
		if (!err)
			err = echo(job->fd, SCARD_PROTOCOL_T1, 3, 9);
		if (err && !stress_allowed(err))
			return err;
	}
	return 0;
}

/* Watch the events: poll, GET_STATE, non-blocking waits. */
static int job_watch(struct job *job)
{
	struct scard_state st;
	__u64 events = 0;
	int err;

	close(job->stop[1]);
	alarm(job->timeout);
	while (!stopped(job)) {
		poll_now(job->fd, 10);
		if (get_state(job->fd, &st))
			return errno;
		if (st.events < events || st.state > SCARD_SPECIFIC)
			return BAD_DATA;
		events = st.events;
		err = ioctl(job->fd, events & 1 ? SCARD_IOC_IS_PRESENT :
			    SCARD_IOC_IS_ABSENT) ? errno : 0;
		if (err && err != EAGAIN)
			return err;
	}
	return 0;
}

static void conc_stress(int fd, int idx)
{
	struct job toggle = { .idx = idx, .count = 50, .timeout = 30 };
	struct job use = { .timeout = 30 }, watch = { .timeout = 30 };
	struct scard_state st;
	long power, transmit;
	__u64 events;
	pid_t pids[3];

	use.fd = open_reader(idx, O_RDWR, NULL);
	watch.fd = open_reader(idx, O_RDWR | O_NONBLOCK, NULL);
	if (use.fd < 0 || watch.fd < 0 || card_ready(idx, fd) ||
	    pipe(toggle.stop))
		return;
	memcpy(use.stop, toggle.stop, sizeof(use.stop));
	memcpy(watch.stop, toggle.stop, sizeof(watch.stop));
	get_state(fd, &st);
	events = st.events;
	power = ctl_value(idx, "power");
	transmit = ctl_value(idx, "transmit");

	pids[0] = spawn(job_use_card, &use);
	pids[1] = spawn(job_watch, &watch);
	pids[2] = spawn(job_toggle, &toggle);
	close(toggle.stop[0]);
	close(toggle.stop[1]);
	ok_eq(reap(pids[2], 35), 0, "50 removals and insertions");
	ok_eq(reap(pids[0], 35), 0,
	      "POWER, SET_PROTOCOL, TRANSMIT meanwhile: no unexpected error");
	ok_eq(reap(pids[1], 35), 0,
	      "poll, GET_STATE, IS_PRESENT, IS_ABSENT meanwhile");
	diag("meanwhile %ld POWER and %ld TRANSMIT calls reached the reader",
	     ctl_value(idx, "power") - power,
	     ctl_value(idx, "transmit") - transmit);
	get_state(fd, &st);
	ok_eq(st.events - events, 100, "every change counted once");
	ok(!card_ready(idx, fd), "the card still works");
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 8, 8), 0, "TRANSMIT after the storm");
	close(use.fd);
	close(watch.fd);
}

/* concurrency [IDX]: serialisation, O_EXCL, pending requests */
static void test_concurrency(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	int fd;

	ctl("clear %d", idx);
	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		return;
	if (card_ready(idx, fd))
		goto out;
	conc_serialised(fd, idx);
	conc_same_file(fd, idx);
	close(fd);
	conc_exclusive(idx);
	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		return;
	conc_pending(fd, idx);
	conc_stress(fd, idx);
out:
	close(fd);
}

/* ---- test: unplug ---- */

static void unplug_dead_file(int fd, const char *what)
{
	struct scard_state st;
	int revents;

	ok_err(get_state(fd, &st), ENODEV, "%s: GET_STATE: ENODEV", what);
	ok_eq(echo(fd, SCARD_PROTOCOL_T1, 0, 5), ENODEV,
	      "%s: TRANSMIT: ENODEV", what);
	ok_err(ioctl(fd, SCARD_IOC_IS_PRESENT), ENODEV,
	       "%s: IS_PRESENT: ENODEV", what);
	revents = poll_now(fd, 0);
	ok(revents > 0 && (revents & POLLHUP) && (revents & POLLERR),
	   "%s: poll: POLLHUP|POLLERR", what);
	ok_err(close(fd), 0, "%s: close", what);
}

/* unplug: readers 0 and 1 go while processes wait in them */
static void test_unplug(char **argv)
{
	struct job present = { .req = SCARD_IOC_IS_PRESENT, .timeout = 10 };
	struct job absent = { .req = SCARD_IOC_IS_ABSENT, .timeout = 10 };
	struct job slow = { .seed = 1, .count = 1, .timeout = 10 };
	struct job pend = { .seed = 2, .count = 1, .timeout = 10 };
	struct job polling = { .timeout = 10 };
	char path0[PATH_LEN], path1[PATH_LEN];
	pid_t pids[5];
	struct stat sb;
	long start, armed;
	int fd, p;

	(void)argv;
	ctl("clear 0");
	ctl("clear 1");
	ctl("remove 1");
	fd = open_reader(0, O_RDWR, path0);
	present.fd = open_reader(1, O_RDWR, path1);
	polling.fd = open_reader(1, O_RDWR, NULL);
	absent.fd = open_reader(0, O_RDWR, NULL);
	slow.fd = open_reader(0, O_RDWR, NULL);
	if (fd < 0 || present.fd < 0 || polling.fd < 0 || absent.fd < 0 ||
	    slow.fd < 0 || card_ready(0, fd))
		return;

	armed = ctl_value(1, "tracking");
	pids[0] = spawn(job_request, &present);
	wait_calls(1, "tracking", armed);
	armed = ctl_value(0, "tracking");
	pids[2] = spawn(job_request, &absent);
	wait_calls(0, "tracking", armed);
	pids[1] = spawn(job_poll, &polling);
	ctl_ok("delay 0 8000");
	pids[3] = start_transmit(&slow, 0);
	sleep_ms(100);

	start = now_ms();
	ctl_ok("del 1");
	ok(now_ms() - start < 4000, "del of a reader with waiters is quick");
	start = now_ms();
	ctl_ok("del 0");
	ok(now_ms() - start < 4000,
	   "del of a reader inside an 8 s callback is quick (%ld ms)",
	   now_ms() - start);
	ok_eq(reap(pids[0], 5), ENODEV, "blocked IS_PRESENT: ENODEV");
	p = reap(pids[1], 5);
	ok(p > 0 && (p & POLLHUP) && (p & POLLERR),
	   "blocked poll(): POLLHUP|POLLERR");
	diag("revents 0x%x", p);
	ok_eq(reap(pids[2], 5), ENODEV, "blocked IS_ABSENT: ENODEV");
	ok_eq(reap(pids[3], 5), ENODEV, "TRANSMIT in a slow callback: ENODEV");

	unplug_dead_file(fd, "reader 0 after del");
	unplug_dead_file(present.fd, "reader 1 after del");
	close(polling.fd);
	close(absent.fd);
	close(slow.fd);
	ok(stat(path0, &sb) < 0 && errno == ENOENT, "%s is gone", path0);
	ok(stat(path1, &sb) < 0 && errno == ENOENT, "%s is gone", path1);

	/* a pending TRANSMIT when the reader goes */
	p = add_reader("");
	if (p < 0)
		return;
	fd = open_reader(p, O_RDWR, NULL);
	pend.fd = fd;
	if (fd < 0 || card_ready(p, fd))
		return;
	ctl_ok("pending %d 8000", p);
	pids[4] = start_transmit(&pend, p);
	start = now_ms();
	ctl_ok("del %d", p);
	ok(now_ms() - start < 4000, "del with a pending TRANSMIT is quick");
	ok_eq(reap(pids[4], 5), ENODEV, "pending TRANSMIT: ENODEV");
	unplug_dead_file(fd, "reader with a pending TRANSMIT after del");

	p = add_reader("");
	if (p < 0)
		return;
	fd = open_reader(p, O_RDWR, NULL);
	if (fd < 0)
		return;
	check_state(fd, SCARD_ABSENT, "a reader added after the unplugs");
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
static void test_wait(char **argv)
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
static void test_slow(char **argv)
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
static void test_setup(char **argv)
{
	int idx = atoi(argv[0]), fd;

	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		return;
	ok(!card_ready(idx, fd), "card in reader %d powered, T=1", idx);
	close(fd);
}

/* uevent IDX CMD [KEY=VALUE...]: CMD on the ctl file sends a change uevent */
static void test_uevent(char **argv)
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

static const struct test {
	const char *name;
	int args;
	void (*fn)(char **argv);
	const char *usage;
} tests[] = {
	{ "state", 2, test_state, "IDX STATE" },
	{ "ioctl", 0, test_ioctl, "[IDX]" },
	{ "badinput", 0, test_badinput, "[IDX]" },
	{ "tracking", 0, test_tracking, "[IDX]" },
	{ "poll", 0, test_poll, "[IDX]" },
	{ "concurrency", 0, test_concurrency, "[IDX]" },
	{ "unplug", 0, test_unplug, "" },
	{ "wait", 3, test_wait, "IDX present|absent EXPECT" },
	{ "slow", 3, test_slow, "IDX MS EXPECT" },
	{ "setup", 1, test_setup, "IDX" },
	{ "uevent", 2, test_uevent, "IDX CMD [KEY=VALUE...]" },
};

static void on_signal(int sig)
{
	(void)sig;
}

/* Signals interrupt blocking calls (no SA_RESTART) and do nothing else. */
static void catch_signal(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int map_bad_pages(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	straddle = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (straddle == MAP_FAILED)
		return -1;
	unmapped = straddle + page_size;
	return munmap(unmapped, page_size);
}

static void help(void)
{
	unsigned int i;

	fprintf(stderr, "usage: scard_test TEST [ARGS]\n");
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		fprintf(stderr, "  %s %s\n", tests[i].name, tests[i].usage);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2)
		help();
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		if (!strcmp(argv[1], tests[i].name))
			break;
	if (i == ARRAY_SIZE(tests) || argc - 2 < tests[i].args)
		help();

	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_signal(SIGALRM);
	catch_signal(SIGUSR1);
	if (map_bad_pages()) {
		ok(0, "mmap: %s", strerror(errno));
		return 1;
	}
	tests[i].fn(argv + 2);
	return failures ? 1 : 0;
}
