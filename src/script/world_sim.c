// SPDX-License-Identifier: MIT
/*
 * world_sim.c - the world scripts normally run against: one struct sim
 * booted from the script's host description (script_sim_ops).
 *
 * The private pointer is a struct script_sim that starts zeroed; boot
 * fills it, shutdown (sim_free with its leak report) empties it again.
 * The log and the validator are read through the simulator's own objects
 * rather than through sim/dmesg and sim/lockdep, so that they are never
 * cut at the sysfs page size.
 */
#include <errno.h>
#include <stdlib.h>

#include "base/klog.h"
#include "lockdep/lockdep.h"
#include "script/script.h"

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
