// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test: unregistering a reader while it is in use.
 */
#include "scard_test.h"

/* ---- test: unplug ---- */

static void unplug_dead_file(int fd, const char *what)
{
	struct scard_state st;
	int revents;

	ok_err(get_state(fd, &st), ENODEV, "%s: GET_STATE: ENODEV", what);
	ok_eq(echo(fd, SCARD_PROTO_T1, 0, 5), ENODEV,
	      "%s: TRANSMIT: ENODEV", what);
	ok_err(ioctl(fd, SCARD_IOC_IS_PRESENT), ENODEV,
	       "%s: IS_PRESENT: ENODEV", what);
	revents = poll_now(fd, 0);
	ok(revents > 0 && (revents & POLLHUP) && (revents & POLLERR),
	   "%s: poll: POLLHUP|POLLERR", what);
	ok_err(close(fd), 0, "%s: close", what);
}

/* unplug: readers 0 and 1 go while processes wait in them */
void test_unplug(char **argv)
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
	check_state(fd, SCARD_CARD_ABSENT, "a reader added after the unplugs");
	close(fd);
}
