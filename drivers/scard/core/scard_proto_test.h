/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake reader of the scard protocol glue KUnit suites: a reader at TPDU
 * or character level whose io ops play a scripted card (PPS, T=0 with its
 * procedure bytes, T=1 blocks) and check every timeout they are given
 * against the timing engine and the formula of proto.c.
 */
#ifndef _SCARD_PROTO_TEST_H
#define _SCARD_PROTO_TEST_H

#include <kunit/test.h>
#include <linux/scard.h>

#include "scard_core.h"

#define T0		SCARD_PROTO_T0
#define T1		SCARD_PROTO_T1
#define TX		SCARD_PROTO_TX
#define DFLT		SCARD_PROTO_DEFAULT
#define APDU		SCARD_TRANSMIT_APDU
#define TPDU		SCARD_LEVEL_TPDU
#define CHR		SCARD_LEVEL_CHAR

#define PT_CLK		3580			/* the reader's one clock */
#define PT_SLACK_NS	(100 * NSEC_PER_MSEC)	/* proto.c's reader slack */
#define PT_BUF		600
#define PT_IFSD		254
#define PT_MAX_CASES	32

enum pt_pps {
	PPS_ACCEPT,	/* echo */
	PPS_NO_PPS1,	/* answer without PPS1: the defaults */
	PPS_SILENT,	/* no answer */
	PPS_GARBLE,	/* echo with a wrong PCK */
};

enum pt_ack {
	ACK_ALL,	/* INS: all data at once */
	ACK_ONE,	/* ~INS for each byte */
	ACK_NULL,	/* a NULL byte before each procedure byte and SW1 */
	ACK_BAD,	/* an invalid procedure byte */
};

/* Character level: what the card is reading. */
enum pt_in {
	IN_IDLE,
	IN_PPS,
	IN_T0,
	IN_T1,
};

/**
 * struct pt - the fake reader, its card and what it saw
 * @test: the running test
 * @reader: the reader
 * @atr: the card's ATR
 * @atr_len: its length
 * @t1: the card speaks T=1 now
 * @fresh: reset, nothing exchanged yet: a PPS request is possible
 * @mute: the card answers nothing
 * @pps: the card's answer to the first PPS request and to later ones
 * @ack: T=0 procedure bytes at character level
 * @wtx: ask for S(WTX) 3 before the first T=1 answer
 * @wtx_done: did so
 * @card_ns: N(S) of the card's next I-block
 * @card_ifsd: IFSD the card knows
 * @cmd: T=1 command received so far, T=0 TPDU received so far
 * @cmd_len: length of @cmd
 * @rsp: T=1 response being sent; T=0 response
 * @rsp_len: length of @rsp
 * @rsp_off: T=1 response bytes sent
 * @last: the card's last T=1 block, sent again after an R-block
 * @last_len: its length
 * @pending: T=0 response data left for GET RESPONSE
 * @in: character level input state
 * @in_buf: the bytes of the PPS request or T=1 block being read
 * @in_len: bytes in @in_buf
 * @in_need: length of the PPS request
 * @out: character level bytes for the reader
 * @out_len: bytes in @out
 * @out_off: bytes of @out the reader received
 * @pps_rx: the reader is receiving a PPS response
 * @pps_first: the next receive is the first of a PPS response
 * @t1_rest: the next receive is the rest of a T=1 block
 * @wtx_next: BWT multiplier for the card's next block
 * @nad: NAD of the reader's last T=1 block
 * @power_calls: power callback calls
 * @params_calls: set_params calls
 * @p_protocol: set_params' protocol
 * @p_fl: set_params' Fi index
 * @p_dl: set_params' Di index
 * @p_clk: set_params' clock
 * @pps_count: PPS requests received
 * @pps_req: the first PPS request
 * @ifs_reqs: S(IFS request) received
 * @tpdus: T=0 TPDUs answered
 * @xfers: xfer calls
 * @recvs: recv calls
 * @checks: timeouts checked
 * @expect: check the data timeouts against @t
 * @t: the timing the link must have
 * @rx: TRANSMIT response
 * @rx_len: its length
 * @rx_nad: TRANSMIT's NAD out
 */
struct pt {
	struct kunit *test;
	struct scard_reader *reader;
	const u8 *atr;
	size_t atr_len;

	bool t1;
	bool fresh;
	bool mute;
	enum pt_pps pps[2];
	enum pt_ack ack;
	bool wtx;
	bool wtx_done;
	u8 card_ns;
	u8 card_ifsd;
	u8 cmd[PT_BUF];
	size_t cmd_len;
	u8 rsp[PT_BUF];
	size_t rsp_len;
	size_t rsp_off;
	u8 last[SCARD_T1_BLOCK_MAX];
	size_t last_len;
	size_t pending;

	enum pt_in in;
	u8 in_buf[SCARD_T1_BLOCK_MAX];
	size_t in_len;
	size_t in_need;
	u8 out[2 * PT_BUF];
	size_t out_len;
	size_t out_off;
	bool pps_rx;
	bool pps_first;
	bool t1_rest;
	unsigned int wtx_next;
	u8 nad;

	int power_calls;
	int params_calls;
	u32 p_protocol;
	u8 p_fl;
	u8 p_dl;
	u32 p_clk;
	int pps_count;
	u8 pps_req[SCARD_PPS_MAX];
	int ifs_reqs;
	int tpdus;
	int xfers;
	int recvs;
	int checks;

	bool expect;
	struct scard_timing t;

	u8 rx[PT_BUF];
	u32 rx_len;
	u8 rx_nad;
};

/**
 * struct pt_param - a test parameter: a case of a table at one level
 * @level: %SCARD_LEVEL_TPDU or %SCARD_LEVEL_CHAR
 * @index: the case
 */
struct pt_param {
	unsigned int level;
	unsigned int index;
};

const struct pt_param *scard_pt_param_next(const void *prev, size_t n);
const char *scard_pt_level_name(unsigned int level);

int scard_pt_suite_init(struct kunit_suite *suite);
void scard_pt_suite_exit(struct kunit_suite *suite);
int scard_pt_init(struct kunit *test);
void scard_pt_exit(struct kunit *test);
struct pt *scard_pt_start(struct kunit *test, unsigned int level, const u8 *atr,
			  size_t atr_len);
void scard_pt_expect(struct pt *p, u32 protocol, u8 fl, u8 dl);
int scard_pt_set_protocol(struct pt *p, u32 mask);
int scard_pt_transmit(struct pt *p, u32 protocol, u32 flags, u8 nad, const u8 *cmd,
		      size_t len);
void scard_pt_expect_state(struct pt *p, unsigned int state, u32 protocol);
void scard_pt_expect_rsp(struct pt *p, const u8 *rsp, size_t len);

#endif /* _SCARD_PROTO_TEST_H */
