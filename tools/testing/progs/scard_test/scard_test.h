/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard_test - checks of the /dev/scardN interface, run in the QEMU guest
 * against the test reader (scard_test_reader.ko), which it drives through
 * the reader's debugfs ctl file.
 *
 * Shared by the test groups: TAP output, the test reader's ctl file, the
 * requests, child processes.
 */
#ifndef SCARD_TEST_H
#define SCARD_TEST_H

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

extern const unsigned char atr_t1[5];
extern const unsigned char apdu[7];
extern const char * const state_names[7];
extern int failures;
extern long page_size;
extern void *unmapped;		/* an address with no mapping */
extern char *straddle;		/* a page followed by an unmapped one */

struct job {
	int fd;
	unsigned long req;
	unsigned int seed;
	int count;
	int timeout;
	int idx;
	int stop[2];	/* pipe: EOF on stop[0] tells the job to stop */
};

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

void tap(int pass);

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

/* A child that runs a ctl command after @ms milliseconds. */
#define ctl_after(ms, ...) ({						\
	char cmd_[256];							\
									\
	snprintf(cmd_, sizeof(cmd_), __VA_ARGS__);			\
	ctl_fork(ms, cmd_);						\
})

const char *ename(int err);
const char *state_name(unsigned int state);
__u64 uptr(const void *p);
long now_ms(void);
void sleep_ms(long ms);
int ctl_write(const char *cmd);
int ctl_read(char *buf, size_t size);
int ctl_line(int idx, char *line);
long ctl_value(int idx, const char *key);
int wait_calls(int idx, const char *key, long count);
unsigned int reader_mask(void);
int add_reader(const char *opt);
int reader_path(int idx, char *path);
int open_reader(int idx, int flags, char *path);
int get_state(int fd, struct scard_state *st);
void check_state(int fd, unsigned int want, const char *what);
int power(int fd, __u32 disposition, struct scard_power *pw);
int set_protocol(int fd, __u32 mask, __u32 *selected);
void transmit_init(struct scard_transmit *t, __u32 protocol,
		   const void *cmd, __u32 len, void *resp, __u32 size);
void make_cmd(unsigned char *cmd, size_t len, unsigned int seed);
int is_echo(const unsigned char *cmd, size_t len,
	    const unsigned char *resp, size_t resp_len);
int echo(int fd, __u32 protocol, unsigned int seed, size_t len);
int vendor(int fd, __u32 code, const void *in, __u32 in_len,
	   void *out, __u32 *out_len);
int get_attr(int fd, __u32 tag, void *buf, __u32 *len);
int get_perf(int fd, __u32 tag, __u64 *value);
int get_last_error(int fd, __u32 *error, __u32 *reserved);
int card_ready(int idx, int fd);
pid_t spawn(int (*fn)(struct job *job), struct job *job);
int reap(pid_t pid, int seconds);
pid_t ctl_fork(long ms, const char *cmd);
int job_request(struct job *job);
int job_transmit(struct job *job);
int job_vendor(struct job *job);
int job_poll(struct job *job);

int poll_now(int fd, int timeout_ms);
pid_t start_transmit(struct job *job, int idx);

void test_state(char **argv);
void test_ioctl(char **argv);
void test_badinput(char **argv);
void test_faults(char **argv);
void test_tracking(char **argv);
void test_poll(char **argv);
void test_concurrency(char **argv);
void test_unplug(char **argv);
void test_wait(char **argv);
void test_slow(char **argv);
void test_setup(char **argv);
void test_uevent(char **argv);

#endif /* SCARD_TEST_H */
