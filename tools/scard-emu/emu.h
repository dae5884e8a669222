/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard-emu: a user-space ISO/IEC 7816 smart card behind a scard_vhci
 * reader (/dev/scard_vhci).
 *
 * Layers, one file each:
 *   main.c     options
 *   vhci.c     the /dev/scard_vhci transport and the event loop
 *   link.c     the reader link: APDU, TPDU and character levels, PPS
 *   t0.c       the card side of T=0 (TPDUs and procedure bytes)
 *   t1.c       the card side of T=1 (blocks, chaining, S-blocks, EDC)
 *   atr.c      ATR building and parsing, PPS answers
 *   card.c     the card operating system: ISO/IEC 7816-4 commands
 *   fs.c       the file system and its contents
 *   fault.c    fault injection (faulty and slow cards)
 *   script.c   scripted APDU -> response tables
 *   util.c     buffers, hex, time, logging
 *   selftest.c the in-process self-test (--selftest)
 */
#ifndef SCARD_EMU_H
#define SCARD_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/scard.h>
#include <linux/scard_vhci.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;

#define EMU_VERSION		"1.0"
/* The kernel's name for the format check of printf-like functions. */
#define EMU_GCC_ATTRIBUTE	__attribute__
#define __printf(a, b)		EMU_GCC_ATTRIBUTE((format(printf, a, b)))
#define EMU_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Status words. */
#define SW_OK			0x9000
#define SW_MORE(n)		(0x6100 | ((n) & 0xff))
#define SW_EOF			0x6282	/* end of file before Ne bytes */
#define SW_PIN_TRIES(n)		(0x63c0 | ((n) & 0x0f))
#define SW_WRONG_LENGTH		0x6700
#define SW_NO_CHANNEL		0x6881
#define SW_NO_SM		0x6882
#define SW_NO_CHAINING		0x6884
#define SW_NOT_EF		0x6981
#define SW_SECURITY		0x6982
#define SW_BLOCKED		0x6983
#define SW_CONDITIONS		0x6985
#define SW_NO_CURRENT_EF	0x6986
#define SW_BAD_DATA		0x6a80
#define SW_NOT_FOUND		0x6a82
#define SW_NO_SPACE		0x6a84
#define SW_WRONG_P1P2		0x6a86
#define SW_NC_P1P2		0x6a87
#define SW_REF_NOT_FOUND	0x6a88
#define SW_WRONG_OFFSET		0x6b00
#define SW_WRONG_LE(n)		(0x6c00 | ((n) & 0xff))
#define SW_BAD_INS		0x6d00
#define SW_BAD_CLA		0x6e00
#define SW_UNKNOWN		0x6f00

/* T=0 procedure bytes and directions. */
#define T0_NULL			0x60
#define T0_IN			1	/* data to the card (case 1/3) */
#define T0_OUT			2	/* data from the card (case 2) */

/* T=1 limits. */
#define T1_IFS_MAX		254
#define T1_IFSD_DEFAULT		32
#define T1_BLOCK_MAX		(3 + T1_IFS_MAX + 2)

/* --t0-ack: how the card acknowledges data at character level. */
enum emu_t0_ack {
	T0_ACK_INS,	/* one ACK (INS) for all bytes */
	T0_ACK_SINGLE,	/* ~INS before every byte */
	T0_ACK_MIXED,	/* ~INS for the first byte, INS for the rest */
};

/* --refuse-pps: how the card answers a PPS request. */
enum emu_pps_mode {
	PPS_ACCEPT,	/* echo acceptable requests */
	PPS_DEFAULT,	/* answer without PPS1: Fd/Dd stay */
	PPS_SILENT,	/* never answer */
	PPS_BAD,	/* answer with a wrong PCK */
};

/* Parameters of a default ATR. */
struct atr_params {
	u32 protocols;		/* SCARD_PROTO_T0 / _T1 offered */
	u8 ta1;			/* Fi/Di indexes */
	u8 ifsc;
	u8 bwi;
	u8 cwi;
	bool crc;		/* T=1 EDC is CRC (TC3 = 1) */
	bool specific;		/* TA2: specific mode */
};

/* What the card knows of its own ATR. */
struct atr_info {
	u32 protocols;		/* protocols offered */
	u32 first;		/* the default protocol (first offered) */
	bool specific;		/* TA2 present */
	u32 specific_proto;
	u8 ta1;			/* 0x11 if absent */
	u8 ifsc;
	u8 bwi;
	u8 cwi;
	bool crc;
	bool tck_ok;		/* TCK right, or absent when allowed */
};

struct emu_script;

struct emu_config {
	u32 level;		/* SCARD_VHCI_LEVEL_* */
	u32 reader_protocols;
	u32 reader_index;
	u32 readers;
	const char *name;
	bool verbose;
	bool once;
	bool no_card;
	const char *ready_file;
	u32 mechanical;
	u32 max_ifsd;

	u8 atr[SCARD_ATR_MAX];
	size_t atr_len;
	u8 warm_atr[SCARD_ATR_MAX];
	size_t warm_atr_len;

	u8 pin[8];
	size_t pin_len;
	u8 puk[8];
	size_t puk_len;

	/* faults and scripted behaviour */
	bool mute;		/* no answer to transfers (-ETIMEDOUT) */
	bool mute_atr;		/* no ATR either */
	bool hang;		/* leave transfers unanswered */
	u32 slow_ms;
	u32 null_ms;		/* T=0 NULL byte interval when slow */
	u32 corrupt_edc;	/* every Nth T=1 block, 0: never */
	u32 wrong_length;	/* every Nth block / T=0 response, 0: never */
	u32 remove_after;	/* APDUs per card session, 0: never */
	u32 card_ifs;		/* IFSC the card asks for, 0: never */
	enum emu_pps_mode pps_mode;
	enum emu_t0_ack t0_ack;
	bool events;		/* stdin commands */
	u32 toggle_ms;		/* remove/insert period, 0: never */
	struct emu_script *script;
	bool script_only;
};

/* A growable byte buffer. */
struct emu_buf {
	u8 *data;
	size_t len;
	size_t cap;
};

/* Bytes the card sends, each with the time (ms) it is on the line. */
struct emu_outq {
	u8 *data;
	u64 *at;
	size_t len;
	size_t cap;
};

/* A parsed command APDU (or T=0 TPDU). */
struct emu_apdu {
	const u8 *raw;
	size_t raw_len;
	u8 cla;
	u8 ins;
	u8 p1;
	u8 p2;
	unsigned int cse;	/* ISO/IEC 7816-3 case 1..4 */
	bool ext;		/* extended length fields */
	const u8 *data;
	size_t nc;
	size_t ne;		/* 0: no Le field */
	bool ne_max;		/* Le field all zero */
	bool t0;		/* a T=0 TPDU: P3 semantics */
};

/* File system. */
#define FS_MAX_FILES		8
#define FS_NONE			(-1)

enum fs_ac {
	AC_ALWAYS,
	AC_PIN,
	AC_NEVER,
};

struct fs_file {
	u16 fid;
	bool df;
	u8 sfi;			/* 0: none */
	int parent;		/* index, FS_NONE for the MF */
	const u8 *aid;
	size_t aid_len;
	u8 *data;		/* EF content, this card's copy */
	size_t size;
	enum fs_ac read_ac;
	enum fs_ac update_ac;
};

struct emu_os {
	struct fs_file files[FS_MAX_FILES];
	int nfiles;
	int cur_df;
	int cur_ef;
	bool pin_ok;
	u32 pin_tries;
	u32 puk_tries;
	u8 pin[8];
	size_t pin_len;
	struct emu_buf pending;	/* response data left for GET RESPONSE */
	size_t pending_off;
	u16 pending_sw;
};

enum t1_phase {
	T1C_IDLE,		/* the reader has the turn to send an I-block */
	T1C_SEND,		/* sending a response chain */
	T1C_WTX,		/* S(WTX request) sent */
	T1C_IFS,		/* S(IFS request) sent */
};

struct emu_t1 {
	enum t1_phase phase;
	u8 ns;			/* N(S) of the card's next I-block */
	u8 nr;			/* N(S) expected from the reader */
	u8 ifsc;		/* the card's: largest INF it accepts */
	u8 ifsd;		/* the reader's: largest INF it accepts */
	u8 nad;			/* NAD of the card's blocks */
	u8 req_value;		/* INF of the S(... request) the card sent */
	bool ifs_done;		/* the card asked for its IFSC once */
	bool wtx_done;		/* the card asked for time for this command */
	struct emu_buf cmd;	/* command being received */
	struct emu_buf rsp;	/* response being sent */
	size_t rsp_off;		/* first response byte of the current block */
	size_t chunk;		/* response bytes in the current block */
	u8 cur_ns;		/* N(S) of the current response block */
	u8 last[T1_BLOCK_MAX];	/* the last block sent */
	size_t last_len;
	u8 in[T1_BLOCK_MAX + 1];	/* character level: block being read */
	size_t in_len;
	u64 in_time;
};

enum t0_state {
	T0S_HDR,		/* reading a header */
	T0S_DATA,		/* reading data after an ACK */
};

struct emu_t0 {
	enum t0_state state;
	u8 hdr[5];
	size_t hdr_len;
	u8 data[256];
	size_t data_len;
	size_t want;
	bool acked_all;		/* INS sent: the rest comes without ACKs */
};

struct emu_card {
	const struct emu_config *cfg;
	u32 index;		/* reader index, for logs */
	u8 atr[SCARD_ATR_MAX];
	size_t atr_len;
	struct atr_info ai;
	bool present;
	bool powered;
	bool muted;		/* "mute" command: as --mute until "unmute" */
	u32 proto;		/* protocol in use, 0 while negotiable */
	bool negotiable;	/* nothing exchanged since the reset */
	u32 timeout_ms;		/* the current request's time limit */
	struct emu_os os;
	struct emu_t0 t0;
	struct emu_t1 t1;
	struct emu_outq out;
	u8 pps[7];		/* character level: PPS request being read */
	size_t pps_len;
	bool pps_in;
	unsigned long blocks;	/* T=1 blocks sent */
	unsigned long t0_rsps;	/* T=0 responses sent */
	unsigned long apdus;	/* commands since the insertion */
};

/* util.c */
void *emu_alloc(size_t size);
void *emu_realloc(void *p, size_t size);
void buf_put(struct emu_buf *b, const void *p, size_t n);
void buf_byte(struct emu_buf *b, u8 c);
void buf_sw(struct emu_buf *b, u16 sw);
void buf_reset(struct emu_buf *b);
void buf_free(struct emu_buf *b);
void outq_put(struct emu_outq *q, const u8 *p, size_t n, u64 at);
size_t outq_take(struct emu_outq *q, u8 *out, size_t n);
void outq_clear(struct emu_outq *q);
void outq_free(struct emu_outq *q);
int hex_parse(const char *s, u8 *out, size_t size, size_t *len);
void hex_format(char *out, size_t size, const u8 *p, size_t n);
u64 now_ms(void);
__printf(2, 3) void emu_log(const struct emu_card *c, const char *fmt, ...);
void emu_dump(const struct emu_card *c, const char *what, const u8 *p,
	      size_t n);
__printf(1, 2) void emu_warn(const char *fmt, ...);
extern bool emu_quiet;		/* no warnings (self-test) */
void emu_random(u8 *p, size_t n);

/* atr.c */
size_t atr_build(const struct atr_params *p, u8 *atr);
int atr_parse(const u8 *atr, size_t len, struct atr_info *ai);
void atr_default_params(u32 protocols, struct atr_params *p);
size_t pps_length(const u8 *req, size_t have);
void pps_request(struct emu_card *c, const u8 *req, size_t len, u64 now);

/* fs.c */
void fs_init(struct emu_os *os);
void fs_free(struct emu_os *os);
int fs_select_fid(const struct emu_os *os, u16 fid);
int fs_child(const struct emu_os *os, int df, u16 fid, int want_df);
int fs_by_aid(const struct emu_os *os, const u8 *aid, size_t len);
int fs_by_sfi(const struct emu_os *os, int df, u8 sfi);
void fs_fcp(const struct emu_os *os, int idx, u8 tag, struct emu_buf *out);
void fs_fmd(struct emu_buf *out);
extern const u8 fs_app_aid[];
extern const size_t fs_app_aid_len;

/* card.c */
void card_init(struct emu_card *c, const struct emu_config *cfg, u32 index);
void card_free(struct emu_card *c);
void card_set_atr(struct emu_card *c, const u8 *atr, size_t len);
void card_insert(struct emu_card *c);
void card_remove(struct emu_card *c);
void card_reset(struct emu_card *c, bool warm);
void card_power_down(struct emu_card *c);
int apdu_parse(const u8 *cmd, size_t len, struct emu_apdu *a);
void card_command(struct emu_card *c, const struct emu_apdu *a,
		  struct emu_buf *rsp);
void card_apdu(struct emu_card *c, const u8 *cmd, size_t len,
	       struct emu_buf *rsp);
int card_t0_dir(const struct emu_card *c, const u8 *hdr);
u16 card_t0_precheck(const struct emu_card *c, const u8 *hdr);

/* t0.c */
void t0_reset(struct emu_card *c);
void t0_tpdu(struct emu_card *c, const u8 *tpdu, size_t len, u64 now);
void t0_chars(struct emu_card *c, const u8 *p, size_t n, u64 now);
bool t0_idle(const struct emu_card *c);

/* t1.c */
u16 t1_crc(const u8 *p, size_t n);
u8 t1_lrc(const u8 *p, size_t n);
size_t t1_edc(const struct emu_card *c, const u8 *p, size_t n, u8 *edc);
void t1_reset(struct emu_card *c);
void t1_block(struct emu_card *c, const u8 *blk, size_t len, u64 now);
void t1_chars(struct emu_card *c, const u8 *p, size_t n, u64 now);
bool t1_idle(const struct emu_card *c);

/* link.c */
void link_reset(struct emu_card *c);
void link_xfer(struct emu_card *c, u32 arg, const u8 *p, size_t n, u64 now);
bool link_idle(const struct emu_card *c);

/* fault.c */
bool fault_every(u32 n, unsigned long count);
void fault_t1_block(struct emu_card *c, u8 *blk, size_t len);
bool fault_t0_extra(struct emu_card *c);
u8 fault_wtx_multiplier(const struct emu_card *c);
u64 fault_t0_nulls(struct emu_card *c, u64 now);
u64 fault_delay(const struct emu_card *c, u64 now);
bool fault_remove_due(const struct emu_card *c);

/* script.c */
struct emu_script *script_load(const char *path);
struct emu_script *script_parse(const char *text, const char *name);
void script_free(struct emu_script *s);
int script_lookup(struct emu_script *s, const struct emu_apdu *a,
		  const u8 **rsp, size_t *rsp_len);
int script_t0_dir(const struct emu_script *s, const u8 *hdr);

/* main.c */
void emu_config_defaults(struct emu_config *cfg, struct atr_params *ap);

/* vhci.c */
int vhci_run(const struct emu_config *cfg);

/* selftest.c */
int selftest_run(void);

#endif /* SCARD_EMU_H */
