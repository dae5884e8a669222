// SPDX-License-Identifier: GPL-2.0
/*
 * atr_corpus - every ATR of pcsc-tools' smartcard_list.txt through a
 * virtual reader, run in the QEMU guest.
 *
 *	atr_corpus [LIST]	(default /usr/share/pcsc/smartcard_list.txt)
 *
 * The list has one entry per ATR: a line starting at column 0 with hex
 * bytes separated by spaces, followed by tab-indented descriptions. Some
 * ATRs are regular expressions: ".." or "X." for any byte or nibble,
 * "[...]" for a class of nibbles ("[1-3]", "[1,3]"), ".*" for any bytes.
 * A literal ATR is tried as is. A pattern is expanded into at most NFILL
 * ATRs: the k-th takes the filler fillers[k] (or its nibble) for every
 * wildcard, the k-th member of every class, one filler byte for a ".*"
 * standing alone and nothing for a ".*" ending a byte; duplicates are
 * tried once. Entries with anything else are skipped and counted.
 *
 * The program creates an APDU-level reader on /dev/scard_vhci; a child
 * process plays the card and answers REQ_POWER with the inserted ATR. For
 * each ATR the parent INSERTs it, resets the card (POWER COLD) through
 * /dev/scardN, reads GET_STATE and REMOVEs it. A parsed ATR leaves the
 * card NEGOTIABLE or SPECIFIC; an ATR the library cannot parse is still
 * returned, the card stays POWERED and SET_PROTOCOL fails with
 * -EMEDIUMTYPE; an ATR longer than SCARD_ATR_MAX bytes is refused by
 * INSERT with -EINVAL. Prints one TAP line per check ("ok - text" or
 * "not ok - text"), the ATRs that behaved otherwise as "# " diagnostics,
 * and a last line "# corpus: ..." with the counts. Exits 1 if a check
 * failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/scard.h>
#include <linux/scard_vhci.h>

#include "tap.h"

#define LIST_PATH	"/usr/share/pcsc/smartcard_list.txt"
#define VHCI_PATH	"/dev/scard_vhci"
#define HDR		((unsigned int)sizeof(struct scard_vhci_msg))
#define MAX_BYTES	96	/* longest ATR pattern we expand */
#define NFILL		3	/* ATRs tried per pattern, at most */
#define MAX_DIAG	25	/* mismatching ATRs printed */
#define MAX_REJECTED	10	/* rejected literal ATRs printed */
#define MSG_WAIT_MS	5000
#define RUN_SECONDS	280	/* bound of the whole run */

static const unsigned char fillers[NFILL] = { 0x00, 0x5a, 0xff };

struct msgbuf {
	struct scard_vhci_msg hdr;
	unsigned char data[SCARD_VHCI_MAX_PAYLOAD];
};

/*
 * One byte of a pattern: two nibbles, each a set of allowed values
 * (bit v for value v; 0xffff with @any for a wildcard), or a STAR byte
 * (a ".*" standing alone), or nothing.
 */
struct pbyte {
	unsigned short set[2];
	unsigned char any[2];
	unsigned char star;
};

struct pattern {
	struct pbyte b[MAX_BYTES];
	unsigned int n;
	int literal;
};

/* What happened to the ATRs tried. */
struct counts {
	unsigned int entries;	/* ATR lines of the list */
	unsigned int literal;	/* entries tried as they are */
	unsigned int expanded;	/* pattern entries expanded */
	unsigned int expansions; /* ATRs tried for them */
	unsigned int skipped;	/* patterns we cannot expand */
	unsigned int tried;	/* ATRs tried */
	unsigned int parsed;	/* NEGOTIABLE or SPECIFIC after POWER */
	unsigned int rejected;	/* POWERED, SET_PROTOCOL -EMEDIUMTYPE */
	unsigned int too_long;	/* INSERT refused with -EINVAL */
	unsigned int insert_bad;	/* INSERT of 2..33 bytes failed */
	unsigned int long_bad;	/* INSERT of > 33 bytes did not fail so */
	unsigned int power_bad;	/* POWER failed or returned another ATR */
	unsigned int state_bad;	/* another state, or SET_PROTOCOL result */
	unsigned int remove_bad;	/* REMOVE failed */
	unsigned int diags;	/* diagnostics printed */
	unsigned int lit_rejected;	/* literal ATRs among @rejected */
};

static int cur_literal;		/* the ATR being tried is literal */

static int vfd = -1;		/* /dev/scard_vhci */
static int dfd = -1;		/* /dev/scardN */
static struct counts cnt;
static struct msgbuf rbuf, wbuf;

static const char *ename(int err)
{
	const char *name;

	if (!err)
		return "success";
	name = strerrorname_np(err);
	return name ? name : "unknown error";
}

/* ---- the list ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse a class "[...]" at @s; return the characters used, 0 if bad. */
static int parse_class(const char *s, unsigned short *set)
{
	const char *p = s + 1;
	int lo, hi, v;

	*set = 0;
	while (*p && *p != ']') {
		if (*p == ',') {
			p++;
			continue;
		}
		lo = hexval(*p);
		if (lo < 0)
			return 0;
		hi = lo;
		if (p[1] == '-') {
			hi = hexval(p[2]);
			if (hi < lo)
				return 0;
			p += 2;
		}
		for (v = lo; v <= hi; v++)
			*set |= 1u << v;
		p++;
	}
	if (*p != ']' || !*set)
		return 0;
	return p + 1 - s;
}

/*
 * Parse one space-separated token into @pat; return 0, or -1 if it is
 * not a byte pattern we know how to expand.
 */
static int parse_token(const char *tok, size_t len, struct pattern *pat)
{
	struct pbyte b = { { 0, 0 }, { 0, 0 }, 0 };
	unsigned int nib = 0;
	size_t i = 0;
	int used, v;

	if (len == 2 && tok[0] == '.' && tok[1] == '*') {
		if (pat->n >= MAX_BYTES)
			return -1;
		b.star = 1;
		pat->b[pat->n++] = b;
		pat->literal = 0;
		return 0;
	}
	while (i < len) {
		if (tok[i] == '.' && i + 1 < len && tok[i + 1] == '*') {
			/* ".*" ending a byte: matched here by nothing */
			if (i + 2 != len || nib != 2)
				return -1;
			pat->literal = 0;
			break;
		}
		if (nib == 2)
			return -1;
		if (tok[i] == '.') {
			b.set[nib] = 0xffff;
			b.any[nib] = 1;
			pat->literal = 0;
			used = 1;
		} else if (tok[i] == '[') {
			used = parse_class(tok + i, &b.set[nib]);
			if (!used || tok + i + used > tok + len)
				return -1;
			pat->literal = 0;
		} else {
			v = hexval(tok[i]);
			if (v < 0)
				return -1;
			b.set[nib] = 1u << v;
			used = 1;
		}
		nib++;
		i += used;
	}
	if (nib != 2 || pat->n >= MAX_BYTES)
		return -1;
	pat->b[pat->n++] = b;
	return 0;
}

/* Parse an ATR line; return 0, or -1 if it cannot be expanded. */
static int parse_line(const char *line, struct pattern *pat)
{
	const char *p = line;
	size_t len;

	pat->n = 0;
	pat->literal = 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t");
		if (parse_token(p, len, pat))
			return -1;
		p += len;
	}
	return pat->n ? 0 : -1;
}

/* The @k-th member of nibble set @set, counting round. */
static unsigned int set_member(unsigned short set, unsigned int k)
{
	unsigned int members = __builtin_popcount(set);
	unsigned int v, i = 0;

	k %= members;
	for (v = 0; v < 16; v++) {
		if (!(set & (1u << v)))
			continue;
		if (i++ == k)
			return v;
	}
	return 0;
}

/* Expansion @k of @pat into @atr; return its length. */
static unsigned int expand(const struct pattern *pat, unsigned int k,
			   unsigned char *atr)
{
	unsigned int i, j, n = 0, v[2];
	const struct pbyte *b;

	for (i = 0; i < pat->n; i++) {
		b = &pat->b[i];
		if (b->star) {
			atr[n++] = fillers[k];
			continue;
		}
		for (j = 0; j < 2; j++) {
			if (b->any[j])
				v[j] = (fillers[k] >> (j ? 0 : 4)) & 0xf;
			else
				v[j] = set_member(b->set[j], k);
		}
		atr[n++] = v[0] << 4 | v[1];
	}
	return n;
}

/* ---- /dev/scard_vhci ---- */

static int send_msg(__u32 type, __u32 id, __s32 status, const void *data,
		    __u32 len, struct msgbuf *m)
{
	ssize_t n;

	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = type;
	m->hdr.id = id;
	m->hdr.status = status;
	m->hdr.len = len;
	if (len)
		memcpy(m->data, data, len);
	n = write(vfd, m, HDR + len);
	if (n < 0)
		return errno;
	return (size_t)n == HDR + len ? 0 : EIO;
}

/* Read one message within @ms; return 0 or an errno. */
static int recv_msg(struct msgbuf *m, int ms)
{
	struct pollfd p = { .fd = vfd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) != 1) {
		errno = ETIME;
		return errno;
	}
	n = read(vfd, m, sizeof(*m));
	if (n < 0)
		return errno;
	if (n < (ssize_t)HDR || (size_t)n != HDR + m->hdr.len) {
		errno = EIO;
		return errno;
	}
	return 0;
}

/* The card: answer the kernel's requests until killed. */
static void play_card(void)
{
	static struct msgbuf in, out;
	int err, status;
	ssize_t n;

	for (;;) {
		n = read(vfd, &in, sizeof(in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)HDR) {
			printf("# card: read: %s\n",
			       n < 0 ? strerror(errno) : "short message");
			fflush(stdout);
			_exit(1);
		}
		switch (in.hdr.type) {
		case SCARD_VHCI_REQ_POWER:
		case SCARD_VHCI_REQ_PROTOCOL:
			/* POWER: an empty answer is the inserted ATR. */
			status = 0;
			break;
		default:
			status = -EOPNOTSUPP;
			break;
		}
		err = send_msg(SCARD_VHCI_ANSWER, in.hdr.id, status, NULL, 0,
			       &out);
		if (err) {
			printf("# card: answer to request type %u: %s\n",
			       in.hdr.type, ename(err));
			fflush(stdout);
		}
	}
}

/* ---- one ATR ---- */

static void atr_hex(const unsigned char *atr, unsigned int len, char *buf)
{
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < len; i++)
		sprintf(buf + 3 * i, "%02X ", atr[i]);
	if (len)
		buf[3 * len - 1] = 0;
}

#define mismatch(counter, atr, len, ...) do {				\
	char hex_[3 * MAX_BYTES + 1];					\
									\
	(counter)++;							\
	if (cnt.diags++ < MAX_DIAG) {					\
		atr_hex(atr, len, hex_);				\
		printf("# %s: ", hex_);					\
		printf(__VA_ARGS__);					\
		putchar('\n');						\
	}								\
} while (0)

static void show_rejected(const unsigned char *atr, unsigned int len)
{
	char hex[3 * MAX_BYTES + 1];

	atr_hex(atr, len, hex);
	diag("rejected: %s", hex);
}

static void try_atr(const unsigned char *atr, unsigned int len)
{
	struct scard_protocol proto;
	struct scard_state st;
	struct scard_power pw;
	int err;

	cnt.tried++;
	err = send_msg(SCARD_VHCI_INSERT, 0, 0, atr, len, &wbuf);
	if (len > SCARD_ATR_MAX) {
		if (err == EINVAL) {
			cnt.too_long++;
		} else {
			mismatch(cnt.long_bad, atr, len,
				 "%u bytes: INSERT %s, want EINVAL", len,
				 ename(err));
			send_msg(SCARD_VHCI_REMOVE, 0, 0, NULL, 0, &wbuf);
		}
		return;
	}
	if (err) {
		mismatch(cnt.insert_bad, atr, len, "INSERT: %s", ename(err));
		return;
	}

	memset(&pw, 0, sizeof(pw));
	pw.disposition = SCARD_COLD_RESET;
	if (ioctl(dfd, SCARD_IOC_POWER, &pw) < 0) {
		mismatch(cnt.power_bad, atr, len, "POWER: %s", ename(errno));
		goto remove;
	}
	if (pw.atr_len != len || memcmp(pw.atr, atr, len)) {
		mismatch(cnt.power_bad, atr, len,
			 "POWER returned another ATR (%u bytes)", pw.atr_len);
		goto remove;
	}

	memset(&st, 0, sizeof(st));
	if (ioctl(dfd, SCARD_IOC_GET_STATE, &st) < 0) {
		mismatch(cnt.state_bad, atr, len, "GET_STATE: %s",
			 ename(errno));
		goto remove;
	}
	switch (st.state) {
	case SCARD_CARD_NEGOTIABLE:
	case SCARD_CARD_SPECIFIC:
		cnt.parsed++;
		break;
	case SCARD_CARD_POWERED:
		memset(&proto, 0, sizeof(proto));
		proto.mask = SCARD_PROTO_TX;
		err = ioctl(dfd, SCARD_IOC_SET_PROTOCOL, &proto) < 0 ? errno : 0;
		if (err == EMEDIUMTYPE) {
			cnt.rejected++;
			if (cur_literal && cnt.lit_rejected++ < MAX_REJECTED)
				show_rejected(atr, len);
		} else {
			mismatch(cnt.state_bad, atr, len,
				 "POWERED, SET_PROTOCOL: %s, want EMEDIUMTYPE",
				 ename(err));
		}
		break;
	default:
		mismatch(cnt.state_bad, atr, len, "state %u after POWER",
			 st.state);
		break;
	}

remove:
	err = send_msg(SCARD_VHCI_REMOVE, 0, 0, NULL, 0, &wbuf);
	if (err)
		mismatch(cnt.remove_bad, atr, len, "REMOVE: %s", ename(err));
}

/* Try the ATRs of one list entry. */
static void try_entry(const char *line)
{
	static struct pattern pat;
	unsigned char atr[NFILL][MAX_BYTES];
	unsigned int len[NFILL], k, j, n = 0;

	cnt.entries++;
	if (parse_line(line, &pat)) {
		cnt.skipped++;
		if (cnt.skipped <= 5)
			diag("skipped: %s", line);
		return;
	}
	cur_literal = pat.literal;
	if (pat.literal)
		cnt.literal++;
	else
		cnt.expanded++;
	for (k = 0; k < (pat.literal ? 1 : NFILL); k++) {
		len[n] = expand(&pat, k, atr[n]);
		for (j = 0; j < n; j++)
			if (len[j] == len[n] && !memcmp(atr[j], atr[n], len[n]))
				break;
		if (j < n)
			continue;
		if (!pat.literal)
			cnt.expansions++;
		try_atr(atr[n], len[n]);
		n++;
	}
}

/* Read the list and try every entry; return 0, or -1 if it is unreadable. */
static int run_list(const char *path)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		ok(0, "open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &size, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
				 line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = 0;
		/* ATRs start at column 0; descriptions are indented. */
		if (!n || line[0] == '#' || line[0] == ' ' || line[0] == '\t')
			continue;
		try_entry(line);
	}
	free(line);
	fclose(f);
	return 0;
}

/* Outside the counts: a 34-byte ATR must be refused with -EINVAL. */
static void control_too_long(void)
{
	unsigned char atr[SCARD_ATR_MAX + 1];
	int err;

	memset(atr, 0, sizeof(atr));
	atr[0] = 0x3b;
	err = send_msg(SCARD_VHCI_INSERT, 0, 0, atr, sizeof(atr), &wbuf);
	ok(err == EINVAL, "control: INSERT of a %u-byte ATR fails with EINVAL",
	   (unsigned int)sizeof(atr));
	if (err != EINVAL)
		diag("got %s", ename(err));
	if (!err)
		send_msg(SCARD_VHCI_REMOVE, 0, 0, NULL, 0, &wbuf);
}

/* ---- setup ---- */

/* Create reader 0 at APDU level; return N of its /dev/scardN or -1. */
static int create_reader(void)
{
	struct scard_vhci_create c;
	int err;

	memset(&c, 0, sizeof(c));
	strcpy(c.vendor_name, "scard");
	strcpy(c.ifd_type, "atr corpus");
	c.level = SCARD_VHCI_LEVEL_APDU;
	c.protocols = SCARD_PROTO_T0 | SCARD_PROTO_T1;
	err = send_msg(SCARD_VHCI_CREATE, 0, 0, &c, sizeof(c), &wbuf);
	if (!err)
		err = recv_msg(&rbuf, MSG_WAIT_MS);
	if (!err && (rbuf.hdr.type != SCARD_VHCI_EV_CREATED || rbuf.hdr.len))
		err = EPROTO;
	if (err) {
		ok(0, "create an APDU-level reader: %s", ename(err));
		return -1;
	}
	return rbuf.hdr.arg;
}

int main(int argc, char **argv)
{
	const char *list = argc > 1 ? argv[1] : LIST_PATH;
	struct scard_state st;
	char path[32];
	unsigned int sane;
	pid_t pid;
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(RUN_SECONDS);
	vfd = open(VHCI_PATH, O_RDWR | O_CLOEXEC);
	if (vfd < 0) {
		ok(0, "open %s: %s", VHCI_PATH, strerror(errno));
		return 1;
	}
	n = create_reader();
	if (n < 0)
		return 1;
	snprintf(path, sizeof(path), "/dev/scard%d", n);
	dfd = open(path, O_RDWR | O_CLOEXEC);
	if (dfd < 0) {
		ok(0, "open %s: %s", path, strerror(errno));
		return 1;
	}

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ok(0, "fork: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		play_card();
		_exit(1);
	}

	if (run_list(list)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}

	memset(&st, 0, sizeof(st));
	if (ioctl(dfd, SCARD_IOC_GET_STATE, &st) < 0)
		st.state = ~0u;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	ok(cnt.entries > 0 && cnt.literal + cnt.expansions == cnt.tried,
	   "%u ATR entries read from %s", cnt.entries, list);
	sane = cnt.tried - cnt.too_long - cnt.long_bad;
	ok(!cnt.insert_bad, "INSERT accepted every ATR of 2..%u bytes (%u)",
	   SCARD_ATR_MAX, sane);
	ok(!cnt.long_bad,
	   "INSERT refused every ATR over %u bytes with EINVAL (%u)",
	   SCARD_ATR_MAX, cnt.too_long);
	ok(!cnt.power_bad, "POWER COLD returned the inserted ATR (%u)",
	   sane - cnt.insert_bad);
	ok(!cnt.state_bad && cnt.parsed + cnt.rejected ==
	   sane - cnt.insert_bad - cnt.power_bad,
	   "every ATR parsed (NEGOTIABLE/SPECIFIC, %u) or rejected (POWERED, SET_PROTOCOL EMEDIUMTYPE, %u)",
	   cnt.parsed, cnt.rejected);
	ok(!cnt.remove_bad, "REMOVE after every card");
	ok(st.state == SCARD_CARD_ABSENT &&
	   st.events == 2ULL * (sane - cnt.insert_bad),
	   "reader absent at the end, events counted every insertion and removal (%llu)",
	   (unsigned long long)st.events);
	control_too_long();
	if (cnt.lit_rejected > MAX_REJECTED)
		diag("%u more rejected literal ATRs not shown",
		     cnt.lit_rejected - MAX_REJECTED);
	diag("literal ATRs: %u parsed, %u rejected",
	     cnt.literal - cnt.lit_rejected, cnt.lit_rejected);
	if (cnt.diags > MAX_DIAG)
		diag("%u more mismatching ATRs not shown",
		     cnt.diags - MAX_DIAG);
	printf("# corpus: entries=%u literal=%u expanded=%u (%u ATRs)",
	       cnt.entries, cnt.literal, cnt.expanded, cnt.expansions);
	printf(" skipped=%u tried=%u parsed=%u rejected=%u too_long=%u\n",
	       cnt.skipped, cnt.tried, cnt.parsed, cnt.rejected, cnt.too_long);

	close(dfd);
	close(vfd);
	return failures ? 1 : 0;
}
