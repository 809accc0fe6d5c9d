/* SPDX-License-Identifier: MIT */
/*
 * recorder.h - a uevent sink that records every event as one text line,
 * for tests that check which events a simulated host sends and in which
 * order (docs/uevents.md):
 *
 *	ACTION DEVPATH KEY=VALUE KEY=VALUE ...
 *
 * with every key after ACTION and DEVPATH in the order sent (SUBSYSTEM
 * first), a value's newline written as "\n". It also checks that SEQNUM
 * grows by one from event to event. rec_since(r, mark) returns the lines
 * recorded after rec_mark(r) returned mark. text_add() builds the
 * expected lines.
 */
#ifndef VAS_TEST_RECORDER_H
#define VAS_TEST_RECORDER_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/uevent.h"

struct recorder {
	pthread_mutex_t mu;
	char *text;
	size_t len;
	unsigned long long last_seqnum, events;
	int seq_gaps; /* events whose SEQNUM was not the previous one + 1 */
	struct uevent_sink sink;
};

static inline void rec_append(struct recorder *r, const char *s, size_t n)
{
	r->text = realloc(r->text, r->len + n + 1);
	memcpy(r->text + r->len, s, n);
	r->len += n;
	r->text[r->len] = '\0';
}

static inline int rec_send(void *arg, const struct uevent_msg *m)
{
	struct recorder *r = arg;
	const char *a = kobject_action_name(m->action);

	pthread_mutex_lock(&r->mu);
	if (r->events && m->seqnum != r->last_seqnum + 1)
		r->seq_gaps++;
	r->last_seqnum = m->seqnum;
	r->events++;
	rec_append(r, a, strlen(a));
	rec_append(r, " ", 1);
	rec_append(r, m->devpath, strlen(m->devpath));
	for (int i = 0; i < m->env->envp_idx; i++) {
		const char *kv = m->env->envp[i];

		if (!strncmp(kv, "ACTION=", 7) || !strncmp(kv, "DEVPATH=", 8))
			continue;
		rec_append(r, " ", 1);
		for (; *kv; kv++)
			if (*kv == '\n')
				rec_append(r, "\\n", 2);
			else
				rec_append(r, kv, 1);
	}
	rec_append(r, "\n", 1);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

static inline void rec_init(struct recorder *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	r->text = calloc(1, 1);
	r->sink = (struct uevent_sink){ rec_send, r };
}

static inline size_t rec_mark(struct recorder *r)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = r->len;
	pthread_mutex_unlock(&r->mu);
	return n;
}

static inline const char *rec_since(struct recorder *r, size_t mark)
{
	return r->text + mark;
}

static inline void rec_free(struct recorder *r)
{
	free(r->text);
	pthread_mutex_destroy(&r->mu);
}

/* Appends printf output to a growing string (*t: NULL or malloc'd). */
static inline void text_add(char **t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void text_add(char **t, const char *fmt, ...)
{
	va_list ap;
	char *more = NULL, *all = NULL;

	va_start(ap, fmt);
	if (vasprintf(&more, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&all, "%s%s", *t ? *t : "", more) < 0)
		abort();
	free(*t);
	free(more);
	*t = all;
}

#endif
