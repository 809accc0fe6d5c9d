/* SPDX-License-Identifier: MIT */
/*
 * trace.c - sim/trace: an ordered log of what was done to the simulated
 * kernel through its files and what it announced (design.md §13.5).
 *
 * Every show and store of the tree (the sysfs observer) and every uevent
 * sent (the emitter's tap) becomes one line, numbered in the order the
 * lines were made, with the id of the thread that made it, so the events
 * a write caused sit between that write's two lines:
 *
 *	12 t4711 write /sys/bus/ap/apmask "-3\n"
 *	13 t4711 uevent unbind /devices/ap/card03/03.0000 SUBSYSTEM=ap ...
 *	...
 *	45 t4711 write /sys/bus/ap/apmask -> 3
 *	46 t4712 read /sys/bus/ap/apmask -> 67 "0xef..."
 *
 * Lines are kept in a ring (the newest TRACE_LINES) that sim/trace shows
 * the tail of, and, when the host was given a file descriptor, appended to
 * it as they are made. sim/trace itself is not traced. The lock is a leaf
 * taken under uevent_sock_mutex (the tap) or under nothing (the observer).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/world.h"

#define SHOW_MAX 256 /* bytes of a read's text kept in its line */

/* Appends s[0..len) to out as a C string literal's inside; the new length. */
static size_t escape(char *out, size_t size, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < len && n + 5 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n')
			n += (size_t)snprintf(out + n, size - n, "\\n");
		else if (ch == '\t')
			n += (size_t)snprintf(out + n, size - n, "\\t");
		else if (ch == '"' || ch == '\\')
			n += (size_t)snprintf(out + n, size - n, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", ch);
		else
			out[n++] = (char)ch;
	}
	out[n] = '\0';
	return n;
}

/* Numbers line (without its newline) and keeps it; line is malloc'd and taken. */
static void trace_add(struct sim_trace *t, char *line)
{
	char *full;
	int n;

	kmutex_lock(&t->lock);
	if (!t->on) {
		kmutex_unlock(&t->lock);
		free(line);
		return;
	}
	n = asprintf(&full, "%llu t%d %s\n", ++t->seq, (int)gettid(), line);
	free(line);
	if (n < 0) {
		kmutex_unlock(&t->lock);
		return;
	}
	if (t->fd >= 0 && write(t->fd, full, (size_t)n) != n)
		t->fd_errors++;
	full[n - 1] = '\0';
	free(t->lines[t->head % SIM_TRACE_LINES]);
	t->lines[t->head++ % SIM_TRACE_LINES] = full;
	kmutex_unlock(&t->lock);
}

static bool untraced(const char *path)
{
	return !strcmp(path, "sim/trace");
}

static void obs_begin(void *arg, const char *path, const char *buf, size_t len)
{
	char *line = malloc(SYSFS_PAGE * 4 + 600);
	size_t n;

	if (untraced(path) || !line) {
		free(line);
		return;
	}
	n = (size_t)snprintf(line, 600, "write /sys/%s \"", path);
	n = escape(line, SYSFS_PAGE * 4 + 598, n, buf, len);
	line[n++] = '"';
	line[n] = '\0';
	trace_add(arg, line);
}

static void obs_end(void *arg, bool store, const char *path, const char *buf, size_t len,
		    ssize_t ret)
{
	char *line = malloc(SHOW_MAX * 4 + 600);
	size_t n;

	if (untraced(path) || !line) {
		free(line);
		return;
	}
	n = (size_t)snprintf(line, 600, "%s /sys/%s -> ", store ? "write" : "read", path);
	if (ret < 0) {
		const char *name = strerrorname_np((int)-ret);

		snprintf(line + n, 600 - n, "%s", name ? name : "error");
	} else {
		n += (size_t)snprintf(line + n, 600 - n, "%zd", ret);
		if (!store) {
			line[n++] = ' ';
			line[n++] = '"';
			n = escape(line, SHOW_MAX * 4 + 590, n, buf,
				   len < SHOW_MAX ? len : SHOW_MAX);
			snprintf(line + n, 8, "\"%s", len > SHOW_MAX ? "..." : "");
		}
	}
	trace_add(arg, line);
}

/* The emitter's tap: one line per event sent; ACTION and DEVPATH lead, then the other keys. */
static int tap_send(void *arg, const struct uevent_msg *m)
{
	char *line = malloc(UEVENT_BUFFER_SIZE * 4 + 300);
	size_t n, size = UEVENT_BUFFER_SIZE * 4 + 300;

	if (!line)
		return 0;
	n = (size_t)snprintf(line, size, "uevent %s %s", kobject_action_name(m->action),
			     m->devpath);
	for (int i = 0; i < m->env->envp_idx; i++) {
		const char *kv = m->env->envp[i];

		if (!strncmp(kv, "ACTION=", 7) || !strncmp(kv, "DEVPATH=", 8))
			continue;
		line[n++] = ' ';
		n = escape(line, size, n, kv, strlen(kv));
	}
	trace_add(arg, line);
	return 0;
}

void sim_trace_init(struct sim_trace *t, struct ld_ctx *ld, int fd)
	GUARD_EXEMPT("the trace is not yet published")
{
	memset(t, 0, sizeof(*t));
	kmutex_init(&t->lock, ld, "&sim->trace_lock");
	t->fd = fd;
	t->obs = (struct sysfs_observer){ obs_begin, obs_end, t };
	t->tap = (struct uevent_sink){ tap_send, t };
}

void sim_trace_destroy(struct sim_trace *t)
{
	kmutex_lock(&t->lock);
	for (unsigned i = 0; i < SIM_TRACE_LINES; i++) {
		free(t->lines[i]);
		t->lines[i] = NULL;
	}
	kmutex_unlock(&t->lock);
	kmutex_destroy(&t->lock);
}

void sim_trace_set(struct sim *s, bool on)
{
	struct sim_trace *t = &s->trace;

	kmutex_lock(&t->lock);
	t->on = on;
	kmutex_unlock(&t->lock);
	sysfs_set_observer(s->fs, on ? &t->obs : NULL);
	uevents_set_tap(&s->uev, on ? &t->tap : NULL);
}

char *sim_trace_dump(struct sim_trace *t, size_t max)
{
	unsigned long long first, k;
	size_t size = 0, off = 0;
	char *out;

	kmutex_lock(&t->lock);
	first = t->head > SIM_TRACE_LINES ? t->head - SIM_TRACE_LINES : 0;
	for (k = t->head;
	     k > first && size + strlen(t->lines[(k - 1) % SIM_TRACE_LINES]) + 1 <= max; k--)
		size += strlen(t->lines[(k - 1) % SIM_TRACE_LINES]) + 1;
	out = malloc(size + 1);
	for (; out && k < t->head; k++) {
		const char *l = t->lines[k % SIM_TRACE_LINES];

		memcpy(out + off, l, strlen(l));
		off += strlen(l);
		out[off++] = '\n';
	}
	if (out)
		out[off] = '\0';
	kmutex_unlock(&t->lock);
	return out;
}

void sim_trace_clear(struct sim_trace *t)
{
	kmutex_lock(&t->lock);
	for (unsigned i = 0; i < SIM_TRACE_LINES; i++) {
		free(t->lines[i]);
		t->lines[i] = NULL;
	}
	t->head = 0;
	kmutex_unlock(&t->lock);
}
