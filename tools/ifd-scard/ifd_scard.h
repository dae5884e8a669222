/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ifd-scard: a pcsc-lite IFD handler over the kernel's /dev/scardN.
 *
 * ifd.c holds pcscd's entry points; dev.c the ioctls of one /dev/scardN;
 * reader.c the readers pcscd opened and where their nodes are. Only ifd.c
 * speaks PC/SC; the other files use plain C types.
 */
#ifndef IFD_SCARD_H
#define IFD_SCARD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* pcscd's contexts: 16 readers (pcsc-lite 1.9.9), each up to 16 slots. */
#define IFD_MAX_READERS		16
#define IFD_MAX_SLOTS		16

/**
 * struct ifd_reader - one slot pcscd opened: one /dev/scardN
 * @used: the entry belongs to a channel
 * @lun: pcscd's logical unit number (reader << 16 | slot)
 * @fd: the open node; its number stays the same for the channel's life
 *	(a reopened node is dup2()ed onto it, see ifd_reader_revive())
 * @stop_fd: eventfd that ends a wait of the polling function (latched)
 * @dead: the node reported an unplug; ICCPresence reads "absent"
 * @hotplug: found through a USB device name (pcscd removes it itself)
 * @slots: the slots of the reader (USB: its nodes; else 1)
 * @removed: pcscd said the device is gone (TAG_IFD_DEVICE_REMOVED)
 * @seen_present: the last presence answer was "present"
 * @events: the reader's event counter at the last presence answer
 * @powered: pcscd powered the card up (or reset it) and did not power it
 *	down since
 * @path: the device node, for a reopen
 * @lock: @dead, @seen_present, @events, @powered and the reopen
 */
struct ifd_reader {
	int used;
	unsigned long lun;
	int fd;
	int stop_fd;
	int dead;
	int hotplug;
	int slots;
	int removed;
	int seen_present;
	uint64_t events;
	int powered;
	char path[64];
	pthread_mutex_t lock;
};

/* dev.c: the ioctls. 0 or a negative errno. */
int sdev_open(const char *path);
int sdev_state(int fd, unsigned int *state, uint64_t *events);
int sdev_present(unsigned int state);
int sdev_powered(unsigned int state);
int sdev_power(int fd, int action, unsigned char *atr, size_t *atr_len);
int sdev_set_protocol(int fd, int t1, int defaults);
int sdev_transmit(int fd, int protocol, const unsigned char *tx,
		  size_t tx_len, unsigned char *rx, size_t *rx_len);
int sdev_get_attr(int fd, uint32_t tag, unsigned char *buf, size_t *len);
int sdev_vendor(int fd, uint32_t code, const unsigned char *in,
		size_t in_len, unsigned char *out, size_t *out_len);

/* sdev_power() actions, sdev_transmit() protocols */
enum { SDEV_POWER_DOWN, SDEV_COLD_RESET, SDEV_WARM_RESET };
enum { SDEV_T0, SDEV_T1, SDEV_RAW };

/* reader.c */
struct ifd_reader *ifd_reader_get(unsigned long lun);
int ifd_reader_open(unsigned long lun, const char *device_name);
void ifd_reader_close(struct ifd_reader *r);
int ifd_reader_revive(struct ifd_reader *r);
int ifd_usb_nodes(const char *device_name, char nodes[][64], int max);

/* ifd.c: log through pcscd's stderr */
#define ATTRIBUTE	__attribute__
#define __printf(a, b)	ATTRIBUTE((format(printf, a, b)))
void __printf(1, 2) ifd_log(const char *fmt, ...);

#endif /* IFD_SCARD_H */
