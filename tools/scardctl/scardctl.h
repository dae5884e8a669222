/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scardctl: command-line tool for the scard readers (/dev/scardN).
 * Declarations shared by the tool's source files.
 */
#ifndef SCARDCTL_H
#define SCARDCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/scard.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Exit status, by class of the error (see "EXIT STATUS" in the help). */
#define SC_OK			0
#define SC_USAGE		1
#define SC_NODEV		2
#define SC_NOCARD		3
#define SC_TIMEOUT		4
#define SC_PROTO		5
#define SC_NOTSUP		6
#define SC_BUSY			7
#define SC_STATE		8
#define SC_OTHER		9

/* Command options (the global ones are accepted by every command). */
#define OPT_APDU		0x01
#define OPT_NAD			0x02
#define OPT_NO_CONNECT		0x04
#define OPT_TIMEOUT		0x08
#define OPT_FOREGROUND		0x10
#define OPT_LDISC		0x20
#define OPT_PIDFILE		0x40

#define DEV_PREFIX		"/dev/scard"
#define SYSFS_MISC		"/sys/class/misc"
#define PATH_LEN		64

/**
 * struct options - the command line options
 * @dev: the reader's device node
 * @dev_given: -r or -d was given
 * @machine: machine-readable output
 * @excl: open the reader with O_EXCL
 * @apdu: transmit: SCARD_TRANSMIT_APDU
 * @nad: transmit: T=1 node address
 * @no_connect: transmit: no automatic reset and protocol selection
 * @timeout: monitor: seconds, negative if none
 * @foreground: attach: hold the tty without going to the background
 * @ldisc: attach: line discipline number, negative if none
 * @pidfile: attach: pid file of the holder, NULL if none
 * @given: OPT_* of the command options that were given
 */
struct options {
	char dev[PATH_LEN];
	bool dev_given;
	bool machine;
	bool excl;
	bool apdu;
	unsigned int nad;
	bool no_connect;
	long timeout;
	bool foreground;
	long ldisc;
	const char *pidfile;
	unsigned int given;
};

extern struct options opt;

/**
 * struct cmd_help - help text of a command
 * @name: command name
 * @synopsis: arguments
 * @summary: one line
 * @desc: description, lines ending in '\n'
 * @machine: the records of --machine output, lines ending in '\n'
 * @example: example lines ending in '\n', NULL if none
 */
struct cmd_help {
	const char *name;
	const char *synopsis;
	const char *summary;
	const char *desc;
	const char *machine;
	const char *example;
};

/* scardctl.c: common helpers */
int fail(const char *op, int err);
int usage_hint(void);
/* A usage error: the message, a hint, and the exit status SC_USAGE. */
#define usage_error(fmt, ...) \
	(fprintf(stderr, "scardctl: " fmt "\n", ##__VA_ARGS__), usage_hint())
int exit_status(int err);
const char *errno_name(int err);
const char *errno_hint(int err);
int open_reader(const char *path, int *fd);
int get_state(int fd, struct scard_state *st);
int get_atr(int fd, unsigned char *atr, size_t *len);
int reader_index(const char *path);
bool parse_uint(const char *s, unsigned long max, unsigned long *val);
int parse_hex(const char *s, unsigned char *buf, size_t size, size_t *len);
void print_hex(const unsigned char *buf, size_t len, bool spaced);
void print_enc(const char *s, size_t len);
void print_ascii(const unsigned char *buf, size_t len);
const char *state_name(unsigned int state);
const char *protocol_name(unsigned int protocol);
const char *protocol_label(unsigned int protocol);
int read_sysfs(const char *dev, const char *attr, char *buf, size_t size);

/* attr.c */
int cmd_attr(int argc, char **argv);

/* attach.c */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);

/* atr.c */
int cmd_power(int argc, char **argv);
int cmd_atr(int argc, char **argv);
int print_atr_decoded(const unsigned char *atr, size_t len);

/* card.c */
int cmd_status(int argc, char **argv);
int cmd_protocol(int argc, char **argv);
int cmd_transmit(int argc, char **argv);
int cmd_sw(int argc, char **argv);
int cmd_wait(int argc, char **argv);

/* feature.c */
int cmd_features(int argc, char **argv);

/* reader.c */
int cmd_list(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_vendor(int argc, char **argv);
int cmd_eject(int argc, char **argv);
int cmd_swallow(int argc, char **argv);
int cmd_confiscate(int argc, char **argv);
int cmd_perf(int argc, char **argv);
int cmd_last_error(int argc, char **argv);
int scan_readers(char paths[][PATH_LEN], int max);

/* help.c */
extern const struct cmd_help cmd_helps[];
extern const size_t cmd_helps_count;
void print_help(FILE *f);
int print_cmd_help(FILE *f, const char *name);
void print_usage(FILE *f);

#endif /* SCARDCTL_H */
