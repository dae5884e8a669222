/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhci_test - checks of /dev/scard_vhci (scard_vhci.ko), run in the QEMU
 * guest. Shared by the test groups: TAP output, /dev/scard_vhci messages,
 * the card process, child processes, requests on /dev/scardN.
 */
#ifndef VHCI_TEST_H
#define VHCI_TEST_H

#define _GNU_SOURCE
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
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard.h>
#include <linux/scard_vhci.h>

#define VHCI_PATH	"/dev/scard_vhci"
#define PARAM_DIR	"/sys/module/scard_vhci/parameters/"
#define HDR		((unsigned int)sizeof(struct scard_vhci_msg))
#define MSG_WAIT_MS	5000	/* bound of a wait for a message */
#define CHILD_SECONDS	30	/* bound of a child's life */
#define NTYPES		32
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct msgbuf {
	struct scard_vhci_msg hdr;
	unsigned char data[SCARD_VHCI_MAX_PAYLOAD];
};

/**
 * struct card - what the card process does with the requests
 * @fd: the /dev/scard_vhci file
 * @silent: bit mask of request types left unanswered
 * @xfer_status: status of the XFER answers
 * @oversize: answer POWER with a 34-byte ATR
 * @remove_on_xfer: an XFER request makes the card leave (REMOVE)
 * @destroy_on_xfer: an XFER request makes the reader go (DESTROY)
 * @seen: requests seen, by type
 * @arg: @arg of the last request, by type
 * @timeout: @timeout_ms of the last request, by type
 * @last: header of the last request
 * @errors: answers that could not be written
 */
struct card {
	int fd;
	unsigned int silent;
	int xfer_status;
	int oversize;
	int remove_on_xfer;
	int destroy_on_xfer;
	unsigned int seen[NTYPES];
	__u32 arg[NTYPES];
	__u32 timeout[NTYPES];
	struct scard_vhci_msg last;
	int errors;
};

/* A T=1 card without chaining, for the library's protocol engines. */
struct t1card {
	unsigned int level;
	unsigned char ns;		/* N(S) of the card's next I-block */
	unsigned char last[300];	/* the card's last block */
	size_t last_len;
	unsigned char in[1024];		/* character level: bytes received */
	size_t in_len;
	unsigned char out[1024];	/* character level: bytes to send */
	size_t out_len;
	unsigned int blocks;		/* blocks answered */
	unsigned int pps;		/* PPS requests answered */
};

struct client {
	int n;			/* /dev/scardN */
	int present;		/* client_track: IS_PRESENT, else IS_ABSENT */
	int expect;		/* errno the child expects */
	long min_ms;		/* the request takes at least that long */
	long max_ms;		/* and at most that long, if not 0 */
};

extern const unsigned char atr_t1[5];
extern const unsigned char atr_warm[2];
extern const unsigned char apdu[7];
extern int failures;
extern int sync_fd;		/* in a child: its pipe to the parent */
extern long page_size;
extern char *straddle;		/* a page followed by an unmapped one */
extern struct msgbuf rbuf, wbuf;
extern struct t1card t1;

#define ok(pass, ...) do {						\
	int pass_ = (pass);						\
									\
	if (!pass_)							\
		failures++;						\
	printf("%sok - ", pass_ ? "" : "not ");				\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

#define diag(...) do {							\
	printf("# ");							\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

/* @err (an errno, 0 for success) must be @want. */
#define ok_errno(err, want, ...) do {					\
	int got_ = (err);						\
	int want_ = (want);						\
									\
	ok(got_ == want_, __VA_ARGS__);					\
	if (got_ != want_)						\
		diag("got %s, want %s", ename(got_), ename(want_));	\
} while (0)

/* The call returning @ret must end with errno @want, 0 for success. */
#define ok_err(ret, want, ...) ok_errno((ret) < 0 ? errno : 0, want, __VA_ARGS__)

#define ok_eq(got, want, ...) do {					\
	unsigned long long got_ = (got);				\
	unsigned long long want_ = (want);				\
									\
	ok(got_ == want_, __VA_ARGS__);					\
	if (got_ != want_)						\
		diag("got %llu (0x%llx), want %llu (0x%llx)",		\
		     got_, got_, want_, want_);				\
} while (0)

const char *ename(int err);
long now_ms(void);
void sleep_ms(long ms);
__u64 uptr(const void *p);
unsigned int param(const char *name);
int raw_write(int fd, const void *buf, size_t len);
int send_msg(int fd, __u32 type, __u32 reader, __u32 id, __s32 status,
	     const void *data, __u32 len);
int recv_msg(int fd, struct msgbuf *m, int ms);
int vhci_open(void);
void create_init(struct scard_vhci_create *c, __u32 level);
int create_reader(int fd, unsigned int idx,
		  const struct scard_vhci_create *c);
int create_simple(int fd, unsigned int idx, __u32 level);
void dev_path(char *path, size_t size, int n);
int dev_exists(int n);
int open_dev(int n, int flags);
int power(int fd, __u32 disposition, struct scard_power *pw);
int set_protocol(int fd, __u32 mask, __u32 *selected);
int transmit(int fd, const void *cmd, __u32 len, void *rsp,
	     __u32 *rsp_len);
void make_cmd(unsigned char *cmd, size_t len);
int echo(int fd, size_t len, int *err);
unsigned int get_state(int fd);
int card_ready(int fd);
int get_attr(int fd, __u32 tag, void *buf, __u32 *len);
__u32 attr_u32(int fd, __u32 tag);
int attr_is(int fd, __u32 tag, const char *want);
void card_init(struct card *c, int fd);
void card_answer(struct card *c, const struct scard_vhci_msg *req,
		 int status, const void *data, __u32 len);
void card_handle(struct card *c, struct msgbuf *m);
int card_serve(struct card *c, int done_fd, int ms);
unsigned char lrc(const unsigned char *p, size_t len);
size_t t1_block(const unsigned char *b, unsigned char *r);
size_t t1_unit(const unsigned char *p, size_t len);
void t1_tpdu(struct card *c, struct msgbuf *m);
void t1_char(struct card *c, struct msgbuf *m);
pid_t spawn(int (*fn)(struct client *cl), struct client *cl, int *done);
pid_t start_control(void (*control)(int out), int *n, size_t count,
		    int *rfd);
void child_sync(void);
int wait_sync(int done, int ms);
int wait_sleeping(pid_t pid, int ms);
int reap(pid_t pid, int seconds);
void run_client(struct card *c, int (*fn)(struct client *cl),
		struct client *cl, const char *what);
void check_time(struct client *cl, long t0, const char *what);
int client_track(struct client *cl);
int client_roundtrip(struct client *cl);
int client_transmit(struct client *cl);
int client_power(struct client *cl);

int card_wait(struct card *c, __u32 type, int ms);

void test_basic(void);
void test_badinput(void);
void test_timeout(void);
void test_kill(void);
void test_levels(void);
void test_stale(void);
void test_uffd(void);
void test_limits(void);

#endif /* VHCI_TEST_H */
