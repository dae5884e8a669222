// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: byte buffers, the timed output queue, hex, time and logging.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "emu.h"

void *emu_alloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "scard-emu: out of memory\n");
		exit(2);
	}
	return p;
}

void *emu_realloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		fprintf(stderr, "scard-emu: out of memory\n");
		exit(2);
	}
	return p;
}

static void buf_room(struct emu_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 64;

	if (b->len + n <= b->cap)
		return;
	while (cap < b->len + n)
		cap *= 2;
	b->data = emu_realloc(b->data, cap);
	b->cap = cap;
}

void buf_put(struct emu_buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_room(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void buf_byte(struct emu_buf *b, u8 c)
{
	buf_put(b, &c, 1);
}

void buf_sw(struct emu_buf *b, u16 sw)
{
	u8 s[2] = { sw >> 8, sw & 0xff };

	buf_put(b, s, 2);
}

void buf_reset(struct emu_buf *b)
{
	b->len = 0;
}

void buf_free(struct emu_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void outq_put(struct emu_outq *q, const u8 *p, size_t n, u64 at)
{
	size_t cap = q->cap ? q->cap : 512;
	size_t i;

	if (q->len + n > q->cap) {
		while (cap < q->len + n)
			cap *= 2;
		q->data = emu_realloc(q->data, cap);
		q->at = emu_realloc(q->at, cap * sizeof(*q->at));
		q->cap = cap;
	}
	/* A byte never leaves before the one queued ahead of it. */
	if (q->len && q->at[q->len - 1] > at)
		at = q->at[q->len - 1];
	for (i = 0; i < n; i++) {
		q->data[q->len] = p[i];
		q->at[q->len] = at;
		q->len++;
	}
}

/* Remove up to @n bytes from the head of @q into @out (may be NULL). */
size_t outq_take(struct emu_outq *q, u8 *out, size_t n)
{
	if (n > q->len)
		n = q->len;
	if (!n)
		return 0;
	if (out)
		memcpy(out, q->data, n);
	memmove(q->data, q->data + n, q->len - n);
	memmove(q->at, q->at + n, (q->len - n) * sizeof(*q->at));
	q->len -= n;
	return n;
}

void outq_clear(struct emu_outq *q)
{
	q->len = 0;
}

void outq_free(struct emu_outq *q)
{
	free(q->data);
	free(q->at);
	memset(q, 0, sizeof(*q));
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse hex digits into @out; spaces, ':' and '.' between bytes are
 * ignored. Returns 0, or -1 for a bad digit, an odd count or overflow.
 */
int hex_parse(const char *s, u8 *out, size_t size, size_t *len)
{
	size_t n = 0;
	int hi, lo;

	while (*s) {
		if (*s == ' ' || *s == ':' || *s == '.' || *s == '\t') {
			s++;
			continue;
		}
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (hi < 0 || lo < 0 || n >= size)
			return -1;
		out[n++] = hi << 4 | lo;
		s += 2;
	}
	*len = n;
	return 0;
}

void hex_format(char *out, size_t size, const u8 *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	if (!size)
		return;
	for (i = 0; i < n && 2 * i + 2 < size; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * i] = 0;
}

u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void emu_log(const struct emu_card *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->cfg->verbose)
		return;
	fprintf(stderr, "scard-emu[%u]: ", c->index);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Log @n bytes in hex, at most 64 of them. */
void emu_dump(const struct emu_card *c, const char *what, const u8 *p,
	      size_t n)
{
	char hex[2 * 64 + 1];

	if (!c->cfg->verbose)
		return;
	hex_format(hex, sizeof(hex), p, n < 64 ? n : 64);
	emu_log(c, "%s %s%s (%zu)", what, hex, n > 64 ? "..." : "", n);
}

bool emu_quiet;

void emu_warn(const char *fmt, ...)
{
	va_list ap;

	if (emu_quiet)
		return;
	fprintf(stderr, "scard-emu: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void emu_random(u8 *p, size_t n)
{
	ssize_t got;

	while (n) {
		got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			/* No getrandom(): good enough for a test card. */
			while (n--)
				*p++ = rand() & 0xff;
			return;
		}
		p += got;
		n -= got;
	}
}
