/* SPDX-License-Identifier: MIT */
/*
 * sysfs_path.c - client access to the tree: path walks that follow
 * symlinks as the VFS does, show/store calls with an active reference,
 * readlink, stat and sorted listings, by path and by node handle.
 *
 * A walk runs under tree_lock held for reading; a link met in the middle
 * of a path (or at its end when following) is resolved by walking its
 * stored text from the link's own directory, at most SYSFS_MAX_HOPS links
 * per walk (-ELOOP). ".." at the root stays at the root. The lock is
 * dropped before any show/store: the call holds the node instead
 * (sysfs__call_begin/end).
 *
 * A show that fills its page (returns SYSFS_PAGE or more) is cut to
 * SYSFS_PAGE - 1 bytes and logged, as kernfs does (design.md §11.2): the
 * text handed out never contains the NUL that snprintf put in the last
 * byte. Ranged attributes (design.md §13.4) are read by byte range instead.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/klog.h"
#include "sysfs/sysfs_int.h"

#define NAME_MAX_LEN 255
#define SYSFS_PATH_MAX 512

static int walk_from(struct sysfs *fs, struct sysfs_node *cur, const char *path, bool follow,
		     int *hops, struct sysfs_node **out) REQUIRES_SHARED(fs->tree_lock)
{
	const char *p = path;

	if (*p == '/')
		cur = fs->root;
	while (*p) {
		size_t len = strcspn(p, "/");
		const char *next = p + len + (p[len] == '/');
		struct sysfs_node *n;
		int rc;

		if (!len || (len == 1 && *p == '.')) {
			p = next;
			continue;
		}
		if (cur->type != SYSFS_DIR)
			return -ENOTDIR;
		if (len > NAME_MAX_LEN)
			return -ENAMETOOLONG;
		if (len == 2 && !strncmp(p, "..", 2))
			n = cur->parent ? cur->parent : cur;
		else if (!(n = sysfs__find(fs, cur, p, len)))
			return -ENOENT;
		if (n->type == SYSFS_LINK && (follow || next[strspn(next, "/")])) {
			if (++*hops > SYSFS_MAX_HOPS)
				return -ELOOP;
			rc = walk_from(fs, n->parent, n->link, true, hops, &n);
			if (rc)
				return rc;
		}
		cur = n;
		p = next;
	}
	*out = cur;
	return 0;
}

int sysfs__walk(struct sysfs *fs, const char *path, bool follow, struct sysfs_node **out)
{
	int hops = 0;

	return walk_from(fs, fs->root, path, follow, &hops, out);
}

struct sysfs_node *sysfs_path_ref(struct sysfs *fs, const char *path, bool follow, int *err)
{
	struct sysfs_node *n = NULL;
	int rc;

	down_read(&fs->tree_lock);
	rc = sysfs__walk(fs, path, follow, &n);
	if (!rc)
		sysfs_node_get(n);
	up_read(&fs->tree_lock);
	if (err)
		*err = rc;
	return rc ? NULL : n;
}

struct sysfs_node *sysfs_lookup_ref(struct sysfs *fs, struct sysfs_node *dir, const char *name,
				    int *err)
{
	struct sysfs_node *n = NULL;
	int rc = -ENOENT;

	down_read(&fs->tree_lock);
	if (sysfs__removed(dir))
		rc = -ENOENT;
	else if (dir->type != SYSFS_DIR)
		rc = -ENOTDIR;
	else if ((n = sysfs__find(fs, dir, name, strlen(name))))
		sysfs_node_get(n);
	up_read(&fs->tree_lock);
	if (err)
		*err = n ? 0 : rc;
	return n;
}

int sysfs_node_stat(struct sysfs *fs, struct sysfs_node *n, struct sysfs_stat *st)
{
	ld_sched_access(fs->ld, n, false);
	if (sysfs__removed(n))
		return -ENOENT;
	st->type = n->type;
	st->mode = n->mode;
	st->ino = n->ino;
	st->ranged = n->type == SYSFS_FILE && n->attr.read;
	return 0;
}

/* Registers a call on a file node; -ENOENT, -EISDIR or -EACCES (per want). */
static int call_begin(struct sysfs *fs, struct sysfs_node *n, unsigned want, struct sysfs_call *c)
{
	int rc = 0;

	down_read(&fs->tree_lock);
	ld_sched_access(fs->ld, n, false);
	if (sysfs__removed(n))
		rc = -ENOENT;
	else if (n->type == SYSFS_DIR)
		rc = -EISDIR;
	else if (n->type != SYSFS_FILE || !(n->mode & want))
		rc = -EACCES;
	else if (want == 0444 ? !n->attr.show && !n->attr.read : !n->attr.store)
		rc = -EACCES;
	else
		sysfs__call_begin(fs, n, c);
	up_read(&fs->tree_lock);
	return rc;
}

void sysfs_set_observer(struct sysfs *fs, const struct sysfs_observer *obs)
{
	atomic_store(&fs->observer, obs);
}

int sysfs_node_path(struct sysfs *fs, struct sysfs_node *n, char *buf, size_t size)
{
	size_t len = 0, pos;
	int rc = 0;

	down_read(&fs->tree_lock);
	if (sysfs__removed(n) && n != fs->root) {
		rc = -ENOENT;
	} else {
		for (struct sysfs_node *p = n; p->parent; p = p->parent)
			len += strlen(p->name) + (p->parent->parent ? 1 : 0);
		if (len + 1 > size)
			len = 0; /* too long for buf: shown as "" */
		buf[len] = '\0';
		pos = len;
		for (struct sysfs_node *p = n; len && p->parent; p = p->parent) {
			size_t l = strlen(p->name);

			pos -= l;
			memcpy(buf + pos, p->name, l);
			if (pos)
				buf[--pos] = '/';
		}
	}
	up_read(&fs->tree_lock);
	return rc;
}

/* The observer, and n's path for it, if there is one (calls are rare while it is set). */
static const struct sysfs_observer *observe(struct sysfs *fs, struct sysfs_node *n, char *path,
					    size_t size)
{
	const struct sysfs_observer *obs = atomic_load(&fs->observer);

	if (obs && sysfs_node_path(fs, n, path, size))
		obs = NULL;
	return obs;
}

/* Runs the show of a call begun on n: the page's length, cut as kernfs does. */
static ssize_t run_show(struct sysfs *fs, struct sysfs_node *n, char *buf)
{
	ssize_t r;

	memset(buf, 0, SYSFS_PAGE);
	if (n->attr.read)
		return n->attr.read(n->priv, &n->attr, buf, SYSFS_PAGE - 1, 0);
	r = n->attr.show(n->priv, &n->attr, buf);
	if (r >= SYSFS_PAGE) {
		if (fs->log)
			klog_printf(fs->log, "fill_read_buffer: %s_show returned bad count",
				    n->name);
		r = SYSFS_PAGE - 1;
	}
	return r;
}

ssize_t sysfs_node_show(struct sysfs *fs, struct sysfs_node *n, char *buf)
{
	char path[SYSFS_PATH_MAX];
	const struct sysfs_observer *obs = observe(fs, n, path, sizeof(path));
	struct sysfs_call c;
	ssize_t r = call_begin(fs, n, 0444, &c);

	if (!r) {
		r = run_show(fs, n, buf);
		sysfs__call_end(fs, &c);
	}
	if (obs)
		obs->end(obs->arg, false, path, buf, r > 0 ? (size_t)r : 0, r);
	return r;
}

ssize_t sysfs_node_read(struct sysfs *fs, struct sysfs_node *n, char *buf, size_t size, off_t off)
{
	char page[SYSFS_PAGE], path[SYSFS_PATH_MAX];
	const struct sysfs_observer *obs = observe(fs, n, path, sizeof(path));
	struct sysfs_call c;
	ssize_t r = call_begin(fs, n, 0444, &c);

	if (!r) {
		if (off < 0)
			r = -EINVAL;
		else if (n->attr.read)
			r = n->attr.read(n->priv, &n->attr, buf, size, off);
		else if ((r = run_show(fs, n, page)) >= 0) {
			r = off < r ? r - off : 0;
			if ((size_t)r > size)
				r = (ssize_t)size;
			if (r)
				memcpy(buf, page + off, (size_t)r);
		}
		sysfs__call_end(fs, &c);
	}
	if (obs)
		obs->end(obs->arg, false, path, buf, r > 0 ? (size_t)r : 0, r);
	return r;
}

ssize_t sysfs_node_size(struct sysfs *fs, struct sysfs_node *n)
{
	struct sysfs_call c;
	ssize_t r;

	if (sysfs__removed(n))
		return -ENOENT;
	if (n->type != SYSFS_FILE)
		return n->type == SYSFS_DIR ? -EISDIR : -EACCES;
	if (!n->attr.read || !n->attr.size)
		return SYSFS_PAGE;
	r = call_begin(fs, n, 0444, &c);
	if (r)
		return r;
	r = (ssize_t)n->attr.size(n->priv, &n->attr);
	sysfs__call_end(fs, &c);
	return r;
}

ssize_t sysfs_node_store(struct sysfs *fs, struct sysfs_node *n, const char *buf, size_t count)
{
	char page[SYSFS_PAGE], path[SYSFS_PATH_MAX];
	const struct sysfs_observer *obs = observe(fs, n, path, sizeof(path));
	struct sysfs_call c;
	ssize_t r;

	if (count > SYSFS_PAGE - 1)
		count = SYSFS_PAGE - 1;
	if (obs)
		obs->begin(obs->arg, path, buf, count);
	r = call_begin(fs, n, 0222, &c);
	if (!r) {
		memcpy(page, buf, count);
		page[count] = '\0';
		r = n->attr.store(n->priv, &n->attr, page, count);
		sysfs__call_end(fs, &c);
	}
	if (obs)
		obs->end(obs->arg, true, path, buf, count, r);
	return r;
}

ssize_t sysfs_node_readlink(struct sysfs *fs, struct sysfs_node *n, char *buf, size_t size)
{
	size_t len;

	if (sysfs__removed(n))
		return -ENOENT;
	if (n->type != SYSFS_LINK)
		return -EINVAL;
	len = strlen(n->link);
	if (len > size)
		len = size;
	memcpy(buf, n->link, len);
	return len;
}

struct entry {
	const char *name;
	enum sysfs_type type;
	unsigned long long ino;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* Snapshot of dir's children (names copied), sorted; count or -errno. */
static ssize_t snapshot(struct sysfs *fs, struct sysfs_node *dir, struct entry **out)
{
	struct sysfs_node *c;
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	ssize_t rc = 0;

	down_read(&fs->tree_lock);
	ld_sched_access(fs->ld, dir, false);
	if (sysfs__removed(dir))
		rc = -ENOENT;
	else if (dir->type != SYSFS_DIR)
		rc = -ENOTDIR;
	list_for_each_entry(c, &dir->children, sibling) {
		if (rc)
			break;
		if (n == cap) {
			struct entry *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[n] = (struct entry){ strdup(c->name), c->type, c->ino };
		if (!v[n++].name)
			rc = -ENOMEM;
	}
	up_read(&fs->tree_lock);
	if (rc) {
		while (n)
			free((char *)v[--n].name);
		free(v);
		v = NULL;
	} else if (n) { /* an empty directory has no array at all */
		qsort(v, n, sizeof(*v), entry_cmp);
	}
	*out = v;
	return rc ? rc : (ssize_t)n;
}

int sysfs_node_list(struct sysfs *fs, struct sysfs_node *dir,
		    void (*fn)(void *arg, const char *name, enum sysfs_type type,
			       unsigned long long ino),
		    void *arg)
{
	struct entry *v;
	ssize_t n = snapshot(fs, dir, &v);

	for (ssize_t i = 0; i < n; i++)
		fn(arg, v[i].name, v[i].type, v[i].ino);
	for (ssize_t i = 0; i < n; i++)
		free((char *)v[i].name);
	free(v);
	return n < 0 ? (int)n : 0;
}

/* --- by path --------------------------------------------------------- */

ssize_t sysfs_read(struct sysfs *fs, const char *path, char *buf, size_t size)
{
	int err;
	struct sysfs_node *n = sysfs_path_ref(fs, path, true, &err);
	ssize_t r;

	if (!n)
		return err;
	r = sysfs_node_read(fs, n, buf, size, 0);
	sysfs_node_put(n);
	return r;
}

ssize_t sysfs_write(struct sysfs *fs, const char *path, const char *buf, size_t count)
{
	int err;
	struct sysfs_node *n = sysfs_path_ref(fs, path, true, &err);
	ssize_t r;

	if (!n)
		return err;
	r = sysfs_node_store(fs, n, buf, count);
	sysfs_node_put(n);
	return r;
}

ssize_t sysfs_readlink(struct sysfs *fs, const char *path, char *buf, size_t size)
{
	int err;
	struct sysfs_node *n = sysfs_path_ref(fs, path, false, &err);
	ssize_t r;

	if (!n)
		return err;
	r = sysfs_node_readlink(fs, n, buf, size);
	sysfs_node_put(n);
	return r;
}

int sysfs_type_of(struct sysfs *fs, const char *path, bool follow)
{
	struct sysfs_node *n = NULL;
	int rc;

	down_read(&fs->tree_lock);
	rc = sysfs__walk(fs, path, follow, &n);
	if (!rc)
		rc = n->type;
	up_read(&fs->tree_lock);
	return rc;
}

struct list_by_path {
	void (*fn)(void *arg, const char *name, enum sysfs_type type);
	void *arg;
};

static void list_one(void *arg, const char *name, enum sysfs_type type, unsigned long long ino)
{
	struct list_by_path *l = arg;

	l->fn(l->arg, name, type);
}

int sysfs_list(struct sysfs *fs, const char *path,
	       void (*fn)(void *arg, const char *name, enum sysfs_type type), void *arg)
{
	struct list_by_path l = { fn, arg };
	int err;
	struct sysfs_node *n = sysfs_path_ref(fs, path, true, &err);

	if (!n)
		return err;
	err = sysfs_node_list(fs, n, list_one, &l);
	sysfs_node_put(n);
	return err;
}
