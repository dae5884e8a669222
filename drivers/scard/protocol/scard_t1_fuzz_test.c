// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the scard T=1 engine: EDC check values, the step API
 * used without scard_t1_transceive(), and a model card over a noisy line.
 *
 * The model plays the card's side of ISO/IEC 7816-3 clause 11: it receives
 * command chains, answers with a response computed from the command in
 * links of its own size, asks for waiting time extensions and IFSC changes
 * at random, repeats its S-requests until answered and honours resynch.
 * It counts every block of the engine that breaks the protocol.
 *
 * The line between them loses, damages, shortens and lengthens blocks at
 * random, from a fixed seed. In the first run all damage is of a kind the
 * EDC always detects, so every transaction that succeeds must return
 * exactly the card's response, the model must never see a violation and
 * each transaction must end within a bound computed from the engine's
 * limits. In the second run the line also puts random blocks with a valid
 * EDC in the card's place; then only memory safety, consistent return
 * values and a step bound are checked.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/scard_t1.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "scard_t1_test.h"

#define T1F_STEPS	20000	/* blocks per run */
#define T1F_CMD_MAX	600
#define T1F_RSP_MAX	600
#define T1F_RSP_SIZE	1024	/* the usual response buffer */
#define T1F_CANARY	16
#define T1F_MIN_IFS	16	/* smallest IFSC and link of the model */

struct t1f_card {
	enum scard_t1_edc edc;
	u8 nad;
	u8 ifsc_atr;
	u8 ifsc;		/* longest I-block it accepts */
	u8 ifsd;		/* longest I-block it sends */
	u8 link;		/* its preferred link length */
	u8 ns;
	u8 nr;
	bool sending;		/* sending the response */
	bool more;		/* M bit of its last I-block */
	u8 cmd[T1F_CMD_MAX];
	size_t cmd_len;
	size_t rsp_len;
	size_t rsp_off;
	size_t chunk;
	bool req;		/* its S-request is waiting for a response */
	u8 req_pcb;
	u8 req_val;
	u8 deferred[T1T_BLOCK_ROOM];	/* block to send once answered */
	size_t deferred_len;
	unsigned int violations;
};

struct t1f {
	struct kunit *test;
	struct scard_t1 *t1;
	struct t1f_card card;
	u32 seed;
	bool garbage;
	unsigned int steps;	/* blocks in this transaction */
	unsigned int limit;
	unsigned int injected;	/* random blocks in this transaction */
};

static size_t t1f_rsp_len(const u8 *cmd, size_t n)
{
	return (cmd[0] * 3 + cmd[n - 1] + n) % (T1F_RSP_MAX + 1);
}

static u8 t1f_rsp_byte(const u8 *cmd, size_t n, size_t i)
{
	return cmd[i % n] ^ (i * 29 + 3);
}

static size_t card_block(struct t1f_card *c, u8 *out, u8 pcb, const u8 *inf,
			 size_t len)
{
	if (len)
		memcpy(out + 3, inf, len);
	return t1t_block(out, c->edc, c->nad, pcb, len);
}

static size_t card_r(struct t1f_card *c, u8 *out, u8 err)
{
	return card_block(c, out, T1T_R(c->nr, err), NULL, 0);
}

/* The link of the response from rsp_off, sent again if not acknowledged. */
static size_t card_i(struct t1f_card *c, u8 *out)
{
	size_t left = c->rsp_len - c->rsp_off;
	size_t i;

	c->chunk = min3(left, (size_t)c->ifsd, (size_t)c->link);
	c->more = left > c->chunk;
	for (i = 0; i < c->chunk; i++)
		out[3 + i] = t1f_rsp_byte(c->cmd, c->cmd_len, c->rsp_off + i);
	return t1t_block(out, c->edc, c->nad, T1T_I(c->ns, c->more), c->chunk);
}

static size_t card_s_req(struct t1f_card *c, u8 *out)
{
	return card_block(c, out, c->req_pcb, &c->req_val, 1);
}

static void card_resynch(struct t1f_card *c)
{
	c->ns = 0;
	c->nr = 0;
	c->ifsc = c->ifsc_atr;
	c->ifsd = SCARD_T1_IFSD_DEFAULT;
	c->sending = false;
	c->cmd_len = 0;
	c->req = false;
}

/* Sometimes precede a block by S(WTX request) or S(IFS request). */
static size_t card_maybe_ask(struct t1f_card *c, u32 *seed, u8 *out, size_t n)
{
	u32 r = t1t_rand(seed);

	if (r % 12)
		return n;
	memcpy(c->deferred, out, n);
	c->deferred_len = n;
	c->req = true;
	if (r & BIT(8)) {
		c->req_pcb = S_WTX_REQ;
		c->req_val = 1 + (r >> 9) % 4;
	} else {
		c->req_pcb = S_IFS_REQ;
		c->req_val = T1F_MIN_IFS + (r >> 9) % (255 - T1F_MIN_IFS);
	}
	return card_s_req(c, out);
}

static bool card_valid(struct t1f_card *c, const u8 *in, size_t n)
{
	size_t edc_len = c->edc == SCARD_T1_CRC ? 2 : 1;
	u8 edc[2];

	if (n < 3 + edc_len || n != 3 + in[2] + edc_len)
		return false;
	t1t_edc(c->edc, in, 3 + in[2], edc);
	return !memcmp(edc, in + 3 + in[2], edc_len);
}

/* A valid block of the engine, no S-request of the card pending. */
static size_t card_proto(struct t1f_card *c, u32 *seed, const u8 *in,
			 u8 *out)
{
	u8 pcb = in[1];
	size_t len = in[2];
	u8 seq;

	if (!(pcb & 0x80)) {
		seq = !!(pcb & 0x40);
		if (c->sending) {
			if (c->more || seq != c->nr)
				goto bad;
			/* A new command acknowledges our last link. */
			c->ns ^= 1;
			c->sending = false;
			c->cmd_len = 0;
		}
		if (seq != c->nr || len > c->ifsc ||
		    len > T1F_CMD_MAX - c->cmd_len || pcb & 0x1f)
			goto bad;
		memcpy(c->cmd + c->cmd_len, in + 3, len);
		c->cmd_len += len;
		c->nr ^= 1;
		if (pcb & 0x20)
			return card_maybe_ask(c, seed, out, card_r(c, out, 0));
		if (!c->cmd_len)
			goto bad;
		c->sending = true;
		c->rsp_len = t1f_rsp_len(c->cmd, c->cmd_len);
		c->rsp_off = 0;
		return card_maybe_ask(c, seed, out, card_i(c, out));
	}
	if ((pcb & 0xc0) == 0x80) {
		seq = !!(pcb & 0x10);
		if (len || (pcb & 0x2f) > 2)
			goto bad;
		if (!c->sending)
			return card_r(c, out, 0);
		if (seq == c->ns)
			return card_i(c, out);
		if (!c->more) {
			/* Acknowledged, but the next command did not come. */
			c->ns ^= 1;
			c->sending = false;
			c->cmd_len = 0;
			return card_r(c, out, 0);
		}
		c->rsp_off += c->chunk;
		c->ns ^= 1;
		return card_maybe_ask(c, seed, out, card_i(c, out));
	}
	if (pcb == S_IFS_REQ && len == 1 && in[3] && in[3] != 255) {
		c->ifsd = in[3];
		return card_block(c, out, S_IFS_RSP, in + 3, 1);
	}
bad:
	c->violations++;
	return card_r(c, out, R_OTHER);
}

static size_t card_rx(struct t1f_card *c, u32 *seed, const u8 *in, size_t n,
		      u8 *out)
{
	u8 pcb = in[1];

	if (!card_valid(c, in, n))
		return c->req ? card_s_req(c, out) : card_r(c, out, R_EDC);
	if (pcb == S_RES_REQ && !in[2]) {
		card_resynch(c);
		return card_block(c, out, S_RES_RSP, NULL, 0);
	}
	if (!c->req)
		return card_proto(c, seed, in, out);

	if (pcb == (c->req_pcb | 0x20) && in[2] == 1 && in[3] == c->req_val) {
		c->req = false;
		if (c->req_pcb == S_IFS_REQ)
			c->ifsc = c->req_val;
		memcpy(out, c->deferred, c->deferred_len);
		return c->deferred_len;
	}
	/* An R-block means our request was damaged; anything else is wrong. */
	if ((pcb & 0xc0) != 0x80)
		c->violations++;
	return card_s_req(c, out);
}

/* A random block with a valid EDC, or random bytes. */
static size_t t1f_random_block(struct t1f *f, u8 *out)
{
	static const u8 pcbs[] = {
		0x00, 0x20, 0x40, 0x60, 0x80, 0x81, 0x82, 0x90, 0x91, 0x92,
		S_RES_REQ, S_IFS_REQ, S_ABT_REQ, S_WTX_REQ, S_RES_RSP,
		S_IFS_RSP, S_ABT_RSP, S_WTX_RSP, S_VPP_ERR,
	};
	u32 r = t1t_rand(&f->seed);
	size_t len;
	u8 pcb;

	f->injected++;
	if (!(r % 5)) {
		len = (r >> 8) % T1T_BLOCK_ROOM;
		t1t_rand_bytes(&f->seed, out, len);
		return len;
	}
	pcb = r % 7 ? pcbs[(r >> 8) % ARRAY_SIZE(pcbs)] : r >> 8;
	if (!(pcb & 0x80))
		len = (r >> 16) % 256;
	else
		len = (r >> 16) % 3 ? !!(pcb & 0x40 && pcb & 0x01) : r >> 24;
	t1t_rand_bytes(&f->seed, out + 3, len);
	/* Mostly IFSC values within the bounds of t1f_bound(). */
	if (pcb == S_IFS_REQ && len)
		out[3] = r & BIT(31) ? (out[3] & 1) * 255 :
			 T1F_MIN_IFS + out[3] % (255 - T1F_MIN_IFS);
	return t1t_block(out, f->card.edc, f->card.nad, pcb, len);
}

static int t1f_xfer(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
		    size_t rx_size, size_t *rx_len, unsigned int wtx)
{
	struct t1f *f = ctx;
	u8 in[T1T_BLOCK_ROOM], out[T1T_BLOCK_ROOM];
	size_t n;
	u32 r;

	if (++f->steps > f->limit + 8 * f->injected)
		return -ENODEV;
	KUNIT_EXPECT_LE(f->test, tx_len, SCARD_T1_BLOCK_MAX);
	KUNIT_EXPECT_GE(f->test, tx_len, 4);
	KUNIT_EXPECT_TRUE(f->test, wtx >= 1 && wtx <= 255);
	if (tx_len > SCARD_T1_BLOCK_MAX || tx_len < 4)
		return -ENODEV;

	/* On the way to the card. */
	memcpy(in, tx, tx_len);
	r = t1t_rand(&f->seed);
	if (r % 100 < 3)
		return -ETIMEDOUT;
	if (r % 100 < 6)
		in[(r >> 8) % tx_len] ^= BIT((r >> 24) % 8);
	n = card_rx(&f->card, &f->seed, in, tx_len, out);

	/* On the way back. */
	r = t1t_rand(&f->seed);
	switch (r % 100) {
	case 0 ... 2:
		return -ETIMEDOUT;
	case 3 ... 4:
		memcpy(rx, out, min(n, rx_size));
		*rx_len = min(n, rx_size);
		return -EBADMSG;
	case 5 ... 7:
		out[(r >> 8) % n] ^= BIT((r >> 24) % 8);
		break;
	case 8:
		n = (r >> 8) % n;
		break;
	case 9:
		out[n++] = r >> 8;
		break;
	case 10 ... 24:
		if (f->garbage)
			n = t1f_random_block(f, out);
		break;
	}
	if (n > rx_size)
		return -EMSGSIZE;
	memcpy(rx, out, n);
	*rx_len = n;
	return 0;
}

static const struct scard_t1_ops t1f_ops = {
	.xfer = t1f_xfer,
};

/* A reset of the card with random parameters. */
static void t1f_reset(struct t1f *f)
{
	static const u8 ifs[] = { T1F_MIN_IFS, 32, 64, 254 };
	struct t1f_card *c = &f->card;
	u32 r = t1t_rand(&f->seed);
	u8 ifsd = ifs[(r >> 2) % ARRAY_SIZE(ifs)];
	unsigned int violations;
	int ret;

	violations = c->violations;
	memset(c, 0, sizeof(*c));
	c->violations = violations;
	c->edc = r & 1 ? SCARD_T1_CRC : SCARD_T1_LRC;
	c->ifsc_atr = ifs[(r >> 4) % ARRAY_SIZE(ifs)];
	c->link = T1F_MIN_IFS + (r >> 8) % (255 - T1F_MIN_IFS);
	card_resynch(c);
	ret = scard_t1_init(f->t1, c->ifsc_atr, ifsd, c->edc,
			    r & 2 ? SCARD_T1_NO_IFS_REQUEST : 0);
	KUNIT_ASSERT_EQ(f->test, ret, 0);
	f->t1->nad = r & BIT(16) ? 0x12 : 0;
	c->nad = r & BIT(16) ? 0x21 : 0;
}

/*
 * Most blocks a transaction can take: per pass (the first and one after
 * each resynch) every progress (IFS exchange, link sent or received,
 * resynch) is followed by at most MAX_RETRIES + 1 blocks without progress,
 * and the card's S-requests are limited per transaction.
 */
static unsigned int t1f_bound(size_t cmd_len, size_t rsp_len)
{
	unsigned int tries = SCARD_T1_MAX_RETRIES + 1;
	unsigned int progress;

	progress = 2 + DIV_ROUND_UP(cmd_len, T1F_MIN_IFS) +
		   DIV_ROUND_UP(rsp_len, T1F_MIN_IFS) + 1;
	return (SCARD_T1_MAX_RESYNCH + 2) *
	       ((progress + 1) * (tries + 1) + tries) +
	       SCARD_T1_MAX_CARD_REQS + 1;
}

static void t1f_run(struct kunit *test, bool garbage, u32 seed)
{
	struct t1f *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int total = 0, xacts = 0, ok = 0, nospc = 0, most = 0;
	size_t cmd_len, size, rsp_len, exp_len, i;
	u8 *cmd, *rsp;
	u32 r;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	f->t1 = kunit_kzalloc(test, sizeof(*f->t1), GFP_KERNEL);
	cmd = kunit_kmalloc(test, T1F_CMD_MAX, GFP_KERNEL);
	rsp = kunit_kmalloc(test, T1F_RSP_SIZE + T1F_CANARY, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->t1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cmd);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rsp);
	f->test = test;
	f->seed = seed;
	f->garbage = garbage;
	t1f_reset(f);

	while (total < T1F_STEPS) {
		r = t1t_rand(&f->seed);
		if (!(r % 32) || scard_t1_needs_reset(f->t1))
			t1f_reset(f);
		cmd_len = r & BIT(5) ? 1 + (r >> 8) % T1F_CMD_MAX :
				       4 + (r >> 8) % 40;
		t1t_rand_bytes(&f->seed, cmd, cmd_len);
		exp_len = t1f_rsp_len(cmd, cmd_len);
		size = r & (BIT(6) | BIT(7)) ? T1F_RSP_SIZE :
					       (r >> 20) % (T1F_RSP_MAX + 1);
		memset(rsp, 0x5a, size + T1F_CANARY);

		f->steps = 0;
		f->injected = 0;
		f->limit = t1f_bound(cmd_len, exp_len);
		if (garbage)
			f->limit = 4 * f->limit;
		ret = scard_t1_transceive(f->t1, &t1f_ops, f, cmd, cmd_len,
					  rsp, size, &rsp_len);
		total += f->steps;
		most = max(most, f->steps);
		xacts++;

		KUNIT_ASSERT_LE_MSG(test, f->steps, f->limit + 8 * f->injected,
				    "transaction %u does not end", xacts);
		for (i = size; i < size + T1F_CANARY; i++)
			KUNIT_ASSERT_EQ(test, rsp[i], 0x5a);
		if (!ret) {
			KUNIT_ASSERT_LE(test, rsp_len, size);
			ok++;
		} else if (ret == -ENOSPC) {
			KUNIT_ASSERT_GT(test, rsp_len, size);
			nospc++;
		} else {
			KUNIT_ASSERT_EQ(test, rsp_len, 0);
		}
		if (garbage) {
			KUNIT_ASSERT_TRUE_MSG(test, !ret || ret == -ENOSPC ||
					      ret == -EPROTO || ret == -EIO ||
					      ret == -ECONNABORTED,
					      "transaction %u: %d", xacts, ret);
			continue;
		}

		KUNIT_ASSERT_TRUE_MSG(test, !ret || ret == -ENOSPC ||
				      ret == -EPROTO,
				      "transaction %u: %d", xacts, ret);
		KUNIT_ASSERT_EQ(test, f->card.violations, 0);
		if (ret == -EPROTO)
			continue;
		KUNIT_ASSERT_EQ(test, rsp_len, exp_len);
		for (i = 0; i < min(rsp_len, size); i++)
			KUNIT_ASSERT_EQ_MSG(test, rsp[i],
					    t1f_rsp_byte(cmd, cmd_len, i),
					    "transaction %u byte %zu", xacts, i);
		KUNIT_ASSERT_EQ(test, f->t1->rsp_nad, f->card.nad);
	}
	kunit_info(test, "%u blocks, %u transactions, %u complete, %u too big, at most %u blocks\n",
		   total, xacts, ok, nospc, most);
	KUNIT_EXPECT_GT(test, ok + nospc, garbage ? xacts / 4 : xacts / 2);
}

static void t1f_noise_test(struct kunit *test)
{
	t1f_run(test, false, 0x7816c0de);
}

static void t1f_garbage_test(struct kunit *test)
{
	t1f_run(test, true, 0x13239f00);
}

/* CRC and LRC against their check values and known blocks. */
static void t1f_edc_test(struct kunit *test)
{
	static const u8 ifs_lrc[] = { 0x00, 0xc1, 0x01, 0xfe, 0x3e };
	static const u8 ifs_crc[] = { 0x00, 0xc1, 0x01, 0xfe, 0xb1, 0xab };
	static const u8 t1t_check[] = "123456789";
	struct scard_t1 *t1;
	unsigned int wtx;
	const u8 *blk;
	u8 edc[2], ref[2];
	u8 buf[64];
	size_t len, i;
	u32 seed = 1;

	/* CRC-16 of ISO/IEC 13239 (X.25): check value 0x906e. */
	KUNIT_EXPECT_EQ(test, scard_t1_compute_edc(SCARD_T1_CRC, t1t_check,
						   9, edc), 2);
	KUNIT_EXPECT_EQ(test, edc[0], 0x6e);
	KUNIT_EXPECT_EQ(test, edc[1], 0x90);
	KUNIT_EXPECT_EQ(test, t1t_fcs16(t1t_check, 9), 0x906e);
	KUNIT_EXPECT_EQ(test, scard_t1_compute_edc(SCARD_T1_LRC, ifs_lrc, 4,
						   edc), 1);
	KUNIT_EXPECT_EQ(test, edc[0], 0x3e);

	/* Over a block and its FCS, the register keeps the HDLC residue. */
	KUNIT_EXPECT_EQ(test, (u16)~t1t_fcs16(ifs_crc, sizeof(ifs_crc)),
			0xf0b8);

	/* The first block after reset: S(IFS request) offering 254. */
	t1 = kunit_kzalloc(test, sizeof(*t1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t1);
	KUNIT_ASSERT_EQ(test, scard_t1_init(t1, 32, 254, SCARD_T1_LRC, 0), 0);
	KUNIT_ASSERT_EQ(test, scard_t1_start(t1, NULL, 0, NULL, 0), 0);
	blk = scard_t1_tx_block(t1, &len, &wtx);
	KUNIT_EXPECT_EQ(test, len, sizeof(ifs_lrc));
	KUNIT_EXPECT_EQ(test, memcmp(blk, ifs_lrc, sizeof(ifs_lrc)), 0);
	KUNIT_ASSERT_EQ(test, scard_t1_init(t1, 32, 254, SCARD_T1_CRC, 0), 0);
	KUNIT_ASSERT_EQ(test, scard_t1_start(t1, NULL, 0, NULL, 0), 0);
	blk = scard_t1_tx_block(t1, &len, &wtx);
	KUNIT_EXPECT_EQ(test, len, sizeof(ifs_crc));
	KUNIT_EXPECT_EQ_MSG(test, memcmp(blk, ifs_crc, sizeof(ifs_crc)), 0,
			    "%*ph", (int)len, blk);

	/* Random data against the bitwise reference. */
	for (i = 0; i < 200; i++) {
		len = t1t_rand(&seed) % sizeof(buf);
		t1t_rand_bytes(&seed, buf, len);
		scard_t1_compute_edc(SCARD_T1_CRC, buf, len, edc);
		t1t_edc(SCARD_T1_CRC, buf, len, ref);
		KUNIT_EXPECT_EQ(test, memcmp(edc, ref, 2), 0);
		scard_t1_compute_edc(SCARD_T1_LRC, buf, len, edc);
		t1t_edc(SCARD_T1_LRC, buf, len, ref);
		KUNIT_EXPECT_EQ(test, edc[0], ref[0]);
	}
}

/* Parameter checks and the step API without scard_t1_transceive(). */
static void t1f_api_test(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x02 };
	u8 rx[SCARD_T1_BLOCK_MAX], rsp[4];
	struct scard_t1 *t1;
	unsigned int wtx;
	const u8 *blk;
	size_t len;

	t1 = kunit_kzalloc(test, sizeof(*t1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t1);
	KUNIT_EXPECT_EQ(test, scard_t1_init(t1, 0, 32, SCARD_T1_LRC, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_init(t1, 255, 32, SCARD_T1_LRC, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_init(t1, 32, 0, SCARD_T1_LRC, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_init(t1, 32, 255, SCARD_T1_LRC, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_init(t1, 32, 32, 2, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_init(t1, 32, 32, SCARD_T1_LRC, 2),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, scard_t1_init(t1, 1, 254, SCARD_T1_LRC,
					    SCARD_T1_NO_IFS_REQUEST), 0);

	/* No transaction. */
	KUNIT_EXPECT_NULL(test, scard_t1_tx_block(t1, &len, &wtx));
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_EQ(test, scard_t1_receive(t1, NULL, 0, -ETIMEDOUT, &len),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_start(t1, NULL, 1, rsp, sizeof(rsp)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_start(t1, cmd, 5, NULL, 1), -EINVAL);

	/* IFSC 1: one byte per link. */
	KUNIT_ASSERT_EQ(test, scard_t1_start(t1, cmd, 5, rsp, sizeof(rsp)), 0);
	blk = scard_t1_tx_block(t1, &len, &wtx);
	KUNIT_ASSERT_EQ(test, len, 5);
	KUNIT_EXPECT_EQ(test, blk[1], T1T_I(0, 1));
	KUNIT_EXPECT_EQ(test, blk[2], 1);
	KUNIT_EXPECT_EQ(test, blk[3], cmd[0]);
	KUNIT_EXPECT_EQ(test, wtx, 1);
	len = t1t_block(rx, SCARD_T1_LRC, 0, T1T_R(1, 0), 0);
	KUNIT_EXPECT_EQ(test, scard_t1_receive(t1, rx, len, 0, &len), 1);
	blk = scard_t1_tx_block(t1, &len, &wtx);
	KUNIT_EXPECT_EQ(test, blk[1], T1T_I(1, 1));
	KUNIT_EXPECT_EQ(test, blk[3], cmd[1]);

	/* Abandoned: the next transaction starts with S(RESYNCH request). */
	KUNIT_ASSERT_EQ(test, scard_t1_start(t1, cmd, 5, rsp, sizeof(rsp)), 0);
	blk = scard_t1_tx_block(t1, &len, &wtx);
	KUNIT_EXPECT_EQ(test, blk[1], S_RES_REQ);
	len = t1t_block(rx, SCARD_T1_LRC, 0, S_RES_RSP, 0);
	KUNIT_EXPECT_EQ(test, scard_t1_receive(t1, rx, len, 0, &len), 1);
	blk = scard_t1_tx_block(t1, &len, &wtx);
	KUNIT_EXPECT_EQ(test, blk[1], T1T_I(0, 1));
	KUNIT_EXPECT_EQ(test, blk[3], cmd[0]);

	/* An empty command is one empty I-block. */
	KUNIT_ASSERT_EQ(test, scard_t1_init(t1, 32, 32, SCARD_T1_LRC,
					    SCARD_T1_NO_IFS_REQUEST), 0);
	KUNIT_ASSERT_EQ(test, scard_t1_start(t1, NULL, 0, rsp, sizeof(rsp)), 0);
	blk = scard_t1_tx_block(t1, &len, &wtx);
	KUNIT_EXPECT_EQ(test, len, 4);
	KUNIT_EXPECT_EQ(test, blk[1], T1T_I(0, 0));
	KUNIT_EXPECT_EQ(test, blk[2], 0);
	rx[3] = 0x90;
	rx[4] = 0x00;
	len = t1t_block(rx, SCARD_T1_LRC, 0, T1T_I(0, 0), 2);
	KUNIT_EXPECT_EQ(test, scard_t1_receive(t1, rx, len, 0, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_EQ(test, rsp[0], 0x90);
	KUNIT_EXPECT_NULL(test, scard_t1_tx_block(t1, &len, &wtx));
}

static struct kunit_case scard_t1_fuzz_test_cases[] = {
	KUNIT_CASE(t1f_edc_test),
	KUNIT_CASE(t1f_api_test),
	KUNIT_CASE(t1f_noise_test),
	KUNIT_CASE(t1f_garbage_test),
	{}
};

static struct kunit_suite scard_t1_fuzz_test_suite = {
	.name = "scard_t1_fuzz",
	.test_cases = scard_t1_fuzz_test_cases,
};

kunit_test_suite(scard_t1_fuzz_test_suite);

MODULE_DESCRIPTION("KUnit tests for the scard T=1 engine on a noisy line");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
