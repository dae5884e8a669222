// SPDX-License-Identifier: GPL-2.0
/*
 * scard_test_reader: a smart card reader without hardware, for the scard
 * integration tests.
 *
 * The module registers "readers" readers at load time. The tests drive them
 * through /sys/kernel/debug/scard_test_reader/ctl, one command per line:
 *
 *	add [noopt]		new reader; "noopt" leaves the optional
 *				callbacks (eject, swallow, confiscate, vendor)
 *				NULL
 *	del <i>			unregister and release reader i
 *	insert <i> [ATR]	card in, with ATR in hex (default 3B80800101)
 *	remove <i>		card out
 *	delay <i> <ms>		callbacks (but card tracking) take that long
 *	pending <i> <ms>	the next TRANSMIT returns SCARD_PENDING and
 *				completes from a work item after ms
 *	fail <i> <rdf> <errno>	callback rdf (name or RDF_* number) fails with
 *				-errno until "fail <i> <rdf> 0"
 *	clear <i>		no delay, no pending, no failures; a pending
 *				TRANSMIT completes now
 *
 * Reading ctl prints one line per reader: its index, its device name, the
 * card presence, the number of calls of each callback and the protocol of
 * the last SET_PROTOCOL.
 *
 * TRANSMIT answers the command followed by 90 00; VENDOR code 2048 echoes
 * its input; EJECT takes the card out. A callback that starts while another
 * one is running or pending means the library broke its serialisation
 * promise; that is reported with a WARNING, which fails the test run.
 * Delays are bounded and cut short by card removal (the callback then fails
 * with -ENOMEDIUM) and by unregistration (-ENODEV).
 */

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scard.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#define TR_MAX_READERS		32
#define TR_MAX_DELAY_MS		30000
#define TR_VENDOR_ECHO		SCARD_VENDOR_CODE_MIN
#define TR_VERSION		((1 << 24) | (2 << 16) | 3)

static unsigned int readers = 1;
module_param(readers, uint, 0444);
MODULE_PARM_DESC(readers, "number of readers created at load time (default 1)");

static const u8 tr_default_atr[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
static const u32 tr_clocks[] = { 3580, 4000 };
static const u32 tr_rates[] = { 9600, 115200 };

static const char * const tr_rdf_names[RDF_MAX] = {
	[RDF_CARD_POWER] = "power",
	[RDF_TRANSMIT] = "transmit",
	[RDF_CARD_EJECT] = "eject",
	[RDF_READER_SWALLOW] = "swallow",
	[RDF_CARD_TRACKING] = "tracking",
	[RDF_SET_PROTOCOL] = "set_protocol",
	[RDF_CARD_CONFISCATE] = "confiscate",
	[RDF_IOCTL_VENDOR] = "vendor",
};

/**
 * struct tr_reader - one test reader
 * @reader: the library's reader
 * @index: index in the ctl commands
 * @lock: protects the members up to @calls
 * @atr: ATR of the inserted card
 * @atr_len: length of @atr
 * @present: a card is inserted
 * @card_gen: bumped on every insertion and removal
 * @dying: being unregistered, callbacks fail with -ENODEV
 * @delay_ms: how long callbacks take
 * @pending_ms: non-zero: the next TRANSMIT goes asynchronous
 * @pending_req: the request of the asynchronous TRANSMIT, until completed
 *	(also after the library cancelled it)
 * @pending_gen: @card_gen when the asynchronous TRANSMIT started
 * @protocol: protocol of the last SET_PROTOCOL
 * @fail: positive errno a callback fails with, by RDF index
 * @calls: calls of each callback, by RDF index
 * @wq: delayed callbacks wait here for card changes and unregistration
 * @active: callbacks running or pending, more than one is a library bug
 * @pending_work: completes the asynchronous TRANSMIT
 * @eject_work: reports the removal after an EJECT
 */
struct tr_reader {
	struct scard_reader *reader;
	unsigned int index;

	spinlock_t lock;		/* protects @atr .. @calls */
	u8 atr[SCARD_ATR_MAX];
	size_t atr_len;
	bool present;
	unsigned int card_gen;
	bool dying;
	unsigned int delay_ms;
	unsigned int pending_ms;
	struct scard_request *pending_req;
	unsigned int pending_gen;
	u32 protocol;
	int fail[RDF_MAX];
	unsigned long calls[RDF_MAX];

	wait_queue_head_t wq;
	atomic_t active;
	struct delayed_work pending_work;
	struct work_struct eject_work;
};

/* tr_mutex serialises the ctl commands and protects tr_readers. */
static DEFINE_MUTEX(tr_mutex);
static DEFINE_XARRAY_ALLOC(tr_readers);
static struct device *tr_parent;
static struct dentry *tr_debugfs;

static struct tr_reader *to_tr(struct scard_reader *reader)
{
	return scard_get_drvdata(reader);
}

static bool tr_woken(struct tr_reader *tr, unsigned int gen)
{
	bool woken;

	spin_lock(&tr->lock);
	woken = tr->dying || tr->card_gen != gen;
	spin_unlock(&tr->lock);
	return woken;
}

/*
 * Start of every callback: check the serialisation, count the call, apply
 * the configured failure and delay. With @card, the callback needs the card
 * that was there when it started; *@gen returns that card's generation.
 */
static int tr_begin(struct tr_reader *tr, enum scard_rdf rdf, bool card,
		    unsigned int *gen)
{
	unsigned int delay;
	bool present;
	int active;
	int err;

	spin_lock(&tr->lock);
	/* A TRANSMIT the library cancelled may still be pending here. */
	active = atomic_inc_return(&tr->active);
	if (tr->pending_req && scard_request_cancelled(tr->pending_req))
		active--;
	WARN_ONCE(active != 1,
		  "%s: %s callback entered while another callback runs\n",
		  scard_reader_name(tr->reader), tr_rdf_names[rdf]);
	tr->calls[rdf]++;
	err = -tr->fail[rdf];
	if (tr->dying)
		err = -ENODEV;
	delay = rdf == RDF_CARD_TRACKING ? 0 : tr->delay_ms;
	present = tr->present;
	*gen = tr->card_gen;
	spin_unlock(&tr->lock);

	if (err)
		return err;
	if (card && !present)
		return -ENOMEDIUM;
	if (!delay)
		return 0;

	wait_event_timeout(tr->wq, tr_woken(tr, *gen), msecs_to_jiffies(delay));

	spin_lock(&tr->lock);
	if (tr->dying)
		err = -ENODEV;
	else if (card && tr->card_gen != *gen)
		err = -ENOMEDIUM;
	spin_unlock(&tr->lock);
	return err;
}

static void tr_end(struct tr_reader *tr)
{
	atomic_dec(&tr->active);
}

static int tr_power(struct scard_reader *reader, struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	u8 atr[SCARD_ATR_MAX];
	unsigned int gen;
	size_t len = 0;
	int err;

	err = tr_begin(tr, RDF_CARD_POWER, true, &gen);
	if (err)
		goto out;

	switch (req->minor) {
	case SCARD_POWER_DOWN:
		break;
	case SCARD_COLD_RESET:
	case SCARD_WARM_RESET:
		spin_lock(&tr->lock);
		if (tr->card_gen == gen) {
			len = tr->atr_len;
			memcpy(atr, tr->atr, len);
		}
		spin_unlock(&tr->lock);
		err = len ? scard_set_atr(reader, atr, len) : -ENOMEDIUM;
		break;
	default:
		err = -EINVAL;
		break;
	}
out:
	tr_end(tr);
	return err;
}

/* The card's answer: the command followed by SW1 SW2 = 90 00. */
static void tr_echo(struct scard_request *req)
{
	memmove(req->recv, req->send, req->send_len);
	req->recv[req->send_len] = 0x90;
	req->recv[req->send_len + 1] = 0x00;
	req->recv_len = req->send_len + 2;
}

static int tr_transmit(struct scard_reader *reader, struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	unsigned int gen;
	bool pending = false;
	int err;

	err = tr_begin(tr, RDF_TRANSMIT, true, &gen);
	if (err)
		goto out;

	if (req->recv_size < req->send_len + 2) {
		req->recv_len = req->send_len + 2;
		err = -ENOSPC;
		goto out;
	}

	spin_lock(&tr->lock);
	if (tr->pending_ms && !tr->dying && !tr->pending_req) {
		pending = true;
		tr->pending_req = req;
		tr->pending_gen = gen;
		schedule_delayed_work(&tr->pending_work,
				      msecs_to_jiffies(tr->pending_ms));
		tr->pending_ms = 0;
	}
	spin_unlock(&tr->lock);

	/* Still active until tr_pending_work() completes the request. */
	if (pending)
		return SCARD_PENDING;

	tr_echo(req);
out:
	tr_end(tr);
	return err;
}

static void tr_pending_work(struct work_struct *work)
{
	struct tr_reader *tr = container_of(to_delayed_work(work),
					    struct tr_reader, pending_work);
	struct scard_request *req;
	int err = 0;

	spin_lock(&tr->lock);
	req = tr->pending_req;
	if (tr->dying)
		err = -ENODEV;
	else if (tr->card_gen != tr->pending_gen)
		err = -ENOMEDIUM;
	spin_unlock(&tr->lock);

	if (!req)
		return;
	/* Also when cancelled: the request's buffers are still ours. */
	if (!err)
		tr_echo(req);

	spin_lock(&tr->lock);
	tr->pending_req = NULL;
	tr_end(tr);
	spin_unlock(&tr->lock);
	scard_request_complete(req, err);
}

static int tr_set_protocol(struct scard_reader *reader,
			   struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	unsigned int gen;
	int err;

	err = tr_begin(tr, RDF_SET_PROTOCOL, true, &gen);
	if (err)
		goto out;

	if (req->minor != SCARD_PROTO_T0 && req->minor != SCARD_PROTO_T1) {
		err = -EINVAL;
		goto out;
	}
	spin_lock(&tr->lock);
	tr->protocol = req->minor;
	spin_unlock(&tr->lock);
out:
	tr_end(tr);
	return err;
}

/* The library waits for the event itself; arming needs no hardware. */
static int tr_card_tracking(struct scard_reader *reader,
			    struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	unsigned int gen;
	int err;

	err = tr_begin(tr, RDF_CARD_TRACKING, false, &gen);
	tr_end(tr);
	return err;
}

static void tr_eject_work(struct work_struct *work)
{
	struct tr_reader *tr = container_of(work, struct tr_reader, eject_work);

	scard_card_event(tr->reader, SCARD_CARD_ABSENT);
}

/*
 * The card leaves the reader at once; like a reader's interrupt, the
 * removal is reported afterwards, outside the callback.
 */
static int tr_eject(struct scard_reader *reader, struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	unsigned int gen;
	int err;

	err = tr_begin(tr, RDF_CARD_EJECT, true, &gen);
	if (err)
		goto out;

	spin_lock(&tr->lock);
	if (tr->dying) {
		err = -ENODEV;
	} else if (tr->card_gen != gen) {
		err = -ENOMEDIUM;
	} else {
		tr->present = false;
		tr->card_gen++;
		schedule_work(&tr->eject_work);
	}
	spin_unlock(&tr->lock);
	wake_up_all(&tr->wq);
out:
	tr_end(tr);
	return err;
}

static int tr_swallow(struct scard_reader *reader, struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	unsigned int gen;
	int err;

	err = tr_begin(tr, RDF_READER_SWALLOW, false, &gen);
	tr_end(tr);
	return err;
}

static int tr_confiscate(struct scard_reader *reader,
			 struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	unsigned int gen;
	int err;

	err = tr_begin(tr, RDF_CARD_CONFISCATE, false, &gen);
	tr_end(tr);
	return err;
}

static int tr_vendor(struct scard_reader *reader, struct scard_request *req)
{
	struct tr_reader *tr = to_tr(reader);
	unsigned int gen;
	int err;

	err = tr_begin(tr, RDF_IOCTL_VENDOR, false, &gen);
	if (err)
		goto out;

	if (req->minor != TR_VENDOR_ECHO) {
		err = -EINVAL;
	} else if (req->recv_size < req->send_len) {
		req->recv_len = req->send_len;
		err = -ENOSPC;
	} else {
		memmove(req->recv, req->send, req->send_len);
		req->recv_len = req->send_len;
	}
out:
	tr_end(tr);
	return err;
}

static struct tr_reader *tr_add(bool optional)
{
	struct scard_reader *reader;
	struct tr_reader *tr;
	u32 index;
	int err;

	tr = kzalloc(sizeof(*tr), GFP_KERNEL);
	if (!tr)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&tr->lock);
	init_waitqueue_head(&tr->wq);
	atomic_set(&tr->active, 0);
	INIT_DELAYED_WORK(&tr->pending_work, tr_pending_work);
	INIT_WORK(&tr->eject_work, tr_eject_work);

	err = xa_alloc(&tr_readers, &index, NULL,
		       XA_LIMIT(0, TR_MAX_READERS - 1), GFP_KERNEL);
	if (err)
		goto err_free;
	tr->index = index;

	reader = scard_reader_alloc(tr_parent);
	if (IS_ERR(reader)) {
		err = PTR_ERR(reader);
		goto err_erase;
	}
	tr->reader = reader;
	scard_set_drvdata(reader, tr);

	reader->reader_function[RDF_CARD_POWER] = tr_power;
	reader->reader_function[RDF_TRANSMIT] = tr_transmit;
	reader->reader_function[RDF_CARD_TRACKING] = tr_card_tracking;
	reader->reader_function[RDF_SET_PROTOCOL] = tr_set_protocol;
	if (optional) {
		reader->reader_function[RDF_CARD_EJECT] = tr_eject;
		reader->reader_function[RDF_READER_SWALLOW] = tr_swallow;
		reader->reader_function[RDF_CARD_CONFISCATE] = tr_confiscate;
		reader->reader_function[RDF_IOCTL_VENDOR] = tr_vendor;
		reader->caps.mechanical = SCARD_READER_EJECTS |
					  SCARD_READER_SWALLOWS |
					  SCARD_READER_CONFISCATES;
	}

	reader->caps.reader_type = SCARD_READER_TYPE_VENDOR;
	reader->caps.channel = index;
	reader->caps.protocols = SCARD_PROTO_T0 | SCARD_PROTO_T1;
	reader->caps.clk_default = tr_clocks[0];
	reader->caps.clk_max = tr_clocks[ARRAY_SIZE(tr_clocks) - 1];
	reader->caps.clk_list = tr_clocks;
	reader->caps.clk_count = ARRAY_SIZE(tr_clocks);
	reader->caps.rate_default = tr_rates[0];
	reader->caps.rate_max = tr_rates[ARRAY_SIZE(tr_rates) - 1];
	reader->caps.rate_list = tr_rates;
	reader->caps.rate_count = ARRAY_SIZE(tr_rates);
	reader->caps.max_ifsd = 254;

	strscpy(reader->vendor.vendor_name, "scard",
		sizeof(reader->vendor.vendor_name));
	strscpy(reader->vendor.ifd_type, "test reader",
		sizeof(reader->vendor.ifd_type));
	reader->vendor.ifd_version = TR_VERSION;
	snprintf(reader->vendor.ifd_serial, sizeof(reader->vendor.ifd_serial),
		 "TR-%u", index);
	reader->vendor.unit = index;

	/* No card yet: the reader starts in ABSENT, not UNKNOWN. */
	scard_card_event(reader, SCARD_CARD_ABSENT);
	err = scard_reader_register(reader);
	if (err)
		goto err_put;

	xa_store(&tr_readers, index, tr, GFP_KERNEL);
	return tr;

err_put:
	scard_reader_put(reader);
err_erase:
	xa_erase(&tr_readers, index);
err_free:
	kfree(tr);
	return ERR_PTR(err);
}

/*
 * Unplug: cut delayed callbacks short, finish an asynchronous TRANSMIT with
 * -ENODEV, drop a removal not yet reported, then let the library revoke the
 * callbacks. Open files keep the library's reader; ours goes now.
 */
static void tr_del(struct tr_reader *tr)
{
	spin_lock(&tr->lock);
	tr->dying = true;
	if (tr->pending_req)
		mod_delayed_work(system_wq, &tr->pending_work, 0);
	spin_unlock(&tr->lock);
	wake_up_all(&tr->wq);
	flush_delayed_work(&tr->pending_work);
	cancel_work_sync(&tr->eject_work);

	scard_reader_unregister(tr->reader);
	scard_reader_put(tr->reader);
	xa_erase(&tr_readers, tr->index);
	kfree(tr);
}

static int tr_parse_atr(struct tr_reader *tr, const char *s)
{
	u8 atr[SCARD_ATR_MAX];
	size_t len = 0;
	int hi, lo;

	for (;;) {
		while (isspace(*s) || *s == ':')
			s++;
		if (!*s)
			break;
		hi = hex_to_bin(s[0]);
		lo = hex_to_bin(s[1]);
		if (hi < 0 || lo < 0 || len == sizeof(atr))
			return -EINVAL;
		atr[len++] = hi << 4 | lo;
		s += 2;
	}

	spin_lock(&tr->lock);
	if (len) {
		memcpy(tr->atr, atr, len);
		tr->atr_len = len;
	} else {
		memcpy(tr->atr, tr_default_atr, sizeof(tr_default_atr));
		tr->atr_len = sizeof(tr_default_atr);
	}
	spin_unlock(&tr->lock);
	return 0;
}

static int tr_card_change(struct tr_reader *tr, bool insert, char *args)
{
	int err = 0;

	/* An EJECT's removal must not overtake this change. */
	flush_work(&tr->eject_work);

	spin_lock(&tr->lock);
	if (tr->present == insert)
		err = insert ? -EBUSY : -ENOMEDIUM;
	spin_unlock(&tr->lock);
	if (err)
		return err;

	if (insert) {
		err = tr_parse_atr(tr, args);
		if (err)
			return err;
	}

	spin_lock(&tr->lock);
	tr->present = insert;
	tr->card_gen++;
	spin_unlock(&tr->lock);
	wake_up_all(&tr->wq);

	scard_card_event(tr->reader, insert ? SCARD_CARD_PRESENT : SCARD_CARD_ABSENT);
	return 0;
}

static char *tr_next_word(char **s)
{
	char *word = skip_spaces(*s);
	char *end = word;

	if (!*word)
		return NULL;
	while (*end && !isspace(*end))
		end++;
	if (*end)
		*end++ = '\0';
	*s = end;
	return word;
}

static int tr_next_uint(char **s, unsigned int *val)
{
	char *word = tr_next_word(s);

	if (!word)
		return -EINVAL;
	return kstrtouint(word, 0, val);
}

static int tr_parse_rdf(const char *word)
{
	unsigned int rdf;
	int i;

	for (i = 0; i < RDF_MAX; i++)
		if (tr_rdf_names[i] && !strcmp(word, tr_rdf_names[i]))
			return i;
	if (kstrtouint(word, 0, &rdf) || rdf >= RDF_MAX)
		return -EINVAL;
	return rdf;
}

static int tr_cmd_fail(struct tr_reader *tr, char *args)
{
	unsigned int err;
	char *word;
	int rdf;

	word = tr_next_word(&args);
	if (!word)
		return -EINVAL;
	rdf = tr_parse_rdf(word);
	if (rdf < 0)
		return rdf;
	if (tr_next_uint(&args, &err) || err > MAX_ERRNO)
		return -EINVAL;

	spin_lock(&tr->lock);
	tr->fail[rdf] = err;
	spin_unlock(&tr->lock);
	return 0;
}

static int tr_cmd_time(unsigned int *field, struct tr_reader *tr, char *args)
{
	unsigned int ms;

	if (tr_next_uint(&args, &ms) || ms > TR_MAX_DELAY_MS)
		return -EINVAL;
	spin_lock(&tr->lock);
	*field = ms;
	spin_unlock(&tr->lock);
	return 0;
}

static int tr_cmd_clear(struct tr_reader *tr)
{
	spin_lock(&tr->lock);
	tr->delay_ms = 0;
	tr->pending_ms = 0;
	memset(tr->fail, 0, sizeof(tr->fail));
	if (tr->pending_req)
		mod_delayed_work(system_wq, &tr->pending_work, 0);
	spin_unlock(&tr->lock);
	flush_delayed_work(&tr->pending_work);
	return 0;
}

/* Commands on an existing reader, "<cmd> <i> [args]"; tr_mutex held. */
static int tr_reader_cmd(const char *cmd, char *args)
{
	struct tr_reader *tr;
	unsigned int index;

	if (tr_next_uint(&args, &index))
		return -EINVAL;
	tr = xa_load(&tr_readers, index);
	if (!tr)
		return -ENODEV;

	if (!strcmp(cmd, "del")) {
		tr_del(tr);
		return 0;
	}
	if (!strcmp(cmd, "insert"))
		return tr_card_change(tr, true, args);
	if (!strcmp(cmd, "remove"))
		return tr_card_change(tr, false, args);
	if (!strcmp(cmd, "delay"))
		return tr_cmd_time(&tr->delay_ms, tr, args);
	if (!strcmp(cmd, "pending"))
		return tr_cmd_time(&tr->pending_ms, tr, args);
	if (!strcmp(cmd, "fail"))
		return tr_cmd_fail(tr, args);
	if (!strcmp(cmd, "clear"))
		return tr_cmd_clear(tr);
	return -EINVAL;
}

static int tr_cmd(char *line)
{
	struct tr_reader *tr;
	char *cmd, *opt;
	int err;

	cmd = tr_next_word(&line);
	if (!cmd)
		return 0;

	mutex_lock(&tr_mutex);
	if (!strcmp(cmd, "add")) {
		opt = tr_next_word(&line);
		if (opt && strcmp(opt, "noopt")) {
			err = -EINVAL;
		} else {
			tr = tr_add(!opt);
			err = PTR_ERR_OR_ZERO(tr);
		}
	} else {
		err = tr_reader_cmd(cmd, line);
	}
	mutex_unlock(&tr_mutex);
	return err;
}

static ssize_t tr_ctl_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char *buf, *pos, *line;
	int err = 0;

	if (count > PAGE_SIZE)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	pos = buf;
	while (!err && (line = strsep(&pos, "\n")))
		err = tr_cmd(line);
	kfree(buf);
	if (err)
		return err;
	return count;
}

static int tr_ctl_show(struct seq_file *m, void *v)
{
	struct tr_reader *tr;
	unsigned long index;
	int i;

	mutex_lock(&tr_mutex);
	xa_for_each(&tr_readers, index, tr) {
		spin_lock(&tr->lock);
		seq_printf(m, "%u %s card=%d", tr->index,
			   scard_reader_name(tr->reader), tr->present);
		for (i = 0; i < RDF_MAX; i++)
			if (tr_rdf_names[i])
				seq_printf(m, " %s=%lu", tr_rdf_names[i],
					   tr->calls[i]);
		seq_printf(m, " protocol=%u delay=%u\n", tr->protocol,
			   tr->delay_ms);
		spin_unlock(&tr->lock);
	}
	mutex_unlock(&tr_mutex);
	return 0;
}

static int tr_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, tr_ctl_show, NULL);
}

static const struct file_operations tr_ctl_fops = {
	.owner = THIS_MODULE,
	.open = tr_ctl_open,
	.read = seq_read,
	.write = tr_ctl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void tr_del_all(void)
{
	struct tr_reader *tr;
	unsigned long index;

	mutex_lock(&tr_mutex);
	xa_for_each(&tr_readers, index, tr)
		tr_del(tr);
	mutex_unlock(&tr_mutex);
}

static int __init tr_init(void)
{
	unsigned int i;
	int err = 0;

	if (readers > TR_MAX_READERS)
		return -EINVAL;

	tr_parent = root_device_register(KBUILD_MODNAME);
	if (IS_ERR(tr_parent))
		return PTR_ERR(tr_parent);

	mutex_lock(&tr_mutex);
	for (i = 0; i < readers && !err; i++)
		err = PTR_ERR_OR_ZERO(tr_add(true));
	mutex_unlock(&tr_mutex);
	if (err) {
		tr_del_all();
		root_device_unregister(tr_parent);
		return err;
	}

	tr_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0600, tr_debugfs, NULL, &tr_ctl_fops);
	return 0;
}
module_init(tr_init);

static void __exit tr_exit(void)
{
	debugfs_remove_recursive(tr_debugfs);
	tr_del_all();
	root_device_unregister(tr_parent);
}
module_exit(tr_exit);

MODULE_DESCRIPTION("Smart card test reader driven through debugfs");
MODULE_LICENSE("GPL");
