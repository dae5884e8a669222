// SPDX-License-Identifier: GPL-2.0
/*
 * ifd-scard: the ioctls of one /dev/scardN (include/uapi/linux/scard.h).
 * Every function returns 0 or a negative errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/scard.h>

#include "ifd_scard.h"

static __u64 uptr(const void *p)
{
	return (__u64)(unsigned long)p;
}

static int sdev_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);

	return ret < 0 ? -errno : 0;
}

int sdev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

int sdev_state(int fd, unsigned int *state, uint64_t *events)
{
	struct scard_state st;
	int ret;

	memset(&st, 0, sizeof(st));
	ret = sdev_ioctl(fd, SCARD_IOC_GET_STATE, &st);
	if (ret)
		return ret;
	*state = st.state;
	*events = st.events;
	return 0;
}

int sdev_present(unsigned int state)
{
	return state >= SCARD_CARD_PRESENT;
}

int sdev_powered(unsigned int state)
{
	return state >= SCARD_CARD_POWERED;
}

int sdev_power(int fd, int action, unsigned char *atr, size_t *atr_len)
{
	static const __u32 disp[] = {
		[SDEV_POWER_DOWN] = SCARD_POWER_DOWN,
		[SDEV_COLD_RESET] = SCARD_COLD_RESET,
		[SDEV_WARM_RESET] = SCARD_WARM_RESET,
	};
	struct scard_power pw;
	int ret;

	memset(&pw, 0, sizeof(pw));
	pw.disposition = disp[action];
	ret = sdev_ioctl(fd, SCARD_IOC_POWER, &pw);
	if (ret)
		return ret;
	if (pw.atr_len > *atr_len || pw.atr_len > sizeof(pw.atr))
		return -EIO;
	memcpy(atr, pw.atr, pw.atr_len);
	*atr_len = pw.atr_len;
	return 0;
}

int sdev_set_protocol(int fd, int t1, int defaults)
{
	struct scard_protocol pr;

	memset(&pr, 0, sizeof(pr));
	pr.mask = t1 ? SCARD_PROTO_T1 : SCARD_PROTO_T0;
	if (defaults)
		pr.mask |= SCARD_PROTO_DEFAULT;
	return sdev_ioctl(fd, SCARD_IOC_SET_PROTOCOL, &pr);
}

/*
 * The longest response a command APDU can draw: Ne (from its Le) and
 * SW1 SW2. pcscd offers 64 KiB for every response; asking the kernel for
 * room by the command instead spares it a 64 KiB buffer per exchange.
 * (A T=0 TPDU follows the APDU's form: P3 is Lc or Le.)
 */
static size_t sdev_max_response(const unsigned char *apdu, size_t len)
{
	size_t lc;

	if (len < 4)
		return SCARD_MAX_RECV;
	if (len == 4)
		return 2;					/* case 1 */
	if (len == 5)
		return (apdu[4] ?: 256) + 2;			/* case 2 short */
	if (apdu[4]) {
		lc = apdu[4];
		if (len == 5 + lc)
			return 2;				/* case 3 short */
		if (len == 6 + lc)
			return (apdu[len - 1] ?: 256) + 2;	/* case 4 short */
	}
	/* Extended (or not an APDU at all: anything). */
	return SCARD_MAX_RECV;
}

int sdev_transmit(int fd, int protocol, const unsigned char *tx,
		  size_t tx_len, unsigned char *rx, size_t *rx_len)
{
	size_t room = *rx_len;
	static const __u32 proto[] = {
		[SDEV_T0] = SCARD_PROTO_T0,
		[SDEV_T1] = SCARD_PROTO_T1,
		[SDEV_RAW] = SCARD_PROTO_RAW,
	};
	struct scard_transmit t;
	int ret;

	memset(&t, 0, sizeof(t));
	t.protocol = proto[protocol];
	t.send_buf = uptr(tx);
	t.send_len = tx_len;
	t.recv_buf = uptr(rx);
	/* A raw exchange is no APDU: its reply may be anything. */
	if (protocol != SDEV_RAW && room > sdev_max_response(tx, tx_len))
		room = sdev_max_response(tx, tx_len);
	t.recv_len = room > SCARD_MAX_RECV ? SCARD_MAX_RECV : room;
	ret = sdev_ioctl(fd, SCARD_IOC_TRANSMIT, &t);
	*rx_len = ret ? 0 : t.recv_len;
	return ret;
}

int sdev_get_attr(int fd, uint32_t tag, unsigned char *buf, size_t *len)
{
	struct scard_attr a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.tag = tag;
	a.len = *len;
	a.data = uptr(buf);
	ret = sdev_ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &a);
	*len = ret && ret != -ENOSPC ? 0 : a.len;
	return ret;
}

int sdev_vendor(int fd, uint32_t code, const unsigned char *in,
		size_t in_len, unsigned char *out, size_t *out_len)
{
	struct scard_vendor v;
	int ret;

	memset(&v, 0, sizeof(v));
	v.code = code;
	v.in_buf = uptr(in);
	v.in_len = in_len;
	v.out_buf = uptr(out);
	v.out_len = *out_len;
	ret = sdev_ioctl(fd, SCARD_IOC_VENDOR, &v);
	*out_len = ret && ret != -ENOSPC ? 0 : v.out_len;
	return ret;
}
