/* SPDX-License-Identifier: MIT */
/*
 * script_int.h - the parsed form of a script, shared by the parser
 * (parse.c), the executor (exec.c, run.c) and the interpreter's tests.
 *
 * Parsing normalises the surface syntax: `write` and `writen` become one
 * OP_WRITE whose data already carries the '\n' that `write` adds, `expect`,
 * `expectn` and the `expect` block become one OP_EXPECT with the exact
 * expected bytes, and every `fail ERRNO ...` is the plain operation with a
 * non-zero expected errno. An operation keeps its source line for the TAP
 * description.
 */
#ifndef VAS_SCRIPT_INT_H
#define VAS_SCRIPT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "script/script.h"

enum script_op_kind {
	OP_WRITE,	   /* path, data; err = expected errno or 0 */
	OP_READ,	   /* path; err = expected errno or 0 */
	OP_EXPECT,	   /* path, data = whole expected content */
	OP_CONTAINS,	   /* path, data = one line */
	OP_LACKS,	   /* path, data = one line */
	OP_LINES,	   /* path, num */
	OP_EXISTS,	   /* path */
	OP_ABSENT,	   /* path */
	OP_LINK,	   /* path, data = stored target text */
	OP_DMESG,	   /* data = substring */
	OP_NODMESG,	   /* data = substring */
	OP_LOCKDEP_CLEAN,  /* - */
	OP_LOCKDEP_REPORT, /* data = substring */
	OP_CHECK,	   /* - */
	OP_ECHO,	   /* data */
};

struct script_op {
	enum script_op_kind kind;
	int line;   /* 1-based line of the operation in the script */
	char *src;  /* that line as written (TAP description) */
	char *path; /* NULL for operations without PATH */
	char *data; /* decoded bytes, NUL-terminated after len */
	size_t len;
	int err;  /* OP_WRITE / OP_READ: expected errno (> 0) or 0 */
	long num; /* OP_LINES */
};

struct script {
	struct script_op *ops;
	size_t nr, cap;
	bool has_variant;
	char variant[32];
	int variant_line;
	bool has_host;
	int host_line;	 /* line of the `host` directive */
	char *host_text; /* the block, preceded by host_line newlines */
	size_t host_len;
	bool uses_lockdep_report;
};

#endif
