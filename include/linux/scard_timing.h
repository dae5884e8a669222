/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: transmission timing of ISO/IEC 7816-3:2006 in nanoseconds.
 *
 * The times follow from the card's ATR (struct scard_card_caps), the Fi
 * and Di indexes in force (the defaults, TA1's in specific mode, or what
 * PPS negotiated) and the clock frequency the reader actually supplies.
 * Every time is rounded up to the next nanosecond, so that a reader never
 * waits less than the standard allows; no floating point, no overflow for
 * any index value and any clock from 1 kHz up.
 */
#ifndef _LINUX_SCARD_TIMING_H
#define _LINUX_SCARD_TIMING_H

#include <linux/types.h>

struct scard_card_caps;

/**
 * struct scard_timing - character and block timing for one card
 * @etu_ns: elementary time unit, F / (D * f)
 * @gt_ns: guard time, the least delay between the leading edges of two
 *	characters sent in the same direction: (12 + N) etu for the extra
 *	guard time N of TC1, or the minimum for N = 255: 12 etu before a
 *	protocol is selected and with T=0, 11 etu with T=1 (the T=1
 *	character guard time CGT)
 * @wt_ns: T=0 (and PPS) waiting time, the largest delay between the
 *	leading edges of a character sent by the card and the character
 *	before it: WI * 960 * Fi / f
 * @cwt_ns: T=1 character waiting time within a block, (11 + 2^CWI) etu
 * @bwt_ns: T=1 block waiting time, 11 etu + 2^BWI * 960 * Fd / f with
 *	Fd = 372 whatever F is in force
 * @bgt_ns: T=1 block guard time, 22 etu between the leading edges of two
 *	characters of blocks sent in opposite directions
 */
struct scard_timing {
	u64 etu_ns;
	u64 gt_ns;
	u64 wt_ns;
	u64 cwt_ns;
	u64 bwt_ns;
	u64 bgt_ns;
};

int scard_timing_compute(struct scard_timing *t,
			 const struct scard_card_caps *caps, u32 protocol,
			 unsigned int fl, unsigned int dl, u32 clk_khz);
u64 scard_timing_bwt_wtx_ns(const struct scard_timing *t, unsigned int wtx);
u64 scard_timing_initial_wt_ns(u32 clk_khz);
u32 scard_data_rate_bps(unsigned int fl, unsigned int dl, u32 clk_khz);

#endif /* _LINUX_SCARD_TIMING_H */
