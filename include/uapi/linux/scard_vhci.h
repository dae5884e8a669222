/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * scard_vhci: smart card readers backed by a user-space process.
 *
 * A process opens /dev/scard_vhci and becomes the "hardware" of up to
 * SCARD_VHCI_MAX_READERS readers: it creates them, inserts and removes
 * cards, and answers the requests the library sends to the reader. Each
 * reader appears as an ordinary /dev/scardN. Closing the file unplugs its
 * readers.
 *
 * The protocol is a sequence of messages: a struct scard_vhci_msg header
 * followed by exactly hdr.len payload bytes. Each write() carries one whole
 * message (its length must be sizeof(header) + len); each read() returns
 * one whole message (the buffer must hold it, else -ENOSPC and the message
 * stays queued; a blocking read() waits for a message, O_NONBLOCK gives
 * -EAGAIN). poll() reports POLLIN when a message can be read.
 *
 * Messages from user space (type, what the payload holds):
 *   SCARD_VHCI_CREATE   struct scard_vhci_create; @reader is the index the
 *                       process chooses (0..15). The kernel queues
 *                       SCARD_VHCI_EV_CREATED with @arg = N of /dev/scardN,
 *                       ahead of any request of the reader.
 *   SCARD_VHCI_DESTROY  none: the reader is unplugged; its messages not
 *                       read yet are dropped.
 *   SCARD_VHCI_INSERT   the card's ATR (2..SCARD_ATR_MAX bytes); a card
 *                       present is removed first.
 *   SCARD_VHCI_REMOVE   none (nothing happens without a card). Fails the
 *                       outstanding POWER, PROTOCOL or XFER request with
 *                       -ENOMEDIUM.
 *   SCARD_VHCI_ANSWER   the answer to the request @id: @status 0 or a
 *                       negative errno, the payload as described below.
 *                       The caller sees -ENOMEDIUM, -ETIMEDOUT, -EPROTO,
 *                       -EOPNOTSUPP, -EINVAL, -EMEDIUMTYPE, -EBADFD, -EIO
 *                       and -ENOMEM as they are, -ENOTTY as -EOPNOTSUPP,
 *                       -EBADMSG (parity or framing error) as -EPROTO,
 *                       any other errno as -EIO (-ENODEV too: the reader
 *                       is not gone).
 * Fields a message does not use must be zero; an ANSWER may keep the
 * request's @arg and @timeout_ms.
 *
 * Requests from the kernel (answered with SCARD_VHCI_ANSWER, same @reader
 * and @id; @timeout_ms says how long the library waits for the answer;
 * after that the request fails with -ETIMEDOUT and its answer is refused;
 * a reader has at most one request outstanding; an answer longer than the
 * request can take fails the request with -EIO):
 *   SCARD_VHCI_REQ_POWER     @arg: SCARD_POWER_DOWN / _COLD_RESET /
 *                            _WARM_RESET. Answer: the ATR after a reset
 *                            (empty: the ATR given at INSERT), -ETIMEDOUT
 *                            for a mute card.
 *   SCARD_VHCI_REQ_PROTOCOL  APDU level only: @arg: the protocol to use.
 *   SCARD_VHCI_REQ_XFER      APDU level: a command APDU, answer: the
 *                            response APDU. TPDU level: a T=0 TPDU (answer:
 *                            response data and SW1 SW2), a T=1 block (answer:
 *                            the card's block), or a PPS request (@arg =
 *                            SCARD_VHCI_XFER_PPS; answer: the PPS response).
 *                            Character level: one turn of the exchange:
 *                            bytes sent to the card (maybe none), then
 *                            @arg = how many bytes the reader reads back;
 *                            answer: those bytes (fewer with -ETIMEDOUT:
 *                            the card stayed silent).
 *   SCARD_VHCI_REQ_EJECT, _SWALLOW, _CONFISCATE: answer with a status
 *                            (after an EJECT, report the removal).
 *   SCARD_VHCI_REQ_VENDOR    @arg: vendor code; payload in and out.
 *
 * Errors on write(): -EINVAL for a malformed message (bad length, unknown
 * type, non-zero reserved or unused field, bad CREATE payload, answer to no
 * pending request, answer status not 0 or -1..-511, ATR not 2..SCARD_ATR_MAX
 * bytes, unknown reader), -EEXIST for CREATE of an index in use, -ENOSPC
 * for CREATE when the system has no free reader number or device minor
 * (the limits of Documentation/userspace-api/scard.rst), -EMSGSIZE for a
 * payload over SCARD_VHCI_MAX_PAYLOAD. The readers keep working after a
 * rejected message.
 */
#ifndef _UAPI_LINUX_SCARD_VHCI_H
#define _UAPI_LINUX_SCARD_VHCI_H

#include <linux/types.h>
#include <linux/scard.h>

#define SCARD_VHCI_MAX_READERS		16
#define SCARD_VHCI_MAX_PAYLOAD		(SCARD_MAX_SEND + 16)

/* Message types from user space */
#define SCARD_VHCI_CREATE		1
#define SCARD_VHCI_DESTROY		2
#define SCARD_VHCI_INSERT		3
#define SCARD_VHCI_REMOVE		4
#define SCARD_VHCI_ANSWER		5

/* Message types from the kernel */
#define SCARD_VHCI_EV_CREATED		16
#define SCARD_VHCI_REQ_POWER		17
#define SCARD_VHCI_REQ_PROTOCOL		18
#define SCARD_VHCI_REQ_XFER		19
#define SCARD_VHCI_REQ_EJECT		20
#define SCARD_VHCI_REQ_SWALLOW		21
#define SCARD_VHCI_REQ_CONFISCATE	22
#define SCARD_VHCI_REQ_VENDOR		23

/* SCARD_VHCI_REQ_XFER @arg at TPDU level */
#define SCARD_VHCI_XFER_DATA		0
#define SCARD_VHCI_XFER_PPS		1

/* Exchange levels (struct scard_vhci_create.level) */
#define SCARD_VHCI_LEVEL_APDU		0
#define SCARD_VHCI_LEVEL_TPDU		1
#define SCARD_VHCI_LEVEL_CHAR		2

/**
 * struct scard_vhci_msg - header of every message
 * @type: SCARD_VHCI_* message type
 * @reader: reader index, 0..SCARD_VHCI_MAX_READERS - 1
 * @id: request id (kernel requests), echoed in the answer
 * @status: answers: 0 or a negative errno
 * @arg: type-specific argument
 * @len: payload bytes following the header
 * @timeout_ms: kernel requests: how long the library waits for the answer
 * @reserved: must be zero
 */
struct scard_vhci_msg {
	__u32 type;
	__u32 reader;
	__u32 id;
	__s32 status;
	__u32 arg;
	__u32 len;
	__u32 timeout_ms;
	__u32 reserved;
};

/**
 * struct scard_vhci_create - payload of SCARD_VHCI_CREATE
 * @vendor_name: SCARD_TAG_VENDOR_NAME, NUL-padded
 * @ifd_type: SCARD_TAG_VENDOR_IFD_TYPE, NUL-padded
 * @ifd_serial: SCARD_TAG_VENDOR_IFD_SERIAL_NO, NUL-padded, may be empty
 * @level: SCARD_VHCI_LEVEL_APDU, _TPDU or _CHAR
 * @protocols: SCARD_PROTO_T0 / _T1 the reader runs (at least one)
 * @clk_default: default clock, kHz (0: 3580)
 * @clk_max: maximum clock, kHz (0: the default)
 * @rate_default: default data rate, bit/s (0: 9600)
 * @rate_max: maximum data rate, bit/s (0: the default)
 * @max_ifsd: largest T=1 IFSD, 1..254 (0: 254)
 * @mechanical: SCARD_READER_SWALLOWS / _EJECTS / _CONFISCATES
 * @ifd_version: SCARD_TAG_VENDOR_IFD_VERSION
 * @reserved: must be zero
 */
struct scard_vhci_create {
	char vendor_name[32];
	char ifd_type[32];
	char ifd_serial[32];
	__u32 level;
	__u32 protocols;
	__u32 clk_default;
	__u32 clk_max;
	__u32 rate_default;
	__u32 rate_max;
	__u32 max_ifsd;
	__u32 mechanical;
	__u32 ifd_version;
	__u32 reserved[7];
};

#endif /* _UAPI_LINUX_SCARD_VHCI_H */
