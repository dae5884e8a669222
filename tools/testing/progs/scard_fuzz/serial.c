// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: the serial CCID line discipline on a pty pair. The slave
 * gets the discipline (TIOCSETD, its number from /proc/tty/ldiscs) and an
 * ATTACH with a random model (in a thread: the reader's registration
 * waits for answers); the master plays the reader badly: garbage,
 * plausible twin frames (SYNC ACK message LRC) answering what the kernel
 * sent, echoes, NotifySlotChange and time request bytes; then the line is
 * hung up at a random moment (master closed, TIOCVHANGUP, another
 * discipline, slave closed first).
 *
 * The discipline refuses a tty without a device (-ENODEV), which a
 * devpts pty is on some kernels: then the worker uses the guest's spare
 * 8250 ports (/dev/ttyS1..3, nothing behind them) and pushes the reader's
 * bytes in with TIOCSTI; the kernel's frames are lost on the line there.
 */
#include "fuzz.h"
#include <termios.h>

#define SYNC		0x03
#define ACK		0x06
#define NAK		0x15
#define CCID_HDR	10

struct line {
	int master, slave;
	unsigned int model;
	struct rng r;
	unsigned char in[2048];
	size_t in_len;
	struct scard_serial_attach a;
	int attach_done;
	pthread_t attach;
};

int serial_ldisc(void)
{
	char name[64];
	int num = -1, n;
	FILE *f;

	f = fopen("/proc/tty/ldiscs", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %d", name, &n) == 2)
		if (!strcmp(name, "scard_ccid_serial"))
			num = n;
	fclose(f);
	return num;
}

static void *attach_thread(void *arg)
{
	struct line *l = arg;
	struct scard_serial_attach a = l->a;
	int ret;

	count(C_SERIAL_ATTACH);
	ret = ioctl(l->slave, SCARD_SERIAL_IOC_ATTACH, &a);
	if (!ret) {
		count(C_SERIAL_ATTACH_OK);
	} else if (!scard_errno_ok(errno) && errno != ENXIO) {
		finding("ATTACH model %u flags %u reserved %llx: %s", a.model,
			a.flags, (unsigned long long)a.reserved, ename(errno));
	} else if (!errno) {
		finding("ATTACH failed without an errno");
	}
	__atomic_store_n(&l->attach_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static unsigned char lrc(const unsigned char *p, size_t len)
{
	unsigned char x = 0;

	while (len--)
		x ^= *p++;
	return x;
}

static int use_uart;

static void put(struct line *l, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;
	size_t i;

	if (l->master < 0) {
		/* a UART: the bytes come in through TIOCSTI */
		for (i = 0; i < len; i++) {
			if (ioctl(l->slave, TIOCSTI, p + i)) {
				if (errno != EIO && errno != EINTR &&
				    errno != EBADF)
					finding("TIOCSTI: %s", ename(errno));
				break;
			}
		}
		count_n(C_SERIAL_BYTES, i);
		return;
	}
	n = write(l->master, buf, len);

	if (n > 0)
		count_n(C_SERIAL_BYTES, n);
	else if (n < 0 && errno != EAGAIN && errno != EIO && errno != EINTR)
		finding("pty master write: %s", ename(errno));
}

/* A frame: SYNC ACK message LRC, its LRC garbled at times. */
static void frame(struct line *l, const unsigned char *msg, size_t len)
{
	unsigned char f[CCID_HDR + 300 + 3];

	f[0] = SYNC;
	f[1] = ACK;
	memcpy(f + 2, msg, len);
	f[2 + len] = lrc(f, 2 + len);
	if (chance(&l->r, 5))
		f[2 + len] ^= 1 << rnd(&l->r, 8);
	count(C_SERIAL_FRAMES);
	put(l, f, len + 3);
}

/* The reply of a CCID reader to the command @c (slot, seq kept). */
static void reply(struct line *l, const unsigned char *c)
{
	static const unsigned char atr[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
	unsigned char m[CCID_HDR + 300];
	unsigned int dlen = 0;

	memset(m, 0, sizeof(m));
	m[5] = c[5];
	m[6] = c[6];
	m[7] = chance(&l->r, 80) ? 0 : rnd(&l->r, 3) | (rnd(&l->r, 3) << 6);
	m[8] = m[7] & 0x40 ? rnd(&l->r, 256) : 0;
	switch (c[0]) {
	case 0x62:	/* IccPowerOn: DataBlock with the ATR */
		m[0] = 0x80;
		dlen = sizeof(atr);
		memcpy(m + CCID_HDR, atr, dlen);
		break;
	case 0x6f:	/* XfrBlock: DataBlock */
		m[0] = 0x80;
		dlen = 2 + rnd(&l->r, 20);
		rnd_fill(&l->r, m + CCID_HDR, dlen);
		m[CCID_HDR + dlen - 2] = 0x90;
		m[CCID_HDR + dlen - 1] = 0x00;
		break;
	case 0x61:	/* SetParameters, GetParameters, ResetParameters */
	case 0x6c:
	case 0x6d:
		m[0] = 0x82;
		m[9] = rnd(&l->r, 2);
		dlen = m[9] ? 7 : 5;
		rnd_fill(&l->r, m + CCID_HDR, dlen);
		break;
	case 0x6b:	/* Escape */
		m[0] = 0x83;
		dlen = rnd(&l->r, 8);
		rnd_fill(&l->r, m + CCID_HDR, dlen);
		break;
	default:	/* GetSlotStatus, IccPowerOff, ...: SlotStatus */
		m[0] = 0x81;
		break;
	}
	if (chance(&l->r, 5))
		m[0] = 0x80 + rnd(&l->r, 8);
	if (chance(&l->r, 3))
		dlen = rnd(&l->r, 300);
	m[1] = dlen;
	m[2] = dlen >> 8;
	frame(l, m, CCID_HDR + dlen);
}

/* Take the kernel's frames off the master; echo and answer some. */
static void drain(struct line *l)
{
	size_t i, total, dlen;
	ssize_t n;

	if (l->master < 0)
		return;
	n = read(l->master, l->in + l->in_len, sizeof(l->in) - l->in_len);
	if (n <= 0) {
		if (n < 0 && errno != EAGAIN && errno != EIO && errno != EINTR)
			finding("pty master read: %s", ename(errno));
		return;
	}
	l->in_len += n;
	for (;;) {
		for (i = 0; i < l->in_len && l->in[i] != SYNC; i++)
			;
		memmove(l->in, l->in + i, l->in_len - i);
		l->in_len -= i;
		if (l->in_len < 3)
			break;
		if (l->in[1] != ACK) {
			/* a NAK, or garbage: drop the SYNC */
			memmove(l->in, l->in + 1, --l->in_len);
			continue;
		}
		if (l->in_len < 2 + CCID_HDR)
			break;
		dlen = l->in[3] | (l->in[4] << 8) | (l->in[5] << 16);
		if (dlen > 300) {
			memmove(l->in, l->in + 1, --l->in_len);
			continue;
		}
		total = 2 + CCID_HDR + dlen + 1;
		if (l->in_len < total)
			break;
		/* the models 1 and 2 echo every frame */
		if ((l->model == 1 || l->model == 2) && chance(&l->r, 90))
			put(l, l->in, total);
		if (chance(&l->r, 85))
			reply(l, l->in + 2);
		memmove(l->in, l->in + total, l->in_len - total);
		l->in_len -= total;
	}
	if (l->in_len == sizeof(l->in))
		l->in_len = 0;
}

static void noise(struct line *l)
{
	unsigned char b[64];
	unsigned int len;

	switch (rnd(&l->r, 8)) {
	case 0:
	case 1:
		len = 1 + rnd(&l->r, sizeof(b));
		rnd_fill(&l->r, b, len);
		put(l, b, len);
		break;
	case 2:
		/* NotifySlotChange: slot bits, change bits */
		b[0] = 0x50;
		b[1] = rnd(&l->r, 256);
		put(l, b, 2);
		break;
	case 3:
		b[0] = 0x80 + rnd(&l->r, 0x80);		/* time request */
		put(l, b, 1);
		break;
	case 4:
		b[0] = SYNC;
		b[1] = NAK;
		b[2] = SYNC ^ NAK;
		put(l, b, chance(&l->r, 80) ? 3 : 2);
		break;
	default:
		/* an unsolicited reply to a guessed command */
		memset(b, 0, CCID_HDR);
		b[0] = chance(&l->r, 50) ? 0x65 : 0x62;
		b[5] = rnd(&l->r, 5);
		b[6] = rnd(&l->r, 256);
		reply(l, b);
		break;
	}
}

/*
 * A few random ioctls on a random reader (maybe one of this line's),
 * kept open for a while: opens are dear.
 */
static void some_ioctls(struct rng *r, char *why, size_t wl)
{
	static int fd = -1;
	unsigned int i, n = 1 + rnd(r, 4);
	int err = 0;

	if (fd >= 0 && chance(r, 5)) {
		close(fd);
		count(C_CLOSES);
		fd = -1;
	}
	if (fd < 0)
		fd = fuzz_open(r, random_node(r),
			       O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < n && err != ENODEV; i++)
		err = fuzz_one_ioctl(r, fd, O_RDWR, why, wl);
	if (err == ENODEV) {
		close(fd);
		count(C_CLOSES);
		fd = -1;
	}
}

static int line_open(struct line *l, int ld)
{
	char name[64];
	struct termios t;

	if (use_uart) {
		snprintf(name, sizeof(name), "/dev/ttyS%u", 1 + rnd(&l->r, 3));
		l->master = -1;
		l->slave = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK |
				O_CLOEXEC);
		if (l->slave < 0)
			return -1;
		goto line;
	}
	l->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (l->master < 0)
		return -1;
	if (grantpt(l->master) || unlockpt(l->master) ||
	    ptsname_r(l->master, name, sizeof(name))) {
		close(l->master);
		return -1;
	}
	l->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (l->slave < 0) {
		close(l->master);
		return -1;
	}
line:
	if (!tcgetattr(l->slave, &t)) {
		cfmakeraw(&t);
		t.c_cflag |= CSTOPB | CREAD | CLOCAL;
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		tcsetattr(l->slave, TCSANOW, &t);
	}
	if (ioctl(l->slave, TIOCSETD, &ld)) {
		if (errno == ENODEV && !use_uart) {
			use_uart = 1;
			say("# serial: %s has no device; ttyS1..3 instead",
			    name);
		} else if (errno != EINTR && errno != EIO && errno != ENOMEM) {
			/* ENOMEM: faults.sh fails the discipline's allocations */
			finding("TIOCSETD %d on %s: %s", ld, name,
				ename(errno));
		}
		close(l->slave);
		if (l->master >= 0)
			close(l->master);
		return -1;
	}
	return 0;
}

static void hangup(struct line *l)
{
	int n_tty = 0;

	count(C_SERIAL_HANGUPS);
	switch (rnd(&l->r, 4)) {
	case 0:
		if (l->master >= 0) {
			close(l->master);
			l->master = -1;
		}
		break;
	case 1:
		if (ioctl(l->slave, TIOCVHANGUP) && errno != EINTR)
			finding("TIOCVHANGUP: %s", ename(errno));
		break;
	case 2:
		if (ioctl(l->slave, TIOCSETD, &n_tty) && errno != EINTR &&
		    errno != EIO && errno != ENOMEM)
			finding("TIOCSETD N_TTY: %s", ename(errno));
		break;
	default:
		/* the slave's close ends the discipline; the thread's fd? */
		break;
	}
}

void serial_worker(void)
{
	static const unsigned int models[] = { 1, 2, 3, 4, 5, 0, 6, 99,
					       0xffffffff };
	struct line l;
	char why[160];
	long end;
	int ld = serial_ldisc(), fails = 0;

	if (ld < 0)
		exit(0);
	ptr_setup();
	memset(&l, 0, sizeof(l));
	rng_init(&l.r, opt.seed, worker_id, worker_gen, 0x5e71a1);
	while (!stopping()) {
		beat();
		if (line_open(&l, ld)) {
			if (!l.model && !use_uart) {
				say("# serial: no pty pair (devpts mounted?): %s",
				    ename(errno));
				exit(0);
			}
			if (use_uart && ++fails > 5) {
				say("# serial: no ttyS1..3 either");
				exit(0);
			}
			sleep_ms(100);
			continue;
		}
		fails = 0;
		l.model = chance(&l.r, 85) ? 1 + rnd(&l.r, 5) :
			models[rnd(&l.r, ARRAY_SIZE(models))];
		memset(&l.a, 0, sizeof(l.a));
		l.a.model = l.model;
		if (chance(&l.r, 4))
			l.a.flags = 1;
		if (chance(&l.r, 4))
			l.a.reserved = 1ULL << rnd(&l.r, 64);
		l.in_len = 0;
		l.attach_done = 0;
		if (pthread_create(&l.attach, NULL, attach_thread, &l))
			exit(2);
		end = now_ms() + 200 + rnd(&l.r, 3000);
		while (now_ms() < end && !stopping()) {
			struct pollfd p = { .fd = l.master, .events = POLLIN };

			beat();
			poll(&p, 1, rnd(&l.r, 10));
			drain(&l);
			if (chance(&l.r, 20))
				noise(&l);
			if (chance(&l.r, 10))
				some_ioctls(&l.r, why, sizeof(why));
		}
		hangup(&l);
		if (chance(&l.r, 50)) {
			close(l.slave);
			l.slave = -1;
		}
		/*
		 * The ATTACH must end once the line is gone; a line left up
		 * is hung up after 5 s. Past that the heartbeat stops: an
		 * ATTACH that a hangup does not end is stuck in the kernel.
		 */
		end = now_ms() + 5000;
		while (!__atomic_load_n(&l.attach_done, __ATOMIC_ACQUIRE)) {
			if (l.master >= 0)
				drain(&l);
			if (end && now_ms() > end) {
				end = 0;
				if (l.slave >= 0)
					ioctl(l.slave, TIOCVHANGUP);
				if (l.master >= 0)
					close(l.master);
				l.master = -1;
			}
			if (end)
				beat();
			sleep_ms(10);
		}
		pthread_join(l.attach, NULL);
		if (l.slave >= 0)
			close(l.slave);
		if (l.master >= 0)
			close(l.master);
	}
	exit(0);
}
