// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl: command-line tool for the scard smart card readers.
 *
 *	scardctl [-m] [-r N | -d DEVICE] COMMAND [ARGS...]
 *
 * Each reader slot is a character device /dev/scardN driven by the ioctls
 * of include/uapi/linux/scard.h. This file holds the option parsing, the
 * command dispatch and the helpers the commands share: errno names and
 * exit status, hex parsing and printing, the machine output encoding.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scardctl.h"

#define SCARDCTL_VERSION	"1.0"

/* Long-only options. */
#define LOPT_APDU		0x100
#define LOPT_NAD		0x101
#define LOPT_NO_CONNECT		0x102
#define LOPT_TIMEOUT		0x103
#define LOPT_FOREGROUND		0x104
#define LOPT_LDISC		0x105
#define LOPT_PIDFILE		0x106

/* Line discipline numbers --ldisc accepts (N_TTY excluded). */
#define LDISC_MAX		255

struct options opt = {
	.dev = DEV_PREFIX "0",
	.timeout = -1,
	.ldisc = -1,
};

static const struct errno_info {
	int err;
	const char *name;
	const char *hint;
} errno_table[] = {
	{ EPERM, "EPERM", "operation not permitted" },
	{ ENOENT, "ENOENT", "no such reader" },
	{ EINTR, "EINTR", "interrupted" },
	{ EIO, "EIO", "the reader failed" },
	{ ENXIO, "ENXIO", "no such reader" },
	{ EAGAIN, "EAGAIN", "would block" },
	{ ENOMEM, "ENOMEM", "out of memory" },
	{ EACCES, "EACCES", "permission denied" },
	{ EFAULT, "EFAULT", "bad address" },
	{ EBUSY, "EBUSY", "the reader is busy or held exclusively" },
	{ ENODEV, "ENODEV", "the reader was unplugged" },
	{ EINVAL, "EINVAL", "invalid argument" },
	{ ENOTTY, "ENOTTY", "not a scard reader, or an unknown request" },
	{ ENOSPC, "ENOSPC", "buffer too small" },
	{ EPROTO, "EPROTO", "protocol error" },
	{ EMSGSIZE, "EMSGSIZE", "too long" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "not supported" },
	{ ETIMEDOUT, "ETIMEDOUT", "the card or reader did not answer in time" },
	{ EBADFD, "EBADFD", "wrong card state for the request" },
	{ ENOMEDIUM, "ENOMEDIUM", "no card in the reader" },
	{ EMEDIUMTYPE, "EMEDIUMTYPE", "the ATR cannot be parsed" },
};

static const char * const state_names[] = {
	[SCARD_CARD_UNKNOWN] = "unknown",
	[SCARD_CARD_ABSENT] = "absent",
	[SCARD_CARD_PRESENT] = "present",
	[SCARD_CARD_SWALLOWED] = "swallowed",
	[SCARD_CARD_POWERED] = "powered",
	[SCARD_CARD_NEGOTIABLE] = "negotiable",
	[SCARD_CARD_SPECIFIC] = "specific",
};

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	unsigned int opts;
} commands[] = {
	{ "list", cmd_list, 0 },
	{ "status", cmd_status, 0 },
	{ "attr", cmd_attr, 0 },
	{ "power", cmd_power, 0 },
	{ "protocol", cmd_protocol, 0 },
	{ "transmit", cmd_transmit, OPT_APDU | OPT_NAD | OPT_NO_CONNECT },
	{ "wait", cmd_wait, 0 },
	{ "monitor", cmd_monitor, OPT_TIMEOUT },
	{ "vendor", cmd_vendor, 0 },
	{ "features", cmd_features, 0 },
	{ "eject", cmd_eject, 0 },
	{ "swallow", cmd_swallow, 0 },
	{ "confiscate", cmd_confiscate, 0 },
	{ "perf", cmd_perf, 0 },
	{ "last-error", cmd_last_error, 0 },
	{ "atr", cmd_atr, 0 },
	{ "sw", cmd_sw, 0 },
	{ "attach", cmd_attach, OPT_FOREGROUND | OPT_LDISC | OPT_PIDFILE },
	{ "detach", cmd_detach, 0 },
};

static const struct errno_info *errno_lookup(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (errno_table[i].err == err)
			return &errno_table[i];
	return NULL;
}

/* The symbolic name of an errno, "E<number>" for the ones not listed. */
const char *errno_name(int err)
{
	const struct errno_info *e = errno_lookup(err);
	static char buf[16];

	if (e)
		return e->name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

const char *errno_hint(int err)
{
	const struct errno_info *e = errno_lookup(err);

	return e ? e->hint : strerror(err);
}

/* The exit status of a failure with errno @err. */
int exit_status(int err)
{
	switch (err) {
	case 0:
		return SC_OK;
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return SC_NODEV;
	case ENOMEDIUM:
		return SC_NOCARD;
	case ETIMEDOUT:
		return SC_TIMEOUT;
	case EPROTO:
	case EMEDIUMTYPE:
		return SC_PROTO;
	case EOPNOTSUPP:
	case ENOTTY:
		return SC_NOTSUP;
	case EBUSY:
		return SC_BUSY;
	case EBADFD:
		return SC_STATE;
	default:
		return SC_OTHER;
	}
}

/*
 * Report a failed request @op (an ioctl name or "open") on the selected
 * reader; returns the exit status for @err.
 */
int fail(const char *op, int err)
{
	if (opt.machine)
		printf("error=%s errno=%d op=%s dev=%s\n", errno_name(err), err,
		       op, opt.dev);
	else
		fprintf(stderr, "scardctl: %s: %s: %s (%s)\n", opt.dev, op,
			errno_name(err), errno_hint(err));
	return exit_status(err);
}

int usage_hint(void)
{
	fputs("Try 'scardctl --help' or 'scardctl help COMMAND'.\n", stderr);
	return SC_USAGE;
}

/* Open @path; returns 0 or the exit status after reporting the failure. */
int open_reader(const char *path, int *fd)
{
	int flags = O_RDWR | O_CLOEXEC;

	if (opt.excl)
		flags |= O_EXCL;
	*fd = open(path, flags);
	if (*fd >= 0)
		return 0;
	return fail("open", errno);
}

int get_state(int fd, struct scard_state *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(fd, SCARD_IOC_GET_STATE, st) ? errno : 0;
}

/* The ATR of a powered card; @len is the buffer size in, the length out. */
int get_atr(int fd, unsigned char *atr, size_t *len)
{
	struct scard_attr attr = {
		.tag = SCARD_TAG_ATR_STRING,
		.len = *len,
		.data = (uintptr_t)atr,
	};

	if (ioctl(fd, SCARD_IOC_GET_ATTRIBUTE, &attr))
		return errno;
	*len = attr.len;
	return 0;
}

/* N of a /dev/scardN path (or of "scardN"), -1 if it has none. */
int reader_index(const char *path)
{
	const char *base = strrchr(path, '/');
	unsigned long n;

	base = base ? base + 1 : path;
	if (strncmp(base, "scard", 5) || !parse_uint(base + 5, 0xffff, &n))
		return -1;
	return n;
}

/* Read /sys/class/misc/<device name>/@attr without the final newline. */
int read_sysfs(const char *dev, const char *attr, char *buf, size_t size)
{
	const char *base = strrchr(dev, '/');
	char path[PATH_LEN * 2 + sizeof(SYSFS_MISC)];
	ssize_t n;
	int fd, err;

	base = base ? base + 1 : dev;
	snprintf(path, sizeof(path), "%s/%s/%s", SYSFS_MISC, base, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* A decimal or 0x-hexadecimal number up to @max, nothing else. */
bool parse_uint(const char *s, unsigned long max, unsigned long *val)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*val = v;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Hex bytes: pairs of hex digits, separated by nothing, blanks or colons.
 * Returns 0, -EINVAL (bad digit, odd number of digits) or -EMSGSIZE.
 */
int parse_hex(const char *s, unsigned char *buf, size_t size, size_t *len)
{
	int hi, lo;

	*len = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ':' || *s == '\n')
			s++;
		if (!*s)
			return 0;
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return -EINVAL;
		if (*len == size)
			return -EMSGSIZE;
		buf[(*len)++] = hi << 4 | lo;
		s += 2;
	}
}

void print_hex(const unsigned char *buf, size_t len, bool spaced)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%s%02X", spaced && i ? " " : "", buf[i]);
}

/* Bytes as ASCII, '.' for the unprintable ones. */
void print_ascii(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		putchar(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.');
}

/*
 * A string value of the machine output: bytes other than printable
 * ASCII, and '%', as %XX, so that a value never holds a blank.
 */
void print_enc(const char *s, size_t len)
{
	unsigned char c;
	size_t i;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c > 0x20 && c < 0x7f && c != '%')
			putchar(c);
		else
			printf("%%%02X", c);
	}
}

const char *state_name(unsigned int state)
{
	if (state >= ARRAY_SIZE(state_names))
		return "unknown";
	return state_names[state];
}

/* Machine name of a selected protocol. */
const char *protocol_name(unsigned int protocol)
{
	switch (protocol) {
	case SCARD_PROTO_T0:
		return "t0";
	case SCARD_PROTO_T1:
		return "t1";
	case SCARD_PROTO_RAW:
		return "raw";
	case SCARD_PROTO_UNDEFINED:
		return "none";
	default:
		return "other";
	}
}

/* Human name of a selected protocol. */
const char *protocol_label(unsigned int protocol)
{
	switch (protocol) {
	case SCARD_PROTO_T0:
		return "T=0";
	case SCARD_PROTO_T1:
		return "T=1";
	case SCARD_PROTO_RAW:
		return "raw";
	case SCARD_PROTO_UNDEFINED:
		return "none";
	default:
		return "other";
	}
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 0) {
		print_help(stdout);
		return SC_OK;
	}
	if (argc > 1)
		return usage_error("help: one command at a time");
	if (!strcmp(argv[0], "help")) {
		print_help(stdout);
		return SC_OK;
	}
	if (print_cmd_help(stdout, argv[0]))
		return usage_error("help: unknown command '%s'", argv[0]);
	return SC_OK;
}

static const struct option long_opts[] = {
	{ "reader", required_argument, NULL, 'r' },
	{ "device", required_argument, NULL, 'd' },
	{ "machine", no_argument, NULL, 'm' },
	{ "exclusive", no_argument, NULL, 'x' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "apdu", no_argument, NULL, LOPT_APDU },
	{ "nad", required_argument, NULL, LOPT_NAD },
	{ "no-connect", no_argument, NULL, LOPT_NO_CONNECT },
	{ "timeout", required_argument, NULL, LOPT_TIMEOUT },
	{ "foreground", no_argument, NULL, LOPT_FOREGROUND },
	{ "ldisc", required_argument, NULL, LOPT_LDISC },
	{ "pidfile", required_argument, NULL, LOPT_PIDFILE },
	{ NULL, 0, NULL, 0 }
};

static const char * const opt_names[] = {
	"--apdu", "--nad", "--no-connect", "--timeout", "--foreground",
	"--ldisc", "--pidfile",
};

/* Returns -1 to go on, an exit status to stop. */
static int parse_option(int c)
{
	unsigned long v;

	switch (c) {
	case 'r':
		if (!parse_uint(optarg, 0xffff, &v))
			return usage_error("-r: bad reader number '%s'", optarg);
		snprintf(opt.dev, sizeof(opt.dev), DEV_PREFIX "%lu", v);
		opt.dev_given = true;
		return -1;
	case 'd':
		if (strlen(optarg) >= sizeof(opt.dev))
			return usage_error("-d: path too long");
		strcpy(opt.dev, optarg);
		opt.dev_given = true;
		return -1;
	case 'm':
		opt.machine = true;
		return -1;
	case 'x':
		opt.excl = true;
		return -1;
	case 'h':
		print_help(stdout);
		return SC_OK;
	case 'V':
		printf("scardctl " SCARDCTL_VERSION "\n");
		return SC_OK;
	case LOPT_APDU:
		opt.apdu = true;
		opt.given |= OPT_APDU;
		return -1;
	case LOPT_NAD:
		if (!parse_uint(optarg, 0xff, &v))
			return usage_error("--nad: bad node address '%s'",
					   optarg);
		opt.nad = v;
		opt.given |= OPT_NAD;
		return -1;
	case LOPT_NO_CONNECT:
		opt.no_connect = true;
		opt.given |= OPT_NO_CONNECT;
		return -1;
	case LOPT_TIMEOUT:
		if (!parse_uint(optarg, 86400, &v))
			return usage_error("--timeout: bad number of seconds '%s'",
					   optarg);
		opt.timeout = v;
		opt.given |= OPT_TIMEOUT;
		return -1;
	case LOPT_FOREGROUND:
		opt.foreground = true;
		opt.given |= OPT_FOREGROUND;
		return -1;
	case LOPT_LDISC:
		if (!parse_uint(optarg, LDISC_MAX, &v) || !v)
			return usage_error("--ldisc: bad line discipline number '%s'",
					   optarg);
		opt.ldisc = v;
		opt.given |= OPT_LDISC;
		return -1;
	case LOPT_PIDFILE:
		if (!*optarg)
			return usage_error("--pidfile: empty file name");
		opt.pidfile = optarg;
		opt.given |= OPT_PIDFILE;
		return -1;
	default:
		return usage_error("bad option");
	}
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	unsigned int bad;
	size_t i;
	int c, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:d:mxhV", long_opts,
				NULL)) != -1) {
		if (c == '?' && optopt)
			return usage_error("unknown option '-%c'", optopt);
		if (c == '?' || c == ':')
			return usage_error("%s option '%s'",
					   c == ':' ? "missing argument of" :
					   "unknown", argv[optind - 1]);
		ret = parse_option(c);
		if (ret >= 0)
			return ret;
	}

	if (optind >= argc) {
		print_usage(stderr);
		return SC_USAGE;
	}
	if (!strcmp(argv[optind], "help"))
		return cmd_help(argc - optind - 1, argv + optind + 1);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return usage_error("unknown command '%s'", argv[optind]);

	bad = opt.given & ~cmd->opts;
	for (i = 0; i < ARRAY_SIZE(opt_names); i++)
		if (bad & (1U << i))
			return usage_error("%s: option %s does not apply",
					   cmd->name, opt_names[i]);

	return cmd->run(argc - optind - 1, argv + optind + 1);
}
