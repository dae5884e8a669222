// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the PC/SC part 10 features, vendor codes 3400 + tag of
 * SCARD_IOC_VENDOR, which the library serves whatever the reader:
 *
 *	GET_FEATURE_REQUEST	the features the reader has, as TLVs of its
 *				vendor codes (big endian, as PC/SC says)
 *	GET_TLV_PROPERTIES	every reader: dwMaxAPDUDataSize; a PIN pad
 *				also its display, validation and PIN sizes
 *	IFD_PIN_PROPERTIES	a PIN pad: display and validation
 *	VERIFY_PIN_DIRECT	a PIN pad: the checked structure goes to the
 *	MODIFY_PIN_DIRECT	driver's RDF_PIN_ENTRY callback, which runs
 *				the entry on the reader's keypad
 *
 * A reader is a PIN pad when its driver sets caps.pin and RDF_PIN_ENTRY.
 * These five codes never reach the reader's vendor callback, also for a
 * reader that lacks the feature (-EOPNOTSUPP), so that an application
 * asking a reader for a feature cannot send it something else by mistake.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "../compat.h"
#include "scard_core.h"

/* bEntryValidationCondition a keypad has: its validation key. */
#define SCARD_PIN_VALIDATION_KEY	0x02
/* bEntryValidationCondition: size reached, validation key, timeout. */
#define SCARD_PIN_VALIDATION_ALL	0x07
/* bNumberMessage: the reader's default number of messages. */
#define SCARD_PIN_MSG_DEFAULT		0xff
#define SCARD_PIN_MSG_MAX		3
/* Command APDU header: CLA INS P1 P2. */
#define SCARD_APDU_HDR_LEN		4
/* What an extended APDU adds to its data: header, Lc (3), Le (2). */
#define SCARD_EXT_APDU_OVERHEAD		9
/* The reply to a PIN entry: a short response APDU. */
#define SCARD_PIN_RECV_MAX		258
/* One feature TLV: tag, length, code. */
#define SCARD_FEATURE_TLV_LEN		6

/* A TLV builder that counts what does not fit. */
struct scard_tlv {
	u8 *buf;
	size_t size;
	size_t len;
};

/**
 * scard_feature_code() - is this vendor code one the library serves?
 * @code: SCARD_IOC_VENDOR code
 *
 * Return: true for GET_FEATURE_REQUEST and the features of this file.
 */
bool scard_feature_code(u32 code)
{
	switch (code) {
	case SCARD_VENDOR_GET_FEATURE_REQUEST:
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_VERIFY_PIN_DIRECT):
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_MODIFY_PIN_DIRECT):
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_IFD_PIN_PROPERTIES):
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_GET_TLV_PROPERTIES):
		return true;
	default:
		return false;
	}
}

static u8 *scard_tlv_put(struct scard_tlv *t, u8 tag, u8 len)
{
	u8 *p = t->len + 2 + len <= t->size ? t->buf + t->len : NULL;

	if (p) {
		p[0] = tag;
		p[1] = len;
		p += 2;
	}
	t->len += 2 + len;

	return p;
}

static void scard_tlv_u8(struct scard_tlv *t, u8 tag, u8 v)
{
	u8 *p = scard_tlv_put(t, tag, 1);

	if (p)
		*p = v;
}

static void scard_tlv_le16(struct scard_tlv *t, u8 tag, u16 v)
{
	u8 *p = scard_tlv_put(t, tag, 2);

	if (p)
		put_unaligned_le16(v, p);
}

static void scard_tlv_le32(struct scard_tlv *t, u8 tag, u32 v)
{
	u8 *p = scard_tlv_put(t, tag, 4);

	if (p)
		put_unaligned_le32(v, p);
}

static void scard_tlv_feature(struct scard_tlv *t, u8 tag)
{
	u8 *p = scard_tlv_put(t, tag, 4);

	if (p)
		put_unaligned_be32(SCARD_VENDOR_FEATURE(tag), p);
}

static bool scard_has_pin(struct scard_reader *reader, u32 what)
{
	return (reader->caps.pin & what) &&
		scard_reader_has(reader, RDF_PIN_ENTRY);
}

/*
 * dwMaxAPDUDataSize: the data of the longest extended APDU the reader
 * carries, 0 when it carries short APDUs only.
 */
static u32 scard_max_apdu_data(struct scard_reader *reader)
{
	u32 in = scard_max_input(reader);

	if (in <= SCARD_SHORT_APDU_MAX)
		return 0;

	return min_t(u32, in - SCARD_EXT_APDU_OVERHEAD, 65536);
}

static void scard_features(struct scard_reader *reader, struct scard_tlv *t)
{
	if (scard_has_pin(reader, SCARD_PIN_VERIFY))
		scard_tlv_feature(t, SCARD_FEATURE_VERIFY_PIN_DIRECT);
	if (scard_has_pin(reader, SCARD_PIN_MODIFY))
		scard_tlv_feature(t, SCARD_FEATURE_MODIFY_PIN_DIRECT);
	if (scard_has_pin(reader, SCARD_PIN_VERIFY | SCARD_PIN_MODIFY))
		scard_tlv_feature(t, SCARD_FEATURE_IFD_PIN_PROPERTIES);
	scard_tlv_feature(t, SCARD_FEATURE_GET_TLV_PROPERTIES);
}

static void scard_tlv_properties(struct scard_reader *reader,
				 struct scard_tlv *t)
{
	const struct scard_reader_caps *caps = &reader->caps;

	if (scard_has_pin(reader, SCARD_PIN_VERIFY | SCARD_PIN_MODIFY)) {
		scard_tlv_le16(t, SCARD_PROPERTY_LCD_LAYOUT, caps->lcd_layout);
		scard_tlv_u8(t, SCARD_PROPERTY_ENTRY_VALIDATION,
			     SCARD_PIN_VALIDATION_KEY);
		scard_tlv_u8(t, SCARD_PROPERTY_TIMEOUT2, 0);
		if (caps->pin_min)
			scard_tlv_u8(t, SCARD_PROPERTY_MIN_PIN_SIZE,
				     caps->pin_min);
		if (caps->pin_max)
			scard_tlv_u8(t, SCARD_PROPERTY_MAX_PIN_SIZE,
				     caps->pin_max);
	}
	scard_tlv_le32(t, SCARD_PROPERTY_MAX_APDU_DATA_SIZE,
		       scard_max_apdu_data(reader));
}

static int scard_pin_properties(struct scard_reader *reader,
				struct scard_tlv *t)
{
	struct scard_pin_properties p = {
		.entry_validation = SCARD_PIN_VALIDATION_KEY,
	};

	if (!scard_has_pin(reader, SCARD_PIN_VERIFY | SCARD_PIN_MODIFY))
		return -EOPNOTSUPP;

	put_unaligned_le16(reader->caps.lcd_layout, p.lcd_layout);
	if (t->size >= sizeof(p))
		memcpy(t->buf, &p, sizeof(p));
	t->len = sizeof(p);

	return 0;
}

/**
 * scard_pin_check() - the checks of a PIN entry request
 * @code: SCARD_VENDOR_FEATURE() of SCARD_FEATURE_VERIFY_PIN_DIRECT or
 *	SCARD_FEATURE_MODIFY_PIN_DIRECT
 * @in: the &struct scard_pin_verify or &struct scard_pin_modify and the
 *	APDU after it
 * @len: length of @in
 *
 * The structure must be whole, its ulDataLength the length of the APDU
 * that follows, the APDU a short one with its header at least, the
 * validation condition one a reader knows (1 to 7: some readers hang on
 * others) and at most 3 messages (or 0xff, the reader's default).
 *
 * Return: 0, -EINVAL (a field out of range, lengths that disagree) or
 * -EMSGSIZE (an APDU longer than SCARD_SHORT_APDU_MAX).
 */
int scard_pin_check(u32 code, const u8 *in, size_t len)
{
	const struct scard_pin_verify *v = (const void *)in;
	const struct scard_pin_modify *m = (const void *)in;
	size_t hdr;
	u32 dlen;
	u8 valid, msgs;

	if (code == SCARD_VENDOR_FEATURE(SCARD_FEATURE_VERIFY_PIN_DIRECT))
		hdr = sizeof(*v);
	else
		hdr = sizeof(*m);
	if (len < hdr + SCARD_APDU_HDR_LEN)
		return -EINVAL;
	if (hdr == sizeof(*v)) {
		dlen = get_unaligned_le32(v->data_length);
		valid = v->entry_validation;
		msgs = v->num_messages;
	} else {
		dlen = get_unaligned_le32(m->data_length);
		valid = m->entry_validation;
		msgs = m->num_messages;
	}
	if (dlen != len - hdr)
		return -EINVAL;
	if (dlen > SCARD_SHORT_APDU_MAX)
		return -EMSGSIZE;
	if (!valid || valid > SCARD_PIN_VALIDATION_ALL)
		return -EINVAL;
	if (msgs > SCARD_PIN_MSG_MAX && msgs != SCARD_PIN_MSG_DEFAULT)
		return -EINVAL;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_pin_check);

static int scard_pin_entry(struct scard_reader *reader,
			   struct scard_vendor *vendor, const u8 *in, u8 *out)
{
	unsigned int state;
	struct scard_xfer *x;
	u32 protocol;
	int ret;

	ret = scard_pin_check(vendor->code, in, vendor->in_len);
	if (ret)
		return ret;

	scard_read_state(reader, &state, &protocol);
	if (state <= SCARD_CARD_ABSENT)
		return -ENOMEDIUM;
	if (state != SCARD_CARD_SPECIFIC)
		return -EBADFD;

	x = scard_xfer_alloc(reader, SCARD_FN_VENDOR, vendor->code,
			     vendor->in_len, SCARD_PIN_RECV_MAX);
	if (!x)
		return -ENOMEM;
	memcpy(x->send_buf, in, vendor->in_len);
	ret = scard_call(reader, x, RDF_PIN_ENTRY);
	if (!ret)
		ret = scard_copy_reply(x, &vendor->out_len, out);
	scard_xfer_put(x);

	return ret;
}

/**
 * scard_feature_locked() - a vendor request the library serves
 * @reader: the reader, its requests serialised (scard_request_begin())
 * @vendor: the request, a code scard_feature_code() accepts; out_len is
 *	updated
 * @in: the input, vendor->in_len bytes (kernel memory)
 * @out: room for vendor->out_len bytes of output (kernel memory)
 *
 * Return: 0; -EOPNOTSUPP (a feature the reader does not have), -ENOSPC
 * (out_len then holds the size needed), -EINVAL (input for a request
 * that takes none; a bad PIN structure, see scard_pin_check()),
 * -EMSGSIZE, -ENOMEDIUM, -EBADFD (no protocol selected), -ENOMEM, or the
 * driver's error.
 */
int scard_feature_locked(struct scard_reader *reader,
			 struct scard_vendor *vendor, const u8 *in, u8 *out)
{
	struct scard_tlv t = { .buf = out, .size = vendor->out_len };
	int ret = 0;

	switch (vendor->code) {
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_VERIFY_PIN_DIRECT):
		if (!scard_has_pin(reader, SCARD_PIN_VERIFY))
			return -EOPNOTSUPP;
		return scard_pin_entry(reader, vendor, in, out);
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_MODIFY_PIN_DIRECT):
		if (!scard_has_pin(reader, SCARD_PIN_MODIFY))
			return -EOPNOTSUPP;
		return scard_pin_entry(reader, vendor, in, out);
	case SCARD_VENDOR_GET_FEATURE_REQUEST:
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_GET_TLV_PROPERTIES):
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_IFD_PIN_PROPERTIES):
		if (vendor->in_len)
			return -EINVAL;
		break;
	default:
		return -EOPNOTSUPP;
	}

	switch (vendor->code) {
	case SCARD_VENDOR_GET_FEATURE_REQUEST:
		scard_features(reader, &t);
		break;
	case SCARD_VENDOR_FEATURE(SCARD_FEATURE_GET_TLV_PROPERTIES):
		scard_tlv_properties(reader, &t);
		break;
	default:
		ret = scard_pin_properties(reader, &t);
		break;
	}
	if (ret)
		return ret;
	if (t.len > t.size) {
		vendor->out_len = t.len;
		return -ENOSPC;
	}
	vendor->out_len = t.len;

	return 0;
}
