/* SPDX-License-Identifier: MIT */
/*
 * sysfs.c - the in-memory kernfs-like tree: node lifetime, building,
 * removal with active-reference draining (fs/kernfs/dir.c in spirit).
 *
 * DESIGN
 * Nodes are found by (parent, name) in one hash table for the whole tree;
 * each directory also keeps an unordered child list (listings sort a
 * snapshot). Structure changes take tree_lock for writing, lookups for
 * reading; the lock is a leaf and is never held across show/store.
 *
 * Removal unlinks a whole subtree under the write lock (every node gets the
 * removal's id in removed_by, loses its parent and leaves the hash), then,
 * without the lock, waits until no other thread runs show/store on a node
 * carrying that id, then drops the tree's reference on each node. The
 * removing thread's own calls are not waited for, so a store may remove
 * its own directory. Invariant: a linked node has refs >= 1 and
 * removed_by == 0; a node is freed exactly when refs reaches 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs/sysfs_int.h"

#define HASH_MIN 256

static size_t hash_of(const struct sysfs_node *dir, const char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ ((uintptr_t)dir * 0x9e3779b97f4a7c15ULL);

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

struct sysfs_node *sysfs__find(struct sysfs *fs, struct sysfs_node *dir, const char *name,
			       size_t len)
{
	struct sysfs_node *n = fs->hash[hash_of(dir, name, len) & (fs->nbuckets - 1)];

	/* a scheduler orders lookups against changes of the same directory only */
	ld_sched_access(fs->ld, dir, false);
	for (; n; n = n->hnext)
		if (n->parent == dir && !strncmp(n->name, name, len) && !n->name[len])
			return n;
	return NULL;
}

bool sysfs__removed(const struct sysfs_node *n)
{
	return __atomic_load_n(&n->removed_by, __ATOMIC_ACQUIRE) != 0;
}

static void hash_insert(struct sysfs *fs, struct sysfs_node *n) REQUIRES(fs->tree_lock)
{
	size_t b = hash_of(n->parent, n->name, strlen(n->name)) & (fs->nbuckets - 1);

	n->hnext = fs->hash[b];
	fs->hash[b] = n;
	fs->nnodes++;
}

void sysfs__hash_delete(struct sysfs *fs, struct sysfs_node *n) REQUIRES(fs->tree_lock)
{
	size_t b = hash_of(n->parent, n->name, strlen(n->name)) & (fs->nbuckets - 1);
	struct sysfs_node **pp = &fs->hash[b];

	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	n->hnext = NULL;
	fs->nnodes--;
}

/* Doubles the table when it gets full; on allocation failure keeps the old one. */
static void hash_grow(struct sysfs *fs) REQUIRES(fs->tree_lock)
{
	size_t nb = fs->nbuckets * 2;
	struct sysfs_node **old = fs->hash, **nh;

	if (fs->nnodes < fs->nbuckets || !(nh = calloc(nb, sizeof(*nh))))
		return;
	for (size_t i = 0; i < fs->nbuckets; i++) {
		for (struct sysfs_node *n = old[i], *next; n; n = next) {
			size_t b = hash_of(n->parent, n->name, strlen(n->name)) & (nb - 1);

			next = n->hnext;
			n->hnext = nh[b];
			nh[b] = n;
		}
	}
	fs->hash = nh;
	fs->nbuckets = nb;
	free(old);
}

void sysfs__node_free(struct sysfs_node *n)
{
	ld_sched_object_gone(n->fs->ld, n);
	free(n->name);
	free(n->link);
	free(n);
}

void sysfs_node_get(struct sysfs_node *n)
{
	__atomic_add_fetch(&n->refs, 1, __ATOMIC_RELAXED);
}

void sysfs_node_put(struct sysfs_node *n)
{
	struct sysfs *fs = n->fs;

	if (__atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_lock(&fs->drain_mu);
	list_del_init(&n->all);
	pthread_mutex_unlock(&fs->drain_mu);
	sysfs__node_free(n);
}

/* A new node of the given type, not yet linked; NULL on allocation failure. */
struct sysfs_node *sysfs__node_alloc(struct sysfs *fs, const char *name, enum sysfs_type type,
				     unsigned mode)
	GUARD_EXEMPT("a new node, not yet linked into the tree")
{
	struct sysfs_node *n = calloc(1, sizeof(*n));

	if (!n || !(n->name = strdup(name))) {
		free(n);
		return NULL;
	}
	n->fs = fs;
	ld_sched_object(fs->ld, n, sizeof(*n));
	n->type = type;
	n->mode = mode;
	n->refs = 1;
	INIT_LIST_HEAD(&n->children);
	INIT_LIST_HEAD(&n->sibling);
	return n;
}

/* Links n under dir, or frees it and fails (-EEXIST, -ENOENT, -ENOTDIR). */
int sysfs__link(struct sysfs *fs, struct sysfs_node *dir, struct sysfs_node *n)
	REQUIRES(fs->tree_lock)
{
	int rc = 0;

	if (!dir || sysfs__removed(dir))
		rc = -ENOENT;
	else if (dir->type != SYSFS_DIR)
		rc = -ENOTDIR;
	else if (sysfs__find(fs, dir, n->name, strlen(n->name)))
		rc = -EEXIST;
	if (rc) {
		sysfs__node_free(n);
		return rc;
	}
	ld_sched_access(fs->ld, dir, true);
	n->parent = dir;
	n->ino = ++fs->next_ino;
	list_add_tail(&n->sibling, &dir->children);
	hash_insert(fs, n);
	hash_grow(fs);
	pthread_mutex_lock(&fs->drain_mu);
	list_add_tail(&n->all, &fs->all);
	pthread_mutex_unlock(&fs->drain_mu);
	return 0;
}

struct sysfs *sysfs_new(struct ld_ctx *ld) GUARD_EXEMPT("the tree is not yet published")
{
	struct sysfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->ld = ld;
	ld_sched_object(ld, fs, sizeof(*fs));
	fs->root = sysfs__node_alloc(fs, "", SYSFS_DIR, 0755);
	fs->hash = calloc(HASH_MIN, sizeof(*fs->hash));
	if (!fs->root || !fs->hash) {
		free(fs->hash);
		if (fs->root)
			sysfs__node_free(fs->root);
		ld_sched_object_gone(ld, fs);
		free(fs);
		return NULL;
	}
	krwsem_init(&fs->tree_lock, ld, "&sysfs->tree_lock");
	pthread_mutex_init(&fs->drain_mu, NULL);
	kwaitq_init(&fs->drain_wq, ld, "sysfs drain");
	INIT_LIST_HEAD(&fs->calls);
	INIT_LIST_HEAD(&fs->all);
	fs->nbuckets = HASH_MIN;
	fs->next_ino = 1;
	fs->root->ino = 1;
	list_add_tail(&fs->root->all, &fs->all);
	return fs;
}

/* Frees every node, linked or removed, whatever its references. */
void sysfs_free(struct sysfs *fs) GUARD_EXEMPT("no call may be running: the tree is private")
{
	if (!fs)
		return;
	while (!list_empty(&fs->all)) {
		struct sysfs_node *n = list_entry(fs->all.next, struct sysfs_node, all);

		list_del_init(&n->all);
		sysfs__node_free(n);
	}
	free(fs->hash);
	krwsem_destroy(&fs->tree_lock);
	kwaitq_destroy(&fs->drain_wq);
	pthread_mutex_destroy(&fs->drain_mu);
	ld_sched_object_gone(fs->ld, fs);
	free(fs);
}

struct sysfs_node *sysfs_root(struct sysfs *fs)
{
	return fs->root;
}

struct ld_ctx *sysfs_lockdep(struct sysfs *fs)
{
	return fs->ld;
}

void sysfs_set_log(struct sysfs *fs, struct klog *log)
{
	fs->log = log;
}

struct sysfs_node *sysfs_mkdir(struct sysfs *fs, struct sysfs_node *parent, const char *name)
{
	struct sysfs_node *n = sysfs__node_alloc(fs, name, SYSFS_DIR, 0755);

	if (!n)
		return NULL;
	down_write(&fs->tree_lock);
	if (sysfs__link(fs, parent, n))
		n = NULL;
	up_write(&fs->tree_lock);
	return n;
}

struct sysfs_node *sysfs_mkdir_p(struct sysfs *fs, const char *path)
{
	struct sysfs_node *cur = fs->root, *n;
	const char *p = path;

	down_write(&fs->tree_lock);
	while (cur && *p) {
		size_t len = strcspn(p, "/");
		char *name;

		if (len && !(n = sysfs__find(fs, cur, p, len))) {
			name = strndup(p, len);
			n = name ? sysfs__node_alloc(fs, name, SYSFS_DIR, 0755) : NULL;
			free(name);
			if (!n || sysfs__link(fs, cur, n))
				n = NULL;
		}
		if (len)
			cur = n && n->type == SYSFS_DIR ? n : NULL;
		p += len + (p[len] == '/');
	}
	up_write(&fs->tree_lock);
	return cur;
}

int sysfs_add_files(struct sysfs *fs, struct sysfs_node *dir, const struct sysfs_attr *attrs,
		    size_t n, void *priv)
{
	int rc = 0;
	size_t i;

	for (i = 0; i < n && !rc; i++)
		rc = sysfs_add_file(fs, dir, &attrs[i], priv);
	if (rc) /* all or nothing: take back the ones added */
		for (size_t j = 0; j + 1 < i; j++)
			sysfs_remove_name(fs, dir, attrs[j].name);
	return rc;
}

int sysfs_add_file(struct sysfs *fs, struct sysfs_node *dir, const struct sysfs_attr *attr,
		   void *priv)
{
	struct sysfs_node *n = sysfs__node_alloc(fs, attr->name, SYSFS_FILE, attr->mode & 0777);
	int rc;

	if (!n)
		return -ENOMEM;
	n->attr = *attr;
	n->attr.name = n->name;
	n->priv = priv;
	down_write(&fs->tree_lock);
	rc = sysfs__link(fs, dir, n);
	up_write(&fs->tree_lock);
	return rc;
}

struct sysfs_node *sysfs_child(struct sysfs *fs, struct sysfs_node *dir, const char *name)
{
	struct sysfs_node *n = NULL;

	down_read(&fs->tree_lock);
	if (dir && !sysfs__removed(dir))
		n = sysfs__find(fs, dir, name, strlen(name));
	up_read(&fs->tree_lock);
	return n;
}
