/* SPDX-License-Identifier: MIT */
/*
 * sysfs_int.h - the tree's internals, shared by sysfs.c (nodes, building,
 * removal, active references) and sysfs_path.c (path walks, client access).
 *
 * Two reference counts per node, as in kernfs:
 *  - refs (lifetime): one held by the tree while the node is linked, one per
 *    in-flight call and one per external holder (FUSE lookups, open files).
 *    The node is freed when it drops to zero; a removed node keeps its name,
 *    type and inode number but has no parent and no children.
 *  - active calls: every show/store is registered in fs->calls for its
 *    duration; sysfs_remove() waits until none of the calls inside the
 *    subtree it unlinked (node->removed_by == its removal id) belongs to
 *    another thread.
 */
#ifndef VAS_SYSFS_INT_H
#define VAS_SYSFS_INT_H

#include <pthread.h>
#include <stdint.h>

#include "base/list.h"
#include "lockdep/sched.h"
#include "sysfs/sysfs.h"

#define SYSFS_MAX_HOPS 40 /* symlinks followed in one walk (ELOOP) */

struct sysfs_node {
	struct sysfs *fs;
	struct list_head all GUARDED_BY(fs->drain_mu); /* in fs->all */
	char *name;
	enum sysfs_type type;
	unsigned mode;
	uint64_t ino;	     /* from fs->next_ino, never reused */
	long refs;	     /* lifetime references (atomic) */
	uint64_t removed_by; /* 0 while linked, else the removal id (atomic) */
	/* NULL for the root and once removed */
	struct sysfs_node *parent GUARDED_BY(fs->tree_lock);
	struct list_head sibling GUARDED_BY(fs->tree_lock);  /* in parent->children */
	struct list_head children GUARDED_BY(fs->tree_lock); /* directories only */
	struct sysfs_node *hnext GUARDED_BY(fs->tree_lock);  /* chain in fs->hash */
	struct sysfs_node *reap; /* removal batch (owned by the remover) */
	/* immutable after creation: */
	struct sysfs_attr attr; /* files: a copy, attr.name == name */
	void *priv;		/* files: show/store argument */
	char *link;		/* links: the relative target text */
};

/* One show/store in flight (lives on the caller's stack). */
struct sysfs_call {
	struct sysfs_node *node;
	pthread_t thread;
	struct list_head entry GUARDED_BY(node->fs->drain_mu); /* in fs->calls */
};

struct sysfs {
	struct krwsem tree_lock; /* "&sysfs->tree_lock", a leaf */
	struct ld_ctx *ld;
	struct sysfs_node *root;
	/* (parent, name) -> node */
	struct sysfs_node **hash GUARDED_BY(tree_lock) PT_GUARDED_BY(tree_lock);
	size_t nbuckets GUARDED_BY(tree_lock);
	size_t nnodes GUARDED_BY(tree_lock);
	uint64_t next_ino GUARDED_BY(tree_lock);
	uint64_t next_removal GUARDED_BY(tree_lock);
	/*
	 * drain_mu: a plain pthread mutex, deliberately outside the lock
	 * validator. It only guards the calls list, is held for a few
	 * instructions, never while calling out or taking another lock, so
	 * it cannot take part in any lock-order cycle. A removal waits for
	 * calls to end on drain_wq (a scheduling point, lockdep/sched.h).
	 */
	pthread_mutex_t drain_mu;
	struct kwaitq drain_wq;
	struct list_head calls GUARDED_BY(drain_mu);
	struct list_head all GUARDED_BY(drain_mu);     /* every allocated node */
	const struct sysfs_observer *_Atomic observer; /* NULL: none (sim/trace) */
	struct klog *log; /* set once before the tree is used (sysfs_set_log) */
};

/* sysfs.c */
struct sysfs_node *sysfs__find(struct sysfs *fs, struct sysfs_node *dir, const char *name,
			       size_t len) REQUIRES_SHARED(fs->tree_lock);
bool sysfs__removed(const struct sysfs_node *n);
struct sysfs_node *sysfs__node_alloc(struct sysfs *fs, const char *name, enum sysfs_type type,
				     unsigned mode);
void sysfs__node_free(struct sysfs_node *n);
/* Links n under dir, or frees it and fails (-EEXIST, -ENOENT, -ENOTDIR). */
int sysfs__link(struct sysfs *fs, struct sysfs_node *dir, struct sysfs_node *n)
	REQUIRES(fs->tree_lock);
void sysfs__hash_delete(struct sysfs *fs, struct sysfs_node *n) REQUIRES(fs->tree_lock);
/* Starts a show/store on n (tree_lock held for read): refs it and registers. */
void sysfs__call_begin(struct sysfs *fs, struct sysfs_node *n, struct sysfs_call *c)
	REQUIRES_SHARED(fs->tree_lock);
void sysfs__call_end(struct sysfs *fs, struct sysfs_call *c);

/* sysfs_path.c */
int sysfs__walk(struct sysfs *fs, const char *path, bool follow, struct sysfs_node **out)
	REQUIRES_SHARED(fs->tree_lock);

#endif
