/* SPDX-License-Identifier: MIT */
/*
 * script.h - the interpreter of the `vfio-ap-sim run` script language
 * (docs/scripts.md).
 *
 * A script is parsed completely first (script_parse); only a script without
 * syntax errors is run (script_exec), one TAP line per operation, then the
 * world is shut down and checked. script_run does both for the CLI.
 *
 * The world the operations act on is injected through a const ops table
 * (struct script_world_ops): the default one boots a struct sim from the
 * script's directives; tests plug in a bare sysfs tree instead. Nothing here
 * has global state: every run owns its world and its parsed script.
 */
#ifndef VAS_SCRIPT_H
#define VAS_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/config.h"
#include "sim/sim.h"

struct sysfs;
struct script;

/* Exit statuses of script_run (and of `vfio-ap-sim run`). */
enum { SCRIPT_PASS = 0, SCRIPT_FAIL = 1, SCRIPT_BAD = 2 };

/* The host the directives (and the command line) describe. */
struct script_host {
	enum sim_variant variant;
	struct sim_config cfg;
};

/*
 * The world a script runs against. Every function gets the world's private
 * pointer. boot is called once, before the first operation; the others
 * only after a successful boot. Strings returned are malloc'd (NULL = none).
 *
 *   boot      build the world: 0, or -errno with a message in err
 *   sysfs     the tree the path operations use
 *   dmesg     the kernel log, lines joined by '\n'
 *   lockdep   number of validator reports and their text
 *   check     consistency invariants: number of problems, described in rep
 *   shutdown  tear the world down: number of leaks, described in rep
 */
struct script_world_ops {
	int (*boot)(void *w, const struct script_host *host, char *err, size_t len);
	struct sysfs *(*sysfs)(void *w);
	char *(*dmesg)(void *w);
	unsigned (*lockdep_count)(void *w);
	char *(*lockdep_text)(void *w);
	int (*check)(void *w, char *rep, size_t len);
	int (*shutdown)(void *w, char *rep, size_t len);
};

/* The simulated host (struct sim); its private data is a struct script_sim. */
struct script_sim {
	struct sim *sim;
};
extern const struct script_world_ops script_sim_ops;

struct script_opts {
	const char *config_path;	      /* -c FILE; NULL = default host */
	const char *variant;		      /* --variant; NULL = merged */
	const struct script_world_ops *world; /* NULL = script_sim_ops */
	void *world_priv;		      /* NULL with script_sim_ops */
	FILE *err;			      /* diagnostics; NULL = stderr */
};

/*
 * Parses a whole script. On a syntax error returns -EINVAL with
 * "NAME:LINE: reason" in err and *out untouched; -ENOMEM, -EIO likewise.
 */
int script_parse(FILE *in, const char *name, struct script **out, char *err, size_t errlen);
void script_free(struct script *s);
/* Number of operations (TAP tests before the final checks). */
size_t script_nr_ops(const struct script *s);

/*
 * Fills host from the defaults, opts->config_path, opts->variant and the
 * script's directives (which win). -EINVAL with "FILE:LINE: reason" in err.
 */
int script_host_prepare(const struct script *s, const char *name, const struct script_opts *opts,
			struct script_host *host, char *err, size_t errlen);

/* Boots the world, runs every operation, prints TAP to out: PASS or FAIL. */
int script_exec(const struct script *s, const struct script_host *host,
		const struct script_world_ops *ops, void *priv, FILE *out);

/* Parse, prepare, execute: SCRIPT_PASS, SCRIPT_FAIL or SCRIPT_BAD. */
int script_run(FILE *in, const char *name, const struct script_opts *opts, FILE *out);

/* --- text helpers (text.c: escapes, errno names) ----------------------- */

/*
 * Decodes a TEXT's escapes (\n \t \s \0 \xHH \\) from src into a malloc'd
 * buffer (NUL-terminated after *len bytes). -EINVAL with the reason in
 * *why (a static string) for an unknown or incomplete escape.
 */
int script_unescape(const char *src, char **out, size_t *len, const char **why);
/*
 * Writes len bytes to f between double quotes, printable ASCII as is,
 * backslash and other bytes escaped in the script's own notation.
 */
void script_fput_escaped(FILE *f, const char *buf, size_t len);

/* "EINVAL" -> EINVAL (positive), or 0 when unknown. */
int script_errno_parse(const char *name);
/* EINVAL -> "EINVAL"; NULL when not in the table. */
const char *script_errno_name(int err);

#endif
