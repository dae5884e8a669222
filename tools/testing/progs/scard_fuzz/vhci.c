// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: a virtual reader controller. It opens /dev/scard_vhci,
 * creates readers of every exchange level, inserts cards with good and
 * bad ATRs, removes them, destroys readers, closes the file with readers
 * present, writes garbage messages, and answers the readers' requests:
 * mostly right (an APDU card, a T=0 TPDU card, a T=1 block card), else
 * late, twice, truncated, oversized, with a random status, to the wrong
 * id, or not at all. The parent kills it now and then mid-transfer.
 */
#include "fuzz.h"

#define NREADERS	6	/* indexes used, of SCARD_VHCI_MAX_READERS */
#define NLATE		8
#define HDR		sizeof(struct scard_vhci_msg)

struct msg {
	struct scard_vhci_msg hdr;
	unsigned char data[SCARD_VHCI_MAX_PAYLOAD + 64];
};

struct vreader {
	int used;
	int n;			/* /dev/scardN, -1 until EV_CREATED */
	unsigned int level;
	int t1;			/* the card's ATR offers T=1 */
	int present;
	unsigned char ns;	/* the T=1 card's next N(S) */
	unsigned char last[64];	/* its last block */
	unsigned int last_len;
};

/* An answer held back, sent when @due passes. */
struct late {
	int used;
	long due;
	struct scard_vhci_msg req;
	unsigned int len;
	unsigned char data[300];
};

static struct vreader vr[SCARD_VHCI_MAX_READERS];
static struct late late[NLATE];
static struct msg rx, tx;
static struct rng rng;
static int vfd = -1;

/* ATRs: good ones first, then bad ones. */
static const unsigned char atr_3b00[] = { 0x3b, 0x00 };
static const unsigned char atr_t1[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
static const unsigned char atr_t0[] = { 0x3b, 0x02, 0x14, 0x50 };
/* TA1 = 0x13, T=1 with IFSC 32 and TB3 0x45; the TCK is computed */
static unsigned char atr_t1ta[] = { 0x3b, 0x90, 0x13, 0x81, 0x31, 0x20,
				    0x45, 0x00 };

static int write_msg(const void *buf, size_t len, int *err)
{
	ssize_t n;

	count(C_VHCI_WRITES);
	n = write(vfd, buf, len);
	if (n < 0) {
		*err = errno;
		count(C_VHCI_WERR);
		switch (errno) {
		case EINVAL: case EEXIST: case EMSGSIZE: case EFAULT:
		case ENOMEM: case ENOSPC: case EINTR:
			break;
		default:
			finding("vhci write of %zu bytes (type %u): %s", len,
				len >= HDR ? ((const struct scard_vhci_msg *)
					      buf)->type : 0, ename(errno));
		}
		return -1;
	}
	*err = 0;
	if ((size_t)n != len)
		finding("vhci write of %zu bytes returned %zd", len, n);
	return 0;
}

static int send_msg(__u32 type, __u32 reader, __u32 id, __s32 status,
		    __u32 arg, const void *data, __u32 len)
{
	int err;

	memset(&tx.hdr, 0, HDR);
	tx.hdr.type = type;
	tx.hdr.reader = reader;
	tx.hdr.id = id;
	tx.hdr.status = status;
	tx.hdr.arg = arg;
	tx.hdr.len = len;
	if (len && data != tx.data)
		memcpy(tx.data, data, len);
	write_msg(&tx, HDR + len, &err);
	return err;
}

static void forget_readers(void)
{
	memset(vr, 0, sizeof(vr));
	memset(late, 0, sizeof(late));
}

static void vhci_reopen(void)
{
	int i;

	for (i = 0; i < 50 && vfd < 0; i++) {
		vfd = open(VHCI_PATH, O_RDWR | O_CLOEXEC |
			   (chance(&rng, 50) ? O_NONBLOCK : 0));
		if (vfd < 0 && errno != EINTR) {
			finding("open %s: %s", VHCI_PATH, ename(errno));
			exit(1);
		}
	}
	forget_readers();
}

static void create(void)
{
	struct scard_vhci_create c;
	unsigned int idx = rnd(&rng, NREADERS);
	int err, valid = 1;

	if (chance(&rng, 3))
		idx = rnd(&rng, SCARD_VHCI_MAX_READERS + 2);
	memset(&c, 0, sizeof(c));
	snprintf(c.vendor_name, sizeof(c.vendor_name), "fuzz");
	snprintf(c.ifd_type, sizeof(c.ifd_type), "ctl %d reader %u",
		 worker_id, idx);
	if (chance(&rng, 50))
		snprintf(c.ifd_serial, sizeof(c.ifd_serial), "F-%u", idx);
	c.level = rnd(&rng, 3);
	c.protocols = 1 + rnd(&rng, 3);
	c.mechanical = rnd(&rng, 8);
	c.ifd_version = rng_next(&rng);
	if (chance(&rng, 30)) {
		c.clk_default = rnd(&rng, 20000);
		c.clk_max = c.clk_default + rnd(&rng, 5000);
		c.rate_default = rnd(&rng, 500000);
		c.rate_max = c.rate_default * rnd(&rng, 3);
		c.max_ifsd = rnd(&rng, 256);
		valid = 0;
	}
	if (chance(&rng, 5)) {
		/* Not NUL-padded, bad level, protocols, reserved field */
		switch (rnd(&rng, 5)) {
		case 0:
			memset(c.vendor_name, 'x', sizeof(c.vendor_name));
			c.vendor_name[3] = 0;
			break;
		case 1:
			c.level = 3 + rnd(&rng, 100);
			break;
		case 2:
			c.protocols = rng_next(&rng);
			break;
		case 3:
			c.reserved[rnd(&rng, 7)] = 1;
			break;
		default:
			c.mechanical = rng_next(&rng);
			break;
		}
		valid = 0;
	}
	err = send_msg(SCARD_VHCI_CREATE, idx, 0, 0, 0, &c, sizeof(c));
	if (!err) {
		count(C_VHCI_CREATES);
		vr[idx] = (struct vreader){ .used = 1, .n = -1,
					    .level = c.level };
		return;
	}
	if (valid && idx < SCARD_VHCI_MAX_READERS && !vr[idx].used &&
	    err != EINTR && err != ENOMEM && err != ENOSPC)
		finding("CREATE of free reader %u: %s", idx, ename(err));
	if (idx < SCARD_VHCI_MAX_READERS && vr[idx].used && err != EEXIST &&
	    err != EINTR && valid)
		finding("CREATE of used reader %u: %s, want EEXIST", idx,
			ename(err));
}

static void destroy(unsigned int idx)
{
	int err = send_msg(SCARD_VHCI_DESTROY, idx, 0, 0, 0, NULL, 0);

	if (!err) {
		count(C_VHCI_DESTROYS);
		memset(&vr[idx], 0, sizeof(vr[idx]));
	} else if (vr[idx].used && err != EINTR) {
		finding("DESTROY of reader %u: %s", idx, ename(err));
	}
}

static unsigned char lrc(const unsigned char *p, size_t len)
{
	unsigned char x = 0;

	while (len--)
		x ^= *p++;
	return x;
}

static void insert(unsigned int idx)
{
	unsigned char atr[40];
	unsigned int len, t1 = 0, good = 1;
	int err;

	switch (rnd(&rng, 10)) {
	case 0:
	case 1:
		len = sizeof(atr_3b00);
		memcpy(atr, atr_3b00, len);
		break;
	case 2:
	case 3:
		len = sizeof(atr_t1);
		memcpy(atr, atr_t1, len);
		t1 = 1;
		break;
	case 4:
		len = sizeof(atr_t0);
		memcpy(atr, atr_t0, len);
		break;
	case 5:
		len = sizeof(atr_t1ta);
		memcpy(atr, atr_t1ta, len);
		atr[len - 1] = lrc(atr + 1, len - 2);
		t1 = 1;
		break;
	case 6:
		/* bad TCK, or truncated */
		len = sizeof(atr_t1ta);
		memcpy(atr, atr_t1ta, len);
		atr[len - 1] = lrc(atr + 1, len - 2) ^ 0x5a;
		if (chance(&rng, 50))
			len = 2 + rnd(&rng, len - 2);
		t1 = 1;
		break;
	case 7:
		/* overlong (34 bytes: refused), or 0 and 1 bytes */
		len = chance(&rng, 50) ? SCARD_ATR_MAX + 1 : rnd(&rng, 2);
		rnd_fill(&rng, atr, len);
		atr[0] = 0x3b;
		good = 0;
		break;
	default:
		len = 2 + rnd(&rng, SCARD_ATR_MAX - 1);
		rnd_fill(&rng, atr, len);
		if (chance(&rng, 70))
			atr[0] = chance(&rng, 80) ? 0x3b : 0x3f;
		t1 = chance(&rng, 50);
		break;
	}
	err = send_msg(SCARD_VHCI_INSERT, idx, 0, 0, 0, atr, len);
	if (!err) {
		count(C_VHCI_INSERTS);
		vr[idx].present = 1;
		vr[idx].t1 = t1;
		vr[idx].ns = 0;
		vr[idx].last_len = 0;
		if (!good)
			finding("INSERT of a %u-byte ATR worked", len);
	} else if (good && vr[idx].used && err != EINTR && err != ENOMEM) {
		finding("INSERT of a %u-byte ATR into reader %u: %s", len, idx,
			ename(err));
	}
}

/* Garbage: random headers, lengths and types; errors are expected. */
static void garbage(void)
{
	size_t len;
	int err;

	count(C_VHCI_GARBAGE);
	rnd_fill(&rng, &tx, HDR + 64);
	switch (rnd(&rng, 6)) {
	case 0:
		tx.hdr.type = rnd(&rng, 32);
		tx.hdr.len = rnd(&rng, 64);
		len = HDR + tx.hdr.len;
		break;
	case 1:
		/* a length that does not match */
		tx.hdr.len = rnd(&rng, 64);
		len = HDR + rnd(&rng, 64);
		break;
	case 2:
		/* shorter than a header */
		len = rnd(&rng, HDR);
		break;
	case 3:
		/* over SCARD_VHCI_MAX_PAYLOAD */
		tx.hdr.len = SCARD_VHCI_MAX_PAYLOAD + 1 + rnd(&rng, 100);
		len = HDR + tx.hdr.len;
		if (len > sizeof(tx))
			len = sizeof(tx);
		break;
	case 4:
		/* an answer to a random id of a random reader */
		memset(&tx.hdr, 0, HDR);
		tx.hdr.type = SCARD_VHCI_ANSWER;
		tx.hdr.reader = rnd(&rng, NREADERS);
		tx.hdr.id = rnd(&rng, 64);
		tx.hdr.status = -(int)rnd(&rng, 600);
		tx.hdr.len = rnd(&rng, 64);
		len = HDR + tx.hdr.len;
		break;
	default:
		/* a good type with one field that must be zero set */
		tx.hdr.type = SCARD_VHCI_REMOVE + rnd(&rng, 2) * 2 - 2;
		tx.hdr.reader = rnd(&rng, NREADERS);
		tx.hdr.len = 0;
		tx.hdr.id = 0;
		tx.hdr.status = 0;
		tx.hdr.arg = 0;
		tx.hdr.timeout_ms = 0;
		tx.hdr.reserved = 1 + rnd(&rng, 1000);
		len = HDR;
		break;
	}
	if (write_msg(&tx, len, &err))
		return;
	/* It worked: what it did must be tracked */
	if (len >= HDR && tx.hdr.reader < SCARD_VHCI_MAX_READERS) {
		if (tx.hdr.type == SCARD_VHCI_DESTROY)
			memset(&vr[tx.hdr.reader], 0, sizeof(vr[0]));
		if (tx.hdr.type == SCARD_VHCI_CREATE)
			vr[tx.hdr.reader] = (struct vreader){ .used = 1,
							      .n = -1 };
		if (tx.hdr.type == SCARD_VHCI_INSERT)
			vr[tx.hdr.reader].present = 1;
	}
}

/* The T=1 card's block for @b (@len bytes, LRC) into tx.data. */
static unsigned int t1_answer(struct vreader *v, const unsigned char *b,
			      unsigned int len)
{
	unsigned char *o = tx.data, pcb;

	if (len < 4)
		return 0;
	pcb = b[1];
	if ((pcb & 0xc0) == 0x80 && v->last_len) {
		/* R-block: the last block again */
		memcpy(o, v->last, v->last_len);
		return v->last_len;
	}
	o[0] = b[0] ? ((b[0] & 0x07) << 4) | ((b[0] >> 4) & 0x07) : 0;
	if (!(pcb & 0x80)) {
		if (pcb & 0x20) {
			/* chaining: R-block asking for the next one */
			o[1] = 0x80 | ((((pcb >> 6) & 1) ^ 1) << 4);
			o[2] = 0;
		} else {
			o[1] = v->ns << 6;
			v->ns ^= 1;
			o[2] = 2;
			o[3] = 0x90;
			o[4] = 0x00;
		}
	} else if ((pcb & 0xc0) == 0xc0) {
		/* S-block request: its response, same INF */
		o[1] = pcb | 0x20;
		o[2] = b[2] < 4 ? b[2] : 1;
		memcpy(o + 3, b + 3, o[2]);
		if (len < 4u + o[2])
			memset(o + 3, 32, o[2]);
	} else {
		o[1] = v->ns << 6;
		v->ns ^= 1;
		o[2] = 0;
	}
	o[3 + o[2]] = lrc(o, 3 + o[2]);
	v->last_len = 4 + o[2];
	memcpy(v->last, o, v->last_len);
	return v->last_len;
}

/* The right answer to @req (payload @d): status in *@status. */
static unsigned int right_answer(const struct scard_vhci_msg *req,
				 const unsigned char *d, int *status)
{
	struct vreader *v = &vr[req->reader];
	unsigned int len = req->len, le;

	*status = 0;
	switch (req->type) {
	case SCARD_VHCI_REQ_POWER:
		v->ns = 0;
		v->last_len = 0;
		return 0;
	case SCARD_VHCI_REQ_XFER:
		if (v->level == SCARD_VHCI_LEVEL_CHAR) {
			/* bytes the card sends back: random, fewer at times */
			le = req->arg < 300 ? req->arg : 300;
			if (chance(&rng, 20)) {
				le = rnd(&rng, le + 1);
				*status = -ETIMEDOUT;
			}
			rnd_fill(&rng, tx.data, le);
			if (le && chance(&rng, 50))
				tx.data[0] = 0x60 + rnd(&rng, 0x40);
			return le;
		}
		if (v->level == SCARD_VHCI_LEVEL_TPDU &&
		    req->arg == SCARD_VHCI_XFER_PPS) {
			memcpy(tx.data, d, len < 8 ? len : 8);
			return len < 8 ? len : 8;
		}
		if (v->level == SCARD_VHCI_LEVEL_TPDU && v->t1)
			return t1_answer(v, d, len);
		/* An APDU or T=0 TPDU: case 2 gets Le bytes, all 90 00. */
		le = 0;
		if (len == 5)
			le = d[4] ? d[4] : 256;
		if (v->level == SCARD_VHCI_LEVEL_APDU && chance(&rng, 30))
			le = rnd(&rng, 300);
		rnd_fill(&rng, tx.data, le);
		tx.data[le] = 0x90;
		tx.data[le + 1] = 0x00;
		return le + 2;
	case SCARD_VHCI_REQ_VENDOR:
		len = len < 300 ? len : 300;
		memcpy(tx.data, d, len);
		return len;
	default:
		return 0;
	}
}

static const int statuses[] = {
	-EIO, -ETIMEDOUT, -EPROTO, -ENOTTY, -EBADMSG, -ENODEV, -EINTR,
	-ENOMEDIUM, -EOPNOTSUPP, -EINVAL, -EMEDIUMTYPE, -EBADFD, -ENOMEM,
	-ECONNABORTED, -ESHUTDOWN, -EBUSY, -ENOSPC, -EMSGSIZE, -511, -512,
	1, -ERANGE,
};

static void answer(const struct scard_vhci_msg *req, const unsigned char *d)
{
	unsigned int len, i, mode = rnd(&rng, 100);
	int status;

	if (req->reader >= SCARD_VHCI_MAX_READERS)
		return;
	len = right_answer(req, d, &status);
	/*
	 * Never answered and late answers keep the reader (and callers
	 * queued on it) waiting for the library's timeout: rarer than the
	 * other misbehaviours, which cost nothing.
	 */
	if (mode < 1 && chance(&rng, 50)) {
		return;			/* never */
	} else if (mode < 2) {
		/* late: after a random part of the library's timeout */
		for (i = 0; i < NLATE; i++) {
			if (late[i].used)
				continue;
			late[i].used = 1;
			late[i].due = now_ms() +
				rnd(&rng, req->timeout_ms * 3 / 2 + 1);
			late[i].req = *req;
			late[i].len = req->len < 300 ? req->len : 300;
			memcpy(late[i].data, d, late[i].len);
			return;
		}
		return;
	} else if (mode < 14) {
		status = statuses[rnd(&rng, ARRAY_SIZE(statuses))];
	} else if (mode < 17) {
		len = len ? rnd(&rng, len) : 0;		/* truncated */
	} else if (mode < 20) {
		/* oversized: more than the request takes, or the maximum */
		len = chance(&rng, 50) ? SCARD_MAX_RECV + 1 + rnd(&rng, 10) :
			len + 1 + rnd(&rng, 300);
		if (chance(&rng, 20))
			len = SCARD_VHCI_MAX_PAYLOAD + 1;
		rnd_fill(&rng, tx.data, len < 1024 ? len : 1024);
	} else if (mode < 22) {
		/* to the wrong id (refused), then mostly the right one */
		send_msg(SCARD_VHCI_ANSWER, req->reader, req->id + 1, status,
			 0, tx.data, len);
		if (chance(&rng, 25))
			return;
	}
	count(C_VHCI_ANSWERS);
	send_msg(SCARD_VHCI_ANSWER, req->reader, req->id, status,
		 chance(&rng, 50) ? req->arg : 0, tx.data, len);
	if (mode >= 22 && mode < 26)
		/* twice: the second is refused */
		send_msg(SCARD_VHCI_ANSWER, req->reader, req->id, status, 0,
			 tx.data, len);
	if (req->type == SCARD_VHCI_REQ_EJECT && !status)
		send_msg(SCARD_VHCI_REMOVE, req->reader, 0, 0, 0, NULL, 0);
}

static void send_late(void)
{
	unsigned int i, len;
	int status;
	long now = now_ms();

	for (i = 0; i < NLATE; i++) {
		if (!late[i].used || late[i].due > now)
			continue;
		late[i].used = 0;
		if (!vr[late[i].req.reader].used)
			continue;
		len = right_answer(&late[i].req, late[i].data, &status);
		count(C_VHCI_ANSWERS);
		send_msg(SCARD_VHCI_ANSWER, late[i].req.reader,
			 late[i].req.id, status, 0, tx.data, len);
	}
}

/* Read what is queued (at most a few messages) and handle it. */
static void serve(int ms)
{
	struct pollfd p = { .fd = vfd, .events = POLLIN };
	unsigned int i;
	size_t size;
	ssize_t n;
	void *buf;

	for (i = 0; i < 8; i++) {
		if (poll(&p, 1, i ? 0 : ms) != 1)
			return;
		buf = &rx;
		size = sizeof(rx);
		if (chance(&rng, 2))
			size = rnd(&rng, HDR + 8);	/* too small */
		else if (!rnd(&rng, 500))
			buf = NULL;			/* lost: EFAULT */
		n = read(vfd, buf, size);
		if (n < 0) {
			switch (errno) {
			case EAGAIN: case EINTR: case ENOSPC: case EFAULT:
				break;
			default:
				finding("vhci read(%zu): %s", size,
					ename(errno));
			}
			continue;
		}
		count(C_VHCI_READS);
		if ((size_t)n < HDR || (size_t)n != HDR + rx.hdr.len) {
			finding("vhci read: %zd bytes, header says %u", n,
				rx.hdr.len);
			continue;
		}
		if (rx.hdr.reader >= SCARD_VHCI_MAX_READERS) {
			finding("vhci message type %u for reader %u",
				rx.hdr.type, rx.hdr.reader);
			continue;
		}
		if (rx.hdr.type == SCARD_VHCI_EV_CREATED) {
			vr[rx.hdr.reader].n = rx.hdr.arg;
			continue;
		}
		count(C_VHCI_REQS);
		if (rx.hdr.type < SCARD_VHCI_REQ_POWER ||
		    rx.hdr.type > SCARD_VHCI_REQ_VENDOR || !rx.hdr.id)
			finding("vhci message type %u id %u", rx.hdr.type,
				rx.hdr.id);
		answer(&rx.hdr, rx.data);
	}
}

void vhci_controller(void)
{
	unsigned int idx, a;

	rng_init(&rng, opt.seed, worker_id, worker_gen, 0x7c);
	vhci_reopen();
	while (!stopping()) {
		beat();
		idx = rnd(&rng, NREADERS);
		a = rnd(&rng, 1000);
		if (a < 24 && !vr[idx].used) {
			create();
		} else if (a < 36 && vr[idx].used) {
			destroy(idx);
		} else if (a < 100 && vr[idx].used && !vr[idx].present) {
			insert(idx);
		} else if (a < 120 && vr[idx].used) {
			insert(idx);
		} else if (a < 140 && vr[idx].used) {
			if (!send_msg(SCARD_VHCI_REMOVE, idx, 0, 0, 0, NULL, 0))
				vr[idx].present = 0;
		} else if (a < 160) {
			garbage();
		} else if (a < 162 && chance(&rng, 30)) {
			count(C_VHCI_CLOSES);
			close(vfd);
			vfd = -1;
			vhci_reopen();
		}
		/* about 200 rounds a second: fewer idle wakeups */
		serve(1 + rnd(&rng, 8));
		send_late();
	}
	exit(0);
}
