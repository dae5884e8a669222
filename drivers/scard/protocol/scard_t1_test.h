/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the T=1 KUnit suites: block encodings of ISO/IEC 7816-3 and
 * an EDC written from the definitions, independently of the engine.
 */
#ifndef _SCARD_T1_TEST_H
#define _SCARD_T1_TEST_H

#include <linux/scard_t1.h>
#include <linux/string.h>
#include <linux/types.h>

#define T1T_I(ns, m)	(((ns) << 6) | ((m) << 5))
#define T1T_R(nr, e)	(0x80 | ((nr) << 4) | (e))
#define R_EDC		0x01
#define R_OTHER		0x02
#define S_RES_REQ	0xc0
#define S_IFS_REQ	0xc1
#define S_ABT_REQ	0xc2
#define S_WTX_REQ	0xc3
#define S_RES_RSP	0xe0
#define S_IFS_RSP	0xe1
#define S_ABT_RSP	0xe2
#define S_WTX_RSP	0xe3
#define S_VPP_ERR	0xe4

/* Room for any test block: LEN 255, CRC and one extra byte. */
#define T1T_BLOCK_ROOM	(3 + 255 + 2 + 1)

/*
 * ISO/IEC 13239 16-bit FCS, bit by bit: the shift register is preset to
 * ones, each bit enters least significant first, the generator is
 * x^16 + x^12 + x^5 + 1 (0x8408 reflected); the FCS is the complement.
 */
static inline u16 t1t_fcs16(const u8 *p, size_t n)
{
	u16 reg = 0xffff;
	unsigned int bit;

	while (n--) {
		reg ^= *p++;
		for (bit = 0; bit < 8; bit++)
			reg = reg & 1 ? (reg >> 1) ^ 0x8408 : reg >> 1;
	}
	return ~reg;
}

static inline size_t t1t_edc(enum scard_t1_edc edc, const u8 *p, size_t n,
			     u8 *out)
{
	u16 fcs;
	u8 lrc = 0;

	if (edc == SCARD_T1_CRC) {
		fcs = t1t_fcs16(p, n);
		out[0] = fcs & 0xff;	/* the FCS goes low-order byte first */
		out[1] = fcs >> 8;
		return 2;
	}
	while (n--)
		lrc ^= *p++;
	out[0] = lrc;
	return 1;
}

/* Complete a block whose INF is already at b + 3; return its length. */
static inline size_t t1t_block(u8 *b, enum scard_t1_edc edc, u8 nad, u8 pcb,
			       size_t len)
{
	b[0] = nad;
	b[1] = pcb;
	b[2] = len;
	return 3 + len + t1t_edc(edc, b, 3 + len, b + 3 + len);
}

/* xorshift32: reproducible runs from a fixed seed. */
static inline u32 t1t_rand(u32 *seed)
{
	u32 x = *seed;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*seed = x;
	return x;
}

static inline void t1t_rand_bytes(u32 *seed, u8 *p, size_t n)
{
	while (n--)
		*p++ = t1t_rand(seed);
}

#endif /* _SCARD_T1_TEST_H */
