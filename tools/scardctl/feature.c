// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl features: the PC/SC part 10 features of a reader (PIN pad or
 * not) and its properties, as the library reports them through
 * SCARD_IOC_VENDOR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scardctl.h"

#define FEATURE_BUF	256

static const struct {
	unsigned int tag;
	const char *name;
} feature_names[] = {
	{ SCARD_FEATURE_VERIFY_PIN_DIRECT, "VERIFY_PIN_DIRECT" },
	{ SCARD_FEATURE_MODIFY_PIN_DIRECT, "MODIFY_PIN_DIRECT" },
	{ SCARD_FEATURE_IFD_PIN_PROPERTIES, "IFD_PIN_PROPERTIES" },
	{ SCARD_FEATURE_GET_TLV_PROPERTIES, "GET_TLV_PROPERTIES" },
};

static const struct {
	unsigned int tag;
	const char *name;
} property_names[] = {
	{ SCARD_PROPERTY_LCD_LAYOUT, "wLcdLayout" },
	{ SCARD_PROPERTY_ENTRY_VALIDATION, "bEntryValidationCondition" },
	{ SCARD_PROPERTY_TIMEOUT2, "bTimeOut2" },
	{ SCARD_PROPERTY_MIN_PIN_SIZE, "bMinPINSize" },
	{ SCARD_PROPERTY_MAX_PIN_SIZE, "bMaxPINSize" },
	{ SCARD_PROPERTY_MAX_APDU_DATA_SIZE, "dwMaxAPDUDataSize" },
};

static int vendor_get(int fd, unsigned int code, unsigned char *out,
		      unsigned int *len)
{
	struct scard_vendor v = {
		.code = code,
		.out_buf = (uintptr_t)out,
		.out_len = FEATURE_BUF,
	};

	if (ioctl(fd, SCARD_IOC_VENDOR, &v))
		return errno;
	*len = v.out_len;
	return 0;
}

static void print_features(const unsigned char *b, unsigned int len)
{
	const char *name;
	unsigned int i, j;
	uint32_t code;

	for (i = 0; i + 6 <= len; i += 2 + b[i + 1]) {
		code = (uint32_t)b[i + 2] << 24 | b[i + 3] << 16 |
			b[i + 4] << 8 | b[i + 5];
		name = "unknown";
		for (j = 0; j < ARRAY_SIZE(feature_names); j++)
			if (feature_names[j].tag == b[i])
				name = feature_names[j].name;
		if (opt.machine)
			printf("feature=%s tag=0x%02x code=%u\n", name, b[i],
			       code);
		else
			printf("  feature %-20s code %u\n", name, code);
	}
}

static void print_properties(const unsigned char *b, unsigned int len)
{
	const char *name;
	unsigned int i, j, k;
	uint32_t val;

	for (i = 0; i + 2 <= len && i + 2 + b[i + 1] <= len;
	     i += 2 + b[i + 1]) {
		val = 0;
		for (k = b[i + 1]; k > 0 && k <= 4; k--)
			val = val << 8 | b[i + 1 + k];
		name = "unknown";
		for (j = 0; j < ARRAY_SIZE(property_names); j++)
			if (property_names[j].tag == b[i])
				name = property_names[j].name;
		if (opt.machine)
			printf("property=%s tag=0x%02x value=%u\n", name, b[i],
			       val);
		else
			printf("  property %-26s %u (0x%x)\n", name, val, val);
	}
}

int cmd_features(int argc, char **argv)
{
	unsigned char buf[FEATURE_BUF];
	unsigned int len = 0;
	int fd, err, ret;

	(void)argv;
	if (argc)
		return usage_error("features: no argument expected");
	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	err = vendor_get(fd, SCARD_VENDOR_GET_FEATURE_REQUEST, buf, &len);
	if (err) {
		ret = fail("VENDOR (GET_FEATURE_REQUEST)", err);
		goto out;
	}
	if (!opt.machine)
		printf("%s:\n", opt.dev);
	print_features(buf, len);
	err = vendor_get(fd, SCARD_VENDOR_FEATURE(SCARD_FEATURE_GET_TLV_PROPERTIES),
			 buf, &len);
	if (err) {
		ret = fail("VENDOR (GET_TLV_PROPERTIES)", err);
		goto out;
	}
	print_properties(buf, len);
out:
	close(fd);
	return ret;
}
