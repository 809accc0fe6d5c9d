// SPDX-License-Identifier: MIT
/*
 * exec.c - runs a parsed script against a world and prints TAP.
 *
 * DESIGN: each operation is one handler in a const table indexed by its
 * kind. A handler returns pass/fail and writes what a reader needs to know
 * (the content a `read` printed, the expected and actual bytes of a failed
 * `expect`, a validator report) as plain text to a scratch stream; the
 * printer emits the `ok`/`not ok` line first and then that text, every line
 * prefixed with "# " so the TAP stays valid whatever the content is. Output
 * is flushed after every test, so a run that hangs (v18-blocking) shows
 * how far it got. After the last operation come the runner's own checks
 * (tap.c) and the plan line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/exec.h"
#include "sysfs/sysfs.h"

/* Reads path into buf (SYSFS_PAGE + 1 bytes), NUL-terminated. */
static ssize_t rd(struct exec *x, const char *path, char *buf)
{
	ssize_t r = sysfs_read(x->fs, path, buf, SYSFS_PAGE);

	buf[r < 0 ? 0 : r] = '\0';
	return r;
}

/* The outcome of a write or read that was expected to fail with err. */
static bool want_errno(FILE *d, int err, ssize_t r)
{
	if (r == -err)
		return true;
	fprintf(d, "  expected: %s\n", script_errno_name(err));
	fputs("    actual: ", d);
	exec_put_result(d, r);
	fputc('\n', d);
	return false;
}

static bool op_write(struct exec *x, const struct script_op *op, FILE *d)
{
	ssize_t r = sysfs_write(x->fs, op->path, op->data, op->len);

	if (op->err)
		return want_errno(d, op->err, r);
	if (r == (ssize_t)op->len)
		return true;
	fprintf(d, "  expected: %zu (bytes written)\n    actual: ", op->len);
	exec_put_result(d, r);
	fputc('\n', d);
	return false;
}

static bool op_read(struct exec *x, const struct script_op *op, FILE *d)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t r = rd(x, op->path, buf);

	if (op->err)
		return want_errno(d, op->err, r);
	if (r < 0) {
		fputs("  read failed: ", d);
		exec_put_result(d, r);
		fputc('\n', d);
		return false;
	}
	fwrite(buf, 1, r, d);
	return true;
}

/* Reads op->path for a content check; a failed read fails the check. */
static ssize_t rd_checked(struct exec *x, const struct script_op *op, char *buf, FILE *d)
{
	ssize_t r = rd(x, op->path, buf);

	if (r < 0) {
		fputs("  expected: content\n    actual: ", d);
		exec_put_result(d, r);
		fputc('\n', d);
	}
	return r;
}

static bool op_expect(struct exec *x, const struct script_op *op, FILE *d)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t r = rd_checked(x, op, buf, d);

	if (r < 0)
		return false;
	if ((size_t)r == op->len && !memcmp(buf, op->data, r))
		return true;
	exec_put_pair(d, op->data, op->len, buf, r);
	return false;
}

static bool op_contains(struct exec *x, const struct script_op *op, FILE *d)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t r = rd_checked(x, op, buf, d);
	bool found;

	if (r < 0)
		return false;
	found = exec_find_line(buf, r, op->data, op->len, false);
	if (found == (op->kind == OP_CONTAINS))
		return true;
	fprintf(d, "  %s line: ", op->kind == OP_CONTAINS ? "expected" : "unwanted");
	script_fput_escaped(d, op->data, op->len);
	fputs("\n    actual: ", d);
	script_fput_escaped(d, buf, r);
	fputc('\n', d);
	return false;
}

static bool op_lines(struct exec *x, const struct script_op *op, FILE *d)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t r = rd_checked(x, op, buf, d);
	long n;

	if (r < 0)
		return false;
	n = exec_count_lines(buf, r);
	if (n == op->num)
		return true;
	fprintf(d, "  expected: %ld lines\n    actual: %ld lines: ", op->num, n);
	script_fput_escaped(d, buf, r);
	fputc('\n', d);
	return false;
}

static bool op_exists(struct exec *x, const struct script_op *op, FILE *d)
{
	int t = sysfs_type_of(x->fs, op->path, false);
	static const char *const names[] = {
		[SYSFS_DIR] = "a directory", [SYSFS_FILE] = "a file", [SYSFS_LINK] = "a symlink"
	};

	if ((t >= 0) == (op->kind == OP_EXISTS))
		return true;
	if (t >= 0) {
		fprintf(d, "  expected: no such path\n    actual: %s\n",
			t < 4 && names[t] ? names[t] : "present");
		return false;
	}
	fputs("  expected: the path exists\n    actual: ", d);
	exec_put_result(d, t);
	fputc('\n', d);
	return false;
}

static bool op_link(struct exec *x, const struct script_op *op, FILE *d)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t r = sysfs_readlink(x->fs, op->path, buf, SYSFS_PAGE);

	if (r >= 0 && (size_t)r == op->len && !memcmp(buf, op->data, r))
		return true;
	if (r < 0) {
		fputs("  expected: a symlink\n    actual: ", d);
		exec_put_result(d, r);
		fputc('\n', d);
		return false;
	}
	exec_put_pair(d, op->data, op->len, buf, r);
	return false;
}

static bool op_dmesg(struct exec *x, const struct script_op *op, FILE *d)
{
	char *log = x->ops->dmesg ? x->ops->dmesg(x->w) : NULL;
	bool found = log && exec_find_line(log, strlen(log), op->data, op->len, true);

	if (found != (op->kind == OP_DMESG)) {
		fprintf(d, "  %s in a line: ", op->kind == OP_DMESG ? "expected" : "unwanted");
		script_fput_escaped(d, op->data, op->len);
		fputs("\n  the log:\n", d);
		fputs(log ? log : "", d);
	}
	free(log);
	return found == (op->kind == OP_DMESG);
}

static bool op_lockdep(struct exec *x, const struct script_op *op, FILE *d)
{
	char *text = x->ops->lockdep_text ? x->ops->lockdep_text(x->w) : NULL;
	bool pass;

	if (op->kind == OP_LOCKDEP_CLEAN)
		pass = !x->ops->lockdep_count || !x->ops->lockdep_count(x->w);
	else
		pass = text && exec_find_line(text, strlen(text), op->data, op->len, true);
	if (!pass && op->kind == OP_LOCKDEP_REPORT) {
		fputs("  expected a report line containing: ", d);
		script_fput_escaped(d, op->data, op->len);
		fputs(text && *text ? "\n  the report:\n" : "\n  the validator is clean\n", d);
	}
	if (!pass && text)
		fputs(text, d);
	free(text);
	return pass;
}

static bool op_check(struct exec *x, const struct script_op *op, FILE *d)
{
	return exec_world_check(x, d);
}

static bool op_echo(struct exec *x, const struct script_op *op, FILE *d)
{
	fwrite(op->data, 1, op->len, d);
	return true;
}

static bool (*const handlers[])(struct exec *x, const struct script_op *op, FILE *d) = {
	[OP_WRITE] = op_write,
	[OP_READ] = op_read,
	[OP_EXPECT] = op_expect,
	[OP_CONTAINS] = op_contains,
	[OP_LACKS] = op_contains,
	[OP_LINES] = op_lines,
	[OP_EXISTS] = op_exists,
	[OP_ABSENT] = op_exists,
	[OP_LINK] = op_link,
	[OP_DMESG] = op_dmesg,
	[OP_NODMESG] = op_dmesg,
	[OP_LOCKDEP_CLEAN] = op_lockdep,
	[OP_LOCKDEP_REPORT] = op_lockdep,
	[OP_CHECK] = op_check,
	[OP_ECHO] = op_echo,
};

bool exec_op(struct exec *x, const struct script_op *op, FILE *d)
{
	return handlers[op->kind](x, op, d);
}
