/* SPDX-License-Identifier: MIT */
/*
 * mount.c - `vfio-ap-sim mount [-c FILE] [-f] [--variant V] [--uevents]
 * [--trace FILE] [-o FUSEOPT,...] MOUNTPOINT` (design.md §10): boots one
 * simulated host and serves its sysfs through FUSE (vas_fuse_serve).
 * --uevents sends the simulated kernel's uevents into the current network
 * namespace, which must be a private one (nl_uevent.c refuses the host's).
 *
 * Command-line and configuration errors are found before anything is
 * forked: one line on stderr, exit 2. The host itself is built inside the
 * serving process (the daemon child), so no state crosses the fork.
 * Exit status: 0 clean unmount/signal (daemon: mount usable), 1 the host
 * did not boot or the mount failed, 2 usage or configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/nl_uevent.h"
#include "fuse/vas_fuse.h"
#include "sim/sim.h"

static const char mount_usage[] =
	"Usage: " VAS_PROG " mount [-c FILE] [-f] [--variant V] [--uevents] [--trace FILE]\n"
	"                   [-o FUSEOPT,...] MOUNTPOINT\n"
	"\n"
	"Boots a simulated host and serves its sysfs tree through FUSE at MOUNTPOINT.\n"
	"Without -f it returns once the mount is usable and serves in the background.\n"
	"'fusermount3 -u MOUNTPOINT' (or umount), SIGINT or SIGTERM end it.\n"
	"\n"
	"  -c, --config FILE   host configuration file (default: the built-in host)\n"
	"  -f, --foreground    stay in the foreground\n"
	"      --variant V     locking variant: merged (default), v18, v18-blocking\n"
	"      --uevents       send the kernel's uevents into this network namespace\n"
	"                      (only a private one, e.g. under 'unshare -Urn')\n"
	"      --trace FILE    write every read, write and uevent to FILE (sim/trace)\n"
	"  -o OPT[,OPT...]     FUSE mount options, e.g. allow_other (repeatable)\n"
	"  -h, --help          show this help\n";

static const struct option mount_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "variant", required_argument, NULL, 'v' },
	{ "uevents", no_argument, NULL, 'u' },
	{ "trace", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct mount_host {
	struct sim_config cfg;
	enum sim_variant variant;
	struct sim *sim;
	bool verbose; /* foreground: report teardown problems */
	bool uevents; /* --uevents */
	const char *trace_path;
	char opts[1024]; /* the -o options, joined by commas */
	struct nl_uevent nl;
};

static struct sysfs *host_build(void *arg, char *err, size_t errlen)
{
	struct mount_host *h = arg;
	struct sim_opts o = { .sink = NULL, .trace = h->trace_path != NULL, .trace_fd = -1 };

	if (h->uevents && nl_uevent_open(&h->nl, err, errlen))
		return NULL;
	if (h->uevents)
		o.sink = &h->nl.sink;
	if (h->trace_path &&
	    (o.trace_fd = open(h->trace_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) <
		    0) {
		snprintf(err, errlen, "--trace: cannot open '%s': %s", h->trace_path,
			 strerror(errno));
		return NULL;
	}
	h->sim = sim_new_opts(&h->cfg, h->variant, &o, err, errlen);
	return h->sim ? sim_sysfs(h->sim) : NULL;
}

static int host_teardown(void *arg, struct sysfs *fs)
{
	struct mount_host *h = arg;
	char report[2048] = "";
	int n = sim_free(h->sim, report, sizeof(report));

	if (h->uevents)
		nl_uevent_close(&h->nl);
	if (n && h->verbose)
		fprintf(stderr, "%s", report);
	return n;
}

/* Appends one -o argument; 0 or 2 (too long). */
static int add_opts(struct mount_host *h, const char *o)
{
	size_t len = strlen(h->opts);

	if (len + strlen(o) + 2 > sizeof(h->opts)) {
		fprintf(stderr, VAS_PROG " mount: -o: options too long\n");
		return 2;
	}
	snprintf(h->opts + len, sizeof(h->opts) - len, "%s%s", len ? "," : "", o);
	return 0;
}

/* Fills h from argv; returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct mount_host *h, const char **cfg_path)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:fo:h", mount_options, NULL)) != -1) {
		switch (c) {
		case 'u':
			h->uevents = true;
			break;
		case 't':
			h->trace_path = optarg;
			break;
		case 'c':
			*cfg_path = optarg;
			break;
		case 'f':
			h->verbose = true;
			break;
		case 'o':
			if (add_opts(h, optarg))
				return 2;
			break;
		case 'v':
			if (sim_variant_parse(optarg, &h->variant)) {
				fprintf(stderr,
					VAS_PROG " mount: --variant: unknown variant '%s' "
						 "(merged, v18, v18-blocking)\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(mount_usage, stdout);
			return 0;
		default:
			return cli_bad_option("mount", argv, c);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr,
			optind == argc ? VAS_PROG " mount: missing MOUNTPOINT\n" :
					 VAS_PROG " mount: unexpected argument '%s'\n",
			argv[optind + 1]);
		return 2;
	}
	return -1;
}

/* Loads the host configuration; 0 or 2 with the message printed. */
static int load_config(struct mount_host *h, const char *path)
{
	char err[512];

	if (!path) {
		sim_config_default(&h->cfg);
		return 0;
	}
	sim_config_init(&h->cfg);
	if (sim_config_parse_file(&h->cfg, path, err, sizeof(err))) {
		fprintf(stderr, VAS_PROG " mount: %s\n", err);
		return 2;
	}
	return 0;
}

int vas_cmd_mount(int argc, char **argv)
{
	struct mount_host *h = calloc(1, sizeof(*h));
	const char *cfg_path = NULL;
	struct vas_fuse_args a = { .prog = VAS_PROG " mount",
				   .ready_fd = -1,
				   .build = host_build,
				   .teardown = host_teardown };
	struct stat st;
	int rc;

	if (!h)
		return 1;
	h->variant = SIM_MERGED;
	rc = parse_args(argc, argv, h, &cfg_path);
	if (rc >= 0 || (rc = load_config(h, cfg_path)))
		goto out;
	a.mountpoint = argv[argc - 1];
	rc = stat(a.mountpoint, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (rc) {
		fprintf(stderr, VAS_PROG " mount: MOUNTPOINT '%s': %s\n", a.mountpoint,
			strerror(rc));
		rc = 2;
		goto out;
	}
	/*
	 * glibc's malloc reads /sys/devices/system/cpu/online when a ninth
	 * arena is first wanted (many worker threads allocating at once).
	 * With the tree bound over /sys (a private namespace, design.md
	 * §11.4) that read is a request to this very server, made by a worker
	 * that should be answering requests: the server hung in fuse-udev.
	 * Fixing the limit now (glibc's default, 8 per CPU) means it is never
	 * read again.
	 */
	mallopt(M_ARENA_MAX,
		8 * (int)(sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1));
	a.foreground = h->verbose;
	a.fuse_opts = h->opts;
	a.arg = h;
	rc = vas_fuse_serve(&a);
out:
	free(h);
	return rc;
}
