// SPDX-License-Identifier: GPL-2.0
/*
 * ifd-scard: the readers pcscd opened, and where their nodes are.
 *
 * A reader.conf.d entry names its node: DEVICENAME /dev/scardN:scard (the
 * ':' keeps pcscd from stat()ing the name at start). A USB reader comes
 * from pcscd's hotplug as "usb:VVVV/PPPP:libudev:I:/dev/bus/usb/BBB/DDD":
 * its nodes are the scard misc devices under interface I of that device
 * in sysfs, one per slot, in slot order.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "ifd_scard.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SYS_USB		"/sys/bus/usb/devices"
/* The class of a CCID interface (bInterfaceClass). */
#define USB_CLASS_CCID	0x0b
/* How long a freshly plugged reader may take to get its nodes. */
#define USB_NODE_WAIT_MS	3000

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ifd_reader table[IFD_MAX_READERS * IFD_MAX_SLOTS];

struct ifd_reader *ifd_reader_get(unsigned long lun)
{
	struct ifd_reader *r = NULL;
	size_t i;

	pthread_mutex_lock(&table_lock);
	for (i = 0; i < ARRAY_SIZE(table); i++) {
		if (table[i].used && table[i].lun == lun) {
			r = &table[i];
			break;
		}
	}
	pthread_mutex_unlock(&table_lock);
	return r;
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return 0;
}

static long read_num(const char *path, int base)
{
	char buf[32];

	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, base);
}

/* The sysfs name ("1-1") of the USB device at bus @bus, address @dev. */
static int usb_device(int bus, int dev, char *name, size_t size)
{
	struct dirent *d;
	char path[300];
	DIR *dir;
	int ret = -ENODEV;

	dir = opendir(SYS_USB);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || strchr(d->d_name, ':'))
			continue;
		snprintf(path, sizeof(path), SYS_USB "/%s/busnum", d->d_name);
		if (read_num(path, 10) != bus)
			continue;
		snprintf(path, sizeof(path), SYS_USB "/%s/devnum", d->d_name);
		if (read_num(path, 10) != dev)
			continue;
		snprintf(name, size, "%.60s", d->d_name);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

static int cmp_nodes(const void *a, const void *b)
{
	const char *x = a, *y = b;

	return atoi(x + 5) - atoi(y + 5);
}

/* The scard nodes under interface directory @intf, in slot order. */
static int intf_nodes(const char *intf, char nodes[][64], int max)
{
	char path[320];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "%s/misc", intf);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < max) {
		if (strncmp(d->d_name, "scard", 5) ||
		    d->d_name[5] < '0' || d->d_name[5] > '9')
			continue;
		snprintf(nodes[n++], 64, "%.60s", d->d_name);
	}
	closedir(dir);
	qsort(nodes, n, 64, cmp_nodes);
	return n;
}

static int intf_bound_to_scard(const char *intf)
{
	char path[320], link[320];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", intf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = 0;
	return !!strstr(link, "/scard_ccid_usb");
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/**
 * ifd_usb_nodes() - the /dev/scardN nodes of a pcscd USB device name
 * @device_name: "usb:VVVV/PPPP:libudev:I:/dev/bus/usb/BBB/DDD"
 * @nodes: out: "scardN" names, in slot order
 * @max: room in @nodes
 *
 * Return: the number of nodes; -ENODEV when the interface is not one the
 * kernel's CCID driver serves and is no CCID interface either (pcscd
 * tries another interface), -EAGAIN for a CCID interface that
 * scard_ccid_usb does not drive (pcscd falls back to libccid), -EINVAL
 * for a name of another form.
 */
int ifd_usb_nodes(const char *device_name, char nodes[][64], int max)
{
	unsigned int vid, pid, ifnum, bus, dev;
	char name[64], intf[300], path[320];
	long waited = 0, cls;
	int n;

	if (sscanf(device_name, "usb:%x/%x:libudev:%u:/dev/bus/usb/%u/%u",
		   &vid, &pid, &ifnum, &bus, &dev) != 5)
		return -EINVAL;

	for (;;) {
		if (usb_device(bus, dev, name, sizeof(name)))
			return -ENODEV;
		/* Configuration 1 is the only one CCID readers have. */
		snprintf(intf, sizeof(intf), SYS_USB "/%s/%s:1.%u", name,
			 name, ifnum);
		snprintf(path, sizeof(path), "%s/bInterfaceClass", intf);
		cls = read_num(path, 16);
		if (cls < 0)
			return -ENODEV;
		n = intf_nodes(intf, nodes, max);
		if (n > 0)
			return n;
		if (cls != USB_CLASS_CCID)
			return -ENODEV;
		/* Bound but not registered yet, or not bound yet: wait. */
		if (waited >= USB_NODE_WAIT_MS)
			return -EAGAIN;
		if (!intf_bound_to_scard(intf) && waited >= USB_NODE_WAIT_MS / 3)
			return -EAGAIN;
		sleep_ms(50);
		waited += 50;
	}
}

static int reader_setup(struct ifd_reader *r, unsigned long lun,
			const char *path, int hotplug, int slots)
{
	int fd, efd;

	fd = sdev_open(path);
	if (fd < 0)
		return fd;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0) {
		efd = -errno;
		close(fd);
		return efd;
	}
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->lun = lun;
	r->fd = fd;
	r->stop_fd = efd;
	r->hotplug = hotplug;
	r->slots = slots;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->used = 1;
	return 0;
}

/**
 * ifd_reader_open() - open the node of a channel
 * @lun: pcscd's logical unit number
 * @device_name: the reader.conf.d DEVICENAME or pcscd's USB device name
 *
 * Return: 0; -EEXIST (@lun is open), -ENOSPC (too many), -ENODEV /
 * -EAGAIN / -EINVAL (see ifd_usb_nodes()), or the error of open().
 */
int ifd_reader_open(unsigned long lun, const char *device_name)
{
	char nodes[IFD_MAX_SLOTS][64], path[64];
	unsigned int slot = lun & 0xffff;
	struct ifd_reader *r = NULL;
	int hotplug = 0, slots = 1, n, ret;
	const char *colon;
	size_t i;

	if (!strncmp(device_name, "usb:", 4)) {
		n = ifd_usb_nodes(device_name, nodes, IFD_MAX_SLOTS);
		if (n < 0)
			return n;
		if (slot >= (unsigned int)n)
			return -ENODEV;
		snprintf(path, sizeof(path), "/dev/%s", nodes[slot]);
		hotplug = 1;
		slots = n;
	} else {
		colon = strchr(device_name, ':');
		n = colon ? colon - device_name : (int)strlen(device_name);
		if (n <= 0 || n >= (int)sizeof(path))
			return -EINVAL;
		snprintf(path, sizeof(path), "%.*s", n, device_name);
	}

	pthread_mutex_lock(&table_lock);
	for (i = 0; i < ARRAY_SIZE(table); i++) {
		if (table[i].used && table[i].lun == lun) {
			pthread_mutex_unlock(&table_lock);
			return -EEXIST;
		}
		if (!table[i].used && !r)
			r = &table[i];
	}
	ret = r ? reader_setup(r, lun, path, hotplug, slots) : -ENOSPC;
	pthread_mutex_unlock(&table_lock);
	return ret;
}

void ifd_reader_close(struct ifd_reader *r)
{
	pthread_mutex_lock(&table_lock);
	close(r->fd);
	close(r->stop_fd);
	pthread_mutex_destroy(&r->lock);
	r->used = 0;
	pthread_mutex_unlock(&table_lock);
}

/**
 * ifd_reader_revive() - open the node of a reader.conf.d reader again
 * @r: a reader whose node reported an unplug; r->lock held
 *
 * A reader that comes back under the same name (a virtual reader created
 * again, a serial reader attached again) is served again: the new file
 * takes the old descriptor's number, so that a polling function waiting
 * on it keeps a valid descriptor.
 *
 * Return: 0 or a negative errno (the node is still gone).
 */
int ifd_reader_revive(struct ifd_reader *r)
{
	int fd;

	if (r->hotplug || r->removed)
		return -ENODEV;
	fd = sdev_open(r->path);
	if (fd < 0)
		return fd;
	if (dup3(fd, r->fd, O_CLOEXEC) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	r->dead = 0;
	r->seen_present = 0;
	r->powered = 0;
	return 0;
}
