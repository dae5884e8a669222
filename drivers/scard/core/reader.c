// SPDX-License-Identifier: GPL-2.0
/*
 * scard: reader objects and their lifetime (the card state machine is in
 * card.c).
 *
 * A reader is reference counted. The driver holds the first reference from
 * scard_reader_alloc() to scard_reader_put(); every open file holds one
 * more, so the object (and its scardN number) outlives an unplug for as
 * long as somebody still has the device open. scard_reader_unregister()
 * revokes the driver's callbacks: once it returns none is running and none
 * will be called again, and every sleeper has been woken.
 */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "scard_core.h"

static DEFINE_IDA(scard_ida);

/* How many readers may exist at once (scardN numbers 0 .. max - 1). */
static unsigned int scard_max_readers = 256;
module_param_named(max_readers, scard_max_readers, uint, 0644);
MODULE_PARM_DESC(max_readers,
		 "how many readers may exist at once (default 256)");

/*
 * The lowest misc minor a reader keeps. Linux 6.1's misc core hands out
 * its 128 dynamic minors from 127 down to 0, over the static minors of the
 * old mice (psaux is 1): a registration that reaches one of them fails
 * with -EEXIST after the driver core printed a stack dump. A reader that
 * gets a minor below this one is refused instead, which also leaves the
 * minors down there to other drivers. 6.12's misc core hands out dynamic
 * minors from 256 up, where this never applies.
 */
#define SCARD_MISC_MINOR_FLOOR	32

/* What each entry of reader_function[] may be. */
enum scard_rdf_use {
	SCARD_RDF_UNUSED,	/* must stay NULL */
	SCARD_RDF_OPTIONAL,
	SCARD_RDF_MANDATORY,
};

static const u8 scard_rdf_use[RDF_MAX] = {
	[RDF_CARD_POWER] = SCARD_RDF_MANDATORY,
	[RDF_TRANSMIT] = SCARD_RDF_MANDATORY,
	[RDF_CARD_EJECT] = SCARD_RDF_OPTIONAL,
	[RDF_READER_SWALLOW] = SCARD_RDF_OPTIONAL,
	[RDF_CARD_TRACKING] = SCARD_RDF_MANDATORY,
	[RDF_SET_PROTOCOL] = SCARD_RDF_MANDATORY,
	[RDF_CARD_CONFISCATE] = SCARD_RDF_OPTIONAL,
	[RDF_IOCTL_VENDOR] = SCARD_RDF_OPTIONAL,
	[RDF_ATR_PARSE] = SCARD_RDF_OPTIONAL,
	[RDF_PIN_ENTRY] = SCARD_RDF_OPTIONAL,
};

/*
 * Check the driver's callback table and take the library's copy of it:
 * requests call the copy only, so that the table cannot change under a
 * request.
 */
static int scard_reader_take_functions(struct scard_reader *reader)
{
	unsigned int i;

	for (i = 0; i < RDF_MAX; i++) {
		bool set = reader->reader_function[i];

		if (scard_rdf_use[i] == SCARD_RDF_MANDATORY && !set)
			return -EINVAL;
		if (scard_rdf_use[i] == SCARD_RDF_UNUSED && set)
			return -EINVAL;
	}

	memcpy(reader->fn, reader->reader_function, sizeof(reader->fn));

	return 0;
}

/**
 * scard_reader_has() - whether the reader has a callback
 * @reader: a registered reader
 * @idx: the callback
 *
 * Requests call the copy of reader_function[] that scard_reader_register()
 * took (reader->fn). A driver that changed reader_function[] afterwards
 * broke the rule of &struct scard_reader: the change is reported and
 * ignored.
 *
 * Return: true if reader->fn[@idx] is set, false for an optional callback
 * the driver left out.
 */
bool scard_reader_has(struct scard_reader *reader, enum scard_rdf idx)
{
	if (READ_ONCE(reader->reader_function[idx]) != reader->fn[idx])
		scard_warn_ratelimited(reader,
				       "reader_function[%u] changed after registering, ignored\n",
				       idx);

	return reader->fn[idx];
}
EXPORT_SYMBOL_IF_KUNIT(scard_reader_has);

/**
 * scard_reader_alloc() - allocate a reader
 * @parent: the device the reader belongs to (USB interface, tty, ...)
 *
 * Allocates a reader with its scardN number (request buffers are allocated
 * per request, so an idle reader costs a few KiB). The caller
 * fills in @caps, @vendor and @reader_function[], then calls
 * scard_reader_register(). On any error after this call, drop the reader
 * with scard_reader_put(), never kfree().
 *
 * Context: process context.
 * Return: the reader, or ERR_PTR(-ENOMEM) / ERR_PTR(-ENOSPC) (no free
 * reader number: the max_readers module parameter, default 256, is
 * reached).
 */
struct scard_reader *scard_reader_alloc(struct device *parent)
{
	struct scard_reader *reader;
	int id;

	reader = kzalloc(sizeof(*reader), GFP_KERNEL);
	if (!reader)
		return ERR_PTR(-ENOMEM);

	/* -ENOSPC beyond max_readers. */
	id = ida_alloc_max(&scard_ida, max(READ_ONCE(scard_max_readers), 1U) - 1,
			   GFP_KERNEL);
	if (id < 0)
		goto err_free;

	reader->id = id;
	snprintf(reader->name, sizeof(reader->name), "scard%d", id);
	reader->parent = get_device(parent);
	kref_init(&reader->kref);
	init_rwsem(&reader->ops_sem);
	mutex_init(&reader->lock);
	spin_lock_init(&reader->state_lock);
	init_waitqueue_head(&reader->event_wq);
	init_waitqueue_head(&reader->async_wq);
	INIT_LIST_HEAD(&reader->cancelled);
	INIT_DELAYED_WORK(&reader->uevent_work, scard_uevent_work);
	INIT_WORK(&reader->async_work, scard_async_work);
	reader->state = SCARD_CARD_UNKNOWN;
	scard_card_init(reader);

	return reader;

err_free:
	kfree(reader);
	return ERR_PTR(id);
}
EXPORT_SYMBOL_GPL(scard_reader_alloc);

/**
 * scard_reader_register() - make a reader visible to user space
 * @reader: reader from scard_reader_alloc(), with caps, vendor and
 *	reader_function[] filled in
 *
 * Takes the library's copy of reader_function[], which the driver must not
 * change afterwards, and creates /dev/scardN. The card state stays
 * SCARD_CARD_UNKNOWN until the driver reports it with scard_card_event(),
 * which it may do before or after registering.
 *
 * Context: process context.
 * Return: 0, -EINVAL if a mandatory callback (RDF_CARD_POWER,
 * RDF_TRANSMIT, RDF_CARD_TRACKING, RDF_SET_PROTOCOL) is missing, an
 * unused entry (RDF_DEBUG_LEVEL, 11 and above) is set, or the reader was
 * registered before, -ENOSPC if no device minor is free (on Linux 6.1
 * none of the misc core's dynamic minors above 31 is), or another error
 * of misc_register().
 */
int scard_reader_register(struct scard_reader *reader)
{
	int ret;

	if (WARN_ON(reader->registered || reader->dead))
		return -EINVAL;

	ret = scard_reader_take_functions(reader);
	if (ret)
		return ret;

	/* Strings the driver filled in are used as C strings. */
	reader->vendor.vendor_name[sizeof(reader->vendor.vendor_name) - 1] = 0;
	reader->vendor.ifd_type[sizeof(reader->vendor.ifd_type) - 1] = 0;
	reader->vendor.ifd_serial[sizeof(reader->vendor.ifd_serial) - 1] = 0;

	reader->misc.minor = MISC_DYNAMIC_MINOR;
	reader->misc.name = reader->name;
	reader->misc.fops = &scard_fops;
	reader->misc.parent = reader->parent;
	reader->misc.groups = scard_groups;
	reader->misc.mode = 0600;

	ret = misc_register(&reader->misc);
	if (ret) {
		reader->misc.name = NULL;
		/* No free minor (-EBUSY), or it was taken (-EEXIST). */
		return ret == -EBUSY || ret == -EEXIST ? -ENOSPC : ret;
	}

	spin_lock_irq(&reader->state_lock);
	reader->registered = true;
	spin_unlock_irq(&reader->state_lock);

	if (reader->misc.minor < SCARD_MISC_MINOR_FLOOR) {
		/* It was visible for a moment: somebody may have opened it. */
		scard_reader_unregister(reader);
		return -ENOSPC;
	}

	scard_dbg(reader, "registered\n");

	return 0;
}
EXPORT_SYMBOL_GPL(scard_reader_register);

/**
 * scard_reader_unregister() - revoke a reader and remove its device
 * @reader: a registered reader
 *
 * Waits for the callback that may be running (the driver must make it
 * finish, e.g. by failing its transport first), then marks the reader dead:
 * no callback is called after this function returns. Requests sleeping on
 * a pending callback or waiting for a card event return -ENODEV, as does
 * every later file operation but close. The reader memory stays until the
 * last reference is dropped with scard_reader_put().
 *
 * Must not be called from a reader callback.
 *
 * Context: process context.
 */
void scard_reader_unregister(struct scard_reader *reader)
{
	down_write(&reader->ops_sem);
	spin_lock_irq(&reader->state_lock);
	reader->dead = true;
	spin_unlock_irq(&reader->state_lock);
	up_write(&reader->ops_sem);

	wake_up_all(&reader->async_wq);
	wake_up_all(&reader->event_wq);

	/* Neither work is queued once dead is set. */
	cancel_work_sync(&reader->async_work);
	cancel_delayed_work_sync(&reader->uevent_work);

	if (reader->registered) {
		misc_deregister(&reader->misc);
		spin_lock_irq(&reader->state_lock);
		reader->registered = false;
		spin_unlock_irq(&reader->state_lock);
	}

	scard_dbg(reader, "unregistered\n");
}
EXPORT_SYMBOL_GPL(scard_reader_unregister);

static void scard_reader_release(struct kref *kref)
{
	struct scard_reader *reader = container_of(kref, struct scard_reader,
						   kref);

	WARN_ON(reader->registered);

	ida_free(&scard_ida, reader->id);
	put_device(reader->parent);
	scard_xfer_release_all(reader);
	kfree(reader);
}

/**
 * scard_reader_get() - take a reference on a reader
 * @reader: the reader
 *
 * Context: any context.
 */
void scard_reader_get(struct scard_reader *reader)
{
	kref_get(&reader->kref);
}

/**
 * scard_reader_put() - drop a reference on a reader
 * @reader: the reader, or NULL
 *
 * The last reference frees the reader and its scardN number. A registered
 * reader must be unregistered before the driver drops its reference.
 *
 * Context: process context.
 */
void scard_reader_put(struct scard_reader *reader)
{
	if (reader)
		kref_put(&reader->kref, scard_reader_release);
}
EXPORT_SYMBOL_GPL(scard_reader_put);

MODULE_DESCRIPTION("Smart card reader driver library");
MODULE_LICENSE("GPL");
