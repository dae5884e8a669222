// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test - checks of the /dev/scardN interface, run in the QEMU guest
 * against the test reader (scard_test_reader.ko), which it drives through
 * the reader's debugfs ctl file.
 *
 *	scard_test TEST [ARGS...]
 *
 * Prints one TAP line per check, "ok - text" or "not ok - text", and
 * "# text" diagnostics; exits with status 1 if a check failed. Every wait is
 * bounded by alarm() or a poll() timeout, so a bug fails instead of hanging.
 * Readers are named by their test reader index; the ctl file tells which
 * /dev/scardN belongs to an index.
 */
#include "scard_test.h"
#include "../fail_ioctl.h"

static const struct test {
	const char *name;
	int args;
	void (*fn)(char **argv);
	const char *usage;
} tests[] = {
	{ "state", 2, test_state, "IDX STATE" },
	{ "ioctl", 0, test_ioctl, "[IDX]" },
	{ "badinput", 0, test_badinput, "[IDX]" },
	{ "faults", 0, test_faults, "[IDX]" },
	{ "tracking", 0, test_tracking, "[IDX]" },
	{ "poll", 0, test_poll, "[IDX]" },
	{ "concurrency", 0, test_concurrency, "[IDX]" },
	{ "unplug", 0, test_unplug, "" },
	{ "wait", 3, test_wait, "IDX present|absent EXPECT" },
	{ "slow", 3, test_slow, "IDX MS EXPECT" },
	{ "setup", 1, test_setup, "IDX" },
	{ "uevent", 2, test_uevent, "IDX CMD [KEY=VALUE...]" },
};

static void on_signal(int sig)
{
	(void)sig;
}

/* Signals interrupt blocking calls (no SA_RESTART) and do nothing else. */
static void catch_signal(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int map_bad_pages(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	straddle = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (straddle == MAP_FAILED)
		return -1;
	unmapped = straddle + page_size;
	return munmap(unmapped, page_size);
}

static void help(void)
{
	unsigned int i;

	fprintf(stderr, "usage: scard_test TEST [ARGS]\n");
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		fprintf(stderr, "  %s %s\n", tests[i].name, tests[i].usage);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2)
		help();
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		if (!strcmp(argv[1], tests[i].name))
			break;
	if (i == ARRAY_SIZE(tests) || argc - 2 < tests[i].args)
		help();

	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_signal(SIGALRM);
	catch_signal(SIGUSR1);
	if (map_bad_pages()) {
		ok(0, "mmap: %s", strerror(errno));
		return 1;
	}
	tests[i].fn(argv + 2);
	return failures ? 1 : 0;
}
