// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: the ioctl workers. Each is a process with three threads that
 * share a table of open /dev/scardN files: they open (O_RDWR, O_RDONLY,
 * O_WRONLY, O_NONBLOCK, O_EXCL), close, poll() and issue every
 * SCARD_IOC_* request with random and boundary values, and random _IOC
 * numbers. Every errno must be one of the table of scard.rst.
 *
 * A descriptor is kept for many calls: a slot is closed or reopened now
 * and then, and reopened (at times) once its reader is gone (ENODEV), an
 * empty slot at times: an open costs as much as a hundred cheap ioctls on
 * a debug kernel. A third of the requests need write access.
 *
 * The process's main thread watches its threads: one blocked in a call
 * for more than BUSY_MS gets SIGUSR1 (a wait, or the reader's lock held by
 * a request its controller does not answer), and the process's heartbeat
 * moves only while all make progress. At the end it wakes them until
 * each has said it returned, then exits without joining them.
 */
#include "fuzz.h"

#define NSLOTS		8
#define NTHREADS	3
#define BUSY_MS		50	/* a thread in a call longer gets SIGUSR1 */

struct fd_slot {
	int fd;
	int acc;		/* O_ACCMODE of the open */
	int excl;		/* O_EXCL: kept for a short while */
	unsigned int gen;	/* bumped on every open and close */
};

/* SCARD_IOC_VENDOR codes: the library's, and the range's edges. */
static const __u32 feature_codes[] = { 3400, 3406, 3407, 3410, 3418 };
static const __u32 edge_codes[] = { 0, 2047, 2048, 4095, 4096, 0xffffffff };

static struct fd_slot slots[NSLOTS];
/* Held for writing by open and close, for reading by a checked ioctl. */
static pthread_rwlock_t slot_lock = PTHREAD_RWLOCK_INITIALIZER;

struct thread_state {
	pthread_t tid;
	int index;
	unsigned int progress;		/* atomics */
	long busy_since;		/* in a call since, 0 if not */
	int done;			/* returned */
};

static struct thread_state threads[NTHREADS];
static __thread unsigned char *sbuf, *rbuf;

static const __u32 tags[] = {
	SCARD_TAG_VENDOR_NAME, SCARD_TAG_VENDOR_IFD_TYPE,
	SCARD_TAG_VENDOR_IFD_VERSION, SCARD_TAG_VENDOR_IFD_SERIAL_NO,
	SCARD_TAG_CHANNEL_ID, SCARD_TAG_PROTOCOL_TYPES,
	SCARD_TAG_DEFAULT_CLK, SCARD_TAG_MAX_CLK, SCARD_TAG_DEFAULT_DATA_RATE,
	SCARD_TAG_MAX_DATA_RATE, SCARD_TAG_MAX_IFSD,
	SCARD_TAG_SYNC_PROTOCOL_TYPES, SCARD_TAG_POWER_MGMT_SUPPORT,
	SCARD_TAG_USER_TO_CARD_AUTH_DEVICE, SCARD_TAG_USER_AUTH_INPUT_DEVICE,
	SCARD_TAG_CHARACTERISTICS, SCARD_TAG_CURRENT_PROTOCOL_TYPE,
	SCARD_TAG_CURRENT_CLK, SCARD_TAG_CURRENT_F, SCARD_TAG_CURRENT_D,
	SCARD_TAG_CURRENT_N, SCARD_TAG_CURRENT_W, SCARD_TAG_CURRENT_IFSC,
	SCARD_TAG_CURRENT_IFSD, SCARD_TAG_CURRENT_BWT, SCARD_TAG_CURRENT_CWT,
	SCARD_TAG_CURRENT_EBC_ENCODING, SCARD_TAG_EXTENDED_BWT,
	SCARD_TAG_ICC_PRESENCE, SCARD_TAG_ICC_INTERFACE_STATUS,
	SCARD_TAG_CURRENT_IO_STATE, SCARD_TAG_ATR_STRING,
	SCARD_TAG_ICC_TYPE_PER_ATR, SCARD_TAG_DEVICE_UNIT,
	SCARD_TAG_DEVICE_IN_USE, SCARD_TAG_DEVICE_FRIENDLY_NAME_A,
	SCARD_TAG_DEVICE_SYSTEM_NAME_A, SCARD_TAG_DEVICE_FRIENDLY_NAME_W,
	SCARD_TAG_DEVICE_SYSTEM_NAME_W, SCARD_TAG_SUPRESS_T1_IFS_REQUEST,
	SCARD_TAG_MAXINPUT, SCARD_PERF_NUM_TRANSMISSIONS,
	SCARD_PERF_BYTES_TRANSMITTED, SCARD_PERF_TRANSMISSION_TIME,
	SCARD_PERF_BYTES_RECEIVED,
};

static const __u32 protos[] = {
	SCARD_PROTO_UNDEFINED, SCARD_PROTO_T0, SCARD_PROTO_T1,
	SCARD_PROTO_TX, SCARD_PROTO_RAW, SCARD_PROTO_DEFAULT | SCARD_PROTO_TX,
	SCARD_PROTO_DEFAULT | SCARD_PROTO_T0, SCARD_PROTO_DEFAULT, 4,
	0xffffffff, SCARD_PROTO_RAW | SCARD_PROTO_T1,
};

static const __u32 apdus[][2] = {
	/* header bytes 0-3 as a word, length */
	{ 0x00a40400, 7 }, { 0x00b00000, 5 }, { 0x80100000, 4 },
	{ 0x00c00000, 5 }, { 0x00d60000, 261 }, { 0x00b00000, 7 },
};

struct request {
	unsigned long cmd;
	const char *name;
	size_t size;
	int access;	/* 1: needs write access, 0: read access */
};

static const struct request requests[] = {
	{ SCARD_IOC_POWER, "POWER", sizeof(struct scard_power), 1 },
	{ SCARD_IOC_GET_ATTRIBUTE, "GET_ATTRIBUTE", sizeof(struct scard_attr), 0 },
	{ SCARD_IOC_SET_ATTRIBUTE, "SET_ATTRIBUTE", sizeof(struct scard_attr), 1 },
	{ SCARD_IOC_CONFISCATE, "CONFISCATE", 0, 1 },
	{ SCARD_IOC_TRANSMIT, "TRANSMIT", sizeof(struct scard_transmit), 1 },
	{ SCARD_IOC_EJECT, "EJECT", 0, 1 },
	{ SCARD_IOC_SWALLOW, "SWALLOW", 0, 1 },
	{ SCARD_IOC_IS_PRESENT, "IS_PRESENT", 0, 0 },
	{ SCARD_IOC_IS_ABSENT, "IS_ABSENT", 0, 0 },
	{ SCARD_IOC_SET_PROTOCOL, "SET_PROTOCOL", sizeof(struct scard_protocol), 1 },
	{ SCARD_IOC_GET_STATE, "GET_STATE", sizeof(struct scard_state), 0 },
	{ SCARD_IOC_GET_LAST_ERROR, "GET_LAST_ERROR", sizeof(struct scard_last_error), 0 },
	{ SCARD_IOC_GET_PERF_CNTR, "GET_PERF_CNTR", sizeof(struct scard_perf), 0 },
	{ SCARD_IOC_VENDOR, "VENDOR", sizeof(struct scard_vendor), 1 },
};

union args {
	struct scard_power power;
	struct scard_attr attr;
	struct scard_transmit xmit;
	struct scard_protocol proto;
	struct scard_state state;
	struct scard_last_error last;
	struct scard_perf perf;
	struct scard_vendor vendor;
	unsigned char raw[256];
};

static void bufs(void)
{
	if (!sbuf) {
		sbuf = malloc(BIGBUF);
		rbuf = malloc(BIGBUF);
		if (!sbuf || !rbuf)
			exit(2);
		memset(sbuf, 0, BIGBUF);
		memset(rbuf, 0, BIGBUF);
	}
}

static __u32 reserved32(struct rng *r)
{
	return chance(r, 4) ? (__u32)rng_next(r) | 1 : 0;
}

static __u32 tag(struct rng *r)
{
	switch (rnd(r, 10)) {
	case 0:
		return (__u32)rng_next(r);
	case 1:
		return SCARD_TAG(rnd(r, 10), rnd(r, 0x400));
	case 2:
		return pick_u32(r, tags, ARRAY_SIZE(tags)) + 1;
	default:
		return pick_u32(r, tags, ARRAY_SIZE(tags));
	}
}

/* A command: an APDU-looking one, a T=1-looking block or random bytes. */
static __u32 command(struct rng *r, unsigned char *buf)
{
	__u32 len, i;

	switch (rnd(r, 6)) {
	case 0:
	case 1:
	case 2:
		i = rnd(r, ARRAY_SIZE(apdus));
		len = apdus[i][1];
		buf[0] = apdus[i][0] >> 24;
		buf[1] = apdus[i][0] >> 16;
		buf[2] = apdus[i][0] >> 8;
		buf[3] = apdus[i][0];
		if (len > 5) {
			buf[4] = len - 5;
			rnd_fill(r, buf + 5, len - 5);
		} else if (len == 5) {
			buf[4] = rnd(r, 3) ? rnd(r, 256) : 0;
		}
		return len;
	case 3:
		len = rnd_len(r, SCARD_MAX_SEND);
		rnd_fill(r, buf, len < 512 ? len : 512);
		return len;
	default:
		len = 1 + rnd(r, 300);
		rnd_fill(r, buf, len);
		return len;
	}
}

/* A random _IOC number: scard's magic with other sizes and directions. */
static unsigned long raw_cmd(struct rng *r)
{
	static const unsigned char nrs[] = { 1, 2, 3, 4, 5, 6, 7, 10, 11, 12,
					     14, 15, 16, 64, 0x70, 0, 8, 9,
					     13, 17, 63, 65 };
	static const unsigned char skip[] = { 0x00, 0x15, 0x54, 0x58, 0x66,
					      0x76, 0x94 };
	unsigned int dir, type, nr, size, i;

	dir = rnd(r, 4);
	type = SCARD_IOC_MAGIC;
	if (chance(r, 30)) {
		type = rnd(r, 256);
		/* The VFS's own ioctls (FIONBIO, FIFREEZE, FICLONE, ...) */
		for (i = 0; i < sizeof(skip); i++)
			if (type == skip[i])
				type = SCARD_IOC_MAGIC;
	}
	nr = chance(r, 70) ? nrs[rnd(r, sizeof(nrs))] : rnd(r, 256);
	switch (rnd(r, 4)) {
	case 0:
		size = rnd(r, 1 << _IOC_SIZEBITS);
		break;
	case 1:
		size = 0;
		break;
	default:
		size = requests[rnd(r, ARRAY_SIZE(requests))].size +
		       rnd(r, 17) - 8;
		size &= (1 << _IOC_SIZEBITS) - 1;
		break;
	}
	return _IOC(dir, type, nr, size);
}

/*
 * Fill @a for request @rq; return the argument of the ioctl. *@what
 * names the pointers used.
 */
static unsigned long build(struct rng *r, const struct request *rq,
			   union args *a, const char **what, const char **bw)
{
	__u32 len;

	memset(a, 0, sizeof(*a));
	*bw = "-";
	switch (rq->cmd) {
	case SCARD_IOC_POWER:
		a->power.disposition = chance(r, 80) ? rnd(r, 3) :
			pick_u32(r, (const __u32[]){ 3, 4, 0xffffffff,
				 0x80000001 }, 4);
		a->power.atr_len = chance(r, 90) ? 0 : (__u32)rng_next(r);
		if (chance(r, 4))
			a->power.reserved[rnd(r, 7)] = 1 + rnd(r, 255);
		break;
	case SCARD_IOC_GET_ATTRIBUTE:
	case SCARD_IOC_SET_ATTRIBUTE:
		a->attr.tag = tag(r);
		len = chance(r, 50) ?
			pick_u32(r, (const __u32[]){ 1, 4, 32, 33, 34, 64,
				 256 }, 7) :
			rnd_len(r, 33);
		a->attr.len = len;
		if (rq->cmd == SCARD_IOC_SET_ATTRIBUTE) {
			rnd_fill(r, sbuf, 64);
			if (chance(r, 50))
				memset(sbuf, 0, 4);
		}
		a->attr.data = fuzz_ptr(r, sbuf, len < BIGBUF ? len : BIGBUF,
					rq->cmd == SCARD_IOC_GET_ATTRIBUTE, bw);
		a->attr.reserved = chance(r, 4) ? rng_next(r) | 1 : 0;
		break;
	case SCARD_IOC_TRANSMIT:
		a->xmit.protocol = chance(r, 80) ?
			pick_u32(r, (const __u32[]){ SCARD_PROTO_T0,
				 SCARD_PROTO_T1, SCARD_PROTO_RAW }, 3) :
			pick_u32(r, protos, ARRAY_SIZE(protos));
		a->xmit.flags = chance(r, 80) ? rnd(r, 2) :
			(__u32)rng_next(r);
		a->xmit.send_len = command(r, sbuf);
		a->xmit.recv_len = chance(r, 60) ? 258 + rnd(r, 64) :
			rnd_len(r, SCARD_MAX_RECV);
		a->xmit.send_buf = fuzz_ptr(r, sbuf, a->xmit.send_len, 0, bw);
		a->xmit.recv_buf = fuzz_ptr(r, rbuf, a->xmit.recv_len, 1, what);
		if (chance(r, 10))
			*bw = *what;
		a->xmit.nad = chance(r, 80) ? 0 : rnd(r, 256);
		if (chance(r, 4))
			a->xmit.reserved[rnd(r, 7)] = 1 + rnd(r, 255);
		break;
	case SCARD_IOC_SET_PROTOCOL:
		a->proto.mask = chance(r, 85) ?
			pick_u32(r, protos, ARRAY_SIZE(protos)) :
			(__u32)rng_next(r);
		a->proto.selected = chance(r, 90) ? 0 : (__u32)rng_next(r);
		a->proto.reserved = chance(r, 4) ? rng_next(r) | 1 : 0;
		break;
	case SCARD_IOC_GET_PERF_CNTR:
		a->perf.tag = chance(r, 80) ? SCARD_TAG(0x7ffe, rnd(r, 6)) :
			tag(r);
		a->perf.reserved = reserved32(r);
		break;
	case SCARD_IOC_VENDOR:
		/* The library's own: PC/SC part 10 features, PIN entries. */
		if (chance(r, 30))
			a->vendor.code = pick_u32(r, feature_codes,
						  ARRAY_SIZE(feature_codes));
		else if (chance(r, 60))
			a->vendor.code = 2048 + rnd(r, 2048);
		else
			a->vendor.code = pick_u32(r, edge_codes,
						  ARRAY_SIZE(edge_codes));
		a->vendor.in_len = rnd_len(r, SCARD_VENDOR_MAX_BUF);
		a->vendor.out_len = chance(r, 50) ? rnd(r, 300) :
			rnd_len(r, SCARD_VENDOR_MAX_BUF);
		rnd_fill(r, sbuf, 64);
		a->vendor.in_buf = fuzz_ptr(r, sbuf, a->vendor.in_len, 0, bw);
		a->vendor.out_buf = fuzz_ptr(r, rbuf, a->vendor.out_len, 1,
					     what);
		a->vendor.reserved = reserved32(r);
		break;
	case SCARD_IOC_CONFISCATE:
	case SCARD_IOC_EJECT:
	case SCARD_IOC_SWALLOW:
	case SCARD_IOC_IS_PRESENT:
	case SCARD_IOC_IS_ABSENT:
		*what = "no arg";
		return chance(r, 80) ? 0 : (unsigned long)rng_next(r);
	default:
		/* GET_STATE, GET_LAST_ERROR: output only */
		if (chance(r, 10))
			rnd_fill(r, a, rq->size);
		break;
	}
	return fuzz_arg(r, a, rq->size, 1, what);
}

/* What a request that worked must have returned. */
static void check_result(const struct request *rq, const union args *a,
			 const union args *in, char *why)
{
	switch (rq->cmd) {
	case SCARD_IOC_POWER:
		if (a->power.atr_len > SCARD_ATR_MAX)
			finding("POWER: atr_len %u > %u (%s)",
				a->power.atr_len, SCARD_ATR_MAX, why);
		break;
	case SCARD_IOC_GET_ATTRIBUTE:
		if (a->attr.len > in->attr.len)
			finding("GET_ATTRIBUTE tag 0x%x: len %u > buffer %u (%s)",
				in->attr.tag, a->attr.len, in->attr.len, why);
		break;
	case SCARD_IOC_TRANSMIT:
		if (a->xmit.recv_len > in->xmit.recv_len)
			finding("TRANSMIT: recv_len %u > buffer %u (%s)",
				a->xmit.recv_len, in->xmit.recv_len, why);
		break;
	case SCARD_IOC_GET_STATE:
		if (a->state.state > SCARD_CARD_SPECIFIC ||
		    a->state.reserved[0] || a->state.reserved[1])
			finding("GET_STATE: state %u reserved %llx %llx (%s)",
				a->state.state,
				(unsigned long long)a->state.reserved[0],
				(unsigned long long)a->state.reserved[1], why);
		break;
	case SCARD_IOC_VENDOR:
		if (a->vendor.out_len > in->vendor.out_len)
			finding("VENDOR: out_len %u > buffer %u (%s)",
				a->vendor.out_len, in->vendor.out_len, why);
		break;
	}
}

static void count_errno(int err)
{
	count(C_IOCTLS);
	if (!err)
		count(C_IOCTL_OK);
	else
		__atomic_fetch_add(&sh->errnos[err & 255], 1, __ATOMIC_RELAXED);
}

/*
 * One random ioctl on @fd (open with access @acc, -1 if unknown: the
 * descriptor may be closed and reopened by another thread meanwhile).
 * Returns the errno, 0 on success.
 */
int fuzz_one_ioctl(struct rng *r, int fd, int acc, char *why, size_t wl)
{
	const struct request *rq;
	const char *what = "-", *bw = "-";
	union args a, in;
	unsigned long arg, cmd;
	int ret, err, access;

	bufs();
	if (chance(r, 12)) {
		cmd = raw_cmd(r);
		arg = (unsigned long)fuzz_ptr(r, sbuf, 4096, 1, &what);
		count(C_IOCTL_RAW);
		ret = ioctl(fd, cmd, arg);
		err = ret < 0 ? errno : 0;
		count_errno(err);
		snprintf(why, wl, "fd %d ioctl 0x%lx %s", fd, cmd, what);
		if (err && !scard_errno_ok(err))
			finding("raw ioctl: %s (%s)", ename(err), why);
		else if (!err && _IOC_TYPE(cmd) != SCARD_IOC_MAGIC)
			finding("raw ioctl of another type worked (%s)", why);
		return err;
	}

	/*
	 * A third of the requests need write access (most go to the
	 * reader's driver: a round trip to a controller, its timeout when
	 * it does not answer, milliseconds on a debug kernel), the others
	 * are the library's own answers (attributes, state, errors, waits).
	 */
	access = chance(r, 35);
	do {
		rq = &requests[rnd(r, ARRAY_SIZE(requests))];
	} while (rq->access != access);
	/* Blocking waits are rarer: only a signal ends most of them. */
	if ((rq->cmd == SCARD_IOC_IS_PRESENT ||
	     rq->cmd == SCARD_IOC_IS_ABSENT) && chance(r, 95) &&
	    !(fcntl(fd, F_GETFL) & O_NONBLOCK))
		rq = &requests[rnd(r, ARRAY_SIZE(requests))];
	arg = build(r, rq, &a, &what, &bw);
	in = a;
	ret = ioctl(fd, rq->cmd, arg);
	err = ret < 0 ? errno : 0;
	count_errno(err);
	snprintf(why, wl, "fd %d %s %s buf %s", fd, rq->name, what, bw);
	if (err && !scard_errno_ok(err))
		finding("%s: %s (%s)", rq->name, ename(err), why);
	if (acc >= 0 && err != EBADF && err != EINTR &&
	    ((rq->access && acc == O_RDONLY) ||
	     (!rq->access && acc == O_WRONLY)))
		finding("%s on an %s file: %s, want EBADF (%s)", rq->name,
			acc == O_RDONLY ? "O_RDONLY" : "O_WRONLY", ename(err),
			why);
	if (!err && arg == (unsigned long)&a)
		check_result(rq, &a, &in, why);
	return err;
}

int open_flags(struct rng *r)
{
	int f = O_CLOEXEC;

	switch (rnd(r, 10)) {
	case 0:
	case 1:
		f |= O_RDONLY;
		break;
	case 2:
		f |= O_WRONLY;
		break;
	default:
		f |= O_RDWR;
		break;
	}
	if (chance(r, 30))
		f |= O_NONBLOCK;
	if (chance(r, 2))
		f |= O_EXCL;
	return f;
}

/* open() of /dev/scardN: the fd, or -1 (expected errors counted). */
int fuzz_open(struct rng *r, int n, int flags)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/scard%d", n);
	(void)r;
	fd = open(path, flags);
	if (fd >= 0) {
		count(C_OPENS);
		return fd;
	}
	count(C_OPEN_ERR);
	switch (errno) {
	case ENOENT: case ENXIO: case ENODEV: case EBUSY: case EINTR:
	case ENOMEM:
		break;
	default:
		finding("open %s flags 0x%x: %s", path, flags, ename(errno));
	}
	return -1;
}

static void slot_close(struct fd_slot *s)
{
	pthread_rwlock_wrlock(&slot_lock);
	if (s->fd >= 0) {
		if (close(s->fd) && errno != EINTR)
			finding("close: %s", ename(errno));
		count(C_CLOSES);
	}
	s->fd = -1;
	s->excl = 0;
	s->gen++;
	pthread_rwlock_unlock(&slot_lock);
}

static void slot_open(struct rng *r, struct fd_slot *s)
{
	int flags = open_flags(r);
	int fd = fuzz_open(r, random_node(r), flags);

	pthread_rwlock_wrlock(&slot_lock);
	if (s->fd >= 0) {
		close(s->fd);
		count(C_CLOSES);
	}
	s->fd = fd;
	s->acc = flags & O_ACCMODE;
	s->excl = !!(flags & O_EXCL);
	s->gen++;
	pthread_rwlock_unlock(&slot_lock);
}

static void fuzz_poll(struct rng *r)
{
	struct pollfd p[4];
	unsigned int i, n = 1 + rnd(r, 4);
	int ret;

	for (i = 0; i < n; i++) {
		p[i].fd = slots[rnd(r, NSLOTS)].fd;
		p[i].events = rnd(r, 8) ? POLLIN | POLLPRI : rnd(r, 0x10000);
		p[i].revents = 0;
	}
	count(C_POLLS);
	ret = poll(p, n, rnd(r, 20));
	if (ret < 0 && errno != EINTR)
		finding("poll: %s", ename(errno));
}

/* A slot with an open file, from a random one on; @s if none. */
static struct fd_slot *any_open_slot(struct rng *r, struct fd_slot *s)
{
	unsigned int i, k = rnd(r, NSLOTS);

	for (i = 0; i < NSLOTS; i++)
		if (slots[(k + i) % NSLOTS].fd >= 0)
			return &slots[(k + i) % NSLOTS];
	return s;
}

static void busy(struct thread_state *t, long since)
{
	__atomic_store_n(&t->busy_since, since, __ATOMIC_RELAXED);
}

static void *ioctl_thread(void *arg)
{
	struct thread_state *t = arg;
	struct fd_slot *s;
	char why[160];
	struct rng r;
	int op, locked, err;

	rng_init(&r, opt.seed, worker_id, worker_gen, t->index + 1);
	while (!stopping()) {
		__atomic_fetch_add(&t->progress, 1, __ATOMIC_RELAXED);
		s = &slots[rnd(&r, NSLOTS)];
		op = rnd(&r, 1000);
		/* An O_EXCL open keeps the others out: closed soon. */
		if (op < 3 || (s->excl && op < 100)) {
			slot_close(s);
			continue;
		}
		/* Mostly an open file of the table rather than an open. */
		if (s->fd < 0 && chance(&r, 90))
			s = any_open_slot(&r, s);
		if (op < 8 || s->fd < 0) {
			slot_open(&r, s);
			/* No reader to be had: not open after open. */
			if (s->fd < 0)
				sleep_ms(50 + rnd(&r, 100));
			continue;
		}
		if (op < 50) {
			busy(t, now_ms());
			fuzz_poll(&r);
			busy(t, 0);
			continue;
		}
		/*
		 * Half of the calls hold the table: their file's access mode
		 * is known and checked. The others race with close and open.
		 */
		locked = chance(&r, 50);
		if (locked)
			pthread_rwlock_rdlock(&slot_lock);
		busy(t, now_ms());
		err = fuzz_one_ioctl(&r, s->fd, locked ? s->acc : -1, why,
				     sizeof(why));
		busy(t, 0);
		if (locked)
			pthread_rwlock_unlock(&slot_lock);
		/* Its reader is gone: a new one, mostly. */
		if (err == ENODEV && chance(&r, 20))
			slot_open(&r, s);
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void sigusr1_block(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(how, &set, NULL);
}

void ioctl_worker(void)
{
	unsigned int last[NTHREADS] = { 0 };
	unsigned int i, moved, ended, p;
	long now, since;
	int d;

	ptr_setup();
	for (i = 0; i < NSLOTS; i++)
		slots[i].fd = -1;
	for (i = 0; i < NTHREADS; i++) {
		threads[i].index = i;
		if (pthread_create(&threads[i].tid, NULL, ioctl_thread,
				   &threads[i])) {
			perror("pthread_create");
			exit(2);
		}
	}
	/* Signals for the process go to the threads that make calls. */
	sigusr1_block(SIG_BLOCK);
	for (;;) {
		sleep_ms(20);
		now = now_ms();
		moved = 0;
		ended = 0;
		for (i = 0; i < NTHREADS; i++) {
			p = __atomic_load_n(&threads[i].progress,
					    __ATOMIC_RELAXED);
			since = __atomic_load_n(&threads[i].busy_since,
						__ATOMIC_RELAXED);
			if (p != last[i])
				moved++;
			d = __atomic_load_n(&threads[i].done, __ATOMIC_ACQUIRE);
			ended += d;
			/* At the end, a thread not yet returned is woken. */
			if ((since && now - since > BUSY_MS) ||
			    (!d && stopping()))
				pthread_kill(threads[i].tid, SIGUSR1);
		}
		if (ended == NTHREADS)
			break;
		if (moved == NTHREADS) {
			beat();
			for (i = 0; i < NTHREADS; i++)
				last[i] = __atomic_load_n(&threads[i].progress,
							  __ATOMIC_RELAXED);
		}
	}
	/* No join: each thread has said it returned. */
	_exit(0);
}
