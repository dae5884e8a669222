/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard_vhci: smart card readers backed by a user-space process, private
 * interfaces between the character device (vhci.c) and the reader side
 * (reader.c).
 *
 * Locking, outermost first:
 *	vhci_file.lock		mutex, serialises the messages written by user
 *				space and the release; protects readers[]
 *	(library)		ops_sem and the reader's request lock, held by
 *				the library while a reader callback runs
 *	vhci_file.qlock		spinlock, the message queue, the request ids
 *				and the card and request state of the readers
 *
 * Reader callbacks never take vhci_file.lock, so a message written by user
 * space (an answer, a removal, a destruction) can always reach a callback
 * that waits for it, and unregistering a reader under vhci_file.lock only
 * waits for callbacks that have been told to return.
 */
#ifndef _SCARD_VHCI_H
#define _SCARD_VHCI_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/scard_vhci.h>

struct device;
struct scard_reader;
struct vhci_reader;

/* Bound of every wait for user space, and of the timeout parameters. */
#define VHCI_TIMEOUT_MAX_MS	600000U

/* Defaults of struct scard_vhci_create fields left 0. */
#define VHCI_RATE_DEFAULT	9600	/* bit/s */

/**
 * struct vhci_entry - a message queued for user space
 * @node: in vhci_file.queue
 * @owner: the reader the message belongs to
 * @hdr: the message header; @hdr.len bytes of @data follow
 * @data: the payload
 */
struct vhci_entry {
	struct list_head node;
	struct vhci_reader *owner;
	struct scard_vhci_msg hdr;
	u8 data[];
};

/**
 * struct vhci_file - one open file of /dev/scard_vhci
 * @dev: the misc device, parent of the readers
 * @lock: serialises the messages written by user space and the release;
 *	protects @readers
 * @readers: the readers by index, NULL for a free index
 * @qlock: protects @queue, @next_id and the state of the readers
 * @queue: messages for user space, oldest first
 * @next_id: id of the next request
 * @read_wq: read() and poll() wait here for a message
 *
 * Every queued message belongs to a reader, which has at most one event
 * (SCARD_VHCI_EV_CREATED) and one request queued: the queue never holds
 * more than 2 * SCARD_VHCI_MAX_READERS messages.
 */
struct vhci_file {
	struct device *dev;
	struct mutex lock;		/* see above */
	struct vhci_reader *readers[SCARD_VHCI_MAX_READERS];

	spinlock_t qlock;		/* see above */
	struct list_head queue;
	u32 next_id;
	wait_queue_head_t read_wq;
};

/**
 * struct vhci_reader - one reader of a file
 * @vf: the file the reader belongs to
 * @reader: the library's reader
 * @index: index in the messages
 * @atr: the ATR given at insertion
 * @atr_len: length of @atr
 * @present: a card is inserted
 * @dead: the reader is being destroyed; requests fail with -ENODEV
 * @busy: a request is outstanding
 * @done: the outstanding request is finished, with @status
 * @card_req: the outstanding request needs the card (a removal fails it)
 * @id: id of the outstanding request
 * @status: result of the finished request
 * @rx: where the answer goes
 * @rx_size: size of @rx
 * @rx_len: length of the answer in @rx
 * @wq: the outstanding request waits here for its end
 *
 * @atr .. @rx_len are protected by vhci_file.qlock.
 */
struct vhci_reader {
	struct vhci_file *vf;
	struct scard_reader *reader;
	unsigned int index;

	u8 atr[SCARD_ATR_MAX];
	size_t atr_len;
	bool present;
	bool dead;
	bool busy;
	bool done;
	bool card_req;
	u32 id;
	int status;
	u8 *rx;
	size_t rx_size;
	size_t rx_len;
	wait_queue_head_t wq;
};

/* vhci.c */
struct vhci_entry *vhci_entry_alloc(size_t len);
void vhci_entry_free(struct vhci_entry *e);
void vhci_queue_locked(struct vhci_file *vf, struct vhci_entry *e);
void vhci_unqueue_locked(struct vhci_file *vf, struct vhci_reader *owner,
			 bool requests_only, struct list_head *out);
void vhci_entries_free(struct list_head *list);

/* reader.c */
int vhci_reader_create(struct vhci_file *vf, unsigned int index,
		       const struct scard_vhci_create *c);
void vhci_reader_destroy(struct vhci_reader *vr);
void vhci_reader_insert(struct vhci_reader *vr, const u8 *atr, size_t len);
void vhci_reader_remove(struct vhci_reader *vr);
int vhci_reader_answer(struct vhci_reader *vr,
		       const struct scard_vhci_msg *hdr, const u8 *data);

#endif /* _SCARD_VHCI_H */
