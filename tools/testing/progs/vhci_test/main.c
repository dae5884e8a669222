// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test - checks of /dev/scard_vhci (scard_vhci.ko), run in the QEMU
 * guest.
 *
 *	vhci_test basic|badinput|timeout|kill|levels|stale|uffd
 *
 * The program plays the card on /dev/scard_vhci; the requests on the
 * /dev/scardN readers it creates come from child processes. Prints one TAP
 * line per check, "ok - text" or "not ok - text", and "# text"
 * diagnostics; exits with status 1 if a check failed (children print their
 * own lines; their exit status says whether they all passed). Every wait
 * is bounded by a poll() timeout or alarm(); SIGALRM keeps its default
 * action, so a child stuck in the kernel is killed.
 */
#include "vhci_test.h"
#include "../fail_ioctl.h"

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "basic", test_basic },
	{ "badinput", test_badinput },
	{ "timeout", test_timeout },
	{ "kill", test_kill },
	{ "levels", test_levels },
	{ "stale", test_stale },
	{ "uffd", test_uffd },
	{ "limits", test_limits },
};

static void help(void)
{
	unsigned int i;

	fprintf(stderr, "usage: vhci_test TEST\ntests:");
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		fprintf(stderr, " %s", tests[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 2)
		help();
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		if (!strcmp(argv[1], tests[i].name))
			break;
	if (i == ARRAY_SIZE(tests))
		help();

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	straddle = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (straddle == MAP_FAILED ||
	    munmap(straddle + page_size, page_size)) {
		ok(0, "mmap: %s", strerror(errno));
		return 1;
	}
	tests[i].fn();
	return failures ? 1 : 0;
}
