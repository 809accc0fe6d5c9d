/* SPDX-License-Identifier: MIT */
/*
 * explore.c - `vfio-ap-sim explore`: the deadlock explorer's command line
 * (docs/explorer.md).
 *
 *   explore [--variant V] [--state S] [MODE] [--json] OP [OP...]
 *   explore --replay STRING [--trace]
 *   explore --all-pairs | --all-triples [--variant V] [--states S,S]
 *           [MODE] [--jobs J] [--json | --markdown]
 *   explore --list
 * MODE: (none) DPOR, complete; --bound N; --naive; --pct D --runs N [--seed S].
 *
 * Exit status: 0 nothing found and the search complete; 1 something found
 * (deadlock, non-serializable outcome, validator report, lock held at
 * exit, inconsistent state, leak); 3 nothing found but the search was
 * bounded, randomized or cut short; 2 a usage or setup error.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "explore/explore.h"
#include "vfio_ap/vfio_ap_private.h"

static const char usage[] =
	"Usage: " VAS_PROG " explore [--variant V] [--state S] [MODE] [--json] OP [OP...]\n"
	"       " VAS_PROG " explore --replay STRING [--trace]\n"
	"       " VAS_PROG " explore --all-pairs|--all-triples [--variant V] [--states S[,S]]\n"
	"                 [MODE] [--jobs J] [--json|--markdown]\n"
	"       " VAS_PROG " explore --list\n"
	"\n"
	"Runs the operations concurrently on fresh hosts under a controlled scheduler and\n"
	"explores their schedules: deadlocks, validator reports, non-serializable results,\n"
	"inconsistent state and leaks are reported with a replay string.\n"
	"\n"
	"  --variant V        merged (default), v18, v18-blocking, or a mutant (--list)\n"
	"  --state S          detached (default) or attached (a guest runs on mdev A)\n"
	"  --states S[,S]     the states of a table (default: detached,attached)\n"
	"  --bound N          every schedule with at most N preemptions (no reduction)\n"
	"  --naive            every schedule (no reduction; for comparison)\n"
	"  --pct D --runs N   N randomized PCT executions of depth D (--seed S)\n"
	"  --max-executions N stop after N executions (the result is then incomplete)\n"
	"  --no-minimize      report the first failing schedule found, not the smallest\n"
	"  --replay STRING    run the one schedule a report printed (--trace: each step)\n"
	"  --jobs J           explorations run at once by a table (default 2)\n"
	"  --json, --markdown machine-readable output / the table in Markdown\n"
	"Exit: 0 nothing found (complete), 1 found, 3 nothing found but incomplete, 2 error.\n";

enum {
	O_VARIANT = 256,
	O_STATE,
	O_STATES,
	O_BOUND,
	O_NAIVE,
	O_PCT,
	O_RUNS,
	O_SEED,
	O_MAX,
	O_NOMIN,
	O_REPLAY,
	O_TRACE,
	O_PAIRS,
	O_TRIPLES,
	O_JOBS,
	O_JSON,
	O_MD,
	O_LIST
};

static const struct option options[] = {
	{ "variant", required_argument, NULL, O_VARIANT },
	{ "state", required_argument, NULL, O_STATE },
	{ "states", required_argument, NULL, O_STATES },
	{ "bound", required_argument, NULL, O_BOUND },
	{ "naive", no_argument, NULL, O_NAIVE },
	{ "pct", required_argument, NULL, O_PCT },
	{ "runs", required_argument, NULL, O_RUNS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "max-executions", required_argument, NULL, O_MAX },
	{ "no-minimize", no_argument, NULL, O_NOMIN },
	{ "replay", required_argument, NULL, O_REPLAY },
	{ "trace", no_argument, NULL, O_TRACE },
	{ "all-pairs", no_argument, NULL, O_PAIRS },
	{ "all-triples", no_argument, NULL, O_TRIPLES },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "json", no_argument, NULL, O_JSON },
	{ "markdown", no_argument, NULL, O_MD },
	{ "list", no_argument, NULL, O_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct cmd {
	struct ex_opts o;
	unsigned table; /* 0, 2 (pairs) or 3 (triples) */
	enum ex_state states[2];
	unsigned nstates, jobs;
	bool json, markdown, trace, mode_set;
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, VAS_PROG " explore: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see '" VAS_PROG " explore --help')\n");
	return 2;
}

static int number(const char *opt, const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	if (!*s || *end || *s == '-' || *v > max) {
		fprintf(stderr, VAS_PROG " explore: %s: '%s' is not a number up to %llu\n", opt, s,
			max);
		return 2;
	}
	return 0;
}

static int set_mode(struct cmd *c, enum ex_mode m)
{
	if (c->mode_set && c->o.mode != m)
		return bad("%s", "--bound, --naive, --pct and --replay exclude each other");
	c->mode_set = true;
	c->o.mode = m;
	return 0;
}

static int parse_states(struct cmd *c, const char *arg)
{
	char copy[64], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", arg);
	c->nstates = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (c->nstates == 2 || ex_state_parse(w, &c->states[c->nstates]))
			return bad("--states: '%s': expected detached and/or attached", arg);
		c->nstates++;
	}
	return c->nstates ? 0 : bad("--states: '%s': expected detached and/or attached", arg);
}

static int parse(struct cmd *c, int argc, char **argv)
{
	unsigned long long v;
	int opt, rc = 0;

	while (!rc && (opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case O_VARIANT:
			c->o.lops = ex_lops(optarg);
			if (!c->o.lops)
				rc = bad("--variant: unknown variant '%s' (see --list)", optarg);
			break;
		case O_STATE:
			if (ex_state_parse(optarg, &c->o.state))
				rc = bad("--state: '%s': expected detached or attached", optarg);
			break;
		case O_STATES:
			rc = parse_states(c, optarg);
			break;
		case O_BOUND:
			rc = number("--bound", optarg, 64, &v) ?: set_mode(c, EX_MODE_BOUNDED);
			c->o.bound = (int)v;
			break;
		case O_NAIVE:
			rc = set_mode(c, EX_MODE_NAIVE);
			break;
		case O_PCT:
			rc = number("--pct", optarg, 17, &v) ?: set_mode(c, EX_MODE_PCT);
			c->o.pct_depth = (unsigned)v;
			break;
		case O_RUNS:
			rc = number("--runs", optarg, 100000000, &v);
			c->o.pct_runs = (unsigned)v;
			break;
		case O_SEED:
			rc = number("--seed", optarg, ~0ULL, &v);
			c->o.seed = v;
			break;
		case O_MAX:
			rc = number("--max-executions", optarg, ~0ULL, &v);
			c->o.max_execs = v;
			break;
		case O_NOMIN:
			c->o.minimize = false;
			break;
		case O_REPLAY:
			rc = set_mode(c, EX_MODE_REPLAY);
			c->o.replay = optarg;
			break;
		case O_TRACE:
			c->trace = true;
			break;
		case O_PAIRS:
		case O_TRIPLES:
			if (c->table)
				rc = bad("%s", "--all-pairs and --all-triples exclude each other");
			c->table = opt == O_PAIRS ? 2 : 3;
			break;
		case O_JOBS:
			rc = number("--jobs", optarg, 64, &v);
			c->jobs = (unsigned)v;
			if (!rc && !v)
				rc = bad("--jobs: '%s': at least 1", optarg);
			break;
		case O_JSON:
			c->json = true;
			break;
		case O_MD:
			c->markdown = true;
			break;
		case O_LIST:
			return 10;
		case 'h':
			fputs(usage, stdout);
			return 11;
		default:
			return cli_bad_option("explore", argv, opt);
		}
	}
	if (!rc && c->o.mode == EX_MODE_PCT && !c->o.pct_runs)
		rc = bad("%s", "--pct needs --runs N");
	return rc;
}

static void list(void)
{
	printf("operations (on mdev A unless said otherwise):\n");
	for (unsigned i = 0; i < ex_op_count(); i++)
		printf("  %-24s %s%s\n", ex_op_name((int)i), ex_op_help((int)i),
		       ex_op_needs_guest((int)i) ? " [attached only]" : "");
	printf("states: detached, attached\nvariants: merged, v18, v18-blocking\nmutants:");
	for (unsigned i = 0; vfio_ap_lock_mutants[i]; i++)
		printf(" %s", vfio_ap_lock_mutants[i]->name);
	printf("\n");
}

static const char *verdict(const struct ex_result *r)
{
	if (r->error)
		return "error";
	if (r->best.kind != EX_OK)
		return r->best.known < 0 ? "found" : "explained";
	return r->complete ? "clean" : "incomplete";
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_result(FILE *f, const struct ex_opts *o, const int *ops, unsigned nops,
			enum ex_state st, const struct ex_result *r)
{
	static const char *const modes[] = { "dpor", "naive", "bounded", "pct", "replay" };

	fprintf(f, "{\"variant\":");
	json_str(f, o->lops->name);
	fprintf(f, ",\"state\":\"%s\",\"ops\":[", ex_state_name(st));
	for (unsigned i = 0; i < nops; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "", ex_op_name(ops[i]));
	fprintf(f,
		"],\"mode\":\"%s\",\"bound\":%d,\"verdict\":\"%s\",\"complete\":%s,"
		"\"executions\":%llu,\"sleep_blocked\":%llu,\"steps\":%llu,\"outcomes\":%u,"
		"\"serial_outcomes\":%u,\"raw_keys\":%llu,\"seconds\":%.3f,\"finding\":",
		modes[o->mode], o->mode == EX_MODE_BOUNDED ? o->bound : -1, verdict(r),
		r->complete ? "true" : "false", r->executions, r->sleep_blocked, r->steps,
		r->outcomes, r->serial_outcomes, r->raw_keys, r->seconds);
	if (r->best.kind == EX_OK) {
		fprintf(f, "null");
	} else {
		fprintf(f, "{\"kind\":\"%s\",\"explained\":", ex_kind_name(r->best.kind));
		if (r->best.known < 0)
			fprintf(f, "null");
		else
			json_str(f, ex_known_name(r->best.known));
		fprintf(f, ",\"preemptions\":%u,\"steps\":%u,\"events\":\"%016llx\",\"replay\":",
			r->best.preemptions, r->best.steps, (unsigned long long)r->best.events);
		json_str(f, r->best.replay);
		fprintf(f, ",\"report\":");
		json_str(f, r->best.report);
		fprintf(f, "}");
	}
	if (r->error) {
		fprintf(f, ",\"error\":");
		json_str(f, r->error);
	}
	fprintf(f, "}\n");
}

static void human(const struct ex_opts *o, const struct ex_result *r)
{
	static const char *const modes[] = { "DPOR (complete)", "every schedule",
					     "preemption-bounded", "PCT", "replay" };

	printf("explore: variant %s, state %s, operations", o->lops->name, ex_state_name(o->state));
	for (unsigned i = 0; i < o->nops; i++)
		printf(" %s%s", i ? "+ " : "", ex_op_name(o->ops[i]));
	printf("\nsearch: %s", modes[o->mode]);
	if (o->mode == EX_MODE_BOUNDED)
		printf(", at most %d preemption%s", o->bound, o->bound == 1 ? "" : "s");
	printf("\n%llu execution%s (%llu sleep-set blocked), %llu steps, %u distinct outcome%s "
	       "(%u from serial orders), %.3f s\n",
	       r->executions, r->executions == 1 ? "" : "s", r->sleep_blocked, r->steps,
	       r->outcomes, r->outcomes == 1 ? "" : "s", r->serial_outcomes, r->seconds);
	if (r->error) {
		printf("error: %s\n", r->error);
		return;
	}
	if (r->best.kind == EX_OK) {
		printf("verdict: nothing found%s\n",
		       r->complete ? ", every schedule in scope covered" :
				     " (incomplete: not every schedule was run)");
		return;
	}
	if (r->best.known < 0)
		printf("verdict: %s found (%llu failing execution%s)\n\n%s\n",
		       ex_kind_name(r->best.kind), r->failures[r->best.kind],
		       r->failures[r->best.kind] == 1 ? "" : "s", r->best.report);
	else
		printf("verdict: explained finding '%s' (%llu execution%s; docs/explorer.md): %s\n\n"
		       "%s\n",
		       ex_known_name(r->best.known), r->explained, r->explained == 1 ? "" : "s",
		       ex_known_why(r->best.known), r->best.report);
	printf("schedule (%u step%s, %u preemption%s; * = preempted a thread that could go on):\n%s",
	       r->best.steps, r->best.steps == 1 ? "" : "s", r->best.preemptions,
	       r->best.preemptions == 1 ? "" : "s", r->best.schedule ? r->best.schedule : "");
	printf("\nreplay: " VAS_PROG " explore --replay '%s'\n", r->best.replay);
}

static int exit_code(const struct ex_result *r)
{
	if (r->error)
		return 2;
	if (ex_result_failed(r))
		return 1;
	return r->complete ? 0 : 3;
}

static void table_out(const struct cmd *c, const struct ex_row *rows, size_t n)
{
	if (c->json) {
		for (size_t i = 0; i < n; i++)
			json_result(stdout, &c->o, rows[i].ops, rows[i].nops, rows[i].state,
				    &rows[i].r);
		return;
	}
	if (c->markdown)
		printf("| state | operations | executions | verdict | finding |\n|---|---|---:|---|---|\n");
	else
		printf("%-9s %-48s %10s %-11s %s\n", "state", "operations", "executions", "verdict",
		       "finding");
	for (size_t i = 0; i < n; i++) {
		const struct ex_result *r = &rows[i].r;
		char ops[128] = "", finding[96] = "";
		size_t len = 0;

		for (unsigned k = 0; k < rows[i].nops; k++)
			len += (size_t)snprintf(ops + len, sizeof(ops) - len, "%s%s",
						k ? " + " : "", ex_op_name(rows[i].ops[k]));
		if (r->error)
			snprintf(finding, sizeof(finding), "error: %.80s", r->error);
		else if (r->best.kind != EX_OK && r->best.known >= 0)
			snprintf(finding, sizeof(finding), "%s (%u preemptions, %u steps)",
				 ex_known_name(r->best.known), r->best.preemptions, r->best.steps);
		else if (r->best.kind != EX_OK)
			snprintf(finding, sizeof(finding), "%s (%u preemptions, %u steps)",
				 ex_kind_name(r->best.kind), r->best.preemptions, r->best.steps);
		if (c->markdown)
			printf("| %s | %s | %llu | %s%s | %s |\n", ex_state_name(rows[i].state),
			       ops, r->executions, verdict(r),
			       r->bounded && r->complete ? " (bounded)" : "", finding);
		else
			printf("%-9s %-48s %10llu %-11s %s\n", ex_state_name(rows[i].state), ops,
			       r->executions, verdict(r), finding);
	}
}

static int run_table(struct cmd *c)
{
	struct ex_row *rows;
	size_t n, found = 0, explained = 0, incomplete = 0, errors = 0;
	unsigned long long execs = 0;
	double secs = 0;
	int rc = ex_table(&c->o, c->table, c->states, c->nstates, c->jobs, &rows, &n);

	if (rc) {
		fprintf(stderr, VAS_PROG " explore: cannot run the table: %s\n", strerror(-rc));
		return 2;
	}
	table_out(c, rows, n);
	for (size_t i = 0; i < n; i++) {
		execs += rows[i].r.executions;
		secs += rows[i].r.seconds;
		errors += rows[i].r.error != NULL;
		found += !rows[i].r.error && ex_result_failed(&rows[i].r);
		explained += !rows[i].r.error && !ex_result_failed(&rows[i].r) &&
			     rows[i].r.best.kind != EX_OK;
		incomplete +=
			!rows[i].r.error && rows[i].r.best.kind == EX_OK && !rows[i].r.complete;
	}
	if (!c->json)
		printf("%s%zu explorations, %llu executions (%.1f s of exploration): %zu with a "
		       "finding, %zu explained, %zu incomplete, %zu errors\n",
		       c->markdown ? "\n" : "", n, execs, secs, found, explained, incomplete,
		       errors);
	ex_rows_free(rows, n);
	return errors ? 2 : found ? 1 : incomplete ? 3 : 0;
}

int vas_cmd_explore(int argc, char **argv)
{
	struct cmd c = { .o = { .lops = &vfio_ap_lock_merged,
				.mode = EX_MODE_DPOR,
				.minimize = true,
				.cpu = -1 },
			 .states = { EX_DETACHED, EX_ATTACHED },
			 .nstates = 2,
			 .jobs = 2 };
	struct ex_result r;
	char err[256];
	int rc = parse(&c, argc, argv);

	/*
	 * One thread runs at a time: one malloc arena, not one per thread per
	 * execution; and every execution boots and frees a host: keep the heap
	 * instead of returning it to the kernel and asking for it again.
	 */
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	if (rc == 10) {
		list();
		return 0;
	}
	if (rc)
		return rc == 11 ? 0 : rc;
	if (c.o.mode == EX_MODE_REPLAY) {
		if (optind < argc || c.table)
			return bad("%s", "--replay takes no operations and no table");
		if (ex_replay_parse(c.o.replay, &c.o, ex_lops, err, sizeof(err)))
			return bad("--replay: %s", err);
		c.o.trace = c.trace ? stdout : NULL;
	} else if (c.table) {
		if (optind < argc)
			return bad("unexpected argument '%s' with a table", argv[optind]);
		c.o.trace = c.trace ? stderr : NULL; /* --trace: a progress line per exploration */
		return run_table(&c);
	} else {
		if (optind >= argc)
			return bad("%s", "no operation given (see --list)");
		for (; optind < argc; optind++) {
			int k = ex_op_lookup(argv[optind]);

			if (k < 0)
				return bad("unknown operation '%s' (see --list)", argv[optind]);
			if (ex_op_needs_guest(k) && c.o.state != EX_ATTACHED)
				return bad("'%s' needs a guest: use --state attached",
					   argv[optind]);
			if (c.o.nops == EX_MAX_OPS)
				return bad("at most 4 operations, '%s' is one too many",
					   argv[optind]);
			c.o.ops[c.o.nops++] = k;
		}
	}
	ex_explore(&c.o, &r);
	if (c.json)
		json_result(stdout, &c.o, c.o.ops, c.o.nops, c.o.state, &r);
	else
		human(&c.o, &r);
	rc = exit_code(&r);
	ex_result_free(&r);
	fflush(stdout);
	_exit(rc); /* a deadlocked execution's threads stay parked: do not wait for them */
}
