// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: the card side of T=0 (ISO/IEC 7816-3:2006 clause 10).
 *
 * TPDU level: the reader hands over a whole command TPDU (CLA INS P1 P2
 * P3 and, for data to the card, P3 bytes); the card answers the response
 * TPDU (data, SW1 SW2).
 *
 * Character level: the card reads the 5-byte header, then answers with
 * procedure bytes: for data to the card an ACK (INS: send all the rest;
 * ~INS: send one byte, as --t0-ack chooses), then reads the data and runs
 * the command; for data from the card (or no data) it runs the command
 * and sends ACK and data, or SW1 SW2 alone. A slow card sends NULL (60)
 * bytes while it works. Whether the data goes in or out follows from the
 * instruction (card_t0_dir()), as on a real card.
 */
#include <string.h>

#include "emu.h"

#define T0_EXTRA_BYTE		0xee	/* --wrong-length */

void t0_reset(struct emu_card *c)
{
	memset(&c->t0, 0, sizeof(c->t0));
	c->t0.state = T0S_HDR;
}

bool t0_idle(const struct emu_card *c)
{
	return c->t0.state == T0S_HDR && !c->t0.hdr_len;
}

/* A command TPDU as an APDU with T=0 semantics; -1 if inconsistent. */
static int t0_parse(const struct emu_card *c, const u8 *tpdu, size_t len,
		    struct emu_apdu *a)
{
	int dir = card_t0_dir(c, tpdu);
	u8 p3 = tpdu[4];

	memset(a, 0, sizeof(*a));
	a->raw = tpdu;
	a->raw_len = len;
	a->cla = tpdu[0];
	a->ins = tpdu[1];
	a->p1 = tpdu[2];
	a->p2 = tpdu[3];
	a->t0 = true;
	if (len == 5) {
		if (dir == T0_IN) {
			if (p3)
				return -1;	/* the data is missing */
			a->cse = 1;
			a->raw_len = 4;
			return 0;
		}
		a->cse = 2;
		a->ne = p3 ? p3 : 256;
		return 0;
	}
	if (dir != T0_IN || !p3 || len != 5 + (size_t)p3)
		return -1;
	a->cse = 3;
	a->data = tpdu + 5;
	a->nc = p3;
	return 0;
}

static void t0_run(struct emu_card *c, const u8 *tpdu, size_t len,
		   struct emu_buf *rsp)
{
	struct emu_apdu a;

	emu_dump(c, "TPDU <-", tpdu, len);
	if (len < 5 || t0_parse(c, tpdu, len, &a))
		buf_sw(rsp, SW_WRONG_LENGTH);
	else
		card_command(c, &a, rsp);
	emu_dump(c, "TPDU ->", rsp->data, rsp->len);
	c->t0_rsps++;
}

void t0_tpdu(struct emu_card *c, const u8 *tpdu, size_t len, u64 now)
{
	struct emu_buf rsp = { 0 };
	u64 at = fault_delay(c, now);

	t0_run(c, tpdu, len, &rsp);
	outq_put(&c->out, rsp.data, rsp.len - 2, at);
	if (fault_t0_extra(c)) {
		u8 extra = T0_EXTRA_BYTE;

		outq_put(&c->out, &extra, 1, at);
	}
	outq_put(&c->out, rsp.data + rsp.len - 2, 2, at);
	buf_free(&rsp);
}

static void t0_put(struct emu_card *c, u8 b, u64 at)
{
	outq_put(&c->out, &b, 1, at);
}

/* Run the command read so far and send its procedure bytes and data. */
static void t0_exec(struct emu_card *c, u64 now)
{
	struct emu_t0 *t = &c->t0;
	u8 tpdu[5 + 256];
	struct emu_buf rsp = { 0 };
	size_t n, i;
	u64 at;
	u8 ins = t->hdr[1];

	memcpy(tpdu, t->hdr, 5);
	memcpy(tpdu + 5, t->data, t->data_len);
	t->state = T0S_HDR;
	t->hdr_len = 0;
	t0_run(c, tpdu, 5 + t->data_len, &rsp);
	t->data_len = 0;

	at = fault_t0_nulls(c, now);
	n = rsp.len - 2;
	if (n) {
		switch (c->cfg->t0_ack) {
		case T0_ACK_INS:
			t0_put(c, ins, at);
			outq_put(&c->out, rsp.data, n, at);
			break;
		case T0_ACK_SINGLE:
			for (i = 0; i < n; i++) {
				t0_put(c, ins ^ 0xff, at);
				t0_put(c, rsp.data[i], at);
			}
			break;
		case T0_ACK_MIXED:
			t0_put(c, ins ^ 0xff, at);
			t0_put(c, rsp.data[0], at);
			if (n > 1) {
				t0_put(c, ins, at);
				outq_put(&c->out, rsp.data + 1, n - 1, at);
			}
			break;
		}
	}
	if (fault_t0_extra(c))
		t0_put(c, T0_EXTRA_BYTE, at);
	outq_put(&c->out, rsp.data + n, 2, at);
	buf_free(&rsp);
}

static void t0_header(struct emu_card *c, u64 now)
{
	struct emu_t0 *t = &c->t0;
	u8 ins = t->hdr[1];
	u16 sw;

	emu_dump(c, "T=0 header <-", t->hdr, 5);
	if (card_t0_dir(c, t->hdr) != T0_IN || !t->hdr[4]) {
		t0_exec(c, now);
		return;
	}
	sw = card_t0_precheck(c, t->hdr);
	if (sw) {
		u8 s[2] = { sw >> 8, sw & 0xff };

		emu_log(c, "T=0 refused before the data: %04X", sw);
		t->hdr_len = 0;
		c->apdus++;
		c->t0_rsps++;
		outq_put(&c->out, s, 2, fault_t0_nulls(c, now));
		return;
	}
	t->state = T0S_DATA;
	t->want = t->hdr[4];
	t->data_len = 0;
	t->acked_all = c->cfg->t0_ack == T0_ACK_INS;
	t0_put(c, t->acked_all ? ins : ins ^ 0xff, now);
}

void t0_chars(struct emu_card *c, const u8 *p, size_t n, u64 now)
{
	struct emu_t0 *t = &c->t0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t->state == T0S_HDR) {
			t->hdr[t->hdr_len++] = p[i];
			if (t->hdr_len == 5)
				t0_header(c, now);
			continue;
		}
		t->data[t->data_len++] = p[i];
		if (t->data_len == t->want) {
			t0_exec(c, now);
		} else if (!t->acked_all) {
			/* Mixed: ~INS took one byte, now INS for the rest. */
			if (c->cfg->t0_ack == T0_ACK_MIXED)
				t->acked_all = true;
			t0_put(c, t->acked_all ? t->hdr[1] : t->hdr[1] ^ 0xff,
			       now);
		}
	}
}
