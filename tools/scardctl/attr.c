// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl attr: SCARD_IOC_GET_ATTRIBUTE for the known attribute tags, by
 * a table of name, tag and value type.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scardctl.h"

#define ATTR_BUF		256
#define ATTR_BUF_MAX		65536

enum attr_type { AT_U32, AT_U8, AT_STR, AT_BYTES };

/* How to explain a value to a human. */
enum attr_fmt {
	AF_NUM,			/* just the number */
	AF_VERSION,		/* 0xMMmmbbbb */
	AF_CHANNEL,		/* reader type << 16 | channel */
	AF_PROTOCOLS,		/* SCARD_PROTO_* mask */
	AF_KHZ,
	AF_BPS,
	AF_MECH,		/* SCARD_READER_SWALLOWS ... */
	AF_PRESENCE,
	AF_IFACE,
	AF_ICC_TYPE,
	AF_EDC,
	AF_BOOL,
};

static const char * const type_names[] = {
	[AT_U32] = "u32",
	[AT_U8] = "u8",
	[AT_STR] = "string",
	[AT_BYTES] = "bytes",
};

static const struct attr_def {
	const char *name;
	unsigned int tag;
	enum attr_type type;
	enum attr_fmt fmt;
} attr_defs[] = {
	{ "VENDOR_NAME", SCARD_TAG_VENDOR_NAME, AT_STR, AF_NUM },
	{ "VENDOR_IFD_TYPE", SCARD_TAG_VENDOR_IFD_TYPE, AT_STR, AF_NUM },
	{ "VENDOR_IFD_VERSION", SCARD_TAG_VENDOR_IFD_VERSION, AT_U32,
	  AF_VERSION },
	{ "VENDOR_IFD_SERIAL_NO", SCARD_TAG_VENDOR_IFD_SERIAL_NO, AT_STR,
	  AF_NUM },
	{ "CHANNEL_ID", SCARD_TAG_CHANNEL_ID, AT_U32, AF_CHANNEL },
	{ "PROTOCOL_TYPES", SCARD_TAG_PROTOCOL_TYPES, AT_U32, AF_PROTOCOLS },
	{ "DEFAULT_CLK", SCARD_TAG_DEFAULT_CLK, AT_U32, AF_KHZ },
	{ "MAX_CLK", SCARD_TAG_MAX_CLK, AT_U32, AF_KHZ },
	{ "DEFAULT_DATA_RATE", SCARD_TAG_DEFAULT_DATA_RATE, AT_U32, AF_BPS },
	{ "MAX_DATA_RATE", SCARD_TAG_MAX_DATA_RATE, AT_U32, AF_BPS },
	{ "MAX_IFSD", SCARD_TAG_MAX_IFSD, AT_U32, AF_NUM },
	{ "SYNC_PROTOCOL_TYPES", SCARD_TAG_SYNC_PROTOCOL_TYPES, AT_U32,
	  AF_NUM },
	{ "POWER_MGMT_SUPPORT", SCARD_TAG_POWER_MGMT_SUPPORT, AT_U32,
	  AF_BOOL },
	{ "USER_TO_CARD_AUTH_DEVICE", SCARD_TAG_USER_TO_CARD_AUTH_DEVICE,
	  AT_STR, AF_NUM },
	{ "USER_AUTH_INPUT_DEVICE", SCARD_TAG_USER_AUTH_INPUT_DEVICE, AT_STR,
	  AF_NUM },
	{ "CHARACTERISTICS", SCARD_TAG_CHARACTERISTICS, AT_U32, AF_MECH },
	{ "CURRENT_PROTOCOL_TYPE", SCARD_TAG_CURRENT_PROTOCOL_TYPE, AT_U32,
	  AF_PROTOCOLS },
	{ "CURRENT_CLK", SCARD_TAG_CURRENT_CLK, AT_U32, AF_KHZ },
	{ "CURRENT_F", SCARD_TAG_CURRENT_F, AT_U32, AF_NUM },
	{ "CURRENT_D", SCARD_TAG_CURRENT_D, AT_U32, AF_NUM },
	{ "CURRENT_N", SCARD_TAG_CURRENT_N, AT_U32, AF_NUM },
	{ "CURRENT_W", SCARD_TAG_CURRENT_W, AT_U32, AF_NUM },
	{ "CURRENT_IFSC", SCARD_TAG_CURRENT_IFSC, AT_U32, AF_NUM },
	{ "CURRENT_IFSD", SCARD_TAG_CURRENT_IFSD, AT_U32, AF_NUM },
	{ "CURRENT_BWT", SCARD_TAG_CURRENT_BWT, AT_U32, AF_NUM },
	{ "CURRENT_CWT", SCARD_TAG_CURRENT_CWT, AT_U32, AF_NUM },
	{ "CURRENT_EBC_ENCODING", SCARD_TAG_CURRENT_EBC_ENCODING, AT_U32,
	  AF_EDC },
	{ "EXTENDED_BWT", SCARD_TAG_EXTENDED_BWT, AT_U32, AF_NUM },
	{ "ICC_PRESENCE", SCARD_TAG_ICC_PRESENCE, AT_U8, AF_PRESENCE },
	{ "ICC_INTERFACE_STATUS", SCARD_TAG_ICC_INTERFACE_STATUS, AT_U8,
	  AF_IFACE },
	{ "CURRENT_IO_STATE", SCARD_TAG_CURRENT_IO_STATE, AT_BYTES, AF_NUM },
	{ "ATR_STRING", SCARD_TAG_ATR_STRING, AT_BYTES, AF_NUM },
	{ "ICC_TYPE_PER_ATR", SCARD_TAG_ICC_TYPE_PER_ATR, AT_U8, AF_ICC_TYPE },
	{ "DEVICE_UNIT", SCARD_TAG_DEVICE_UNIT, AT_U32, AF_NUM },
	{ "MAXINPUT", SCARD_TAG_MAXINPUT, AT_U32, AF_NUM },
	{ "DEVICE_IN_USE", SCARD_TAG_DEVICE_IN_USE, AT_U32, AF_BOOL },
	{ "DEVICE_FRIENDLY_NAME_A", SCARD_TAG_DEVICE_FRIENDLY_NAME_A, AT_STR,
	  AF_NUM },
	{ "DEVICE_SYSTEM_NAME_A", SCARD_TAG_DEVICE_SYSTEM_NAME_A, AT_STR,
	  AF_NUM },
	{ "DEVICE_FRIENDLY_NAME_W", SCARD_TAG_DEVICE_FRIENDLY_NAME_W,
	  AT_BYTES, AF_NUM },
	{ "DEVICE_SYSTEM_NAME_W", SCARD_TAG_DEVICE_SYSTEM_NAME_W, AT_BYTES,
	  AF_NUM },
	{ "SUPRESS_T1_IFS_REQUEST", SCARD_TAG_SUPRESS_T1_IFS_REQUEST, AT_U32,
	  AF_BOOL },
};

static const struct {
	unsigned int type;
	const char *name;
} reader_types[] = {
	{ SCARD_READER_TYPE_SERIAL, "serial" },
	{ SCARD_READER_TYPE_PARALELL, "parallel" },
	{ SCARD_READER_TYPE_KEYBOARD, "keyboard" },
	{ SCARD_READER_TYPE_SCSI, "SCSI" },
	{ SCARD_READER_TYPE_IDE, "IDE" },
	{ SCARD_READER_TYPE_USB, "USB" },
	{ SCARD_READER_TYPE_PCMCIA, "PCMCIA" },
	{ SCARD_READER_TYPE_TPM, "TPM" },
	{ SCARD_READER_TYPE_VENDOR, "vendor" },
};

/* Name with or without "SCARD_TAG_", any case, '-' for '_'; or a tag. */
static int attr_lookup(const char *arg, struct attr_def *def)
{
	char name[64];
	unsigned long tag;
	size_t i;

	if (parse_uint(arg, 0xffffffffUL, &tag)) {
		for (i = 0; i < ARRAY_SIZE(attr_defs); i++) {
			if (attr_defs[i].tag == tag) {
				*def = attr_defs[i];
				return 0;
			}
		}
		def->name = NULL;
		def->tag = tag;
		def->type = AT_BYTES;
		def->fmt = AF_NUM;
		return 0;
	}

	if (!strncasecmp(arg, "SCARD_TAG_", 11))
		arg += 11;
	if (strlen(arg) >= sizeof(name))
		return -1;
	for (i = 0; arg[i]; i++)
		name[i] = arg[i] == '-' ? '_' : arg[i];
	name[i] = '\0';

	for (i = 0; i < ARRAY_SIZE(attr_defs); i++) {
		if (!strcasecmp(attr_defs[i].name, name)) {
			*def = attr_defs[i];
			return 0;
		}
	}
	return -1;
}

static void print_protocols(unsigned int mask)
{
	const char *sep = "";

	if (mask & SCARD_PROTO_T0) {
		printf("T=0");
		sep = ",";
	}
	if (mask & SCARD_PROTO_T1) {
		printf("%sT=1", sep);
		sep = ",";
	}
	if (mask & SCARD_PROTO_RAW) {
		printf("%sraw", sep);
		sep = ",";
	}
	if (!*sep)
		printf("none");
}

static void print_channel(unsigned int v)
{
	unsigned int type = v >> 16;
	const char *name = "unknown";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reader_types); i++)
		if (reader_types[i].type == type)
			name = reader_types[i].name;
	printf("%s reader, channel %u", name, v & 0xffff);
}

static void print_mech(unsigned int v)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} mech[] = {
		{ SCARD_READER_SWALLOWS, "swallows" },
		{ SCARD_READER_EJECTS, "ejects" },
		{ SCARD_READER_CONFISCATES, "confiscates" },
	};
	const char *sep = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mech); i++) {
		if (v & mech[i].bit) {
			printf("%s%s", sep, mech[i].name);
			sep = ", ";
		}
	}
	if (!*sep)
		printf("no mechanical functions");
}

/* The human explanation after a number. */
static void explain(enum attr_fmt fmt, unsigned int v)
{
	static const char * const presence[] = {
		"no card", "card present", "card in position",
	};

	switch (fmt) {
	case AF_VERSION:
		printf(" (version %u.%u.%u)", v >> 24, (v >> 16) & 0xff,
		       v & 0xffff);
		break;
	case AF_CHANNEL:
		printf(" (");
		print_channel(v);
		printf(")");
		break;
	case AF_PROTOCOLS:
		printf(" (");
		print_protocols(v);
		printf(")");
		break;
	case AF_KHZ:
		printf(" kHz");
		break;
	case AF_BPS:
		printf(" bps");
		break;
	case AF_MECH:
		printf(" (");
		print_mech(v);
		printf(")");
		break;
	case AF_PRESENCE:
		if (v < ARRAY_SIZE(presence))
			printf(" (%s)", presence[v]);
		break;
	case AF_IFACE:
		printf(" (contacts %s)", v ? "active" : "inactive");
		break;
	case AF_ICC_TYPE:
		printf(" (%s)", v == 1 ? "ISO/IEC 7816 asynchronous" :
		       "unknown");
		break;
	case AF_EDC:
		printf(" (%s)", v ? "CRC" : "LRC");
		break;
	case AF_BOOL:
		printf(" (%s)", v ? "yes" : "no");
		break;
	case AF_NUM:
		break;
	}
}

/* What a failure of a tag means, for a human. */
static const char *attr_hint(const struct attr_def *def, int err)
{
	unsigned int cls = def->tag >> 16;

	switch (err) {
	case EBADFD:
		if (def->tag == SCARD_TAG_ATR_STRING)
			return "needs a powered card";
		if (cls == SCARD_TAG_CLASS_IFD_PROTOCOL ||
		    def->tag == SCARD_TAG_ICC_TYPE_PER_ATR)
			return "needs a reset card";
		return "card state unknown";
	case EOPNOTSUPP:
		return "not supported";
	case EMEDIUMTYPE:
		return "reserved Fi/Di in the ATR";
	default:
		return errno_hint(err);
	}
}

static void print_value(const struct attr_def *def, const unsigned char *val,
			size_t len)
{
	unsigned int v;

	if (def->type == AT_U32 && len == 4) {
		memcpy(&v, val, 4);
		if (opt.machine) {
			printf("value=%u", v);
		} else {
			printf("%u", v);
			if (def->fmt == AF_NUM && v > 9)
				printf(" (0x%x)", v);
			explain(def->fmt, v);
		}
	} else if (def->type == AT_U8 && len == 1) {
		printf(opt.machine ? "value=%u" : "%u", val[0]);
		if (!opt.machine)
			explain(def->fmt, val[0]);
	} else if (def->type == AT_STR) {
		if (opt.machine) {
			printf("value=");
			print_enc((const char *)val, len);
		} else {
			printf("\"");
			print_ascii(val, len);
			printf("\"");
		}
	} else {
		printf(opt.machine ? "value=" : "");
		print_hex(val, len, !opt.machine);
		if (!opt.machine && !len)
			printf("(empty)");
	}
}

/* Get and print one attribute; returns 0 or the positive errno. */
static int show_attr(int fd, const struct attr_def *def)
{
	struct scard_attr attr = { .tag = def->tag };
	unsigned char *buf = NULL;
	size_t size = ATTR_BUF;
	char label[16];
	int err;

	for (;;) {
		free(buf);
		buf = malloc(size);
		if (!buf) {
			err = ENOMEM;
			break;
		}
		attr.len = size;
		attr.data = (uintptr_t)buf;
		err = ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &attr) ? errno : 0;
		if (err != ENOSPC || attr.len <= size || attr.len > ATTR_BUF_MAX)
			break;
		size = attr.len;
	}

	snprintf(label, sizeof(label), "0x%08x", def->tag);
	if (opt.machine)
		printf("attr=%s tag=%s type=%s ", def->name ? def->name : label,
		       label, type_names[def->type]);
	else
		printf("%-24s %s  %-6s  ", def->name ? def->name : "?", label,
		       type_names[def->type]);

	if (err && opt.machine)
		printf("error=%s errno=%d\n", errno_name(err), err);
	else if (err)
		printf("%s (%s)\n", errno_name(err), attr_hint(def, err));

	if (!err) {
		if (opt.machine)
			printf("len=%u ", attr.len);
		print_value(def, buf, attr.len);
		printf("\n");
	}
	free(buf);
	return err;
}

/* Failures that say something about a tag rather than the reader. */
static bool tag_error(int err)
{
	return err == EOPNOTSUPP || err == EBADFD || err == EMEDIUMTYPE;
}

int cmd_attr(int argc, char **argv)
{
	struct attr_def def;
	int fd, i, err, ret = SC_OK;
	size_t j;

	for (i = 0; i < argc; i++)
		if (attr_lookup(argv[i], &def))
			return usage_error("attr: unknown attribute '%s'",
					   argv[i]);

	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;

	if (!argc) {
		for (j = 0; j < ARRAY_SIZE(attr_defs); j++) {
			err = show_attr(fd, &attr_defs[j]);
			if (err && !tag_error(err) && !ret)
				ret = exit_status(err);
		}
	}
	for (i = 0; i < argc; i++) {
		attr_lookup(argv[i], &def);
		err = show_attr(fd, &def);
		if (err && !ret)
			ret = exit_status(err);
	}
	close(fd);
	return ret;
}
