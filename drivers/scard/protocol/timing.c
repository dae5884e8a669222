// SPDX-License-Identifier: GPL-2.0
/*
 * scard: transmission timing (ISO/IEC 7816-3:2006, 7.1, 8.3, 10.2, 11.4).
 *
 * One etu lasts F / D clock cycles. Every time below is a whole number of
 * clock cycles multiplied by 1 / D, so it is computed as
 *
 *	t = cycles_times_d * 10^6 / (D * f)	(ns, f in kHz)
 *
 * in one division, rounded up. The largest numerator, the block waiting
 * time for BWI = 15 and D = 64, is below 2^60; D * f fits in 39 bits for any
 * 32-bit clock value.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/time64.h>
#include <linux/scard_proto.h>
#include <linux/scard_timing.h>

/* Default clock rate conversion integer Fd; BWT is defined with it. */
#define TIMING_FD		372
/* Work waiting time unit: WT = WI * 960 * Fi / f. */
#define TIMING_WT_UNIT		960
/* Initial waiting time, during the ATR and PPS: 9600 etu at Fd, Dd. */
#define TIMING_INITIAL_WT	(10 * TIMING_WT_UNIT)
/* N = 255 in TC1: minimum guard time, protocol dependent. */
#define TIMING_N_MIN		255
#define TIMING_GT_ETU		12
#define TIMING_CGT_T1_MIN_ETU	11
#define TIMING_CWT_ETU		11
#define TIMING_BWT_ETU		11
#define TIMING_BGT_ETU		22
#define TIMING_XWI_MAX		15

static u64 timing_ns(u64 cycles_times_d, u64 d_times_f)
{
	return DIV64_U64_ROUND_UP(cycles_times_d * NSEC_PER_MSEC, d_times_f);
}

/**
 * scard_timing_compute() - transmission timing of a card
 * @t: the times to fill in
 * @caps: the card's capabilities (N, WI, CWI, BWI and the Fi of TA1)
 * @protocol: %SCARD_PROTO_T0, %SCARD_PROTO_T1, or
 *	%SCARD_PROTO_UNDEFINED before a protocol is selected; only the
 *	guard time for N = 255 depends on it
 * @fl: Fi index in force (1 after a reset, TA1's or the negotiated one)
 * @dl: Di index in force
 * @clk_khz: clock frequency the reader supplies, kHz
 *
 * The T=0 waiting time is written WI * 960 * Fi / f by ISO/IEC 7816-3:2006
 * 10.2, with Fi the card's value of TA1, while smclib and EMV take the F in
 * force (960 * D * WI etu). The two differ only when PPS settled on an F
 * below TA1's; @t->wt_ns is then the larger of the two, so that a reader
 * waits long enough for both readings. The block waiting time keeps
 * Fd = 372 whatever F is in force (11.4.3). A WI of 0 in @caps (invalid,
 * only possible when the ATR was not parsed) counts as the default 10.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an RFU index, a clock of 0 kHz, or a CWI or
 * BWI above 15.
 */
int scard_timing_compute(struct scard_timing *t,
			 const struct scard_card_caps *caps, u32 protocol,
			 unsigned int fl, unsigned int dl, u32 clk_khz)
{
	u64 f = scard_fi_value(fl);
	u64 d = scard_di_value(dl);
	u64 fw, df, gt_etu;
	unsigned int wi;

	if (!f || !d || !clk_khz || caps->cwi > TIMING_XWI_MAX ||
	    caps->bwi > TIMING_XWI_MAX)
		return -EINVAL;

	df = d * clk_khz;
	fw = max_t(u64, f, scard_fi_value(caps->fl));
	wi = caps->wi ?: SCARD_ATR_DEFAULT_WI;
	if (caps->n != TIMING_N_MIN)
		gt_etu = TIMING_GT_ETU + caps->n;
	else if (protocol == SCARD_PROTO_T1)
		gt_etu = TIMING_CGT_T1_MIN_ETU;
	else
		gt_etu = TIMING_GT_ETU;

	t->etu_ns = timing_ns(f, df);
	t->gt_ns = timing_ns(gt_etu * f, df);
	t->wt_ns = timing_ns((u64)wi * TIMING_WT_UNIT * fw * d, df);
	t->cwt_ns = timing_ns((TIMING_CWT_ETU + (1ULL << caps->cwi)) * f, df);
	t->bwt_ns = timing_ns(TIMING_BWT_ETU * f + (1ULL << caps->bwi) *
			      TIMING_WT_UNIT * TIMING_FD * d, df);
	t->bgt_ns = timing_ns(TIMING_BGT_ETU * f, df);
	return 0;
}
EXPORT_SYMBOL_GPL(scard_timing_compute);

/**
 * scard_timing_bwt_wtx_ns() - block waiting time after S(WTX request)
 * @t: the card's timing
 * @wtx: the multiplier the card asked for (1 when it asked for none)
 *
 * A waiting time extension multiplies the block waiting time for the
 * card's next block only (ISO/IEC 7816-3:2006 11.6.2.3).
 *
 * Context: Any context.
 * Return: BWT times @wtx (times 1 for @wtx 0), U64_MAX on overflow.
 */
u64 scard_timing_bwt_wtx_ns(const struct scard_timing *t, unsigned int wtx)
{
	u64 ns;

	if (check_mul_overflow(t->bwt_ns, (u64)max(wtx, 1U), &ns))
		return U64_MAX;
	return ns;
}
EXPORT_SYMBOL_IF_KUNIT(scard_timing_bwt_wtx_ns);

/**
 * scard_timing_initial_wt_ns() - initial waiting time
 * @clk_khz: clock frequency the reader supplies, kHz
 *
 * 9600 etu with the default Fd = 372 and Dd = 1: the waiting time between
 * the characters of the ATR and for the card's PPS response.
 *
 * Context: Any context.
 * Return: the time in ns, or 0 for a clock of 0 kHz.
 */
u64 scard_timing_initial_wt_ns(u32 clk_khz)
{
	if (!clk_khz)
		return 0;
	return timing_ns((u64)TIMING_INITIAL_WT * TIMING_FD, clk_khz);
}
EXPORT_SYMBOL_IF_KUNIT(scard_timing_initial_wt_ns);

/**
 * scard_data_rate_bps() - data rate for Fi and Di indexes and a clock
 * @fl: Fi index
 * @dl: Di index
 * @clk_khz: clock frequency, kHz
 *
 * Context: Any context.
 * Return: D * f / F in bit/s, rounded down, saturated at U32_MAX, or 0 for
 * an RFU index.
 */
u32 scard_data_rate_bps(unsigned int fl, unsigned int dl, u32 clk_khz)
{
	unsigned int f = scard_fi_value(fl);
	unsigned int d = scard_di_value(dl);

	if (!f || !d)
		return 0;
	return min_t(u64, div_u64((u64)d * clk_khz * 1000, f), U32_MAX);
}
EXPORT_SYMBOL_GPL(scard_data_rate_bps);
