/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: protocol and parameters selection (PPS, ISO/IEC 7816-3:2006
 * clause 9).
 *
 * After the ATR of a card in negotiable mode, scard_pps_select() chooses
 * the protocol, the Fi/Di indexes and the clock for the reader's and the
 * card's capabilities and builds the PPS request, if one is needed. The
 * reader sends it and hands the card's response to scard_pps_check(); on
 * success it programs the negotiated parameters. scard_pps_next_action()
 * tells what to do after a failure:
 *
 *	ret = scard_pps_select(&pps, card, reader_caps, mask);
 *	if (ret)
 *		return ret;
 *	if (pps.req_len) {
 *		ret = send pps.req, receive rsp within the initial WT;
 *		if (!ret)
 *			ret = scard_pps_check(&pps, rsp, rsp_len);
 *		if (scard_pps_next_action(&pps, ret) ==
 *		    SCARD_PPS_RETRY_DEFAULT)
 *			cold reset, parse the ATR, select again with
 *			mask | SCARD_PROTO_DEFAULT;
 *		...
 *	}
 *	program pps.protocol, pps.fl, pps.dl, pps.clk_khz;
 *
 * The engine does no I/O.
 */
#ifndef _LINUX_SCARD_PPS_H
#define _LINUX_SCARD_PPS_H

#include <linux/types.h>

struct scard_card_caps;
struct scard_reader_caps;

/* PPSS, the initial byte of PPS request and response. */
#define SCARD_PPSS		0xff
/* PPSS, PPS0, PPS1, PPS2, PPS3, PCK */
#define SCARD_PPS_MAX		6

/**
 * struct scard_pps - protocol and transmission parameters for a card
 * @protocol: %SCARD_PROTO_T0 or %SCARD_PROTO_T1
 * @fl: Fi index to use (1 for the default Fd = 372)
 * @dl: Di index to use (1 for the default Dd = 1)
 * @clk_khz: clock frequency for the reader to supply, kHz
 * @rate_bps: data rate that results, D * f / F bit/s
 * @req: the PPS request to send to the card
 * @req_len: length of @req; 0 when no PPS exchange is needed (the card
 *	is in specific mode, or the parameters and protocol are those the
 *	card uses after its ATR anyway)
 *
 * Filled in by scard_pps_select(); scard_pps_check() updates @fl, @dl,
 * @clk_khz and @rate_bps with what the card accepted.
 */
struct scard_pps {
	u32 protocol;
	u8 fl;
	u8 dl;
	u32 clk_khz;
	u32 rate_bps;
	u8 req[SCARD_PPS_MAX];
	u8 req_len;
	/* private: the reader's defaults, used if the card refuses PPS1 */
	u32 dflt_clk_khz;
	u32 dflt_rate_bps;
};

/**
 * enum scard_pps_action - what to do after the PPS exchange
 * @SCARD_PPS_DONE: the card accepted: use the parameters of the
 *	&struct scard_pps
 * @SCARD_PPS_RETRY_DEFAULT: the card refused, or did not answer, a request
 *	for parameters other than the defaults: deactivate the card, cold
 *	reset it and select again with %SCARD_PROTO_DEFAULT in the mask
 * @SCARD_PPS_FAIL: give up; the card must be reset before any further
 *	use (ISO/IEC 7816-3:2006 9.3: a failed exchange leaves the card
 *	waiting for a reset)
 */
enum scard_pps_action {
	SCARD_PPS_DONE,
	SCARD_PPS_RETRY_DEFAULT,
	SCARD_PPS_FAIL,
};

int scard_pps_select(struct scard_pps *pps,
		     const struct scard_card_caps *card,
		     const struct scard_reader_caps *reader, u32 mask);
int scard_pps_build(u8 *buf, u32 protocol, unsigned int fl, unsigned int dl);
int scard_pps_check(struct scard_pps *pps, const u8 *rsp, size_t len);
enum scard_pps_action scard_pps_next_action(const struct scard_pps *pps,
					    int err);

#endif /* _LINUX_SCARD_PPS_H */
