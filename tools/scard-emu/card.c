// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: the card operating system (ISO/IEC 7816-4 commands).
 *
 *   00 A4 SELECT          P1 00 (FID; no data: MF), 01 (child DF), 02 (EF
 *                         of the current DF), 03 (parent), 04 (DF name,
 *                         prefix match), 08 (path from MF), 09 (path from
 *                         the current DF); P2 00 FCI, 04 FCP, 08 FMD, 0C
 *                         none; P2 02: next occurrence (there is none)
 *   00 B0 READ BINARY     offset P1P2, or SFI in P1 (1xxxxxxx) and offset P2
 *   00 D6 UPDATE BINARY   same addressing
 *   00 20 VERIFY          P2 81 (or 01): the PIN (default "1234", 3 tries);
 *                         no data: 9000 or 63Cx; P1 FF: forget the PIN
 *   00 2C RESET RETRY     P1 00: PUK || new PIN, P1 01: PUK (default
 *         COUNTER         "12345678", 5 tries); P2 81 (or 01)
 *   00 84 GET CHALLENGE   Ne random bytes (1..256)
 *   00 C0 GET RESPONSE    the data a T=0 case 4 command left (61xx); also
 *                         with CLA 80, after the proprietary commands
 *   80 10 ECHO            returns the command data
 *   80 12 GENERATE        returns P1P2 bytes: byte i = i % 251
 *
 * Status words: 6E00 class, 6D00 instruction, 6A86 P1-P2, 6A82 not found,
 * 6982 security, 6983 blocked, 63Cx tries left (63C0 on the attempt that
 * blocks), 6B00 offset, 6282 end of file before Ne bytes, 6700 length,
 * 6985 no data for GET RESPONSE, 6986 no current EF, 6881/6882/6884 for
 * logical channels, secure messaging and command chaining in CLA.
 *
 * T=0 (a->t0): a case 3 command with response data answers 61xx and
 * keeps the data for GET RESPONSE; a case 2 command whose P3 does not
 * match the bytes available answers 6Cxx (READ BINARY and GET RESPONSE:
 * only when P3 asks for more). Otherwise data that Ne does not cover is
 * left for GET RESPONSE with 61xx.
 */
#include <string.h>

#include "emu.h"

#define INS_SELECT		0xa4
#define INS_READ_BINARY		0xb0
#define INS_UPDATE_BINARY	0xd6
#define INS_VERIFY		0x20
#define INS_RESET_RETRY		0x2c
#define INS_GET_CHALLENGE	0x84
#define INS_GET_RESPONSE	0xc0
#define INS_ECHO		0x10
#define INS_GENERATE		0x12

#define CLA_PROPRIETARY		0x80
#define PIN_TRIES		3
#define PUK_TRIES		5
#define PIN_MIN			4
#define PIN_MAX			8

static void os_session_reset(struct emu_os *os)
{
	os->cur_df = 0;
	os->cur_ef = FS_NONE;
	os->pin_ok = false;
	buf_reset(&os->pending);
	os->pending_off = 0;
}

void card_init(struct emu_card *c, const struct emu_config *cfg, u32 index)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->index = index;
	fs_init(&c->os);
	memcpy(c->os.pin, cfg->pin, cfg->pin_len);
	c->os.pin_len = cfg->pin_len;
	c->os.pin_tries = PIN_TRIES;
	c->os.puk_tries = PUK_TRIES;
	os_session_reset(&c->os);
	card_set_atr(c, cfg->atr, cfg->atr_len);
}

void card_free(struct emu_card *c)
{
	fs_free(&c->os);
	buf_free(&c->os.pending);
	buf_free(&c->t1.cmd);
	buf_free(&c->t1.rsp);
	outq_free(&c->out);
}

void card_set_atr(struct emu_card *c, const u8 *atr, size_t len)
{
	memcpy(c->atr, atr, len);
	c->atr_len = len;
	if (atr_parse(atr, len, &c->ai))
		emu_log(c, "the ATR is malformed");
}

void card_insert(struct emu_card *c)
{
	c->present = true;
	c->powered = false;
	c->apdus = 0;
	card_set_atr(c, c->cfg->atr, c->cfg->atr_len);
	link_reset(c);
}

void card_remove(struct emu_card *c)
{
	c->present = false;
	c->powered = false;
	os_session_reset(&c->os);
	link_reset(c);
}

/* A reset: the security state goes, the file contents and PIN stay. */
void card_reset(struct emu_card *c, bool warm)
{
	const struct emu_config *cfg = c->cfg;

	if (warm && cfg->warm_atr_len)
		card_set_atr(c, cfg->warm_atr, cfg->warm_atr_len);
	else
		card_set_atr(c, cfg->atr, cfg->atr_len);
	c->powered = true;
	os_session_reset(&c->os);
	link_reset(c);
}

void card_power_down(struct emu_card *c)
{
	c->powered = false;
	os_session_reset(&c->os);
	link_reset(c);
}

/*
 * Parse a command APDU (ISO/IEC 7816-3 12.1: cases 1, 2S/E, 3S/E, 4S/E).
 * Returns 0, or -1 for an inconsistent length (a->cse is then 0).
 */
int apdu_parse(const u8 *cmd, size_t len, struct emu_apdu *a)
{
	size_t n;

	memset(a, 0, sizeof(*a));
	a->raw = cmd;
	a->raw_len = len;
	if (len < 4)
		return -1;
	a->cla = cmd[0];
	a->ins = cmd[1];
	a->p1 = cmd[2];
	a->p2 = cmd[3];
	if (len == 4) {
		a->cse = 1;
		return 0;
	}
	if (len == 5) {
		a->cse = 2;
		a->ne = cmd[4] ? cmd[4] : 256;
		a->ne_max = !cmd[4];
		return 0;
	}
	if (cmd[4]) {
		n = cmd[4];
		a->data = cmd + 5;
		a->nc = n;
		if (len == 5 + n) {
			a->cse = 3;
			return 0;
		}
		if (len == 6 + n) {
			a->cse = 4;
			a->ne = cmd[len - 1] ? cmd[len - 1] : 256;
			a->ne_max = !cmd[len - 1];
			return 0;
		}
		goto bad;
	}
	if (len < 7)
		goto bad;
	a->ext = true;
	n = cmd[5] << 8 | cmd[6];
	if (len == 7) {
		a->cse = 2;
		a->ne = n ? n : 65536;
		a->ne_max = !n;
		return 0;
	}
	if (!n)
		goto bad;
	a->data = cmd + 7;
	a->nc = n;
	if (len == 7 + n) {
		a->cse = 3;
		return 0;
	}
	if (len == 9 + n) {
		a->cse = 4;
		n = cmd[len - 2] << 8 | cmd[len - 1];
		a->ne = n ? n : 65536;
		a->ne_max = !n;
		return 0;
	}
bad:
	a->cse = 0;
	a->data = NULL;
	a->nc = 0;
	a->ne = 0;
	return -1;
}

static void pending_set(struct emu_os *os, const u8 *d, size_t len, u16 sw)
{
	buf_reset(&os->pending);
	buf_put(&os->pending, d, len);
	os->pending_off = 0;
	os->pending_sw = sw;
}

static u16 sw_more(size_t rest)
{
	return SW_MORE(rest > 255 ? 0 : rest);
}

/* Answer data of a fixed length @len with @sw, per the Ne rules above. */
static void rsp_data(struct emu_card *c, const struct emu_apdu *a,
		     const u8 *d, size_t len, u16 sw, struct emu_buf *rsp)
{
	size_t n;

	if (!len) {
		buf_sw(rsp, sw);
		return;
	}
	if (a->t0 && a->cse != 2) {
		pending_set(&c->os, d, len, sw);
		buf_sw(rsp, sw_more(len));
		return;
	}
	if (a->t0 && len <= 256 && a->ne != len) {
		buf_sw(rsp, SW_WRONG_LE(len));
		return;
	}
	if (!a->ne) {
		buf_sw(rsp, sw);
		return;
	}
	n = a->ne < len ? a->ne : len;
	buf_put(rsp, d, n);
	if (n < len) {
		pending_set(&c->os, d + n, len - n, sw);
		buf_sw(rsp, sw_more(len - n));
	} else {
		buf_sw(rsp, sw);
	}
}

static u16 cmd_get_response(struct emu_card *c, const struct emu_apdu *a,
			    struct emu_buf *rsp)
{
	struct emu_os *os = &c->os;
	size_t rest = os->pending.len - os->pending_off;
	size_t n;

	if (a->p1 || a->p2)
		return SW_WRONG_P1P2;
	if (!rest)
		return SW_CONDITIONS;
	if (!a->ne || a->nc)
		return SW_WRONG_LENGTH;
	if (a->t0 && a->ne > rest)
		return SW_WRONG_LE(rest);
	n = a->ne < rest ? a->ne : rest;
	buf_put(rsp, os->pending.data + os->pending_off, n);
	os->pending_off += n;
	rest -= n;
	if (rest)
		return sw_more(rest);
	buf_reset(&os->pending);
	os->pending_off = 0;
	return os->pending_sw;
}

static void select_file(struct emu_os *os, int idx)
{
	if (os->files[idx].df) {
		os->cur_df = idx;
		os->cur_ef = FS_NONE;
	} else {
		os->cur_df = os->files[idx].parent;
		os->cur_ef = idx;
	}
}

static int select_path(const struct emu_os *os, int df, const u8 *p,
		       size_t n)
{
	int idx = df;
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		u16 fid = p[i] << 8 | p[i + 1];

		if (!i && df == 0 && fid == 0x3f00)
			continue;
		if (!os->files[idx].df)
			return FS_NONE;
		idx = fs_child(os, idx, fid, -1);
		if (idx == FS_NONE)
			return FS_NONE;
	}
	return idx;
}

static u16 cmd_select(struct emu_card *c, const struct emu_apdu *a,
		      struct emu_buf *rsp)
{
	struct emu_os *os = &c->os;
	struct emu_buf d = { 0 };
	u16 fid = a->nc == 2 ? a->data[0] << 8 | a->data[1] : 0;
	int idx;

	if (a->p2 & 0xf0)
		return SW_WRONG_P1P2;
	switch (a->p1) {
	case 0x00:
		if (a->nc && a->nc != 2)
			return SW_NC_P1P2;
		idx = a->nc ? fs_select_fid(os, fid) : 0;
		break;
	case 0x01:
	case 0x02:
		if (a->nc != 2)
			return SW_NC_P1P2;
		idx = fs_child(os, os->cur_df, fid, a->p1 == 0x01);
		break;
	case 0x03:
		if (a->nc)
			return SW_NC_P1P2;
		idx = os->files[os->cur_df].parent;
		break;
	case 0x04:
		if ((a->p2 & 0x03) == 0x02)
			idx = FS_NONE;	/* one application: no next one */
		else
			idx = a->nc ? fs_by_aid(os, a->data, a->nc) : 0;
		break;
	case 0x08:
	case 0x09:
		if (!a->nc || a->nc & 1)
			return SW_NC_P1P2;
		idx = select_path(os, a->p1 == 0x08 ? 0 : os->cur_df,
				  a->data, a->nc);
		break;
	default:
		return SW_WRONG_P1P2;
	}
	if (idx == FS_NONE)
		return SW_NOT_FOUND;
	select_file(os, idx);

	switch (a->p2 & 0x0c) {
	case 0x00:
		fs_fcp(os, idx, 0x6f, &d);
		break;
	case 0x04:
		fs_fcp(os, idx, 0x62, &d);
		break;
	case 0x08:
		fs_fmd(&d);
		break;
	}
	rsp_data(c, a, d.data, d.len, SW_OK, rsp);
	buf_free(&d);
	return 0;
}

static bool ac_ok(const struct emu_os *os, enum fs_ac ac)
{
	return ac == AC_ALWAYS || (ac == AC_PIN && os->pin_ok);
}

/* The EF and offset of READ / UPDATE BINARY; returns 0 or a status. */
static u16 binary_target(struct emu_os *os, const struct emu_apdu *a,
			 int *idx, size_t *off)
{
	if (a->p1 & 0x80) {
		if (a->p1 & 0x60)
			return SW_WRONG_P1P2;
		*idx = fs_by_sfi(os, os->cur_df, a->p1 & 0x1f);
		if (*idx == FS_NONE)
			return SW_NOT_FOUND;
		os->cur_ef = *idx;
		*off = a->p2;
		return 0;
	}
	if (os->cur_ef == FS_NONE)
		return SW_NO_CURRENT_EF;
	*idx = os->cur_ef;
	*off = (a->p1 & 0x7f) << 8 | a->p2;
	return 0;
}

static u16 cmd_read_binary(struct emu_card *c, const struct emu_apdu *a,
			   struct emu_buf *rsp)
{
	struct emu_os *os = &c->os;
	const struct fs_file *f;
	size_t off, avail, n;
	int idx;
	u16 sw;

	sw = binary_target(os, a, &idx, &off);
	if (sw)
		return sw;
	f = &os->files[idx];
	if (!ac_ok(os, f->read_ac))
		return SW_SECURITY;
	if (!a->ne || a->nc)
		return SW_WRONG_LENGTH;
	if (off >= f->size)
		return SW_WRONG_OFFSET;
	avail = f->size - off;
	if (a->t0 && a->ne > avail)
		return SW_WRONG_LE(avail);
	n = a->ne < avail ? a->ne : avail;
	buf_put(rsp, f->data + off, n);
	return a->ne > avail && !a->ne_max ? SW_EOF : SW_OK;
}

static u16 cmd_update_binary(struct emu_card *c, const struct emu_apdu *a)
{
	struct emu_os *os = &c->os;
	struct fs_file *f;
	size_t off;
	int idx;
	u16 sw;

	sw = binary_target(os, a, &idx, &off);
	if (sw)
		return sw;
	f = &os->files[idx];
	if (!ac_ok(os, f->update_ac))
		return SW_SECURITY;
	if (!a->nc)
		return SW_WRONG_LENGTH;
	if (off > f->size)
		return SW_WRONG_OFFSET;
	if (a->nc > f->size - off)
		return SW_NO_SPACE;
	memcpy(f->data + off, a->data, a->nc);
	return SW_OK;
}

static bool pin_ref_ok(u8 p2)
{
	return p2 == 0x81 || p2 == 0x01;
}

static u16 cmd_verify(struct emu_card *c, const struct emu_apdu *a)
{
	struct emu_os *os = &c->os;

	if (a->p1 == 0xff && !a->nc && pin_ref_ok(a->p2)) {
		os->pin_ok = false;
		return SW_OK;
	}
	if (a->p1)
		return SW_WRONG_P1P2;
	if (!pin_ref_ok(a->p2))
		return SW_REF_NOT_FOUND;
	if (!os->pin_tries)
		return SW_BLOCKED;
	if (!a->nc)
		return os->pin_ok ? SW_OK : SW_PIN_TRIES(os->pin_tries);
	if (a->nc == os->pin_len && !memcmp(a->data, os->pin, os->pin_len)) {
		os->pin_ok = true;
		os->pin_tries = PIN_TRIES;
		return SW_OK;
	}
	os->pin_ok = false;
	os->pin_tries--;
	return SW_PIN_TRIES(os->pin_tries);
}

static u16 cmd_reset_retry(struct emu_card *c, const struct emu_apdu *a)
{
	struct emu_os *os = &c->os;
	const struct emu_config *cfg = c->cfg;
	size_t new_len;

	if (a->p1 > 0x01)
		return SW_WRONG_P1P2;
	if (!pin_ref_ok(a->p2))
		return SW_REF_NOT_FOUND;
	if (a->nc < cfg->puk_len)
		return SW_WRONG_LENGTH;
	new_len = a->nc - cfg->puk_len;
	if (a->p1 == 0x01 ? new_len != 0 :
			    new_len < PIN_MIN || new_len > PIN_MAX)
		return SW_WRONG_LENGTH;
	if (!os->puk_tries)
		return SW_BLOCKED;
	if (memcmp(a->data, cfg->puk, cfg->puk_len)) {
		os->puk_tries--;
		return SW_PIN_TRIES(os->puk_tries);
	}
	os->puk_tries = PUK_TRIES;
	os->pin_tries = PIN_TRIES;
	os->pin_ok = false;
	if (new_len) {
		memcpy(os->pin, a->data + cfg->puk_len, new_len);
		os->pin_len = new_len;
	}
	return SW_OK;
}

static u16 cmd_get_challenge(const struct emu_apdu *a, struct emu_buf *rsp)
{
	u8 r[256];

	if (a->p1 || a->p2)
		return SW_WRONG_P1P2;
	if (!a->ne || a->nc || a->ne > sizeof(r))
		return SW_WRONG_LENGTH;
	emu_random(r, a->ne);
	buf_put(rsp, r, a->ne);
	return SW_OK;
}

static u16 cmd_generate(struct emu_card *c, const struct emu_apdu *a,
			struct emu_buf *rsp)
{
	size_t n = a->p1 << 8 | a->p2, i;
	struct emu_buf d = { 0 };

	if (!n)
		return SW_WRONG_P1P2;
	if (a->nc)
		return SW_WRONG_LENGTH;
	for (i = 0; i < n; i++)
		buf_byte(&d, i % 251);
	rsp_data(c, a, d.data, d.len, SW_OK, rsp);
	buf_free(&d);
	return 0;
}

/* The class byte: 0 if the card takes it, else the status. */
static u16 card_check_cla(u8 cla)
{
	if (cla == 0xff)
		return SW_BAD_CLA;
	if (cla & 0x80)
		return cla == CLA_PROPRIETARY ? 0 : SW_BAD_CLA;
	if (cla & 0x60)
		return SW_BAD_CLA;
	if (cla & 0x10)
		return SW_NO_CHAINING;
	if (cla & 0x0c)
		return SW_NO_SM;
	if (cla & 0x03)
		return SW_NO_CHANNEL;
	return 0;
}

static bool card_ins_known(u8 cla, u8 ins)
{
	if (cla == CLA_PROPRIETARY)
		return ins == INS_ECHO || ins == INS_GENERATE ||
		       ins == INS_GET_RESPONSE;
	switch (ins) {
	case INS_SELECT:
	case INS_READ_BINARY:
	case INS_UPDATE_BINARY:
	case INS_VERIFY:
	case INS_RESET_RETRY:
	case INS_GET_CHALLENGE:
	case INS_GET_RESPONSE:
		return true;
	}
	return false;
}

static bool card_scripted(struct emu_card *c, const struct emu_apdu *a,
			  struct emu_buf *rsp)
{
	const u8 *d;
	size_t n;

	if (!c->cfg->script)
		return false;
	if (script_lookup(c->cfg->script, a, &d, &n)) {
		if (!c->cfg->script_only)
			return false;
		buf_sw(rsp, SW_BAD_INS);
		return true;
	}
	emu_log(c, "scripted response");
	rsp_data(c, a, d, n - 2, d[n - 2] << 8 | d[n - 1], rsp);
	return true;
}

/* Run one command; appends the response data and SW1 SW2 to @rsp. */
void card_command(struct emu_card *c, const struct emu_apdu *a,
		  struct emu_buf *rsp)
{
	u16 sw;

	c->apdus++;
	if (a->cse && a->ins != INS_GET_RESPONSE) {
		buf_reset(&c->os.pending);
		c->os.pending_off = 0;
	}
	if (card_scripted(c, a, rsp))
		return;
	if (!a->cse) {
		buf_sw(rsp, SW_WRONG_LENGTH);
		return;
	}
	sw = card_check_cla(a->cla);
	if (!sw && !card_ins_known(a->cla, a->ins))
		sw = SW_BAD_INS;
	if (sw) {
		buf_sw(rsp, sw);
		return;
	}

	if (a->cla == CLA_PROPRIETARY && a->ins != INS_GET_RESPONSE) {
		if (a->p1 && a->ins == INS_ECHO)
			sw = SW_WRONG_P1P2;
		else if (a->ins == INS_ECHO)
			rsp_data(c, a, a->data, a->nc, SW_OK, rsp);
		else
			sw = cmd_generate(c, a, rsp);
	} else {
		switch (a->ins) {
		case INS_SELECT:
			sw = cmd_select(c, a, rsp);
			break;
		case INS_READ_BINARY:
			sw = cmd_read_binary(c, a, rsp);
			break;
		case INS_UPDATE_BINARY:
			sw = cmd_update_binary(c, a);
			break;
		case INS_VERIFY:
			sw = cmd_verify(c, a);
			break;
		case INS_RESET_RETRY:
			sw = cmd_reset_retry(c, a);
			break;
		case INS_GET_CHALLENGE:
			sw = cmd_get_challenge(a, rsp);
			break;
		case INS_GET_RESPONSE:
			sw = cmd_get_response(c, a, rsp);
			break;
		}
	}
	if (sw)
		buf_sw(rsp, sw);
}

/* A command APDU (APDU level, T=1): parse and run it. */
void card_apdu(struct emu_card *c, const u8 *cmd, size_t len,
	       struct emu_buf *rsp)
{
	struct emu_apdu a;

	apdu_parse(cmd, len, &a);
	emu_dump(c, "APDU <-", cmd, len);
	card_command(c, &a, rsp);
	emu_dump(c, "APDU ->", rsp->data, rsp->len);
}

/* Which way the data of a T=0 command goes, from its header. */
int card_t0_dir(const struct emu_card *c, const u8 *hdr)
{
	int dir = c->cfg->script ? script_t0_dir(c->cfg->script, hdr) : 0;

	if (dir)
		return dir;
	if (hdr[0] == CLA_PROPRIETARY)
		return hdr[1] == INS_ECHO ? T0_IN : T0_OUT;
	switch (hdr[1]) {
	case INS_SELECT:
	case INS_UPDATE_BINARY:
	case INS_VERIFY:
	case INS_RESET_RETRY:
	case 0x22:	/* MANAGE SECURITY ENVIRONMENT */
	case 0x24:	/* CHANGE REFERENCE DATA */
	case 0x2a:	/* PERFORM SECURITY OPERATION */
	case 0x82:	/* EXTERNAL AUTHENTICATE */
	case 0x88:	/* INTERNAL AUTHENTICATE */
	case 0xd2:	/* WRITE RECORD */
	case 0xdc:	/* UPDATE RECORD */
	case 0xe2:	/* APPEND RECORD */
		return T0_IN;
	}
	return T0_OUT;
}

/*
 * Character level T=0: a status the card answers right after the header
 * of a command with data, without taking the data; 0 to take it.
 */
u16 card_t0_precheck(const struct emu_card *c, const u8 *hdr)
{
	u16 sw;

	if (c->cfg->script && script_t0_dir(c->cfg->script, hdr))
		return 0;
	if ((hdr[1] & 0xf0) == 0x60 || (hdr[1] & 0xf0) == 0x90)
		return SW_BAD_INS;
	sw = card_check_cla(hdr[0]);
	if (sw)
		return sw;
	return card_ins_known(hdr[0], hdr[1]) ? 0 : SW_BAD_INS;
}
