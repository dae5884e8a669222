/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * scard: user-space interface of the Linux smart card reader library.
 *
 * One character device /dev/scardN per reader slot. The ioctl set mirrors
 * the Windows smart card driver library (smclib) request set; the ioctl
 * number (_IOC_NR) of each request equals the smclib function number.
 *
 * Every structure has a fixed layout, identical for 32-bit and 64-bit
 * callers: fixed-width fields, user pointers carried in __aligned_u64,
 * explicit padding. Fields named "reserved" must be zero (-EINVAL
 * otherwise). Variable buffers always come with a length; when an output
 * buffer is too small the call fails with -ENOSPC and the length field holds
 * the size that is needed.
 *
 * See Documentation/userspace-api/scard.rst for the errno table.
 */
#ifndef _UAPI_LINUX_SCARD_H
#define _UAPI_LINUX_SCARD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SCARD_IOC_MAGIC			0xB9

/* Reader/card states: smclib's ordinals (not pcsc-lite's bit flags). */
#define SCARD_CARD_UNKNOWN			0
#define SCARD_CARD_ABSENT			1
#define SCARD_CARD_PRESENT			2
#define SCARD_CARD_SWALLOWED			3
#define SCARD_CARD_POWERED			4
#define SCARD_CARD_NEGOTIABLE		5
#define SCARD_CARD_SPECIFIC			6

/* Protocols (masks for SET_PROTOCOL, values of the selected protocol). */
#define SCARD_PROTO_UNDEFINED	0x00000000
#define SCARD_PROTO_T0		0x00000001
#define SCARD_PROTO_T1		0x00000002
#define SCARD_PROTO_TX		(SCARD_PROTO_T0 | SCARD_PROTO_T1)
#define SCARD_PROTO_RAW		0x00010000
/* In a SET_PROTOCOL mask: use default parameters (no speed-up by PPS). */
#define SCARD_PROTO_DEFAULT		0x80000000
#define SCARD_PROTO_OPTIMAL		0x00000000

/* POWER dispositions. */
#define SCARD_POWER_DOWN		0
#define SCARD_COLD_RESET		1
#define SCARD_WARM_RESET		2

#define SCARD_ATR_MAX			33

/* Largest command and response the library accepts (extended APDUs). */
#define SCARD_MAX_SEND			65544
#define SCARD_MAX_RECV			65538
/* Largest short command APDU: header, Lc, 255 data bytes, Le. */
#define SCARD_SHORT_APDU_MAX		261

/* Attribute tags: class << 16 | id (smclib/PC/SC values). */
#define SCARD_TAG(cls, id)		(((cls) << 16) | (id))
#define SCARD_TAG_CLASS_VENDOR_INFO		1
#define SCARD_TAG_CLASS_COMMUNICATIONS	2
#define SCARD_TAG_CLASS_PROTOCOL		3
#define SCARD_TAG_CLASS_POWER_MGMT		4
#define SCARD_TAG_CLASS_SECURITY		5
#define SCARD_TAG_CLASS_MECHANICAL		6
#define SCARD_TAG_CLASS_VENDOR_DEFINED	7
#define SCARD_TAG_CLASS_IFD_PROTOCOL	8
#define SCARD_TAG_CLASS_ICC_STATE		9
#define SCARD_TAG_CLASS_PERF		0x7ffe
#define SCARD_TAG_CLASS_SYSTEM		0x7fff

#define SCARD_TAG_VENDOR_NAME		SCARD_TAG(1, 0x0100)
#define SCARD_TAG_VENDOR_IFD_TYPE	SCARD_TAG(1, 0x0101)
#define SCARD_TAG_VENDOR_IFD_VERSION	SCARD_TAG(1, 0x0102)
#define SCARD_TAG_VENDOR_IFD_SERIAL_NO	SCARD_TAG(1, 0x0103)
#define SCARD_TAG_CHANNEL_ID		SCARD_TAG(2, 0x0110)
#define SCARD_TAG_PROTOCOL_TYPES	SCARD_TAG(3, 0x0120)
#define SCARD_TAG_DEFAULT_CLK		SCARD_TAG(3, 0x0121)
#define SCARD_TAG_MAX_CLK		SCARD_TAG(3, 0x0122)
#define SCARD_TAG_DEFAULT_DATA_RATE	SCARD_TAG(3, 0x0123)
#define SCARD_TAG_MAX_DATA_RATE	SCARD_TAG(3, 0x0124)
#define SCARD_TAG_MAX_IFSD		SCARD_TAG(3, 0x0125)
#define SCARD_TAG_SYNC_PROTOCOL_TYPES	SCARD_TAG(3, 0x0126)
#define SCARD_TAG_POWER_MGMT_SUPPORT	SCARD_TAG(4, 0x0131)
#define SCARD_TAG_USER_TO_CARD_AUTH_DEVICE SCARD_TAG(5, 0x0140)
#define SCARD_TAG_USER_AUTH_INPUT_DEVICE SCARD_TAG(5, 0x0142)
#define SCARD_TAG_CHARACTERISTICS	SCARD_TAG(6, 0x0150)
#define SCARD_TAG_CURRENT_PROTOCOL_TYPE SCARD_TAG(8, 0x0201)
#define SCARD_TAG_CURRENT_CLK		SCARD_TAG(8, 0x0202)
#define SCARD_TAG_CURRENT_F		SCARD_TAG(8, 0x0203)
#define SCARD_TAG_CURRENT_D		SCARD_TAG(8, 0x0204)
#define SCARD_TAG_CURRENT_N		SCARD_TAG(8, 0x0205)
#define SCARD_TAG_CURRENT_W		SCARD_TAG(8, 0x0206)
#define SCARD_TAG_CURRENT_IFSC		SCARD_TAG(8, 0x0207)
#define SCARD_TAG_CURRENT_IFSD		SCARD_TAG(8, 0x0208)
#define SCARD_TAG_CURRENT_BWT		SCARD_TAG(8, 0x0209)
#define SCARD_TAG_CURRENT_CWT		SCARD_TAG(8, 0x020a)
#define SCARD_TAG_CURRENT_EBC_ENCODING	SCARD_TAG(8, 0x020b)
#define SCARD_TAG_EXTENDED_BWT		SCARD_TAG(8, 0x020c)
#define SCARD_TAG_ICC_PRESENCE		SCARD_TAG(9, 0x0300)
#define SCARD_TAG_ICC_INTERFACE_STATUS	SCARD_TAG(9, 0x0301)
#define SCARD_TAG_CURRENT_IO_STATE	SCARD_TAG(9, 0x0302)
#define SCARD_TAG_ATR_STRING		SCARD_TAG(9, 0x0303)
#define SCARD_TAG_ICC_TYPE_PER_ATR	SCARD_TAG(9, 0x0304)
#define SCARD_TAG_DEVICE_UNIT		SCARD_TAG(0x7fff, 0x0001)
#define SCARD_TAG_DEVICE_IN_USE	SCARD_TAG(0x7fff, 0x0002)
#define SCARD_TAG_DEVICE_FRIENDLY_NAME_A SCARD_TAG(0x7fff, 0x0003)
#define SCARD_TAG_DEVICE_SYSTEM_NAME_A	SCARD_TAG(0x7fff, 0x0004)
#define SCARD_TAG_DEVICE_FRIENDLY_NAME_W SCARD_TAG(0x7fff, 0x0005)
#define SCARD_TAG_DEVICE_SYSTEM_NAME_W	SCARD_TAG(0x7fff, 0x0006)
#define SCARD_TAG_SUPRESS_T1_IFS_REQUEST SCARD_TAG(0x7fff, 0x0007)
/* The longest command APDU the reader carries (pcsc-lite's MAXINPUT). */
#define SCARD_TAG_MAXINPUT		SCARD_TAG(7, 0xA007)

/* Reader types in the high word of SCARD_TAG_CHANNEL_ID. */
#define SCARD_READER_TYPE_SERIAL	0x01
#define SCARD_READER_TYPE_PARALELL	0x02
#define SCARD_READER_TYPE_KEYBOARD	0x04
#define SCARD_READER_TYPE_SCSI		0x08
#define SCARD_READER_TYPE_IDE		0x10
#define SCARD_READER_TYPE_USB		0x20
#define SCARD_READER_TYPE_PCMCIA	0x40
#define SCARD_READER_TYPE_TPM		0x80
#define SCARD_READER_TYPE_VENDOR	0xf0

/* SCARD_TAG_CHARACTERISTICS bits. */
#define SCARD_READER_SWALLOWS		0x00000001
#define SCARD_READER_EJECTS		0x00000002
#define SCARD_READER_CONFISCATES	0x00000004

/* Performance counter tags for SCARD_IOC_GET_PERF_CNTR. */
#define SCARD_PERF_NUM_TRANSMISSIONS	SCARD_TAG(0x7ffe, 0x0001)
#define SCARD_PERF_BYTES_TRANSMITTED	SCARD_TAG(0x7ffe, 0x0002)
#define SCARD_PERF_TRANSMISSION_TIME	SCARD_TAG(0x7ffe, 0x0003)
#define SCARD_PERF_BYTES_RECEIVED	SCARD_TAG(0x7ffe, 0x0004)

/**
 * struct scard_power - SCARD_IOC_POWER argument
 * @disposition: in: SCARD_POWER_DOWN, SCARD_COLD_RESET or SCARD_WARM_RESET
 * @atr_len: out: length of @atr after a reset, 0 after power down
 * @atr: out: the card's answer to reset
 * @reserved: must be zero
 */
struct scard_power {
	__u32 disposition;
	__u32 atr_len;
	__u8 atr[SCARD_ATR_MAX];
	__u8 reserved[7];
};

/**
 * struct scard_attr - SCARD_IOC_GET_ATTRIBUTE / SCARD_IOC_SET_ATTRIBUTE
 * @tag: in: SCARD_TAG_* tag
 * @len: in: size of the buffer at @data; out (get): length of the value,
 *	or the size needed when the call fails with -ENOSPC
 * @data: user pointer to the value
 * @reserved: must be zero
 *
 * Integer values are native-endian __u32 unless documented otherwise;
 * strings carry no terminating NUL.
 */
struct scard_attr {
	__u32 tag;
	__u32 len;
	__aligned_u64 data;
	__u64 reserved;
};

/* struct scard_transmit.flags */
/* T=0: send case 4 APDUs, follow 61xx with GET RESPONSE, re-issue on 6Cxx. */
#define SCARD_TRANSMIT_APDU		0x00000001
#define SCARD_TRANSMIT_FLAGS		SCARD_TRANSMIT_APDU

/**
 * struct scard_transmit - SCARD_IOC_TRANSMIT argument
 * @protocol: in: the selected protocol (SCARD_PROTO_T0, _T1 or _RAW)
 * @flags: in: SCARD_TRANSMIT_* flags
 * @send_buf: in: user pointer to the command (APDU/TPDU)
 * @recv_buf: in: user pointer to the response buffer
 * @send_len: in: length of the command, 1..SCARD_MAX_SEND
 * @recv_len: in: size of the response buffer; out: length of the
 *	response, or the size needed when the call fails with -ENOSPC
 * @nad: in/out: T=1 node address byte (0 by default)
 * @reserved: must be zero
 */
struct scard_transmit {
	__u32 protocol;
	__u32 flags;
	__aligned_u64 send_buf;
	__aligned_u64 recv_buf;
	__u32 send_len;
	__u32 recv_len;
	__u8 nad;
	__u8 reserved[7];
};

/**
 * struct scard_protocol - SCARD_IOC_SET_PROTOCOL argument
 * @mask: in: acceptable protocols, optionally with SCARD_PROTO_DEFAULT
 * @selected: out: the selected protocol (always written on success)
 * @reserved: must be zero
 */
struct scard_protocol {
	__u32 mask;
	__u32 selected;
	__u64 reserved;
};

/**
 * struct scard_state - SCARD_IOC_GET_STATE result
 * @state: SCARD_CARD_UNKNOWN .. SCARD_CARD_SPECIFIC
 * @protocol: the selected protocol, SCARD_PROTO_UNDEFINED if none
 * @events: card insert/remove counter of the reader; a caller that sees it
 *	move by more than one knows it missed events
 * @reserved: zero
 */
struct scard_state {
	__u32 state;
	__u32 protocol;
	__u64 events;
	__u64 reserved[2];
};

/**
 * struct scard_last_error - SCARD_IOC_GET_LAST_ERROR result
 * @error: positive errno of the reader's last failed request, 0 if none
 * @reserved: zero
 */
struct scard_last_error {
	__u32 error;
	__u32 reserved;
};

/**
 * struct scard_perf - SCARD_IOC_GET_PERF_CNTR argument
 * @tag: in: SCARD_PERF_* tag
 * @reserved: must be zero
 * @value: out: the counter (time in nanoseconds)
 */
struct scard_perf {
	__u32 tag;
	__u32 reserved;
	__u64 value;
};

#define SCARD_VENDOR_CODE_MIN		2048
#define SCARD_VENDOR_CODE_MAX		4095
#define SCARD_VENDOR_MAX_BUF		65544

/**
 * struct scard_vendor - SCARD_IOC_VENDOR argument
 * @code: in: vendor function number, SCARD_VENDOR_CODE_MIN..MAX
 * @in_len: in: length of the input at @in_buf (may be 0)
 * @in_buf: in: user pointer to the input
 * @out_buf: in: user pointer to the output buffer
 * @out_len: in: size of the output buffer; out: bytes written, or the size
 *	needed when the call fails with -ENOSPC
 * @reserved: must be zero
 */
struct scard_vendor {
	__u32 code;
	__u32 in_len;
	__aligned_u64 in_buf;
	__aligned_u64 out_buf;
	__u32 out_len;
	__u32 reserved;
};

/*
 * PC/SC part 10 features, carried by SCARD_IOC_VENDOR. The library answers
 * SCARD_VENDOR_GET_FEATURE_REQUEST itself (CM_IOCTL_GET_FEATURE_REQUEST,
 * SCARD_CTL_CODE(3400)): TLVs of one byte tag, one byte length (4) and the
 * feature's vendor code, big endian, for each feature the reader has. A
 * feature's vendor code is SCARD_VENDOR_FEATURE(tag). The library serves
 * 3400 and the codes of the four features below, for every reader; other
 * codes go to the reader's driver.
 */
#define SCARD_VENDOR_GET_FEATURE_REQUEST	3400
#define SCARD_VENDOR_FEATURE(tag)	(SCARD_VENDOR_GET_FEATURE_REQUEST + (tag))

#define SCARD_FEATURE_VERIFY_PIN_DIRECT		0x06
#define SCARD_FEATURE_MODIFY_PIN_DIRECT		0x07
#define SCARD_FEATURE_IFD_PIN_PROPERTIES	0x0a
#define SCARD_FEATURE_GET_TLV_PROPERTIES	0x12

/* GET_TLV_PROPERTIES tags (values little endian, as long as the tag says) */
#define SCARD_PROPERTY_LCD_LAYOUT		0x01	/* wLcdLayout */
#define SCARD_PROPERTY_ENTRY_VALIDATION		0x02	/* bEntryValidationCondition */
#define SCARD_PROPERTY_TIMEOUT2			0x03	/* bTimeOut2 */
#define SCARD_PROPERTY_MIN_PIN_SIZE		0x06	/* bMinPINSize */
#define SCARD_PROPERTY_MAX_PIN_SIZE		0x07	/* bMaxPINSize */
#define SCARD_PROPERTY_MAX_APDU_DATA_SIZE	0x0a	/* dwMaxAPDUDataSize */

/**
 * struct scard_pin_verify - FEATURE_VERIFY_PIN_DIRECT input
 * @timeout: bTimerOut: seconds the reader waits for the PIN, 0 its default
 * @timeout2: bTimerOut2: seconds after the first key, 0 its default
 * @format: bmFormatString: PIN format and its place in the APDU
 * @pin_block: bmPINBlockString: PIN block and length field sizes
 * @pin_length_format: bmPINLengthFormat: where the length goes
 * @pin_max_extra_digit: wPINMaxExtraDigit: minimum << 8 | maximum PIN size
 * @entry_validation: bEntryValidationCondition: 1 maximum size reached,
 *	2 validation key, 4 timeout (1 to 7)
 * @num_messages: bNumberMessage: 0 to 3, or 0xff (the reader's default)
 * @lang_id: wLangId: language of the messages
 * @msg_index: bMsgIndex
 * @teo_prologue: bTeoPrologue: filled in by the driver where the reader's
 *	level needs it (T=1 at TPDU level), else zero
 * @data_length: ulDataLength: length of the command APDU that follows
 *	the structure, which the reader completes with the PIN (4 to
 *	SCARD_SHORT_APDU_MAX bytes)
 *
 * PC/SC part 10's PIN_VERIFY_STRUCTURE, 19 bytes, then the APDU; the
 * multi-byte fields are little endian byte arrays (the layout has no
 * padding on any architecture). The PIN is typed on the
 * reader's keypad and never reaches the host. The reply is the card's
 * response APDU, or 64 00 (nobody entered the PIN in time) or 64 01 (the
 * user cancelled).
 */
struct scard_pin_verify {
	__u8 timeout;
	__u8 timeout2;
	__u8 format;
	__u8 pin_block;
	__u8 pin_length_format;
	__u8 pin_max_extra_digit[2];
	__u8 entry_validation;
	__u8 num_messages;
	__u8 lang_id[2];
	__u8 msg_index;
	__u8 teo_prologue[3];
	__u8 data_length[4];
};

/**
 * struct scard_pin_modify - FEATURE_MODIFY_PIN_DIRECT input
 * @timeout: bTimerOut, see &struct scard_pin_verify
 * @timeout2: bTimerOut2
 * @format: bmFormatString
 * @pin_block: bmPINBlockString
 * @pin_length_format: bmPINLengthFormat
 * @insertion_offset_old: bInsertionOffsetOld: where the current PIN goes
 * @insertion_offset_new: bInsertionOffsetNew: where the new PIN goes
 * @pin_max_extra_digit: wPINMaxExtraDigit
 * @confirm_pin: bConfirmPIN: bit 0 the new PIN is typed twice, bit 1 the
 *	current PIN is asked for
 * @entry_validation: bEntryValidationCondition
 * @num_messages: bNumberMessage
 * @lang_id: wLangId
 * @msg_index1: bMsgIndex1
 * @msg_index2: bMsgIndex2
 * @msg_index3: bMsgIndex3
 * @teo_prologue: bTeoPrologue
 * @data_length: ulDataLength: length of the command APDU that follows
 *
 * PC/SC part 10's PIN_MODIFY_STRUCTURE, 24 bytes, then the APDU; the reply
 * as for &struct scard_pin_verify.
 */
struct scard_pin_modify {
	__u8 timeout;
	__u8 timeout2;
	__u8 format;
	__u8 pin_block;
	__u8 pin_length_format;
	__u8 insertion_offset_old;
	__u8 insertion_offset_new;
	__u8 pin_max_extra_digit[2];
	__u8 confirm_pin;
	__u8 entry_validation;
	__u8 num_messages;
	__u8 lang_id[2];
	__u8 msg_index1;
	__u8 msg_index2;
	__u8 msg_index3;
	__u8 teo_prologue[3];
	__u8 data_length[4];
};

/**
 * struct scard_pin_properties - FEATURE_IFD_PIN_PROPERTIES output
 * @lcd_layout: wLcdLayout: lines << 8 | characters per line, 0 without
 *	a display
 * @entry_validation: bEntryValidationCondition the reader supports
 * @timeout2: bTimeOut2
 */
struct scard_pin_properties {
	__u8 lcd_layout[2];
	__u8 entry_validation;
	__u8 timeout2;
};

#define SCARD_IOC_POWER		_IOWR(SCARD_IOC_MAGIC, 1, struct scard_power)
#define SCARD_IOC_GET_ATTRIBUTE	_IOWR(SCARD_IOC_MAGIC, 2, struct scard_attr)
#define SCARD_IOC_SET_ATTRIBUTE	_IOW(SCARD_IOC_MAGIC, 3, struct scard_attr)
#define SCARD_IOC_CONFISCATE	_IO(SCARD_IOC_MAGIC, 4)
#define SCARD_IOC_TRANSMIT	_IOWR(SCARD_IOC_MAGIC, 5, struct scard_transmit)
#define SCARD_IOC_EJECT		_IO(SCARD_IOC_MAGIC, 6)
#define SCARD_IOC_SWALLOW	_IO(SCARD_IOC_MAGIC, 7)
#define SCARD_IOC_IS_PRESENT	_IO(SCARD_IOC_MAGIC, 10)
#define SCARD_IOC_IS_ABSENT	_IO(SCARD_IOC_MAGIC, 11)
#define SCARD_IOC_SET_PROTOCOL	_IOWR(SCARD_IOC_MAGIC, 12, struct scard_protocol)
#define SCARD_IOC_GET_STATE	_IOR(SCARD_IOC_MAGIC, 14, struct scard_state)
#define SCARD_IOC_GET_LAST_ERROR _IOR(SCARD_IOC_MAGIC, 15, struct scard_last_error)
#define SCARD_IOC_GET_PERF_CNTR	_IOWR(SCARD_IOC_MAGIC, 16, struct scard_perf)
#define SCARD_IOC_VENDOR	_IOWR(SCARD_IOC_MAGIC, 64, struct scard_vendor)

#endif /* _UAPI_LINUX_SCARD_H */
