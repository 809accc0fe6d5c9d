/* SPDX-License-Identifier: MIT */
/*
 * top_bench.c - what one refresh of `vfio-ap-sim top` costs through a real
 * FUSE mount (docs/top.md, "Cost"): reading the tree into the model and
 * drawing the canvas, as the terminal view does at every interval.
 *
 * Two hosts, each served by `vfio-ap-sim mount` in a temporary directory:
 *   default   the built-in host (4 cards x 16 domains), adapter 5 and
 *             domains 3, 4 given to vfio_ap, one mdev with a guest;
 *   256x256   256 CEX8C cards x 256 domains (65,536 queues), adapters
 *             0x80-0xff given to vfio_ap at boot, two mdevs of 16 x 16,
 *             one with a guest.
 * Each is refreshed RUNS times; the median and the range are printed in ms
 * (goals: default <= 20 ms, 256x256 <= 1 s). Needs root and /dev/fuse.
 *
 * usage: top_bench PATH/TO/vfio-ap-sim [RUNS]   (default 21)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/top.h"

#define U1 "0a0a0a0a-1111-4222-8333-444444444444"
#define U2 "0b0b0b0b-1111-4222-8333-444444444444"
#define MD "/devices/vfio_ap/matrix/"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void w(const char *mp, const char *rel, const char *v)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", mp, rel);
	f = fopen(path, "w");
	if (!f || fputs(v, f) < 0 || fclose(f)) {
		fprintf(stderr, "top_bench: write %s <- %s failed\n", rel, v);
		exit(1);
	}
}

/* Runs `vas mount [-c conf] mp`, which returns once the mount works. */
static void mount_host(const char *vas, const char *conf, const char *mp)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (conf)
			execl(vas, vas, "mount", "-c", conf, mp, (char *)NULL);
		else
			execl(vas, vas, "mount", mp, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "top_bench: cannot mount %s\n", mp);
		exit(1);
	}
}

static void assign(const char *mp, const char *u, int a0, int d0)
{
	char rel[256], v[16];

	w(mp, MD "mdev_supported_types/vfio_ap-passthrough/create", u);
	for (int i = 0; i < 16; i++) {
		snprintf(rel, sizeof(rel), MD "%s/assign_adapter", u);
		snprintf(v, sizeof(v), "%d", a0 + i);
		w(mp, rel, v);
		snprintf(rel, sizeof(rel), MD "%s/assign_domain", u);
		snprintf(v, sizeof(v), "%d", d0 + i);
		w(mp, rel, v);
	}
}

/* RUNS refreshes of the tree at mp: median, min, max in ms. */
static void refreshes(const char *name, const char *mp, int runs, double goal)
{
	double *t = calloc((size_t)runs, sizeof(*t));
	struct top_model *m = calloc(1, sizeof(*m));
	struct top_canvas cv;
	char err[8400];
	int queues = 0;

	if (!t || !m)
		exit(1);
	for (int r = 0; r < runs; r++) {
		double t0 = now_ms();

		memset(m, 0, sizeof(*m));
		snprintf(m->root, sizeof(m->root), "%s", mp);
		if (top_model_read(m, err, sizeof(err))) {
			fprintf(stderr, "top_bench: %s\n", err);
			exit(1);
		}
		top_render(&cv, m, NULL, NULL);
		t[r] = now_ms() - t0;
		queues = 0;
		for (int a = 0; a < 256; a++)
			for (int d = 0; d < 256; d++)
				queues += top_exists(m, (unsigned)a, (unsigned)d);
		top_canvas_free(&cv);
		top_model_free(m);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_d);
	printf("  %-8s %6d queues  median %8.1f ms  (min %.1f, max %.1f; goal <= %.0f ms)\n", name,
	       queues, t[runs / 2], t[0], t[runs - 1], goal);
	printf("RESULT %s_ms=%.2f\n", name, t[runs / 2]);
	free(t);
	free(m);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/vas-topbench.XXXXXX", mp[256], conf[256];
	int runs = argc > 2 ? atoi(argv[2]) : 21;
	FILE *f;

	if (argc < 2 || runs < 1 || !mkdtemp(dir)) {
		fprintf(stderr, "usage: top_bench PATH/TO/vfio-ap-sim [RUNS]\n");
		return 2;
	}
	snprintf(mp, sizeof(mp), "%s/mnt", dir);
	snprintf(conf, sizeof(conf), "%s/big.conf", dir);
	if (mkdir(mp, 0755))
		return 1;
	printf("top_bench: one refresh (read the tree, draw the canvas) through a FUSE mount, "
	       "%d runs\n",
	       runs);

	mount_host(argv[1], NULL, mp);
	w(mp, "/bus/ap/apmask", "-5");
	w(mp, "/bus/ap/aqmask", "-3,-4");
	w(mp, MD "mdev_supported_types/vfio_ap-passthrough/create", U1);
	w(mp, MD U1 "/assign_adapter", "5");
	w(mp, MD U1 "/assign_domain", "3");
	w(mp, "/sim/guests/start", U1);
	refreshes("default", mp, runs, 20);
	w(mp, "/sim/guests/stop", U1);
	umount2(mp, 0);

	f = fopen(conf, "w");
	if (!f)
		return 1;
	fputs("apxa yes\ncard 0x00-0xff type=CEX8C\nusage_domains 0x00-0xff\n"
	      "control_domains 0x00-0xff\napmask 0xffffffffffffffffffffffffffffffff\n",
	      f);
	fclose(f);
	mount_host(argv[1], conf, mp);
	assign(mp, U1, 0x80, 0x00);
	assign(mp, U2, 0x90, 0x10);
	w(mp, "/sim/guests/start", U1);
	refreshes("256x256", mp, runs < 5 ? runs : 5 + (runs - 5) / 4, 1000);
	w(mp, "/sim/guests/stop", U1);
	umount2(mp, 0);
	unlink(conf);
	rmdir(mp);
	rmdir(dir);
	return 0;
}
