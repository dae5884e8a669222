// SPDX-License-Identifier: GPL-2.0
/*
 * scard: /dev/scardN file operations.
 *
 * A thin layer: it checks the ioctl command, copies the argument structure
 * and the data buffers in and out, and calls the requests of request.c,
 * attr.c and tracking.c with kernel memory only. User memory is touched
 * before a request takes the reader's locks and after it released them.
 * Every open file holds a reference on its reader, so the reader outlives
 * an unplug until the last close; after the unplug every operation but
 * close fails with -ENODEV.
 */

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "scard_core.h"

/**
 * scard_client_open() - attach an opener to a reader
 * @client: the opener's state, zeroed by the caller
 * @reader: the reader
 * @excl: exclusive use (O_EXCL)
 *
 * Takes a reference on @reader.
 *
 * Return: 0, -ENODEV (unregistered) or -EBUSY (the reader is held
 * exclusively, or @excl and somebody has it open).
 */
int scard_client_open(struct scard_client *client,
		      struct scard_reader *reader, bool excl)
{
	int ret = 0;

	spin_lock_irq(&reader->state_lock);
	if (scard_reader_gone(reader)) {
		ret = -ENODEV;
	} else if (reader->exclusive || (excl && reader->open_count)) {
		ret = -EBUSY;
	} else {
		reader->open_count++;
		reader->exclusive = excl;
		client->seen_events = reader->events;
	}
	spin_unlock_irq(&reader->state_lock);

	if (ret)
		return ret;

	scard_reader_get(reader);
	client->reader = reader;
	client->excl = excl;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_client_open);

/**
 * scard_client_close() - detach an opener; drops its reader reference
 * @client: the opener
 */
void scard_client_close(struct scard_client *client)
{
	struct scard_reader *reader = client->reader;

	spin_lock_irq(&reader->state_lock);
	reader->open_count--;
	if (client->excl)
		reader->exclusive = false;
	spin_unlock_irq(&reader->state_lock);

	scard_reader_put(reader);
}
EXPORT_SYMBOL_IF_KUNIT(scard_client_close);

static int scard_open(struct inode *inode, struct file *file)
{
	/*
	 * misc_open() set private_data and holds misc_mtx, which
	 * misc_deregister() needs too: the reader cannot go away here.
	 */
	struct miscdevice *misc = file->private_data;
	struct scard_reader *reader = container_of(misc, struct scard_reader,
						   misc);
	struct scard_client *client;
	int ret;

	client = kzalloc(sizeof(*client), GFP_KERNEL);
	if (!client)
		return -ENOMEM;

	ret = scard_client_open(client, reader, file->f_flags & O_EXCL);
	if (ret) {
		kfree(client);
		return ret;
	}

	file->private_data = client;

	return stream_open(inode, file);
}

static int scard_release(struct inode *inode, struct file *file)
{
	struct scard_client *client = file->private_data;

	scard_client_close(client);
	kfree(client);

	return 0;
}

static __poll_t scard_poll(struct file *file, poll_table *wait)
{
	struct scard_client *client = file->private_data;

	poll_wait(file, &client->reader->event_wq, wait);

	return scard_client_poll(client);
}

/* Copy the result structure out on success and on -ENOSPC. */
static int scard_put_arg(void __user *argp, const void *arg, size_t size,
			 int ret)
{
	if ((!ret || ret == -ENOSPC) && copy_to_user(argp, arg, size))
		return -EFAULT;

	return ret;
}

static int scard_ioctl_power(struct scard_reader *reader, void __user *argp)
{
	struct scard_power power;
	int ret;

	if (copy_from_user(&power, argp, sizeof(power)))
		return -EFAULT;

	ret = scard_power(reader, &power);

	return scard_put_arg(argp, &power, sizeof(power), ret);
}

static int scard_ioctl_get_attr(struct scard_reader *reader,
				void __user *argp)
{
	u8 value[SCARD_TAG_VALUE_MAX];
	struct scard_attr attr;
	int ret;

	if (copy_from_user(&attr, argp, sizeof(attr)))
		return -EFAULT;

	ret = scard_get_attribute(reader, &attr, value);
	if (!ret && copy_to_user(u64_to_user_ptr(attr.data), value, attr.len))
		return -EFAULT;

	return scard_put_arg(argp, &attr, sizeof(attr), ret);
}

static int scard_ioctl_set_attr(struct scard_reader *reader,
				void __user *argp)
{
	u8 value[SCARD_TAG_VALUE_MAX];
	struct scard_attr attr;

	if (copy_from_user(&attr, argp, sizeof(attr)))
		return -EFAULT;

	/* A larger value is refused by scard_set_attribute(). */
	if (attr.len <= sizeof(value) &&
	    copy_from_user(value, u64_to_user_ptr(attr.data), attr.len))
		return -EFAULT;

	return scard_set_attribute(reader, &attr, value);
}

/*
 * The data of TRANSMIT and VENDOR in kernel memory: @in holds the caller's
 * @in_len bytes, @out has room for min(@out_len, @out_max) bytes.
 */
struct scard_bounce {
	u8 *in;
	u8 *out;
};

/*
 * The sizes are the caller's: an allocation that fails is its -ENOMEM,
 * not a warning in the kernel log (__GFP_NOWARN).
 */
static int scard_bounce_in(struct scard_bounce *b, u64 in, u32 in_len,
			   u32 out_len, u32 out_max)
{
	b->in = kvmalloc(in_len, GFP_KERNEL | __GFP_NOWARN);
	b->out = kvmalloc(min(out_len, out_max), GFP_KERNEL | __GFP_NOWARN);
	if (!b->in || !b->out) {
		kvfree(b->in);
		kvfree(b->out);
		b->in = NULL;
		b->out = NULL;
		return -ENOMEM;
	}
	if (copy_from_user(b->in, u64_to_user_ptr(in), in_len)) {
		kvfree(b->in);
		kvfree(b->out);
		b->in = NULL;
		b->out = NULL;
		return -EFAULT;
	}

	return 0;
}

/* Copy the reply out after a successful request; frees the buffers. */
static int scard_bounce_out(struct scard_bounce *b, u64 out, u32 out_len,
			    int ret)
{
	if (!ret && copy_to_user(u64_to_user_ptr(out), b->out, out_len))
		ret = -EFAULT;

	kvfree(b->out);
	kvfree(b->in);

	return ret;
}

static int scard_ioctl_transmit(struct scard_reader *reader,
				void __user *argp)
{
	struct scard_transmit xfer;
	struct scard_bounce b;
	int ret;

	if (copy_from_user(&xfer, argp, sizeof(xfer)))
		return -EFAULT;

	ret = scard_transmit_check(&xfer);
	if (ret)
		return scard_result(reader, ret);
	ret = scard_bounce_in(&b, xfer.send_buf, xfer.send_len, xfer.recv_len,
			      SCARD_MAX_RECV);
	if (ret)
		return ret;

	ret = scard_transmit(reader, &xfer, b.in, b.out);
	ret = scard_bounce_out(&b, xfer.recv_buf, xfer.recv_len, ret);

	return scard_put_arg(argp, &xfer, sizeof(xfer), ret);
}

static int scard_ioctl_set_protocol(struct scard_reader *reader,
				    void __user *argp)
{
	struct scard_protocol proto;
	int ret;

	if (copy_from_user(&proto, argp, sizeof(proto)))
		return -EFAULT;

	ret = scard_set_protocol(reader, &proto);

	return scard_put_arg(argp, &proto, sizeof(proto), ret);
}

static int scard_ioctl_get_state(struct scard_client *client,
				 void __user *argp)
{
	struct scard_state st;
	int ret;

	ret = scard_get_card_state(client, &st);

	return scard_put_arg(argp, &st, sizeof(st), ret);
}

static int scard_ioctl_last_error(struct scard_reader *reader,
				  void __user *argp)
{
	struct scard_last_error err;
	int ret;

	ret = scard_get_last_error(reader, &err);

	return scard_put_arg(argp, &err, sizeof(err), ret);
}

static int scard_ioctl_perf(struct scard_reader *reader, void __user *argp)
{
	struct scard_perf perf;
	int ret;

	if (copy_from_user(&perf, argp, sizeof(perf)))
		return -EFAULT;

	ret = scard_get_perf(reader, &perf);

	return scard_put_arg(argp, &perf, sizeof(perf), ret);
}

static int scard_ioctl_vendor(struct scard_reader *reader, void __user *argp)
{
	struct scard_vendor vendor;
	struct scard_bounce b;
	int ret;

	if (copy_from_user(&vendor, argp, sizeof(vendor)))
		return -EFAULT;

	ret = scard_vendor_check(&vendor);
	if (ret)
		return scard_result(reader, ret);
	ret = scard_bounce_in(&b, vendor.in_buf, vendor.in_len, vendor.out_len,
			      SCARD_VENDOR_MAX_BUF);
	if (ret)
		return ret;

	ret = scard_vendor(reader, &vendor, b.in, b.out);
	ret = scard_bounce_out(&b, vendor.out_buf, vendor.out_len, ret);

	return scard_put_arg(argp, &vendor, sizeof(vendor), ret);
}

/*
 * The access a request needs: reading the state and the attributes needs a
 * descriptor open for reading; everything that changes the card or the
 * reader (power, protocol, exchanges, vendor requests, attributes set,
 * mechanics) one open for writing. 0: not a request of ours.
 */
static fmode_t scard_ioctl_mode(unsigned int cmd)
{
	switch (cmd) {
	case SCARD_IOC_GET_ATTRIBUTE:
	case SCARD_IOC_IS_PRESENT:
	case SCARD_IOC_IS_ABSENT:
	case SCARD_IOC_GET_STATE:
	case SCARD_IOC_GET_LAST_ERROR:
	case SCARD_IOC_GET_PERF_CNTR:
		return FMODE_READ;
	case SCARD_IOC_POWER:
	case SCARD_IOC_SET_ATTRIBUTE:
	case SCARD_IOC_CONFISCATE:
	case SCARD_IOC_TRANSMIT:
	case SCARD_IOC_EJECT:
	case SCARD_IOC_SWALLOW:
	case SCARD_IOC_SET_PROTOCOL:
	case SCARD_IOC_VENDOR:
		return FMODE_WRITE;
	default:
		return 0;
	}
}

static long scard_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct scard_client *client = file->private_data;
	struct scard_reader *reader = client->reader;
	void __user *argp = (void __user *)arg;
	fmode_t mode = scard_ioctl_mode(cmd);

	if (!mode)
		return -ENOTTY;
	/* As write(2) on a read-only descriptor. */
	if (!(file->f_mode & mode))
		return -EBADF;

	switch (cmd) {
	case SCARD_IOC_POWER:
		return scard_ioctl_power(reader, argp);
	case SCARD_IOC_GET_ATTRIBUTE:
		return scard_ioctl_get_attr(reader, argp);
	case SCARD_IOC_SET_ATTRIBUTE:
		return scard_ioctl_set_attr(reader, argp);
	case SCARD_IOC_CONFISCATE:
		return scard_mechanical(reader, SCARD_FN_CONFISCATE);
	case SCARD_IOC_TRANSMIT:
		return scard_ioctl_transmit(reader, argp);
	case SCARD_IOC_EJECT:
		return scard_mechanical(reader, SCARD_FN_EJECT);
	case SCARD_IOC_SWALLOW:
		return scard_mechanical(reader, SCARD_FN_SWALLOW);
	case SCARD_IOC_IS_PRESENT:
		return scard_wait_card(client, SCARD_FN_IS_PRESENT,
				       file->f_flags & O_NONBLOCK);
	case SCARD_IOC_IS_ABSENT:
		return scard_wait_card(client, SCARD_FN_IS_ABSENT,
				       file->f_flags & O_NONBLOCK);
	case SCARD_IOC_SET_PROTOCOL:
		return scard_ioctl_set_protocol(reader, argp);
	case SCARD_IOC_GET_STATE:
		return scard_ioctl_get_state(client, argp);
	case SCARD_IOC_GET_LAST_ERROR:
		return scard_ioctl_last_error(reader, argp);
	case SCARD_IOC_GET_PERF_CNTR:
		return scard_ioctl_perf(reader, argp);
	case SCARD_IOC_VENDOR:
		return scard_ioctl_vendor(reader, argp);
	default:
		return -ENOTTY;
	}
}

const struct file_operations scard_fops = {
	.owner = THIS_MODULE,
	.open = scard_open,
	.release = scard_release,
	.poll = scard_poll,
	.unlocked_ioctl = scard_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
