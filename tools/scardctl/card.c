// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl commands on the card: status, protocol, transmit (with the
 * meaning of the status words), sw and wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scardctl.h"

#define WAIT_MAX_S		86400

/**
 * struct sw_def - meaning of status words
 * @sw: SW1SW2, under @mask
 * @mask: the bits of @sw that must match
 * @cls: "ok", "info", "warning" or "error"
 * @text: meaning; a %u gets the bits outside @mask (0 as 256 for 61xx and
 *	6Cxx)
 */
static const struct sw_def {
	unsigned int sw, mask;
	const char *cls;
	const char *text;
} sw_defs[] = {
	{ 0x9000, 0xffff, "ok", "OK, normal processing" },
	{ 0x6100, 0xff00, "info", "%u more response bytes (GET RESPONSE)" },
	{ 0x6281, 0xffff, "warning", "part of the returned data may be corrupted" },
	{ 0x6282, 0xffff, "warning", "end of file or record reached before Ne bytes" },
	{ 0x6283, 0xffff, "warning", "selected file deactivated" },
	{ 0x6284, 0xffff, "warning", "file control information not formatted" },
	{ 0x6285, 0xffff, "warning", "selected file in termination state" },
	{ 0x6200, 0xff00, "warning", "warning, non-volatile memory unchanged" },
	{ 0x63c0, 0xfff0, "warning", "verification failed, %u retries left" },
	{ 0x6381, 0xffff, "warning", "file filled up by the last write" },
	{ 0x6300, 0xff00, "warning", "warning, non-volatile memory changed" },
	{ 0x6400, 0xff00, "error", "execution error, non-volatile memory unchanged" },
	{ 0x6581, 0xffff, "error", "memory failure" },
	{ 0x6500, 0xff00, "error", "execution error, non-volatile memory changed" },
	{ 0x6600, 0xff00, "error", "security-related issue" },
	{ 0x6700, 0xff00, "error", "wrong length" },
	{ 0x6881, 0xffff, "error", "logical channel not supported" },
	{ 0x6882, 0xffff, "error", "secure messaging not supported" },
	{ 0x6883, 0xffff, "error", "last command of the chain expected" },
	{ 0x6884, 0xffff, "error", "command chaining not supported" },
	{ 0x6800, 0xff00, "error", "function in CLA not supported" },
	{ 0x6981, 0xffff, "error", "command incompatible with file structure" },
	{ 0x6982, 0xffff, "error", "security status not satisfied" },
	{ 0x6983, 0xffff, "error", "authentication method blocked" },
	{ 0x6984, 0xffff, "error", "reference data not usable" },
	{ 0x6985, 0xffff, "error", "conditions of use not satisfied" },
	{ 0x6986, 0xffff, "error", "command not allowed (no current EF)" },
	{ 0x6987, 0xffff, "error", "secure messaging data objects missing" },
	{ 0x6988, 0xffff, "error", "incorrect secure messaging data objects" },
	{ 0x6900, 0xff00, "error", "command not allowed" },
	{ 0x6a80, 0xffff, "error", "incorrect parameters in the data field" },
	{ 0x6a81, 0xffff, "error", "function not supported" },
	{ 0x6a82, 0xffff, "error", "file or application not found" },
	{ 0x6a83, 0xffff, "error", "record not found" },
	{ 0x6a84, 0xffff, "error", "not enough memory space in the file" },
	{ 0x6a85, 0xffff, "error", "Nc inconsistent with TLV structure" },
	{ 0x6a86, 0xffff, "error", "incorrect parameters P1-P2" },
	{ 0x6a87, 0xffff, "error", "Nc inconsistent with P1-P2" },
	{ 0x6a88, 0xffff, "error", "referenced data not found" },
	{ 0x6a89, 0xffff, "error", "file already exists" },
	{ 0x6a8a, 0xffff, "error", "DF name already exists" },
	{ 0x6a00, 0xff00, "error", "wrong parameters P1-P2" },
	{ 0x6b00, 0xff00, "error", "wrong parameters P1-P2" },
	{ 0x6c00, 0xff00, "error", "wrong Le field, exact length %u" },
	{ 0x6d00, 0xff00, "error", "instruction code not supported or invalid" },
	{ 0x6e00, 0xff00, "error", "class not supported" },
	{ 0x6f00, 0xff00, "error", "no precise diagnosis" },
	{ 0x9000, 0xf000, "info", "proprietary status" },
};

/* The meaning of @sw in @buf; returns its class. */
static const char *sw_explain(unsigned int sw, char *buf, size_t size)
{
	const struct sw_def *d;
	unsigned int arg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sw_defs); i++) {
		d = &sw_defs[i];
		if ((sw & d->mask) != d->sw)
			continue;
		arg = sw & ~d->mask & 0xffff;
		if (!arg && (d->sw == 0x6100 || d->sw == 0x6c00))
			arg = 256;
		snprintf(buf, size, d->text, arg);
		return d->cls;
	}
	snprintf(buf, size, "unknown status");
	return "error";
}

static void print_sw(unsigned int sw)
{
	const char *cls;
	char text[80];

	cls = sw_explain(sw, text, sizeof(text));
	if (opt.machine) {
		printf("sw=%04X status=%s meaning=", sw, cls);
		print_enc(text, strlen(text));
	} else {
		printf("SW %02X %02X: %s: %s", sw >> 8, sw & 0xff, cls, text);
	}
}

int cmd_sw(int argc, char **argv)
{
	unsigned char b[2];
	size_t len;

	if (argc != 1 || parse_hex(argv[0], b, sizeof(b), &len) || len != 2)
		return usage_error("sw: SW1SW2 in hex expected");
	print_sw(b[0] << 8 | b[1]);
	printf("\n");
	return SC_OK;
}

int cmd_status(int argc, char **argv)
{
	unsigned char atr[SCARD_ATR_MAX];
	size_t atr_len = sizeof(atr);
	struct scard_state st;
	char name[128];
	int fd, err, ret;

	(void)argv;
	if (argc)
		return usage_error("status: no arguments expected");
	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	err = get_state(fd, &st);
	if (err) {
		ret = fail("GET_STATE", err);
		close(fd);
		return ret;
	}
	if (st.state < SCARD_CARD_POWERED || get_atr(fd, atr, &atr_len))
		atr_len = 0;
	close(fd);
	if (read_sysfs(opt.dev, "reader_name", name, sizeof(name)))
		name[0] = '\0';

	if (opt.machine) {
		printf("dev=%s state=%s state_code=%u protocol=%s events=%llu",
		       opt.dev, state_name(st.state), st.state,
		       protocol_name(st.protocol),
		       (unsigned long long)st.events);
		if (atr_len) {
			printf(" atr=");
			print_hex(atr, atr_len, false);
		}
		printf("\n");
		return SC_OK;
	}

	printf("%s: %s\n", opt.dev, name[0] ? name : "(no name)");
	printf("  state:    %s\n", state_name(st.state));
	printf("  protocol: %s\n", protocol_label(st.protocol));
	printf("  events:   %llu\n", (unsigned long long)st.events);
	if (atr_len) {
		printf("  ATR:      ");
		print_hex(atr, atr_len, true);
		printf("\n");
	}
	return SC_OK;
}

/* "t0", "t1", "raw" joined by commas, and "default"; 0 if bad. */
static unsigned int parse_mask(int argc, char **argv)
{
	unsigned int mask = 0, bit;
	char buf[32], *tok, *save;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "default")) {
			mask |= SCARD_PROTO_DEFAULT;
			continue;
		}
		if (strlen(argv[i]) >= sizeof(buf))
			return 0;
		strcpy(buf, argv[i]);
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!strcasecmp(tok, "t0"))
				bit = SCARD_PROTO_T0;
			else if (!strcasecmp(tok, "t1"))
				bit = SCARD_PROTO_T1;
			else if (!strcasecmp(tok, "raw"))
				bit = SCARD_PROTO_RAW;
			else
				return 0;
			mask |= bit;
		}
	}
	if (!(mask & ~SCARD_PROTO_DEFAULT))
		mask |= SCARD_PROTO_TX;
	return mask;
}

int cmd_protocol(int argc, char **argv)
{
	struct scard_protocol proto = { 0 };
	int fd, ret;

	proto.mask = parse_mask(argc, argv);
	if (!proto.mask || argc > 2)
		return usage_error("protocol: [t0|t1|t0,t1|raw] [default] expected");

	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	if (ioctl(fd, SCARD_IOC_SET_PROTOCOL, &proto)) {
		ret = fail("SET_PROTOCOL", errno);
		close(fd);
		return ret;
	}
	close(fd);
	if (opt.machine)
		printf("protocol=%s\n", protocol_name(proto.selected));
	else
		printf("%s: protocol %s selected\n", opt.dev,
		       protocol_label(proto.selected));
	return SC_OK;
}

/*
 * Bring the card to SPECIFIC: a cold reset if it is not reset yet, then
 * SET_PROTOCOL with T=0 and T=1 (the library prefers T=1); if the card
 * fails PPS, another cold reset and the default parameters. Returns 0 or
 * the exit status; *@protocol is the protocol to transmit with.
 */
static int connect_card(int fd, unsigned int *protocol)
{
	struct scard_protocol proto = { .mask = SCARD_PROTO_TX };
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };
	struct scard_state st;
	bool reset = false;
	int err;

	err = get_state(fd, &st);
	if (err)
		return fail("GET_STATE", err);
	*protocol = st.protocol;
	if (opt.no_connect || st.state >= SCARD_CARD_SPECIFIC) {
		if (*protocol == SCARD_PROTO_UNDEFINED)
			*protocol = SCARD_PROTO_T1;
		return 0;
	}

	if (st.state < SCARD_CARD_NEGOTIABLE) {
		if (ioctl(fd, SCARD_IOC_POWER, &pw))
			return fail("POWER", errno);
		reset = true;
		err = get_state(fd, &st);
		if (err)
			return fail("GET_STATE", err);
	}
	if (st.state < SCARD_CARD_SPECIFIC) {
		err = ioctl(fd, SCARD_IOC_SET_PROTOCOL, &proto) ? errno : 0;
		/*
		 * A card that failed PPS waits for a reset, which the
		 * library leaves to us: reset, then the default parameters.
		 */
		if (err == EPROTO) {
			if (ioctl(fd, SCARD_IOC_POWER, &pw))
				return fail("POWER", errno);
			reset = true;
			proto.mask |= SCARD_PROTO_DEFAULT;
			err = ioctl(fd, SCARD_IOC_SET_PROTOCOL, &proto) ?
				errno : 0;
		}
		if (err)
			return fail("SET_PROTOCOL", err);
		st.protocol = proto.selected;
	}
	*protocol = st.protocol;

	if (pw.atr_len > SCARD_ATR_MAX)
		pw.atr_len = SCARD_ATR_MAX;
	if (opt.machine) {
		printf("connect=%s", reset ? "cold" : "none");
		if (reset) {
			printf(" atr=");
			print_hex(pw.atr, pw.atr_len, false);
		}
		printf(" protocol=%s\n", protocol_name(*protocol));
	} else {
		printf("connecting %s:", opt.dev);
		if (reset) {
			printf(" cold reset, ATR ");
			print_hex(pw.atr, pw.atr_len, true);
			printf(";");
		}
		printf(" protocol %s\n", protocol_label(*protocol));
	}
	return 0;
}

/* One command APDU; returns 0 or the exit status. */
static int transmit_one(int fd, unsigned int protocol, unsigned int n,
			const unsigned char *cmd, size_t len,
			unsigned char *resp)
{
	struct scard_transmit xfer = {
		.protocol = protocol,
		.flags = opt.apdu ? SCARD_TRANSMIT_APDU : 0,
		.send_buf = (uintptr_t)cmd,
		.recv_buf = (uintptr_t)resp,
		.send_len = len,
		.recv_len = SCARD_MAX_RECV,
		.nad = opt.nad,
	};
	size_t rlen, dlen;

	if (ioctl(fd, SCARD_IOC_TRANSMIT, &xfer))
		return fail("TRANSMIT", errno);
	rlen = xfer.recv_len < SCARD_MAX_RECV ? xfer.recv_len : SCARD_MAX_RECV;
	dlen = rlen >= 2 ? rlen - 2 : rlen;

	if (opt.machine) {
		printf("apdu=%u command=", n);
		print_hex(cmd, len, false);
		printf(" response=");
		print_hex(resp, rlen, false);
		printf(" data=");
		print_hex(resp, dlen, false);
		if (opt.given & OPT_NAD)
			printf(" nad=%u", xfer.nad);
		if (rlen >= 2) {
			printf(" ");
			print_sw(resp[rlen - 2] << 8 | resp[rlen - 1]);
		} else {
			printf(" sw=none");
		}
		printf("\n");
		return 0;
	}

	printf("> ");
	print_hex(cmd, len, true);
	printf("\n< ");
	print_hex(resp, rlen, true);
	if (opt.given & OPT_NAD)
		printf("  (NAD 0x%02x)", xfer.nad);
	printf("\n");
	printf("  ");
	if (rlen >= 2)
		print_sw(resp[rlen - 2] << 8 | resp[rlen - 1]);
	else
		printf("no status word");
	printf("\n");
	return 0;
}

int cmd_transmit(int argc, char **argv)
{
	unsigned char *cmd, *resp;
	unsigned int protocol = 0;
	size_t len;
	int i, err, fd, ret;

	if (!argc)
		return usage_error("transmit: at least one APDU expected");
	cmd = malloc(SCARD_MAX_SEND);
	resp = malloc(SCARD_MAX_RECV);
	if (!cmd || !resp) {
		free(cmd);
		free(resp);
		return fail("malloc", ENOMEM);
	}

	for (i = 0; i < argc; i++) {
		err = parse_hex(argv[i], cmd, SCARD_MAX_SEND, &len);
		if (err || !len) {
			ret = usage_error("transmit: bad APDU '%s'%s", argv[i],
					  err == -EMSGSIZE ? " (too long)" : "");
			goto out;
		}
	}

	ret = open_reader(opt.dev, &fd);
	if (ret)
		goto out;
	ret = connect_card(fd, &protocol);
	for (i = 0; i < argc && !ret; i++) {
		parse_hex(argv[i], cmd, SCARD_MAX_SEND, &len);
		ret = transmit_one(fd, protocol, i + 1, cmd, len, resp);
	}
	close(fd);
out:
	free(cmd);
	free(resp);
	return ret;
}

/*
 * SIGALRM interrupts the wait (no SA_RESTART: the ioctl fails with EINTR).
 * In case it came before the ioctl went to sleep, it comes again.
 */
static void on_alarm(int sig)
{
	(void)sig;
	alarm(1);
}

static void print_wait(const char *what, const char *result,
		       const struct scard_state *st)
{
	if (opt.machine) {
		printf("wait=%s result=%s state=%s events=%llu\n", what, result,
		       state_name(st->state), (unsigned long long)st->events);
		return;
	}
	printf("%s: card %s%s (state %s, events %llu)\n", opt.dev,
	       !strcmp(result, "already") ? "already " : "",
	       !strcmp(what, "insert") ? (strcmp(result, "already") ?
					  "inserted" : "present") :
	       (strcmp(result, "already") ? "removed" : "absent"),
	       state_name(st->state), (unsigned long long)st->events);
}

int cmd_wait(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned long timeout = 0;
	struct scard_state st;
	unsigned long req;
	bool insert, present;
	int fd, err, ret;

	if (argc < 1 || argc > 2 ||
	    (strcmp(argv[0], "insert") && strcmp(argv[0], "remove")))
		return usage_error("wait: insert|remove [TIMEOUT_S] expected");
	insert = !strcmp(argv[0], "insert");
	if (argc == 2 && (!parse_uint(argv[1], WAIT_MAX_S, &timeout) ||
			  !timeout))
		return usage_error("wait: bad timeout '%s'", argv[1]);
	req = insert ? SCARD_IOC_IS_PRESENT : SCARD_IOC_IS_ABSENT;

	ret = open_reader(opt.dev, &fd);
	if (ret)
		return ret;
	err = get_state(fd, &st);
	if (err) {
		ret = fail("GET_STATE", err);
		goto out;
	}
	present = st.state > SCARD_CARD_ABSENT;
	if (st.state != SCARD_CARD_UNKNOWN && present == insert) {
		print_wait(argv[0], "already", &st);
		goto out;
	}

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	if (timeout)
		alarm(timeout);
	err = ioctl(fd, req) ? errno : 0;
	alarm(0);
	if (err == EINTR) {
		if (opt.machine)
			printf("wait=%s result=timeout timeout=%lu\n", argv[0],
			       timeout);
		else
			fprintf(stderr, "scardctl: %s: timeout: no card %s within %lu s\n",
				opt.dev, insert ? "insertion" : "removal",
				timeout);
		ret = SC_TIMEOUT;
		goto out;
	}
	if (err) {
		ret = fail(insert ? "IS_PRESENT" : "IS_ABSENT", err);
		goto out;
	}
	err = get_state(fd, &st);
	if (err) {
		ret = fail("GET_STATE", err);
		goto out;
	}
	print_wait(argv[0], "done", &st);
out:
	close(fd);
	return ret;
}
