/* SPDX-License-Identifier: MIT */
/*
 * exec.h - the executor's internals, shared by the operation handlers
 * (exec.c) and the TAP driver with its helpers (tap.c).
 *
 * struct exec is one run: the world's ops and private pointer, the booted
 * world's sysfs tree, the output stream and the test counters. It lives on
 * the stack of script_exec for exactly one run.
 */
#ifndef VAS_SCRIPT_EXEC_H
#define VAS_SCRIPT_EXEC_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "script/script_int.h"

struct exec {
	const struct script_world_ops *ops;
	void *w;
	struct sysfs *fs;
	FILE *out;
	unsigned nr_tests; /* TAP tests printed so far */
	unsigned nr_failed;
};

/* Runs one operation; its notes for the reader go to d. */
bool exec_op(struct exec *x, const struct script_op *op, FILE *d);
/* The world's consistency check as a test body (for `check` and the end). */
bool exec_world_check(struct exec *x, FILE *d);

/* "12 (bytes)" for r >= 0, "EBUSY (Device or resource busy)" for r < 0. */
void exec_put_result(FILE *d, ssize_t r);
/* The two escaped lines "expected: ..." and "actual: ...". */
void exec_put_pair(FILE *d, const char *want, size_t wlen, const char *got, size_t glen);
/*
 * Whether some '\n'-terminated line of buf equals (or, with substring,
 * contains) the len bytes of s.
 */
bool exec_find_line(const char *buf, size_t blen, const char *s, size_t len, bool substring);
/* Lines of a text: its '\n's, plus one for an unterminated last line. */
long exec_count_lines(const char *buf, size_t len);

#endif
