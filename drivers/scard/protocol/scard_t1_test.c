// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the scard T=1 engine: scripted card exchanges.
 *
 * Each case plays the card from a table. A line holds the block the engine
 * must send, compared byte for byte with one built here (with an EDC
 * computed independently of the engine), and the card's answer, or a fault
 * in its place. END lines check how a transaction ended; the next line
 * starts another transaction on the same engine. Command bytes and the
 * card's response bytes are fixed patterns, so the I-blocks are described
 * by offsets into them.
 */

#include <kunit/test.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/scard_t1.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "scard_t1_test.h"

/* The scripts spell out the retries and resynchs these limits allow. */
static_assert(SCARD_T1_MAX_RETRIES == 2 && SCARD_T1_MAX_RESYNCH == 3);

/* Faults in place of the card's block. */
enum t1t_fault {
	F_NONE,
	F_TIMEOUT,	/* no block */
	F_PARITY,	/* the reader reports a parity error */
	F_EDC,		/* last EDC byte damaged */
	F_SHORT,	/* last byte lost */
	F_LONG,		/* one byte too many */
	F_FATAL,	/* the reader fails */
	F_RX_LEN,	/* the reader reports more bytes than its buffer */
};

/**
 * struct t1t_step - one exchange of a script, or the end of a transaction
 * @end: END line: the transaction must have ended with @ret and @rsp_len
 * @last: the END line that ends the script
 * @pcb: PCB the engine must send
 * @len: LEN the engine must send
 * @data: INF: offset in the command pattern (I-block) or the byte (LEN 1)
 * @wtx: multiplier the engine must ask for (0 for 1)
 * @fault: what happens instead of the card's block
 * @rpcb: PCB of the card's block
 * @rlen: LEN of the card's block
 * @rdata: INF: offset in the response pattern (I-block, or LEN other than
 *	1) or the byte (LEN 1)
 * @repeat: the line is repeated that many more times; I- and R-blocks
 *	alternate their sequence bit and I-block offsets advance by LEN
 * @fixed: repeat without alternating the sequence bits
 * @ret: END: expected return value
 * @rsp_len: END: expected response length
 * @reset: END: expected scard_t1_needs_reset()
 */
struct t1t_step {
	bool end;
	bool last;
	u8 pcb;
	u8 len;
	u16 data;
	u8 wtx;
	u8 fault;
	u8 rpcb;
	u16 rlen;
	u32 rdata;
	u16 repeat;
	bool fixed;
	int ret;
	u32 rsp_len;
	bool reset;
};

/**
 * struct t1t_case - a scripted case
 * @name: description
 * @steps: the script, ending with a LAST line
 * @ifsc: IFSC of the ATR (0 for 32)
 * @ifsd: IFSD (0 for 254)
 * @edc: EDC of the card
 * @ifs: send S(IFS request) after reset
 * @nad: NAD set by the caller
 * @rnad: NAD of the card's blocks
 * @cmd_len: command length (0 for 5)
 * @rsp_size: response buffer size (0 for 258)
 */
struct t1t_case {
	const char *name;
	const struct t1t_step *steps;
	u8 ifsc;
	u8 ifsd;
	enum scard_t1_edc edc;
	bool ifs;
	u8 nad;
	u8 rnad;
	u16 cmd_len;
	u32 rsp_size;
};

#define TX_I(ns, m, off, n)	.pcb = T1T_I(ns, m), .len = (n), .data = (off)
#define TX_R(nr, e)		.pcb = T1T_R(nr, e)
#define TX_S(p)			.pcb = (p)
#define TX_S1(p, v)		.pcb = (p), .len = 1, .data = (v)
#define RX_I(ns, m, off, n)	.rpcb = T1T_I(ns, m), .rlen = (n), .rdata = (off)
#define RX_R(nr, e)		.rpcb = T1T_R(nr, e)
#define RX_S(p)			.rpcb = (p)
#define RX_S1(p, v)		.rpcb = (p), .rlen = 1, .rdata = (v)
#define RX_NONE			.fault = F_TIMEOUT
#define END(r, n)		{ .end = true, .ret = (r), .rsp_len = (n) }
#define LAST(r, n)		{ .end = true, .last = true, .ret = (r), .rsp_len = (n) }
#define LAST_RESET(r)		{ .end = true, .last = true, .ret = (r), .reset = true }

/* The usual command and a 3-byte answer. */
#define CMD_I0			TX_I(0, 0, 0, 5)
#define ANSWER			{ CMD_I0, RX_I(0, 0, 0, 3) }
#define RESYNCH			{ TX_S(S_RES_REQ), RX_S(S_RES_RSP) }

static const struct t1t_step s_ifs[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	{ CMD_I0, RX_I(0, 0, 0, 10) },
	END(0, 10),
	/* Once only, and N(S) alternates. */
	{ TX_I(1, 0, 0, 5), RX_I(1, 0, 0, 10) },
	LAST(0, 10),
};

static const struct t1t_step s_ifs_r[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_R(0, 0) },
	{ CMD_I0, RX_I(0, 0, 0, 2) },
	END(0, 2),
	{ TX_I(1, 0, 0, 5), RX_I(1, 0, 0, 2) },
	LAST(0, 2),
};

/* A bad answer to S(IFS request) gets the request again, not an R-block. */
static const struct t1t_step s_ifs_lost[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_NONE },
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254), .fault = F_EDC },
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	ANSWER,
	LAST(0, 3),
};

static const struct t1t_step s_ifs_card_req[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_WTX_REQ, 2) },
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	ANSWER,
	LAST(0, 3),
};

static const struct t1t_step s_ifs_wrong[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 32) },
	{ TX_S1(S_IFS_REQ, 254), RX_I(0, 0, 0, 3) },
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	ANSWER,
	LAST(0, 3),
};

/* Three failed S(IFS request): resynch, and the card is not asked again. */
static const struct t1t_step s_ifs_fail[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_NONE, .repeat = 2 },
	RESYNCH,
	ANSWER,
	END(0, 3),
	{ TX_I(1, 0, 0, 5), RX_I(1, 0, 0, 3) },
	LAST(0, 3),
};

static const struct t1t_step s_no_ifs[] = {
	ANSWER,
	END(0, 3),
	{ TX_I(1, 0, 0, 5), RX_I(1, 0, 0, 2) },
	LAST(0, 2),
};

static const struct t1t_step s_edc[] = {
	{ CMD_I0, RX_I(0, 0, 0, 10), .fault = F_EDC },
	{ TX_R(0, R_EDC), RX_I(0, 0, 0, 10) },
	LAST(0, 10),
};

static const struct t1t_step s_parity[] = {
	{ CMD_I0, RX_I(0, 0, 0, 10), .fault = F_PARITY },
	{ TX_R(0, R_EDC), RX_I(0, 0, 0, 10) },
	LAST(0, 10),
};

static const struct t1t_step s_short[] = {
	{ CMD_I0, RX_I(0, 0, 0, 10), .fault = F_SHORT },
	{ TX_R(0, R_EDC), RX_I(0, 0, 0, 10), .fault = F_LONG },
	{ TX_R(0, R_EDC), RX_I(0, 0, 0, 10) },
	LAST(0, 10),
};

/* The card saw our I-block damaged and asks for it again. */
static const struct t1t_step s_edc_card[] = {
	{ CMD_I0, RX_R(0, R_EDC) },
	ANSWER,
	LAST(0, 3),
};

/* Our I-block is lost: R-block, the card asks for the I-block. */
static const struct t1t_step s_lost_i[] = {
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_R(0, 0) },
	ANSWER,
	LAST(0, 3),
};

/* The card's answer is lost: the R-block asks for it again. */
static const struct t1t_step s_lost_rsp[] = {
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_I(0, 0, 0, 3) },
	LAST(0, 3),
};

/* 600 bytes in links of IFSC = 32. */
static const struct t1t_step s_send_chain[] = {
	{ TX_I(0, 1, 0, 32), RX_R(1, 0), .repeat = 17 },
	{ TX_I(0, 0, 576, 24), RX_I(0, 0, 0, 2) },
	LAST(0, 2),
};

/* The acknowledgment of a link is lost. */
static const struct t1t_step s_send_chain_lost[] = {
	{ TX_I(0, 1, 0, 32), RX_NONE },
	{ TX_R(0, R_OTHER), RX_R(1, 0) },
	{ TX_I(1, 0, 32, 8), RX_I(0, 0, 0, 2) },
	LAST(0, 2),
};

/* A link damaged on its way to the card is sent again. */
static const struct t1t_step s_send_chain_edc[] = {
	{ TX_I(0, 1, 0, 32), RX_R(1, 0) },
	{ TX_I(1, 1, 32, 32), RX_R(1, R_EDC) },
	{ TX_I(1, 1, 32, 32), RX_R(0, 0) },
	{ TX_I(0, 0, 64, 16), RX_I(0, 0, 0, 2) },
	LAST(0, 2),
};

/* A 500-byte response in two links. */
static const struct t1t_step s_recv_chain[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	{ CMD_I0, RX_I(0, 1, 0, 254) },
	{ TX_R(1, 0), RX_I(1, 0, 254, 246) },
	END(0, 500),
	{ TX_I(1, 0, 0, 5), RX_I(0, 0, 0, 3) },
	LAST(0, 3),
};

/* Our acknowledgment of a link is lost, then damaged. */
static const struct t1t_step s_recv_chain_lost[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	{ CMD_I0, RX_I(0, 1, 0, 100) },
	{ TX_R(1, 0), RX_NONE },
	{ TX_R(1, R_OTHER), RX_R(0, R_EDC) },
	{ TX_R(1, 0), RX_I(1, 1, 100, 50) },
	{ TX_R(0, 0), RX_I(0, 0, 150, 10), .fault = F_EDC },
	{ TX_R(0, R_EDC), RX_I(0, 0, 150, 10) },
	LAST(0, 160),
};

/* Both directions: 600 bytes in, 500 bytes out in links of 32. */
static const struct t1t_step s_both_chains[] = {
	{ TX_I(0, 1, 0, 32), RX_R(1, 0), .repeat = 17 },
	{ TX_I(0, 0, 576, 24), RX_I(0, 1, 0, 32) },
	{ TX_R(1, 0), RX_I(1, 1, 32, 32), .repeat = 13 },
	{ TX_R(1, 0), RX_I(1, 0, 480, 20) },
	LAST(0, 500),
};

/* The card lowers its IFSC in the middle of our chain. */
static const struct t1t_step s_ifs_mid_chain[] = {
	{ TX_I(0, 1, 0, 32), RX_S1(S_IFS_REQ, 16) },
	{ TX_S1(S_IFS_RSP, 16), RX_R(1, 0) },
	{ TX_I(1, 1, 32, 16), RX_R(0, 0), .repeat = 3 },
	{ TX_I(1, 0, 96, 4), RX_I(0, 0, 0, 2) },
	LAST(0, 2),
};

/* The new IFSC applies to the retransmission of the link too. */
static const struct t1t_step s_ifs_retransmit[] = {
	{ TX_I(0, 1, 0, 32), RX_S1(S_IFS_REQ, 20) },
	{ TX_S1(S_IFS_RSP, 20), RX_R(0, 0) },
	{ TX_I(0, 1, 0, 20), RX_R(1, 0) },
	{ TX_I(1, 0, 20, 20), RX_I(0, 0, 0, 2) },
	LAST(0, 2),
};

/* The multiplier applies to the wait after S(WTX response) only. */
static const struct t1t_step s_wtx[] = {
	{ CMD_I0, RX_S1(S_WTX_REQ, 5) },
	{ TX_S1(S_WTX_RSP, 5), .wtx = 5, RX_S1(S_WTX_REQ, 2) },
	{ TX_S1(S_WTX_RSP, 2), .wtx = 2, RX_NONE },
	{ TX_R(0, R_OTHER), RX_S1(S_WTX_REQ, 200) },
	{ TX_S1(S_WTX_RSP, 200), .wtx = 200, RX_I(0, 1, 0, 10) },
	{ TX_R(1, 0), RX_S1(S_WTX_REQ, 3) },
	{ TX_S1(S_WTX_RSP, 3), .wtx = 3, RX_I(1, 0, 10, 5) },
	END(0, 15),
	{ TX_I(1, 0, 0, 5), RX_I(0, 0, 0, 3) },
	LAST(0, 3),
};

/* Three failures: resynch, IFSC of the ATR again, S(IFS request) again. */
static const struct t1t_step s_resynch[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	{ TX_I(0, 1, 0, 32), RX_S1(S_IFS_REQ, 16) },
	{ TX_S1(S_IFS_RSP, 16), RX_R(1, 0) },
	{ TX_I(1, 1, 32, 16), RX_NONE },
	{ TX_R(0, R_OTHER), RX_NONE, .repeat = 1, .fixed = true },
	RESYNCH,
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	{ TX_I(0, 1, 0, 32), RX_R(1, 0), .repeat = 1 },
	{ TX_I(0, 0, 64, 16), RX_I(0, 0, 0, 2) },
	LAST(0, 2),
};

/* The card asks for the same I-block three times. */
static const struct t1t_step s_retransmit_limit[] = {
	{ CMD_I0, RX_R(0, R_OTHER), .repeat = 2, .fixed = true },
	RESYNCH,
	ANSWER,
	LAST(0, 3),
};

/* A bad answer to S(RESYNCH request) gets the request again. */
static const struct t1t_step s_resynch_retry[] = {
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_NONE, .repeat = 1, .fixed = true },
	{ TX_S(S_RES_REQ), RX_R(0, 0) },
	{ TX_S(S_RES_REQ), RX_S(S_RES_RSP), .fault = F_EDC },
	RESYNCH,
	ANSWER,
	LAST(0, 3),
};

/* No answer to S(RESYNCH request): the card needs a reset. */
static const struct t1t_step s_resynch_fail[] = {
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_NONE, .repeat = 1, .fixed = true },
	{ TX_S(S_RES_REQ), RX_NONE, .repeat = 2 },
	LAST_RESET(-EPROTO),
};

/* Each resynch succeeds but the command never goes through. */
static const struct t1t_step s_resynch_limit[] = {
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_NONE, .repeat = 1, .fixed = true },
	RESYNCH,
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_NONE, .repeat = 1, .fixed = true },
	RESYNCH,
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_NONE, .repeat = 1, .fixed = true },
	RESYNCH,
	{ CMD_I0, RX_NONE },
	{ TX_R(0, R_OTHER), RX_NONE, .repeat = 1, .fixed = true },
	RESYNCH,
	END(-EPROTO, 0),
	ANSWER,
	LAST(0, 3),
};

/* The card aborts our chain. */
static const struct t1t_step s_abort[] = {
	{ TX_I(0, 1, 0, 32), RX_R(1, 0) },
	{ TX_I(1, 1, 32, 32), RX_S(S_ABT_REQ) },
	{ TX_S(S_ABT_RSP), RX_R(0, 0) },
	END(-ECONNABORTED, 0),
	RESYNCH,
	{ TX_I(0, 1, 0, 32), RX_R(1, 0), .repeat = 2 },
	{ TX_I(1, 0, 96, 4), RX_I(0, 0, 0, 2) },
	LAST(0, 2),
};

/* The card aborts its own chain. */
static const struct t1t_step s_abort_recv[] = {
	{ CMD_I0, RX_I(0, 1, 0, 10) },
	{ TX_R(1, 0), RX_S(S_ABT_REQ) },
	{ TX_S(S_ABT_RSP), RX_NONE },
	END(-ECONNABORTED, 0),
	RESYNCH,
	ANSWER,
	LAST(0, 3),
};

static const struct t1t_step s_nad[] = {
	{ CMD_I0, RX_I(0, 1, 0, 2) },
	{ TX_R(1, 0), RX_I(1, 0, 2, 1) },
	LAST(0, 3),
};

static const struct t1t_step s_small[] = {
	{ CMD_I0, RX_I(0, 0, 0, 10) },
	END(-ENOSPC, 10),
	{ TX_I(1, 0, 0, 5), RX_I(1, 0, 0, 4) },
	LAST(0, 4),
};

static const struct t1t_step s_small_chain[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	{ CMD_I0, RX_I(0, 1, 0, 254) },
	{ TX_R(1, 0), RX_I(1, 0, 254, 246) },
	END(-ENOSPC, 500),
	{ TX_I(1, 0, 0, 5), RX_I(0, 0, 0, 3) },
	LAST(0, 3),
};

static const struct t1t_step s_vpp[] = {
	{ CMD_I0, RX_S(S_VPP_ERR) },
	END(-EIO, 0),
	RESYNCH,
	ANSWER,
	LAST(0, 3),
};

static const struct t1t_step s_fatal[] = {
	{ CMD_I0, .fault = F_FATAL },
	END(-ENODEV, 0),
	RESYNCH,
	ANSWER,
	LAST(0, 3),
};

static const struct t1t_step s_wtx_flood[] = {
	{ CMD_I0, RX_S1(S_WTX_REQ, 1) },
	{ TX_S1(S_WTX_RSP, 1), RX_S1(S_WTX_REQ, 1),
	  .repeat = SCARD_T1_MAX_CARD_REQS - 1 },
	END(-EPROTO, 0),
	RESYNCH,
	ANSWER,
	LAST(0, 3),
};

static const struct t1t_step s_empty_links[] = {
	{ CMD_I0, RX_I(0, 1, 0, 0) },
	{ TX_R(1, 0), RX_I(1, 1, 0, 0), .repeat = SCARD_T1_MAX_CARD_REQS - 1 },
	END(-EPROTO, 0),
	RESYNCH,
	ANSWER,
	LAST(0, 3),
};

/* 259 links of 254 bytes are longer than any response APDU. */
static const struct t1t_step s_rsp_max[] = {
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	{ CMD_I0, RX_I(0, 1, 0, 254) },
	{ TX_R(1, 0), RX_I(1, 1, 254, 254), .repeat = 257 },
	END(-EPROTO, 0),
	RESYNCH,
	{ TX_S1(S_IFS_REQ, 254), RX_S1(S_IFS_RSP, 254) },
	ANSWER,
	LAST(0, 3),
};

/* An I-block of the card while we are still chaining. */
static const struct t1t_step s_i_in_chain[] = {
	{ TX_I(0, 1, 0, 32), RX_I(0, 0, 0, 3) },
	{ TX_R(0, R_OTHER), RX_R(1, 0) },
	{ TX_I(1, 0, 32, 8), RX_I(0, 0, 0, 3) },
	LAST(0, 3),
};

static const struct t1t_step s_bad_len_64[] = {
	{ TX_S1(S_IFS_REQ, 64), RX_S1(S_IFS_RSP, 64) },
	{ CMD_I0, RX_I(0, 0, 0, 65) },
	{ TX_R(0, R_OTHER), RX_I(0, 0, 0, 64) },
	LAST(0, 64),
};

#define T1T_CASE(desc, s, ...)	{ .name = desc, .steps = s, __VA_ARGS__ }

static const struct t1t_case t1t_cases[] = {
	T1T_CASE("S(IFS) after reset, LRC", s_ifs, .ifs = true),
	T1T_CASE("S(IFS) after reset, CRC", s_ifs, .ifs = true,
		 .edc = SCARD_T1_CRC),
	T1T_CASE("S(IFS) answered by R-block", s_ifs_r, .ifs = true),
	T1T_CASE("S(IFS) bad answers repeat it", s_ifs_lost, .ifs = true),
	T1T_CASE("S(IFS) wrong answers repeat it", s_ifs_wrong, .ifs = true),
	T1T_CASE("S(IFS) answered by S(WTX)", s_ifs_card_req, .ifs = true),
	T1T_CASE("S(IFS) failing resynchs", s_ifs_fail, .ifs = true),
	T1T_CASE("S(IFS) suppressed", s_no_ifs),
	T1T_CASE("EDC error from card, LRC", s_edc),
	T1T_CASE("EDC error from card, CRC", s_edc, .edc = SCARD_T1_CRC),
	T1T_CASE("parity error", s_parity),
	T1T_CASE("short and long blocks", s_short, .edc = SCARD_T1_CRC),
	T1T_CASE("EDC error seen by card", s_edc_card),
	T1T_CASE("lost I-block", s_lost_i),
	T1T_CASE("lost answer", s_lost_rsp),
	T1T_CASE("send chain 600/32", s_send_chain, .cmd_len = 600),
	T1T_CASE("send chain, lost ack", s_send_chain_lost, .cmd_len = 40),
	T1T_CASE("send chain, damaged link", s_send_chain_edc, .cmd_len = 80),
	T1T_CASE("receive chain 500", s_recv_chain, .rsp_size = 500,
		 .ifs = true),
	T1T_CASE("receive chain, lost ack", s_recv_chain_lost, .ifs = true),
	T1T_CASE("chains both ways, CRC", s_both_chains, .cmd_len = 600,
		 .rsp_size = 500, .edc = SCARD_T1_CRC),
	T1T_CASE("IFSC change mid-chain", s_ifs_mid_chain, .cmd_len = 100),
	T1T_CASE("IFSC change, retransmission", s_ifs_retransmit,
		 .cmd_len = 40),
	T1T_CASE("WTX", s_wtx),
	T1T_CASE("resynch after three errors", s_resynch, .ifs = true,
		 .cmd_len = 80),
	T1T_CASE("retransmission limit", s_retransmit_limit),
	T1T_CASE("resynch request repeated", s_resynch_retry),
	T1T_CASE("resynch failure", s_resynch_fail),
	T1T_CASE("resynch limit", s_resynch_limit),
	T1T_CASE("card aborts our chain", s_abort, .cmd_len = 100),
	T1T_CASE("card aborts its chain", s_abort_recv),
	T1T_CASE("NAD", s_nad, .nad = 0x12, .rnad = 0x21),
	T1T_CASE("NAD Vpp bits cleared", s_nad, .nad = 0x9a, .rnad = 0xa9),
	T1T_CASE("response buffer too small", s_small, .rsp_size = 4),
	T1T_CASE("response chain too big", s_small_chain, .rsp_size = 100,
		 .ifs = true),
	T1T_CASE("S(VPP error)", s_vpp),
	T1T_CASE("reader failure", s_fatal),
	T1T_CASE("WTX flood", s_wtx_flood),
	T1T_CASE("empty links flood", s_empty_links),
	T1T_CASE("response too long", s_rsp_max, .ifs = true),
	T1T_CASE("I-block in our chain", s_i_in_chain, .cmd_len = 40),
	T1T_CASE("LEN > IFSD 64", s_bad_len_64, .ifsd = 64, .ifs = true),
};

static void t1t_case_desc(const struct t1t_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t1t, t1t_cases, t1t_case_desc);

struct t1t_ctx {
	struct kunit *test;
	const struct t1t_case *c;
	size_t step;
	unsigned int rep;
	bool failed;
};

/* Sequence bit of an I- or R-block, to alternate in repeated lines. */
static u8 t1t_seq_bit(u8 pcb)
{
	if (!(pcb & 0x80))
		return 0x40;
	return (pcb & 0xc0) == 0x80 ? 0x10 : 0;
}

/* Offset of a repeated I-block's INF from the first one's. */
static u32 t1t_advance(const struct t1t_step *s, u8 pcb, unsigned int rep,
		       size_t len)
{
	return s->fixed || pcb & 0x80 ? 0 : rep * len;
}

static u8 t1t_cmd_byte(size_t i)
{
	return i * 7 + 1;
}

static u8 t1t_rsp_byte(size_t i)
{
	return i * 13 + 5;
}

/* Build a block whose INF is a pattern from @off, or the byte @off. */
static size_t t1t_make(u8 *b, enum scard_t1_edc edc, u8 nad, u8 pcb,
		       size_t len, u32 off, u8 (*pat)(size_t))
{
	size_t i;

	if (len == 1 && (pcb & 0x80))
		b[3] = off;
	else
		for (i = 0; i < len; i++)
			b[3 + i] = pat(off + i);
	return t1t_block(b, edc, nad, pcb, len);
}

static int t1t_xfer(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
		    size_t rx_size, size_t *rx_len, unsigned int wtx)
{
	struct t1t_ctx *x = ctx;
	struct kunit *test = x->test;
	const struct t1t_case *c = x->c;
	u8 exp[SCARD_T1_BLOCK_MAX + 8];
	u8 blk[T1T_BLOCK_ROOM];
	const struct t1t_step *s;
	size_t n;
	u8 pcb;

	if (c->steps[x->step].end) {
		KUNIT_FAIL(test, "line %zu: unexpected block %*ph", x->step,
			   (int)tx_len, tx);
		x->failed = true;
		return -ENODEV;
	}
	s = &c->steps[x->step];

	pcb = s->pcb;
	if (!s->fixed && x->rep & 1)
		pcb ^= t1t_seq_bit(pcb);
	n = t1t_make(exp, c->edc, c->nad & 0x77, pcb, s->len,
		     s->data + t1t_advance(s, pcb, x->rep, s->len), t1t_cmd_byte);
	if (tx_len != n || memcmp(tx, exp, n)) {
		KUNIT_FAIL(test, "line %zu.%u: sent %*ph, expected %*ph",
			   x->step, x->rep, (int)tx_len, tx, (int)n, exp);
		x->failed = true;
		return -ENODEV;
	}
	KUNIT_EXPECT_EQ_MSG(test, wtx, s->wtx ? s->wtx : 1, "line %zu.%u",
			    x->step, x->rep);

	pcb = s->rpcb;
	if (!s->fixed && x->rep & 1)
		pcb ^= t1t_seq_bit(pcb);
	n = t1t_make(blk, c->edc, c->rnad, pcb, s->rlen,
		     s->rdata + t1t_advance(s, pcb, x->rep, s->rlen),
		     t1t_rsp_byte);
	if (++x->rep > s->repeat) {
		x->rep = 0;
		x->step++;
	}

	switch (s->fault) {
	case F_TIMEOUT:
		return -ETIMEDOUT;
	case F_FATAL:
		return -ENODEV;
	case F_RX_LEN:
		*rx_len = rx_size + 1;
		return 0;
	case F_EDC:
		blk[n - 1] ^= 0x01;
		break;
	case F_SHORT:
		n--;
		break;
	case F_LONG:
		blk[n++] = 0;
		break;
	}
	if (n > rx_size)
		return -EMSGSIZE;
	memcpy(rx, blk, n);
	*rx_len = n;
	return s->fault == F_PARITY ? -EBADMSG : 0;
}

static const struct scard_t1_ops t1t_ops = {
	.xfer = t1t_xfer,
};

static void t1t_run(struct kunit *test, const struct t1t_case *c)
{
	size_t cmd_len = c->cmd_len ? c->cmd_len : 5;
	size_t size = c->rsp_size ? c->rsp_size : 258;
	struct t1t_ctx x = { .test = test, .c = c };
	const struct t1t_step *s;
	struct scard_t1 *t1;
	size_t rsp_len, i;
	u8 *cmd, *rsp;
	int ret;

	t1 = kunit_kzalloc(test, sizeof(*t1), GFP_KERNEL);
	cmd = kunit_kmalloc(test, cmd_len, GFP_KERNEL);
	rsp = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cmd);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rsp);
	for (i = 0; i < cmd_len; i++)
		cmd[i] = t1t_cmd_byte(i);

	ret = scard_t1_init(t1, c->ifsc ? c->ifsc : 32, c->ifsd ? c->ifsd : 254,
			    c->edc, c->ifs ? 0 : SCARD_T1_NO_IFS_REQUEST);
	KUNIT_ASSERT_EQ(test, ret, 0);
	t1->nad = c->nad;

	do {
		memset(rsp, 0xa5, size);
		ret = scard_t1_transceive(t1, &t1t_ops, &x, cmd, cmd_len, rsp,
					  size, &rsp_len);
		if (x.failed)
			return;
		s = &c->steps[x.step];
		KUNIT_ASSERT_TRUE_MSG(test, s->end,
				      "line %zu: ended early with %d", x.step,
				      ret);
		KUNIT_EXPECT_EQ_MSG(test, ret, s->ret, "line %zu", x.step);
		KUNIT_EXPECT_EQ_MSG(test, rsp_len, s->rsp_len, "line %zu",
				    x.step);
		for (i = 0; (!ret || ret == -ENOSPC) && i < rsp_len &&
		     i < size; i++)
			if (rsp[i] != t1t_rsp_byte(i))
				break;
		KUNIT_EXPECT_EQ_MSG(test, i, min(rsp_len, size),
				    "line %zu: wrong response byte", x.step);
		if (!ret)
			KUNIT_EXPECT_EQ(test, t1->rsp_nad, c->rnad);
		KUNIT_EXPECT_EQ(test, scard_t1_needs_reset(t1), s->reset);
		if (s->reset) {
			/* No block is exchanged until a reset. */
			ret = scard_t1_transceive(t1, &t1t_ops, &x, cmd,
						  cmd_len, rsp, size, &rsp_len);
			KUNIT_EXPECT_EQ(test, ret, -EPROTO);
		}
		x.step++;
	} while (!s->last);
}

static void t1t_script_test(struct kunit *test)
{
	t1t_run(test, test->param_value);
}

/**
 * struct t1t_bad - an invalid block of the card, answered by an R-block
 * @name: description
 * @err: error bits of the R-block
 * @edc: EDC of the card
 * @bad: the engine's command and the invalid block
 */
struct t1t_bad {
	const char *name;
	u8 err;
	enum scard_t1_edc edc;
	struct t1t_step bad;
};

#define T1T_BAD(desc, e, ...)	{ desc, e, SCARD_T1_LRC, { CMD_I0, __VA_ARGS__ } }

static const struct t1t_bad t1t_bad_blocks[] = {
	T1T_BAD("LEN 0xff", R_OTHER, RX_I(0, 0, 0, 255)),
	{ "block larger than the buffer", R_OTHER, SCARD_T1_CRC,
	  { CMD_I0, RX_I(0, 0, 0, 255) } },
	T1T_BAD("LEN > IFSD 32 before S(IFS)", R_OTHER, RX_I(0, 0, 0, 33)),
	T1T_BAD("wrong N(S)", R_OTHER, RX_I(1, 0, 0, 3)),
	T1T_BAD("I-block RFU bits", R_OTHER, .rpcb = 0x01, .rlen = 3),
	T1T_BAD("R-block RFU bits", R_OTHER, .rpcb = 0xa0),
	T1T_BAD("R-block error 3", R_OTHER, .rpcb = 0x83),
	T1T_BAD("R-block with INF", R_OTHER, RX_R(0, 0), .rlen = 1),
	T1T_BAD("R-block acks an unchained block", R_OTHER, RX_R(1, 0)),
	T1T_BAD("unknown S request", R_OTHER, RX_S(0xc5)),
	T1T_BAD("unknown S response", R_OTHER, RX_S(0xe5)),
	T1T_BAD("S(VPP error) request form", R_OTHER, RX_S(0xc4)),
	T1T_BAD("S(IFS) 0", R_OTHER, RX_S1(S_IFS_REQ, 0)),
	T1T_BAD("S(IFS) 255", R_OTHER, RX_S1(S_IFS_REQ, 255)),
	T1T_BAD("S(IFS) LEN 2", R_OTHER, RX_S(S_IFS_REQ), .rlen = 2),
	T1T_BAD("S(WTX) 0", R_OTHER, RX_S1(S_WTX_REQ, 0)),
	T1T_BAD("S(WTX) LEN 0", R_OTHER, RX_S(S_WTX_REQ)),
	T1T_BAD("S(ABORT) LEN 1", R_OTHER, RX_S1(S_ABT_REQ, 1)),
	T1T_BAD("S(RESYNCH) from the card", R_OTHER, RX_S(S_RES_REQ)),
	T1T_BAD("unasked S response", R_OTHER, RX_S1(S_IFS_RSP, 32)),
	T1T_BAD("block without EDC", R_EDC, RX_R(0, 0), .fault = F_SHORT),
	T1T_BAD("reader reports too many bytes", R_OTHER, RX_R(0, 0),
		.fault = F_RX_LEN),
};

static void t1t_bad_desc(const struct t1t_bad *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t1t_bad, t1t_bad_blocks, t1t_bad_desc);

static void t1t_bad_block_test(struct kunit *test)
{
	const struct t1t_bad *b = test->param_value;
	const struct t1t_step steps[] = {
		b->bad,
		{ TX_R(0, b->err), RX_I(0, 0, 0, 3) },
		LAST(0, 3),
	};
	const struct t1t_case c = {
		.name = b->name,
		.steps = steps,
		.edc = b->edc,
	};

	t1t_run(test, &c);
}

static struct kunit_case scard_t1_test_cases[] = {
	KUNIT_CASE_PARAM(t1t_script_test, t1t_gen_params),
	KUNIT_CASE_PARAM(t1t_bad_block_test, t1t_bad_gen_params),
	{}
};

static struct kunit_suite scard_t1_test_suite = {
	.name = "scard_t1",
	.test_cases = scard_t1_test_cases,
};

kunit_test_suite(scard_t1_test_suite);

MODULE_DESCRIPTION("KUnit tests for the scard T=1 engine");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
