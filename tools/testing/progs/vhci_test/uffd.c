// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: an unplug while a caller's TRANSMIT buffer sits on a page
 * whose fault is not served (userfaultfd). The library copies user memory
 * only outside the reader's locks, so the unplug must complete at once,
 * and the caller ends with ENODEV (command buffer) or 0 (answer buffer,
 * copied out after the request) once the fault is served.
 */
#include "vhci_test.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>

/* ---- uffd ---- */

/* The caller's side: a page registered with userfaultfd, and its server. */
struct stall {
	int uffd;
	char *page;
	int faulted;		/* write end: a byte when the fault arrives */
	int serve;		/* read end: a byte (or EOF) serves it */
};

static void *stall_thread(void *arg)
{
	struct stall *s = arg;
	struct uffdio_zeropage zp;
	struct uffd_msg msg;
	struct pollfd p = { .fd = s->uffd, .events = POLLIN };
	char x = 'f';

	if (poll(&p, 1, CHILD_SECONDS * 1000) != 1 ||
	    read(s->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return NULL;
	if (write(s->faulted, &x, 1) != 1)
		return NULL;
	/* Until the parent says so (or dies), the fault stays unserved. */
	if (read(s->serve, &x, 1) < 0)
		return NULL;
	memset(&zp, 0, sizeof(zp));
	zp.range.start = (unsigned long)s->page;
	zp.range.len = page_size;
	ioctl(s->uffd, UFFDIO_ZEROPAGE, &zp);
	return NULL;
}

static int stall_init(struct stall *s)
{
	struct uffdio_register reg;
	struct uffdio_api api;

	s->uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (s->uffd < 0)
		return -1;
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	if (ioctl(s->uffd, UFFDIO_API, &api))
		return -1;
	s->page = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->page == MAP_FAILED)
		return -1;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)s->page;
	reg.range.len = page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	return ioctl(s->uffd, UFFDIO_REGISTER, &reg);
}

/*
 * The caller: POWER, SET_PROTOCOL, then a TRANSMIT whose command
 * (@on_send) or answer buffer is the stalled page. Exits 0 if the TRANSMIT
 * ended with @expect.
 */
static void stalled_caller(int n, int on_send, int expect, int faulted,
			   int serve)
{
	static unsigned char cmd[64], rsp[300];
	struct scard_transmit t;
	struct stall s = { .faulted = faulted, .serve = serve };
	pthread_t th;
	int fd, ret, err;

	alarm(CHILD_SECONDS);
	fd = open_dev(n, 0);
	if (fd < 0 || card_ready(fd))
		_exit(2);
	if (stall_init(&s)) {
		printf("# userfaultfd: %s\n", strerror(errno));
		_exit(3);
	}
	if (pthread_create(&th, NULL, stall_thread, &s))
		_exit(2);
	make_cmd(cmd, sizeof(apdu));
	memset(&t, 0, sizeof(t));
	t.protocol = SCARD_PROTO_T1;
	t.send_buf = uptr(on_send ? s.page : (char *)cmd);
	t.send_len = sizeof(apdu);
	t.recv_buf = uptr(on_send ? (char *)rsp : s.page);
	t.recv_len = on_send ? sizeof(rsp) : (__u32)page_size;
	ret = ioctl(fd, SCARD_IOC_TRANSMIT, &t);
	err = ret < 0 ? errno : 0;
	if (err != expect)
		printf("# the TRANSMIT of the caller ended with %s, want %s\n",
		       ename(err), ename(expect));
	_exit(err == expect ? 0 : 1);
}

/* The control process: a reader with a card that echoes commands. */
static void control(int out)
{
	struct card c;
	int fd, n;

	alarm(CHILD_SECONDS);
	fd = vhci_open();
	if (fd < 0)
		_exit(1);
	n = create_simple(fd, 0, SCARD_VHCI_LEVEL_APDU);
	send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1, sizeof(atr_t1));
	if (write(out, &n, sizeof(n)) != sizeof(n))
		_exit(1);
	card_init(&c, fd);
	for (;;)
		if (!recv_msg(fd, &rbuf, 1000))
			card_handle(&c, &rbuf);
}

static void stalled_unplug(int on_send)
{
	const char *buf = on_send ? "command" : "answer";
	int rfd, f[2], sv[2], n, err, st;
	struct pollfd pf = { .events = POLLIN };
	pid_t ctl, cl;
	long t0;
	char x;

	if (pipe2(f, O_CLOEXEC))
		return;
	if (pipe2(sv, O_CLOEXEC)) {
		close(f[0]);
		close(f[1]);
		return;
	}
	ctl = start_control(control, &n, 1, &rfd);
	if (ctl < 0) {
		ok(0, "%s: the control process made a reader", buf);
		close(f[0]);
		close(f[1]);
		close(sv[0]);
		close(sv[1]);
		return;
	}

	fflush(NULL);
	cl = fork();
	if (!cl) {
		close(f[0]);
		close(sv[1]);
		stalled_caller(n, on_send, on_send ? ENODEV : 0, f[1], sv[0]);
	}
	close(f[1]);
	close(sv[0]);
	pf.fd = f[0];
	ok(poll(&pf, 1, MSG_WAIT_MS) == 1 && read(f[0], &x, 1) == 1,
	   "%s buffer: the caller's TRANSMIT waits for its page fault", buf);

	/* The unplug: closing the control file unregisters the reader. */
	t0 = now_ms();
	kill(ctl, SIGKILL);
	ok(reap(ctl, 5) < 0 && now_ms() - t0 < 5000,
	   "%s buffer: the reader's unplug completes during the stalled fault (%ld ms)",
	   buf, now_ms() - t0);
	ok(!dev_exists(n), "%s buffer: scard%d is gone", buf, n);

	/* Served now: the caller finishes. */
	if (write(sv[1], "s", 1) != 1)
		diag("could not serve the fault");
	st = reap(cl, 5);
	err = on_send ? ENODEV : 0;
	if (st == 3)
		ok(0, "%s buffer: userfaultfd is not available", buf);
	else
		ok(st == 0, "%s buffer: then the caller's TRANSMIT ends with %s",
		   buf, ename(err));
	close(sv[1]);
	close(f[0]);
	close(rfd);
}

void test_uffd(void)
{
	stalled_unplug(1);
	stalled_unplug(0);
}
