// SPDX-License-Identifier: GPL-2.0
/*
 * scard: answer-to-reset parser (ISO/IEC 7816-3:2006, clause 8).
 *
 * An ATR is TS T0 {TAi TBi TCi TDi}... T1..TK [TCK]. The high nibble of T0
 * and of each TDi tells which of the four interface bytes of the next group
 * follow; the low nibble of TDi names the protocol T the next group belongs
 * to. The bytes of groups 1 and 2 are global; from group 3 on they are
 * specific to the protocol named by the TD that announced the group. The
 * low nibble of T0 is the number K of historical bytes.
 *
 * The parser reads the ATR from a private copy, one byte at a time with a
 * bounds check before each read, and fills a private scard_card_caps that
 * only reaches the caller when the whole ATR has been found valid.
 */

#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/bitrev.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/scard_proto.h>

/* Initial character: direct or (decoded) inverse convention. */
#define ATR_TS_DIRECT		0x3b
#define ATR_TS_INVERSE		0x3f
/* TS of an inverse convention card received as direct convention bytes. */
#define ATR_TS_INVERSE_RAW	0x03

/* Y bits, high nibble of T0 and TDi: interface bytes of the next group. */
#define ATR_Y_TA		BIT(4)
#define ATR_Y_TB		BIT(5)
#define ATR_Y_TC		BIT(6)
#define ATR_Y_TD		BIT(7)
#define ATR_Y_MASK		0xf0
#define ATR_LOW_MASK		0x0f

/* TA2, specific mode byte. */
#define ATR_TA2_IMPLICIT	BIT(4)
#define ATR_TA2_FIXED		BIT(7)

/* Protocol numbers in TDi. */
#define ATR_T0			0
#define ATR_T1			1
#define ATR_T15			15	/* global bytes, not a protocol */

#define ATR_BWI_MAX		9
#define ATR_T1_EDC_CRC		BIT(0)
#define ATR_T15_XI_SHIFT	6
#define ATR_T15_UI_MASK		0x3f

/* ISO/IEC 7816-3:2006 table 7, indexed by Fl; 0 marks an RFU value. */
static const u16 scard_fi_table[16] = {
	372, 372, 558, 744, 1116, 1488, 1860, 0,
	0, 512, 768, 1024, 1536, 2048, 0, 0,
};

/* Same table, fmax in kHz. */
static const u16 scard_fmax_table[16] = {
	4000, 5000, 6000, 8000, 12000, 16000, 20000, 0,
	0, 5000, 7500, 10000, 15000, 20000, 0, 0,
};

/* ISO/IEC 7816-3:2006 table 8, indexed by Dl; 0 marks an RFU value. */
static const u8 scard_di_table[16] = {
	0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0,
};

/**
 * scard_fi_value() - clock rate conversion integer for an Fi index
 * @fl: Fi index, the high nibble of TA1
 *
 * Context: Any context.
 * Return: Fi (372 to 2048), or 0 if @fl is reserved for future use or
 * out of range.
 */
unsigned int scard_fi_value(unsigned int fl)
{
	return fl < ARRAY_SIZE(scard_fi_table) ? scard_fi_table[fl] : 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_fi_value);

/**
 * scard_di_value() - baud rate adjustment integer for a Di index
 * @dl: Di index, the low nibble of TA1
 *
 * Di index 7 gives D = 64, as defined by ISO/IEC 7816-3:2006 (older
 * editions left it reserved).
 *
 * Context: Any context.
 * Return: Di (1 to 64), or 0 if @dl is reserved for future use or out of
 * range.
 */
unsigned int scard_di_value(unsigned int dl)
{
	return dl < ARRAY_SIZE(scard_di_table) ? scard_di_table[dl] : 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_di_value);

/**
 * scard_fmax_khz() - highest clock frequency allowed for an Fi index
 * @fl: Fi index, the high nibble of TA1
 *
 * Context: Any context.
 * Return: fmax in kHz (4000 to 20000), or 0 if @fl is reserved for future
 * use or out of range.
 */
unsigned int scard_fmax_khz(unsigned int fl)
{
	return fl < ARRAY_SIZE(scard_fmax_table) ? scard_fmax_table[fl] : 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_fmax_khz);

/*
 * struct scard_atr_parser - state of one parse
 * @buf, @len, @pos: the (decoded) ATR and the next byte to read
 * @caps: where the results go (a private copy, see scard_atr_parse())
 * @t1_ta, @t1_tb, @t1_tc, @t15_ta, @t15_tb: the first byte of that kind
 *	for T=1 / T=15 has been seen; later ones are ignored
 */
struct scard_atr_parser {
	const u8 *buf;
	size_t len;
	size_t pos;
	struct scard_card_caps *caps;
	bool t1_ta;
	bool t1_tb;
	bool t1_tc;
	bool t15_ta;
	bool t15_tb;
};

/* One group of interface bytes; only those whose Y bit is set exist. */
struct scard_atr_group {
	unsigned int i;		/* group number, from 1 */
	unsigned int t;		/* protocol of the group (i >= 3) */
	u8 y;
	u8 ta;
	u8 tb;
	u8 tc;
	u8 td;
};

static int scard_atr_read(struct scard_atr_parser *p, u8 *byte)
{
	if (p->pos >= p->len)
		return -EMEDIUMTYPE;
	*byte = p->buf[p->pos++];
	return 0;
}

static int scard_atr_read_group(struct scard_atr_parser *p,
				struct scard_atr_group *g)
{
	if ((g->y & ATR_Y_TA) && scard_atr_read(p, &g->ta))
		return -EMEDIUMTYPE;
	if ((g->y & ATR_Y_TB) && scard_atr_read(p, &g->tb))
		return -EMEDIUMTYPE;
	if ((g->y & ATR_Y_TC) && scard_atr_read(p, &g->tc))
		return -EMEDIUMTYPE;
	if ((g->y & ATR_Y_TD) && scard_atr_read(p, &g->td))
		return -EMEDIUMTYPE;
	return 0;
}

/* Group 1: TA1 = Fi/Di, TB1 = VPP (deprecated, ignored), TC1 = N. */
static int scard_atr_global1(struct scard_atr_parser *p,
			     const struct scard_atr_group *g)
{
	struct scard_card_caps *caps = p->caps;

	if (g->y & ATR_Y_TA) {
		caps->fl = g->ta >> 4;
		caps->dl = g->ta & ATR_LOW_MASK;
		if (!scard_fi_value(caps->fl) || !scard_di_value(caps->dl))
			return -EMEDIUMTYPE;
	}
	if (g->y & ATR_Y_TC)
		caps->n = g->tc;
	return 0;
}

/*
 * Group 2: TA2 = specific mode, TB2 = VPP (deprecated, ignored),
 * TC2 = WI of T=0 (0 is RFU).
 */
static int scard_atr_global2(struct scard_atr_parser *p,
			     const struct scard_atr_group *g)
{
	struct scard_card_caps *caps = p->caps;

	if (g->y & ATR_Y_TA) {
		caps->specific = true;
		caps->implicit = g->ta & ATR_TA2_IMPLICIT;
		caps->mode_fixed = g->ta & ATR_TA2_FIXED;
		switch (g->ta & ATR_LOW_MASK) {
		case ATR_T0:
			caps->selected = SCARD_PROTO_T0;
			break;
		case ATR_T1:
			caps->selected = SCARD_PROTO_T1;
			break;
		default:
			caps->selected = SCARD_PROTO_UNDEFINED;
			break;
		}
	}
	if (g->y & ATR_Y_TC) {
		if (!g->tc)
			return -EMEDIUMTYPE;
		caps->wi = g->tc;
	}
	return 0;
}

/* Groups 3 and up of T=1: first TA = IFSC, TB = BWI/CWI, TC = EDC. */
static int scard_atr_t1(struct scard_atr_parser *p,
			const struct scard_atr_group *g)
{
	struct scard_card_caps *caps = p->caps;

	if ((g->y & ATR_Y_TA) && !p->t1_ta) {
		if (!g->ta)
			return -EMEDIUMTYPE;
		/*
		 * 255 is RFU, but cards in the field send it: take it as
		 * 254, the largest IFSC ISO defines, so that no block sent
		 * is longer than the card can have meant.
		 */
		caps->ifsc = min_t(u8, g->ta, SCARD_T1_IFS_MAX);
		p->t1_ta = true;
	}
	if ((g->y & ATR_Y_TB) && !p->t1_tb) {
		caps->bwi = g->tb >> 4;
		caps->cwi = g->tb & ATR_LOW_MASK;
		if (caps->bwi > ATR_BWI_MAX)
			return -EMEDIUMTYPE;
		p->t1_tb = true;
	}
	if ((g->y & ATR_Y_TC) && !p->t1_tc) {
		caps->edc = g->tc & ATR_T1_EDC_CRC;
		p->t1_tc = true;
	}
	return 0;
}

/* Groups 3 and up of T=15: first TA = clock stop and class, TB = SPU. */
static void scard_atr_t15(struct scard_atr_parser *p,
			  const struct scard_atr_group *g)
{
	struct scard_card_caps *caps = p->caps;

	if ((g->y & ATR_Y_TA) && !p->t15_ta) {
		caps->clock_stop = g->ta >> ATR_T15_XI_SHIFT;
		caps->classes = g->ta & ATR_T15_UI_MASK;
		p->t15_ta = true;
	}
	if ((g->y & ATR_Y_TB) && !p->t15_tb) {
		caps->spu = g->tb;
		p->t15_tb = true;
	}
}

static int scard_atr_group(struct scard_atr_parser *p,
			   const struct scard_atr_group *g)
{
	if (g->i == 1)
		return scard_atr_global1(p, g);
	if (g->i == 2)
		return scard_atr_global2(p, g);

	switch (g->t) {
	case ATR_T1:
		return scard_atr_t1(p, g);
	case ATR_T15:
		scard_atr_t15(p, g);
		return 0;
	default:
		/* T=0 defines no bytes after group 2; others are unknown. */
		return 0;
	}
}

/* Parse T0 up to the end; TS has been checked and decoded by the caller. */
static int scard_atr_scan(struct scard_atr_parser *p)
{
	struct scard_card_caps *caps = p->caps;
	struct scard_atr_group g = { .i = 1 };
	u16 offered = 0;	/* bit T set for each protocol T in a TDi */
	u8 t0, check = 0;
	size_t k, i;
	int ret;

	p->pos = 1;
	if (scard_atr_read(p, &t0))
		return -EMEDIUMTYPE;
	g.y = t0 & ATR_Y_MASK;
	k = t0 & ATR_LOW_MASK;

	/* Each turn reads at least TD, so the ATR length bounds the chain. */
	for (;;) {
		ret = scard_atr_read_group(p, &g);
		if (ret)
			return ret;
		ret = scard_atr_group(p, &g);
		if (ret)
			return ret;
		if (!(g.y & ATR_Y_TD))
			break;
		offered |= BIT(g.td & ATR_LOW_MASK);
		g = (struct scard_atr_group) {
			.i = g.i + 1,
			.t = g.td & ATR_LOW_MASK,
			.y = g.td & ATR_Y_MASK,
		};
	}

	/* Without TD1 the card offers T=0 only. */
	if (!offered)
		offered = BIT(ATR_T0);
	if (offered & BIT(ATR_T0))
		caps->protocols |= SCARD_PROTO_T0;
	if (offered & BIT(ATR_T1))
		caps->protocols |= SCARD_PROTO_T1;
	/* A card in specific mode offers the protocol it is fixed to. */
	caps->protocols |= caps->selected;

	if (p->len - p->pos < k)
		return -EMEDIUMTYPE;
	memcpy(caps->hist, p->buf + p->pos, k);
	caps->hist_len = k;
	p->pos += k;

	/* TCK is present unless T=0 is the only protocol indicated. */
	if (offered & ~BIT(ATR_T0)) {
		u8 tck;

		if (scard_atr_read(p, &tck))
			return -EMEDIUMTYPE;
		for (i = 1; i < p->pos; i++)
			check ^= p->buf[i];
		if (check)
			return -EMEDIUMTYPE;
		caps->tck_present = true;
	}

	if (p->pos != p->len)
		return -EMEDIUMTYPE;
	return 0;
}

static void scard_atr_defaults(struct scard_card_caps *caps, u8 ifsd)
{
	memset(caps, 0, sizeof(*caps));
	caps->selected = SCARD_PROTO_UNDEFINED;
	caps->fl = SCARD_ATR_DEFAULT_FL;
	caps->dl = SCARD_ATR_DEFAULT_DL;
	caps->wi = SCARD_ATR_DEFAULT_WI;
	caps->ifsc = SCARD_ATR_DEFAULT_IFSC;
	caps->cwi = SCARD_ATR_DEFAULT_CWI;
	caps->bwi = SCARD_ATR_DEFAULT_BWI;
	caps->classes = SCARD_VCC_CLASS_A;
	if (ifsd && ifsd <= SCARD_T1_IFS_MAX)
		caps->ifsd = ifsd;
	else
		caps->ifsd = SCARD_ATR_DEFAULT_IFSD;
}

/**
 * scard_atr_parse() - parse an answer to reset (ISO/IEC 7816-3:2006)
 * @caps: card capabilities to fill in
 * @atr: the ATR as received from the card; may point into @caps->atr
 * @len: number of bytes in @atr
 *
 * Checks the structure of the whole ATR and fills @caps with what the card
 * announces, defaults for what it leaves out.
 *
 * TS: 0x3B is a direct convention card, 0x3F an inverse convention card
 * whose bytes the reader has already decoded, and 0x03 an inverse
 * convention card read by a UART in direct convention: every byte is then
 * decoded (bit order reversed and complemented) before parsing. In both
 * inverse cases @caps->inverse is set and @caps->atr holds the decoded ATR
 * (TS = 0x3F). Any other TS (0x23, for instance, a direct convention card
 * read in inverse convention) is rejected.
 *
 * Interface bytes: a TDi chain of any length is followed. TA1 gives the Fi
 * and Di indexes (Di index 7, D = 64, is accepted), TC1 the extra guard time
 * N, TA2 the specific mode (@caps->selected is set to the protocol of TA2,
 * or SCARD_PROTO_UNDEFINED if that is neither T=0 nor T=1;
 * @caps->implicit and @caps->mode_fixed record bits 5 and 8; the parser
 * keeps the TA1 values in @caps->fl and @caps->dl in both cases), TC2 the
 * T=0 waiting time integer. TB1 and TB2 (VPP) are deprecated and ignored.
 * The T=1 parameters come from the first TA, TB and TC of the groups i >= 3
 * announced by a TD(i-1) naming T=1, never from TA2, TB2 or TC2, which are
 * global. The first TA and TB for T=15 are recorded in @caps->clock_stop,
 * @caps->classes and @caps->spu.
 *
 * Protocols: @caps->protocols has the T=0 and T=1 bits of the protocols the
 * TDi announce (T=0 alone if there is no TD1), plus the TA2 protocol in
 * specific mode. T=15 only marks global bytes and other protocols are
 * unknown to the library: an ATR that offers no T=0 and no T=1 (a TD1 naming
 * T=15, which ISO forbids but is tolerated, or T=14 only) parses
 * successfully with @caps->protocols = 0, which leaves raw exchanges only.
 *
 * Rejected as malformed: @len < 2 or > SCARD_ATR_MAX, bad TS, an ATR that
 * ends early or has bytes after the historical bytes and TCK, a missing or
 * wrong TCK (XOR of T0 to TCK must be 0 when a TDi names a protocol other
 * than T=0) or a TCK when only T=0 is offered, RFU Fi or Di, TC2 = 0 (RFU),
 * IFSC 0, BWI > 9. IFSC 255 (RFU, but sent by cards in the field) is taken
 * as 254.
 *
 * On success every field of @caps is overwritten except @caps->ifsd, which
 * is kept when it is 1..254 and set to 32 otherwise, and @caps->parsed is
 * set. On failure @caps describes an unknown card: @caps->atr and
 * @caps->atr_len hold the bytes as received (nothing if longer than
 * SCARD_ATR_MAX), @caps->protocols is 0, @caps->parsed is false,
 * @caps->ifsd follows the rule above and every other field has its default
 * value.
 *
 * Context: Any context. The caller serialises access to @caps.
 * Return: 0 on success, -EMEDIUMTYPE if the ATR is not a valid ISO/IEC
 * 7816-3 ATR.
 */
int scard_atr_parse(struct scard_card_caps *caps, const u8 *atr, size_t len)
{
	struct scard_card_caps res;
	struct scard_atr_parser p = { .caps = &res };
	u8 buf[SCARD_ATR_MAX];
	size_t i;

	scard_atr_defaults(&res, caps->ifsd);
	if (len < 2 || len > SCARD_ATR_MAX)
		goto invalid;

	memcpy(buf, atr, len);
	switch (buf[0]) {
	case ATR_TS_INVERSE_RAW:
		for (i = 0; i < len; i++)
			buf[i] = bitrev8(~buf[i]);
		fallthrough;
	case ATR_TS_INVERSE:
		res.inverse = true;
		break;
	case ATR_TS_DIRECT:
		break;
	default:
		goto invalid;
	}

	p.buf = buf;
	p.len = len;
	if (scard_atr_scan(&p))
		goto invalid;

	memcpy(res.atr, buf, len);
	res.atr_len = len;
	res.parsed = true;
	*caps = res;
	return 0;

invalid:
	/* Drop whatever the scan had filled in before it failed. */
	scard_atr_defaults(&res, caps->ifsd);
	if (len && len <= SCARD_ATR_MAX) {
		memcpy(res.atr, atr, len);
		res.atr_len = len;
	}
	*caps = res;
	return -EMEDIUMTYPE;
}
EXPORT_SYMBOL_IF_KUNIT(scard_atr_parse);
