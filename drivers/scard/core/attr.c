// SPDX-License-Identifier: GPL-2.0
/*
 * scard: what the library answers itself, never asking the driver: reader
 * and card attributes (SCARD_IOC_GET_ATTRIBUTE, SCARD_IOC_SET_ATTRIBUTE),
 * the last error and the performance counters.
 *
 * Integers are native-endian __u32, except the one-byte ICC_PRESENCE,
 * ICC_INTERFACE_STATUS and ICC_TYPE_PER_ATR. Strings carry no NUL.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "scard_core.h"

static int scard_attr_u32(u8 *value, u32 v)
{
	memcpy(value, &v, sizeof(v));
	return sizeof(v);
}

static int scard_attr_u8(u8 *value, u8 v)
{
	*value = v;
	return 1;
}

static int scard_attr_str(u8 *value, const char *s, size_t size)
{
	size_t len = strnlen(s, size);

	memcpy(value, s, len);
	return len;
}

/*
 * The longest command APDU the reader carries: what an APDU level driver
 * says; at TPDU and character level T=1 chains any APDU the library takes,
 * and T=0 carries short APDUs only (no ENVELOPE): 4 + 1 + 255 + 1 bytes.
 * Called with the reader's requests serialised (card.selected).
 */
u32 scard_max_input(const struct scard_reader *reader)
{
	if (reader->caps.level == SCARD_LEVEL_APDU)
		return reader->caps.max_apdu ?: SCARD_MAX_SEND;
	if (reader->card.selected == SCARD_PROTO_T0)
		return SCARD_SHORT_APDU_MAX;

	return SCARD_MAX_SEND;
}

/* Attributes of the reader itself, valid in any state. */
static int scard_attr_reader(struct scard_reader *reader, u32 tag, u8 *value)
{
	const struct scard_reader_caps *caps = &reader->caps;
	const struct scard_vendor_attr *vendor = &reader->vendor;

	switch (tag) {
	case SCARD_TAG_VENDOR_NAME:
		return scard_attr_str(value, vendor->vendor_name,
				      sizeof(vendor->vendor_name) - 1);
	case SCARD_TAG_VENDOR_IFD_TYPE:
		return scard_attr_str(value, vendor->ifd_type,
				      sizeof(vendor->ifd_type) - 1);
	case SCARD_TAG_VENDOR_IFD_VERSION:
		return scard_attr_u32(value, vendor->ifd_version);
	case SCARD_TAG_VENDOR_IFD_SERIAL_NO:
		if (!vendor->ifd_serial[0])
			return -EOPNOTSUPP;
		return scard_attr_str(value, vendor->ifd_serial,
				      sizeof(vendor->ifd_serial) - 1);
	case SCARD_TAG_CHANNEL_ID:
		return scard_attr_u32(value, caps->reader_type << 16 |
				      (caps->channel & 0xffff));
	case SCARD_TAG_PROTOCOL_TYPES:
		return scard_attr_u32(value, caps->protocols);
	case SCARD_TAG_DEFAULT_CLK:
		return scard_attr_u32(value, caps->clk_default);
	case SCARD_TAG_MAX_CLK:
		return scard_attr_u32(value, caps->clk_max);
	case SCARD_TAG_DEFAULT_DATA_RATE:
		return scard_attr_u32(value, caps->rate_default);
	case SCARD_TAG_MAX_DATA_RATE:
		return scard_attr_u32(value, caps->rate_max);
	case SCARD_TAG_MAX_IFSD:
		return scard_attr_u32(value, caps->max_ifsd);
	case SCARD_TAG_POWER_MGMT_SUPPORT:
		return scard_attr_u32(value, caps->power_mgmt);
	case SCARD_TAG_CHARACTERISTICS:
		return scard_attr_u32(value, caps->mechanical);
	case SCARD_TAG_DEVICE_UNIT:
		return scard_attr_u32(value, vendor->unit);
	case SCARD_TAG_MAXINPUT:
		return scard_attr_u32(value, scard_max_input(reader));
	default:
		return -EOPNOTSUPP;
	}
}

/* Attributes of the card state, valid in any known state. */
static int scard_attr_icc(struct scard_reader *reader, u32 tag, u8 *value,
			  unsigned int state)
{
	const struct scard_card_caps *card = &reader->card;

	switch (tag) {
	case SCARD_TAG_ICC_PRESENCE:
		if (state == SCARD_CARD_UNKNOWN)
			return -EBADFD;
		if (state == SCARD_CARD_ABSENT)
			return scard_attr_u8(value, 0);
		return scard_attr_u8(value, state == SCARD_CARD_PRESENT ? 1 : 2);
	case SCARD_TAG_ICC_INTERFACE_STATUS:
		/* Contacts active: the card is powered. */
		return scard_attr_u8(value, state >= SCARD_CARD_POWERED ? 0xff : 0);
	case SCARD_TAG_ATR_STRING:
		/* Also after a reset whose ATR the library cannot parse. */
		if (state < SCARD_CARD_POWERED || !card->atr_len)
			return -EBADFD;
		memcpy(value, card->atr, card->atr_len);
		return card->atr_len;
	default:
		return -EOPNOTSUPP;
	}
}

/* Attributes of the card's protocol, valid once its ATR is known. */
static int scard_attr_card(struct scard_reader *reader, u32 tag, u8 *value,
			   unsigned int state)
{
	const struct scard_card_caps *card = &reader->card;
	/*
	 * The parameters in force: what the library negotiated for a TPDU or
	 * character level reader, else the ATR's (smclib always reported the
	 * ATR's, even after PPS chose others).
	 */
	u8 fl = reader->link_ready ? reader->link_fl : card->fl;
	u8 dl = reader->link_ready ? reader->link_dl : card->dl;
	unsigned int f = scard_fi_value(fl);
	unsigned int d = scard_di_value(dl);
	int ret;

	switch (tag) {
	case SCARD_TAG_CURRENT_PROTOCOL_TYPE:
		ret = scard_attr_u32(value, card->selected);
		break;
	case SCARD_TAG_CURRENT_CLK:
		ret = scard_attr_u32(value, reader->link_ready ?
				     reader->link_clk : reader->caps.clk_default);
		break;
	case SCARD_TAG_CURRENT_F:
		ret = f ? scard_attr_u32(value, f) : -EMEDIUMTYPE;
		break;
	case SCARD_TAG_CURRENT_D:
		ret = d ? scard_attr_u32(value, d) : -EMEDIUMTYPE;
		break;
	case SCARD_TAG_CURRENT_N:
		ret = scard_attr_u32(value, card->n);
		break;
	case SCARD_TAG_CURRENT_W:
		ret = scard_attr_u32(value, card->wi);
		break;
	case SCARD_TAG_CURRENT_IFSC:
		ret = scard_attr_u32(value, card->ifsc);
		break;
	case SCARD_TAG_CURRENT_IFSD:
		ret = scard_attr_u32(value, card->ifsd);
		break;
	case SCARD_TAG_CURRENT_BWT:
		/* smclib compatible: the integer BWI, not a time. */
		ret = scard_attr_u32(value, card->bwi);
		break;
	case SCARD_TAG_CURRENT_CWT:
		ret = scard_attr_u32(value, card->cwi);
		break;
	case SCARD_TAG_CURRENT_EBC_ENCODING:
		ret = scard_attr_u32(value, card->edc);
		break;
	case SCARD_TAG_ICC_TYPE_PER_ATR:
		ret = scard_attr_u8(value,
				    !!(card->selected & SCARD_PROTO_TX));
		break;
	default:
		return -EOPNOTSUPP;
	}

	return state < SCARD_CARD_NEGOTIABLE ? -EBADFD : ret;
}

static int scard_attr_value(struct scard_reader *reader, u32 tag, u8 *value)
{
	unsigned int state;
	u32 protocol;

	scard_read_state(reader, &state, &protocol);

	switch (tag >> 16) {
	case SCARD_TAG_CLASS_IFD_PROTOCOL:
		return scard_attr_card(reader, tag, value, state);
	case SCARD_TAG_CLASS_ICC_STATE:
		if (tag == SCARD_TAG_ICC_TYPE_PER_ATR)
			return scard_attr_card(reader, tag, value, state);
		return scard_attr_icc(reader, tag, value, state);
	default:
		return scard_attr_reader(reader, tag, value);
	}
}

/**
 * scard_get_attribute() - SCARD_IOC_GET_ATTRIBUTE
 * @reader: the reader
 * @attr: tag and buffer size in; value length (or the size needed) out
 * @value: kernel buffer of SCARD_TAG_VALUE_MAX bytes for the value
 *
 * Card protocol attributes (class SCARD_TAG_CLASS_IFD_PROTOCOL and
 * ICC_TYPE_PER_ATR) need the card in SCARD_CARD_NEGOTIABLE or
 * SCARD_CARD_SPECIFIC; ATR_STRING needs a reset card (SCARD_CARD_POWERED or
 * higher) and is as long as the ATR. ICC_INTERFACE_STATUS is 0xff when the card is powered.
 *
 * Return: 0; -EINVAL (reserved field), -ENODEV, -EBUSY, -ERESTARTSYS,
 * -EOPNOTSUPP (unknown or write-only tag, no serial number), -EBADFD (card
 * not in the state the tag needs), -EMEDIUMTYPE (Fi/Di of the ATR are
 * reserved values), -ENOSPC (attr->len then holds the size needed).
 */
int scard_get_attribute(struct scard_reader *reader, struct scard_attr *attr,
			u8 *value)
{
	int ret;

	if (attr->reserved)
		return scard_result(reader, -EINVAL);

	ret = scard_request_begin(reader);
	if (ret)
		return scard_result(reader, ret);

	ret = scard_attr_value(reader, attr->tag, value);
	scard_request_end(reader);
	if (ret < 0)
		return scard_result(reader, ret);

	if (attr->len < ret) {
		attr->len = ret;
		return scard_result(reader, -ENOSPC);
	}

	attr->len = ret;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_get_attribute);

/**
 * scard_set_attribute() - SCARD_IOC_SET_ATTRIBUTE
 * @reader: the reader
 * @attr: the tag and the length of the value
 * @value: the value, attr->len bytes (at most SCARD_TAG_VALUE_MAX)
 *
 * SCARD_TAG_SUPRESS_T1_IFS_REQUEST stops the T=1 engine from sending
 * S(IFS request) to the card until the next POWER request;
 * SCARD_TAG_DEVICE_IN_USE is accepted and has no effect. Neither looks at
 * the value.
 *
 * Return: 0; -EINVAL (reserved field), -EMSGSIZE (value larger than
 * SCARD_TAG_VALUE_MAX), -ENODEV, -EBUSY, -ERESTARTSYS, -EOPNOTSUPP (any
 * other tag).
 */
int scard_set_attribute(struct scard_reader *reader,
			const struct scard_attr *attr, const u8 *value)
{
	int ret;

	if (attr->reserved)
		return scard_result(reader, -EINVAL);
	if (attr->len > SCARD_TAG_VALUE_MAX)
		return scard_result(reader, -EMSGSIZE);

	ret = scard_request_begin(reader);
	if (ret)
		return scard_result(reader, ret);

	switch (attr->tag) {
	case SCARD_TAG_SUPRESS_T1_IFS_REQUEST:
		reader->suppress_ifs_request = true;
		break;
	case SCARD_TAG_DEVICE_IN_USE:
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
	scard_request_end(reader);

	return scard_result(reader, ret);
}
EXPORT_SYMBOL_IF_KUNIT(scard_set_attribute);

/**
 * scard_get_last_error() - SCARD_IOC_GET_LAST_ERROR
 * @reader: the reader
 * @err: filled in: the positive errno of the last failed request, 0 if none
 *
 * Answered at any time, also while a request is pending.
 *
 * Return: 0 or -ENODEV.
 */
int scard_get_last_error(struct scard_reader *reader,
			 struct scard_last_error *err)
{
	int ret = 0;

	memset(err, 0, sizeof(*err));
	spin_lock_irq(&reader->state_lock);
	if (scard_reader_gone(reader))
		ret = -ENODEV;
	else
		err->error = reader->last_error;
	spin_unlock_irq(&reader->state_lock);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_get_last_error);

/* The counter behind a GET_PERF_CNTR tag, read under state_lock. */
static const u64 *scard_perf_counter(const struct scard_reader *reader,
				     u32 tag)
{
	switch (tag) {
	case SCARD_PERF_NUM_TRANSMISSIONS:
		return &reader->perf_transmissions;
	case SCARD_PERF_BYTES_TRANSMITTED:
		return &reader->perf_bytes_sent;
	case SCARD_PERF_BYTES_RECEIVED:
		return &reader->perf_bytes_received;
	case SCARD_PERF_TRANSMISSION_TIME:
		return &reader->perf_transmit_ns;
	default:
		return NULL;
	}
}

/**
 * scard_get_perf() - SCARD_IOC_GET_PERF_CNTR
 * @reader: the reader
 * @perf: the SCARD_PERF_* tag in, the counter out
 *
 * Counters cover every TRANSMIT that reached the driver: calls, bytes sent,
 * bytes received (successful calls), time until completion (ns).
 * Answered at any time, also while a request is pending.
 *
 * Return: 0, -EINVAL (unknown tag, reserved field) or -ENODEV.
 */
int scard_get_perf(struct scard_reader *reader, struct scard_perf *perf)
{
	const u64 *counter = scard_perf_counter(reader, perf->tag);
	int ret = 0;

	/* Arguments first, as for every request. */
	if (perf->reserved || !counter)
		return -EINVAL;

	spin_lock_irq(&reader->state_lock);
	if (scard_reader_gone(reader))
		ret = -ENODEV;
	else
		perf->value = *counter;
	spin_unlock_irq(&reader->state_lock);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_get_perf);
