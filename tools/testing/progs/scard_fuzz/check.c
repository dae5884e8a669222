// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: the end check. After the campaign a fresh virtual reader
 * must work: APDU level, a card with ATR 3B 00 inserted, POWER,
 * SET_PROTOCOL, a TRANSMIT answered 90 00, then DESTROY and its node gone.
 * Prints "ok - ..." / "not ok - ..." lines; returns the failures.
 */
#include "fuzz.h"
#include <sys/stat.h>

#define HDR	sizeof(struct scard_vhci_msg)

struct vmsg {
	struct scard_vhci_msg hdr;
	unsigned char data[SCARD_VHCI_MAX_PAYLOAD];
};

static int failed;
static int client_n = -1;
static int client_done;		/* atomics */

static void result(int pass, const char *what, int err)
{
	if (!pass)
		failed++;
	say("%sok - check: %s%s%s", pass ? "" : "not ", what,
	    err ? ": " : "", err ? ename(err) : "");
}

static int send_msg(int fd, __u32 type, __u32 reader, __u32 id,
		    const void *data, __u32 len)
{
	static struct vmsg m;

	memset(&m.hdr, 0, HDR);
	m.hdr.type = type;
	m.hdr.reader = reader;
	m.hdr.id = id;
	m.hdr.len = len;
	memcpy(m.data, data, len);
	return write(fd, &m, HDR + len) == (ssize_t)(HDR + len) ? 0 : errno;
}

static int recv_msg(int fd, struct vmsg *m, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) != 1) {
		errno = ETIME;
		return errno;
	}
	n = read(fd, m, sizeof(*m));
	if (n < 0)
		return errno;
	return (size_t)n == HDR + m->hdr.len ? 0 : EIO;
}

static void *client(void *arg)
{
	static const unsigned char apdu[] = { 0x00, 0xa4, 0x04, 0x00, 0x02,
					      0x3f, 0x00 };
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };
	struct scard_protocol pr = { .mask = SCARD_PROTO_TX };
	unsigned char rsp[64];
	struct scard_transmit t = {
		.send_buf = (uintptr_t)apdu,
		.send_len = sizeof(apdu),
		.recv_buf = (uintptr_t)rsp,
		.recv_len = sizeof(rsp),
	};
	char path[32];
	int fd, ret;

	(void)arg;
	snprintf(path, sizeof(path), "/dev/scard%d", client_n);
	fd = open(path, O_RDWR | O_CLOEXEC);
	result(fd >= 0, "open the fresh reader", fd < 0 ? errno : 0);
	if (fd < 0)
		goto out;
	ret = ioctl(fd, SCARD_IOC_IS_PRESENT);
	result(!ret, "IS_PRESENT", ret ? errno : 0);
	ret = ioctl(fd, SCARD_IOC_POWER, &pw);
	result(!ret && pw.atr_len == 2 && pw.atr[0] == 0x3b,
	       "POWER cold reset, ATR 3B 00", ret ? errno : 0);
	ret = ioctl(fd, SCARD_IOC_SET_PROTOCOL, &pr);
	result(!ret && pr.selected == SCARD_PROTO_T0, "SET_PROTOCOL: T=0",
	       ret ? errno : 0);
	t.protocol = pr.selected;
	ret = ioctl(fd, SCARD_IOC_TRANSMIT, &t);
	result(!ret && t.recv_len == 2 && rsp[0] == 0x90 && !rsp[1],
	       "TRANSMIT answered 90 00", ret ? errno : 0);
	close(fd);
out:
	__atomic_store_n(&client_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int check_reader(void)
{
	static const unsigned char atr[] = { 0x3b, 0x00 };
	static const unsigned char sw[] = { 0x90, 0x00 };
	struct scard_vhci_create c;
	static struct vmsg m;
	char path[32];
	struct stat st;
	pthread_t t;
	long end;
	int fd, err, i, done;

	failed = 0;
	fd = open(VHCI_PATH, O_RDWR | O_CLOEXEC);
	result(fd >= 0, "open " VHCI_PATH, fd < 0 ? errno : 0);
	if (fd < 0)
		return failed;
	memset(&c, 0, sizeof(c));
	snprintf(c.vendor_name, sizeof(c.vendor_name), "fuzz");
	snprintf(c.ifd_type, sizeof(c.ifd_type), "end check");
	c.level = SCARD_VHCI_LEVEL_APDU;
	c.protocols = SCARD_PROTO_TX;
	err = send_msg(fd, SCARD_VHCI_CREATE, 0, 0, &c, sizeof(c));
	result(!err, "CREATE a fresh reader", err);
	err = err ? err : recv_msg(fd, &m, 5000);
	result(!err && m.hdr.type == SCARD_VHCI_EV_CREATED, "EV_CREATED", err);
	if (err)
		goto out;
	client_n = m.hdr.arg;
	err = send_msg(fd, SCARD_VHCI_INSERT, 0, 0, atr, sizeof(atr));
	result(!err, "INSERT 3B 00", err);
	__atomic_store_n(&client_done, 0, __ATOMIC_RELAXED);
	if (pthread_create(&t, NULL, client, NULL))
		goto out;
	/* Serve the reader until the client is done (20 s at most). */
	end = now_ms() + 20000;
	while (!__atomic_load_n(&client_done, __ATOMIC_ACQUIRE) &&
	       now_ms() < end) {
		if (recv_msg(fd, &m, 100))
			continue;
		switch (m.hdr.type) {
		case SCARD_VHCI_REQ_XFER:
			err = send_msg(fd, SCARD_VHCI_ANSWER, 0, m.hdr.id, sw,
				       sizeof(sw));
			break;
		default:
			err = send_msg(fd, SCARD_VHCI_ANSWER, 0, m.hdr.id,
				       NULL, 0);
			break;
		}
		if (err)
			result(0, "answer a request", err);
	}
	done = __atomic_load_n(&client_done, __ATOMIC_ACQUIRE);
	result(done, "the client finished in time", 0);
	if (!done)
		pthread_cancel(t);
	pthread_join(t, NULL);
	err = send_msg(fd, SCARD_VHCI_DESTROY, 0, 0, NULL, 0);
	result(!err, "DESTROY", err);
	snprintf(path, sizeof(path), "/dev/scard%d", client_n);
	for (i = 0; i < 50 && !stat(path, &st); i++)
		sleep_ms(100);
	result(stat(path, &st), "the node is gone", 0);
out:
	close(fd);
	return failed;
}
