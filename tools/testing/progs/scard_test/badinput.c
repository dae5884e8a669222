// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test: bad pointers, lengths, reserved fields, values and ioctl
 * numbers.
 */
#include "scard_test.h"

/* ---- test: badinput ---- */

struct ioctl_name {
	unsigned long req;
	const char *name;
};

#define IOCTL(req)	{ SCARD_IOC_##req, #req }

static const struct ioctl_name struct_ioctls[] = {
	IOCTL(POWER), IOCTL(GET_ATTRIBUTE), IOCTL(SET_ATTRIBUTE),
	IOCTL(TRANSMIT), IOCTL(SET_PROTOCOL), IOCTL(GET_STATE),
	IOCTL(GET_LAST_ERROR), IOCTL(GET_PERF_CNTR), IOCTL(VENDOR),
};

static const struct ioctl_name unknown_ioctls[] = {
	{ _IO(SCARD_IOC_MAGIC, 0), "NR 0" },
	{ _IO(SCARD_IOC_MAGIC, 8), "NR 8" },
	{ _IO(SCARD_IOC_MAGIC, 9), "NR 9" },
	{ _IO(SCARD_IOC_MAGIC, 13), "NR 13" },
	{ _IO(SCARD_IOC_MAGIC, 17), "NR 17" },
	{ _IO(SCARD_IOC_MAGIC, 63), "NR 63" },
	{ _IO(SCARD_IOC_MAGIC, 65), "NR 65" },
	{ _IO(SCARD_IOC_MAGIC, 255), "NR 255" },
	{ _IOWR(SCARD_IOC_MAGIC, 1, __u32), "POWER with the size of a __u32" },
	{ _IO(SCARD_IOC_MAGIC, 1), "POWER without size" },
	{ _IOR(SCARD_IOC_MAGIC, 1, struct scard_power), "POWER as _IOR" },
	{ _IOR(SCARD_IOC_MAGIC, 14, __u32), "GET_STATE with the size of a __u32" },
	{ _IOWR(SCARD_IOC_MAGIC, 14, struct scard_state), "GET_STATE as _IOWR" },
	{ _IOWR(SCARD_IOC_MAGIC, 5, struct scard_power),
	  "TRANSMIT with the size of struct scard_power" },
	{ _IOW(SCARD_IOC_MAGIC, 6, __u32), "EJECT with a size" },
	{ _IOW(SCARD_IOC_MAGIC, 10, __u32), "IS_PRESENT with a size" },
	{ _IOWR(SCARD_IOC_MAGIC, 64, struct scard_attr),
	  "VENDOR with the size of struct scard_attr" },
	{ _IOWR('T', 1, struct scard_power), "POWER's number with magic 'T'" },
	{ 0x00310004, "smclib's IOCTL_SMARTCARD_POWER" },
};

static void bad_pointers(int fd)
{
	unsigned int i, size;

	for (i = 0; i < ARRAY_SIZE(struct_ioctls); i++) {
		size = _IOC_SIZE(struct_ioctls[i].req);
		ok_err(ioctl(fd, struct_ioctls[i].req, NULL), EFAULT,
		       "%s with a NULL argument: EFAULT", struct_ioctls[i].name);
		ok_err(ioctl(fd, struct_ioctls[i].req, unmapped), EFAULT,
		       "%s with an unmapped argument: EFAULT",
		       struct_ioctls[i].name);
		ok_err(ioctl(fd, struct_ioctls[i].req,
			     straddle + page_size - size / 2), EFAULT,
		       "%s with an argument running into an unmapped page: EFAULT",
		       struct_ioctls[i].name);
	}
}

static void bad_inner_pointers(int fd)
{
	unsigned char resp[32], out[8];
	struct scard_transmit t;
	struct scard_attr a;
	__u32 len;

	len = 16;
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_NAME, NULL, &len), EFAULT,
	       "GET_ATTRIBUTE to a NULL buffer: EFAULT");
	len = 16;
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_NAME, unmapped, &len), EFAULT,
	       "GET_ATTRIBUTE to an unmapped buffer: EFAULT");
	memset(&a, 0, sizeof(a));
	a.tag = SCARD_TAG_SUPRESS_T1_IFS_REQUEST;
	a.len = 4;
	a.data = uptr(unmapped);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EFAULT,
	       "SET_ATTRIBUTE from an unmapped buffer: EFAULT");

	transmit_init(&t, SCARD_PROTO_T1, NULL, 7, resp, sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT from a NULL command: EFAULT");
	transmit_init(&t, SCARD_PROTO_T1, unmapped, 7, resp, sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT from an unmapped command: EFAULT");
	transmit_init(&t, SCARD_PROTO_T1, straddle + page_size - 3, 7, resp,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT from a command running into an unmapped page: EFAULT");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), NULL,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT to a NULL response buffer: EFAULT");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), unmapped,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EFAULT,
	       "TRANSMIT to an unmapped response buffer: EFAULT");

	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, unmapped, 4, out, &len), EFAULT,
	       "VENDOR from an unmapped input: EFAULT");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "abcd", 4, unmapped, &len), EFAULT,
	       "VENDOR to an unmapped output: EFAULT");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "abcd", 4, NULL, &len), EFAULT,
	       "VENDOR to a NULL output: EFAULT");
}

static void bad_reserved(int fd, int idx)
{
	unsigned char resp[32], buf[16];
	struct scard_transmit t;
	struct scard_power pw;
	struct scard_attr a;
	struct scard_vendor v;
	struct scard_perf p;
	__u32 val = 1;
	unsigned int i;
	int bad;

	for (i = 0, bad = 0; i < sizeof(t.reserved); i++) {
		transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp,
			      sizeof(resp));
		t.reserved[i] = 1;
		if (ioctl(fd, SCARD_IOC_TRANSMIT, &t) == 0 || errno != EINVAL)
			bad++;
	}
	ok(!bad, "TRANSMIT with any reserved byte set: EINVAL");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp,
		      sizeof(resp));
	t.flags = 0x80000000;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EINVAL,
	       "TRANSMIT with an unknown flag: EINVAL");

	memset(&a, 0, sizeof(a));
	a.tag = SCARD_TAG_VENDOR_NAME;
	a.len = sizeof(buf);
	a.data = uptr(buf);
	a.reserved = 1;
	ok_err(ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &a), EINVAL,
	       "GET_ATTRIBUTE with reserved set: EINVAL");
	a.tag = SCARD_TAG_SUPRESS_T1_IFS_REQUEST;
	a.len = sizeof(val);
	a.data = uptr(&val);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EINVAL,
	       "SET_ATTRIBUTE with reserved set: EINVAL");

	memset(&v, 0, sizeof(v));
	v.code = TR_VENDOR_ECHO;
	v.out_buf = uptr(buf);
	v.out_len = sizeof(buf);
	v.reserved = 1;
	ok_err(ioctl(fd, SCARD_IOC_VENDOR, &v), EINVAL,
	       "VENDOR with reserved set: EINVAL");

	memset(&p, 0, sizeof(p));
	p.tag = SCARD_PERF_NUM_TRANSMISSIONS;
	p.reserved = 1;
	ok_err(ioctl(fd, SCARD_IOC_GET_PERF_CNTR, &p), EINVAL,
	       "GET_PERF_CNTR with reserved set: EINVAL");

	/* Last: a POWER that goes through resets the protocol. */
	for (i = 0, bad = 0; i < sizeof(pw.reserved); i++) {
		memset(&pw, 0, sizeof(pw));
		pw.disposition = SCARD_WARM_RESET;
		pw.reserved[i] = 1;
		if (ioctl(fd, SCARD_IOC_POWER, &pw) == 0 || errno != EINVAL)
			bad++;
	}
	ok(!bad, "POWER with any reserved byte set: EINVAL");
	ok_err(power(fd, 3, &pw), EINVAL, "POWER disposition 3: EINVAL");
	card_ready(idx, fd);
}

static void bad_lengths(int fd, int idx)
{
	unsigned char resp[64], buf[64], *big;
	struct scard_transmit t;
	struct scard_attr a;
	__u32 len, need;
	const size_t big_len = 1 << 20;

	/* output too small: ENOSPC and the size needed */
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp, 0);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), ENOSPC,
	       "TRANSMIT with no response space: ENOSPC");
	ok_eq(t.recv_len, sizeof(apdu) + 2, "the needed size is reported");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp,
		      sizeof(apdu) + 1);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), ENOSPC,
	       "TRANSMIT with one byte too few: ENOSPC");
	need = t.recv_len;
	ok_eq(need, sizeof(apdu) + 2, "the needed size is reported");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp, need);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT with the reported size");
	ok(is_echo(apdu, sizeof(apdu), resp, t.recv_len),
	   "and the response is right");

	len = 0;
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_NAME, NULL, &len), ENOSPC,
	       "GET_ATTRIBUTE VENDOR_NAME into 0 bytes: ENOSPC");
	ok_eq(len, 5, "the needed size is reported");
	len = 2;
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_NAME, buf, &len), ENOSPC,
	       "GET_ATTRIBUTE VENDOR_NAME into 2 bytes: ENOSPC");
	ok_eq(len, 5, "the needed size is reported");
	len = 3;
	ok_err(get_attr(fd, SCARD_TAG_MAX_IFSD, buf, &len), ENOSPC,
	       "GET_ATTRIBUTE MAX_IFSD into 3 bytes: ENOSPC");
	ok_eq(len, 4, "the needed size is reported");
	len = 1;
	ok_err(get_attr(fd, SCARD_TAG_ATR_STRING, buf, &len), ENOSPC,
	       "GET_ATTRIBUTE ATR_STRING into 1 byte: ENOSPC");
	need = len;
	ok(need >= sizeof(atr_t1) && need <= SCARD_ATR_MAX,
	   "the needed size is reported");
	diag("ATR_STRING needs %u bytes", need);
	ok_err(get_attr(fd, SCARD_TAG_ATR_STRING, buf, &len), 0,
	       "GET_ATTRIBUTE ATR_STRING with the reported size");

	len = 2;
	ok_err(vendor(fd, TR_VENDOR_ECHO, "hello", 5, buf, &len), ENOSPC,
	       "VENDOR echo of 5 bytes into 2: ENOSPC");
	ok_eq(len, 5, "the needed size is reported");

	/* input too large: EMSGSIZE; empty command: EINVAL */
	big = calloc(1, big_len);
	if (!big) {
		ok(0, "calloc");
		return;
	}
	transmit_init(&t, SCARD_PROTO_T1, big, SCARD_MAX_SEND + 1, resp,
		      sizeof(resp));
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EMSGSIZE,
	       "TRANSMIT of SCARD_MAX_SEND + 1 bytes: EMSGSIZE");
	t.send_len = 0xffffffff;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EMSGSIZE,
	       "TRANSMIT of 4 GiB - 1 bytes: EMSGSIZE");
	t.send_len = 0;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), EINVAL,
	       "TRANSMIT of 0 bytes: EINVAL");
	len = sizeof(buf);
	ok_err(vendor(fd, TR_VENDOR_ECHO, big, SCARD_VENDOR_MAX_BUF + 1, buf,
		      &len), EMSGSIZE,
	       "VENDOR with SCARD_VENDOR_MAX_BUF + 1 input bytes: EMSGSIZE");
	memset(&a, 0, sizeof(a));
	a.tag = SCARD_TAG_SUPRESS_T1_IFS_REQUEST;
	a.len = big_len;
	a.data = uptr(big);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EMSGSIZE,
	       "SET_ATTRIBUTE with a 1 MiB value: EMSGSIZE");
	free(big);
	(void)idx;
}

static void bad_values(int fd, int idx)
{
	unsigned char buf[16];
	__u32 len, selected;
	__u64 value;
	struct scard_power pw;

	len = sizeof(buf);
	ok_err(vendor(fd, SCARD_VENDOR_CODE_MIN - 1, "a", 1, buf, &len), EINVAL,
	       "VENDOR code below SCARD_VENDOR_CODE_MIN: EINVAL");
	len = sizeof(buf);
	ok_err(vendor(fd, SCARD_VENDOR_CODE_MAX + 1, "a", 1, buf, &len), EINVAL,
	       "VENDOR code above SCARD_VENDOR_CODE_MAX: EINVAL");
	ok_eq(echo(fd, SCARD_PROTO_T0, 0, 7), EBADFD,
	      "TRANSMIT T=0 while T=1 is selected: EBADFD");
	ok_eq(echo(fd, SCARD_PROTO_UNDEFINED, 0, 7), EBADFD,
	      "TRANSMIT protocol 0: EBADFD");
	ok_eq(echo(fd, SCARD_PROTO_RAW, 0, 7), EBADFD,
	      "TRANSMIT RAW while T=1 is selected: EBADFD");
	ok_err(get_perf(fd, 0x7ffe00ff, &value), EINVAL,
	       "GET_PERF_CNTR of an unknown tag: EINVAL");
	ok_err(set_protocol(fd, 0, &selected), EINVAL,
	       "SET_PROTOCOL with an empty mask: EINVAL");
	ok_err(set_protocol(fd, SCARD_PROTO_T1 | 0x100, &selected), EINVAL,
	       "SET_PROTOCOL with an unknown bit: EINVAL");
	{
		struct scard_protocol pr = { .mask = SCARD_PROTO_T1,
					     .reserved = 1 };

		ok_err(ioctl(fd, SCARD_IOC_SET_PROTOCOL, &pr), EINVAL,
		       "SET_PROTOCOL with a reserved field set: EINVAL");
	}

	/* TRANSMIT in every state that is not SPECIFIC */
	ok_err(power(fd, SCARD_COLD_RESET, &pw), 0, "POWER cold reset");
	ok_eq(echo(fd, SCARD_PROTO_T1, 0, 7), EBADFD,
	      "TRANSMIT before SET_PROTOCOL: EBADFD");
	ctl_ok("remove %d", idx);
	ctl_ok("insert %d", idx);
	ok_eq(echo(fd, SCARD_PROTO_T1, 0, 7), EBADFD,
	      "TRANSMIT to an unpowered card: EBADFD");
	ctl_ok("remove %d", idx);
	ok_eq(echo(fd, SCARD_PROTO_T1, 0, 7), ENOMEDIUM,
	      "TRANSMIT without card: ENOMEDIUM");
	card_ready(idx, fd);
}

static void bad_ioctl_numbers(int fd)
{
	unsigned char buf[512];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unknown_ioctls); i++) {
		memset(buf, 0, sizeof(buf));
		ok_err(ioctl(fd, unknown_ioctls[i].req, buf), ENOTTY,
		       "unknown ioctl 0x%08lx (%s): ENOTTY",
		       unknown_ioctls[i].req, unknown_ioctls[i].name);
	}
}

/* badinput [IDX]: every request with bad arguments */
void test_badinput(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	int fd;

	ctl("clear %d", idx);
	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		return;
	if (card_ready(idx, fd))
		goto out;
	bad_pointers(fd);
	card_ready(idx, fd);
	bad_inner_pointers(fd);
	bad_reserved(fd, idx);
	bad_lengths(fd, idx);
	bad_values(fd, idx);
	bad_ioctl_numbers(fd);
	card_ready(idx, fd);
	ok_err(echo(fd, SCARD_PROTO_T1, 9, 9) ? -1 : 0, 0,
	       "the reader still works");
out:
	close(fd);
}
