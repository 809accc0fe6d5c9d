/* SPDX-License-Identifier: MIT */
/*
 * sysfs.h - an in-memory, kernfs-like tree: directories, attributes, symlinks.
 *
 * The driver model builds the tree as devices come and go; clients (the
 * script runner, the FUSE adapter) read and write it by path. It knows
 * nothing about FUSE or AP.
 *
 * Semantics (kernfs):
 *  - an attribute has a mode (0444 RO, 0200 WO, 0644 RW, 0600 for the
 *    class files that only root may open) and show/store callbacks; show
 *    fills a SYSFS_PAGE buffer and returns its length or a negative errno;
 *    a length of SYSFS_PAGE or more means the text did not fit: it is cut
 *    to SYSFS_PAGE - 1 bytes and the kernel log gets the line
 *    "fill_read_buffer: <name>_show returned bad count" (design.md §11.2);
 *    store gets the written bytes NUL-terminated after count and returns
 *    count or a negative errno;
 *  - a ranged attribute (sim/ files only, design.md §13.4) has read instead
 *    of show: read(off, size) copies a byte range of a text that may be far
 *    longer than a page;
 *  - show/store run WITHOUT any tree lock held (they may take driver locks
 *    and may create or remove nodes); the node is kept alive by an active
 *    reference for the duration of the call;
 *  - sysfs_remove() unlinks a subtree at once (lookups fail from then on)
 *    and waits until no show/store is running inside it, except calls made
 *    by the removing thread itself (a `remove` attribute deleting its own
 *    directory does not wait for itself);
 *  - symlinks store the relative path from their directory to the target,
 *    computed at creation, exactly as the kernel writes it.
 * Structure changes and lookups are guarded by the tree's rwsem
 * (class "&sysfs->tree_lock", a leaf: never held while calling out).
 */
#ifndef VAS_SYSFS_H
#define VAS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lockdep/lockdep.h"

struct klog;

#define SYSFS_PAGE 4096

struct sysfs;
struct sysfs_node;

struct sysfs_attr {
	const char *name;
	unsigned mode;
	ssize_t (*show)(void *priv, const struct sysfs_attr *attr, char *buf);
	ssize_t (*store)(void *priv, const struct sysfs_attr *attr, const char *buf, size_t count);
	/*
	 * Ranged attributes only (no show): up to size bytes of the text from
	 * byte off on; the count (0 at the end) or a negative errno.
	 */
	ssize_t (*read)(void *priv, const struct sysfs_attr *attr, char *buf, size_t size,
			off_t off);
	/* Ranged attributes only: the text's current length (a file's st_size). */
	size_t (*size)(void *priv, const struct sysfs_attr *attr);
	long arg; /* free for the attribute's owner (e.g. a field index) */
};

/* Define a show / store handler with the attribute callback signature. */
#define SYSFS_SHOW(fn) static ssize_t fn(void *priv, const struct sysfs_attr *attr, char *buf)
#define SYSFS_STORE(fn) \
	static ssize_t fn(void *priv, const struct sysfs_attr *attr, const char *buf, size_t count)
#define SYSFS_READ(fn)                                                                       \
	static ssize_t fn(void *priv, const struct sysfs_attr *attr, char *buf, size_t size, \
			  off_t off)

enum sysfs_type { SYSFS_DIR = 1, SYSFS_FILE, SYSFS_LINK };

struct sysfs *sysfs_new(struct ld_ctx *ld);
/* Frees the whole tree (no call may be running). */
void sysfs_free(struct sysfs *fs);
struct sysfs_node *sysfs_root(struct sysfs *fs);
/* The validator context the tree was created with (for clients' own locks). */
struct ld_ctx *sysfs_lockdep(struct sysfs *fs);
/*
 * The kernel log that gets the tree's warnings (a show that overflowed its
 * page). Set once, before the tree is used; without it nothing is logged.
 */
void sysfs_set_log(struct sysfs *fs, struct klog *log);

/*
 * Builders. Return the new node (or 0) on success, NULL (or -EEXIST /
 * -ENOMEM / -ENOENT) on failure; nothing is changed on failure.
 * The node pointer stays valid until the node is removed.
 */
struct sysfs_node *sysfs_mkdir(struct sysfs *fs, struct sysfs_node *parent, const char *name);
/* Creates missing directories along a '/'-separated path from the root. */
struct sysfs_node *sysfs_mkdir_p(struct sysfs *fs, const char *path);
int sysfs_add_file(struct sysfs *fs, struct sysfs_node *dir, const struct sysfs_attr *attr,
		   void *priv);
/* Adds n attributes from a const table; all or nothing. */
int sysfs_add_files(struct sysfs *fs, struct sysfs_node *dir, const struct sysfs_attr *attrs,
		    size_t n, void *priv);
int sysfs_add_link(struct sysfs *fs, struct sysfs_node *dir, const char *name,
		   struct sysfs_node *target);
/*
 * The `uevent` file of a kobject directory (sysfs_uevent.c): device true
 * gives the 0644 file of a device (read: its keys; write: a synthetic
 * event), false the write-only one of a bus, driver or module. k is the
 * file's priv and must outlive it.
 */
struct kobj;
int sysfs_add_uevent(struct sysfs *fs, struct sysfs_node *dir, struct kobj *k, bool device);
/* Recursive removal, see above. NULL is ignored. */
void sysfs_remove(struct sysfs *fs, struct sysfs_node *node);
/* Removes dir/name if present: 0, or -ENOENT. */
int sysfs_remove_name(struct sysfs *fs, struct sysfs_node *dir, const char *name);
/* Child of a directory by name (no link following), NULL if absent. */
struct sysfs_node *sysfs_child(struct sysfs *fs, struct sysfs_node *dir, const char *name);

/*
 * Client access by path relative to the root ("bus/ap/apmask"); symlinks in
 * the middle of a path are followed, a final symlink is followed by
 * read/write but not by readlink/stat_nofollow.
 *
 * sysfs_read: the show text (at most size bytes; of a ranged attribute the
 *   first size bytes); -ENOENT, -EISDIR, -EACCES (write-only or no show),
 *   or the show's errno.
 * sysfs_write: count, or -ENOENT, -EISDIR, -EACCES (read-only), or the
 *   store's errno. count > SYSFS_PAGE - 1 is truncated to SYSFS_PAGE - 1
 *   bytes as sysfs does.
 */
ssize_t sysfs_read(struct sysfs *fs, const char *path, char *buf, size_t size);
ssize_t sysfs_write(struct sysfs *fs, const char *path, const char *buf, size_t count);
/* The link's stored text; -EINVAL if not a link, -ENOENT. */
ssize_t sysfs_readlink(struct sysfs *fs, const char *path, char *buf, size_t size);
/* Type of the node at path, following (or not) a final symlink; -ENOENT. */
int sysfs_type_of(struct sysfs *fs, const char *path, bool follow);
/* Calls fn for each child name of a directory, sorted; -ENOTDIR/-ENOENT. */
int sysfs_list(struct sysfs *fs, const char *path,
	       void (*fn)(void *arg, const char *name, enum sysfs_type type), void *arg);

/*
 * Node-handle access (the FUSE adapter). A referenced node stays allocated
 * until sysfs_node_put(), even after it is removed; calls on a removed node
 * fail with -ENOENT. Inode numbers come from a 64-bit counter (root is 1)
 * and are never reused while the tree lives.
 */
struct sysfs_stat {
	enum sysfs_type type;
	unsigned mode; /* permission bits: 0444/0200/0644/0600, 0755, 0777 */
	unsigned long long ino;
	bool ranged; /* a ranged attribute: read it with sysfs_node_read */
};
void sysfs_node_get(struct sysfs_node *n);
void sysfs_node_put(struct sysfs_node *n);
/* dir/name without link following, referenced; NULL with *err -ENOENT/-ENOTDIR. */
struct sysfs_node *sysfs_lookup_ref(struct sysfs *fs, struct sysfs_node *dir, const char *name,
				    int *err);
/* Path as for sysfs_read (follow: the final symlink too), referenced. */
struct sysfs_node *sysfs_path_ref(struct sysfs *fs, const char *path, bool follow, int *err);
/* 0 or -ENOENT (removed). */
int sysfs_node_stat(struct sysfs *fs, struct sysfs_node *n, struct sysfs_stat *st);
/*
 * show into buf (SYSFS_PAGE bytes): length (at most SYSFS_PAGE - 1), -EISDIR,
 * -EACCES, -ENOENT or show's errno. A ranged attribute gives its first
 * SYSFS_PAGE - 1 bytes.
 */
ssize_t sysfs_node_show(struct sysfs *fs, struct sysfs_node *n, char *buf);
/*
 * Up to size bytes from byte off on: a ranged attribute's read, or the
 * slice of a fresh show's text. The count (0 at the end) or the errors of
 * sysfs_node_show.
 */
ssize_t sysfs_node_read(struct sysfs *fs, struct sysfs_node *n, char *buf, size_t size, off_t off);
/*
 * A file's size as stat reports it: a ranged attribute's current length,
 * SYSFS_PAGE for any other attribute; -ENOENT, -EISDIR, -EACCES.
 */
ssize_t sysfs_node_size(struct sysfs *fs, struct sysfs_node *n);
/* store, truncating to SYSFS_PAGE - 1 bytes: as sysfs_write. */
ssize_t sysfs_node_store(struct sysfs *fs, struct sysfs_node *n, const char *buf, size_t count);
/*
 * An observer of every show and store (sim/trace): begin before a store
 * runs (buf/len: the bytes written), end after a show or store (buf/len:
 * the bytes written or shown; ret: what the call returned). path is the
 * node's path from the root ("bus/ap/apmask"). Called without any tree
 * lock, in the calling thread; NULL removes it. The observer must outlive
 * the tree or be removed while no call runs.
 */
struct sysfs_observer {
	void (*begin)(void *arg, const char *path, const char *buf, size_t len);
	void (*end)(void *arg, bool store, const char *path, const char *buf, size_t len,
		    ssize_t ret);
	void *arg;
};
void sysfs_set_observer(struct sysfs *fs, const struct sysfs_observer *obs);
/* The node's path from the root into buf ("" for the root); -ENOENT once removed. */
int sysfs_node_path(struct sysfs *fs, struct sysfs_node *n, char *buf, size_t size);

/* The link text (not NUL-terminated, at most size bytes); -EINVAL, -ENOENT. */
ssize_t sysfs_node_readlink(struct sysfs *fs, struct sysfs_node *n, char *buf, size_t size);
/* Each child, sorted by name, with its inode number; -ENOTDIR, -ENOENT. */
int sysfs_node_list(struct sysfs *fs, struct sysfs_node *dir,
		    void (*fn)(void *arg, const char *name, enum sysfs_type type,
			       unsigned long long ino),
		    void *arg);

#endif
