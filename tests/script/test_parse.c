// SPDX-License-Identifier: MIT
/*
 * test_parse.c - the script parser (parse.c) both ways: well-formed lines
 * normalise to the expected operations (write adds '\n', writen does not,
 * blocks join their lines, fail carries its errno), and every malformed
 * script is refused as "NAME:LINE: reason" with the right line number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/script_int.h"
#include "tap.h"

static struct script *parse(const char *text, size_t len, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, len, "r");
	struct script *s = NULL;

	err[0] = '\0';
	script_parse(f, "t.vas", &s, err, errlen);
	fclose(f);
	return s;
}

static bool op_is(const struct script_op *op, enum script_op_kind kind, const char *path,
		  const char *data, size_t len, int err)
{
	if (op->kind != kind || op->err != err || op->len != len)
		return false;
	if ((path == NULL) != (op->path == NULL) || (path && strcmp(path, op->path)))
		return false;
	return !len || !memcmp(op->data, data, len);
}

static void good_script(void)
{
	static const char text[] = "# comment\n"
				   "   \n"
				   "variant v18\n"
				   "host\n"
				   "card 0x03 type=CEX8C\n"
				   "end\n"
				   "write bus/ap/apmask -0x03\n"
				   "writen a/b  two spaces\n"
				   "fail EBUSY write a/b\n"
				   "fail ERESTARTSYS writen a/b x\\n\n"
				   "fail EACCES read a/c\n"
				   "expect a/e\n"
				   "03.0005\n"
				   "# not a comment here\n"
				   "\n"
				   "  end  \n"
				   "expect a/f \n"
				   "expectn a/g\n"
				   "lines a/h 12\n"
				   "  echo hello # world\n"
				   "lockdep-report cycle\n"
				   "check   \n";
	char err[256];
	struct script *s = parse(text, sizeof(text) - 1, err, sizeof(err));
	struct script_op *op;

	if (!tap_ok(s != NULL, "good script parses")) {
		tap_diag("%s", err);
		return;
	}
	op = s->ops;
	tap_ok(s->nr == 12, "12 operations (%zu)", s->nr);
	tap_ok(s->has_variant && !strcmp(s->variant, "v18") && s->variant_line == 3, "variant");
	tap_ok(s->has_host && s->host_len == 4 + 21 && !strncmp(s->host_text, "\n\n\n\ncard", 8),
	       "host block padded to its own line numbers");
	tap_ok(op_is(&op[0], OP_WRITE, "bus/ap/apmask", "-0x03\n", 6, 0), "write adds newline");
	tap_ok(op_is(&op[1], OP_WRITE, "a/b", " two spaces", 11, 0), "writen keeps spaces");
	tap_ok(op_is(&op[2], OP_WRITE, "a/b", "\n", 1, EBUSY), "fail write, empty TEXT");
	tap_ok(op_is(&op[3], OP_WRITE, "a/b", "x\n", 2, 512), "fail writen with escape");
	tap_ok(op_is(&op[4], OP_READ, "a/c", "", 0, EACCES), "fail read");
	tap_ok(op_is(&op[5], OP_EXPECT, "a/e", "03.0005\n# not a comment here\n\n", 30, 0) &&
		       op[5].line == 12,
	       "expect block is literal, blank and # lines included");
	tap_ok(op_is(&op[6], OP_EXPECT, "a/f", "\n", 1, 0), "expect PATH + space = one empty line");
	tap_ok(op_is(&op[7], OP_EXPECT, "a/g", "", 0, 0), "expectn PATH = empty file");
	tap_ok(op[8].kind == OP_LINES && op[8].num == 12, "lines");
	tap_ok(op_is(&op[9], OP_ECHO, NULL, "hello # world", 13, 0) &&
		       !strcmp(op[9].src, "echo hello # world"),
	       "echo keeps '#', src drops indentation");
	tap_ok(s->uses_lockdep_report, "lockdep-report noted");
	tap_ok(op[11].kind == OP_CHECK, "check with trailing blanks");
	script_free(s);
}

/* The script (len bytes) must be refused with exactly this message. */
static void bad_n(const char *text, size_t len, const char *want)
{
	char err[256];
	struct script *s = parse(text, len, err, sizeof(err));

	tap_ok(!s && !strcmp(err, want), "refused: %s", want);
	if (s || strcmp(err, want))
		tap_diag("got: %s", err);
	script_free(s);
}

static void bad(const char *text, const char *want)
{
	bad_n(text, strlen(text), want);
}

int main(void)
{
	good_script();
	bad("frobnicate x\n", "t.vas:1: unknown command 'frobnicate'");
	bad("\n\nwrite\n", "t.vas:3: missing PATH");
	bad("write  a\n", "t.vas:1: missing PATH");
	bad("read /sys/bus\n", "t.vas:1: PATH must be relative to the tree root: '/sys/bus'");
	bad("read a b\n", "t.vas:1: unexpected text after PATH: 'b'");
	bad("check now\n", "t.vas:1: unexpected text after the command: 'now'");
	bad("write a \\q\n", "t.vas:1: unknown escape (use \\\\ for a backslash)");
	bad("echo \\x4\n", "t.vas:1: \\x needs two hex digits");
	bad("fail ENOPE write a b\n", "t.vas:1: unknown errno name 'ENOPE'");
	bad("fail EINVAL expect a b\n", "t.vas:1: fail takes write, writen or read, not 'expect'");
	bad("fail EINVAL\n", "t.vas:1: missing write, writen or read");
	bad("lines a x\n", "t.vas:1: N must be a decimal line count, not 'x'");
	bad("lines a\n", "t.vas:1: missing N (a line count)");
	bad("echo a\n\nexpect b\nline\n", "t.vas:3: expect block has no 'end'");
	bad("host\ncard 3\n", "t.vas:1: host block has no 'end'");
	bad("echo x\nvariant v18\n", "t.vas:2: directive 'variant' after the first operation");
	bad("echo x\nhost\nend\n", "t.vas:2: directive 'host' after the first operation");
	bad("variant v18\nvariant merged\n", "t.vas:2: second 'variant' directive");
	bad("host\nend\nhost\nend\n", "t.vas:3: second 'host' block");
	bad("variant\n", "t.vas:1: missing variant name");
	bad("end\n", "t.vas:1: 'end' without an open 'expect PATH' or 'host' block");
	bad_n("echo a\necho b\0c\n", 14, "t.vas:2: NUL byte in the script (write it as \\0)");
	return tap_done();
}
