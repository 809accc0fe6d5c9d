/* SPDX-License-Identifier: MIT */
/*
 * table.c - explorations of every pair (or triple) of operation kinds,
 * each in a child process, up to `jobs` at a time.
 *
 * A child runs one exploration and writes its result to a pipe as a small
 * record (counters, then the finding's strings with their lengths); the
 * parent reads it when the child exits. A child that dies without a record
 * gives a setup-error row. Running each exploration in its own process
 * keeps the hosts a deadlocked execution must leave behind out of the
 * parent, and uses both cores.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explore/explore.h"

struct rec {
	bool complete, bounded;
	unsigned long long executions, sleep_blocked, steps;
	unsigned long long failures[EX_SETUP + 1], explained;
	unsigned known_mask;
	int known;
	unsigned outcomes, serial_outcomes;
	double seconds;
	int kind;
	unsigned preemptions, nsteps;
	uint64_t events;
	size_t len[4]; /* report, replay, schedule, error */
};

static int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static void child(const struct ex_opts *o, int fd)
{
	struct ex_result r;
	struct rec h = { 0 };
	const char *str[4];

	ex_explore(o, &r);
	h.complete = r.complete;
	h.bounded = r.bounded;
	h.executions = r.executions;
	h.sleep_blocked = r.sleep_blocked;
	h.steps = r.steps;
	memcpy(h.failures, r.failures, sizeof(h.failures));
	h.explained = r.explained;
	h.known_mask = r.known_mask;
	h.known = r.best.known;
	h.outcomes = r.outcomes;
	h.serial_outcomes = r.serial_outcomes;
	h.seconds = r.seconds;
	h.kind = r.error ? EX_SETUP : (int)r.best.kind;
	h.preemptions = r.best.preemptions;
	h.nsteps = r.best.steps;
	h.events = r.best.events;
	str[0] = r.best.report;
	str[1] = r.best.replay;
	str[2] = r.best.schedule;
	str[3] = r.error;
	for (int i = 0; i < 4; i++)
		h.len[i] = str[i] ? strlen(str[i]) : 0;
	if (write_all(fd, &h, sizeof(h)))
		_exit(1);
	for (int i = 0; i < 4; i++)
		if (h.len[i] && write_all(fd, str[i], h.len[i]))
			_exit(1);
	_exit(0); /* skip the hosts a deadlock left behind */
}

static char *read_str(FILE *f, size_t len)
{
	char *s;

	if (!len)
		return NULL;
	s = malloc(len + 1);
	if (!s || fread(s, 1, len, f) != len) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

static void collect(struct ex_row *row, int fd)
{
	FILE *f = fdopen(fd, "r");
	struct rec h;
	struct ex_result *r = &row->r;

	memset(r, 0, sizeof(*r));
	r->best.known = -1;
	if (!f || fread(&h, sizeof(h), 1, f) != 1) {
		r->error = strdup("the exploration's process died without a result");
		if (f)
			fclose(f);
		else
			close(fd);
		return;
	}
	r->complete = h.complete;
	r->bounded = h.bounded;
	r->executions = h.executions;
	r->sleep_blocked = h.sleep_blocked;
	r->steps = h.steps;
	memcpy(r->failures, h.failures, sizeof(h.failures));
	r->explained = h.explained;
	r->known_mask = h.known_mask;
	r->best.known = h.known;
	r->outcomes = h.outcomes;
	r->serial_outcomes = h.serial_outcomes;
	r->seconds = h.seconds;
	r->best.kind = h.kind == EX_SETUP ? EX_OK : (enum ex_kind)h.kind;
	r->best.preemptions = h.preemptions;
	r->best.steps = h.nsteps;
	r->best.events = h.events;
	r->best.report = read_str(f, h.len[0]);
	r->best.replay = read_str(f, h.len[1]);
	r->best.schedule = read_str(f, h.len[2]);
	r->error = read_str(f, h.len[3]);
	if (h.kind == EX_SETUP && !r->error)
		r->error = strdup("setup error");
	fclose(f);
}

/* Every multiset of n kinds, in lexicographic order; false after the last. */
static bool next_combo(int *c, unsigned n, int kinds)
{
	int i = (int)n - 1;

	while (i >= 0 && c[i] == kinds - 1)
		i--;
	if (i < 0)
		return false;
	c[i]++;
	for (unsigned j = (unsigned)i + 1; j < n; j++)
		c[j] = c[i];
	return true;
}

static bool wanted(const int *c, unsigned n, enum ex_state st)
{
	for (unsigned i = 0; i < n; i++)
		if (st == EX_DETACHED && ex_op_needs_guest(c[i]))
			return false;
	return true;
}

int ex_table(const struct ex_opts *o, unsigned n, const enum ex_state *states, unsigned nstates,
	     unsigned jobs, struct ex_row **rows_out, size_t *nrows_out)
{
	struct ex_row *rows = NULL;
	size_t nrows = 0, cap = 0, next = 0, done = 0;
	struct running {
		pid_t pid;
		int fd;
		size_t row;
	} * run;
	unsigned active = 0;
	int kinds = (int)ex_op_count();

	if (n < 1 || n > EX_MAX_OPS || !jobs)
		return -EINVAL;
	for (unsigned s = 0; s < nstates; s++) {
		int c[EX_MAX_OPS] = { 0 };

		do {
			if (!wanted(c, n, states[s]))
				continue;
			if (nrows == cap) {
				cap = cap ? 2 * cap : 256;
				rows = realloc(rows, cap * sizeof(*rows));
				if (!rows)
					return -ENOMEM;
			}
			memset(&rows[nrows], 0, sizeof(rows[0]));
			memcpy(rows[nrows].ops, c, sizeof(c));
			rows[nrows].nops = n;
			rows[nrows].state = states[s];
			nrows++;
		} while (next_combo(c, n, kinds));
	}
	run = calloc(jobs, sizeof(*run));
	if (!run)
		return -ENOMEM;
	fflush(NULL);
	while (done < nrows) {
		while (active < jobs && next < nrows) {
			struct ex_opts co = *o;
			unsigned slot = 0;
			int p[2];
			pid_t pid;

			while (run[slot].pid)
				slot++;
			co.cpu = (int)slot; /* each job on a CPU of its own */
			co.nops = rows[next].nops;
			memcpy(co.ops, rows[next].ops, sizeof(co.ops));
			co.state = rows[next].state;
			if (pipe(p))
				return -errno;
			pid = fork();
			if (pid < 0)
				return -errno;
			if (pid == 0) {
				close(p[0]);
				child(&co, p[1]);
			}
			close(p[1]);
			run[slot] = (struct running){ pid, p[0], next };
			active++;
			next++;
		}
		{
			struct pollfd pf[64];
			unsigned map[64], np = 0;

			for (unsigned j = 0; j < jobs && np < 64; j++)
				if (run[j].pid) {
					pf[np] = (struct pollfd){ .fd = run[j].fd,
								  .events = POLLIN };
					map[np++] = j;
				}
			if (poll(pf, np, -1) < 0 && errno != EINTR)
				return -errno;
			for (unsigned k = 0; k < np; k++) {
				struct running *r = &run[map[k]];

				if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				collect(&rows[r->row], r->fd);
				waitpid(r->pid, NULL, 0);
				if (o->trace) {
					const struct ex_row *w = &rows[r->row];

					fprintf(o->trace, "[%zu/%zu] %s", done + 1, nrows,
						ex_state_name(w->state));
					for (unsigned i = 0; i < w->nops; i++)
						fprintf(o->trace, " %s", ex_op_name(w->ops[i]));
					fprintf(o->trace, ": %llu executions, %.2f s%s\n",
						w->r.executions, w->r.seconds,
						ex_result_failed(&w->r) ? ", finding" :
						w->r.best.kind != EX_OK ? ", explained" :
									  "");
					fflush(o->trace);
				}
				r->pid = 0;
				active--;
				done++;
			}
		}
	}
	free(run);
	*rows_out = rows;
	*nrows_out = nrows;
	return 0;
}

void ex_rows_free(struct ex_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ex_result_free(&rows[i].r);
	free(rows);
}
