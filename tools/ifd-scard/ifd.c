// SPDX-License-Identifier: GPL-2.0
/*
 * ifd-scard: pcsc-lite's IFD handler entry points (ifdhandler.h, API v3)
 * over the kernel's /dev/scardN.
 *
 * pcscd serialises the calls of one reader, except IFDHSetCapabilities
 * and the polling function, which may run beside the others. Card events
 * reach pcscd through TAG_IFD_POLLING_THREAD_WITH_TIMEOUT: the function
 * sleeps in poll() on the node (readable when the reader's event counter
 * moved) and on an eventfd that TAG_IFD_STOP_POLLING_THREAD kicks, so an
 * idle reader costs no ioctl and no reader traffic; IFDHICCPresence reads
 * the kernel's state (GET_STATE), never the reader.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <winscard.h>
#include <ifdhandler.h>
#include <reader.h>

#include "ifd_scard.h"

/* The kernel's vendor code of CM_IOCTL_GET_FEATURE_REQUEST. */
#define IFD_GET_FEATURE_REQUEST	3400
/* SCARD_CTL_CODE(code) with code in the kernel's vendor range. */
#define IFD_VENDOR_MIN		2048
#define IFD_VENDOR_MAX		4095

void ifd_log(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("IFD_SCARD_DEBUG"))
		return;
	va_start(ap, fmt);
	fputs("ifd-scard: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * The one map from the kernel's errnos (Documentation/userspace-api/
 * scard.rst) to IFD return codes (what pcscd makes of each: ifdhandler.h,
 * pcsc-lite's ifdwrapper.c and winscard.c).
 */
static RESPONSECODE ifd_code(int err)
{
	switch (err) {
	case 0:
		return IFD_SUCCESS;
	case -ENOMEDIUM:
		return IFD_ICC_NOT_PRESENT;
	case -ETIMEDOUT:
		return IFD_RESPONSE_TIMEOUT;
	case -ENOSPC:
		return IFD_ERROR_INSUFFICIENT_BUFFER;
	case -EOPNOTSUPP:
		return IFD_NOT_SUPPORTED;
	case -ENODEV:
		/*
		 * The reader is gone: applications get READER_UNAVAILABLE.
		 * (IFDHICCPresence answers "absent" instead, so that pcscd
		 * keeps a reader.conf.d reader as an empty one.)
		 */
		return IFD_NO_SUCH_DEVICE;
	default:
		/* EPROTO, EBADFD, EIO, EMEDIUMTYPE, EBUSY, EINVAL, ENOMEM... */
		return IFD_COMMUNICATION_ERROR;
	}
}

/* A request failed with -ENODEV: the node is gone until revived. */
static int ifd_check(struct ifd_reader *r, int err)
{
	if (err == -ENODEV) {
		pthread_mutex_lock(&r->lock);
		r->dead = 1;
		pthread_mutex_unlock(&r->lock);
	}
	return err;
}

RESPONSECODE IFDHCreateChannelByName(DWORD Lun, LPSTR DeviceName)
{
	int ret = ifd_reader_open(Lun, DeviceName);

	ifd_log("CreateChannelByName %lx %s: %d", (unsigned long)Lun,
		DeviceName, ret);
	switch (ret) {
	case 0:
		return IFD_SUCCESS;
	case -ENODEV:
		/* Not a reader interface: pcscd goes on quietly. */
		return IFD_NO_SUCH_DEVICE;
	default:
		/* -EAGAIN: a CCID reader the kernel does not drive: libccid. */
		return IFD_COMMUNICATION_ERROR;
	}
}

RESPONSECODE IFDHCreateChannel(DWORD Lun, DWORD Channel)
{
	char name[32];

	/* CHANNELID N in reader.conf: /dev/scardN. */
	snprintf(name, sizeof(name), "/dev/scard%lu", (unsigned long)Channel);
	return IFDHCreateChannelByName(Lun, name);
}

RESPONSECODE IFDHCloseChannel(DWORD Lun)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	unsigned char atr[MAX_ATR_SIZE];
	size_t len = sizeof(atr);

	if (!r)
		return IFD_COMMUNICATION_ERROR;
	if (!r->dead && !r->removed)
		sdev_power(r->fd, SDEV_POWER_DOWN, atr, &len);
	ifd_reader_close(r);
	return IFD_SUCCESS;
}

static RESPONSECODE ifd_poll(DWORD Lun, int timeout)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	struct pollfd p[2];
	uint64_t kick;
	int dead;

	if (!r)
		return IFD_COMMUNICATION_ERROR;
	pthread_mutex_lock(&r->lock);
	dead = r->dead || r->removed;
	pthread_mutex_unlock(&r->lock);

	/* A gone node is always readable: then wait for the kick alone. */
	p[0].fd = dead ? -1 : r->fd;
	p[0].events = POLLIN | POLLPRI;
	p[1].fd = r->stop_fd;
	p[1].events = POLLIN;
	if (poll(p, 2, timeout) > 0) {
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			ifd_check(r, -ENODEV);
			p[0].fd = -1;
			p[1].revents = 0;
			poll(p, 2, timeout);
		}
	}
	/* The kick is latched until a wait sees it. */
	if (p[1].revents & POLLIN) {
		if (read(r->stop_fd, &kick, sizeof(kick)) < 0)
			ifd_log("stop: %s", strerror(errno));
	}
	return IFD_SUCCESS;
}

/* End the polling function's wait (now or, latched, the next one). */
static int ifd_kick(struct ifd_reader *r)
{
	uint64_t one = 1;

	return write(r->stop_fd, &one, sizeof(one)) < 0 ? -errno : 0;
}

static RESPONSECODE ifd_stop_poll(DWORD Lun)
{
	struct ifd_reader *r = ifd_reader_get(Lun);

	if (!r || ifd_kick(r))
		return IFD_COMMUNICATION_ERROR;
	return IFD_SUCCESS;
}

static RESPONSECODE ifd_put(PDWORD Length, PUCHAR Value, const void *v,
			    size_t len)
{
	if (*Length < len)
		return IFD_ERROR_INSUFFICIENT_BUFFER;
	memcpy(Value, v, len);
	*Length = len;
	return IFD_SUCCESS;
}

static RESPONSECODE ifd_put_byte(PDWORD Length, PUCHAR Value, int v)
{
	unsigned char b = v;

	return ifd_put(Length, Value, &b, 1);
}

RESPONSECODE IFDHGetCapabilities(DWORD Lun, DWORD Tag, PDWORD Length,
				 PUCHAR Value)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	RESPONSECODE (*fn)(DWORD, int) = ifd_poll;
	RESPONSECODE (*stop)(DWORD) = ifd_stop_poll;
	size_t len;
	int ret;

	if (!r)
		return IFD_COMMUNICATION_ERROR;

	switch (Tag) {
	case TAG_IFD_ATR:
		Tag = SCARD_ATTR_ATR_STRING;
		break;
	case TAG_IFD_SIMULTANEOUS_ACCESS:
		return ifd_put_byte(Length, Value, IFD_MAX_READERS);
	case TAG_IFD_THREAD_SAFE:
	case TAG_IFD_SLOT_THREAD_SAFE:
		/* Every slot is a node of its own, the kernel serialises. */
		return ifd_put_byte(Length, Value, 1);
	case TAG_IFD_SLOTS_NUMBER:
		/* A USB reader's slots are its nodes; pcscd asks slot 0. */
		return ifd_put_byte(Length, Value, r->slots);
	case TAG_IFD_POLLING_THREAD_WITH_TIMEOUT:
		return ifd_put(Length, Value, &fn, sizeof(fn));
	case TAG_IFD_STOP_POLLING_THREAD:
		return ifd_put(Length, Value, &stop, sizeof(stop));
	case TAG_IFD_POLLING_THREAD_KILLABLE:
		return ifd_put_byte(Length, Value, 0);
	case TAG_IFD_DEVICE_REMOVED:
		/* Tell us before removing a USB reader (SetCapabilities). */
		return ifd_put_byte(Length, Value, r->hotplug);
	default:
		if (Tag < 0x10000)
			return IFD_ERROR_TAG;
		break;
	}

	/* SCARD_ATTR_* and smclib's tags are the same numbers. */
	len = *Length;
	ret = ifd_check(r, sdev_get_attr(r->fd, Tag, Value, &len));
	*Length = len;
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		return IFD_ERROR_TAG;
	if (ret)
		*Length = ret == -ENOSPC ? *Length : 0;
	return ifd_code(ret);
}

RESPONSECODE IFDHSetCapabilities(DWORD Lun, DWORD Tag, DWORD Length,
				 PUCHAR Value)
{
	struct ifd_reader *r = ifd_reader_get(Lun);

	(void)Length;
	if (!r)
		return IFD_COMMUNICATION_ERROR;
	if (Tag == TAG_IFD_DEVICE_REMOVED) {
		if (Length >= 1 && Value[0]) {
			pthread_mutex_lock(&r->lock);
			r->removed = 1;
			pthread_mutex_unlock(&r->lock);
			ifd_stop_poll(Lun);
		}
		return IFD_SUCCESS;
	}
	return IFD_ERROR_TAG;
}

RESPONSECODE IFDHSetProtocolParameters(DWORD Lun, DWORD Protocol,
				       UCHAR Flags, UCHAR PTS1, UCHAR PTS2,
				       UCHAR PTS3)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	unsigned char atr[MAX_ATR_SIZE];
	size_t len = sizeof(atr);
	int t1, ret;

	(void)Flags;
	(void)PTS1;
	(void)PTS2;
	(void)PTS3;
	if (!r)
		return IFD_COMMUNICATION_ERROR;
	if (Protocol != SCARD_PROTOCOL_T0 && Protocol != SCARD_PROTOCOL_T1)
		return IFD_PROTOCOL_NOT_SUPPORTED;
	t1 = Protocol == SCARD_PROTOCOL_T1;

	ret = ifd_check(r, sdev_set_protocol(r->fd, t1, 0));
	if (ret == -EPROTO) {
		/*
		 * The card refused the faster parameters, and the kernel never
		 * resets behind our back: ask for the reset and the default
		 * parameters, as libccid does.
		 */
		ret = ifd_check(r, sdev_power(r->fd, SDEV_COLD_RESET, atr,
					      &len));
		if (!ret)
			ret = ifd_check(r, sdev_set_protocol(r->fd, t1, 1));
		if (ret == -EPROTO)
			return IFD_ERROR_PTS_FAILURE;
	}
	if (ret == -EOPNOTSUPP)
		return IFD_PROTOCOL_NOT_SUPPORTED;
	return ifd_code(ret);
}

RESPONSECODE IFDHPowerICC(DWORD Lun, DWORD Action, PUCHAR Atr,
			  PDWORD AtrLength)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	unsigned char atr[MAX_ATR_SIZE];
	size_t len = sizeof(atr);
	int action, ret;

	if (!r)
		return IFD_COMMUNICATION_ERROR;
	switch (Action) {
	case IFD_POWER_UP:
		action = SDEV_COLD_RESET;
		break;
	case IFD_POWER_DOWN:
		action = SDEV_POWER_DOWN;
		break;
	case IFD_RESET:
		action = SDEV_WARM_RESET;
		break;
	default:
		return IFD_NOT_SUPPORTED;
	}

	ret = ifd_check(r, sdev_power(r->fd, action, atr, &len));
	pthread_mutex_lock(&r->lock);
	r->powered = !ret && action != SDEV_POWER_DOWN;
	pthread_mutex_unlock(&r->lock);
	if (ret || len > *AtrLength) {
		*AtrLength = 0;
		return ret ? ifd_code(ret) : IFD_ERROR_INSUFFICIENT_BUFFER;
	}
	memcpy(Atr, atr, len);
	*AtrLength = len;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHTransmitToICC(DWORD Lun, SCARD_IO_HEADER SendPci,
			       PUCHAR TxBuffer, DWORD TxLength,
			       PUCHAR RxBuffer, PDWORD RxLength,
			       PSCARD_IO_HEADER RecvPci)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	size_t len = *RxLength;
	int proto, ret;

	(void)RecvPci;
	*RxLength = 0;
	if (!r)
		return IFD_COMMUNICATION_ERROR;
	/* pcscd gives the T number, or pcsc-lite's SCARD_PROTOCOL_RAW. */
	switch (SendPci.Protocol) {
	case 0:
		proto = SDEV_T0;
		break;
	case 1:
		proto = SDEV_T1;
		break;
	case SCARD_PROTOCOL_RAW:
		proto = SDEV_RAW;
		break;
	default:
		return IFD_PROTOCOL_NOT_SUPPORTED;
	}

	/* T=0 TPDUs as they are: pcscd's clients follow 61xx themselves. */
	ret = ifd_check(r, sdev_transmit(r->fd, proto, TxBuffer, TxLength,
					 RxBuffer, &len));
	if (!ret)
		*RxLength = len;
	/* Unpowered behind pcscd's back? IFDHICCPresence tells it now. */
	if (ret == -EBADFD)
		ifd_kick(r);
	return ifd_code(ret);
}

/*
 * CM_IOCTL_GET_FEATURE_REQUEST: the kernel's list (PIN pad features and
 * GET_TLV_PROPERTIES, which the library serves for every reader), each
 * value a vendor code of SCARD_IOC_VENDOR that becomes pcsc-lite's
 * SCARD_CTL_CODE() of it. IFDHControl() passes those codes back.
 */
static RESPONSECODE ifd_features(struct ifd_reader *r, PUCHAR out,
				 DWORD size, LPDWORD returned)
{
	unsigned char buf[256];
	size_t len = sizeof(buf), i;
	uint32_t code;
	int ret;

	ret = ifd_check(r, sdev_vendor(r->fd, IFD_GET_FEATURE_REQUEST, NULL, 0,
				       buf, &len));
	if (ret)
		return ret == -EOPNOTSUPP ? IFD_ERROR_NOT_SUPPORTED :
			ifd_code(ret);
	for (i = 0; i + 6 <= len && buf[i + 1] == 4; i += 6) {
		code = (uint32_t)buf[i + 2] << 24 | buf[i + 3] << 16 |
			buf[i + 4] << 8 | buf[i + 5];
		code = SCARD_CTL_CODE(code);
		buf[i + 2] = code >> 24;
		buf[i + 3] = code >> 16;
		buf[i + 4] = code >> 8;
		buf[i + 5] = code;
	}
	if (size < i)
		return IFD_ERROR_INSUFFICIENT_BUFFER;
	memcpy(out, buf, i);
	*returned = i;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHControl(DWORD Lun, DWORD dwControlCode, PUCHAR TxBuffer,
			 DWORD TxLength, PUCHAR RxBuffer, DWORD RxLength,
			 LPDWORD pdwBytesReturned)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	size_t len = RxLength;
	DWORD code;
	int ret;

	*pdwBytesReturned = 0;
	if (!r)
		return IFD_COMMUNICATION_ERROR;
	if (dwControlCode == CM_IOCTL_GET_FEATURE_REQUEST)
		return ifd_features(r, RxBuffer, RxLength, pdwBytesReturned);

	code = dwControlCode - SCARD_CTL_CODE(0);
	if (dwControlCode < SCARD_CTL_CODE(0) || code < IFD_VENDOR_MIN ||
	    code > IFD_VENDOR_MAX)
		return IFD_ERROR_NOT_SUPPORTED;
	ret = ifd_check(r, sdev_vendor(r->fd, code, TxBuffer, TxLength,
				       RxBuffer, &len));
	if (!ret)
		*pdwBytesReturned = len;
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		return IFD_ERROR_NOT_SUPPORTED;
	return ifd_code(ret);
}

RESPONSECODE IFDHICCPresence(DWORD Lun)
{
	struct ifd_reader *r = ifd_reader_get(Lun);
	RESPONSECODE rc = IFD_ICC_NOT_PRESENT;
	unsigned int state;
	uint64_t events;
	int ret;

	if (!r)
		return IFD_COMMUNICATION_ERROR;
	pthread_mutex_lock(&r->lock);
	if (r->dead && ifd_reader_revive(r)) {
		pthread_mutex_unlock(&r->lock);
		/*
		 * Gone: an empty reader to pcscd, not a failing one (a USB
		 * reader's removal comes from pcscd's hotplug anyway, and
		 * IFD_NO_SUCH_DEVICE would cost pcscd a second's sleep).
		 */
		return IFD_ICC_NOT_PRESENT;
	}
	ret = sdev_state(r->fd, &state, &events);
	if (ret) {
		r->dead = ret == -ENODEV;
		r->seen_present = 0;
		pthread_mutex_unlock(&r->lock);
		return r->dead ? IFD_ICC_NOT_PRESENT : IFD_COMMUNICATION_ERROR;
	}
	if (sdev_present(state)) {
		/*
		 * Removed and inserted again since the last answer, or
		 * unpowered behind pcscd's back (the kernel lost the link to
		 * the card, the reader was reset): say "absent" once, so that
		 * pcscd drops the old card's sessions and powers the card up
		 * again, and end the next wait at once for the "present".
		 */
		if (r->seen_present &&
		    (events != r->events ||
		     (r->powered && !sdev_powered(state)))) {
			r->seen_present = 0;
			r->powered = 0;
			ifd_kick(r);
		} else {
			r->seen_present = 1;
			rc = IFD_ICC_PRESENT;
		}
	} else {
		r->seen_present = 0;
		r->powered = 0;
	}
	r->events = events;
	pthread_mutex_unlock(&r->lock);
	return rc;
}
