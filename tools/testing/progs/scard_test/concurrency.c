// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test: serialisation, O_EXCL, the pending rule, stress.
 */
#include "scard_test.h"

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
	check_state(ex, SCARD_CARD_SPECIFIC, "the exclusive opener works");
	close(ex);
	fd = open(path, O_RDWR);
	ok(fd >= 0, "open after the exclusive opener closed");
	ok_err(open(path, O_RDWR | O_EXCL), EBUSY,
	       "O_EXCL open while someone has it open: EBUSY");
	if (fd >= 0)
		close(fd);
}

/* A child TRANSMITs; returns once it is inside the reader's callback. */
pid_t start_transmit(struct job *job, int idx)
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

/* The library's bound of a pending request (scard.pending_timeout_ms). */
static int set_pending_timeout(unsigned int ms)
{
	const char *path = "/sys/module/scard/parameters/pending_timeout_ms";
	FILE *f = fopen(path, "w");
	int err;

	if (!f) {
		ok(0, "open %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%u\n", ms);
	err = fclose(f);
	if (err)
		ok(0, "write %s: %s", path, strerror(errno));
	return err;
}

static void conc_pending(int fd, int idx)
{
	struct job job = { .seed = 5, .count = 1, .timeout = 10 };
	unsigned char buf[8];
	struct scard_power pw;
	__u32 len, selected;
	long start, took;
	__u64 value;
	int err, i;
	pid_t pid;

	job.fd = open_reader(idx, O_RDWR, NULL);
	if (job.fd < 0)
		return;
	if (ctl_ok("pending %d 3000", idx))
		goto out;
	pid = start_transmit(&job, idx);
	ok_eq(echo(fd, SCARD_PROTO_T1, 1, 5), EBUSY,
	      "TRANSMIT while another one is pending: EBUSY");
	ok_err(power(fd, SCARD_WARM_RESET, &pw), EBUSY,
	       "POWER while a TRANSMIT is pending: EBUSY");
	ok_err(set_protocol(fd, SCARD_PROTO_TX, &selected), EBUSY,
	       "SET_PROTOCOL while a TRANSMIT is pending: EBUSY");
	len = sizeof(buf);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "a", 1, buf, &len), EBUSY,
	       "VENDOR while a TRANSMIT is pending: EBUSY");
	ok_err(ioctl(fd, SCARD_IOC_IS_ABSENT), EBUSY,
	       "IS_ABSENT while a TRANSMIT is pending: EBUSY");
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_NAME, buf, &len), EBUSY,
	       "GET_ATTRIBUTE while a TRANSMIT is pending: EBUSY");
	check_state(fd, SCARD_CARD_SPECIFIC, "GET_STATE while a TRANSMIT is pending");
	ok_err(get_last_error(fd, &len, &selected), 0,
	       "GET_LAST_ERROR while a TRANSMIT is pending");
	ok_err(get_perf(fd, SCARD_PERF_NUM_TRANSMISSIONS, &value), 0,
	       "GET_PERF_CNTR while a TRANSMIT is pending");
	ok_eq(reap(pid, 10), 0, "the pending TRANSMIT completes with its answer");
	ok_eq(echo(fd, SCARD_PROTO_T1, 1, 5), 0,
	      "TRANSMIT after the completion");

	/* a signal does not cut a pending request short */
	ctl_ok("pending %d 1000", idx);
	pid = start_transmit(&job, idx);
	if (pid > 0)	/* never kill(-1): every process */
		kill(pid, SIGUSR1);
	ok_eq(reap(pid, 10), 0, "a pending TRANSMIT survives a signal");

	/* its caller killed: the reader is busy until the driver completes */
	ctl_ok("pending %d 3000", idx);
	pid = start_transmit(&job, idx);
	if (pid > 0)	/* never kill(-1): every process */
		kill(pid, SIGKILL);
	ok_eq(reap(pid, 10), -1, "the caller of a pending TRANSMIT is killed");
	ok_eq(echo(fd, SCARD_PROTO_T1, 1, 5), EBUSY,
	      "TRANSMIT while the orphaned one is pending: EBUSY");
	for (i = 0, err = EBUSY; i < 100 && err == EBUSY; i++) {
		sleep_ms(100);
		err = echo(fd, SCARD_PROTO_T1, 1, 5);
	}
	ok_eq(err, 0, "TRANSMIT once the driver completed the orphaned one");
	check_state(fd, SCARD_CARD_SPECIFIC, "the card is still in T=1");

	/*
	 * ... but not for longer than the library's bound, even if the
	 * driver takes 30 s: then the request is cancelled, the card must be
	 * powered again, and the driver's late completion changes nothing.
	 */
	if (set_pending_timeout(1500))
		goto out;
	ctl_ok("pending %d 30000", idx);
	pid = start_transmit(&job, idx);
	if (pid > 0)	/* never kill(-1): every process */
		kill(pid, SIGKILL);
	ok_eq(reap(pid, 10), -1, "the caller of a 30 s TRANSMIT is killed");
	start = now_ms();
	for (i = 0, err = EBUSY; i < 100 && err == EBUSY; i++) {
		sleep_ms(100);
		err = echo(fd, SCARD_PROTO_T1, 1, 5);
	}
	took = now_ms() - start;
	ok_eq(err, EBADFD,
	      "after the bound: cancelled, the card to be powered (EBADFD)");
	ok(took < 10000, "the reader busy for %ld ms, not 30 s", took);
	ok_err(power(fd, SCARD_COLD_RESET, &pw), 0,
	       "POWER while the driver still works on the cancelled one");
	ok_err(set_protocol(fd, SCARD_PROTO_TX, &selected), 0,
	       "SET_PROTOCOL again");
	ok_eq(echo(fd, SCARD_PROTO_T1, 1, 5), 0,
	      "TRANSMIT reaches the driver again");
	set_pending_timeout(60000);
	ok_eq(ctl("clear %d", idx), 0,
	      "the driver completes the cancelled TRANSMIT late");
	check_state(fd, SCARD_CARD_SPECIFIC, "the late completion is ignored");
	ok_eq(echo(fd, SCARD_PROTO_T1, 1, 5), 0, "TRANSMIT after it");

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
			err = set_protocol(job->fd, SCARD_PROTO_TX,
					   &selected) ? errno : 0;
		if (!err)
			err = echo(job->fd, SCARD_PROTO_T1, 3, 9);
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
		if (st.events < events || st.state > SCARD_CARD_SPECIFIC)
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
	ok_eq(echo(fd, SCARD_PROTO_T1, 8, 8), 0, "TRANSMIT after the storm");
	close(use.fd);
	close(watch.fd);
}

/* concurrency [IDX]: serialisation, O_EXCL, pending requests */
void test_concurrency(char **argv)
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
