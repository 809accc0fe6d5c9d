// SPDX-License-Identifier: MIT
/*
 * tap.c - the TAP side of a run: boot, one test per operation, the
 * runner's final checks, the plan line (docs/scripts.md "Output").
 *
 * A test is "ok K - <line as written>" or "not ok K - ...", followed by its
 * notes as "# " comment lines. A '#' in the line is written "\#" so a TAP
 * reader never takes it for a SKIP/TODO directive. The final checks run
 * in this order: consistency (the world is still up), the validator (its
 * reports live in the world), then the shutdown with its leak count,
 * after which the world is gone. A world that cannot boot gives
 * "Bail out!" and no plan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "script/exec.h"

#define REPORT_LEN 16384

void exec_put_result(FILE *d, ssize_t r)
{
	const char *name;

	if (r >= 0) {
		fprintf(d, "%zd (bytes)", r);
		return;
	}
	name = script_errno_name((int)-r);
	if (name)
		fprintf(d, "%s (%s)", name, -r == 512 ? "restart syscall" : strerror((int)-r));
	else
		fprintf(d, "errno %zd", -r);
}

void exec_put_pair(FILE *d, const char *want, size_t wlen, const char *got, size_t glen)
{
	fputs("  expected: ", d);
	script_fput_escaped(d, want, wlen);
	fputs("\n    actual: ", d);
	script_fput_escaped(d, got, glen);
	fputc('\n', d);
}

bool exec_find_line(const char *buf, size_t blen, const char *s, size_t len, bool substring)
{
	const char *end = buf + blen, *nl;
	size_t llen;

	while (buf < end) {
		nl = memchr(buf, '\n', end - buf);
		llen = (nl ? nl : end) - buf;
		if (substring ? memmem(buf, llen, s, len) != NULL :
				llen == len && !memcmp(buf, s, len))
			return true;
		buf += llen + 1;
	}
	return false;
}

long exec_count_lines(const char *buf, size_t len)
{
	long n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n + (len && buf[len - 1] != '\n');
}

/* Calls a world function that fills a report; prints it when non-zero. */
static bool world_report(struct exec *x, int (*fn)(void *w, char *rep, size_t len), FILE *d)
{
	char *rep;
	int n;

	if (!fn)
		return true;
	rep = calloc(1, REPORT_LEN);
	if (!rep) {
		fputs("  out of memory\n", d);
		return false;
	}
	n = fn(x->w, rep, REPORT_LEN);
	if (n)
		fprintf(d, "  %d problem(s):\n%s", n, rep);
	free(rep);
	return n == 0;
}

bool exec_world_check(struct exec *x, FILE *d)
{
	return world_report(x, x->ops->check, d);
}

static bool final_lockdep(struct exec *x, FILE *d)
{
	static const struct script_op clean = { .kind = OP_LOCKDEP_CLEAN };

	return exec_op(x, &clean, d);
}

static bool final_shutdown(struct exec *x, FILE *d)
{
	x->fs = NULL;
	return world_report(x, x->ops->shutdown, d);
}

/* Prints every line of buf as a TAP comment. */
static void put_notes(FILE *out, const char *buf, size_t len)
{
	const char *end = buf + len, *nl;

	while (buf < end) {
		nl = memchr(buf, '\n', end - buf);
		fputs("# ", out);
		fwrite(buf, 1, (nl ? nl : end) - buf, out);
		fputc('\n', out);
		buf = nl ? nl + 1 : end;
	}
}

/* One TAP test: the operation op, or (op == NULL) the final check fn. */
static void run_test(struct exec *x, const char *desc, const struct script_op *op,
		     bool (*fn)(struct exec *x, FILE *d))
{
	char *notes = NULL;
	size_t len = 0;
	FILE *d = open_memstream(&notes, &len);
	bool pass = false;

	if (d) {
		pass = op ? exec_op(x, op, d) : fn(x, d);
		fclose(d);
	}
	x->nr_tests++;
	x->nr_failed += !pass;
	fprintf(x->out, "%sok %u - ", pass ? "" : "not ", x->nr_tests);
	for (; *desc; desc++) {
		if (*desc == '#')
			fputc('\\', x->out);
		fputc(*desc, x->out);
	}
	fputc('\n', x->out);
	if (!d)
		fputs("# out of memory\n", x->out);
	else
		put_notes(x->out, notes, len);
	free(notes);
	fflush(x->out);
}

int script_exec(const struct script *s, const struct script_host *host,
		const struct script_world_ops *ops, void *priv, FILE *out)
{
	struct exec x = { .ops = ops, .w = priv, .out = out };
	char err[1024] = "";
	size_t i;

	if (ops->boot && ops->boot(priv, host, err, sizeof(err))) {
		fprintf(out, "Bail out! cannot boot the host: %s\n", err);
		fflush(out);
		return SCRIPT_FAIL;
	}
	x.fs = ops->sysfs(priv);
	for (i = 0; i < s->nr; i++)
		run_test(&x, s->ops[i].src, &s->ops[i], NULL);
	run_test(&x, "final: consistency check", NULL, exec_world_check);
	if (!s->uses_lockdep_report)
		run_test(&x, "final: lock validator clean", NULL, final_lockdep);
	run_test(&x, "final: shutdown without leaks", NULL, final_shutdown);
	fprintf(out, "1..%u\n", x.nr_tests);
	fflush(out);
	return x.nr_failed ? SCRIPT_FAIL : SCRIPT_PASS;
}
