/* SPDX-License-Identifier: MIT */
/*
 * test_klog.c - unit tests of the simulated kernel log (kernel/klog.h).
 *
 * Lines in order, printf formatting, splitting at newlines (a trailing one
 * adds nothing), the ring dropping the oldest lines once max_lines are
 * held while the count keeps growing, the byte bound dropping whole lines,
 * the default bounds holding a 65536-line burst, the dump format (each line
 * followed by '\n'), byte-range reads at offsets, the stderr echo, and that
 * no lock is left held afterwards.
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
	klog_set_limits(log, 100, 1 << 20);
	for (int i = 0; i < 100 + 10; i++)
		klog_printf(log, "line %d", i);
	d = klog_dump(log);
	tap_ok(klog_count(log) == 110, "count keeps every line ever logged");
	tap_ok(d && strncmp(d, "line 10\n", 8) == 0, "the oldest lines were dropped");
	{
		size_t nl = 0;

		for (const char *p = d; p && *p; p++)
			nl += *p == '\n';
		tap_ok(nl == 100 && d && strlen(d) >= 9 && !strcmp(d + strlen(d) - 9, "line 109\n"),
		       "exactly max_lines lines retained, newest last");
	}
	free(d);
	klog_destroy(log);
	free(log);
}

/* The byte bound drops whole lines; a line longer than the bound replaces everything. */
static void test_byte_bound(struct ld_ctx *ld)
{
	struct klog *log = malloc(sizeof(*log));

	klog_init(log, ld);
	klog_set_limits(log, 1000, 20);
	klog_line(log, "aaaa");	    /* 5 bytes with its newline */
	klog_line(log, "bbbbbbbb"); /* 9: 14 */
	klog_line(log, "cccccc");   /* 7: 21 > 20, "aaaa" goes */
	tap_ok(dump_is(log, "bbbbbbbb\ncccccc\n") && klog_size(log) == 16,
	       "the oldest whole lines go when the bytes would exceed the bound");
	klog_line(log, "0123456789012345678901234");
	tap_ok(dump_is(log, "0123456789012345678901234\n"),
	       "a line longer than the bound is kept alone");
	klog_destroy(log);
	free(log);
}

static void test_default_bounds(struct ld_ctx *ld)
{
	struct klog *log = malloc(sizeof(*log));
	char line[120];

	klog_init(log, ld);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	for (int i = 0; i < 65536 + 4096; i++)
		klog_line(log, line);
	tap_ok(klog_count(log) == 65536 + 4096 && klog_size(log) == (65536 + 4096) * 120u,
	       "the default bounds keep 69632 lines of 120 bytes (a full 256x256 veto and more)");
	klog_destroy(log);
	free(log);
}

/* klog_read: byte ranges of the retained text, offsets stable while it only grows. */
static void test_read(struct ld_ctx *ld)
{
	struct klog *log = malloc(sizeof(*log));
	char buf[64], all[64] = "";
	size_t n, got = 0;

	klog_init(log, ld);
	n = klog_read(log, 0, buf, sizeof(buf));
	tap_ok(n == 0 && klog_size(log) == 0, "an empty log reads as end of file");
	klog_line(log, "one");
	klog_line(log, "two\nthree");
	for (off_t off = 0; (n = klog_read(log, off, buf, 3)) > 0; off += (off_t)n) {
		memcpy(all + got, buf, n);
		got += n;
	}
	tap_ok(got == 14 && !memcmp(all, "one\ntwo\nthree\n", 14),
	       "reading 3 bytes at a time from offset 0 gives the whole text");
	n = klog_read(log, 5, buf, sizeof(buf));
	tap_ok(n == 9 && !memcmp(buf, "wo\nthree\n", 9), "a read in the middle of a line");
	klog_line(log, "four");
	n = klog_read(log, 14, buf, sizeof(buf));
	tap_ok(n == 5 && !memcmp(buf, "four\n", 5),
	       "after more lines, the old end offset reads exactly the new ones");
	tap_ok(klog_read(log, 19, buf, sizeof(buf)) == 0 && klog_read(log, 1000, buf, 4) == 0 &&
		       klog_read(log, -1, buf, 4) == 0,
	       "at or beyond the end, or a negative offset: 0 bytes");
	klog_set_limits(log, 2, 1 << 20);
	klog_line(log, "five");
	n = klog_read(log, 0, buf, sizeof(buf));
	tap_ok(n == 10 && !memcmp(buf, "four\nfive\n", 10),
	       "once lines are dropped, offset 0 is the oldest retained line");
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
	test_byte_bound(ld);
	test_default_bounds(ld);
	test_read(ld);
	test_echo(ld);
	ld_ctx_free(ld);
	return tap_done();
}
