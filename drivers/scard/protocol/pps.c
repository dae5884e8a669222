// SPDX-License-Identifier: GPL-2.0
/*
 * scard: protocol and parameters selection (ISO/IEC 7816-3:2006, clause 9).
 *
 * A PPS request is PPSS PPS0 [PPS1] [PPS2] [PPS3] PCK: PPSS = FF, the low
 * nibble of PPS0 names the protocol T and its bits 5 to 7 announce PPS1 to
 * PPS3, PPS1 carries the proposed Fi and Di indexes like TA1, and PCK makes
 * the exclusive-or of all the bytes zero. The card answers with a response
 * of the same form that confirms the protocol and each parameter byte or
 * leaves it out (the default then applies).
 *
 * Parameters are chosen as smclib does, with one safety rule added (the
 * data rate never exceeds the one TA1 gives at the clock used): see
 * scard_pps_select().
 */

#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/scard.h>
#include <linux/scard_pps.h>
#include <linux/scard_timing.h>

#define PPS0_PPS1		BIT(4)
#define PPS0_PPS2		BIT(5)
#define PPS0_PPS3		BIT(6)
#define PPS0_RFU		BIT(7)
#define PPS0_OPT		(PPS0_PPS1 | PPS0_PPS2 | PPS0_PPS3)
#define PPS0_T			GENMASK(3, 0)
#define PPS_MIN			3	/* PPSS PPS0 PCK */

#define ATR_T0_POS		1
#define ATR_Y_TABC		GENMASK(6, 4)
#define ATR_Y_TD		BIT(7)
#define ATR_LOW			GENMASK(3, 0)

#define PPS_FL_NONE		0xff

/* Di indexes by decreasing D: 64, 32, 20, 16, 12, 8, 4, 2, 1. */
static const u8 pps_dl_desc[] = { 7, 6, 9, 5, 8, 4, 3, 2, 1 };

/* A reader's list of clocks or rates, or its {default, maximum} pair. */
struct pps_set {
	const u32 *v;
	unsigned int n;
	u32 pair[2];
};

static void pps_set_init(struct pps_set *s, const u32 *list,
			 unsigned int count, u32 dflt, u32 max)
{
	if (list && count) {
		s->v = list;
		s->n = count;
		return;
	}
	s->pair[0] = dflt;
	s->pair[1] = max;
	s->v = s->pair;
	s->n = ARRAY_SIZE(s->pair);
}

static bool pps_set_empty(const struct pps_set *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i])
			return false;
	return true;
}

/* Whether D * f / F is within 1 % of a rate of @rates. */
static bool pps_rate_ok(const struct pps_set *rates, unsigned int f,
			unsigned int d, u32 clk_khz)
{
	u64 have = (u64)d * clk_khz * 1000;	/* rate * F */
	unsigned int i;

	for (i = 0; i < rates->n; i++) {
		u64 want = (u64)rates->v[i] * f;
		u64 diff = have > want ? have - want : want - have;

		if (want && diff * 100 <= want)
			return true;
	}
	return false;
}

/*
 * The highest clock of @clocks up to @fmax at which Fi/Di indexes @fl/@dl
 * give a rate of @rates (any rate if @rates is NULL); 0 if none.
 */
static u32 pps_best_clock(const struct pps_set *clocks,
			  const struct pps_set *rates, unsigned int fl,
			  unsigned int dl, u32 fmax)
{
	unsigned int f = scard_fi_value(fl);
	unsigned int d = scard_di_value(dl);
	u32 best = 0, clk;
	unsigned int i;

	for (i = 0; i < clocks->n; i++) {
		clk = clocks->v[i];
		if (!clk || clk > fmax || clk <= best)
			continue;
		if (!rates || pps_rate_ok(rates, f, d, clk))
			best = clk;
	}
	return best;
}

/* The Fi index of the largest F below @below; the larger fmax on a tie. */
static unsigned int pps_next_fl(unsigned int below)
{
	unsigned int fl, f, best = PPS_FL_NONE, best_f = 0;

	for (fl = 0; fl <= ATR_LOW; fl++) {
		f = scard_fi_value(fl);
		if (!f || f >= below || f < best_f)
			continue;
		if (f > best_f || scard_fmax_khz(fl) > scard_fmax_khz(best)) {
			best = fl;
			best_f = f;
		}
	}
	return best;
}

static void pps_set_params(struct scard_pps *pps, unsigned int fl,
			   unsigned int dl, u32 clk_khz)
{
	pps->fl = fl;
	pps->dl = dl;
	pps->clk_khz = clk_khz;
	pps->rate_bps = scard_data_rate_bps(fl, dl, clk_khz);
}

/*
 * OPTIMAL: from TA1's F down, from TA1's D down, the highest clock up to
 * fmax whose rate the reader supports. A pair with a smaller F than TA1's
 * only takes a D that keeps the rate at or below TA1's at the same clock
 * (D / F <= Di / Fi), and fmax is the smaller of TA1's and the pair's.
 */
static bool pps_optimal(struct scard_pps *pps,
			const struct scard_card_caps *card,
			const struct pps_set *clocks,
			const struct pps_set *rates)
{
	unsigned int fi = scard_fi_value(card->fl);
	unsigned int di = scard_di_value(card->dl);
	unsigned int fl = card->fl, f, d, i;
	u32 fmax, clk;

	if (!fi || !di)
		return false;

	for (; fl != PPS_FL_NONE; fl = pps_next_fl(f)) {
		f = scard_fi_value(fl);
		fmax = min(scard_fmax_khz(card->fl), scard_fmax_khz(fl));
		for (i = 0; i < ARRAY_SIZE(pps_dl_desc); i++) {
			d = scard_di_value(pps_dl_desc[i]);
			if ((u64)d * fi > (u64)di * f)
				continue;
			clk = pps_best_clock(clocks, rates, fl, pps_dl_desc[i],
					     fmax);
			if (clk) {
				pps_set_params(pps, fl, pps_dl_desc[i], clk);
				return true;
			}
		}
	}
	return false;
}

/* Specific mode with explicit parameters: TA1's, nothing to negotiate. */
static void pps_specific(struct scard_pps *pps,
			 const struct scard_card_caps *card,
			 const struct pps_set *clocks,
			 const struct pps_set *rates, u32 dflt_clk)
{
	u32 fmax = scard_fmax_khz(card->fl);
	u32 clk;

	clk = pps_best_clock(clocks, rates, card->fl, card->dl, fmax);
	if (!clk)
		clk = pps_best_clock(clocks, NULL, card->fl, card->dl, fmax);
	pps_set_params(pps, card->fl, card->dl, clk ?: dflt_clk);
}

/*
 * The protocol a card in negotiable mode uses without PPS: the first one
 * its ATR offers (TD1's, or T=0 without TD1). 0 if that is not T=0 or
 * T=1, or the ATR is not at hand.
 */
static u32 pps_first_protocol(const struct scard_card_caps *card)
{
	unsigned int pos;
	u8 t0;

	if (card->atr_len <= ATR_T0_POS)
		return 0;
	t0 = card->atr[ATR_T0_POS];
	if (!(t0 & ATR_Y_TD))
		return SCARD_PROTO_T0;
	pos = ATR_T0_POS + 1 + hweight8(t0 & ATR_Y_TABC);
	if (pos >= card->atr_len)
		return 0;
	switch (card->atr[pos] & ATR_LOW) {
	case 0:
		return SCARD_PROTO_T0;
	case 1:
		return SCARD_PROTO_T1;
	default:
		return 0;
	}
}

/**
 * scard_pps_build() - build a PPS request
 * @buf: room for %SCARD_PPS_MAX bytes
 * @protocol: %SCARD_PROTO_T0 or %SCARD_PROTO_T1
 * @fl: Fi index to propose
 * @dl: Di index to propose
 *
 * PPSS = FF, PPS0 = T, with bit 5 set and PPS1 = @fl << 4 | @dl unless
 * both indexes are 1 (the defaults need no PPS1), then PCK. PPS2 and PPS3
 * are never sent.
 *
 * Context: Any context.
 * Return: the length of the request (3 or 4), or -EINVAL for another
 * protocol or an RFU index.
 */
int scard_pps_build(u8 *buf, u32 protocol, unsigned int fl, unsigned int dl)
{
	unsigned int len = 0, i;
	u8 pck = 0;

	if ((protocol != SCARD_PROTO_T0 && protocol != SCARD_PROTO_T1) ||
	    !scard_fi_value(fl) || !scard_di_value(dl))
		return -EINVAL;

	buf[len++] = SCARD_PPSS;
	buf[len++] = protocol == SCARD_PROTO_T1 ? 1 : 0;
	if (fl != SCARD_ATR_DEFAULT_FL || dl != SCARD_ATR_DEFAULT_DL) {
		buf[1] |= PPS0_PPS1;
		buf[len++] = fl << 4 | dl;
	}
	for (i = 0; i < len; i++)
		pck ^= buf[i];
	buf[len++] = pck;
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(scard_pps_build);

/**
 * scard_pps_select() - choose protocol and parameters for a card
 * @pps: the choice, filled in
 * @card: the card's capabilities, from its ATR
 * @reader: the reader's capabilities
 * @mask: the SET_PROTOCOL mask: %SCARD_PROTO_T0 and/or
 *	%SCARD_PROTO_T1, with %SCARD_PROTO_DEFAULT for the default
 *	parameters (%SCARD_PROTO_OPTIMAL, 0, otherwise)
 *
 * Protocol: one of @mask that the card offers and the reader runs (the
 * reader's &scard_reader_caps.protocols is honoured when it names T=0 or
 * T=1), T=1 when both qualify. A card in specific mode only has the
 * protocol of its TA2.
 *
 * Clocks and rates of the reader are its &scard_reader_caps.clk_list and
 * .rate_list, or the {default, maximum} pairs when a list is empty; zero
 * entries are ignored. A rate is supported when D * f / F is within 1 % of
 * one of them.
 *
 * Parameters:
 *
 * - %SCARD_PROTO_DEFAULT in @mask, or a card in specific mode with
 *   implicit parameters (TA2 bit 5): Fi and Di indexes 1 (Fd = 372,
 *   Dd = 1) and the reader's default clock.
 * - a card in specific mode with explicit parameters: TA1's indexes, at
 *   the highest clock up to TA1's fmax with a supported rate (or the
 *   highest clock up to fmax, or the default clock, when none gives one:
 *   the card leaves no choice).
 * - otherwise (OPTIMAL): F from TA1's down to 372 and, for each F, D from
 *   TA1's down to 1, the first pair with a clock of the reader up to fmax
 *   at which the rate is supported, the highest such clock. fmax is the
 *   smaller of those of TA1's Fi and of the F tried, and an F below TA1's
 *   only takes a D with D / F <= Di / Fi, so that the rate never exceeds
 *   the one TA1 announces at that clock. Without any such pair: the
 *   defaults as above.
 *
 * A PPS request (see scard_pps_build()) is prepared in @pps->req unless the
 * card is in specific mode, or the protocol is the first one the ATR offers
 * and the indexes are the defaults: the card uses those after its ATR.
 *
 * Context: Any context.
 * Return: 0, or -EOPNOTSUPP if no protocol of @mask qualifies.
 */
int scard_pps_select(struct scard_pps *pps,
		     const struct scard_card_caps *card,
		     const struct scard_reader_caps *reader, u32 mask)
{
	u32 want = mask & card->protocols & SCARD_PROTO_TX;
	struct pps_set clocks, rates;

	memset(pps, 0, sizeof(*pps));
	pps->dflt_clk_khz = reader->clk_default;
	if (reader->protocols & SCARD_PROTO_TX)
		want &= reader->protocols;
	pps_set_init(&clocks, reader->clk_list, reader->clk_count,
		     reader->clk_default, reader->clk_max);
	pps_set_init(&rates, reader->rate_list, reader->rate_count,
		     reader->rate_default, reader->rate_max);

	if (card->specific) {
		if (!(want & card->selected))
			return -EOPNOTSUPP;
		pps->protocol = card->selected;
		if (card->implicit || !scard_fi_value(card->fl) ||
		    !scard_di_value(card->dl))
			pps_set_params(pps, SCARD_ATR_DEFAULT_FL,
				       SCARD_ATR_DEFAULT_DL,
				       reader->clk_default);
		else
			pps_specific(pps, card, &clocks,
				     pps_set_empty(&rates) ? NULL : &rates,
				     reader->clk_default);
		return 0;
	}

	if (!want)
		return -EOPNOTSUPP;
	pps->protocol = want & SCARD_PROTO_T1 ? SCARD_PROTO_T1 :
						   SCARD_PROTO_T0;
	if ((mask & SCARD_PROTO_DEFAULT) ||
	    !pps_optimal(pps, card, &clocks, &rates))
		pps_set_params(pps, SCARD_ATR_DEFAULT_FL, SCARD_ATR_DEFAULT_DL,
			       reader->clk_default);

	if (pps->protocol != pps_first_protocol(card) ||
	    pps->fl != SCARD_ATR_DEFAULT_FL || pps->dl != SCARD_ATR_DEFAULT_DL)
		pps->req_len = scard_pps_build(pps->req, pps->protocol,
					       pps->fl, pps->dl);
	return 0;
}
EXPORT_SYMBOL_GPL(scard_pps_select);

/**
 * scard_pps_check() - check the card's PPS response
 * @pps: the choice of scard_pps_select(), whose request was sent
 * @rsp: the card's response
 * @len: length of @rsp
 *
 * Per ISO/IEC 7816-3:2006 9.3 the exchange succeeds when PPSS is echoed,
 * the low nibble of PPS0 names the requested protocol, bits 5 to 7 of PPS0
 * announce only parameter bytes the request had, each of those is either
 * echoed or left out, PCK is right and the length matches PPS0. A response
 * without PPS1 to a request with PPS1 means the default indexes (Fd, Dd):
 * @pps then falls back to them and the reader's default clock.
 *
 * Context: Any context.
 * Return: 0 when the card accepted (@pps holds the parameters to use),
 * -EPROTO for any other response, -EINVAL if @pps has no request.
 */
int scard_pps_check(struct scard_pps *pps, const u8 *rsp, size_t len)
{
	u8 req0 = pps->req[1], rsp0, bit, pck = 0;
	size_t i, q = 2, r = 2;

	if (!pps->req_len)
		return -EINVAL;
	if (!rsp || len < PPS_MIN || len > SCARD_PPS_MAX ||
	    rsp[0] != SCARD_PPSS)
		return -EPROTO;
	rsp0 = rsp[1];
	if ((rsp0 & PPS0_T) != (req0 & PPS0_T) || (rsp0 & PPS0_RFU) ||
	    (rsp0 & PPS0_OPT & ~req0) ||
	    len != PPS_MIN + hweight8(rsp0 & PPS0_OPT))
		return -EPROTO;
	for (i = 0; i < len; i++)
		pck ^= rsp[i];
	if (pck)
		return -EPROTO;

	for (bit = PPS0_PPS1; bit & PPS0_OPT; bit <<= 1) {
		if (!(req0 & bit))
			continue;
		if (rsp0 & bit && rsp[r++] != pps->req[q])
			return -EPROTO;
		q++;
	}

	if ((req0 & PPS0_PPS1) && !(rsp0 & PPS0_PPS1))
		pps_set_params(pps, SCARD_ATR_DEFAULT_FL, SCARD_ATR_DEFAULT_DL,
			       pps->dflt_clk_khz);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_pps_check);

/**
 * scard_pps_next_action() - what to do after a PPS exchange
 * @pps: the choice whose request was sent
 * @err: 0 if scard_pps_check() accepted the response; its -EPROTO; or the
 *	transfer's error: -ETIMEDOUT (no response within the initial waiting
 *	time), -EBADMSG (parity error), -EMSGSIZE (response too long), or
 *	another errno for a failure of the reader
 *
 * smclib's fallback: a card that refuses, or does not answer, a request
 * with PPS1 (parameters other than the defaults) is deactivated, reset and
 * asked again for the default parameters. A refused request without PPS1
 * would fail the same way again, and a failed reader is not the card's
 * fault: both end the selection.
 *
 * Context: Any context.
 * Return: the &enum scard_pps_action to take.
 */
enum scard_pps_action scard_pps_next_action(const struct scard_pps *pps,
					    int err)
{
	if (!err)
		return SCARD_PPS_DONE;
	switch (err) {
	case -EPROTO:
	case -ETIMEDOUT:
	case -EBADMSG:
	case -EMSGSIZE:
		if (pps->req_len && (pps->req[1] & PPS0_PPS1))
			return SCARD_PPS_RETRY_DEFAULT;
		return SCARD_PPS_FAIL;
	default:
		return SCARD_PPS_FAIL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(scard_pps_next_action);
