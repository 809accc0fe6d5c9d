/* SPDX-License-Identifier: MIT */
/*
 * test_klog.c - unit tests of the simulated kernel log (base/klog.h).
 *
 * Lines in order, printf formatting, splitting at newlines (a trailing one
 * adds nothing), the ring dropping the oldest lines once KLOG_LINES are
 * held while the count keeps growing, the dump format (each line followed
 * by '\n'), the stderr echo, and that no lock is left held afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/klog.h"
#include "tap.h"
#include "unit.h"

static bool dump_is(struct klog *log, const char *want)
{
	char *d = klog_dump(log);
	bool ok = d && strcmp(d, want) == 0;

	if (!ok)
		tap_diag("dump was \"%s\"", d ? ESC(d) : "(null)");
	free(d);
	return ok;
}

static void test_basic(struct ld_ctx *ld)
{
	struct klog *log = malloc(sizeof(*log));

	klog_init(log, ld);
	tap_ok(klog_count(log) == 0 && dump_is(log, ""), "a new log is empty");
	klog_line(log, "first");
	klog_printf(log, "%s: %d conflicts\n", "vfio_ap", 2);
	tap_ok(klog_count(log) == 2 && dump_is(log, "first\nvfio_ap: 2 conflicts\n"),
	       "lines in order; printf's trailing newline adds no empty line");
	klog_line(log, "a\nb");
	tap_ok(klog_count(log) == 4 && dump_is(log, "first\nvfio_ap: 2 conflicts\na\nb\n"),
	       "an embedded newline splits into two lines");
	klog_line(log, "");
	klog_line(log, "c\n\n");
	tap_ok(klog_count(log) == 7, "an empty text and a blank line each count as a line");
	tap_ok(ld_held_count(ld) == 0 && !kmutex_is_locked(&log->lock), "no lock left held");
	klog_destroy(log);
	free(log);
}

static void test_ring(struct ld_ctx *ld)
{
	struct klog *log = malloc(sizeof(*log));
	char *d;

	klog_init(log, ld);
	for (int i = 0; i < KLOG_LINES + 10; i++)
		klog_printf(log, "line %d", i);
	d = klog_dump(log);
	tap_ok(klog_count(log) == KLOG_LINES + 10, "count keeps every line ever logged");
	tap_ok(d && strncmp(d, "line 10\n", 8) == 0, "the oldest lines were dropped");
	{
		size_t nl = 0;
		char want[32];

		for (const char *p = d; p && *p; p++)
			nl += *p == '\n';
		snprintf(want, sizeof(want), "line %d\n", KLOG_LINES + 9);
		tap_ok(nl == KLOG_LINES && d && strlen(d) >= strlen(want) &&
			       strcmp(d + strlen(d) - strlen(want), want) == 0,
		       "exactly KLOG_LINES lines retained, newest last");
	}
	free(d);
	klog_destroy(log);
	free(log);
}

static void test_echo(struct ld_ctx *ld)
{
	struct klog *log = malloc(sizeof(*log));
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	char buf[64] = "";

	klog_init(log, ld);
	log->echo_stderr = 1;
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	klog_line(log, "to stderr");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	if (!fgets(buf, sizeof(buf), tmp))
		buf[0] = '\0';
	fclose(tmp);
	tap_ok(strcmp(buf, "to stderr\n") == 0, "echo_stderr prints the line to stderr");
	tap_ok(klog_count(log) == 1, "and still logs it");
	klog_destroy(log);
	free(log);
}

int main(void)
{
	struct ld_ctx *ld = ld_ctx_new();

	test_basic(ld);
	test_ring(ld);
	test_echo(ld);
	ld_ctx_free(ld);
	return tap_done();
}
