// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test: every request with good input.
 */
#include "scard_test.h"

/* ---- test: ioctl, every request with good input ---- */

struct attr_check {
	__u32 tag;
	const char *name;
	__u32 value;
};

#define ATTR(tag, value)	{ SCARD_TAG_##tag, #tag, value }

static void ioctl_attributes(int fd, int idx)
{
	const struct attr_check ints[] = {
		ATTR(VENDOR_IFD_VERSION, TR_VERSION),
		ATTR(CHANNEL_ID, SCARD_READER_TYPE_VENDOR << 16 | idx),
		ATTR(PROTOCOL_TYPES, SCARD_PROTO_TX),
		ATTR(DEFAULT_CLK, 3580),
		ATTR(MAX_CLK, 4000),
		ATTR(DEFAULT_DATA_RATE, 9600),
		ATTR(MAX_DATA_RATE, 115200),
		ATTR(MAX_IFSD, 254),
		ATTR(CHARACTERISTICS, SCARD_READER_SWALLOWS |
		     SCARD_READER_EJECTS | SCARD_READER_CONFISCATES),
		ATTR(DEVICE_UNIT, idx),
		ATTR(POWER_MGMT_SUPPORT, 0),
		ATTR(CURRENT_PROTOCOL_TYPE, SCARD_PROTO_T1),
		ATTR(CURRENT_F, 372),
		ATTR(CURRENT_D, 1),
		ATTR(CURRENT_N, 0),
		ATTR(CURRENT_IFSC, 32),
		ATTR(CURRENT_EBC_ENCODING, 0),
	};
	const struct attr_check bytes[] = {
		ATTR(ICC_PRESENCE, 2),
		ATTR(ICC_INTERFACE_STATUS, 0xff),
		ATTR(ICC_TYPE_PER_ATR, 1),
	};
	const __u32 answered[] = {
		SCARD_TAG_CURRENT_CLK, SCARD_TAG_CURRENT_W,
		SCARD_TAG_CURRENT_IFSD, SCARD_TAG_CURRENT_BWT,
		SCARD_TAG_CURRENT_CWT,
	};
	char serial[16], buf[64];
	unsigned int i;
	__u32 len, val;

	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_NAME, buf, &len), 0,
	       "GET_ATTRIBUTE VENDOR_NAME");
	ok(len == 5 && !memcmp(buf, "scard", 5), "VENDOR_NAME is \"scard\"");
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_IFD_TYPE, buf, &len), 0,
	       "GET_ATTRIBUTE VENDOR_IFD_TYPE");
	ok(len == 11 && !memcmp(buf, "test reader", 11),
	   "VENDOR_IFD_TYPE is \"test reader\"");
	snprintf(serial, sizeof(serial), "TR-%d", idx);
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_TAG_VENDOR_IFD_SERIAL_NO, buf, &len), 0,
	       "GET_ATTRIBUTE VENDOR_IFD_SERIAL_NO");
	ok(len == strlen(serial) && !memcmp(buf, serial, len),
	   "VENDOR_IFD_SERIAL_NO is \"%s\"", serial);
	len = sizeof(buf);
	ok_err(get_attr(fd, SCARD_TAG_ATR_STRING, buf, &len), 0,
	       "GET_ATTRIBUTE ATR_STRING");
	ok(len == sizeof(atr_t1) && !memcmp(buf, atr_t1, len),
	   "ATR_STRING is the card's ATR");
	if (len != sizeof(atr_t1))
		diag("length %u", len);

	for (i = 0; i < ARRAY_SIZE(ints); i++) {
		val = 0xdeadbeef;
		len = sizeof(val);
		ok_err(get_attr(fd, ints[i].tag, &val, &len), 0,
		       "GET_ATTRIBUTE %s", ints[i].name);
		ok_eq(len, 4, "%s is a __u32", ints[i].name);
		ok_eq(val, ints[i].value, "%s value", ints[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(bytes); i++) {
		memset(buf, 0, sizeof(buf));
		len = sizeof(buf);
		ok_err(get_attr(fd, bytes[i].tag, buf, &len), 0,
		       "GET_ATTRIBUTE %s", bytes[i].name);
		memcpy(&val, buf, sizeof(val));
		if (len == 1)
			val = (unsigned char)buf[0];
		else
			diag("%s is %u bytes long", bytes[i].name, len);
		ok_eq(val, bytes[i].value, "%s value", bytes[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(answered); i++) {
		len = sizeof(buf);
		ok_err(get_attr(fd, answered[i], buf, &len), 0,
		       "GET_ATTRIBUTE 0x%08x answered", answered[i]);
	}

	len = sizeof(buf);
	ok_err(get_attr(fd, 0x12345678, buf, &len), EOPNOTSUPP,
	       "GET_ATTRIBUTE of an unknown tag: EOPNOTSUPP");
}

static void ioctl_set_attribute(int fd)
{
	struct scard_attr a;
	__u32 val = 1;

	memset(&a, 0, sizeof(a));
	a.tag = SCARD_TAG_SUPRESS_T1_IFS_REQUEST;
	a.len = sizeof(val);
	a.data = uptr(&val);
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), 0,
	       "SET_ATTRIBUTE SUPRESS_T1_IFS_REQUEST");
	a.tag = SCARD_TAG_VENDOR_NAME;
	ok_err(ioctl(fd, SCARD_IOC_SET_ATTRIBUTE, &a), EOPNOTSUPP,
	       "SET_ATTRIBUTE VENDOR_NAME: EOPNOTSUPP");
}

static void ioctl_transmit(int fd)
{
	unsigned char resp[64], *big, *big_resp;
	struct scard_transmit t;
	const __u32 big_len = SCARD_MAX_RECV - 2;

	ok_err(echo(fd, SCARD_PROTO_T1, 1, 7) ? -1 : 0, 0,
	       "TRANSMIT T=1: the card answers");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp,
		      sizeof(apdu) + 2);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT with a response buffer of the exact size");
	ok(is_echo(apdu, sizeof(apdu), resp, t.recv_len),
	   "TRANSMIT response is the command and 90 00");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp,
		      sizeof(resp));
	t.flags = SCARD_TRANSMIT_APDU;
	t.nad = 0x12;
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT with SCARD_TRANSMIT_APDU and a NAD");

	big = malloc(big_len);
	big_resp = malloc(SCARD_MAX_RECV);
	if (!big || !big_resp) {
		ok(0, "malloc");
		goto out;
	}
	make_cmd(big, big_len, 3);
	transmit_init(&t, SCARD_PROTO_T1, big, big_len, big_resp,
		      SCARD_MAX_RECV);
	ok_err(ioctl(fd, SCARD_IOC_TRANSMIT, &t), 0,
	       "TRANSMIT of %u bytes, response of SCARD_MAX_RECV", big_len);
	ok(is_echo(big, big_len, big_resp, t.recv_len),
	   "the long response is right");
out:
	free(big);
	free(big_resp);
}

static void ioctl_vendor(int fd, int idx)
{
	unsigned char out[16];
	long before;
	__u32 len;

	before = ctl_value(idx, "vendor");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "hello", 5, out, &len), 0,
	       "VENDOR echo");
	ok(len == 5 && !memcmp(out, "hello", 5), "VENDOR output is the input");
	ok_eq(ctl_value(idx, "vendor"), before + 1,
	      "VENDOR reached the vendor callback");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, NULL, 0, out, &len), 0,
	       "VENDOR without input");
	ok_eq(len, 0, "VENDOR without input: no output");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO + 1, "hello", 5, out, &len), EINVAL,
	       "VENDOR code the reader does not know: the reader's EINVAL");
}

static void ioctl_perf(int fd, int idx)
{
	static const struct {
		__u32 tag;
		const char *name;
	} tags[] = {
		{ SCARD_PERF_NUM_TRANSMISSIONS, "NUM_TRANSMISSIONS" },
		{ SCARD_PERF_BYTES_TRANSMITTED, "BYTES_TRANSMITTED" },
		{ SCARD_PERF_BYTES_RECEIVED, "BYTES_RECEIVED" },
		{ SCARD_PERF_TRANSMISSION_TIME, "TRANSMISSION_TIME" },
	};
	__u64 before[4], after[4];
	unsigned int i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(tags); i++)
		ok_err(get_perf(fd, tags[i].tag, &before[i]), 0,
		       "GET_PERF_CNTR %s", tags[i].name);
	if (ctl_ok("delay %d 20", idx))
		return;
	for (i = 0; i < 3 && !err; i++)
		err = echo(fd, SCARD_PROTO_T1, i, 10 * (i + 1));
	ok_err(err ? -1 : 0, 0, "3 TRANSMITs of 10, 20, 30 bytes, 20 ms each");
	ctl("delay %d 0", idx);
	for (i = 0; i < ARRAY_SIZE(tags); i++)
		get_perf(fd, tags[i].tag, &after[i]);
	ok_eq(after[0] - before[0], 3, "NUM_TRANSMISSIONS grew by 3");
	ok_eq(after[1] - before[1], 60, "BYTES_TRANSMITTED grew by 60");
	ok_eq(after[2] - before[2], 66, "BYTES_RECEIVED grew by 66");
	ok(after[3] - before[3] >= 60000000ULL,
	   "TRANSMISSION_TIME grew by at least 60 ms");
	diag("TRANSMISSION_TIME grew by %llu ns",
	     (unsigned long long)(after[3] - before[3]));
}

static void ioctl_last_error(int fd, int idx)
{
	__u32 error, reserved;

	if (ctl_ok("fail %d transmit %d", idx, EIO))
		return;
	ok_eq(echo(fd, SCARD_PROTO_T1, 0, 5), EIO,
	      "TRANSMIT fails with the reader's EIO");
	ok_err(get_last_error(fd, &error, &reserved), 0, "GET_LAST_ERROR");
	ok_eq(error, EIO, "last error is EIO");
	ok_eq(reserved, 0, "GET_LAST_ERROR zeroes reserved");
	ctl_ok("fail %d transmit %d", idx, ETIMEDOUT);
	ok_eq(echo(fd, SCARD_PROTO_T1, 0, 5), ETIMEDOUT,
	      "TRANSMIT fails with the reader's ETIMEDOUT");
	get_last_error(fd, &error, &reserved);
	ok_eq(error, ETIMEDOUT, "last error is ETIMEDOUT");
	ctl_ok("fail %d transmit 0", idx);
	ok_err(echo(fd, SCARD_PROTO_T1, 0, 5) ? -1 : 0, 0,
	       "TRANSMIT works again");
}

static void ioctl_power(int fd, int idx)
{
	struct scard_power pw;
	__u32 selected;

	ok_err(power(fd, SCARD_WARM_RESET, &pw), 0, "POWER warm reset");
	ok(pw.atr_len == sizeof(atr_t1) && !memcmp(pw.atr, atr_t1, pw.atr_len),
	   "warm reset returns the ATR");
	check_state(fd, SCARD_CARD_NEGOTIABLE, "after a warm reset");
	ok_err(set_protocol(fd, SCARD_PROTO_T0, &selected), 0,
	       "SET_PROTOCOL T=0");
	ok_eq(selected, SCARD_PROTO_T0, "T=0 selected");
	ok_eq(ctl_value(idx, "protocol"), SCARD_PROTO_T0,
	      "the reader was asked for T=0");
	ok_err(echo(fd, SCARD_PROTO_T0, 2, 7) ? -1 : 0, 0, "TRANSMIT T=0");
	ok_eq(echo(fd, SCARD_PROTO_T1, 2, 7), EBADFD,
	      "TRANSMIT T=1 while T=0 is selected: EBADFD");

	ok_err(power(fd, SCARD_POWER_DOWN, &pw), 0, "POWER down");
	ok_eq(pw.atr_len, 0, "power down returns no ATR");
	ok_eq(echo(fd, SCARD_PROTO_T0, 2, 7), EBADFD,
	      "TRANSMIT after power down: EBADFD");
}

static void ioctl_mechanics(int fd, int idx)
{
	struct job job = { .fd = fd, .req = SCARD_IOC_IS_ABSENT, .timeout = 5 };
	long before;

	before = ctl_value(idx, "swallow");
	ok_err(ioctl(fd, SCARD_IOC_SWALLOW), 0, "SWALLOW");
	ok_eq(ctl_value(idx, "swallow"), before + 1, "SWALLOW reached the reader");
	before = ctl_value(idx, "confiscate");
	ok_err(ioctl(fd, SCARD_IOC_CONFISCATE), 0, "CONFISCATE");
	ok_eq(ctl_value(idx, "confiscate"), before + 1,
	      "CONFISCATE reached the reader");
	before = ctl_value(idx, "eject");
	ok_err(ioctl(fd, SCARD_IOC_EJECT), 0, "EJECT");
	ok_eq(ctl_value(idx, "eject"), before + 1, "EJECT reached the reader");
	ok_eq(job_request(&job), 0, "IS_ABSENT returns after EJECT");
	check_state(fd, SCARD_CARD_ABSENT, "after EJECT");
	ok_eq(echo(fd, SCARD_PROTO_T1, 2, 7), ENOMEDIUM,
	      "TRANSMIT without card: ENOMEDIUM");
}

/*
 * Access: a read-only descriptor reads the state and the attributes; a
 * request that changes the card or the reader needs write access (EBADF,
 * and nothing reaches the reader); a write-only one cannot read the state.
 */
static void ioctl_access(int idx)
{
	static const char * const keys[] = {
		"power", "transmit", "eject", "swallow", "set_protocol",
		"confiscate", "vendor",
	};
	unsigned char resp[32], out[8], byte = 0;
	struct scard_attr attr = { 0 };
	long calls[ARRAY_SIZE(keys)];
	struct scard_transmit t;
	struct scard_state st;
	struct scard_power pw;
	__u32 len, val, err, rsv;
	__u64 value;
	unsigned int i;
	int ro, wo;

	ro = open_reader(idx, O_RDONLY, NULL);
	wo = open_reader(idx, O_WRONLY, NULL);
	if (ro < 0 || wo < 0)
		goto out;
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		calls[i] = ctl_value(idx, keys[i]);

	ok_err(get_state(ro, &st), 0, "O_RDONLY: GET_STATE");
	len = sizeof(val);
	ok_err(get_attr(ro, SCARD_TAG_CURRENT_PROTOCOL_TYPE, &val, &len), 0,
	       "O_RDONLY: GET_ATTRIBUTE");
	ok_err(get_last_error(ro, &err, &rsv), 0, "O_RDONLY: GET_LAST_ERROR");
	ok_err(get_perf(ro, SCARD_PERF_NUM_TRANSMISSIONS, &value), 0,
	       "O_RDONLY: GET_PERF_CNTR");
	ok_err(ioctl(ro, SCARD_IOC_IS_PRESENT), 0,
	       "O_RDONLY: IS_PRESENT with a card");

	ok_err(power(ro, SCARD_COLD_RESET, &pw), EBADF, "O_RDONLY: POWER: EBADF");
	ok_err(power(ro, SCARD_POWER_DOWN, &pw), EBADF,
	       "O_RDONLY: POWER down: EBADF");
	ok_err(set_protocol(ro, SCARD_PROTO_TX, &val), EBADF,
	       "O_RDONLY: SET_PROTOCOL: EBADF");
	transmit_init(&t, SCARD_PROTO_T1, apdu, sizeof(apdu), resp,
		      sizeof(resp));
	ok_err(ioctl(ro, SCARD_IOC_TRANSMIT, &t), EBADF,
	       "O_RDONLY: TRANSMIT: EBADF");
	len = sizeof(out);
	ok_err(vendor(ro, TR_VENDOR_ECHO, "x", 1, out, &len), EBADF,
	       "O_RDONLY: VENDOR: EBADF");
	attr.tag = SCARD_TAG_SUPRESS_T1_IFS_REQUEST;
	attr.data = (__u64)(unsigned long)&byte;
	attr.len = 1;
	ok_err(ioctl(ro, SCARD_IOC_SET_ATTRIBUTE, &attr), EBADF,
	       "O_RDONLY: SET_ATTRIBUTE: EBADF");
	ok_err(ioctl(ro, SCARD_IOC_EJECT), EBADF, "O_RDONLY: EJECT: EBADF");
	ok_err(ioctl(ro, SCARD_IOC_SWALLOW), EBADF, "O_RDONLY: SWALLOW: EBADF");
	ok_err(ioctl(ro, SCARD_IOC_CONFISCATE), EBADF,
	       "O_RDONLY: CONFISCATE: EBADF");
	ok_err(ioctl(ro, _IO('s', 0x7f)), ENOTTY,
	       "O_RDONLY: an unknown request is still ENOTTY");
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		ok_eq(ctl_value(idx, keys[i]), calls[i],
		      "O_RDONLY: no %s call reached the reader", keys[i]);
	check_state(ro, SCARD_CARD_SPECIFIC, "O_RDONLY: the card is untouched");

	ok_err(get_state(wo, &st), EBADF, "O_WRONLY: GET_STATE: EBADF");
	len = sizeof(val);
	ok_err(get_attr(wo, SCARD_TAG_CURRENT_PROTOCOL_TYPE, &val, &len),
	       EBADF, "O_WRONLY: GET_ATTRIBUTE: EBADF");
	ok_err(echo(wo, SCARD_PROTO_T1, 2, 5) ? -1 : 0, 0,
	       "O_WRONLY: TRANSMIT");
out:
	if (ro >= 0)
		close(ro);
	if (wo >= 0)
		close(wo);
}

static void ioctl_no_optional(void)
{
	unsigned char out[8];
	int idx, fd;
	__u32 len, val;

	idx = add_reader("noopt");
	if (idx < 0)
		return;
	fd = open_reader(idx, O_RDWR, NULL);
	if (fd < 0)
		goto out;
	ctl_ok("insert %d", idx);
	ok_err(ioctl(fd, SCARD_IOC_EJECT), EOPNOTSUPP,
	       "EJECT without callback: EOPNOTSUPP");
	ok_err(ioctl(fd, SCARD_IOC_SWALLOW), EOPNOTSUPP,
	       "SWALLOW without callback: EOPNOTSUPP");
	ok_err(ioctl(fd, SCARD_IOC_CONFISCATE), EOPNOTSUPP,
	       "CONFISCATE without callback: EOPNOTSUPP");
	len = sizeof(out);
	ok_err(vendor(fd, TR_VENDOR_ECHO, "x", 1, out, &len), EOPNOTSUPP,
	       "VENDOR without callback: EOPNOTSUPP");
	len = sizeof(val);
	ok_err(get_attr(fd, SCARD_TAG_CHARACTERISTICS, &val, &len), 0,
	       "GET_ATTRIBUTE CHARACTERISTICS");
	ok_eq(val, 0, "a reader without mechanics says so");
	close(fd);
out:
	ctl_ok("del %d", idx);
}

/* ioctl [IDX]: every request with good input */
void test_ioctl(char **argv)
{
	int idx = argv[0] ? atoi(argv[0]) : 0;
	struct scard_state st;
	struct scard_power pw;
	char path[PATH_LEN];
	__u64 events;
	__u32 selected;
	long before;
	int fd;

	ctl("clear %d", idx);
	ctl("remove %d", idx);
	fd = open_reader(idx, O_RDWR, path);
	if (fd < 0)
		return;
	diag("reader %d is %s", idx, path);

	ok_err(get_state(fd, &st), 0, "GET_STATE");
	ok(st.state == SCARD_CARD_ABSENT && st.protocol == SCARD_PROTO_UNDEFINED,
	   "no card: ABSENT, no protocol");
	ok(!st.reserved[0] && !st.reserved[1], "GET_STATE zeroes reserved");
	events = st.events;

	if (ctl_ok("insert %d %s", idx, ATR_HEX))
		goto out;
	ok_err(get_state(fd, &st), 0, "GET_STATE after insertion");
	ok_eq(st.state, SCARD_CARD_PRESENT, "card inserted: PRESENT");
	ok_eq(st.events, events + 1, "the insertion counts as one event");

	before = ctl_value(idx, "power");
	ok_err(power(fd, SCARD_COLD_RESET, &pw), 0, "POWER cold reset");
	ok(pw.atr_len == sizeof(atr_t1) && !memcmp(pw.atr, atr_t1, pw.atr_len),
	   "cold reset returns the ATR");
	ok_eq(ctl_value(idx, "power"), before + 1, "POWER reached the reader");
	check_state(fd, SCARD_CARD_NEGOTIABLE, "card offering T=0 and T=1 reset");

	ok_err(set_protocol(fd, SCARD_PROTO_TX, &selected), 0,
	       "SET_PROTOCOL T=0|T=1");
	ok_eq(selected, SCARD_PROTO_T1, "T=1 preferred");
	ok_eq(ctl_value(idx, "protocol"), SCARD_PROTO_T1,
	      "the reader was asked for T=1");
	ok_err(get_state(fd, &st), 0, "GET_STATE after SET_PROTOCOL");
	ok(st.state == SCARD_CARD_SPECIFIC && st.protocol == SCARD_PROTO_T1,
	   "SPECIFIC, protocol T=1");
	ok_err(set_protocol(fd, SCARD_PROTO_TX, &selected), 0,
	       "SET_PROTOCOL again in SPECIFIC state");
	ok_eq(selected, SCARD_PROTO_T1, "the selected protocol is written");
	before = ctl_value(idx, "set_protocol");
	ok_err(set_protocol(fd, SCARD_PROTO_T0, &selected), EBADFD,
	       "SET_PROTOCOL T=0 while T=1 is selected: EBADFD (no reset)");
	ok_eq(ctl_value(idx, "set_protocol"), before,
	      "the reader was not asked");
	check_state(fd, SCARD_CARD_SPECIFIC, "T=1 still selected");

	ioctl_transmit(fd);
	ioctl_access(idx);
	ioctl_attributes(fd, idx);
	ioctl_set_attribute(fd);
	ioctl_vendor(fd, idx);
	ioctl_perf(fd, idx);
	ioctl_last_error(fd, idx);
	ioctl_power(fd, idx);
	if (!card_ready(idx, fd))
		ioctl_mechanics(fd, idx);
	ioctl_no_optional();
out:
	close(fd);
}
