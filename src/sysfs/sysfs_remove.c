/* SPDX-License-Identifier: MIT */
/*
 * sysfs_remove.c - symlink creation, subtree removal and the active-call
 * bookkeeping that removal drains (kernfs_remove / kernfs_drain and
 * kernfs_get_target_path in spirit).
 *
 * A show/store in flight is a struct sysfs_call on the caller's stack,
 * linked into fs->calls under drain_mu. A removal marks the nodes it
 * unlinked with its own id, then waits on drain_wq until no call of
 * another thread is on such a node; call_end wakes it when the node it
 * leaves has been removed. A call can only begin while its node is linked
 * (checked under tree_lock), so no new call can appear on a removed node.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs/sysfs_int.h"

void sysfs__call_begin(struct sysfs *fs, struct sysfs_node *n, struct sysfs_call *c)
{
	sysfs_node_get(n);
	c->node = n;
	c->thread = pthread_self();
	/*
	 * For a controlled scheduler (lockdep/sched.h): calls commute with
	 * each other, not with a removal looking at them, so a call counts
	 * as reading the list and the removal's look as writing it.
	 */
	ld_sched_access(fs->ld, &fs->drain_mu, false);
	pthread_mutex_lock(&fs->drain_mu);
	list_add_tail(&c->entry, &fs->calls);
	pthread_mutex_unlock(&fs->drain_mu);
}

void sysfs__call_end(struct sysfs *fs, struct sysfs_call *c)
{
	bool removed;

	ld_sched_access(fs->ld, &fs->drain_mu, false); /* see sysfs__call_begin */
	pthread_mutex_lock(&fs->drain_mu);
	list_del_init(&c->entry);
	removed = sysfs__removed(c->node);
	pthread_mutex_unlock(&fs->drain_mu);
	if (removed)
		kwake_up(&fs->drain_wq);
	sysfs_node_put(c->node);
}

/* Is another thread running a call on a node removed by removal id? */
static bool drain_busy(struct sysfs *fs, uint64_t id)
{
	pthread_t self = pthread_self();
	struct sysfs_call *c;
	bool busy = false;

	ld_sched_access(fs->ld, &fs->drain_mu, true); /* see sysfs__call_begin */
	pthread_mutex_lock(&fs->drain_mu);
	list_for_each_entry(c, &fs->calls, entry) {
		if (!pthread_equal(c->thread, self) &&
		    __atomic_load_n(&c->node->removed_by, __ATOMIC_ACQUIRE) == id) {
			busy = true;
			break;
		}
	}
	pthread_mutex_unlock(&fs->drain_mu);
	return busy;
}

/* Waits until no other thread runs a call on a node removed by removal id. */
static void drain(struct sysfs *fs, uint64_t id)
{
	kwait_event(&fs->drain_wq, !drain_busy(fs, id));
}

/*
 * Unlinks the subtree at top: returns the removal id (0 if top was already
 * removed); the nodes are chained through ->reap starting at top.
 */
static uint64_t unlink_subtree(struct sysfs *fs, struct sysfs_node *top) REQUIRES(fs->tree_lock)
{
	struct sysfs_node *n, *tail = top, *c;
	uint64_t id;

	if (sysfs__removed(top) || top == fs->root)
		return 0;
	id = ++fs->next_removal;
	top->reap = NULL;
	for (n = top; n; n = n->reap) { /* breadth first, appending at tail */
		list_for_each_entry(c, &n->children, sibling) {
			c->reap = NULL;
			tail->reap = c;
			tail = c;
		}
	}
	ld_sched_access(fs->ld, top->parent, true);
	for (n = top; n; n = n->reap) {
		ld_sched_access(fs->ld, n, true);
		sysfs__hash_delete(fs, n);
		list_del_init(&n->sibling);
		INIT_LIST_HEAD(&n->children);
		n->parent = NULL;
		__atomic_store_n(&n->removed_by, id, __ATOMIC_RELEASE);
	}
	return id;
}

/* Drains removal id, then drops the tree's reference on each reaped node. */
static void finish_removal(struct sysfs *fs, struct sysfs_node *top, uint64_t id)
{
	struct sysfs_node *n, *next;

	if (!id)
		return;
	drain(fs, id);
	for (n = top; n; n = next) {
		next = n->reap;
		sysfs_node_put(n);
	}
}

void sysfs_remove(struct sysfs *fs, struct sysfs_node *node)
{
	uint64_t id;

	if (!node)
		return;
	down_write(&fs->tree_lock);
	id = unlink_subtree(fs, node);
	up_write(&fs->tree_lock);
	finish_removal(fs, node, id);
}

int sysfs_remove_name(struct sysfs *fs, struct sysfs_node *dir, const char *name)
{
	struct sysfs_node *n = NULL;
	uint64_t id = 0;

	down_write(&fs->tree_lock);
	if (dir && !sysfs__removed(dir))
		n = sysfs__find(fs, dir, name, strlen(name));
	if (n)
		id = unlink_subtree(fs, n);
	up_write(&fs->tree_lock);
	if (!n)
		return -ENOENT;
	finish_removal(fs, n, id);
	return 0;
}

/* True if a is b or one of b's ancestors. */
static bool is_ancestor(struct sysfs *fs, const struct sysfs_node *a, const struct sysfs_node *b)
	REQUIRES_SHARED(fs->tree_lock)
{
	for (; b; b = b->parent)
		if (a == b)
			return true;
	return false;
}

/*
 * The kernel's relative link text: one "../" per level from dir up to the
 * nearest ancestor of dir (dir included) that also contains target, then
 * target's path below that ancestor. NULL on allocation failure.
 */
static char *target_path(struct sysfs *fs, struct sysfs_node *dir, struct sysfs_node *target)
	REQUIRES_SHARED(fs->tree_lock)
{
	struct sysfs_node *base = dir, *n;
	size_t ups = 0, len = 0, pos;
	char *s;

	while (base->parent && !is_ancestor(fs, base, target->parent)) {
		ups++;
		base = base->parent;
	}
	for (n = target; n != base; n = n->parent)
		len += strlen(n->name) + 1;
	s = malloc(ups * 3 + len + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < ups; i++)
		memcpy(s + 3 * i, "../", 3);
	pos = ups * 3 + len - 1; /* where target's name ends */
	s[pos] = '\0';
	for (n = target; n != base; n = n->parent) {
		size_t l = strlen(n->name);

		pos -= l;
		memcpy(s + pos, n->name, l);
		if (pos > ups * 3)
			s[--pos] = '/';
	}
	return s;
}

int sysfs_add_link(struct sysfs *fs, struct sysfs_node *dir, const char *name,
		   struct sysfs_node *target)
{
	struct sysfs_node *n = sysfs__node_alloc(fs, name, SYSFS_LINK, 0777);
	int rc = -ENOENT;

	if (!n)
		return -ENOMEM;
	down_write(&fs->tree_lock);
	if (dir && target && !sysfs__removed(dir) && !sysfs__removed(target) &&
	    target != fs->root) {
		n->link = target_path(fs, dir, target);
		rc = -ENOMEM;
		if (n->link) {
			rc = sysfs__link(fs, dir, n); /* frees n on failure */
			n = NULL;
		}
	}
	up_write(&fs->tree_lock);
	if (n)
		sysfs__node_free(n);
	return rc;
}
