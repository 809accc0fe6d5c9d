/* SPDX-License-Identifier: MIT */
/*
 * test_remove.c - removal against calls in flight: a `remove` store that
 * deletes its own directory returns; a removal waits for another thread's
 * show inside the subtree (and only inside it); a self-removal still waits
 * for other threads; stores that create nodes run without the tree lock;
 * the validator stays quiet.
 *
 * "Waits" is shown by order, not by time: the show is held until the test
 * lets it go, the test waits until the removal has unlinked the subtree,
 * sees that the removal has not returned, lets the show go, and the
 * remover notes whether the show had been let go when it returned.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "sysfs/sysfs.h"
#include "tap.h"

struct world {
	struct sysfs *fs;
	struct sysfs_node *dev;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int in_show;		/* shows entered */
	bool release;		/* let blocked shows return */
	int done;		/* removals finished */
	int done_after_release; /* ... of them, after release was set */
};

#define HANG_GUARD_S 120 /* only against hangs; never reached when all is well */

static ssize_t show_block(void *priv, const struct sysfs_attr *attr, char *buf)
{
	struct world *w = priv;

	pthread_mutex_lock(&w->mu);
	w->in_show++;
	pthread_cond_broadcast(&w->cv);
	while (!w->release)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	return snprintf(buf, SYSFS_PAGE, "ok\n");
}

static ssize_t store_remove(void *priv, const struct sysfs_attr *attr, const char *buf,
			    size_t count)
{
	struct world *w = priv;

	sysfs_remove(w->fs, w->dev);
	return count;
}

static ssize_t store_create(void *priv, const struct sysfs_attr *attr, const char *buf,
			    size_t count)
{
	struct world *w = priv;
	struct sysfs_node *d = sysfs_mkdir(w->fs, sysfs_mkdir_p(w->fs, "top"), buf);

	return d ? (ssize_t)count : -EEXIST;
}

static const struct sysfs_attr dev_attrs[] = {
	{ .name = "slow", .mode = 0444, .show = show_block },
	{ .name = "remove", .mode = 0200, .store = store_remove },
};

static const struct sysfs_attr create_attr = { .name = "create",
					       .mode = 0200,
					       .store = store_create };

static void reset(struct world *w, const char *path)
{
	w->dev = sysfs_mkdir_p(w->fs, path);
	sysfs_add_files(w->fs, w->dev, dev_attrs, 2, w);
	w->in_show = 0;
	w->release = false;
	w->done = 0;
	w->done_after_release = 0;
}

static void *reader(void *arg)
{
	struct world *w = arg;
	char buf[16];
	char path[64];

	snprintf(path, sizeof(path), "top/%s/slow", "dev");
	return (void *)(long)sysfs_read(w->fs, path, buf, sizeof(buf));
}

static void *remover(void *arg)
{
	struct world *w = arg;

	sysfs_write(w->fs, "top/dev/remove", "1", 1);
	pthread_mutex_lock(&w->mu);
	w->done++;
	w->done_after_release += w->release;
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void wait_in_show(struct world *w, int n)
{
	pthread_mutex_lock(&w->mu);
	while (w->in_show < n)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static int removals_done(struct world *w)
{
	int d;

	pthread_mutex_lock(&w->mu);
	d = w->done;
	pthread_mutex_unlock(&w->mu);
	return d;
}

/*
 * Polls (1 ms naps) until the removal in flight has unlinked top/dev (or
 * has returned); false only if HANG_GUARD_S passed first.
 */
static bool wait_unlinked(struct world *w)
{
	struct timespec t0, t, nap = { 0, 1000000L };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sysfs_type_of(w->fs, "top/dev/slow", false) != -ENOENT && !removals_done(w)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > HANG_GUARD_S)
			return false;
		nanosleep(&nap, NULL);
	}
	return true;
}

static void let_go(struct world *w)
{
	pthread_mutex_lock(&w->mu);
	w->release = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void test_waits(struct world *w)
{
	pthread_t rd, rm;
	void *res;

	reset(w, "top/dev");
	pthread_create(&rd, NULL, reader, w);
	wait_in_show(w, 1);
	pthread_create(&rm, NULL, remover, w);
	if (!tap_ok(wait_unlinked(w), "the self-removal unlinks the subtree")) {
		tap_diag("hang guard: top/dev still there after %d s", HANG_GUARD_S);
		let_go(w);
	}
	tap_ok(removals_done(w) == 0, "self-removal waits for another thread's show");
	tap_ok(sysfs_type_of(w->fs, "top/dev/slow", false) == -ENOENT,
	       "... while the subtree is already unlinked");
	let_go(w);
	pthread_join(rm, NULL);
	pthread_join(rd, &res);
	tap_ok(w->done == 1 && w->done_after_release == 1,
	       "removal finished, and only once the show was let go");
	tap_ok((long)res == 3, "the show in flight completed normally");
}

static void test_unrelated(struct world *w)
{
	pthread_t rd;

	reset(w, "top/dev");
	sysfs_mkdir_p(w->fs, "top/other/x");
	pthread_create(&rd, NULL, reader, w);
	wait_in_show(w, 1);
	sysfs_remove_name(w->fs, sysfs_mkdir_p(w->fs, "top"), "other");
	tap_ok(sysfs_type_of(w->fs, "top/other", false) == -ENOENT,
	       "removing another subtree does not wait for the show");
	let_go(w);
	pthread_join(rd, NULL);
	sysfs_remove(w->fs, w->dev);
}

int main(void)
{
	struct ld_ctx *ld = ld_ctx_new();
	struct world w = { .fs = sysfs_new(ld) };
	char buf[8];

	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	reset(&w, "top/dev");
	tap_ok(sysfs_write(w.fs, "top/dev/remove", "1", 1) == 1, "remove store removes its dir");
	tap_ok(sysfs_type_of(w.fs, "top/dev", false) == -ENOENT, "... and the dir is gone");
	test_waits(&w);
	test_unrelated(&w);
	sysfs_add_file(w.fs, sysfs_mkdir_p(w.fs, "top"), &create_attr, &w);
	tap_ok(sysfs_write(w.fs, "top/create", "u1", 2) == 2 &&
		       sysfs_type_of(w.fs, "top/u1", false) == SYSFS_DIR,
	       "a store creates a dir (no tree lock held)");
	tap_ok(sysfs_write(w.fs, "top/create", "u1", 2) == -EEXIST, "... twice: -EEXIST");
	tap_ok(sysfs_read(w.fs, "top/create", buf, sizeof(buf)) == -EACCES, "create is write-only");
	tap_ok(ld_nr_reports(ld) == 0, "no validator report");
	sysfs_free(w.fs);
	ld_ctx_free(ld);
	return tap_done();
}
