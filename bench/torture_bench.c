/* SPDX-License-Identifier: MIT */
/*
 * torture_bench.c - mixed torture operations per minute with 2, 4 and 8
 * threads, lock validator on and off, and the on/off ratio, in one run.
 *
 * Each point is one torture_run (default host, merged, seed 1, threads
 * admins + 1 guest thread per 4 admins) of SECONDS seconds (argv[1],
 * default 5), quiet. A point that does not end in SUCCESS is reported as
 * such: the figure of a failing run is not a result.
 */
#include <stdio.h>
#include <stdlib.h>

#include "torture/torture.h"

static double point(unsigned threads, bool validator, double secs, bool *ok)
{
	struct torture_opts o;
	struct torture_result r;
	FILE *null = fopen("/dev/null", "w");

	torture_opts_init(&o);
	o.threads = threads - threads / 4;
	o.guests = threads / 4;
	o.duration_s = secs;
	o.quiet = true;
	o.validator_off = !validator;
	o.watchdog_s = 60;
	/* the known system bugs (docs/torture.md) stay out of the measured mix */
	o.weight[torture_op_index("aqic_enable")] = 0;
	o.weight[torture_op_index("remove")] = 0;
	*ok = torture_run(&o, null ? null : stdout, &r) == 0;
	if (null)
		fclose(null);
	return (double)r.ops / r.seconds * 60.0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5;
	static const unsigned threads[] = { 2, 4, 8 };

	printf("%-8s %16s %16s %8s\n", "threads", "ops/min on", "ops/min off", "off/on");
	for (unsigned i = 0; i < 3; i++) {
		bool ok_on, ok_off;
		double on = point(threads[i], true, secs, &ok_on);
		double off = point(threads[i], false, secs, &ok_off);

		printf("%-8u %16.0f %16.0f %8.2f%s\n", threads[i], on, off, off / on,
		       ok_on && ok_off ? "" : "  (a run FAILED)");
		fflush(stdout);
	}
	return 0;
}
