// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: scripted cards (--script FILE).
 *
 * One entry per line: "HEX-APDU HEX-RESPONSE"; the response ends with SW1
 * SW2. '#' starts a comment; ':' and '.' may separate bytes. An APDU that
 * ends with '*' matches every command starting with it. Several entries
 * for the same APDU answer in turn, the last one for good. Commands
 * without an entry go to the built-in card (--script-only: 6D00).
 *
 * At T=0 the card sees TPDUs: a case 3 TPDU also matches an entry written
 * as case 4 (with one Le byte), and a case 2 TPDU matches an entry with
 * the same header whatever its Le; the response then follows the T=0
 * rules (61xx, 6Cxx). The entries also tell the card which way the data
 * of an instruction it does not know goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

struct script_entry {
	u8 *apdu;
	size_t apdu_len;
	bool prefix;
	bool used;
	u8 *rsp;
	size_t rsp_len;
};

struct emu_script {
	struct script_entry *e;
	size_t n;
};

static int script_hex(const char *tok, u8 **out, size_t *len)
{
	size_t max = strlen(tok) / 2 + 1;

	*out = emu_alloc(max);
	return hex_parse(tok, *out, max, len);
}

static int script_line(struct emu_script *s, char *line)
{
	struct script_entry e = { 0 };
	char *apdu, *rsp, *end;
	size_t n;

	end = strchr(line, '#');
	if (end)
		*end = 0;
	apdu = strtok(line, " \t\r\n");
	if (!apdu)
		return 0;
	rsp = strtok(NULL, " \t\r\n");
	if (!rsp || strtok(NULL, " \t\r\n"))
		return -1;
	n = strlen(apdu);
	if (n && apdu[n - 1] == '*') {
		e.prefix = true;
		apdu[n - 1] = 0;
	}
	if (script_hex(apdu, &e.apdu, &e.apdu_len) ||
	    script_hex(rsp, &e.rsp, &e.rsp_len) ||
	    (!e.prefix && e.apdu_len < 4) || e.rsp_len < 2) {
		free(e.apdu);
		free(e.rsp);
		return -1;
	}
	s->e = emu_realloc(s->e, (s->n + 1) * sizeof(*s->e));
	s->e[s->n++] = e;
	return 0;
}

/* Parse a script held in memory; NULL (with a message) on an error. */
struct emu_script *script_parse(const char *text, const char *name)
{
	struct emu_script *s = emu_alloc(sizeof(*s));
	char *copy = strdup(text), *line, *next;
	unsigned int lineno = 0;

	if (!copy) {
		free(s);
		return NULL;
	}
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if (script_line(s, line)) {
			emu_warn("%s:%u: expected \"HEX-APDU HEX-RESPONSE\"",
				 name, lineno);
			free(copy);
			script_free(s);
			return NULL;
		}
	}
	free(copy);
	return s;
}

struct emu_script *script_load(const char *path)
{
	struct emu_script *s;
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, got;
	char chunk[4096];

	if (!f) {
		emu_warn("%s: cannot open the script", path);
		return NULL;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		text = emu_realloc(text, len + got + 1);
		memcpy(text + len, chunk, got);
		len += got;
	}
	fclose(f);
	if (!text)
		text = emu_alloc(1);
	text[len] = 0;
	s = script_parse(text, path);
	free(text);
	return s;
}

void script_free(struct emu_script *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->e[i].apdu);
		free(s->e[i].rsp);
	}
	free(s->e);
	free(s);
}

static bool script_match(const struct script_entry *e,
			 const struct emu_apdu *a)
{
	const u8 *cmd = a->raw;
	size_t len = a->raw_len;

	if (e->prefix)
		return len >= e->apdu_len && !memcmp(e->apdu, cmd, e->apdu_len);
	if (e->apdu_len == len && !memcmp(e->apdu, cmd, len))
		return true;
	if (!a->t0)
		return false;
	if (a->cse == 3)
		return e->apdu_len == len + 1 && !memcmp(e->apdu, cmd, len);
	if (a->cse == 2)
		return e->apdu_len == 5 && !memcmp(e->apdu, cmd, 4);
	return false;
}

/* The response for the command @a: 0 and *rsp, or -1 if none. */
int script_lookup(struct emu_script *s, const struct emu_apdu *a,
		  const u8 **rsp, size_t *rsp_len)
{
	struct script_entry *last = NULL;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct script_entry *e = &s->e[i];

		if (!script_match(e, a))
			continue;
		last = e;
		if (!e->used)
			break;
	}
	if (!last)
		return -1;
	last->used = true;
	*rsp = last->rsp;
	*rsp_len = last->rsp_len;
	return 0;
}

/* T0_IN / T0_OUT if an entry tells the direction of @hdr, else 0. */
int script_t0_dir(const struct emu_script *s, const u8 *hdr)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct script_entry *e = &s->e[i];

		if (e->apdu_len < 4 || memcmp(e->apdu, hdr, 4))
			continue;
		if (e->apdu_len > 5 && e->apdu[4] == hdr[4])
			return T0_IN;
		if (e->apdu_len == 5)
			return T0_OUT;
		if (e->apdu_len == 4 && !hdr[4])
			return T0_IN;
	}
	return 0;
}
