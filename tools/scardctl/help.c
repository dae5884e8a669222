// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl help: the manual, man-page style. "scardctl --help" prints all
 * of it, "scardctl help COMMAND" the page of one command.
 */
#include <stdio.h>
#include <string.h>

#include "scardctl.h"

#define IND_SECTION		7
#define IND_COMMAND		14

const struct cmd_help cmd_helps[] = {
	{
		.name = "list",
		.synopsis = "list",
		.summary = "list the readers",
		.desc =
		"Every /dev/scardN with its state, selected protocol, event\n"
		"counter and reader name (/sys/class/misc/scardN/reader_name).\n"
		"-r and -d do not apply. A reader held with O_EXCL by another\n"
		"process is shown from sysfs. No reader at all: exit status 2.\n",
		.machine =
		"reader=N dev=PATH name=STR state=STATE protocol=PROTO events=N\n",
		.example = "scardctl list\n",
	},
	{
		.name = "status",
		.synopsis = "status",
		.summary = "state, protocol, events and ATR of a reader",
		.desc =
		"GET_STATE: the card state (unknown, absent, present, swallowed,\n"
		"powered, negotiable, specific), the selected protocol and the\n"
		"reader's insertion/removal counter; the ATR when the card is\n"
		"powered.\n",
		.machine =
		"dev=PATH state=STATE state_code=N protocol=PROTO events=N\n"
		"[atr=HEX]\n",
		.example = "scardctl -r 1 status\n",
	},
	{
		.name = "attr",
		.synopsis = "attr [NAME|TAG...]",
		.summary = "read reader and card attributes",
		.desc =
		"GET_ATTRIBUTE for every known tag, or for the given ones. NAME is\n"
		"a tag name of the table, with or without SCARD_TAG_, in any\n"
		"case (vendor_name, CURRENT_F, ...); TAG is a number (0x00010100).\n"
		"Values are shown by type: u32, u8, string or bytes (hex). A tag\n"
		"that fails shows its errno, e.g. EBADFD (needs a reset card) or\n"
		"EOPNOTSUPP (not supported). Without arguments the exit status\n"
		"ignores EOPNOTSUPP, EBADFD and EMEDIUMTYPE; with arguments it is\n"
		"that of the first failing tag.\n",
		.machine =
		"attr=NAME tag=0xTTTTTTTT type=TYPE len=N value=VALUE\n"
		"attr=NAME tag=0xTTTTTTTT type=TYPE error=ENAME errno=N\n"
		"VALUE: decimal for u32 and u8, STR for strings, HEX for bytes.\n",
		.example = "scardctl attr\nscardctl -m attr VENDOR_NAME 0x00090303\n",
	},
	{
		.name = "power",
		.synopsis = "power cold|warm|down",
		.summary = "reset or power down the card, decode the ATR",
		.desc =
		"POWER with a cold reset, a warm reset or power down. After a\n"
		"reset the ATR is printed and decoded by scardctl itself: TS\n"
		"convention, T0 (Y1, K), TA1 (Fi, Di, fmax), TC1 (N), the\n"
		"protocols of the TDi, TA2 (specific mode), the T=1 parameters\n"
		"(IFSC, CWI, BWI, EDC), the historical bytes (hex and ASCII) and\n"
		"the TCK check. A malformed ATR is shown as far as it could be\n"
		"decoded, with the reason.\n",
		.machine =
		"power=cold|warm|down state=STATE [atr=HEX]\n"
		"decode=ok|malformed [error=STR] atr=HEX convention=direct|inverse\n"
		"  k=N fi=N|rfu fmax_khz=N di=N|rfu n=N protocols=t0,t1,...\n"
		"  mode=negotiable|specific [specific=tN] [wi=N]\n"
		"  [ifsc=N cwi=N bwi=N edc=lrc|crc] hist=HEX tck=ok|bad|missing|none\n"
		"(the decode record is one line; fields after a malformation may\n"
		"be missing)\n",
		.example = "scardctl power cold\nscardctl power down\n",
	},
	{
		.name = "protocol",
		.synopsis = "protocol [t0|t1|t0,t1|raw] [default]",
		.summary = "select the transmission protocol",
		.desc =
		"SET_PROTOCOL with the given protocols (t0,t1 if none); the\n"
		"library prefers T=1. \"default\" adds SCARD_PROTO_DEFAULT:\n"
		"keep the default transmission parameters (no PPS speed-up).\n"
		"The card must be reset (power cold) first. SET_PROTOCOL never\n"
		"resets the card: another protocol than the selected one fails\n"
		"(EBADFD), and so does everything after a PPS the card refused\n"
		"(EPROTO) until \"power cold\"; then ask with \"default\".\n",
		.machine = "protocol=t0|t1|raw\n",
		.example = "scardctl protocol t0\nscardctl protocol t0,t1 default\n",
	},
	{
		.name = "transmit",
		.synopsis = "transmit [--apdu] [--nad N] [--no-connect] HEX...",
		.summary = "send command APDUs, show responses and status words",
		.desc =
		"TRANSMIT each argument as one command (hex; blanks and colons\n"
		"may separate the bytes) and print the response with the meaning\n"
		"of SW1SW2 (9000 OK, 61xx more data, 6Cxx wrong Le, 6A82 file not\n"
		"found, 63Cx retries left, ...). If the card is below the\n"
		"specific state, scardctl first connects and says so: a cold\n"
		"reset if it is not reset yet, then SET_PROTOCOL T=0|T=1 (T=1\n"
		"preferred; if the card fails PPS, another cold reset and the\n"
		"default parameters). It stops at the first failing command; a\n"
		"status word other than 9000 is not a failure.\n"
		"--apdu        SCARD_TRANSMIT_APDU: the library carries T=0 APDUs\n"
		"              (case 4, 61xx and 6Cxx handled)\n"
		"--nad N       T=1 node address byte (0..255)\n"
		"--no-connect  no reset or protocol selection; use what is there\n",
		.machine =
		"connect=cold|none [atr=HEX] protocol=PROTO   (when connecting)\n"
		"apdu=N command=HEX response=HEX data=HEX [nad=N] sw=XXXX\n"
		"  status=ok|info|warning|error meaning=STR   (or sw=none)\n",
		.example =
		"scardctl transmit '00 A4 04 00 07 A0 00 00 00 03 10 10'\n"
		"scardctl -m transmit --apdu 0084000008\n",
	},
	{
		.name = "wait",
		.synopsis = "wait insert|remove [TIMEOUT_S]",
		.summary = "wait for a card insertion or removal",
		.desc =
		"Returns at once if the card is already present (absent);\n"
		"otherwise sleeps in IS_PRESENT (IS_ABSENT). With TIMEOUT_S\n"
		"(1..86400) an alarm interrupts the wait: exit status 4.\n",
		.machine =
		"wait=insert|remove result=already|done state=STATE events=N\n"
		"wait=insert|remove result=timeout timeout=N\n",
		.example = "scardctl wait insert 30 && scardctl transmit 00A4000C023F00\n",
	},
	{
		.name = "monitor",
		.synopsis = "monitor [COUNT] [--timeout S]",
		.summary = "print card events as they happen",
		.desc =
		"Watches the selected reader (-r, -d), or every reader when none\n"
		"is selected, with poll(). A first line per reader shows its\n"
		"state; then one line per wake-up: time, reader, state, event\n"
		"counter, and \"missed N\" when the counter moved by more than\n"
		"one. An unplugged reader is reported and dropped; when none is\n"
		"left the exit status is 2. It stops after COUNT card events\n"
		"(missed ones included), or after S seconds: exit status 4 if\n"
		"COUNT was given and not reached, 0 otherwise. Readers plugged in\n"
		"later are not watched.\n",
		.machine =
		"monitor=initial|event time=SEC.MSEC reader=N dev=PATH\n"
		"  state=STATE protocol=PROTO events=N missed=N\n"
		"monitor=unplugged time=SEC.MSEC reader=N dev=PATH\n"
		"monitor=timeout\n",
		.example = "scardctl monitor\nscardctl -m -r 0 monitor 2 --timeout 60\n",
	},
	{
		.name = "vendor",
		.synopsis = "vendor CODE [HEX]",
		.summary = "reader-specific request",
		.desc =
		"VENDOR with function CODE (2048..4095) and the input bytes HEX\n"
		"(none if omitted); prints the output bytes.\n",
		.machine = "vendor=CODE len=N out=HEX\n",
		.example = "scardctl vendor 2048 'de ad be ef'\n",
	},
	{
		.name = "features",
		.synopsis = "features",
		.summary = "PC/SC part 10 features and properties",
		.desc =
		"The features the library reports for the reader (vendor code\n"
		"3400, GET_FEATURE_REQUEST): a PIN pad has VERIFY_PIN_DIRECT and\n"
		"MODIFY_PIN_DIRECT, each with the vendor code that runs it; then\n"
		"its properties (GET_TLV_PROPERTIES): display, PIN sizes, and\n"
		"dwMaxAPDUDataSize (0: short APDUs only).\n",
		.machine = "feature=NAME tag=0xTT code=N\n"
		"property=NAME tag=0xTT value=N\n",
		.example = "scardctl features\n",
	},
	{
		.name = "eject",
		.synopsis = "eject",
		.summary = "eject the card",
		.desc = "EJECT, for readers that can.\n",
		.machine = "eject=ok\n",
	},
	{
		.name = "swallow",
		.synopsis = "swallow",
		.summary = "pull the card into position",
		.desc = "SWALLOW, for readers that can.\n",
		.machine = "swallow=ok\n",
	},
	{
		.name = "confiscate",
		.synopsis = "confiscate",
		.summary = "keep the card",
		.desc = "CONFISCATE, for readers that can.\n",
		.machine = "confiscate=ok\n",
	},
	{
		.name = "perf",
		.synopsis = "perf",
		.summary = "performance counters",
		.desc =
		"GET_PERF_CNTR: transmissions, bytes sent, bytes received and the\n"
		"time spent in them (nanoseconds).\n",
		.machine =
		"dev=PATH transmissions=N bytes_sent=N bytes_received=N time_ns=N\n",
	},
	{
		.name = "last-error",
		.synopsis = "last-error",
		.summary = "errno of the reader's last failed request",
		.desc =
		"GET_LAST_ERROR: the last failure of any request on the reader,\n"
		"by any process.\n",
		.machine = "last_error=ENAME|none errno=N\n",
	},
	{
		.name = "atr",
		.synopsis = "atr HEX",
		.summary = "decode an ATR given in hex (no reader)",
		.desc =
		"Decodes HEX like \"power\" does. A malformed ATR: exit status 5.\n",
		.machine = "decode=... (see power)\n",
		.example = "scardctl atr 3BF81300008131FE454A434F5076323431B7\n",
	},
	{
		.name = "sw",
		.synopsis = "sw SW1SW2",
		.summary = "explain a status word (no reader)",
		.desc = "The meaning of a status word, as transmit prints it.\n",
		.machine = "sw=XXXX status=ok|info|warning|error meaning=STR\n",
		.example = "scardctl sw 6A82\n",
	},
	{
		.name = "attach",
		.synopsis =
		"attach TTY [MODEL] [--foreground] [--ldisc N] [--pidfile FILE]",
		.summary = "attach a serial reader to a tty and hold it",
		.desc =
		"Attaches a serial CCID reader of the \"twin\" family on TTY\n"
		"(ttyS2 or /dev/ttyS2) through the scard_ccid_serial line\n"
		"discipline. MODEL, in any case: GemPCTwin (the default),\n"
		"GemPCPinPad, GemCorePOSPro (5 slots), GemCoreSIMPro (2 slots),\n"
		"SEC1210 (2 slots).\n"
		"The discipline number is --ldisc N, else the module's ldisc\n"
		"parameter (/sys/module/scard_ccid_serial/parameters/ldisc;\n"
		"\"modprobe scard_ccid_serial\" first if it is not loaded), else\n"
		"29. /proc/tty/ldiscs must list that number as\n"
		"scard_ccid_serial: attach refuses if another discipline holds\n"
		"it (modules that register the same number replace each other\n"
		"silently; move ours with \"modprobe scard_ccid_serial ldisc=N\")\n"
		"or if none does, and if TTY is attached already or uses a\n"
		"discipline other than N_TTY. Selecting the discipline needs\n"
		"CAP_SYS_ADMIN, and a tty with a device (not a pty).\n"
		"The line is set to 115200 8N2, raw, no flow control, RTS low\n"
		"(no Plug-and-Play string) and flushed; TIOCSETD selects the\n"
		"discipline and SCARD_SERIAL_IOC_ATTACH names the model, which\n"
		"registers one /dev/scardN per slot. They are printed with their\n"
		"names; then attach holds the tty: in the background, unless\n"
		"--foreground, with its process id in FILE if --pidfile is\n"
		"given. The holder selects N_TTY (the readers go away) and exits\n"
		"0 on SIGTERM, SIGINT or SIGHUP, and exits 0 when the tty hangs\n"
		"up or another discipline is selected (scardctl detach). An\n"
		"unregistered discipline: exit status 6; a number held by\n"
		"another discipline or a tty in use: 7.\n"
		"--foreground    stay in the foreground (systemd, scripts)\n"
		"--ldisc N       line discipline number (1..255)\n"
		"--pidfile FILE  write the holder's process id to FILE\n",
		.machine =
		"attach=ok tty=PATH model=MODEL ldisc=N readers=N\n"
		"reader=N dev=PATH name=STR   (one per reader)\n"
		"hold=foreground|background pid=N\n"
		"release=signal|hangup|ldisc tty=PATH   (when the holder ends)\n",
		.example =
		"scardctl attach ttyS2\n"
		"scardctl attach /dev/ttyUSB0 GemCorePOSPro --pidfile /run/pos.pid\n",
	},
	{
		.name = "detach",
		.synopsis = "detach TTY",
		.summary = "detach the serial reader of a tty",
		.desc =
		"Selects N_TTY on TTY if its line discipline is\n"
		"scard_ccid_serial's: the discipline closes, its readers are\n"
		"unregistered and the holder of \"scardctl attach\" exits by\n"
		"itself. Exit status 1 if TTY is not attached.\n",
		.machine =
		"detach=ok tty=PATH ldisc=N\n"
		"detach=none tty=PATH ldisc=N   (not attached: its discipline)\n",
		.example = "scardctl detach ttyS2\n",
	},
};

const size_t cmd_helps_count = ARRAY_SIZE(cmd_helps);

static const char help_desc[] =
	"scardctl drives the readers of the scard smart card reader\n"
	"framework through the ioctls of <linux/scard.h>: one character\n"
	"device /dev/scardN per reader slot. The reader is /dev/scard0\n"
	"unless -r or -d selects another one. Options may come before or\n"
	"after the command.\n";

static const char help_options[] =
	"-r, --reader N\n"
	"       use /dev/scardN\n"
	"-d, --device PATH\n"
	"       use the reader device PATH\n"
	"-m, --machine\n"
	"       machine-readable output (see MACHINE OUTPUT)\n"
	"-x, --exclusive\n"
	"       open the reader with O_EXCL\n"
	"-h, --help\n"
	"       this manual\n"
	"-V, --version\n"
	"       the version\n"
	"--apdu, --nad N, --no-connect\n"
	"       transmit options\n"
	"--timeout S\n"
	"       monitor option\n"
	"--foreground, --ldisc N, --pidfile FILE\n"
	"       attach options\n";

static const char help_machine[] =
	"With -m every result is one record per line, made of key=value\n"
	"pairs separated by one blank; the first key names the record.\n"
	"Values never hold blanks: HEX is upper-case hex without\n"
	"separators (empty if there are no bytes), STR is text with bytes\n"
	"outside printable ASCII, blanks and '%' written as %XX, STATE is\n"
	"unknown|absent|present|swallowed|powered|negotiable|specific,\n"
	"PROTO is none|t0|t1|raw. Keys are only ever added. A failure\n"
	"prints, on standard output:\n"
	"       error=ENAME errno=N op=REQUEST dev=PATH\n"
	"Usage errors go to standard error. The records of each command\n"
	"are listed with it under COMMANDS.\n";

static const char help_exit[] =
	"0   success\n"
	"1   usage error\n"
	"2   no such reader, reader unplugged (ENOENT, ENXIO, ENODEV)\n"
	"3   no card (ENOMEDIUM)\n"
	"4   timeout (ETIMEDOUT, the wait or monitor timeout)\n"
	"5   protocol error (EPROTO, EMEDIUMTYPE; a malformed ATR for atr)\n"
	"6   not supported (EOPNOTSUPP, ENOTTY)\n"
	"7   busy (EBUSY)\n"
	"8   wrong card state (EBADFD)\n"
	"9   other errors\n";

static const char help_examples[] =
	"scardctl list\n"
	"scardctl power cold\n"
	"scardctl transmit 00A4040007A0000000031010 00C0000010\n"
	"scardctl -r 1 wait insert 30\n"
	"scardctl -m monitor 10 --timeout 60\n"
	"scardctl attr CURRENT_PROTOCOL_TYPE ATR_STRING\n"
	"scardctl attach ttyS2 GemPCTwin\n";

static void print_block(FILE *f, const char *text, int indent)
{
	const char *nl;

	while (*text) {
		nl = strchr(text, '\n');
		if (!nl)
			nl = text + strlen(text);
		if (nl > text)
			fprintf(f, "%*s%.*s", indent, "", (int)(nl - text), text);
		fputc('\n', f);
		text = *nl ? nl + 1 : nl;
	}
}

static void print_section(FILE *f, const char *title, const char *text)
{
	fprintf(f, "%s\n", title);
	print_block(f, text, IND_SECTION);
	fputc('\n', f);
}

static void print_exit_and_see_also(FILE *f)
{
	print_section(f, "EXIT STATUS", help_exit);
	print_section(f, "SEE ALSO", "Documentation/userspace-api/scard.rst\n");
}

void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: scardctl [-m] [-x] [-r N | -d PATH] COMMAND [ARGS...]\n");
	fprintf(f, "commands:\n");
	for (i = 0; i < cmd_helps_count; i++)
		fprintf(f, "  %-11s %s\n", cmd_helps[i].name,
			cmd_helps[i].summary);
	fprintf(f, "'scardctl --help' for the manual, 'scardctl help COMMAND' for one command\n");
}

void print_help(FILE *f)
{
	size_t i;

	print_section(f, "NAME",
		      "scardctl - control smart card readers (/dev/scardN)\n");
	print_section(f, "SYNOPSIS",
		      "scardctl [-m] [-x] [-r N | -d PATH] COMMAND [ARGS...]\n"
		      "scardctl help [COMMAND]\n");
	print_section(f, "DESCRIPTION", help_desc);
	fprintf(f, "COMMANDS\n");
	for (i = 0; i < cmd_helps_count; i++) {
		fprintf(f, "%*s%s\n", IND_SECTION, "", cmd_helps[i].synopsis);
		print_block(f, cmd_helps[i].desc, IND_COMMAND);
		fprintf(f, "%*sOutput with -m:\n", IND_COMMAND, "");
		print_block(f, cmd_helps[i].machine, IND_COMMAND + 2);
		fputc('\n', f);
	}
	print_section(f, "OPTIONS", help_options);
	print_section(f, "MACHINE OUTPUT", help_machine);
	print_exit_and_see_also(f);
	print_section(f, "EXAMPLES", help_examples);
}

/* The page of one command; -1 if there is no such command. */
int print_cmd_help(FILE *f, const char *name)
{
	const struct cmd_help *h = NULL;
	size_t i;

	for (i = 0; i < cmd_helps_count; i++)
		if (!strcmp(cmd_helps[i].name, name))
			h = &cmd_helps[i];
	if (!h)
		return -1;

	fprintf(f, "NAME\n%*sscardctl %s - %s\n\n", IND_SECTION, "", h->name,
		h->summary);
	fprintf(f, "SYNOPSIS\n%*sscardctl [-m] [-x] [-r N | -d PATH] %s\n\n",
		IND_SECTION, "", h->synopsis);
	print_section(f, "DESCRIPTION", h->desc);
	print_section(f, "OPTIONS", help_options);
	print_section(f, "MACHINE OUTPUT (-m)", h->machine);
	print_exit_and_see_also(f);
	if (h->example)
		print_section(f, "EXAMPLES", h->example);
	return 0;
}
