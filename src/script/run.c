// SPDX-License-Identifier: MIT
/*
 * run.c - from a script file to an exit status: parse, describe the host,
 * execute (the body of `vfio-ap-sim run`).
 *
 * The host is settled before anything runs, so that every error a user can
 * make in the script or on the command line is reported as
 * "FILE:LINE: reason" with exit status 2 and nothing run: the default host,
 * replaced by -c FILE, replaced by a `host` block; --variant, overridden by
 * a `variant` directive. A `host` block reaches the config parser through
 * fmemopen() with one blank line per script line before it, so the config
 * parser's line numbers are the script's own.
 *
 * The world is normally one struct sim (script_sim_ops): its private
 * pointer is a zeroed struct script_sim that boot fills and shutdown
 * (sim_free with its leak report) empties. The log and the validator are
 * read through the simulator's own objects, not through sim/dmesg and
 * sim/lockdep, so they are never cut at the sysfs page size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/klog.h"
#include "lockdep/lockdep.h"
#include "script/script_int.h"

/* --- the simulated host as a world ----------------------------------- */

static int sim_boot(void *w, const struct script_host *host, char *err, size_t len)
{
	struct script_sim *ss = w;

	ss->sim = sim_new(&host->cfg, host->variant, err, len);
	return ss->sim ? 0 : -EINVAL;
}

static struct sysfs *sim_fs(void *w)
{
	struct script_sim *ss = w;

	return sim_sysfs(ss->sim);
}

static char *sim_dmesg(void *w)
{
	struct script_sim *ss = w;

	return klog_dump(sim_klog(ss->sim));
}

static unsigned sim_ld_count(void *w)
{
	struct script_sim *ss = w;

	return ld_nr_reports(sim_lockdep(ss->sim));
}

static char *sim_ld_text(void *w)
{
	struct script_sim *ss = w;

	return ld_report_text(sim_lockdep(ss->sim));
}

static int sim_consistent(void *w, char *rep, size_t len)
{
	struct script_sim *ss = w;

	return sim_check(ss->sim, rep, len);
}

static int sim_shutdown(void *w, char *rep, size_t len)
{
	struct script_sim *ss = w;
	int n = sim_free(ss->sim, rep, len);

	ss->sim = NULL;
	return n;
}

const struct script_world_ops script_sim_ops = {
	.boot = sim_boot,
	.sysfs = sim_fs,
	.dmesg = sim_dmesg,
	.lockdep_count = sim_ld_count,
	.lockdep_text = sim_ld_text,
	.check = sim_consistent,
	.shutdown = sim_shutdown,
};

/* --- from a file to an exit status ------------------------------------- */

static int prepare_variant(const struct script *s, const char *name, const struct script_opts *opts,
			   struct script_host *host, char *err, size_t errlen)
{
	host->variant = SIM_MERGED;
	if (opts->variant && sim_variant_parse(opts->variant, &host->variant)) {
		snprintf(err, errlen, "--variant: unknown variant '%s' (merged, v18, v18-blocking)",
			 opts->variant);
		return -EINVAL;
	}
	if (s->has_variant && sim_variant_parse(s->variant, &host->variant)) {
		snprintf(err, errlen, "%s:%d: unknown variant '%s' (merged, v18, v18-blocking)",
			 name, s->variant_line, s->variant);
		return -EINVAL;
	}
	return 0;
}

static int prepare_config(const struct script *s, const char *name, const struct script_opts *opts,
			  struct sim_config *cfg, char *err, size_t errlen)
{
	FILE *f;
	int ret;

	if (s->has_host) {
		sim_config_init(cfg);
		f = fmemopen(s->host_text, s->host_len, "r");
		if (!f) {
			snprintf(err, errlen, "%s:%d: %s", name, s->host_line, strerror(errno));
			return -errno;
		}
		ret = sim_config_parse_stream(cfg, f, name, err, errlen);
		fclose(f);
		return ret;
	}
	if (opts->config_path) {
		sim_config_init(cfg);
		return sim_config_parse_file(cfg, opts->config_path, err, errlen);
	}
	sim_config_default(cfg);
	return 0;
}

int script_host_prepare(const struct script *s, const char *name, const struct script_opts *opts,
			struct script_host *host, char *err, size_t errlen)
{
	int ret = prepare_variant(s, name, opts, host, err, errlen);

	return ret ? ret : prepare_config(s, name, opts, &host->cfg, err, errlen);
}

int script_run(FILE *in, const char *name, const struct script_opts *opts, FILE *out)
{
	FILE *errf = opts->err ? opts->err : stderr;
	struct script_sim sim_world = { 0 };
	const struct script_world_ops *ops = opts->world ? opts->world : &script_sim_ops;
	void *priv = opts->world ? opts->world_priv : &sim_world;
	struct script_host *host = NULL;
	struct script *s = NULL;
	char err[1024] = "";
	int ret;

	if (script_parse(in, name, &s, err, sizeof(err))) {
		fprintf(errf, "%s\n", err);
		return SCRIPT_BAD;
	}
	host = calloc(1, sizeof(*host));
	if (!host) {
		fprintf(errf, "%s: out of memory\n", name);
		ret = SCRIPT_BAD;
	} else if (script_host_prepare(s, name, opts, host, err, sizeof(err))) {
		fprintf(errf, "%s\n", err);
		ret = SCRIPT_BAD;
	} else {
		ret = script_exec(s, host, ops, priv, out);
	}
	free(host);
	script_free(s);
	return ret;
}
