// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test: TAP output, the test reader's ctl file, requests, child
 * processes.
 */
#include "scard_test.h"

const unsigned char atr_t1[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
const unsigned char apdu[] = { 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00 };

const char * const state_names[] = {
	"unknown", "absent", "present", "swallowed", "powered", "negotiable",
	"specific",
};

int failures;
long page_size;
void *unmapped;		/* an address with no mapping */
char *straddle;		/* a page followed by an unmapped one */

/* ---- TAP output ---- */

void tap(int pass)
{
	if (!pass)
		failures++;
	printf("%sok - ", pass ? "" : "not ");
}

const char *ename(int err)
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

const char *state_name(unsigned int state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "?";
}

__u64 uptr(const void *p)
{
	return (uintptr_t)p;
}

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR)
			break;
	}
}

/* ---- the test reader's ctl file ---- */

int ctl_write(const char *cmd)
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

int ctl_read(char *buf, size_t size)
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
int ctl_line(int idx, char *line)
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
long ctl_value(int idx, const char *key)
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
int wait_calls(int idx, const char *key, long count)
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

unsigned int reader_mask(void)
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
int add_reader(const char *opt)
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

int reader_path(int idx, char *path)
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
int open_reader(int idx, int flags, char *path)
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

int get_state(int fd, struct scard_state *st)
{
	memset(st, 0xff, sizeof(*st));
	return ioctl(fd, SCARD_IOC_GET_STATE, st);
}

void check_state(int fd, unsigned int want, const char *what)
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

int power(int fd, __u32 disposition, struct scard_power *pw)
{
	memset(pw, 0, sizeof(*pw));
	pw->disposition = disposition;
	return ioctl(fd, SCARD_IOC_POWER, pw);
}

int set_protocol(int fd, __u32 mask, __u32 *selected)
{
	struct scard_protocol pr = { .mask = mask, .selected = 0xdeadbeef };
	int ret;

	ret = ioctl(fd, SCARD_IOC_SET_PROTOCOL, &pr);
	*selected = pr.selected;
	return ret;
}

void transmit_init(struct scard_transmit *t, __u32 protocol,
		   const void *cmd, __u32 len, void *resp, __u32 size)
{
	memset(t, 0, sizeof(*t));
	t->protocol = protocol;
	t->send_buf = uptr(cmd);
	t->send_len = len;
	t->recv_buf = uptr(resp);
	t->recv_len = size;
}

void make_cmd(unsigned char *cmd, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		cmd[i] = seed * 7 + i * 13;
}

/* Is @resp the test reader's answer to @cmd (the command, then 90 00)? */
int is_echo(const unsigned char *cmd, size_t len,
	    const unsigned char *resp, size_t resp_len)
{
	return resp_len == len + 2 && !memcmp(resp, cmd, len) &&
	       resp[len] == 0x90 && resp[len + 1] == 0x00;
}

/* TRANSMIT a @len byte command made from @seed: 0, errno or BAD_DATA. */
int echo(int fd, __u32 protocol, unsigned int seed, size_t len)
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

int vendor(int fd, __u32 code, const void *in, __u32 in_len,
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

int get_attr(int fd, __u32 tag, void *buf, __u32 *len)
{
	struct scard_attr a = { .tag = tag, .len = *len, .data = uptr(buf) };
	int ret;

	ret = ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &a);
	*len = a.len;
	return ret;
}

int get_perf(int fd, __u32 tag, __u64 *value)
{
	struct scard_perf p = { .tag = tag };
	int ret;

	ret = ioctl(fd, SCARD_IOC_GET_PERF_CNTR, &p);
	*value = p.value;
	return ret;
}

int get_last_error(int fd, __u32 *error, __u32 *reserved)
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
int card_ready(int idx, int fd)
{
	struct scard_power pw;
	__u32 selected;

	ctl("remove %d", idx);
	if (ctl_ok("insert %d %s", idx, ATR_HEX))
		return -1;
	if (power(fd, SCARD_COLD_RESET, &pw) < 0 ||
	    set_protocol(fd, SCARD_PROTO_TX, &selected) < 0) {
		ok(0, "card in reader %d powered and in T=1: %s", idx,
		   ename(errno));
		return -1;
	}
	if (selected != SCARD_PROTO_T1) {
		ok(0, "card in reader %d in T=1: selected 0x%x", idx, selected);
		return -1;
	}
	return 0;
}

/* ---- child processes ---- */

/* Fork a child running @fn; its return value is the exit status. */
pid_t spawn(int (*fn)(struct job *job), struct job *job)
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
int reap(pid_t pid, int seconds)
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

pid_t ctl_fork(long ms, const char *cmd)
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

/* A request without argument (IS_PRESENT, IS_ABSENT, EJECT, ...). */
int job_request(struct job *job)
{
	alarm(job->timeout);
	return ioctl(job->fd, job->req, 0) < 0 ? errno : 0;
}

int job_transmit(struct job *job)
{
	int i, err;

	alarm(job->timeout);
	for (i = 0; i < job->count; i++) {
		err = echo(job->fd, SCARD_PROTO_T1, job->seed + i, 5 + i);
		if (err)
			return err;
	}
	return 0;
}

int job_vendor(struct job *job)
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
int job_poll(struct job *job)
{
	struct pollfd pfd = { .fd = job->fd, .events = POLLIN | POLLPRI };

	if (poll(&pfd, 1, job->timeout * 1000) < 0)
		return BAD_DATA;
	return pfd.revents;
}
