// SPDX-License-Identifier: GPL-2.0
/*
 * scard: sysfs attributes of /sys/class/misc/scardN and the KOBJ_CHANGE
 * uevent sent on card insertion and removal.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#include "scard_core.h"

static const char * const scard_state_names[] = {
	[SCARD_CARD_UNKNOWN] = "unknown",
	[SCARD_CARD_ABSENT] = "absent",
	[SCARD_CARD_PRESENT] = "present",
	[SCARD_CARD_SWALLOWED] = "swallowed",
	[SCARD_CARD_POWERED] = "powered",
	[SCARD_CARD_NEGOTIABLE] = "negotiable",
	[SCARD_CARD_SPECIFIC] = "specific",
};

/**
 * scard_state_name() - name of a card state
 * @state: SCARD_CARD_UNKNOWN .. SCARD_CARD_SPECIFIC
 *
 * Return: "unknown", "absent", "present", "swallowed", "powered",
 * "negotiable" or "specific".
 */
const char *scard_state_name(unsigned int state)
{
	if (state >= ARRAY_SIZE(scard_state_names))
		return "unknown";

	return scard_state_names[state];
}

static struct scard_reader *to_scard_reader(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return container_of(misc, struct scard_reader, misc);
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  scard_state_name(scard_get_state(to_scard_reader(dev))));
}
static DEVICE_ATTR_RO(state);

static ssize_t protocol_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct scard_reader *reader = to_scard_reader(dev);
	unsigned int state;
	u32 protocol;

	scard_read_state(reader, &state, &protocol);
	switch (protocol) {
	case SCARD_PROTO_T0:
		return sysfs_emit(buf, "T=0\n");
	case SCARD_PROTO_T1:
		return sysfs_emit(buf, "T=1\n");
	case SCARD_PROTO_RAW:
		return sysfs_emit(buf, "raw\n");
	default:
		return sysfs_emit(buf, "none\n");
	}
}
static DEVICE_ATTR_RO(protocol);

static ssize_t atr_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct scard_reader *reader = to_scard_reader(dev);
	u8 atr[SCARD_ATR_MAX];
	size_t len = 0;

	/*
	 * A copy kept under the state lock (scard_card_settle()): reading
	 * never waits for a request in progress. Not the ATR of a card
	 * removed since, nor of one powered down.
	 */
	spin_lock_irq(&reader->state_lock);
	if (reader->state >= SCARD_CARD_POWERED &&
	    reader->card_epoch == reader->removals) {
		len = reader->atr_shown_len;
		memcpy(atr, reader->atr_shown, len);
	}
	spin_unlock_irq(&reader->state_lock);

	return sysfs_emit(buf, "%*phN\n", (int)len, atr);
}
static DEVICE_ATTR_RO(atr);

static ssize_t events_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct scard_reader *reader = to_scard_reader(dev);
	u64 events;

	spin_lock_irq(&reader->state_lock);
	events = reader->events;
	spin_unlock_irq(&reader->state_lock);

	return sysfs_emit(buf, "%llu\n", events);
}
static DEVICE_ATTR_RO(events);

static ssize_t reader_name_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	const struct scard_vendor_attr *vendor = &to_scard_reader(dev)->vendor;

	return sysfs_emit(buf, "%s%s%s\n", vendor->vendor_name,
			  vendor->vendor_name[0] && vendor->ifd_type[0] ?
			  " " : "", vendor->ifd_type);
}
static DEVICE_ATTR_RO(reader_name);

static struct attribute *scard_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_protocol.attr,
	&dev_attr_atr.attr,
	&dev_attr_events.attr,
	&dev_attr_reader_name.attr,
	NULL
};

static const struct attribute_group scard_group = {
	.attrs = scard_attrs,
};

const struct attribute_group *scard_groups[] = {
	&scard_group,
	NULL
};
EXPORT_SYMBOL_IF_KUNIT(scard_groups);

/*
 * Card insertion or removal: tell user space, SCARD_UEVENT_DELAY_MS after
 * the change. Events close together are reported once, with the state at
 * the time the work runs; SCARD_EVENTS lets listeners see how many they
 * missed.
 */
void scard_uevent_work(struct work_struct *work)
{
	struct scard_reader *reader = container_of(to_delayed_work(work),
						   struct scard_reader,
						   uevent_work);
	char state_env[32], events_env[40];
	char *envp[3];
	unsigned int state;
	u64 events;

	spin_lock_irq(&reader->state_lock);
	state = reader->state;
	events = reader->events;
	spin_unlock_irq(&reader->state_lock);

	snprintf(state_env, sizeof(state_env), "SCARD_STATE=%s",
		 scard_state_name(state));
	snprintf(events_env, sizeof(events_env), "SCARD_EVENTS=%llu", events);
	envp[0] = state_env;
	envp[1] = events_env;
	envp[2] = NULL;
	kobject_uevent_env(&reader->misc.this_device->kobj, KOBJ_CHANGE, envp);
}
