// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: the card side of T=1 (ISO/IEC 7816-3:2006 clause 11).
 *
 * Blocks are NAD PCB LEN INF EDC. The card answers every block of the
 * reader with one block:
 *   - I-blocks carry the command; a chained one (M = 1) is acknowledged by
 *     R(N(R) = the next N(S) expected). The card takes at most IFSC bytes
 *     per block (its ATR's TA3, or what it asked for by S(IFS request)).
 *   - The response goes back in I-blocks of at most IFSD bytes (32 until
 *     the reader's S(IFS request)); the reader acknowledges each link of a
 *     chain with R(N(R) = the next N(S)) and asks for one again with
 *     R(N(R) = its N(S)).
 *   - An invalid block (EDC, length, PCB) gets R(error); an R-block that
 *     acknowledges nothing gets the last block again.
 *   - S(IFS request), S(RESYNCH request) and S(ABORT request) of the reader
 *     are answered; the card sends S(WTX request) when slow (--slow) and
 *     S(IFS request) once per session with --card-ifs.
 *   - The response NAD swaps the source and destination of the reader's.
 *
 * EDC: LRC (exclusive-or) or the CRC of ISO/IEC 13239 (CRC-16/X.25:
 * polynomial 0x1021 reflected, preset FFFF, complemented), sent low byte
 * first; over "123456789" it is 0x906E.
 */
#include <string.h>

#include "emu.h"

#define PCB_I_NS		0x40
#define PCB_I_M			0x20
#define PCB_R			0x80
#define PCB_R_NR		0x10
#define PCB_R_EDC		0x01
#define PCB_R_OTHER		0x02
#define PCB_S			0xc0
#define PCB_S_RSP		0x20
#define S_RESYNCH		0x00
#define S_IFS			0x01
#define S_ABORT			0x02
#define S_WTX			0x03

#define T1_STALE_MS		1000	/* a partial block older than this */

u16 t1_crc(const u8 *p, size_t n)
{
	u16 crc = 0xffff;
	int i;

	while (n--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = crc & 1 ? (crc >> 1) ^ 0x8408 : crc >> 1;
	}
	return ~crc;
}

u8 t1_lrc(const u8 *p, size_t n)
{
	u8 x = 0;

	while (n--)
		x ^= *p++;
	return x;
}

static size_t t1_edc_len(const struct emu_card *c)
{
	return c->ai.crc ? 2 : 1;
}

/* The epilogue of the @n bytes at @p into @edc; returns its length. */
size_t t1_edc(const struct emu_card *c, const u8 *p, size_t n, u8 *edc)
{
	u16 crc;

	if (!c->ai.crc) {
		edc[0] = t1_lrc(p, n);
		return 1;
	}
	crc = t1_crc(p, n);
	edc[0] = crc & 0xff;
	edc[1] = crc >> 8;
	return 2;
}

void t1_reset(struct emu_card *c)
{
	struct emu_t1 *t = &c->t1;

	t->phase = T1C_IDLE;
	t->ns = 0;
	t->nr = 0;
	t->ifsc = c->ai.ifsc;
	t->ifsd = T1_IFSD_DEFAULT;
	t->nad = 0;
	t->ifs_done = false;
	t->wtx_done = false;
	buf_reset(&t->cmd);
	buf_reset(&t->rsp);
	t->rsp_off = 0;
	t->chunk = 0;
	t->last_len = 0;
	t->in_len = 0;
}

bool t1_idle(const struct emu_card *c)
{
	return c->t1.phase == T1C_IDLE && !c->t1.in_len;
}

/* Send the last block (again), with the faults that apply to it. */
static void t1_emit(struct emu_card *c, u64 at)
{
	u8 blk[T1_BLOCK_MAX];
	size_t n = c->t1.last_len;

	memcpy(blk, c->t1.last, n);
	c->blocks++;
	fault_t1_block(c, blk, n);
	emu_dump(c, "T=1 ->", blk, n);
	outq_put(&c->out, blk, n, at);
}

static void t1_send(struct emu_card *c, u8 pcb, const u8 *inf, size_t len,
		    u64 at)
{
	struct emu_t1 *t = &c->t1;
	u8 *b = t->last;

	b[0] = t->nad;
	b[1] = pcb;
	b[2] = len;
	if (len)
		memcpy(b + 3, inf, len);
	t->last_len = 3 + len;
	t->last_len += t1_edc(c, b, t->last_len, b + t->last_len);
	t1_emit(c, at);
}

static void t1_send_r(struct emu_card *c, u8 err, u64 now)
{
	t1_send(c, PCB_R | (c->t1.nr ? PCB_R_NR : 0) | err, NULL, 0, now);
}

/* The response block at rsp_off with sequence number @ns. */
static void t1_send_chunk(struct emu_card *c, u8 ns, u64 at)
{
	struct emu_t1 *t = &c->t1;
	size_t left = t->rsp.len - t->rsp_off;
	bool more;

	t->chunk = left < t->ifsd ? left : t->ifsd;
	more = left > t->chunk;
	t->cur_ns = ns;
	t->ns = ns ^ 1;
	t->phase = more ? T1C_SEND : T1C_IDLE;
	t1_send(c, (ns ? PCB_I_NS : 0) | (more ? PCB_I_M : 0),
		t->rsp.data + t->rsp_off, t->chunk, at);
}

/*
 * The response is ready: ask for a new IFSC or for more time first if
 * configured, else send its first block (late when the card is slow).
 */
static void t1_respond(struct emu_card *c, u64 now)
{
	struct emu_t1 *t = &c->t1;
	u8 v;

	if (c->cfg->card_ifs && !t->ifs_done) {
		t->ifs_done = true;
		t->phase = T1C_IFS;
		t->req_value = c->cfg->card_ifs;
		t1_send(c, PCB_S | S_IFS, &t->req_value, 1, now);
		return;
	}
	if (c->cfg->slow_ms && !t->wtx_done) {
		t->wtx_done = true;
		v = fault_wtx_multiplier(c);
		t->phase = T1C_WTX;
		t->req_value = v;
		emu_log(c, "slow: S(WTX request) x%u", v);
		t1_send(c, PCB_S | S_WTX, &v, 1, now);
		return;
	}
	t->rsp_off = 0;
	t1_send_chunk(c, t->ns, fault_delay(c, now));
}

static void t1_rx_i(struct emu_card *c, const u8 *b, u64 now)
{
	struct emu_t1 *t = &c->t1;
	u8 pcb = b[1], len = b[2];
	u8 ns = !!(pcb & PCB_I_NS);

	if (pcb & 0x1f || len > t->ifsc || t->phase != T1C_IDLE) {
		t1_send_r(c, PCB_R_OTHER, now);
		return;
	}
	if (ns != t->nr) {
		/* A block the card has taken already: its answer got lost. */
		if (t->last_len)
			t1_emit(c, now);
		else
			t1_send_r(c, PCB_R_OTHER, now);
		return;
	}
	t->nr ^= 1;
	/* Answer to the sender: swap SAD and DAD. */
	t->nad = (b[0] & 0x07) << 4 | (b[0] >> 4 & 0x07);
	buf_put(&t->cmd, b + 3, len);
	if (pcb & PCB_I_M) {
		t1_send_r(c, 0, now);
		return;
	}

	buf_reset(&t->rsp);
	card_apdu(c, t->cmd.data, t->cmd.len, &t->rsp);
	buf_reset(&t->cmd);
	t->wtx_done = false;
	t1_respond(c, now);
}

static void t1_rx_r(struct emu_card *c, u8 pcb, u64 now)
{
	struct emu_t1 *t = &c->t1;
	u8 nr = !!(pcb & PCB_R_NR);

	if (t->phase == T1C_SEND) {
		if (nr == t->ns) {
			/* The link is acknowledged: send the next one. */
			t->rsp_off += t->chunk;
			t1_send_chunk(c, t->ns, now);
		} else {
			t1_send_chunk(c, t->cur_ns, now);
		}
		return;
	}
	if (t->last_len)
		t1_emit(c, now);
	else
		t1_send_r(c, PCB_R_OTHER, now);
}

static void t1_rx_s(struct emu_card *c, const u8 *b, u64 now)
{
	struct emu_t1 *t = &c->t1;
	u8 pcb = b[1], len = b[2];
	u8 type = pcb & 0x1f;
	u8 v = len ? b[3] : 0;

	if (!(pcb & PCB_S_RSP)) {
		switch (type) {
		case S_RESYNCH:
			if (len)
				break;
			t1_reset(c);
			emu_log(c, "T=1 resynchronised");
			t1_send(c, PCB_S | PCB_S_RSP | S_RESYNCH, NULL, 0, now);
			return;
		case S_IFS:
			if (len != 1 || !v || v > T1_IFS_MAX)
				break;
			t->ifsd = v;
			emu_log(c, "IFSD %u", v);
			t1_send(c, PCB_S | PCB_S_RSP | S_IFS, &v, 1, now);
			return;
		case S_ABORT:
			if (len)
				break;
			buf_reset(&t->cmd);
			buf_reset(&t->rsp);
			t->phase = T1C_IDLE;
			emu_log(c, "chain aborted");
			t1_send(c, PCB_S | PCB_S_RSP | S_ABORT, NULL, 0, now);
			return;
		}
		t1_send_r(c, PCB_R_OTHER, now);
		return;
	}

	if (type == S_WTX && t->phase == T1C_WTX && len == 1 &&
	    v == t->req_value) {
		t1_respond(c, now);
		return;
	}
	if (type == S_IFS && t->phase == T1C_IFS && len == 1 &&
	    v == t->req_value) {
		t->ifsc = v;
		t1_respond(c, now);
		return;
	}
	t1_send_r(c, PCB_R_OTHER, now);
}

/* One block of the reader. */
void t1_block(struct emu_card *c, const u8 *b, size_t n, u64 now)
{
	size_t el = t1_edc_len(c);
	u8 edc[2];

	emu_dump(c, "T=1 <-", b, n);
	if (n < 3 + el || n != 3 + (size_t)b[2] + el) {
		t1_send_r(c, PCB_R_EDC, now);
		return;
	}
	t1_edc(c, b, n - el, edc);
	if (memcmp(edc, b + n - el, el)) {
		t1_send_r(c, PCB_R_EDC, now);
		return;
	}
	if (b[2] == 0xff) {
		t1_send_r(c, PCB_R_OTHER, now);
		return;
	}
	if (!(b[1] & PCB_R))
		t1_rx_i(c, b, now);
	else if ((b[1] & PCB_S) == PCB_R)
		t1_rx_r(c, b[1], now);
	else
		t1_rx_s(c, b, now);
}

/* Character level: gather the bytes of a block (prologue gives LEN). */
void t1_chars(struct emu_card *c, const u8 *p, size_t n, u64 now)
{
	struct emu_t1 *t = &c->t1;
	size_t el = t1_edc_len(c);

	if (t->in_len && now - t->in_time > T1_STALE_MS) {
		emu_log(c, "dropping %zu bytes of an unfinished block",
			t->in_len);
		t->in_len = 0;
	}
	t->in_time = now;
	while (n--) {
		t->in[t->in_len++] = *p++;
		if (t->in_len >= 3 && t->in_len == 3 + (size_t)t->in[2] + el) {
			t1_block(c, t->in, t->in_len, now);
			t->in_len = 0;
		}
	}
}
