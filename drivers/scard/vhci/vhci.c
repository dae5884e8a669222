// SPDX-License-Identifier: GPL-2.0
/*
 * scard_vhci: smart card readers backed by a user-space process.
 *
 * /dev/scard_vhci is the "hardware" of up to SCARD_VHCI_MAX_READERS
 * readers per open file, in the manner of uhid and uinput: user space
 * writes messages that create readers, insert and remove cards and answer
 * requests; it reads the requests of the readers. The protocol is
 * described in include/uapi/linux/scard_vhci.h. This file is the character
 * device: the message queue, and the parsing and validation of what user
 * space writes; reader.c is the reader side.
 *
 * read() returns one whole message; with a buffer too small for it the
 * call fails with -ENOSPC and the message stays queued. It blocks
 * (interruptibly) while the queue is empty, or fails with -EAGAIN under
 * O_NONBLOCK; it never returns 0. A message whose copy to user space
 * faults is lost (-EFAULT): a request then times out.
 *
 * write() takes one whole message and returns its length. Errors:
 *	-EINVAL		shorter than a header, length other than header +
 *			hdr.len, non-zero reserved field or unused field,
 *			unknown type, reader index out of range or not in
 *			use, bad CREATE payload, ATR not 2..SCARD_ATR_MAX
 *			bytes, answer to no pending request (wrong id, late
 *			answer), answer status not 0 or an errno
 *	-EMSGSIZE	hdr.len larger than SCARD_VHCI_MAX_PAYLOAD
 *	-EEXIST		CREATE of an index in use
 *	-EFAULT		bad buffer
 *	-ENOMEM, -ENOSPC (no free scardN number or device minor), or
 *	another error of registering the reader, for CREATE
 * A rejected message changes nothing.
 *
 * poll() reports EPOLLIN | EPOLLRDNORM while a message is queued, and
 * always EPOLLOUT | EPOLLWRNORM.
 *
 * Closing the file destroys its readers.
 */

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/scard.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vhci.h"

static struct miscdevice vhci_misc;

/**
 * vhci_entry_alloc() - allocate a message for user space
 * @len: payload length, at most SCARD_VHCI_MAX_PAYLOAD
 *
 * Context: process context.
 * Return: the message with a zeroed header and hdr.len = @len, or NULL.
 */
struct vhci_entry *vhci_entry_alloc(size_t len)
{
	struct vhci_entry *e;

	if (WARN_ON_ONCE(len > SCARD_VHCI_MAX_PAYLOAD))
		return NULL;

	/* The size is the process's: no warning when it cannot be had. */
	e = kvmalloc(struct_size(e, data, len), GFP_KERNEL | __GFP_NOWARN);
	if (!e)
		return NULL;

	INIT_LIST_HEAD(&e->node);
	e->owner = NULL;
	memset(&e->hdr, 0, sizeof(e->hdr));
	e->hdr.len = len;

	return e;
}

/**
 * vhci_entry_free() - free a message that is not queued
 * @e: the message, or NULL
 */
void vhci_entry_free(struct vhci_entry *e)
{
	kvfree(e);
}

/**
 * vhci_entries_free() - free a list of messages
 * @list: messages taken off the queue by vhci_unqueue_locked()
 */
void vhci_entries_free(struct list_head *list)
{
	struct vhci_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, list, node) {
		list_del(&e->node);
		vhci_entry_free(e);
	}
}

/**
 * vhci_queue_locked() - queue a message for user space
 * @vf: the file
 * @e: the message, with its owner set
 *
 * Wakes readers and pollers.
 *
 * Context: vf->qlock held.
 */
void vhci_queue_locked(struct vhci_file *vf, struct vhci_entry *e)
{
	lockdep_assert_held(&vf->qlock);

	list_add_tail(&e->node, &vf->queue);
	wake_up_interruptible(&vf->read_wq);
}

/**
 * vhci_unqueue_locked() - take messages of a reader off the queue
 * @vf: the file
 * @owner: the reader
 * @requests_only: only its request (requests have a non-zero id), not its
 *	event
 * @out: the messages are moved to this list, to be freed with
 *	vhci_entries_free() once the lock is dropped
 *
 * Context: vf->qlock held.
 */
void vhci_unqueue_locked(struct vhci_file *vf, struct vhci_reader *owner,
			 bool requests_only, struct list_head *out)
{
	struct vhci_entry *e, *tmp;

	lockdep_assert_held(&vf->qlock);

	list_for_each_entry_safe(e, tmp, &vf->queue, node)
		if (e->owner == owner && (e->hdr.id || !requests_only))
			list_move_tail(&e->node, out);
}

static int vhci_open(struct inode *inode, struct file *file)
{
	struct vhci_file *vf;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;

	vf->dev = vhci_misc.this_device;
	mutex_init(&vf->lock);
	spin_lock_init(&vf->qlock);
	INIT_LIST_HEAD(&vf->queue);
	init_waitqueue_head(&vf->read_wq);
	vf->next_id = 1;

	file->private_data = vf;
	stream_open(inode, file);

	return 0;
}

static int vhci_release(struct inode *inode, struct file *file)
{
	struct vhci_file *vf = file->private_data;
	unsigned int i;

	mutex_lock(&vf->lock);
	for (i = 0; i < SCARD_VHCI_MAX_READERS; i++) {
		if (vf->readers[i]) {
			vhci_reader_destroy(vf->readers[i]);
			vf->readers[i] = NULL;
		}
	}
	mutex_unlock(&vf->lock);

	/* Every message belongs to a reader: the queue is empty now. */
	WARN_ON(!list_empty(&vf->queue));
	mutex_destroy(&vf->lock);
	kfree(vf);

	return 0;
}

/*
 * Take the oldest message off the queue if @size can hold it. Return: the
 * message, NULL with *@err = -EAGAIN if the queue is empty, or NULL with
 * *@err = -ENOSPC if the message is larger than @size.
 */
static struct vhci_entry *vhci_dequeue(struct vhci_file *vf, size_t size,
				       int *err)
{
	struct vhci_entry *e;

	spin_lock(&vf->qlock);
	e = list_first_entry_or_null(&vf->queue, struct vhci_entry, node);
	if (!e) {
		*err = -EAGAIN;
	} else if (size < sizeof(e->hdr) + e->hdr.len) {
		*err = -ENOSPC;
		e = NULL;
	} else {
		list_del_init(&e->node);
	}
	spin_unlock(&vf->qlock);

	return e;
}

static bool vhci_readable(struct vhci_file *vf)
{
	bool readable;

	spin_lock(&vf->qlock);
	readable = !list_empty(&vf->queue);
	spin_unlock(&vf->qlock);

	return readable;
}

static ssize_t vhci_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	struct vhci_file *vf = file->private_data;
	struct vhci_entry *e;
	size_t len;
	int err;

	for (;;) {
		e = vhci_dequeue(vf, count, &err);
		if (e)
			break;
		if (err != -EAGAIN || (file->f_flags & O_NONBLOCK))
			return err;
		if (wait_event_interruptible(vf->read_wq, vhci_readable(vf)))
			return -ERESTARTSYS;
	}

	/* The message is ours now: a fault loses it. */
	len = e->hdr.len;
	if (copy_to_user(buf, &e->hdr, sizeof(e->hdr)) ||
	    copy_to_user(buf + sizeof(e->hdr), e->data, len))
		err = -EFAULT;
	else
		err = 0;
	vhci_entry_free(e);

	return err ? err : sizeof(struct scard_vhci_msg) + len;
}

/* A string field of CREATE: NUL-padded, may fill the whole field. */
static bool vhci_string_ok(const char *s, size_t size)
{
	size_t len = strnlen(s, size);

	return !memchr_inv(s + len, 0, size - len);
}

/* Check a CREATE payload; the defaults are applied by reader.c. */
static int vhci_check_create(const struct scard_vhci_create *c)
{
	u32 clk = c->clk_default ? c->clk_default : SCARD_CLK_DEFAULT_KHZ;
	u32 rate = c->rate_default ? c->rate_default : VHCI_RATE_DEFAULT;

	if (!vhci_string_ok(c->vendor_name, sizeof(c->vendor_name)) ||
	    !vhci_string_ok(c->ifd_type, sizeof(c->ifd_type)) ||
	    !vhci_string_ok(c->ifd_serial, sizeof(c->ifd_serial)))
		return -EINVAL;

	if (c->level > SCARD_VHCI_LEVEL_CHAR || !c->protocols ||
	    (c->protocols & ~SCARD_PROTO_TX) ||
	    c->max_ifsd > SCARD_T1_IFS_MAX ||
	    (c->mechanical & ~(SCARD_READER_SWALLOWS | SCARD_READER_EJECTS |
			       SCARD_READER_CONFISCATES)) ||
	    memchr_inv(c->reserved, 0, sizeof(c->reserved)))
		return -EINVAL;

	/* A maximum below the default makes no sense. */
	if ((c->clk_max && c->clk_max < clk) ||
	    (c->rate_max && c->rate_max < rate))
		return -EINVAL;

	return 0;
}

static int vhci_msg_create(struct vhci_file *vf,
			   const struct scard_vhci_msg *hdr, const u8 *data)
{
	struct scard_vhci_create c;
	int err;

	if (hdr->len != sizeof(c))
		return -EINVAL;
	memcpy(&c, data, sizeof(c));

	err = vhci_check_create(&c);
	if (err)
		return err;
	if (vf->readers[hdr->reader])
		return -EEXIST;

	return vhci_reader_create(vf, hdr->reader, &c);
}

/* An answer's status: 0 or an errno user space may see. */
static bool vhci_status_ok(s32 status)
{
	return status <= 0 && status > -ERESTARTSYS;
}

/* Validate and execute one message; vf->lock held. */
static int vhci_msg(struct vhci_file *vf, const struct scard_vhci_msg *hdr,
		    const u8 *data)
{
	struct vhci_reader *vr;

	lockdep_assert_held(&vf->lock);

	if (hdr->reserved || hdr->reader >= SCARD_VHCI_MAX_READERS)
		return -EINVAL;

	/* Only an answer uses id and status; it may keep arg and timeout. */
	if (hdr->type != SCARD_VHCI_ANSWER &&
	    (hdr->id || hdr->status || hdr->arg || hdr->timeout_ms))
		return -EINVAL;

	if (hdr->type == SCARD_VHCI_CREATE)
		return vhci_msg_create(vf, hdr, data);

	vr = vf->readers[hdr->reader];

	switch (hdr->type) {
	case SCARD_VHCI_DESTROY:
		if (!vr || hdr->len)
			return -EINVAL;
		vf->readers[hdr->reader] = NULL;
		vhci_reader_destroy(vr);
		return 0;
	case SCARD_VHCI_INSERT:
		if (!vr || hdr->len < 2 || hdr->len > SCARD_ATR_MAX)
			return -EINVAL;
		vhci_reader_insert(vr, data, hdr->len);
		return 0;
	case SCARD_VHCI_REMOVE:
		if (!vr || hdr->len)
			return -EINVAL;
		vhci_reader_remove(vr);
		return 0;
	case SCARD_VHCI_ANSWER:
		if (!vr || !vhci_status_ok(hdr->status))
			return -EINVAL;
		return vhci_reader_answer(vr, hdr, data);
	default:
		return -EINVAL;
	}
}

static ssize_t vhci_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct vhci_file *vf = file->private_data;
	struct scard_vhci_msg hdr;
	u8 *data = NULL;
	int err;

	if (count < sizeof(hdr))
		return -EINVAL;
	if (copy_from_user(&hdr, buf, sizeof(hdr)))
		return -EFAULT;
	if (hdr.len > SCARD_VHCI_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (count != sizeof(hdr) + hdr.len)
		return -EINVAL;

	/* Copied before any lock is taken: a slow fault blocks nobody. */
	if (hdr.len) {
		data = vmemdup_user(buf + sizeof(hdr), hdr.len);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	err = mutex_lock_interruptible(&vf->lock);
	if (!err) {
		err = vhci_msg(vf, &hdr, data);
		mutex_unlock(&vf->lock);
	}
	kvfree(data);

	return err ? err : count;
}

static __poll_t vhci_poll(struct file *file, poll_table *wait)
{
	struct vhci_file *vf = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &vf->read_wq, wait);
	if (vhci_readable(vf))
		mask |= EPOLLIN | EPOLLRDNORM;

	return mask;
}

static const struct file_operations vhci_fops = {
	.owner = THIS_MODULE,
	.open = vhci_open,
	.release = vhci_release,
	.read = vhci_read,
	.write = vhci_write,
	.poll = vhci_poll,
};

static struct miscdevice vhci_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "scard_vhci",
	.fops = &vhci_fops,
	.mode = 0600,
};
module_misc_device(vhci_misc);

MODULE_DESCRIPTION("Smart card readers backed by a user-space process");
MODULE_LICENSE("GPL");
