// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: TAP output, /dev/scard_vhci messages, requests on
 * /dev/scardN.
 */
#include "vhci_test.h"

const unsigned char atr_t1[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
const unsigned char atr_warm[] = { 0x3b, 0x00 };
const unsigned char apdu[] = { 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00 };

int failures;
int sync_fd = -1;	/* in a child: its pipe to the parent */
long page_size;
char *straddle;		/* a page followed by an unmapped one */
struct msgbuf rbuf, wbuf;

/* ---- TAP output ---- */

const char *ename(int err)
{
	const char *name;

	if (!err)
		return "success";
	if (err < 0)
		return "killed or timed out";
	name = strerrorname_np(err);
	return name ? name : "unknown error";
}

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * poll() rather than nanosleep(): 32-bit nanosleep() needs the kernel's
 * COMPAT_32BIT_TIME, which a test kernel may lack.
 */
void sleep_ms(long ms)
{
	long end = now_ms() + ms, left;

	/* Read once a round: a negative timeout would wait for ever. */
	while ((left = end - now_ms()) > 0)
		poll(NULL, 0, left);
}

__u64 uptr(const void *p)
{
	return (uintptr_t)p;
}

unsigned int param(const char *name)
{
	char path[128];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* ---- /dev/scard_vhci ---- */

/* Write @len raw bytes; return 0 or the errno. */
int raw_write(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0)
		return errno;
	return (size_t)n == len ? 0 : EIO;
}

/* Write one message; return 0 or the errno. */
int send_msg(int fd, __u32 type, __u32 reader, __u32 id, __s32 status,
	     const void *data, __u32 len)
{
	memset(&wbuf.hdr, 0, sizeof(wbuf.hdr));
	wbuf.hdr.type = type;
	wbuf.hdr.reader = reader;
	wbuf.hdr.id = id;
	wbuf.hdr.status = status;
	wbuf.hdr.len = len;
	if (len)
		memcpy(wbuf.data, data, len);
	return raw_write(fd, &wbuf, HDR + len);
}

/* Read one message into @m within @ms; return 0 or the errno. */
int recv_msg(int fd, struct msgbuf *m, int ms)
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
	if (n < (ssize_t)HDR || (size_t)n != HDR + m->hdr.len) {
		errno = EIO;
		return errno;
	}
	return 0;
}

int vhci_open(void)
{
	int fd = open(VHCI_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		ok(0, "open %s: %s", VHCI_PATH, strerror(errno));
	return fd;
}

void create_init(struct scard_vhci_create *c, __u32 level)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->vendor_name, "scard");
	strcpy(c->ifd_type, "vhci test");
	strcpy(c->ifd_serial, "VT-1");
	c->level = level;
	c->protocols = SCARD_PROTO_T0 | SCARD_PROTO_T1;
	c->ifd_version = 0x01020003;
}

/* CREATE reader @idx; return its N (from EV_CREATED) or -1. */
int create_reader(int fd, unsigned int idx,
		  const struct scard_vhci_create *c)
{
	int err;

	err = send_msg(fd, SCARD_VHCI_CREATE, idx, 0, 0, c, sizeof(*c));
	if (err) {
		ok(0, "CREATE reader %u: %s", idx, ename(err));
		return -1;
	}
	err = recv_msg(fd, &rbuf, MSG_WAIT_MS);
	if (err || rbuf.hdr.type != SCARD_VHCI_EV_CREATED ||
	    rbuf.hdr.reader != idx || rbuf.hdr.len) {
		ok(0, "EV_CREATED for reader %u: %s, type %u reader %u", idx,
		   ename(err), rbuf.hdr.type, rbuf.hdr.reader);
		return -1;
	}
	return rbuf.hdr.arg;
}

int create_simple(int fd, unsigned int idx, __u32 level)
{
	struct scard_vhci_create c;

	create_init(&c, level);
	return create_reader(fd, idx, &c);
}

void dev_path(char *path, size_t size, int n)
{
	snprintf(path, size, "/dev/scard%d", n);
}

int dev_exists(int n)
{
	char path[32];
	struct stat st;

	dev_path(path, sizeof(path), n);
	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

int open_dev(int n, int flags)
{
	char path[32];
	int fd;

	dev_path(path, sizeof(path), n);
	fd = open(path, O_RDWR | O_CLOEXEC | flags);
	if (fd < 0)
		ok(0, "open %s: %s", path, strerror(errno));
	return fd;
}

/* ---- requests on /dev/scardN ---- */

int power(int fd, __u32 disposition, struct scard_power *pw)
{
	memset(pw, 0, sizeof(*pw));
	pw->disposition = disposition;
	return ioctl(fd, SCARD_IOC_POWER, pw);
}

int set_protocol(int fd, __u32 mask, __u32 *selected)
{
	struct scard_protocol p = { .mask = mask };
	int ret = ioctl(fd, SCARD_IOC_SET_PROTOCOL, &p);

	*selected = p.selected;
	return ret;
}

int transmit(int fd, const void *cmd, __u32 len, void *rsp,
	     __u32 *rsp_len)
{
	struct scard_transmit t;
	int ret;

	memset(&t, 0, sizeof(t));
	t.protocol = SCARD_PROTO_T1;
	t.send_buf = uptr(cmd);
	t.send_len = len;
	t.recv_buf = uptr(rsp);
	t.recv_len = *rsp_len;
	ret = ioctl(fd, SCARD_IOC_TRANSMIT, &t);
	*rsp_len = t.recv_len;
	return ret;
}

/* The command echo() sends. */
void make_cmd(unsigned char *cmd, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		cmd[i] = i * 7 + len;
}

/* TRANSMIT @len bytes; 0 if the answer is the command and 90 00. */
int echo(int fd, size_t len, int *err)
{
	static unsigned char cmd[SCARD_MAX_SEND], rsp[SCARD_MAX_SEND + 2];
	__u32 rlen = sizeof(rsp);

	make_cmd(cmd, len);
	*err = transmit(fd, cmd, len, rsp, &rlen) < 0 ? errno : 0;
	if (*err)
		return -1;
	if (rlen != len + 2 || memcmp(rsp, cmd, len) ||
	    rsp[len] != 0x90 || rsp[len + 1] != 0x00)
		return -1;
	return 0;
}

unsigned int get_state(int fd)
{
	struct scard_state st;

	if (ioctl(fd, SCARD_IOC_GET_STATE, &st) < 0)
		return ~0u;
	return st.state;
}

/* Power the card up and select T=1. */
int card_ready(int fd)
{
	struct scard_power pw;
	__u32 sel = 0;

	if (power(fd, SCARD_COLD_RESET, &pw) < 0) {
		ok(0, "POWER: %s", ename(errno));
		return -1;
	}
	if (set_protocol(fd, SCARD_PROTO_TX, &sel) < 0 ||
	    sel != SCARD_PROTO_T1) {
		ok(0, "SET_PROTOCOL T=1: %s, selected 0x%x", ename(errno), sel);
		return -1;
	}
	return 0;
}

int get_attr(int fd, __u32 tag, void *buf, __u32 *len)
{
	struct scard_attr a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.tag = tag;
	a.len = *len;
	a.data = uptr(buf);
	ret = ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &a);
	*len = a.len;
	return ret;
}

__u32 attr_u32(int fd, __u32 tag)
{
	__u32 v = 0, len = sizeof(v);

	if (get_attr(fd, tag, &v, &len) < 0 || len != sizeof(v))
		return ~0u;
	return v;
}

int attr_is(int fd, __u32 tag, const char *want)
{
	char buf[64];
	__u32 len = sizeof(buf);

	if (get_attr(fd, tag, buf, &len) < 0)
		return 0;
	return len == strlen(want) && !memcmp(buf, want, len);
}
