// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: command line.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

static const char usage_text[] =
"usage: scard-emu [OPTIONS]       run the card(s) behind /dev/scard_vhci\n"
"       scard-emu --selftest      check the card logic, no kernel needed\n"
"\n"
"Reader:\n"
"  --level apdu|tpdu|char   what the reader exchanges (default apdu)\n"
"  --reader-protocols t0|t1|both  protocols of the reader (default both)\n"
"  --reader-index I         first vhci reader index (default 0)\n"
"  --readers N              number of readers, one card each (default 1)\n"
"  --name NAME              reader type name\n"
"  --max-ifsd N             largest IFSD of the reader (1..254)\n"
"  --mechanical LIST        eject,swallow,confiscate\n"
"Card:\n"
"  --protocol t0|t1|both    protocols of the default ATR (default t1)\n"
"  --atr HEX                the ATR (overrides the default one)\n"
"  --warm-atr HEX           the ATR after a warm reset\n"
"  --ta1 HEX --ifsc N --bwi N --cwi N --crc --specific\n"
"                           parameters of the default ATR\n"
"  --pin TEXT --puk TEXT    PIN (default 1234) and PUK (default 12345678)\n"
"  --no-card                start without a card\n"
"  --script FILE            APDU -> response table (\"HEX HEX\" lines)\n"
"  --script-only            6D00 for commands not in the script\n"
"Protocol behaviour and faults:\n"
"  --t0-ack ins|single|mixed  T=0 character level ACKs (default ins)\n"
"  --refuse-pps[=default|silent|bad]  PPS answer without PPS1 (default),\n"
"                           none, or with a wrong PCK\n"
"  --card-ifs N             T=1: the card asks for IFSC N once per session\n"
"  --mute                   no answer to transfers\n"
"  --mute-atr               no answer to resets either\n"
"  --hang                   never answer transfers (the kernel times out)\n"
"  --slow MS                answer MS late (T=1: WTX first; T=0 character\n"
"                           level: NULL bytes every --null-interval MS)\n"
"  --null-interval MS       default 100\n"
"  --corrupt-edc N          bad EDC in every Nth T=1 block\n"
"  --wrong-length[=N]       T=1: LEN off by one; T=0: an extra byte\n"
"  --remove-after N         remove the card after N commands\n"
"Events and program:\n"
"  --events                 read commands from stdin: insert [I],\n"
"                           remove [I], toggle [I], mute [I] (as\n"
"                           --mute), unmute [I], status, quit\n"
"  --toggle MS              remove / insert the cards every MS\n"
"  --once                   exit when a card is removed\n"
"  --ready-file PATH        write the /dev/scardN names there when ready\n"
"  -v, --verbose            log every exchange to stderr\n"
"  --version, --help\n";

enum {
	OPT_LEVEL = 256, OPT_PROTOCOL, OPT_READER_PROTOCOLS, OPT_READER_INDEX,
	OPT_READERS, OPT_NAME, OPT_MAX_IFSD, OPT_MECHANICAL, OPT_ATR,
	OPT_WARM_ATR, OPT_TA1, OPT_IFSC, OPT_BWI, OPT_CWI, OPT_CRC,
	OPT_SPECIFIC, OPT_PIN, OPT_PUK, OPT_NO_CARD, OPT_SCRIPT,
	OPT_SCRIPT_ONLY, OPT_T0_ACK, OPT_REFUSE_PPS, OPT_CARD_IFS, OPT_MUTE,
	OPT_MUTE_ATR, OPT_HANG, OPT_SLOW, OPT_NULL_INTERVAL, OPT_CORRUPT_EDC,
	OPT_WRONG_LENGTH, OPT_REMOVE_AFTER, OPT_EVENTS, OPT_TOGGLE, OPT_ONCE,
	OPT_READY_FILE, OPT_SELFTEST, OPT_VERSION, OPT_HELP,
};

static const struct option options[] = {
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ "reader-protocols", required_argument, NULL, OPT_READER_PROTOCOLS },
	{ "reader-index", required_argument, NULL, OPT_READER_INDEX },
	{ "readers", required_argument, NULL, OPT_READERS },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "max-ifsd", required_argument, NULL, OPT_MAX_IFSD },
	{ "mechanical", required_argument, NULL, OPT_MECHANICAL },
	{ "atr", required_argument, NULL, OPT_ATR },
	{ "warm-atr", required_argument, NULL, OPT_WARM_ATR },
	{ "ta1", required_argument, NULL, OPT_TA1 },
	{ "ifsc", required_argument, NULL, OPT_IFSC },
	{ "bwi", required_argument, NULL, OPT_BWI },
	{ "cwi", required_argument, NULL, OPT_CWI },
	{ "crc", no_argument, NULL, OPT_CRC },
	{ "specific", no_argument, NULL, OPT_SPECIFIC },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "puk", required_argument, NULL, OPT_PUK },
	{ "no-card", no_argument, NULL, OPT_NO_CARD },
	{ "script", required_argument, NULL, OPT_SCRIPT },
	{ "script-only", no_argument, NULL, OPT_SCRIPT_ONLY },
	{ "t0-ack", required_argument, NULL, OPT_T0_ACK },
	{ "refuse-pps", optional_argument, NULL, OPT_REFUSE_PPS },
	{ "card-ifs", required_argument, NULL, OPT_CARD_IFS },
	{ "mute", no_argument, NULL, OPT_MUTE },
	{ "mute-atr", no_argument, NULL, OPT_MUTE_ATR },
	{ "hang", no_argument, NULL, OPT_HANG },
	{ "slow", required_argument, NULL, OPT_SLOW },
	{ "null-interval", required_argument, NULL, OPT_NULL_INTERVAL },
	{ "corrupt-edc", required_argument, NULL, OPT_CORRUPT_EDC },
	{ "wrong-length", optional_argument, NULL, OPT_WRONG_LENGTH },
	{ "remove-after", required_argument, NULL, OPT_REMOVE_AFTER },
	{ "events", no_argument, NULL, OPT_EVENTS },
	{ "toggle", required_argument, NULL, OPT_TOGGLE },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "ready-file", required_argument, NULL, OPT_READY_FILE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "selftest", no_argument, NULL, OPT_SELFTEST },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void die_option(const char *opt, const char *arg)
{
	emu_warn("bad value \"%s\" for --%s (see --help)", arg ? arg : "",
		 opt);
	exit(2);
}

static u32 number(const char *opt, const char *arg, u32 min, u32 max)
{
	unsigned long v;
	char *end;

	v = strtoul(arg, &end, 0);
	if (!*arg || *end || v < min || v > max)
		die_option(opt, arg);
	return v;
}

static u32 protocols(const char *opt, const char *arg)
{
	if (!strcmp(arg, "t0"))
		return SCARD_PROTO_T0;
	if (!strcmp(arg, "t1"))
		return SCARD_PROTO_T1;
	if (!strcmp(arg, "both"))
		return SCARD_PROTO_TX;
	die_option(opt, arg);
	return 0;
}

static size_t atr_arg(const char *opt, const char *arg, u8 *atr)
{
	size_t len;

	if (hex_parse(arg, atr, SCARD_ATR_MAX, &len) || len < 2)
		die_option(opt, arg);
	return len;
}

static size_t secret(const char *opt, const char *arg, u8 *out)
{
	size_t len = strlen(arg);

	if (len < 4 || len > 8)
		die_option(opt, arg);
	memcpy(out, arg, len);
	return len;
}

static u32 mechanical(const char *arg)
{
	char *copy = strdup(arg ? arg : ""), *tok, *save = NULL;
	u32 m = 0;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "eject"))
			m |= SCARD_READER_EJECTS;
		else if (!strcmp(tok, "swallow"))
			m |= SCARD_READER_SWALLOWS;
		else if (!strcmp(tok, "confiscate"))
			m |= SCARD_READER_CONFISCATES;
		else
			die_option("mechanical", arg);
	}
	free(copy);
	return m;
}

static void option(struct emu_config *cfg, struct atr_params *ap, int opt,
		   const char *name, const char *arg)
{
	switch (opt) {
	case OPT_LEVEL:
		if (!strcmp(arg, "apdu"))
			cfg->level = SCARD_VHCI_LEVEL_APDU;
		else if (!strcmp(arg, "tpdu"))
			cfg->level = SCARD_VHCI_LEVEL_TPDU;
		else if (!strcmp(arg, "char"))
			cfg->level = SCARD_VHCI_LEVEL_CHAR;
		else
			die_option(name, arg);
		break;
	case OPT_PROTOCOL:
		ap->protocols = protocols(name, arg);
		break;
	case OPT_READER_PROTOCOLS:
		cfg->reader_protocols = protocols(name, arg);
		break;
	case OPT_READER_INDEX:
		cfg->reader_index = number(name, arg, 0,
					   SCARD_VHCI_MAX_READERS - 1);
		break;
	case OPT_READERS:
		cfg->readers = number(name, arg, 1, SCARD_VHCI_MAX_READERS);
		break;
	case OPT_NAME:
		cfg->name = arg;
		break;
	case OPT_MAX_IFSD:
		cfg->max_ifsd = number(name, arg, 1, T1_IFS_MAX);
		break;
	case OPT_MECHANICAL:
		cfg->mechanical = mechanical(arg);
		break;
	case OPT_ATR:
		cfg->atr_len = atr_arg(name, arg, cfg->atr);
		break;
	case OPT_WARM_ATR:
		cfg->warm_atr_len = atr_arg(name, arg, cfg->warm_atr);
		break;
	case OPT_TA1:
		ap->ta1 = number(name, arg, 0, 255);
		break;
	case OPT_IFSC:
		ap->ifsc = number(name, arg, 1, T1_IFS_MAX);
		break;
	case OPT_BWI:
		ap->bwi = number(name, arg, 0, 9);
		break;
	case OPT_CWI:
		ap->cwi = number(name, arg, 0, 15);
		break;
	case OPT_CRC:
		ap->crc = true;
		break;
	case OPT_SPECIFIC:
		ap->specific = true;
		break;
	case OPT_PIN:
		cfg->pin_len = secret(name, arg, cfg->pin);
		break;
	case OPT_PUK:
		cfg->puk_len = secret(name, arg, cfg->puk);
		break;
	case OPT_NO_CARD:
		cfg->no_card = true;
		break;
	case OPT_SCRIPT:
		script_free(cfg->script);
		cfg->script = script_load(arg);
		if (!cfg->script)
			exit(2);
		break;
	case OPT_SCRIPT_ONLY:
		cfg->script_only = true;
		break;
	case OPT_T0_ACK:
		if (!strcmp(arg, "ins"))
			cfg->t0_ack = T0_ACK_INS;
		else if (!strcmp(arg, "single"))
			cfg->t0_ack = T0_ACK_SINGLE;
		else if (!strcmp(arg, "mixed"))
			cfg->t0_ack = T0_ACK_MIXED;
		else
			die_option(name, arg);
		break;
	case OPT_REFUSE_PPS:
		if (!arg || !strcmp(arg, "default"))
			cfg->pps_mode = PPS_DEFAULT;
		else if (!strcmp(arg, "silent"))
			cfg->pps_mode = PPS_SILENT;
		else if (!strcmp(arg, "bad"))
			cfg->pps_mode = PPS_BAD;
		else
			die_option(name, arg);
		break;
	case OPT_CARD_IFS:
		cfg->card_ifs = number(name, arg, 1, T1_IFS_MAX);
		break;
	case OPT_MUTE:
		cfg->mute = true;
		break;
	case OPT_MUTE_ATR:
		cfg->mute = true;
		cfg->mute_atr = true;
		break;
	case OPT_HANG:
		cfg->hang = true;
		break;
	case OPT_SLOW:
		cfg->slow_ms = number(name, arg, 0, 600000);
		break;
	case OPT_NULL_INTERVAL:
		cfg->null_ms = number(name, arg, 1, 60000);
		break;
	case OPT_CORRUPT_EDC:
		cfg->corrupt_edc = number(name, arg, 1, 1000000);
		break;
	case OPT_WRONG_LENGTH:
		cfg->wrong_length = arg ? number(name, arg, 1, 1000000) : 1;
		break;
	case OPT_REMOVE_AFTER:
		cfg->remove_after = number(name, arg, 1, 1000000000);
		break;
	case OPT_EVENTS:
		cfg->events = true;
		break;
	case OPT_TOGGLE:
		cfg->toggle_ms = number(name, arg, 1, 86400000);
		break;
	case OPT_ONCE:
		cfg->once = true;
		break;
	case OPT_READY_FILE:
		cfg->ready_file = arg;
		break;
	case 'v':
		cfg->verbose = true;
		break;
	}
}

/* A faulty ATR is allowed (for tests), but said. */
static void check_atr(const char *opt, const u8 *atr, size_t len)
{
	struct atr_info ai;

	if (atr_parse(atr, len, &ai))
		emu_warn("--%s: the ATR is malformed", opt);
	else if (!ai.tck_ok)
		emu_warn("--%s: wrong or missing TCK, or extra bytes", opt);
}

/* The options every card starts from. */
void emu_config_defaults(struct emu_config *cfg, struct atr_params *ap)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->level = SCARD_VHCI_LEVEL_APDU;
	cfg->reader_protocols = SCARD_PROTO_TX;
	cfg->readers = 1;
	cfg->name = "scard-emu virtual reader";
	cfg->null_ms = 100;
	cfg->pin_len = secret("pin", "1234", cfg->pin);
	cfg->puk_len = secret("puk", "12345678", cfg->puk);
	atr_default_params(SCARD_PROTO_T1, ap);
}

int main(int argc, char **argv)
{
	struct emu_config cfg;
	struct atr_params ap;
	int opt, idx, ret;

	emu_config_defaults(&cfg, &ap);
	while ((opt = getopt_long(argc, argv, "v", options, &idx)) != -1) {
		switch (opt) {
		case OPT_SELFTEST:
			return selftest_run();
		case OPT_VERSION:
			printf("scard-emu %s\n", EMU_VERSION);
			return 0;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 0;
		case '?':
			fputs(usage_text, stderr);
			return 2;
		default:
			option(&cfg, &ap, opt, opt == 'v' ? "verbose" :
			       options[idx].name, optarg);
			break;
		}
	}
	if (optind < argc) {
		emu_warn("unexpected argument \"%s\"", argv[optind]);
		return 2;
	}
	if (cfg.reader_index + cfg.readers > SCARD_VHCI_MAX_READERS) {
		emu_warn("reader indexes go up to %d",
			 SCARD_VHCI_MAX_READERS - 1);
		return 2;
	}
	if (!cfg.atr_len)
		cfg.atr_len = atr_build(&ap, cfg.atr);
	check_atr("atr", cfg.atr, cfg.atr_len);
	if (cfg.warm_atr_len)
		check_atr("warm-atr", cfg.warm_atr, cfg.warm_atr_len);
	ret = vhci_run(&cfg);
	script_free(cfg.script);
	return ret;
}
