/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * scard_ccid_serial: serial CCID readers (the Gemalto "twin" protocol:
 * GemPC Twin and PinPad, GemCore POS Pro and SIM Pro, SEC1210) through a
 * tty line discipline.
 *
 * A program opens the reader's tty, sets the line (115200 8N2, raw),
 * selects the discipline with TIOCSETD (its number is the module parameter
 * "ldisc", by default N_DEVELOPMENT, 29) and then tells it the model with
 * SCARD_SERIAL_IOC_ATTACH on the same file: the discipline registers one
 * /dev/scardN per slot of the model, children of the tty's device
 * (/sys/class/misc/scardN/device). The readers live as long as the
 * discipline does: until the tty hangs up, another discipline is selected
 * or the tty's last file is closed. poll() on the tty reports EPOLLHUP once
 * the readers are gone. "scardctl attach" does all this and holds the tty.
 *
 * SCARD_SERIAL_IOC_ATTACH fails with -EINVAL (unknown model, a flag or
 * reserved field set), -EBUSY (attached already), -ENODEV (hung up) or the
 * error of the reader's registration (-ETIMEDOUT: nothing answers).
 */
#ifndef _UAPI_LINUX_SCARD_SERIAL_H
#define _UAPI_LINUX_SCARD_SERIAL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The discipline's default number: N_DEVELOPMENT (no number of its own). */
#define SCARD_SERIAL_LDISC_DEFAULT	29

/* Reader models; their descriptors are fixed (no USB descriptor). */
#define SCARD_SERIAL_GEMPC_TWIN		1	/* 1 slot, echoes frames */
#define SCARD_SERIAL_GEMPC_PINPAD	2	/* 1 slot, echoes, PIN pad */
#define SCARD_SERIAL_GEMCORE_POS_PRO	3	/* 5 slots */
#define SCARD_SERIAL_GEMCORE_SIM_PRO	4	/* 2 slots */
#define SCARD_SERIAL_SEC1210		5	/* 2 slots */

/**
 * struct scard_serial_attach - SCARD_SERIAL_IOC_ATTACH argument
 * @model: SCARD_SERIAL_*
 * @flags: must be zero
 * @reserved: must be zero
 */
struct scard_serial_attach {
	__u32 model;
	__u32 flags;
	__u64 reserved;
};

#define SCARD_SERIAL_IOC_ATTACH	_IOW(0xB9, 0x70, struct scard_serial_attach)

#endif /* _UAPI_LINUX_SCARD_SERIAL_H */
