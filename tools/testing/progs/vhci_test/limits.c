// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test limits: readers are created until the system has no room for
 * one more. The next CREATEs fail with ENOSPC (not EEXIST, the error of
 * Linux 6.1's misc core when its dynamic minors reach a static one, after
 * a stack dump the host runner would catch), the readers made keep
 * working, and once they are gone a reader can be made again.
 *
 * VHCI_LIMIT_MIN and VHCI_LIMIT_MAX (environment) bound the number of
 * readers that must fit.
 */
#include "vhci_test.h"

#define LIMIT_FILES	40	/* 640 readers: more than any limit */

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

/* CREATE reader @idx of @fd: 0, or the errno of the write. */
static int try_create(int fd, unsigned int idx, int *n)
{
	struct scard_vhci_create c;
	int err;

	create_init(&c, SCARD_VHCI_LEVEL_APDU);
	err = send_msg(fd, SCARD_VHCI_CREATE, idx, 0, 0, &c, sizeof(c));
	if (err)
		return err;
	err = recv_msg(fd, &rbuf, MSG_WAIT_MS);
	if (err || rbuf.hdr.type != SCARD_VHCI_EV_CREATED)
		return err ? err : EPROTO;
	*n = rbuf.hdr.arg;
	return 0;
}

void test_limits(void)
{
	long lo = env_long("VHCI_LIMIT_MIN", 1);
	long hi = env_long("VHCI_LIMIT_MAX", LIMIT_FILES * 16);
	int fds[LIMIT_FILES], last = -1, n = -1, err = 0, i, extra, dev;
	unsigned int idx = 0;
	long made = 0;

	for (i = 0; i < LIMIT_FILES; i++)
		fds[i] = -1;
	for (i = 0; i < LIMIT_FILES && !err; i++) {
		fds[i] = vhci_open();
		if (fds[i] < 0)
			return;
		for (idx = 0; idx < SCARD_VHCI_MAX_READERS; idx++) {
			err = try_create(fds[i], idx, &n);
			if (err)
				break;
			last = n;
			made++;
		}
	}
	diag("%ld readers made, then %s", made, ename(err));
	ok_errno(err, ENOSPC, "the reader past the limit: ENOSPC");
	ok(made >= lo && made <= hi, "%ld readers fit (%ld to %ld expected)",
	   made, lo, hi);

	/* Each further attempt fails the same way, and prints nothing. */
	i--;
	for (extra = 0; extra < 5; extra++) {
		err = try_create(fds[i], idx, &n);
		if (err != ENOSPC)
			break;
	}
	ok(extra == 5, "5 more attempts: ENOSPC each (%s)", ename(err));

	/* The last reader made still answers. */
	if (last >= 0) {
		dev = open_dev(last, 0);
		ok(dev >= 0 && get_state(dev) == SCARD_CARD_ABSENT,
		   "scard%d, the last one made, answers GET_STATE", last);
		if (dev >= 0)
			close(dev);
	}

	/* Closing a control file unplugs its readers: room again. */
	for (i = 0; i < LIMIT_FILES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	fds[0] = vhci_open();
	if (fds[0] < 0)
		return;
	err = try_create(fds[0], 0, &n);
	ok_errno(err, 0, "after the readers went, a reader can be made (scard%d)",
		 n);
	close(fds[0]);
}
