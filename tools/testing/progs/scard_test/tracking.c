// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test: card tracking and poll().
 */
#include "scard_test.h"

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
	if (pid <= 0 || wait_calls(idx, "tracking", armed))
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
	err = echo(fd2, SCARD_PROTO_T1, 4, 20);
	ok_eq(err, 0, "TRANSMIT while another file waits in IS_ABSENT");
	ctl_ok("remove %d", idx);
	ok_eq(reap(pid, 5), 0, "IS_ABSENT wakes up on removal");
out:
	close(fd2);
}

/* tracking [IDX]: IS_PRESENT and IS_ABSENT */
void test_tracking(char **argv)
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
	check_state(fd, SCARD_CARD_PRESENT, "after the insertion");
	job.req = SCARD_IOC_IS_PRESENT;
	ok_eq(job_request(&job), 0, "IS_PRESENT with a card returns at once");
	ok_err(ioctl(nfd, SCARD_IOC_IS_PRESENT), 0,
	       "IS_PRESENT with a card, O_NONBLOCK: at once");
	ok_err(ioctl(nfd, SCARD_IOC_IS_ABSENT), EAGAIN,
	       "IS_ABSENT with a card, O_NONBLOCK: EAGAIN");
	tracking_wakeup(fd, idx, SCARD_IOC_IS_ABSENT, "remove", "IS_ABSENT");
	check_state(fd, SCARD_CARD_ABSENT, "after the removal");

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

int poll_now(int fd, int timeout_ms)
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
void test_poll(char **argv)
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
	check_state(fd, SCARD_CARD_PRESENT, "after removal and insertion");

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
