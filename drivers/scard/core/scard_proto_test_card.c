// SPDX-License-Identifier: GPL-2.0
/*
 * The fake reader and card of the scard protocol glue KUnit suites, and
 * the requests that drive them.
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "scard_proto_test.h"

#define PROC_NULL		0x60
#define PROC_BAD	0x42

/* The T=0 card's EF (READ BINARY) and FCI (GET RESPONSE after SELECT). */
static const u8 pt_file[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const u8 pt_fci[4] = { 0xde, 0xad, 0xbe, 0xef };

static struct device *pt_parent;

/* proto.c's timeout for a TPDU level xfer. */
static u64 pt_xfer_ns(const struct scard_timing *t, u64 wait_ns, size_t tx,
		      size_t rx)
{
	u64 char_ns = 12 * t->etu_ns;

	return wait_ns + tx * max(t->gt_ns, char_ns) + rx * char_ns +
		PT_SLACK_NS;
}

static void pt_check(struct pt *p, u64 got, u64 want)
{
	if (!p->expect)
		return;
	KUNIT_EXPECT_EQ(p->test, got, want);
	p->checks++;
}

/* The link the reader must be given from now on. */
void scard_pt_expect(struct pt *p, u32 protocol, u8 fl, u8 dl)
{
	KUNIT_ASSERT_EQ(p->test, scard_timing_compute(&p->t, &p->reader->card,
						      protocol, fl, dl,
						      PT_CLK), 0);
	p->expect = true;
}

/* The protocol a card in negotiable mode uses after its ATR. */
static bool pt_first_t1(const u8 *atr)
{
	u8 y = atr[1];

	if (!(y & 0x80))
		return false;
	return (atr[2 + hweight8(y & 0x70)] & 0x0f) == 1;
}

static void pt_card_reset(struct pt *p)
{
	p->t1 = pt_first_t1(p->atr);
	p->fresh = true;
	p->wtx_done = false;
	p->card_ns = 0;
	p->card_ifsd = SCARD_T1_IFSD_DEFAULT;
	p->cmd_len = 0;
	p->rsp_len = 0;
	p->rsp_off = 0;
	p->last_len = 0;
	p->pending = 0;
	p->in = IN_IDLE;
	p->in_len = 0;
	p->out_len = 0;
	p->out_off = 0;
	p->pps_rx = false;
	p->t1_rest = false;
	p->wtx_next = 1;
}

/* PPS */

static int pt_pps(struct pt *p, const u8 *req, size_t len, u8 *rsp,
		  size_t *rsp_len)
{
	enum pt_pps mode = p->pps[min(p->pps_count, 1)];

	KUNIT_EXPECT_TRUE(p->test, p->fresh);
	KUNIT_EXPECT_LE(p->test, len, SCARD_PPS_MAX);
	if (!p->pps_count)
		memcpy(p->pps_req, req, min_t(size_t, len, SCARD_PPS_MAX));
	p->pps_count++;
	p->fresh = false;
	*rsp_len = 0;
	if (p->mute || mode == PPS_SILENT)
		return -ETIMEDOUT;

	if (mode == PPS_NO_PPS1 && (req[1] & 0x10)) {
		rsp[0] = SCARD_PPSS;
		rsp[1] = req[1] & ~0x10;
		rsp[2] = rsp[0] ^ rsp[1];
		*rsp_len = 3;
	} else {
		memcpy(rsp, req, len);
		*rsp_len = len;
	}
	if (mode == PPS_GARBLE)
		rsp[*rsp_len - 1] ^= 0x5a;
	else
		p->t1 = (req[1] & 0x0f) == 1;

	return 0;
}

/* T=1 */

static size_t pt_t1_put(struct pt *p, u8 *out, u8 pcb, const u8 *inf,
			size_t n)
{
	/* The card answers with source and destination swapped. */
	out[0] = (p->nad & 0x07) << 4 | (p->nad >> 4 & 0x07);
	out[1] = pcb;
	out[2] = n;
	if (n)
		memcpy(out + 3, inf, n);
	n += 3;
	n += scard_t1_compute_edc(SCARD_T1_LRC, out, n, out + n);
	memcpy(p->last, out, n);
	p->last_len = n;

	return n;
}

/* The next I-block of the response, chained at the card's IFSD. */
static size_t pt_t1_answer(struct pt *p, u8 *out)
{
	size_t n = min_t(size_t, p->rsp_len - p->rsp_off, p->card_ifsd);
	bool more = p->rsp_off + n < p->rsp_len;
	size_t len;

	len = pt_t1_put(p, out, p->card_ns << 6 | (more ? 0x20 : 0),
			p->rsp + p->rsp_off, n);
	p->rsp_off += n;
	p->card_ns ^= 1;

	return len;
}

/* The card's answer to the reader's block: echo and 90 00. */
static int pt_t1_block(struct pt *p, const u8 *blk, size_t len, u8 *out,
		       size_t *out_len)
{
	struct kunit *test = p->test;
	u8 pcb, edc, n;

	*out_len = 0;
	p->fresh = false;
	if (len < 4 || len != 4 + blk[2]) {
		KUNIT_FAIL(test, "bad block %*ph", (int)min_t(size_t, len, 8),
			   blk);
		return -ETIMEDOUT;
	}
	n = blk[2];
	pcb = blk[1];
	scard_t1_compute_edc(SCARD_T1_LRC, blk, 3 + n, &edc);
	KUNIT_EXPECT_EQ(test, edc, blk[3 + n]);
	p->nad = blk[0];
	p->wtx_next = pcb == 0xe3 ? 3 : 1;
	if (p->mute)
		return -ETIMEDOUT;

	if (!(pcb & 0x80)) {
		if (p->cmd_len + n + 2 > sizeof(p->cmd)) {
			KUNIT_FAIL(test, "command too long");
			return -ETIMEDOUT;
		}
		memcpy(p->cmd + p->cmd_len, blk + 3, n);
		p->cmd_len += n;
		if (pcb & 0x20) {
			*out_len = pt_t1_put(p, out, 0x80 |
					     ((pcb >> 6 & 1) ^ 1) << 4,
					     NULL, 0);
			return 0;
		}
		memcpy(p->rsp, p->cmd, p->cmd_len);
		p->rsp[p->cmd_len] = 0x90;
		p->rsp[p->cmd_len + 1] = 0x00;
		p->rsp_len = p->cmd_len + 2;
		p->rsp_off = 0;
		p->cmd_len = 0;
		if (p->wtx && !p->wtx_done) {
			p->wtx_done = true;
			*out_len = pt_t1_put(p, out, 0xc3, (const u8[]){ 3 }, 1);
			return 0;
		}
		*out_len = pt_t1_answer(p, out);
		return 0;
	}

	switch (pcb) {
	case 0xc0:	/* S(RESYNCH request) */
		p->card_ns = 0;
		p->cmd_len = 0;
		*out_len = pt_t1_put(p, out, 0xe0, NULL, 0);
		return 0;
	case 0xc1:	/* S(IFS request) */
		p->ifs_reqs++;
		p->card_ifsd = n ? blk[3] : 0;
		*out_len = pt_t1_put(p, out, 0xe1, blk + 3, n);
		return 0;
	case 0xe3:	/* S(WTX response) */
		*out_len = pt_t1_answer(p, out);
		return 0;
	default:
		break;
	}
	if ((pcb & 0xc0) == 0x80) {
		/* R-block: the next part of a chained answer, or again. */
		if (p->rsp_off < p->rsp_len) {
			*out_len = pt_t1_answer(p, out);
		} else {
			memcpy(out, p->last, p->last_len);
			*out_len = p->last_len;
		}
		return 0;
	}
	KUNIT_FAIL(test, "unexpected block %*ph", (int)min_t(size_t, len, 8),
		   blk);
	return -ETIMEDOUT;
}

/* T=0 */

static bool pt_t0_takes_data(const u8 *hdr)
{
	return (hdr[1] == 0xa4 || hdr[1] == 0xd6) && hdr[4];
}

/* The card's answer to a command TPDU: data, SW1, SW2. */
static size_t pt_t0_app(struct pt *p, const u8 *tpdu, size_t len, u8 *rsp)
{
	size_t le = tpdu[4] ?: 256, n = 0;
	u16 sw = 0x9000;

	p->fresh = false;
	p->tpdus++;
	KUNIT_EXPECT_EQ(p->test, len, pt_t0_takes_data(tpdu) ?
			5 + tpdu[4] : 5);
	switch (tpdu[1]) {
	case 0xb0:	/* READ BINARY */
		if (le != sizeof(pt_file)) {
			sw = 0x6c00 | sizeof(pt_file);
			break;
		}
		n = sizeof(pt_file);
		memcpy(rsp, pt_file, n);
		break;
	case 0xa4:	/* SELECT: the FCI waits for GET RESPONSE */
		p->pending = sizeof(pt_fci);
		sw = 0x6100 | sizeof(pt_fci);
		break;
	case 0xc0:	/* GET RESPONSE */
		if (!p->pending) {
			sw = 0x6985;
		} else if (le != p->pending) {
			sw = 0x6c00 | p->pending;
		} else {
			n = p->pending;
			memcpy(rsp, pt_fci, n);
			p->pending = 0;
		}
		break;
	case 0xd6:	/* UPDATE BINARY */
		break;
	default:
		sw = 0x6d00;
		break;
	}
	rsp[n++] = sw >> 8;
	rsp[n++] = sw & 0xff;

	return n;
}

/* Character level */

static void pt_out(struct pt *p, const u8 *b, size_t n)
{
	if (p->out_len + n > sizeof(p->out)) {
		KUNIT_FAIL(p->test, "card output overflow");
		return;
	}
	memcpy(p->out + p->out_len, b, n);
	p->out_len += n;
}

static void pt_out1(struct pt *p, u8 b)
{
	pt_out(p, &b, 1);
}

static void pt_t0_proc(struct pt *p, u8 b)
{
	if (p->ack == ACK_NULL)
		pt_out1(p, PROC_NULL);
	pt_out1(p, p->ack == ACK_BAD ? PROC_BAD : b);
}

/* A whole TPDU came: answer it with procedure bytes. */
static void pt_t0_run(struct pt *p)
{
	u8 ins = p->cmd[1];
	size_t n, i;

	n = pt_t0_app(p, p->cmd, p->cmd_len, p->rsp);
	p->cmd_len = 0;
	p->in = IN_IDLE;
	if (n > 2 && p->ack == ACK_ONE) {
		for (i = 0; i < n - 2; i++) {
			pt_t0_proc(p, ~ins);
			pt_out1(p, p->rsp[i]);
		}
	} else if (n > 2) {
		pt_t0_proc(p, ins);
		pt_out(p, p->rsp, n - 2);
	}
	if (p->ack == ACK_NULL)
		pt_out1(p, PROC_NULL);
	pt_out(p, p->rsp + n - 2, 2);
}

static void pt_t0_char(struct pt *p, u8 b)
{
	u8 ins;

	p->cmd[p->cmd_len++] = b;
	if (p->cmd_len < 5)
		return;
	ins = p->cmd[1];
	if (p->cmd_len == 5 && pt_t0_takes_data(p->cmd))
		pt_t0_proc(p, p->ack == ACK_ONE ? ~ins : ins);
	else if (p->cmd_len == 5u + (pt_t0_takes_data(p->cmd) ? p->cmd[4] : 0))
		pt_t0_run(p);
	else if (p->ack == ACK_ONE)
		pt_t0_proc(p, ~ins);
}

static void pt_char_in(struct pt *p, u8 b)
{
	u8 buf[SCARD_T1_BLOCK_MAX];
	size_t n;

	if (p->mute)
		return;
	if (p->in == IN_IDLE) {
		if (p->fresh && b == SCARD_PPSS)
			p->in = IN_PPS;
		else
			p->in = p->t1 ? IN_T1 : IN_T0;
		p->in_len = 0;
	}
	if (p->in == IN_T0) {
		p->fresh = false;
		pt_t0_char(p, b);
		return;
	}
	if (p->in_len >= sizeof(p->in_buf)) {
		KUNIT_FAIL(p->test, "card input overflow");
		return;
	}
	p->in_buf[p->in_len++] = b;

	if (p->in == IN_PPS) {
		if (p->in_len == 2)
			p->in_need = 3 + hweight8(b & 0x70);
		if (p->in_len < 2 || p->in_len < p->in_need)
			return;
		p->in = IN_IDLE;
		p->pps_rx = true;
		p->pps_first = true;
		if (!pt_pps(p, p->in_buf, p->in_len, buf, &n))
			pt_out(p, buf, n);
		return;
	}

	if (p->in_len < 3 || p->in_len < 4u + p->in_buf[2])
		return;
	p->in = IN_IDLE;
	if (!pt_t1_block(p, p->in_buf, p->in_len, buf, &n))
		pt_out(p, buf, n);
}

/* The reader */

static void pt_send(struct scard_reader *reader, const u8 *buf, size_t len)
{
	struct pt *p = scard_get_drvdata(reader);
	size_t i;

	for (i = 0; i < len; i++)
		pt_char_in(p, buf[i]);
}

static int pt_recv(struct scard_reader *reader, u8 *buf, size_t len,
		   size_t *got, u64 first_ns, u64 next_ns)
{
	struct pt *p = scard_get_drvdata(reader);
	const struct scard_timing *t = &p->t;
	size_t n = min(len, p->out_len - p->out_off);
	bool t1 = false;
	u64 iwt;

	p->recvs++;
	if (p->pps_rx) {
		iwt = scard_timing_initial_wt_ns(PT_CLK);
		KUNIT_EXPECT_EQ(p->test, first_ns, iwt);
		KUNIT_EXPECT_EQ(p->test, next_ns, iwt);
		if (p->pps_first)
			KUNIT_EXPECT_EQ(p->test, len, 2);
		p->pps_first = false;
		p->checks++;
	} else if (p->t1 && !p->t1_rest) {
		pt_check(p, first_ns, scard_timing_bwt_wtx_ns(t, p->wtx_next));
		pt_check(p, next_ns, t->cwt_ns);
		t1 = true;
	} else if (p->t1) {
		pt_check(p, first_ns, t->cwt_ns);
		pt_check(p, next_ns, t->cwt_ns);
		t1 = true;
	} else {
		pt_check(p, first_ns, t->wt_ns);
		pt_check(p, next_ns, t->wt_ns);
	}

	memcpy(buf, p->out + p->out_off, n);
	p->out_off += n;
	*got = n;
	if (p->out_off == p->out_len) {
		p->out_off = 0;
		p->out_len = 0;
		p->pps_rx = false;
	}
	if (t1)
		p->t1_rest = !p->t1_rest && n == len;

	return n < len ? -ETIMEDOUT : 0;
}

/* A character level turn: the card takes @tx, then is read from. */
static int pt_transceive(struct scard_reader *reader, const u8 *tx,
			 size_t tx_len, u8 *rx, size_t rx_len,
			 size_t *got, u64 first_ns, u64 next_ns)
{
	pt_send(reader, tx, tx_len);

	return pt_recv(reader, rx, rx_len, got, first_ns, next_ns);
}

static int pt_xfer(struct scard_reader *reader, unsigned int kind,
		   const u8 *tx, size_t tx_len, u8 *rx, size_t rx_size,
		   size_t *rx_len, u64 timeout_ns)
{
	struct pt *p = scard_get_drvdata(reader);
	const struct scard_timing *t = &p->t;
	size_t n = 0, rx_chars;
	int ret = 0;

	p->xfers++;
	*rx_len = 0;
	if (kind == SCARD_XFER_PPS) {
		KUNIT_EXPECT_EQ(p->test, timeout_ns,
				scard_timing_initial_wt_ns(PT_CLK));
		p->checks++;
		ret = pt_pps(p, tx, tx_len, rx, &n);
	} else if (p->t1) {
		KUNIT_EXPECT_EQ(p->test, rx_size, SCARD_T1_BLOCK_MAX);
		ret = pt_t1_block(p, tx, tx_len, rx, &n);
		pt_check(p, timeout_ns,
			 pt_xfer_ns(t, scard_timing_bwt_wtx_ns(t, p->wtx_next),
				    tx_len, SCARD_T1_BLOCK_MAX));
	} else {
		KUNIT_EXPECT_GE(p->test, rx_size, SCARD_T0_RSP_MAX);
		rx_chars = 2 * (tx[4] ?: 256) + 3;
		pt_check(p, timeout_ns, pt_xfer_ns(t, t->wt_ns, tx_len,
						   rx_chars));
		if (p->mute)
			ret = -ETIMEDOUT;
		else
			n = pt_t0_app(p, tx, tx_len, rx);
	}
	*rx_len = n;

	return ret;
}

static int pt_set_params(struct scard_reader *reader, u32 protocol, u8 fl,
			 u8 dl, u32 clk_khz)
{
	struct pt *p = scard_get_drvdata(reader);

	p->params_calls++;
	p->p_protocol = protocol;
	p->p_fl = fl;
	p->p_dl = dl;
	p->p_clk = clk_khz;

	return 0;
}

static const struct scard_io_ops pt_tpdu_ops = {
	.xfer = pt_xfer,
	.set_params = pt_set_params,
};

static const struct scard_io_ops pt_char_ops = {
	.transceive = pt_transceive,
	.set_params = pt_set_params,
};

static int pt_power(struct scard_reader *reader, struct scard_request *req)
{
	struct pt *p = scard_get_drvdata(reader);

	p->power_calls++;
	pt_card_reset(p);
	if (req->minor == SCARD_POWER_DOWN)
		return 0;

	return scard_set_atr(reader, p->atr, p->atr_len);
}

static int pt_tracking(struct scard_reader *reader, struct scard_request *req)
{
	return 0;
}

/* Fixture */

/* Parameters: case i at TPDU level, then at character level. */
static struct pt_param pt_params[2 * PT_MAX_CASES];

const struct pt_param *scard_pt_param_next(const void *prev, size_t n)
{
	const struct pt_param *p = prev;
	size_t i = p ? p - pt_params + 1 : 0;

	if (i >= 2 * n || i >= ARRAY_SIZE(pt_params))
		return NULL;
	pt_params[i].level = i % 2 ? CHR : TPDU;
	pt_params[i].index = i / 2;

	return &pt_params[i];
}

const char *scard_pt_level_name(unsigned int level)
{
	return level == TPDU ? "TPDU" : "char";
}

int scard_pt_suite_init(struct kunit_suite *suite)
{
	pt_parent = __root_device_register(suite->name, NULL);

	return PTR_ERR_OR_ZERO(pt_parent);
}

void scard_pt_suite_exit(struct kunit_suite *suite)
{
	root_device_unregister(pt_parent);
}

int scard_pt_init(struct kunit *test)
{
	struct pt *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p->test = test;
	test->priv = p;

	return 0;
}

void scard_pt_exit(struct kunit *test)
{
	struct pt *p = test->priv;

	if (!p || !p->reader)
		return;
	scard_reader_unregister(p->reader);
	scard_reader_put(p->reader);
}

/* A registered reader at @level, the card powered with @atr. */
struct pt *scard_pt_start(struct kunit *test, unsigned int level, const u8 *atr,
			  size_t atr_len)
{
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };
	struct pt *p = test->priv;
	struct scard_reader *reader;

	reader = scard_reader_alloc(pt_parent);
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	p->reader = reader;
	scard_set_drvdata(reader, p);
	reader->reader_function[RDF_CARD_POWER] = pt_power;
	reader->reader_function[RDF_CARD_TRACKING] = pt_tracking;
	reader->reader_function[RDF_TRANSMIT] = scard_proto_transmit;
	reader->reader_function[RDF_SET_PROTOCOL] = scard_proto_set_protocol;
	reader->caps.protocols = TX;
	reader->caps.clk_default = PT_CLK;
	reader->caps.clk_max = PT_CLK;
	reader->caps.rate_default = 9600;
	reader->caps.rate_max = scard_data_rate_bps(1, 3, PT_CLK);
	reader->caps.max_ifsd = PT_IFSD;
	reader->caps.level = level;
	reader->io = level == TPDU ? &pt_tpdu_ops : &pt_char_ops;
	KUNIT_ASSERT_EQ(test, scard_reader_register(reader), 0);
	scard_card_event(reader, SCARD_CARD_PRESENT);

	p->atr = atr;
	p->atr_len = atr_len;
	KUNIT_ASSERT_EQ(test, scard_power(reader, &pw), 0);
	p->power_calls = 0;

	return p;
}

int scard_pt_set_protocol(struct pt *p, u32 mask)
{
	struct scard_protocol proto = { .mask = mask };

	return scard_set_protocol(p->reader, &proto);
}

int scard_pt_transmit(struct pt *p, u32 protocol, u32 flags, u8 nad, const u8 *cmd,
		      size_t len)
{
	struct scard_transmit x = {
		.protocol = protocol,
		.flags = flags,
		.send_len = len,
		.recv_len = sizeof(p->rx),
		.nad = nad,
	};
	int ret;

	ret = scard_transmit(p->reader, &x, cmd, p->rx);
	p->rx_len = ret ? 0 : x.recv_len;
	p->rx_nad = x.nad;

	return ret;
}

void scard_pt_expect_state(struct pt *p, unsigned int state, u32 protocol)
{
	unsigned int s;
	u32 proto;

	scard_read_state(p->reader, &s, &proto);
	KUNIT_EXPECT_EQ(p->test, s, state);
	KUNIT_EXPECT_EQ(p->test, proto, protocol);
}

void scard_pt_expect_rsp(struct pt *p, const u8 *rsp, size_t len)
{
	KUNIT_ASSERT_EQ(p->test, p->rx_len, len);
	KUNIT_EXPECT_EQ(p->test, memcmp(p->rx, rsp, len), 0);
}
