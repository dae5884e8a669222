// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl power / atr: reset the card and decode its answer to reset
 * (ISO/IEC 7816-3) in user space.
 *
 * The decoder walks the ATR once, never past its length: TS, T0, the
 * interface byte groups announced by T0 and the TDi, K historical bytes and
 * TCK when a TDi names a protocol other than T=0. A missing byte, a bad TS,
 * a wrong TCK or bytes left over make the ATR malformed; what was decoded
 * up to there is still shown.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scardctl.h"

#define ATR_TS_DIRECT		0x3b
#define ATR_TS_INVERSE		0x3f
#define ATR_TS_INVERSE_RAW	0x03
#define ATR_T1			1
#define ATR_T15			15

enum { TCK_NONE, TCK_OK, TCK_BAD, TCK_MISSING };

/* Fi and fmax (kHz) by TA1 high nibble, Di by TA1 low nibble; 0 is RFU. */
static const unsigned int fi_table[16] = {
	372, 372, 558, 744, 1116, 1488, 1860, 0,
	0, 512, 768, 1024, 1536, 2048, 0, 0,
};

static const unsigned int fmax_table[16] = {
	4000, 5000, 6000, 8000, 12000, 16000, 20000, 0,
	0, 5000, 7500, 10000, 15000, 20000, 0, 0,
};

static const unsigned int di_table[16] = {
	0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0,
};

struct atr_line {
	char name[8];
	unsigned char val;
	char text[80];
};

/**
 * struct atr_info - a decoded ATR
 * @b: the ATR in direct convention
 * @len: its length
 * @converted: it was given in the inverse convention, undecoded (TS 03)
 * @k: number of historical bytes
 * @fi: TA1 high nibble (1 if no TA1)
 * @di: TA1 low nibble (1 if no TA1)
 * @n: TC1, extra guard time
 * @offered: bit T set for each protocol T a TDi names (T=0 if no TD1)
 * @specific: TA2 present
 * @ta2: TA2
 * @wi: TC2 for T=0 (10 if absent)
 * @ifsc: T=1 IFSC (32 if absent)
 * @cwi: T=1 CWI (13 if absent)
 * @bwi: T=1 BWI (4 if absent)
 * @edc: T=1 EDC, 0 LRC, 1 CRC
 * @hist: offset of the historical bytes
 * @hist_len: number of historical bytes present
 * @tck: TCK_*
 * @extra: bytes after the ATR
 * @error: why the ATR is malformed, NULL if it is not
 * @lines: the bytes TS .. TDi with their meaning
 * @nlines: number of @lines
 */
struct atr_info {
	unsigned char b[SCARD_ATR_MAX];
	size_t len;
	bool converted;
	unsigned int k;
	unsigned int fi, di, n;
	unsigned int offered;
	bool specific;
	unsigned int ta2;
	unsigned int wi, ifsc, cwi, bwi, edc;
	size_t hist;
	unsigned int hist_len;
	int tck;
	unsigned int extra;
	const char *error;
	struct atr_line lines[SCARD_ATR_MAX];
	unsigned int nlines;
};

/* A byte of the inverse convention as read in the direct convention. */
static unsigned char inverse_byte(unsigned char c)
{
	unsigned char r = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (!(c & (1 << i)))
			r |= 0x80 >> i;
	return r;
}

static struct atr_line *add_line(struct atr_info *a, const char *name,
				 unsigned int group, unsigned char val)
{
	struct atr_line *l = &a->lines[a->nlines++];

	snprintf(l->name, sizeof(l->name), "%s%.0u", name, group);
	l->val = val;
	l->text[0] = '\0';
	return l;
}

static void text_y(char *buf, size_t size, unsigned int y,
		   unsigned int group)
{
	snprintf(buf, size, "Y%u:%s%s%s%s%s", group,
		 y & 1 ? " TA" : "", y & 2 ? " TB" : "", y & 4 ? " TC" : "",
		 y & 8 ? " TD" : "", y ? "" : " none");
}

/*
 * The meaning of interface byte @letter ('A'..'D') of group @group, whose
 * protocol is @t (a TD(group-1) named it; -1 for the global group 1).
 */
static void describe(struct atr_info *a, char letter, unsigned int group,
		     int t, unsigned char v, bool *t1_seen, bool *t15_seen)
{
	char name[4] = { 'T', letter, '\0' };
	struct atr_line *l = add_line(a, name, group, v);
	char *s = l->text;
	size_t n = sizeof(l->text);
	unsigned int fi = v >> 4, di = v & 15;

	if (letter == 'D') {
		text_y(s, n, v >> 4, group + 1);
		snprintf(s + strlen(s), n - strlen(s), ", T=%u follows", di);
		return;
	}
	if (group == 1) {
		switch (letter) {
		case 'A':
			a->fi = fi;
			a->di = di;
			if (fi_table[fi] && di_table[di])
				snprintf(s, n, "Fi=%u Di=%u, fmax %u.%u MHz",
					 fi_table[fi], di_table[di],
					 fmax_table[fi] / 1000,
					 fmax_table[fi] % 1000 / 100);
			else
				snprintf(s, n, "Fi/Di reserved (%u/%u)", fi,
					 di);
			break;
		case 'B':
			snprintf(s, n, "programming voltage (deprecated)");
			break;
		case 'C':
			a->n = v;
			snprintf(s, n, "extra guard time N=%u%s", v,
				 v == 255 ? " (minimum guard time)" : "");
			break;
		}
		return;
	}
	if (group == 2 && letter == 'A') {
		a->specific = true;
		a->ta2 = v;
		snprintf(s, n, "specific mode T=%u, %s, %s parameters",
			 v & 15, v & 0x80 ? "cannot change" : "can change",
			 v & 0x10 ? "implicit" : "TA1");
		return;
	}
	if (group == 2 && letter == 'B') {
		snprintf(s, n, "programming voltage (deprecated)");
		return;
	}
	if (group == 2 && letter == 'C' && t == 0) {
		a->wi = v;
		snprintf(s, n, "T=0 waiting time integer WI=%u", v);
		return;
	}
	if (group >= 3 && t == ATR_T1 && !t1_seen[letter - 'A']) {
		t1_seen[letter - 'A'] = true;
		if (letter == 'A') {
			a->ifsc = v;
			snprintf(s, n, "T=1 IFSC=%u%s", v,
				 v == 0 || v == 255 ? " (invalid)" : "");
		} else if (letter == 'B') {
			a->bwi = v >> 4;
			a->cwi = v & 15;
			snprintf(s, n, "T=1 BWI=%u CWI=%u", v >> 4, v & 15);
		} else {
			a->edc = v & 1;
			snprintf(s, n, "T=1 EDC=%s", v & 1 ? "CRC" : "LRC");
		}
		return;
	}
	if (group >= 3 && t == ATR_T15 && letter != 'C' &&
	    !t15_seen[letter - 'A']) {
		t15_seen[letter - 'A'] = true;
		if (letter == 'A')
			snprintf(s, n, "clock stop XI=%u, class UI=0x%02x",
				 v >> 6, v & 0x3f);
		else
			snprintf(s, n, "SPU=0x%02x", v);
		return;
	}
	snprintf(s, n, "T=%d specific", t);
}

/* Decode @len bytes of @atr into @a. */
static void atr_decode(const unsigned char *atr, size_t len,
		       struct atr_info *a)
{
	bool t1_seen[3] = { false }, t15_seen[3] = { false };
	unsigned int y, group = 1, i;
	unsigned char td, x;
	bool tck_needed = false;
	size_t pos;
	int t = -1;

	memset(a, 0, sizeof(*a));
	a->fi = 1;
	a->di = 1;
	a->wi = 10;
	a->ifsc = 32;
	a->cwi = 13;
	a->bwi = 4;
	a->len = len < sizeof(a->b) ? len : sizeof(a->b);
	memcpy(a->b, atr, a->len);
	if (len > sizeof(a->b)) {
		a->error = "longer than 33 bytes";
		return;
	}
	if (!len) {
		a->error = "empty";
		return;
	}

	if (a->b[0] == ATR_TS_INVERSE_RAW) {
		a->converted = true;
		for (i = 0; i < len; i++)
			a->b[i] = inverse_byte(a->b[i]);
	}
	snprintf(add_line(a, "TS", 0, a->b[0])->text, sizeof(a->lines[0].text),
		 "%s convention%s",
		 a->b[0] == ATR_TS_DIRECT ? "direct" :
		 a->b[0] == ATR_TS_INVERSE ? "inverse" : "invalid",
		 a->converted ? " (converted from 03)" : "");
	if (a->b[0] != ATR_TS_DIRECT && a->b[0] != ATR_TS_INVERSE) {
		a->error = "invalid TS";
		return;
	}
	if (len < 2) {
		a->error = "no T0";
		return;
	}

	y = a->b[1] >> 4;
	a->k = a->b[1] & 15;
	text_y(add_line(a, "T0", 0, a->b[1])->text, sizeof(a->lines[0].text),
	       y, 1);
	snprintf(a->lines[1].text + strlen(a->lines[1].text),
		 sizeof(a->lines[1].text) - strlen(a->lines[1].text),
		 ", K=%u historical bytes", a->k);

	pos = 2;
	for (;;) {
		td = 0;
		for (i = 0; i < 4; i++) {
			if (!(y & (1 << i)))
				continue;
			if (pos >= len) {
				a->error = "truncated interface bytes";
				return;
			}
			x = a->b[pos++];
			describe(a, "ABCD"[i], group, t, x, t1_seen, t15_seen);
			if (i == 3)
				td = x;
		}
		if (!(y & 8))
			break;
		t = td & 15;
		y = td >> 4;
		if (t != ATR_T15)
			a->offered |= 1U << t;
		if (t != 0)
			tck_needed = true;
		group++;
	}
	if (!a->offered && t < 0)
		a->offered = 1;

	a->hist = pos;
	a->hist_len = len - pos < a->k ? len - pos : a->k;
	pos += a->hist_len;
	if (a->hist_len < a->k) {
		a->error = "truncated historical bytes";
		return;
	}

	if (tck_needed) {
		if (pos >= len) {
			a->tck = TCK_MISSING;
			a->error = "TCK missing";
			return;
		}
		x = 0;
		for (i = 1; i <= pos; i++)
			x ^= a->b[i];
		a->tck = x ? TCK_BAD : TCK_OK;
		pos++;
		if (x)
			a->error = "wrong TCK";
	}
	a->extra = len - pos;
	if (a->extra && !a->error)
		a->error = "bytes after the end of the ATR";
}

static void print_protocol_list(unsigned int offered, const char *fmt,
				const char *sep)
{
	const char *s = "";
	unsigned int t;

	for (t = 0; t < 16; t++) {
		if (offered & (1U << t)) {
			printf("%s", s);
			printf(fmt, t);
			s = sep;
		}
	}
	if (!offered)
		printf("none");
}

static void print_decoded_machine(const struct atr_info *a)
{
	static const char * const tck[] = { "none", "ok", "bad", "missing" };

	printf("decode=%s", a->error ? "malformed" : "ok");
	if (a->error) {
		printf(" error=");
		print_enc(a->error, strlen(a->error));
	}
	printf(" atr=");
	print_hex(a->b, a->len, false);
	if (a->nlines < 2) {
		printf("\n");
		return;
	}
	printf(" convention=%s k=%u", a->b[0] == ATR_TS_DIRECT ?
	       "direct" : "inverse", a->k);
	if (fi_table[a->fi])
		printf(" fi=%u fmax_khz=%u", fi_table[a->fi],
		       fmax_table[a->fi]);
	else
		printf(" fi=rfu");
	if (di_table[a->di])
		printf(" di=%u", di_table[a->di]);
	else
		printf(" di=rfu");
	printf(" n=%u protocols=", a->n);
	print_protocol_list(a->offered, "t%u", ",");
	printf(" mode=%s", a->specific ? "specific" : "negotiable");
	if (a->specific)
		printf(" specific=t%u", a->ta2 & 15);
	if (a->offered & 1)
		printf(" wi=%u", a->wi);
	if (a->offered & (1U << ATR_T1))
		printf(" ifsc=%u cwi=%u bwi=%u edc=%s", a->ifsc, a->cwi,
		       a->bwi, a->edc ? "crc" : "lrc");
	printf(" hist=");
	print_hex(a->b + a->hist, a->hist_len, false);
	printf(" tck=%s\n", tck[a->tck]);
}

static void print_decoded_human(const struct atr_info *a)
{
	unsigned int i;

	printf("ATR: ");
	print_hex(a->b, a->len, true);
	printf(" (%zu byte%s)\n", a->len, a->len == 1 ? "" : "s");
	for (i = 0; i < a->nlines; i++)
		printf("  %-4s %02X  %s\n", a->lines[i].name,
		       a->lines[i].val, a->lines[i].text);
	if (a->hist_len) {
		printf("  historical bytes (%u): ", a->hist_len);
		print_hex(a->b + a->hist, a->hist_len, true);
		printf("  \"");
		print_ascii(a->b + a->hist, a->hist_len);
		printf("\"\n");
	}
	if (a->tck == TCK_OK || a->tck == TCK_BAD)
		printf("  TCK  %02X  %s\n", a->b[a->hist + a->hist_len],
		       a->tck == TCK_OK ? "correct" : "WRONG");
	else if (a->nlines >= 2 && !a->error)
		printf("  no TCK (T=0 only)\n");
	if (a->error) {
		printf("malformed ATR: %s\n", a->error);
		return;
	}

	if (fi_table[a->fi] && di_table[a->di])
		printf("Fi=%u Di=%u fmax=%u.%u MHz", fi_table[a->fi],
		       di_table[a->di], fmax_table[a->fi] / 1000,
		       fmax_table[a->fi] % 1000 / 100);
	else
		printf("Fi/Di reserved");
	printf(", N=%u, protocols ", a->n);
	print_protocol_list(a->offered, "T=%u", ", ");
	if (a->specific)
		printf(", specific mode T=%u\n", a->ta2 & 15);
	else
		printf(", negotiable mode\n");
	if (a->offered & 1)
		printf("T=0: WI=%u\n", a->wi);
	if (a->offered & (1U << ATR_T1))
		printf("T=1: IFSC=%u CWI=%u BWI=%u EDC=%s\n", a->ifsc, a->cwi,
		       a->bwi, a->edc ? "CRC" : "LRC");
}

/* Print the decoded ATR; returns 0, or -1 if it is malformed. */
int print_atr_decoded(const unsigned char *atr, size_t len)
{
	struct atr_info a;

	atr_decode(atr, len, &a);
	if (opt.machine)
		print_decoded_machine(&a);
	else
		print_decoded_human(&a);
	return a.error ? -1 : 0;
}

int cmd_power(int argc, char **argv)
{
	static const char * const names[] = {
		[SCARD_POWER_DOWN] = "down",
		[SCARD_COLD_RESET] = "cold",
		[SCARD_WARM_RESET] = "warm",
	};
	struct scard_power pw;
	struct scard_state st;
	unsigned int i;
	int fd, ret;

	if (argc != 1)
		return usage_error("power: cold, warm or down expected");
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(argv[0], names[i]))
			break;
	if (i == ARRAY_SIZE(names))
		return usage_error("power: cold, warm or down expected");

	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	memset(&pw, 0, sizeof(pw));
	pw.disposition = i;
	if (ioctl(fd, SCARD_IOC_POWER, &pw)) {
		ret = fail("POWER", errno);
		close(fd);
		return ret;
	}
	if (get_state(fd, &st))
		st.state = SCARD_CARD_UNKNOWN;
	close(fd);
	if (pw.atr_len > SCARD_ATR_MAX)
		pw.atr_len = SCARD_ATR_MAX;

	if (opt.machine) {
		printf("power=%s state=%s", names[i], state_name(st.state));
		if (i != SCARD_POWER_DOWN) {
			printf(" atr=");
			print_hex(pw.atr, pw.atr_len, false);
		}
		printf("\n");
	} else if (i == SCARD_POWER_DOWN) {
		printf("%s: card powered down, state %s\n", opt.dev,
		       state_name(st.state));
	} else {
		printf("%s: %s reset, state %s\n", opt.dev, names[i],
		       state_name(st.state));
	}
	if (i != SCARD_POWER_DOWN)
		print_atr_decoded(pw.atr, pw.atr_len);
	return SC_OK;
}

/* Decode an ATR given on the command line: no reader needed. */
int cmd_atr(int argc, char **argv)
{
	unsigned char atr[SCARD_ATR_MAX + 1];
	size_t len;
	int err;

	if (argc != 1)
		return usage_error("atr: one hex ATR expected");
	err = parse_hex(argv[0], atr, sizeof(atr), &len);
	if (err == -EINVAL)
		return usage_error("atr: bad hex '%s'", argv[0]);
	if (err)
		len = sizeof(atr);
	return print_atr_decoded(atr, len) ? SC_PROTO : SC_OK;
}
