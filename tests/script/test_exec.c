// SPDX-License-Identifier: MIT
/*
 * test_exec.c - the executor (exec.c, tap.c) against a tiny fake world: a
 * bare sysfs tree with a few attributes, a canned log, a canned validator
 * report and configurable check/leak counts, plugged in through
 * struct script_world_ops. Each case runs a script and compares the whole
 * TAP output and the exit status, so the output format is pinned down:
 * passing and failing operations, escaped diagnostics, the final checks
 * (and their omission of the validator after `lockdep-report`), a world
 * that cannot boot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockdep/lockdep.h"
#include "script/script_int.h"
#include "sysfs/sysfs.h"
#include "tap.h"

struct fake {
	struct ld_ctx *ld;
	struct sysfs *fs;
	char value[64];
	size_t vlen;
	int problems, leaks, boot_err;
	const char *log, *report;
};

static ssize_t value_show(void *priv, const struct sysfs_attr *attr, char *buf)
{
	struct fake *f = priv;

	memcpy(buf, f->value, f->vlen);
	return f->vlen;
}

/* "busy..." -> EBUSY, "bad..." -> EINVAL, anything else is stored. */
static ssize_t value_store(void *priv, const struct sysfs_attr *attr, const char *buf, size_t count)
{
	struct fake *f = priv;

	if (!strncmp(buf, "busy", 4))
		return -EBUSY;
	if (!strncmp(buf, "bad", 3) || count >= sizeof(f->value))
		return -EINVAL;
	memcpy(f->value, buf, count);
	f->vlen = count;
	return count;
}

static ssize_t lines_show(void *priv, const struct sysfs_attr *attr, char *buf)
{
	return sprintf(buf, "03.0005\n04.0006\n");
}

static const struct sysfs_attr fake_attrs[] = {
	{ .name = "value", .mode = 0644, .show = value_show, .store = value_store },
	{ .name = "wo", .mode = 0200, .store = value_store },
	{ .name = "matrix", .mode = 0444, .show = lines_show },
};

static int fake_boot(void *w, const struct script_host *host, char *err, size_t len)
{
	struct fake *f = w;
	struct sysfs_node *dev;

	if (f->boot_err) {
		snprintf(err, len, "no such machine");
		return f->boot_err;
	}
	f->ld = ld_ctx_new();
	f->fs = sysfs_new(f->ld);
	dev = sysfs_mkdir_p(f->fs, "devices/dev");
	sysfs_add_files(f->fs, dev, fake_attrs, 3, f);
	sysfs_add_link(f->fs, sysfs_mkdir_p(f->fs, "bus/x"), "dev", dev);
	return 0;
}

static struct sysfs *fake_fs(void *w)
{
	return ((struct fake *)w)->fs;
}

static char *fake_log(void *w)
{
	return strdup(((struct fake *)w)->log);
}

static unsigned fake_ld_count(void *w)
{
	return *((struct fake *)w)->report != '\0';
}

static char *fake_ld_text(void *w)
{
	return strdup(((struct fake *)w)->report);
}

static int fake_check(void *w, char *rep, size_t len)
{
	struct fake *f = w;

	snprintf(rep, len, f->problems ? "  matrix broken\n" : "");
	return f->problems;
}

static int fake_shutdown(void *w, char *rep, size_t len)
{
	struct fake *f = w;

	sysfs_free(f->fs);
	ld_ctx_free(f->ld);
	snprintf(rep, len, f->leaks ? "  1 mdev left\n" : "");
	return f->leaks;
}

static const struct script_world_ops fake_ops = {
	.boot = fake_boot,
	.sysfs = fake_fs,
	.dmesg = fake_log,
	.lockdep_count = fake_ld_count,
	.lockdep_text = fake_ld_text,
	.check = fake_check,
	.shutdown = fake_shutdown,
};

/* Runs script in a fresh fake world f; compares exit status and output. */
static void run_case(const char *what, struct fake *f, const char *script, int want_ret,
		     const char *want_out)
{
	FILE *in = fmemopen((void *)script, strlen(script), "r");
	struct script_host host = { 0 };
	struct script *s = NULL;
	char err[256], *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);
	int ret = -1;

	if (!script_parse(in, "t.vas", &s, err, sizeof(err)))
		ret = script_exec(s, &host, &fake_ops, f, o);
	else
		fprintf(o, "parse error: %s\n", err);
	fclose(in);
	fclose(o);
	tap_ok(ret == want_ret && !strcmp(out, want_out), "%s", what);
	if (ret != want_ret || strcmp(out, want_out))
		tap_diag("status %d, output:\n%s", ret, out);
	script_free(s);
	free(out);
}

static void all_pass(void)
{
	struct fake f = { .log = "x\nvfio_ap: hello world\n", .report = "" };

	run_case("every operation passing", &f,
		 "write devices/dev/value 12\n"
		 "expect devices/dev/value 12\n"
		 "writen devices/dev/value a\\sb\n"
		 "expectn devices/dev/value a b\n"
		 "read bus/x/dev/matrix\n"
		 "contains devices/dev/matrix 04.0006\n"
		 "lacks devices/dev/matrix 04.0007\n"
		 "lines devices/dev/matrix 2\n"
		 "expect devices/dev/matrix\n"
		 "03.0005\n"
		 "04.0006\n"
		 "end\n"
		 "fail EBUSY write devices/dev/value busy\n"
		 "fail EACCES read devices/dev/wo\n"
		 "exists bus/x/dev\n"
		 "absent bus/x/nope\n"
		 "link bus/x/dev ../../devices/dev\n"
		 "dmesg vfio_ap: hello\n"
		 "nodmesg goodbye\n"
		 "lockdep-clean\n"
		 "check\n"
		 "echo done # really\n",
		 SCRIPT_PASS,
		 "ok 1 - write devices/dev/value 12\n"
		 "ok 2 - expect devices/dev/value 12\n"
		 "ok 3 - writen devices/dev/value a\\sb\n"
		 "ok 4 - expectn devices/dev/value a b\n"
		 "ok 5 - read bus/x/dev/matrix\n"
		 "# 03.0005\n"
		 "# 04.0006\n"
		 "ok 6 - contains devices/dev/matrix 04.0006\n"
		 "ok 7 - lacks devices/dev/matrix 04.0007\n"
		 "ok 8 - lines devices/dev/matrix 2\n"
		 "ok 9 - expect devices/dev/matrix\n"
		 "ok 10 - fail EBUSY write devices/dev/value busy\n"
		 "ok 11 - fail EACCES read devices/dev/wo\n"
		 "ok 12 - exists bus/x/dev\n"
		 "ok 13 - absent bus/x/nope\n"
		 "ok 14 - link bus/x/dev ../../devices/dev\n"
		 "ok 15 - dmesg vfio_ap: hello\n"
		 "ok 16 - nodmesg goodbye\n"
		 "ok 17 - lockdep-clean\n"
		 "ok 18 - check\n"
		 "ok 19 - echo done \\# really\n"
		 "# done # really\n"
		 "ok 20 - final: consistency check\n"
		 "ok 21 - final: lock validator clean\n"
		 "ok 22 - final: shutdown without leaks\n"
		 "1..22\n");
}

static void failures(void)
{
	struct fake f = { .log = "a\nb vfio_ap: x\n", .report = "", .problems = 1, .leaks = 1 };

	run_case("failing operations explain themselves", &f,
		 "expect devices/dev/value x\n"
		 "fail EINVAL write devices/dev/value ok\n"
		 "write devices/dev/value bad\n"
		 "contains devices/dev/matrix 05.0000\n"
		 "lines devices/dev/matrix 3\n"
		 "absent bus/x/dev\n"
		 "link devices/dev/value x\n"
		 "dmesg nothere\n"
		 "lockdep-report circular\n",
		 SCRIPT_FAIL,
		 "not ok 1 - expect devices/dev/value x\n"
		 "#   expected: \"x\\n\"\n"
		 "#     actual: \"\"\n"
		 "not ok 2 - fail EINVAL write devices/dev/value ok\n"
		 "#   expected: EINVAL\n"
		 "#     actual: 3 (bytes)\n"
		 "not ok 3 - write devices/dev/value bad\n"
		 "#   expected: 4 (bytes written)\n"
		 "#     actual: EINVAL (Invalid argument)\n"
		 "not ok 4 - contains devices/dev/matrix 05.0000\n"
		 "#   expected line: \"05.0000\"\n"
		 "#     actual: \"03.0005\\n04.0006\\n\"\n"
		 "not ok 5 - lines devices/dev/matrix 3\n"
		 "#   expected: 3 lines\n"
		 "#     actual: 2 lines: \"03.0005\\n04.0006\\n\"\n"
		 "not ok 6 - absent bus/x/dev\n"
		 "#   expected: no such path\n"
		 "#     actual: a symlink\n"
		 "not ok 7 - link devices/dev/value x\n"
		 "#   expected: a symlink\n"
		 "#     actual: EINVAL (Invalid argument)\n"
		 "not ok 8 - dmesg nothere\n"
		 "#   expected in a line: \"nothere\"\n"
		 "#   the log:\n"
		 "# a\n"
		 "# b vfio_ap: x\n"
		 "not ok 9 - lockdep-report circular\n"
		 "#   expected a report line containing: \"circular\"\n"
		 "#   the validator is clean\n"
		 "not ok 10 - final: consistency check\n"
		 "#   1 problem(s):\n"
		 "#   matrix broken\n"
		 "not ok 11 - final: shutdown without leaks\n"
		 "#   1 problem(s):\n"
		 "#   1 mdev left\n"
		 "1..11\n");
}

static void validator(void)
{
	struct fake f = { .log = "",
			  .report = "WARNING: possible circular locking dependency "
				    "detected\n*** DEADLOCK ***\n" };

	run_case("lockdep-report replaces the final validator check", &f,
		 "lockdep-clean\n"
		 "lockdep-report DEADLOCK\n",
		 SCRIPT_FAIL,
		 "not ok 1 - lockdep-clean\n"
		 "# WARNING: possible circular locking dependency detected\n"
		 "# *** DEADLOCK ***\n"
		 "ok 2 - lockdep-report DEADLOCK\n"
		 "ok 3 - final: consistency check\n"
		 "ok 4 - final: shutdown without leaks\n"
		 "1..4\n");
	run_case("a report fails the final validator check", &f, "echo\n", SCRIPT_FAIL,
		 "ok 1 - echo\n"
		 "ok 2 - final: consistency check\n"
		 "not ok 3 - final: lock validator clean\n"
		 "# WARNING: possible circular locking dependency detected\n"
		 "# *** DEADLOCK ***\n"
		 "ok 4 - final: shutdown without leaks\n"
		 "1..4\n");
}

int main(void)
{
	struct fake f = { .boot_err = -EINVAL };

	all_pass();
	failures();
	validator();
	run_case("a world that cannot boot bails out", &f, "echo x\n", SCRIPT_FAIL,
		 "Bail out! cannot boot the host: no such machine\n");
	return tap_done();
}
