/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: the kernel interfaces that differ between the supported kernel
 * series (Linux 6.1 and later). Every version test of the project lives
 * here, one entry per change, naming the release that made it; the code
 * elsewhere is written once for all series. In-tree, only the branch of
 * the current kernel would remain.
 */
#ifndef _SCARD_COMPAT_H
#define _SCARD_COMPAT_H

#include <linux/version.h>

/*
 * get_unaligned_be16() and friends: <asm/unaligned.h> became
 * <linux/unaligned.h> in Linux 6.12 (commit "move asm/unaligned.h to
 * linux/unaligned.h").
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * struct tty_ldisc_ops.receive_buf: the flag bytes became u8 and the count
 * a size_t in Linux 6.6 ("tty: make tty_ldisc_ops::*buf*() hooks operate
 * on size_t", "tty: use u8 for flags").
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
typedef u8 scard_tty_flag_t;
typedef size_t scard_tty_count_t;
#else
typedef char scard_tty_flag_t;
typedef int scard_tty_count_t;
#endif

#endif /* _SCARD_COMPAT_H */
