// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: the card's answer to reset and its answer to PPS
 * (ISO/IEC 7816-3:2006 clauses 8 and 9).
 *
 * Default ATRs (TA1 only when not 0x11; CWI 13 leaves a virtual link with
 * a user-space card enough time between characters):
 *   T=0:      3B 07 "scardT0"
 *   T=1:      3B 87 81 31 20 4D "scardT1" 58   (IFSC 32, BWI 4, CWI 13)
 *   T=0, T=1: 3B 87 80 31 20 4D "scardTX" 30
 */
#include <string.h>

#include "emu.h"

#define ATR_TS_DIRECT		0x3b
#define ATR_TS_INVERSE		0x3f
#define ATR_Y_TA		0x10
#define ATR_Y_TB		0x20
#define ATR_Y_TC		0x40
#define ATR_Y_TD		0x80

#define PPSS			0xff
#define PPS0_PPS1		0x10
#define PPS0_PPS2		0x20
#define PPS0_PPS3		0x40
#define PPS0_T			0x0f

/* ISO/IEC 7816-3 table 8: D for each Di index, 0 for RFU. */
static const u8 atr_d[16] = {
	0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0,
};

void atr_default_params(u32 protocols, struct atr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->protocols = protocols ? protocols : SCARD_PROTO_T1;
	p->ta1 = 0x11;
	p->ifsc = 32;
	p->bwi = 4;
	p->cwi = 13;
}

/* Build the ATR described by @p into @atr (SCARD_ATR_MAX bytes). */
size_t atr_build(const struct atr_params *p, u8 *atr)
{
	bool t0 = p->protocols & SCARD_PROTO_T0;
	bool t1 = p->protocols & SCARD_PROTO_T1;
	const char *hist = t0 && t1 ? "scardTX" : t1 ? "scardT1" : "scardT0";
	size_t k = strlen(hist);
	size_t n = 0, i, t0_pos;
	u8 tck = 0;
	u8 y;

	atr[n++] = ATR_TS_DIRECT;
	t0_pos = n++;
	y = 0;
	if (p->ta1 != 0x11) {
		y |= ATR_Y_TA;
		atr[n++] = p->ta1;
	}
	if (t1 || p->specific) {
		/* TD1: the first protocol; group 2 has TA2 and/or TD2. */
		y |= ATR_Y_TD;
		atr[n++] = (p->specific ? ATR_Y_TA : 0) | (t1 ? ATR_Y_TD : 0) |
			   (t0 ? 0 : 1);
		if (p->specific)
			atr[n++] = t0 ? 0 : 1;	/* TA2: that protocol */
		if (t1) {
			/* TD2: T=1, group 3 holds IFSC, BWI/CWI, EDC. */
			atr[n++] = ATR_Y_TA | ATR_Y_TB |
				   (p->crc ? ATR_Y_TC : 0) | 1;
			atr[n++] = p->ifsc;
			atr[n++] = p->bwi << 4 | (p->cwi & 0x0f);
			if (p->crc)
				atr[n++] = 0x01;
		}
	}
	atr[t0_pos] = y | k;
	memcpy(atr + n, hist, k);
	n += k;
	if (t1) {
		for (i = 1; i < n; i++)
			tck ^= atr[i];
		atr[n++] = tck;
	}
	return n;
}

static u32 atr_proto_mask(unsigned int t)
{
	if (t == 0)
		return SCARD_PROTO_T0;
	if (t == 1)
		return SCARD_PROTO_T1;
	return 0;
}

/*
 * What the card must know of its ATR: protocols offered, TA1, specific
 * mode, T=1 parameters. Returns 0, or -1 when the ATR is malformed
 * (ai then holds what could be read).
 */
int atr_parse(const u8 *atr, size_t len, struct atr_info *ai)
{
	bool t1_ta = false, t1_tb = false, t1_tc = false;
	bool tck_due = false;
	size_t pos, k, i;
	unsigned int group = 1, t = 0;
	u8 y, b, x = 0;

	memset(ai, 0, sizeof(*ai));
	ai->ta1 = 0x11;
	ai->ifsc = 32;
	ai->bwi = 4;
	ai->cwi = 13;
	if (len < 2 || (atr[0] != ATR_TS_DIRECT && atr[0] != ATR_TS_INVERSE))
		return -1;
	y = atr[1] & 0xf0;
	k = atr[1] & 0x0f;
	pos = 2;
	for (;;) {
		if (y & ATR_Y_TA) {
			if (pos >= len)
				return -1;
			b = atr[pos++];
			if (group == 1) {
				ai->ta1 = b;
			} else if (group == 2) {
				ai->specific = true;
				ai->specific_proto = atr_proto_mask(b & 0x0f);
			} else if (t == 1 && !t1_ta) {
				t1_ta = true;
				ai->ifsc = b;
			}
		}
		if (y & ATR_Y_TB) {
			if (pos >= len)
				return -1;
			b = atr[pos++];
			if (group >= 3 && t == 1 && !t1_tb) {
				t1_tb = true;
				ai->bwi = b >> 4;
				ai->cwi = b & 0x0f;
			}
		}
		if (y & ATR_Y_TC) {
			if (pos >= len)
				return -1;
			b = atr[pos++];
			if (group >= 3 && t == 1 && !t1_tc) {
				t1_tc = true;
				ai->crc = b & 1;
			}
		}
		if (!(y & ATR_Y_TD))
			break;
		if (pos >= len)
			return -1;
		b = atr[pos++];
		t = b & 0x0f;
		if (t != 15) {
			ai->protocols |= atr_proto_mask(t);
			if (!ai->first)
				ai->first = atr_proto_mask(t);
		}
		if (t != 0)
			tck_due = true;
		y = b & 0xf0;
		group++;
	}
	if (!ai->protocols) {
		ai->protocols = SCARD_PROTO_T0;
		ai->first = SCARD_PROTO_T0;
	}
	if (ai->specific && ai->specific_proto)
		ai->first = ai->specific_proto;
	if (!ai->ifsc || ai->ifsc > T1_IFS_MAX)
		ai->ifsc = 32;
	if (pos + k > len)
		return -1;
	pos += k;
	if (tck_due) {
		for (i = 1; i < len; i++)
			x ^= atr[i];
		ai->tck_ok = pos + 1 == len && !x;
	} else {
		ai->tck_ok = pos == len;
	}
	return 0;
}

/* Length of the PPS request starting at @req, 0 until PPS0 is known. */
size_t pps_length(const u8 *req, size_t have)
{
	size_t n = 3;

	if (have < 2)
		return 0;
	n += !!(req[1] & PPS0_PPS1) + !!(req[1] & PPS0_PPS2) +
	     !!(req[1] & PPS0_PPS3);
	return n;
}

/* Whether the card runs at the Fi/Di indexes of PPS1. */
static bool pps1_ok(const struct atr_info *ai, u8 pps1)
{
	u8 fl = pps1 >> 4, dl = pps1 & 0x0f;

	if (pps1 == 0x11 || pps1 == ai->ta1)
		return true;
	return fl == ai->ta1 >> 4 && atr_d[dl] &&
	       atr_d[dl] <= atr_d[ai->ta1 & 0x0f];
}

/*
 * Answer a PPS request: echo what the card accepts, stay silent when the
 * request is invalid or names a protocol the card does not offer.
 */
void pps_request(struct emu_card *c, const u8 *req, size_t len, u64 now)
{
	u8 rsp[4];
	size_t n = 0, i, pos;
	u8 x = 0;
	u32 proto;

	c->negotiable = false;
	emu_dump(c, "PPS <-", req, len);
	if (c->cfg->mute || c->cfg->pps_mode == PPS_SILENT)
		return;
	for (i = 0; i < len; i++)
		x ^= req[i];
	if (len < 3 || req[0] != PPSS || pps_length(req, len) != len || x) {
		emu_log(c, "invalid PPS request: no answer");
		return;
	}
	proto = atr_proto_mask(req[1] & PPS0_T);
	if (!(proto & c->ai.protocols)) {
		emu_log(c, "PPS for a protocol not offered: no answer");
		return;
	}

	rsp[n++] = PPSS;
	rsp[n++] = req[1] & PPS0_T;
	pos = 2;
	if (req[1] & PPS0_PPS1) {
		if (c->cfg->pps_mode == PPS_ACCEPT && pps1_ok(&c->ai, req[pos])) {
			rsp[1] |= PPS0_PPS1;
			rsp[n++] = req[pos];
		}
	}
	/* PPS2 (N, SPU) and PPS3 are not taken up. */
	x = 0;
	for (i = 0; i < n; i++)
		x ^= rsp[i];
	rsp[n++] = c->cfg->pps_mode == PPS_BAD ? x ^ 0xff : x;
	c->proto = proto;
	emu_dump(c, "PPS ->", rsp, n);
	outq_put(&c->out, rsp, n, now);
}
