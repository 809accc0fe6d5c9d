// SPDX-License-Identifier: MIT
/*
 * parse.c - reads a whole script into struct script (script_int.h).
 *
 * A line is split into words at single spaces; the TEXT of a command is the
 * rest of the line after the space that ends its last word, so TEXT keeps
 * any further spaces. A command that takes no TEXT tolerates trailing
 * blanks and nothing else. Blocks (`expect PATH` ... `end`, `host` ...
 * `end`) consume the lines up to a line that is `end` alone.
 *
 * Every error stops the parse with "NAME:LINE: reason" and leaves the
 * caller's script pointer untouched: nothing of a bad script ever runs.
 * Directive values that need the simulator to check (the variant name, the
 * host block) are stored raw here and checked by script_host_prepare.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/script_int.h"

struct parser {
	FILE *in;
	const char *name;
	int line;
	char *buf; /* current line, '\n' stripped */
	size_t cap;
	char *err;
	size_t errlen;
	struct script *s;
	const char *rest; /* after the last word's space; NULL at end of line */
};

__attribute__((format(printf, 2, 3))) static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Next line into p->buf: 1, or 0 at end of file, or -EIO. */
static int next_line(struct parser *p)
{
	ssize_t n;
	size_t len;

	errno = 0;
	n = getline(&p->buf, &p->cap, p->in);
	if (n < 0)
		return errno ? -EIO : 0;
	p->line++;
	len = n;
	if (len && p->buf[len - 1] == '\n')
		p->buf[--len] = '\0';
	if (strlen(p->buf) != len)
		return perr(p, "NUL byte in the script (write it as \\0)");
	return 1;
}

/* Cuts the next word from p->rest; what names it for the error message. */
static int word(struct parser *p, char **out, const char *what)
{
	char *start = (char *)p->rest, *end;

	*out = NULL;
	if (!start || !*start || *start == ' ')
		return perr(p, "missing %s", what);
	end = strchr(start, ' ');
	if (end) {
		*end = '\0';
		p->rest = end + 1;
	} else {
		p->rest = NULL;
	}
	*out = start;
	return 0;
}

/* PATH: a word, relative to the tree root, copied into op->path. */
static int path_word(struct parser *p, struct script_op *op)
{
	char *path;
	int ret = word(p, &path, "PATH");

	if (ret)
		return ret;
	if (path[0] == '/')
		return perr(p, "PATH must be relative to the tree root: '%s'", path);
	op->path = strdup(path);
	return op->path ? 0 : -ENOMEM;
}

static int no_more(struct parser *p, const char *after)
{
	const char *r = p->rest;

	while (r && (*r == ' ' || *r == '\t'))
		r++;
	if (r && *r)
		return perr(p, "unexpected text after %s: '%s'", after, r);
	return 0;
}

static int take_text(struct parser *p, struct script_op *op, const char *text, bool nl)
{
	const char *why = "";
	char *data;
	size_t len;

	if (script_unescape(text ? text : "", &data, &len, &why))
		return perr(p, "%s", why);
	if (nl) {
		char *d = realloc(data, len + 2);

		if (!d) {
			free(data);
			return -ENOMEM;
		}
		data = d;
		data[len++] = '\n';
		data[len] = '\0';
	}
	free(op->data);
	op->data = data;
	op->len = len;
	return 0;
}

/* Appends one decoded block line plus '\n' to op->data. */
static int block_append(struct parser *p, struct script_op *op, const char *line)
{
	struct script_op tmp = { 0 };
	char *d;
	int ret;

	ret = take_text(p, &tmp, line, true);
	if (ret)
		return ret;
	d = realloc(op->data, op->len + tmp.len + 1);
	if (!d) {
		free(tmp.data);
		return -ENOMEM;
	}
	memcpy(d + op->len, tmp.data, tmp.len + 1);
	op->data = d;
	op->len += tmp.len;
	free(tmp.data);
	return 0;
}

static bool is_end(const char *line)
{
	line += strspn(line, " \t");
	if (strncmp(line, "end", 3))
		return false;
	line += 3;
	return line[strspn(line, " \t")] == '\0';
}

/*
 * Feeds the lines up to `end` to fn. The block's error names its opening
 * line when the file ends first.
 */
static int read_block(struct parser *p, const char *what,
		      int (*fn)(struct parser *p, void *arg, const char *line), void *arg)
{
	int open_line = p->line, ret;

	for (;;) {
		ret = next_line(p);
		if (ret < 0)
			return ret;
		if (!ret) {
			p->line = open_line;
			return perr(p, "%s block has no 'end'", what);
		}
		if (is_end(p->buf))
			return 0;
		ret = fn(p, arg, p->buf);
		if (ret)
			return ret;
	}
}

static int expect_line(struct parser *p, void *arg, const char *line)
{
	return block_append(p, arg, line);
}

static int host_line(struct parser *p, void *arg, const char *line)
{
	struct script *s = p->s;
	size_t n = strlen(line);
	char *t = realloc(s->host_text, s->host_len + n + 2);

	if (!t)
		return -ENOMEM;
	memcpy(t + s->host_len, line, n);
	s->host_len += n;
	t[s->host_len++] = '\n';
	t[s->host_len] = '\0';
	s->host_text = t;
	return 0;
}

/* --- commands -------------------------------------------------------- */

static int cmd_path_text(struct parser *p, struct script_op *op, bool nl)
{
	int ret = path_word(p, op);

	return ret ? ret : take_text(p, op, p->rest, nl);
}

static int cmd_path(struct parser *p, struct script_op *op, bool nl)
{
	int ret = path_word(p, op);

	return ret ? ret : no_more(p, "PATH");
}

/* `expect PATH` alone opens a block; `expect PATH TEXT` is one line. */
static int cmd_expect(struct parser *p, struct script_op *op, bool nl)
{
	int ret = path_word(p, op);

	if (ret)
		return ret;
	if (p->rest)
		return take_text(p, op, p->rest, true);
	ret = take_text(p, op, "", false);
	if (ret)
		return ret;
	return read_block(p, "expect", expect_line, op);
}

static int cmd_lines(struct parser *p, struct script_op *op, bool nl)
{
	char *n, *end;
	int ret = path_word(p, op);

	if (!ret)
		ret = word(p, &n, "N (a line count)");
	if (ret)
		return ret;
	errno = 0;
	op->num = strtol(n, &end, 10);
	if (*end || end == n || errno || op->num < 0)
		return perr(p, "N must be a decimal line count, not '%s'", n);
	return no_more(p, "N");
}

static int cmd_text(struct parser *p, struct script_op *op, bool nl)
{
	return take_text(p, op, p->rest, false);
}

static int cmd_none(struct parser *p, struct script_op *op, bool nl)
{
	return no_more(p, "the command");
}

/* `fail ERRNO write|writen|read ...` */
static int cmd_fail(struct parser *p, struct script_op *op, bool nl)
{
	char *name, *what;
	int ret = word(p, &name, "ERRNO");

	if (ret)
		return ret;
	op->err = script_errno_parse(name);
	if (!op->err)
		return perr(p, "unknown errno name '%s'", name);
	ret = word(p, &what, "write, writen or read");
	if (ret)
		return ret;
	if (!strcmp(what, "write") || !strcmp(what, "writen")) {
		op->kind = OP_WRITE;
		return cmd_path_text(p, op, what[5] != 'n');
	}
	if (!strcmp(what, "read")) {
		op->kind = OP_READ;
		return cmd_path(p, op, false);
	}
	return perr(p, "fail takes write, writen or read, not '%s'", what);
}

static const struct script_cmd {
	const char *name;
	enum script_op_kind kind;
	int (*parse)(struct parser *p, struct script_op *op, bool nl);
	bool nl; /* TEXT gets a '\n' appended */
} cmds[] = {
	{ "write", OP_WRITE, cmd_path_text, true },
	{ "writen", OP_WRITE, cmd_path_text, false },
	{ "read", OP_READ, cmd_path, false },
	{ "expect", OP_EXPECT, cmd_expect, true },
	{ "expectn", OP_EXPECT, cmd_path_text, false },
	{ "contains", OP_CONTAINS, cmd_path_text, false },
	{ "lacks", OP_LACKS, cmd_path_text, false },
	{ "lines", OP_LINES, cmd_lines, false },
	{ "fail", OP_WRITE, cmd_fail, false },
	{ "exists", OP_EXISTS, cmd_path, false },
	{ "absent", OP_ABSENT, cmd_path, false },
	{ "link", OP_LINK, cmd_path_text, false },
	{ "dmesg", OP_DMESG, cmd_text, false },
	{ "nodmesg", OP_NODMESG, cmd_text, false },
	{ "lockdep-clean", OP_LOCKDEP_CLEAN, cmd_none, false },
	{ "lockdep-report", OP_LOCKDEP_REPORT, cmd_text, false },
	{ "check", OP_CHECK, cmd_none, false },
	{ "echo", OP_ECHO, cmd_text, false },
};

/* --- directives and the main loop ---------------------------------------- */

static int directive(struct parser *p, const char *cmd)
{
	struct script *s = p->s;
	char *v;
	int ret;

	if (s->nr)
		return perr(p, "directive '%s' after the first operation", cmd);
	if (!strcmp(cmd, "variant")) {
		if (s->has_variant)
			return perr(p, "second 'variant' directive");
		ret = word(p, &v, "variant name");
		if (!ret)
			ret = no_more(p, "the variant name");
		if (ret)
			return ret;
		if (strlen(v) >= sizeof(s->variant))
			return perr(p, "unknown variant '%s'", v);
		strcpy(s->variant, v);
		s->has_variant = true;
		s->variant_line = p->line;
		return 0;
	}
	if (s->has_host)
		return perr(p, "second 'host' block");
	ret = no_more(p, "'host'");
	if (ret)
		return ret;
	s->has_host = true;
	s->host_line = p->line;
	/* blank lines first, so that the config parser's line numbers are ours */
	s->host_text = calloc(1, p->line + 1);
	if (!s->host_text)
		return -ENOMEM;
	memset(s->host_text, '\n', p->line);
	s->host_len = p->line;
	return read_block(p, "host", host_line, NULL);
}

static struct script_op *new_op(struct script *s)
{
	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct script_op *ops = realloc(s->ops, cap * sizeof(*ops));

		if (!ops)
			return NULL;
		s->ops = ops;
		s->cap = cap;
	}
	memset(&s->ops[s->nr], 0, sizeof(s->ops[0]));
	return &s->ops[s->nr++];
}

/* Fills op from the words of its line. */
static int operation(struct parser *p, const struct script_cmd *c, struct script_op *op)
{
	op->kind = c->kind;
	op->line = p->line;
	if (c->kind == OP_LOCKDEP_REPORT)
		p->s->uses_lockdep_report = true;
	return c->parse(p, op, c->nl);
}

static int parse_line(struct parser *p)
{
	char *line = p->buf + strspn(p->buf, " \t"), *cmd, *src;
	struct script_op *op;
	size_t i;
	int ret;

	if (!*line || *line == '#')
		return 0;
	src = strdup(line);
	if (!src)
		return -ENOMEM;
	p->rest = line;
	ret = word(p, &cmd, "command");
	if (ret)
		goto out;
	if (!strcmp(cmd, "end")) {
		ret = perr(p, "'end' without an open 'expect PATH' or 'host' block");
		goto out;
	}
	if (!strcmp(cmd, "variant") || !strcmp(cmd, "host")) {
		ret = directive(p, cmd);
		goto out;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, cmd))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0])) {
		ret = perr(p, "unknown command '%s'", cmd);
		goto out;
	}
	op = new_op(p->s);
	if (!op) {
		ret = -ENOMEM;
		goto out;
	}
	op->src = src;
	return operation(p, &cmds[i], op);
out:
	free(src);
	return ret;
}

int script_parse(FILE *in, const char *name, struct script **out, char *err, size_t errlen)
{
	struct parser p = { .in = in, .name = name, .err = err, .errlen = errlen };
	int ret;

	p.s = calloc(1, sizeof(*p.s));
	if (!p.s)
		return -ENOMEM;
	while ((ret = next_line(&p)) > 0) {
		ret = parse_line(&p);
		if (ret)
			break;
	}
	free(p.buf);
	if (ret == -ENOMEM || ret == -EIO)
		snprintf(err, errlen, "%s:%d: %s", name, p.line, strerror(-ret));
	if (ret) {
		script_free(p.s);
		return ret;
	}
	*out = p.s;
	return 0;
}

void script_free(struct script *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nr; i++) {
		free(s->ops[i].src);
		free(s->ops[i].path);
		free(s->ops[i].data);
	}
	free(s->ops);
	free(s->host_text);
	free(s);
}

size_t script_nr_ops(const struct script *s)
{
	return s->nr;
}
