/* SPDX-License-Identifier: MIT */
/*
 * vas_fuse.h - serve a sysfs tree (src/sysfs) through FUSE, kernfs style.
 *
 * The adapter knows nothing of AP or of struct sim: it is given a tree
 * builder and serves whatever tree that returns. vas_fuse_serve() builds
 * the tree, mounts it, and runs a multi-threaded session until the file
 * system is unmounted or SIGINT/SIGTERM/SIGHUP arrives; then it unmounts
 * and tears the tree down. In daemon mode it forks first: the child builds,
 * mounts and reports through a pipe, so the parent returns only once the
 * mount is usable (or with the child's error).
 */
#ifndef VAS_FUSE_H
#define VAS_FUSE_H

#include <stdbool.h>
#include <stddef.h>

struct sysfs;

struct vas_fuse_args {
	const char *mountpoint;
	const char *fuse_opts; /* "-o" list (comma separated) or NULL */
	bool foreground;
	/*
	 * Foreground only: once mounted, "OK\n" (or the reason it failed) is
	 * written to this descriptor, which is then closed; -1: no report.
	 */
	int ready_fd;
	const char *prog; /* for messages, e.g. "vfio-ap-sim mount" */
	/* Builds the tree to serve; NULL with a message in err on failure. */
	struct sysfs *(*build)(void *arg, char *err, size_t errlen);
	/*
	 * Optional: called once mounted, before the first request is served
	 * and before readiness is reported; nonzero (with a message in err)
	 * unmounts and fails.
	 */
	int (*mounted)(void *arg, char *err, size_t errlen);
	/* Tears it down after unmount; returns 0 or a count of problems. */
	int (*teardown)(void *arg, struct sysfs *fs);
	void *arg;
};

/*
 * Exit status: 0 after a clean unmount or signal (daemon mode: as soon as
 * the mount is usable), 1 if building, option parsing or mounting failed
 * (one line on stderr).
 */
int vas_fuse_serve(const struct vas_fuse_args *a);

#endif
