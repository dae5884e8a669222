// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: the card's file system (ISO/IEC 7816-4 clause 7).
 *
 *   MF 3F00
 *   +- EF 2F00 (SFI 30)  EF.DIR: 61 15 4F 09 <AID> 50 08 "scardemu"
 *   +- EF 2F01 (SFI 1)   "scard-emu EF 2F01" (17 bytes)
 *   +- DF 5000           the application, AID F0 73 63 61 72 64 65 6D 75
 *      |                 (F0 "scardemu": a proprietary, unregistered AID)
 *      +- EF 5001 (SFI 1)  600 bytes, byte i = i % 251; read only
 *      +- EF 5002 (SFI 2)  64 bytes of FF; read and update always
 *      +- EF 5003 (SFI 3)  "top secret 5003!"; read and update after
 *                          VERIFY of the PIN
 *
 * Every EF is transparent. Each card has its own copy of the contents, so
 * UPDATE BINARY lasts as long as the card (across resets and removals).
 */
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define FS_MF_FID		0x3f00
#define FCP_DESC_EF		0x01	/* working EF, transparent */
#define FCP_DESC_DF		0x38
#define FCP_LCS_ACTIVE		0x05

const u8 fs_app_aid[] = {
	0xf0, 0x73, 0x63, 0x61, 0x72, 0x64, 0x65, 0x6d, 0x75,
};

const size_t fs_app_aid_len = sizeof(fs_app_aid);

static const char fs_2f01[] = "scard-emu EF 2F01";
static const char fs_5003[] = "top secret 5003!";
static const char fs_label[] = "scardemu";

static int fs_add(struct emu_os *os, u16 fid, bool df, u8 sfi, int parent,
		  size_t size, enum fs_ac read_ac, enum fs_ac update_ac)
{
	struct fs_file *f = &os->files[os->nfiles];

	memset(f, 0, sizeof(*f));
	f->fid = fid;
	f->df = df;
	f->sfi = sfi;
	f->parent = parent;
	f->size = size;
	f->read_ac = read_ac;
	f->update_ac = update_ac;
	if (!df)
		f->data = emu_alloc(size);
	return os->nfiles++;
}

void fs_init(struct emu_os *os)
{
	int mf, app, f;
	size_t i, n;
	u8 *d;

	os->nfiles = 0;
	mf = fs_add(os, FS_MF_FID, true, 0, FS_NONE, 0, AC_ALWAYS, AC_NEVER);

	/* EF.DIR: one application template. */
	n = 2 + 2 + fs_app_aid_len + 2 + strlen(fs_label);
	f = fs_add(os, 0x2f00, false, 30, mf, n, AC_ALWAYS, AC_NEVER);
	d = os->files[f].data;
	d[0] = 0x61;
	d[1] = n - 2;
	d[2] = 0x4f;
	d[3] = fs_app_aid_len;
	memcpy(d + 4, fs_app_aid, fs_app_aid_len);
	d[4 + fs_app_aid_len] = 0x50;
	d[5 + fs_app_aid_len] = strlen(fs_label);
	memcpy(d + 6 + fs_app_aid_len, fs_label, strlen(fs_label));

	f = fs_add(os, 0x2f01, false, 1, mf, strlen(fs_2f01), AC_ALWAYS,
		   AC_NEVER);
	memcpy(os->files[f].data, fs_2f01, strlen(fs_2f01));

	app = fs_add(os, 0x5000, true, 0, mf, 0, AC_ALWAYS, AC_NEVER);
	os->files[app].aid = fs_app_aid;
	os->files[app].aid_len = fs_app_aid_len;

	f = fs_add(os, 0x5001, false, 1, app, 600, AC_ALWAYS, AC_NEVER);
	for (i = 0; i < 600; i++)
		os->files[f].data[i] = i % 251;

	f = fs_add(os, 0x5002, false, 2, app, 64, AC_ALWAYS, AC_ALWAYS);
	memset(os->files[f].data, 0xff, 64);

	f = fs_add(os, 0x5003, false, 3, app, strlen(fs_5003), AC_PIN, AC_PIN);
	memcpy(os->files[f].data, fs_5003, strlen(fs_5003));
}

void fs_free(struct emu_os *os)
{
	int i;

	for (i = 0; i < os->nfiles; i++) {
		free(os->files[i].data);
		os->files[i].data = NULL;
	}
	os->nfiles = 0;
}

/*
 * A child of DF @df with identifier @fid; @want_df: 1 only DFs, 0 only
 * EFs, -1 either. Returns its index or FS_NONE.
 */
int fs_child(const struct emu_os *os, int df, u16 fid, int want_df)
{
	int i;

	for (i = 0; i < os->nfiles; i++) {
		const struct fs_file *f = &os->files[i];

		if (f->parent != df || f->fid != fid)
			continue;
		if (want_df >= 0 && f->df != !!want_df)
			continue;
		return i;
	}
	return FS_NONE;
}

/*
 * SELECT by file identifier (P1 = 00): the MF, the current DF, its
 * children, its parent, or the parent's children.
 */
int fs_select_fid(const struct emu_os *os, u16 fid)
{
	int df = os->cur_df, parent = os->files[df].parent;
	int i;

	if (fid == FS_MF_FID)
		return 0;
	if (os->files[df].fid == fid)
		return df;
	i = fs_child(os, df, fid, -1);
	if (i != FS_NONE)
		return i;
	if (parent == FS_NONE)
		return FS_NONE;
	if (os->files[parent].fid == fid)
		return parent;
	return fs_child(os, parent, fid, -1);
}

/* A DF whose name starts with @aid (the whole name if @len is 0: none). */
int fs_by_aid(const struct emu_os *os, const u8 *aid, size_t len)
{
	int i;

	for (i = 0; i < os->nfiles; i++) {
		const struct fs_file *f = &os->files[i];

		if (f->df && f->aid && len && len <= f->aid_len &&
		    !memcmp(f->aid, aid, len))
			return i;
	}
	return FS_NONE;
}

int fs_by_sfi(const struct emu_os *os, int df, u8 sfi)
{
	int i;

	for (i = 0; i < os->nfiles; i++) {
		const struct fs_file *f = &os->files[i];

		if (f->parent == df && !f->df && sfi && f->sfi == sfi)
			return i;
	}
	return FS_NONE;
}

static void tlv(struct emu_buf *b, u8 tag, const u8 *v, size_t len)
{
	buf_byte(b, tag);
	buf_byte(b, len);
	buf_put(b, v, len);
}

/*
 * The control parameters of file @idx as FCP (tag 62) or FCI (tag 6F)
 * template: descriptor, identifier, DF name, size, SFI, life cycle.
 */
void fs_fcp(const struct emu_os *os, int idx, u8 tag, struct emu_buf *out)
{
	const struct fs_file *f = &os->files[idx];
	struct emu_buf b = { 0 };
	u8 v[2];

	v[0] = f->df ? FCP_DESC_DF : FCP_DESC_EF;
	tlv(&b, 0x82, v, 1);
	v[0] = f->fid >> 8;
	v[1] = f->fid & 0xff;
	tlv(&b, 0x83, v, 2);
	if (f->aid)
		tlv(&b, 0x84, f->aid, f->aid_len);
	if (!f->df) {
		v[0] = f->size >> 8;
		v[1] = f->size & 0xff;
		tlv(&b, 0x80, v, 2);
		if (f->sfi) {
			v[0] = f->sfi << 3;
			tlv(&b, 0x88, v, 1);
		}
	}
	v[0] = FCP_LCS_ACTIVE;
	tlv(&b, 0x8a, v, 1);
	tlv(out, tag, b.data, b.len);
	buf_free(&b);
}

/* File management data (tag 64): discretionary data, the card's name. */
void fs_fmd(struct emu_buf *out)
{
	static const char name[] = "scard-emu";

	buf_byte(out, 0x64);
	buf_byte(out, 2 + strlen(name));
	tlv(out, 0x53, (const u8 *)name, strlen(name));
}
