/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: ISO/IEC 7816-3 protocol engines of the smart card reader library
 * (ATR parser, PPS, timing, T=0, T=1). Pure logic over buffers, usable by
 * reader drivers that exchange characters or TPDUs with the card.
 */
#ifndef _LINUX_SCARD_PROTO_H
#define _LINUX_SCARD_PROTO_H

#include <linux/scard_pps.h>
#include <linux/scard_t0.h>
#include <linux/scard_t1.h>
#include <linux/scard_timing.h>
#include <linux/types.h>
#include <uapi/linux/scard.h>

/* At most 15 historical bytes: K is the low nibble of T0. */
#define SCARD_ATR_HIST_MAX	15

/* ATR defaults (ISO/IEC 7816-3:2006) when the interface byte is absent. */
#define SCARD_ATR_DEFAULT_FL	1
#define SCARD_ATR_DEFAULT_DL	1
#define SCARD_ATR_DEFAULT_WI	10
#define SCARD_ATR_DEFAULT_IFSC	32
#define SCARD_ATR_DEFAULT_IFSD	32
#define SCARD_ATR_DEFAULT_CWI	13
#define SCARD_ATR_DEFAULT_BWI	4

/* Class indicator bits (UI, first TA for T=15). */
#define SCARD_VCC_CLASS_A	0x01	/* 5 V */
#define SCARD_VCC_CLASS_B	0x02	/* 3 V */
#define SCARD_VCC_CLASS_C	0x04	/* 1.8 V */

/**
 * struct scard_card_caps - what the library knows about the inserted card
 * @atr: the answer to reset, in direct convention (for an inverse
 *	convention card the decoded bytes, TS = 0x3F)
 * @atr_len: length of @atr, 0 when no ATR is known
 * @protocols: transport protocols the card offers, SCARD_PROTO_T0
 *	and/or SCARD_PROTO_T1 (0 if it offers neither)
 * @selected: the selected protocol, SCARD_PROTO_UNDEFINED if none; set
 *	by the parser only for a card in specific mode
 * @fl: Fi index (TA1 high nibble, 1 by default), see scard_fi_value()
 * @dl: Di index (TA1 low nibble, 1 by default), see scard_di_value()
 * @n: extra guard time N (TC1, 0 by default; 255 means minimum guard time)
 * @wi: T=0 waiting time integer (TC2, 10 by default)
 * @ifsc: T=1 IFSC from the ATR (first TA for T=1, 32 by default)
 * @ifsd: T=1 IFSD in use; kept by the parser when 1..254, else set to 32
 * @cwi: T=1 character waiting time integer (first TB for T=1, low nibble,
 *	13 by default)
 * @bwi: T=1 block waiting time integer (first TB for T=1, high nibble,
 *	4 by default)
 * @edc: T=1 error detection code (first TC for T=1, bit 0): 0 LRC, 1 CRC
 * @specific: the card is in specific mode (TA2 present)
 * @inverse: the card uses the inverse convention
 * @parsed: the ATR was parsed successfully; all other fields are only
 *	meaningful when this is true
 * @hist: the historical bytes
 * @hist_len: number of historical bytes (K, 0..15)
 * @implicit: specific mode with implicit parameters (TA2 bit 5 set): the
 *	transmission parameters are defined by the interface, not by TA1
 * @mode_fixed: specific mode the card cannot leave by a warm reset (TA2
 *	bit 8 set)
 * @tck_present: the ATR ends with a check byte TCK
 * @clock_stop: clock stop indicator XI (first TA for T=15, bits 8-7):
 *	0 not supported (default), 1 state L, 2 state H, 3 no preference
 * @classes: class indicator UI (first TA for T=15, bits 6-1),
 *	SCARD_VCC_CLASS_* bits; SCARD_VCC_CLASS_A alone by default
 * @spu: first TB for T=15 (use of contact C6), 0 by default
 */
struct scard_card_caps {
	u8 atr[SCARD_ATR_MAX];
	u8 atr_len;
	u32 protocols;
	u32 selected;
	u8 fl;
	u8 dl;
	u8 n;
	u8 wi;
	u8 ifsc;
	u8 ifsd;
	u8 cwi;
	u8 bwi;
	u8 edc;
	bool specific;
	bool inverse;
	bool parsed;
	u8 hist[SCARD_ATR_HIST_MAX];
	u8 hist_len;
	bool implicit;
	bool mode_fixed;
	bool tck_present;
	u8 clock_stop;
	u8 classes;
	u8 spu;
};

int scard_atr_parse(struct scard_card_caps *caps, const u8 *atr, size_t len);
unsigned int scard_fi_value(unsigned int fl);
unsigned int scard_di_value(unsigned int dl);
unsigned int scard_fmax_khz(unsigned int fl);

#endif /* _LINUX_SCARD_PROTO_H */
