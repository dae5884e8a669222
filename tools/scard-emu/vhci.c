// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: the /dev/scard_vhci transport and the event loop.
 *
 * The process creates its readers, inserts their cards and answers the
 * kernel's requests (include/uapi/linux/scard_vhci.h). Answers may be due
 * later (a slow card): each reader has at most one answer waiting, and a
 * new request of that reader replaces it (the kernel gave up on the old
 * one). The loop also reads stdin commands (--events), toggles the cards
 * (--toggle) and handles signals: SIGINT/SIGTERM end the program (closing
 * the file unplugs the readers), SIGUSR1 inserts and SIGUSR2 removes the
 * cards.
 *
 * stdin commands (--events), the reader index optional (default all):
 *   insert [I] | remove [I] | toggle [I] | mute [I] | unmute [I] | status |
 *   quit (mute: transfers get no answer, as --mute)
 *
 * Vendor requests (REQ_VENDOR @arg):
 *   2048 echo the input, 2049 version string, 2050 remove the card,
 *   2051 (re)insert the card, 2052 the number of commands since insertion
 *   (u32, native endian)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "emu.h"

#define VHCI_PATH		"/dev/scard_vhci"
#define VENDOR_ECHO		(SCARD_VENDOR_CODE_MIN + 0)
#define VENDOR_VERSION		(SCARD_VENDOR_CODE_MIN + 1)
#define VENDOR_REMOVE		(SCARD_VENDOR_CODE_MIN + 2)
#define VENDOR_INSERT		(SCARD_VENDOR_CODE_MIN + 3)
#define VENDOR_COUNT		(SCARD_VENDOR_CODE_MIN + 4)

struct emu_reader {
	struct emu_card card;
	int devno;
	bool created;
	bool ans_active;
	u32 ans_id;
	s32 ans_status;
	u64 ans_at;
	struct emu_buf ans;
};

struct emu_vhci {
	const struct emu_config *cfg;
	int fd;
	int sfd;
	struct emu_reader *r;
	u32 n;
	u8 *msg;		/* message being written */
	u8 *rbuf;		/* message being read */
	size_t msg_size;
	bool quit;
	int status;
	bool stdin_open;
	char line[512];
	size_t line_len;
	u64 toggle_at;
	bool ready;
};

static int vhci_write(struct emu_vhci *v, u32 type, u32 reader, u32 id,
		      s32 status, const void *payload, size_t len)
{
	struct scard_vhci_msg *h = (struct scard_vhci_msg *)v->msg;
	ssize_t n;

	memset(h, 0, sizeof(*h));
	h->type = type;
	h->reader = reader;
	h->id = id;
	h->status = status;
	h->len = len;
	if (len)
		memcpy(v->msg + sizeof(*h), payload, len);
	n = write(v->fd, v->msg, sizeof(*h) + len);
	if (n < 0)
		return -errno;
	return 0;
}

static void reader_insert(struct emu_vhci *v, struct emu_reader *r)
{
	struct emu_card *c = &r->card;
	int ret;

	if (c->present)
		return;
	card_insert(c);
	ret = vhci_write(v, SCARD_VHCI_INSERT, c->index, 0, 0, c->atr,
			 c->atr_len);
	if (ret)
		emu_warn("reader %u: INSERT failed: %s", c->index,
			 strerror(-ret));
	emu_log(c, "card inserted");
}

static void reader_remove(struct emu_vhci *v, struct emu_reader *r)
{
	struct emu_card *c = &r->card;
	int ret;

	if (!c->present)
		return;
	card_remove(c);
	r->ans_active = false;
	ret = vhci_write(v, SCARD_VHCI_REMOVE, c->index, 0, 0, NULL, 0);
	if (ret)
		emu_warn("reader %u: REMOVE failed: %s", c->index,
			 strerror(-ret));
	emu_log(c, "card removed");
	if (v->cfg->once)
		v->quit = true;
}

static void reader_toggle(struct emu_vhci *v, struct emu_reader *r)
{
	if (r->card.present)
		reader_remove(v, r);
	else
		reader_insert(v, r);
}

static void reader_mute(struct emu_vhci *v, struct emu_reader *r)
{
	(void)v;
	r->card.muted = true;
}

static void reader_unmute(struct emu_vhci *v, struct emu_reader *r)
{
	(void)v;
	r->card.muted = false;
}

static int reader_create(struct emu_vhci *v, struct emu_reader *r)
{
	const struct emu_config *cfg = v->cfg;
	struct scard_vhci_create cr;
	int ret;

	memset(&cr, 0, sizeof(cr));
	snprintf(cr.vendor_name, sizeof(cr.vendor_name), "scard-emu");
	snprintf(cr.ifd_type, sizeof(cr.ifd_type), "%s", cfg->name);
	snprintf(cr.ifd_serial, sizeof(cr.ifd_serial), "EMU%04u",
		 r->card.index);
	cr.level = cfg->level;
	cr.protocols = cfg->reader_protocols;
	cr.max_ifsd = cfg->max_ifsd;
	cr.mechanical = cfg->mechanical;
	cr.ifd_version = 0x01000000;
	ret = vhci_write(v, SCARD_VHCI_CREATE, r->card.index, 0, 0, &cr,
			 sizeof(cr));
	if (ret)
		emu_warn("reader %u: CREATE failed: %s", r->card.index,
			 strerror(-ret));
	return ret;
}

static struct emu_reader *reader_find(struct emu_vhci *v, u32 index)
{
	u32 i;

	for (i = 0; i < v->n; i++)
		if (v->r[i].card.index == index)
			return &v->r[i];
	return NULL;
}

static void ready_check(struct emu_vhci *v)
{
	const char *path = v->cfg->ready_file;
	char tmp[4096];
	FILE *f;
	u32 i;

	for (i = 0; i < v->n; i++)
		if (!v->r[i].created)
			return;
	v->ready = true;
	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		emu_warn("%s: %s", tmp, strerror(errno));
		return;
	}
	for (i = 0; i < v->n; i++)
		fprintf(f, "/dev/scard%d\n", v->r[i].devno);
	if (fclose(f) || rename(tmp, path))
		emu_warn("%s: %s", path, strerror(errno));
}

static void answer_send(struct emu_vhci *v, struct emu_reader *r)
{
	struct emu_card *c = &r->card;
	int ret;

	r->ans_active = false;
	if (r->ans_status)
		emu_log(c, "answer %u: status %d", r->ans_id, r->ans_status);
	ret = vhci_write(v, SCARD_VHCI_ANSWER, c->index, r->ans_id,
			 r->ans_status, r->ans.data, r->ans.len);
	if (ret == -EINVAL)
		emu_log(c, "answer %u refused (too late?)", r->ans_id);
	else if (ret)
		emu_warn("reader %u: ANSWER failed: %s", c->index,
			 strerror(-ret));
	if (fault_remove_due(c)) {
		emu_log(c, "removing the card after %lu commands", c->apdus);
		reader_remove(v, r);
	}
}

/* Answer request @id at @at (now if it is past). */
static void answer(struct emu_vhci *v, struct emu_reader *r, u32 id,
		   s32 status, const void *p, size_t len, u64 at)
{
	buf_reset(&r->ans);
	buf_put(&r->ans, p, len);
	r->ans_id = id;
	r->ans_status = status;
	r->ans_at = at;
	r->ans_active = true;
	if (at <= now_ms())
		answer_send(v, r);
}

/* The card's bytes for a transfer: all of them, or @want (char level). */
static void answer_xfer(struct emu_vhci *v, struct emu_reader *r, u32 id,
			u32 want, u64 now)
{
	struct emu_card *c = &r->card;
	struct emu_outq *q = &c->out;
	size_t n = q->len;
	s32 status = 0;
	u64 at = now;
	u8 *buf;

	if (v->cfg->level == SCARD_VHCI_LEVEL_CHAR) {
		if (n > want)
			n = want;
		if (n < want)
			status = -ETIMEDOUT;
	} else if (!n) {
		status = -ETIMEDOUT;
	}
	if (n && q->at[n - 1] > at)
		at = q->at[n - 1];
	buf = emu_alloc(n);
	outq_take(q, buf, n);
	if (v->cfg->level != SCARD_VHCI_LEVEL_CHAR)
		outq_clear(q);
	if (n)
		emu_dump(c, at > now ? "-> (late)" : "->", buf, n);
	answer(v, r, id, status, buf, n, at);
	free(buf);
}

static void handle_vendor(struct emu_vhci *v, struct emu_reader *r,
			  const struct scard_vhci_msg *h, const u8 *p)
{
	static const char version[] = "scard-emu " EMU_VERSION;
	struct emu_card *c = &r->card;
	u32 count = c->apdus;
	u64 now = now_ms();

	switch (h->arg) {
	case VENDOR_ECHO:
		answer(v, r, h->id, 0, p, h->len, now);
		break;
	case VENDOR_VERSION:
		answer(v, r, h->id, 0, version, strlen(version), now);
		break;
	case VENDOR_REMOVE:
		answer(v, r, h->id, 0, NULL, 0, now);
		reader_remove(v, r);
		break;
	case VENDOR_INSERT:
		answer(v, r, h->id, 0, NULL, 0, now);
		reader_insert(v, r);
		break;
	case VENDOR_COUNT:
		answer(v, r, h->id, 0, &count, sizeof(count), now);
		break;
	default:
		answer(v, r, h->id, -EOPNOTSUPP, NULL, 0, now);
		break;
	}
}

static void handle_request(struct emu_vhci *v, struct emu_reader *r,
			   const struct scard_vhci_msg *h, const u8 *p)
{
	const struct emu_config *cfg = v->cfg;
	struct emu_card *c = &r->card;
	u64 now = now_ms();

	if (r->ans_active) {
		emu_log(c, "request %u replaces the answer to %u", h->id,
			r->ans_id);
		r->ans_active = false;
	}
	c->timeout_ms = h->timeout_ms;
	if (cfg->hang && h->type == SCARD_VHCI_REQ_XFER) {
		emu_log(c, "hang: transfer %u left unanswered", h->id);
		return;
	}
	if (!c->present && h->type != SCARD_VHCI_REQ_VENDOR) {
		answer(v, r, h->id, -ENOMEDIUM, NULL, 0, now);
		return;
	}

	switch (h->type) {
	case SCARD_VHCI_REQ_POWER:
		if (h->arg == SCARD_POWER_DOWN) {
			emu_log(c, "power down");
			card_power_down(c);
			answer(v, r, h->id, 0, NULL, 0, now);
			break;
		}
		card_reset(c, h->arg == SCARD_WARM_RESET);
		emu_dump(c, h->arg == SCARD_WARM_RESET ? "warm reset, ATR" :
			 "cold reset, ATR", c->atr, c->atr_len);
		if (cfg->mute_atr)
			answer(v, r, h->id, -ETIMEDOUT, NULL, 0, now);
		else
			answer(v, r, h->id, 0, c->atr, c->atr_len, now);
		break;
	case SCARD_VHCI_REQ_PROTOCOL:
		if (!(h->arg & c->ai.protocols) ||
		    (h->arg & ~SCARD_PROTO_TX)) {
			answer(v, r, h->id, -EOPNOTSUPP, NULL, 0, now);
			break;
		}
		c->proto = h->arg & SCARD_PROTO_T0 ? SCARD_PROTO_T0 :
							SCARD_PROTO_T1;
		c->negotiable = false;
		emu_log(c, "protocol T=%d", c->proto == SCARD_PROTO_T1);
		answer(v, r, h->id, 0, NULL, 0, now);
		break;
	case SCARD_VHCI_REQ_XFER:
		if (!c->powered) {
			answer(v, r, h->id, -ETIMEDOUT, NULL, 0, now);
			break;
		}
		link_xfer(c, h->arg, p, h->len, now);
		answer_xfer(v, r, h->id, h->arg, now);
		break;
	case SCARD_VHCI_REQ_EJECT:
	case SCARD_VHCI_REQ_CONFISCATE:
		emu_log(c, "%s", h->type == SCARD_VHCI_REQ_EJECT ? "eject" :
			"confiscate");
		answer(v, r, h->id, 0, NULL, 0, now);
		reader_remove(v, r);
		break;
	case SCARD_VHCI_REQ_SWALLOW:
		emu_log(c, "swallow");
		answer(v, r, h->id, 0, NULL, 0, now);
		break;
	case SCARD_VHCI_REQ_VENDOR:
		handle_vendor(v, r, h, p);
		break;
	default:
		answer(v, r, h->id, -EOPNOTSUPP, NULL, 0, now);
		break;
	}
}

static void handle_message(struct emu_vhci *v, const u8 *buf, size_t n)
{
	const struct scard_vhci_msg *h = (const void *)buf;
	struct emu_reader *r;

	if (n < sizeof(*h) || h->len != n - sizeof(*h)) {
		emu_warn("malformed message (%zu bytes)", n);
		return;
	}
	r = reader_find(v, h->reader);
	if (!r) {
		emu_warn("message %u for unknown reader %u", h->type,
			 h->reader);
		return;
	}
	if (h->type == SCARD_VHCI_EV_CREATED) {
		r->devno = h->arg;
		r->created = true;
		printf("scard-emu: reader %u: /dev/scard%d\n", h->reader,
		       r->devno);
		fflush(stdout);
		ready_check(v);
		return;
	}
	handle_request(v, r, h, buf + sizeof(*h));
}

static void vhci_read(struct emu_vhci *v)
{
	u8 *buf = v->rbuf;
	ssize_t n;

	for (;;) {
		n = read(v->fd, buf, v->msg_size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				emu_warn("read: %s", strerror(errno));
				v->quit = true;
				v->status = 1;
			}
			break;
		}
		if (!n) {
			v->quit = true;
			break;
		}
		handle_message(v, buf, n);
	}
}

static void each_reader(struct emu_vhci *v, const char *arg,
			void (*fn)(struct emu_vhci *v, struct emu_reader *r))
{
	struct emu_reader *r;
	char *end;
	u32 i;

	if (arg && *arg) {
		i = strtoul(arg, &end, 0);
		r = reader_find(v, i);
		if (*end || !r) {
			emu_warn("no reader %s", arg);
			return;
		}
		fn(v, r);
		return;
	}
	for (i = 0; i < v->n; i++)
		fn(v, &v->r[i]);
}

static void event_command(struct emu_vhci *v, char *line)
{
	char *cmd = strtok(line, " \t\r");
	char *arg = strtok(NULL, " \t\r");
	u32 i;

	if (!cmd)
		return;
	if (!strcmp(cmd, "insert")) {
		each_reader(v, arg, reader_insert);
	} else if (!strcmp(cmd, "remove")) {
		each_reader(v, arg, reader_remove);
	} else if (!strcmp(cmd, "toggle")) {
		each_reader(v, arg, reader_toggle);
	} else if (!strcmp(cmd, "mute")) {
		each_reader(v, arg, reader_mute);
	} else if (!strcmp(cmd, "unmute")) {
		each_reader(v, arg, reader_unmute);
	} else if (!strcmp(cmd, "quit")) {
		v->quit = true;
	} else if (!strcmp(cmd, "status")) {
		for (i = 0; i < v->n; i++)
			printf("reader %u /dev/scard%d %s %s commands %lu\n",
			       v->r[i].card.index, v->r[i].devno,
			       v->r[i].card.present ? "present" : "absent",
			       v->r[i].card.powered ? "powered" : "unpowered",
			       v->r[i].card.apdus);
		fflush(stdout);
	} else {
		emu_warn("unknown command \"%s\"", cmd);
	}
}

static void stdin_read(struct emu_vhci *v)
{
	char *nl;
	ssize_t n;

	n = read(0, v->line + v->line_len, sizeof(v->line) - 1 - v->line_len);
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		v->stdin_open = false;
		return;
	}
	v->line_len += n;
	v->line[v->line_len] = 0;
	while ((nl = strchr(v->line, '\n'))) {
		*nl = 0;
		event_command(v, v->line);
		memmove(v->line, nl + 1, strlen(nl + 1) + 1);
		v->line_len = strlen(v->line);
	}
	if (v->line_len == sizeof(v->line) - 1) {
		emu_warn("command line too long");
		v->line_len = 0;
	}
}

static void signal_read(struct emu_vhci *v)
{
	struct signalfd_siginfo si;
	u32 i;

	if (read(v->sfd, &si, sizeof(si)) != sizeof(si))
		return;
	switch (si.ssi_signo) {
	case SIGUSR1:
		for (i = 0; i < v->n; i++)
			reader_insert(v, &v->r[i]);
		break;
	case SIGUSR2:
		for (i = 0; i < v->n; i++)
			reader_remove(v, &v->r[i]);
		break;
	default:
		v->quit = true;
		break;
	}
}

static int loop_timeout(struct emu_vhci *v, u64 now)
{
	u64 next = 0;
	u32 i;

	for (i = 0; i < v->n; i++)
		if (v->r[i].ans_active && (!next || v->r[i].ans_at < next))
			next = v->r[i].ans_at;
	if (v->toggle_at && (!next || v->toggle_at < next))
		next = v->toggle_at;
	if (!next)
		return -1;
	if (next <= now)
		return 0;
	return next - now > 60000 ? 60000 : (int)(next - now);
}

static void loop_timers(struct emu_vhci *v)
{
	u64 now = now_ms();
	u32 i;

	for (i = 0; i < v->n; i++)
		if (v->r[i].ans_active && v->r[i].ans_at <= now)
			answer_send(v, &v->r[i]);
	if (v->toggle_at && v->toggle_at <= now) {
		for (i = 0; i < v->n; i++)
			reader_toggle(v, &v->r[i]);
		v->toggle_at = now + v->cfg->toggle_ms;
	}
}

static int vhci_setup(struct emu_vhci *v)
{
	sigset_t set;
	u32 i;

	v->fd = open(VHCI_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (v->fd < 0) {
		emu_warn("%s: %s", VHCI_PATH, strerror(errno));
		return -1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	v->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (v->sfd < 0) {
		emu_warn("signalfd: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < v->n; i++)
		if (reader_create(v, &v->r[i]))
			return -1;
	if (!v->cfg->no_card)
		for (i = 0; i < v->n; i++)
			reader_insert(v, &v->r[i]);
	if (v->cfg->toggle_ms)
		v->toggle_at = now_ms() + v->cfg->toggle_ms;
	return 0;
}

int vhci_run(const struct emu_config *cfg)
{
	struct emu_vhci v = { .cfg = cfg, .fd = -1, .sfd = -1 };
	struct pollfd pfd[3];
	int nfd, ret;
	u32 i;

	v.n = cfg->readers;
	v.r = emu_alloc(v.n * sizeof(*v.r));
	for (i = 0; i < v.n; i++) {
		card_init(&v.r[i].card, cfg, cfg->reader_index + i);
		v.r[i].devno = -1;
	}
	v.msg_size = sizeof(struct scard_vhci_msg) + SCARD_VHCI_MAX_PAYLOAD;
	v.msg = emu_alloc(v.msg_size);
	v.rbuf = emu_alloc(v.msg_size);
	v.stdin_open = cfg->events;

	if (vhci_setup(&v)) {
		v.status = 1;
		v.quit = true;
	}
	while (!v.quit) {
		loop_timers(&v);
		if (v.quit)
			break;
		nfd = 0;
		pfd[nfd].fd = v.fd;
		pfd[nfd++].events = POLLIN;
		pfd[nfd].fd = v.sfd;
		pfd[nfd++].events = POLLIN;
		if (v.stdin_open) {
			pfd[nfd].fd = 0;
			pfd[nfd++].events = POLLIN;
		}
		ret = poll(pfd, nfd, loop_timeout(&v, now_ms()));
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			emu_warn("poll: %s", strerror(errno));
			v.status = 1;
			break;
		}
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			emu_warn("%s: the device went away", VHCI_PATH);
			v.status = 1;
			break;
		}
		if (pfd[0].revents & POLLIN)
			vhci_read(&v);
		if (pfd[1].revents & POLLIN)
			signal_read(&v);
		if (nfd > 2 && pfd[2].revents)
			stdin_read(&v);
	}

	if (v.fd >= 0)
		close(v.fd);
	if (v.sfd >= 0)
		close(v.sfd);
	for (i = 0; i < v.n; i++) {
		card_free(&v.r[i].card);
		buf_free(&v.r[i].ans);
	}
	free(v.r);
	free(v.msg);
	free(v.rbuf);
	return v.status;
}
