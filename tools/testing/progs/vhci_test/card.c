// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: the card process (APDU level, and a T=1 card for the
 * TPDU and character levels).
 */
#include "vhci_test.h"

struct t1card t1;

void card_init(struct card *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
}

void card_answer(struct card *c, const struct scard_vhci_msg *req,
		 int status, const void *data, __u32 len)
{
	int err = send_msg(c->fd, SCARD_VHCI_ANSWER, req->reader, req->id,
			   status, data, len);

	if (err) {
		c->errors++;
		diag("answer to request %u: %s", req->id, ename(err));
	}
}

void card_handle(struct card *c, struct msgbuf *m)
{
	static unsigned char out[SCARD_VHCI_MAX_PAYLOAD];
	struct scard_vhci_msg *h = &m->hdr;
	unsigned char big[SCARD_ATR_MAX + 1];

	if (h->type < NTYPES) {
		c->seen[h->type]++;
		c->arg[h->type] = h->arg;
		c->timeout[h->type] = h->timeout_ms;
		if (c->silent & (1u << h->type)) {
			c->last = *h;
			return;
		}
	}
	c->last = *h;

	switch (h->type) {
	case SCARD_VHCI_REQ_POWER:
		t1.ns = 0;
		t1.in_len = 0;
		t1.out_len = 0;
		if (c->oversize) {
			memset(big, 0x3b, sizeof(big));
			card_answer(c, h, 0, big, sizeof(big));
		} else if (h->arg == SCARD_WARM_RESET) {
			card_answer(c, h, 0, atr_warm, sizeof(atr_warm));
		} else {
			card_answer(c, h, 0, NULL, 0);
		}
		break;
	case SCARD_VHCI_REQ_XFER:
		if (t1.level == SCARD_VHCI_LEVEL_TPDU) {
			t1_tpdu(c, m);
			break;
		}
		if (t1.level == SCARD_VHCI_LEVEL_CHAR) {
			t1_char(c, m);
			break;
		}
		if (c->remove_on_xfer) {
			send_msg(c->fd, SCARD_VHCI_REMOVE, h->reader, 0, 0,
				 NULL, 0);
			break;
		}
		if (c->destroy_on_xfer) {
			send_msg(c->fd, SCARD_VHCI_DESTROY, h->reader, 0, 0,
				 NULL, 0);
			break;
		}
		if (h->len + 2 > sizeof(out)) {
			card_answer(c, h, -EIO, NULL, 0);
			break;
		}
		memcpy(out, m->data, h->len);
		out[h->len] = 0x90;
		out[h->len + 1] = 0x00;
		card_answer(c, h, c->xfer_status, out, h->len + 2);
		break;
	case SCARD_VHCI_REQ_VENDOR:
		card_answer(c, h, 0, m->data, h->len);
		break;
	case SCARD_VHCI_REQ_EJECT:
		send_msg(c->fd, SCARD_VHCI_REMOVE, h->reader, 0, 0, NULL, 0);
		card_answer(c, h, 0, NULL, 0);
		break;
	case SCARD_VHCI_REQ_PROTOCOL:
	case SCARD_VHCI_REQ_SWALLOW:
	case SCARD_VHCI_REQ_CONFISCATE:
		card_answer(c, h, 0, NULL, 0);
		break;
	default:
		break;
	}
}

/*
 * Serve requests until the child at the other end of @done_fd writes a
 * byte (return 1), exits (0), or @ms pass (-1).
 */
int card_serve(struct card *c, int done_fd, int ms)
{
	long end = now_ms() + ms;
	struct pollfd p[2];
	char byte;
	int left;

	for (;;) {
		left = end - now_ms();
		if (left <= 0)
			return -1;
		p[0].fd = c->fd;
		p[0].events = POLLIN;
		p[1].fd = done_fd;
		p[1].events = POLLIN;
		if (poll(p, 2, left) <= 0)
			continue;
		/* A child syncs before its request: see the sync first. */
		if (p[1].revents)
			return read(done_fd, &byte, 1) == 1 ? 1 : 0;
		if (p[0].revents & POLLIN && !recv_msg(c->fd, &rbuf, 0))
			card_handle(c, &rbuf);
	}
}

/* ---- levels: TPDU and character level readers, T=1 ---- */

unsigned char lrc(const unsigned char *p, size_t len)
{
	unsigned char x = 0;

	while (len--)
		x ^= *p++;
	return x;
}

/* The card's block for block @b; its length. */
size_t t1_block(const unsigned char *b, unsigned char *r)
{
	unsigned char pcb = b[1], len = b[2];

	if (!(pcb & 0x80)) {
		/* I-block: the APDU's echo and 90 00 */
		r[1] = t1.ns << 6;
		t1.ns ^= 1;
		memcpy(r + 3, b + 3, len);
		r[3 + len] = 0x90;
		r[4 + len] = 0x00;
		len += 2;
	} else if ((pcb & 0xc0) == 0xc0) {
		/* S-block request: the response */
		r[1] = pcb | 0x20;
		memcpy(r + 3, b + 3, len);
	} else {
		/* R-block: the last block again */
		memcpy(r, t1.last, t1.last_len);
		return t1.last_len;
	}
	r[0] = b[0];
	r[2] = len;
	r[3 + len] = lrc(r, 3 + len);
	t1.blocks++;
	memcpy(t1.last, r, 4 + len);
	t1.last_len = 4 + len;
	return 4 + len;
}

/* Length of the unit (PPS or block) at the start of @p, 0 if incomplete. */
size_t t1_unit(const unsigned char *p, size_t len)
{
	size_t need;

	if (len < 3)
		return 0;
	if (p[0] == 0xff)
		need = 3 + __builtin_popcount(p[1] & 0x70);
	else
		need = 4 + p[2];
	return len >= need ? need : 0;
}

/* TPDU level: one block or PPS in, one out. */
void t1_tpdu(struct card *c, struct msgbuf *m)
{
	unsigned char r[300];
	size_t len;

	if (m->hdr.arg == SCARD_VHCI_XFER_PPS) {
		t1.pps++;
		card_answer(c, &m->hdr, 0, m->data, m->hdr.len);
		return;
	}
	if (m->hdr.len < 4 || m->hdr.len != 4u + m->data[2]) {
		card_answer(c, &m->hdr, -EBADMSG, NULL, 0);
		return;
	}
	len = t1_block(m->data, r);
	card_answer(c, &m->hdr, 0, r, len);
}

/* Character level: bytes in, @arg bytes of the card's stream out. */
void t1_char(struct card *c, struct msgbuf *m)
{
	size_t unit, n = m->hdr.arg;

	if (m->hdr.len > sizeof(t1.in) - t1.in_len) {
		card_answer(c, &m->hdr, -EIO, NULL, 0);
		return;
	}
	memcpy(t1.in + t1.in_len, m->data, m->hdr.len);
	t1.in_len += m->hdr.len;
	while ((unit = t1_unit(t1.in, t1.in_len))) {
		if (t1.in[0] == 0xff) {
			t1.pps++;
			memcpy(t1.out + t1.out_len, t1.in, unit);
			t1.out_len += unit;
		} else {
			t1.out_len += t1_block(t1.in, t1.out + t1.out_len);
		}
		memmove(t1.in, t1.in + unit, t1.in_len - unit);
		t1.in_len -= unit;
	}
	if (n > t1.out_len)
		n = t1.out_len;
	card_answer(c, &m->hdr, n < m->hdr.arg ? -ETIMEDOUT : 0, t1.out, n);
	memmove(t1.out, t1.out + n, t1.out_len - n);
	t1.out_len -= n;
}
