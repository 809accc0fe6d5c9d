/* SPDX-License-Identifier: MIT */
/*
 * fuse_ops.c - the FUSE low-level operations over a sysfs tree, with the
 * file semantics kernfs gives sysfs (design.md §11):
 *  - modes 0444/0200/0644/0600 for attributes, 0755 for directories, 0777
 *    for links, owner root; st_size 4096 for attributes, the current length
 *    for ranged ones (so tail and tail -f find the end);
 *  - open enforces access itself, for root too: reading a write-only
 *    attribute is EACCES; other users get only the "other" bits (none of
 *    them may write); creating any name is EACCES, removing one EPERM;
 *  - O_TRUNC and truncating setattr are accepted and ignored;
 *  - attributes are direct_io: a read at offset 0 (or the first read) runs
 *    show and keeps the page in the open file, later offsets are served
 *    from it; a write is one store call, answered with its count or errno;
 *  - ranged attributes (the long sim/ files, design.md §13.4) keep nothing:
 *    every read asks the attribute for its byte range, so a reader that
 *    holds the file open and reads on from its offset gets what was
 *    appended since, and a text of megabytes is read in pieces;
 *  - entries and attributes are never cached (timeouts 0), so a removed
 *    device disappears and a created one appears at once.
 * Directory listings are snapshots taken at opendir. An open attribute
 * keeps its node and the page of its last show: a read at offset 0 (or the
 * first read) runs show again outside any lock and swaps the page in under
 * the file's mutex; other offsets copy from the kept page.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuse/fuse_int.h"

/* An open attribute. */
struct open_file {
	struct sysfs_node *node; /* referenced */
	bool ranged;		 /* read by byte range, no page kept (const) */
	struct kmutex mutex;	 /* "&of->mutex": guards page and len, a leaf */
	char *page GUARDED_BY(mutex);
	ssize_t len GUARDED_BY(mutex); /* -1 until the first show */
};

/* An open directory: its entries at opendir time, sorted. */
struct dir_snap {
	size_t n, cap;
	struct dir_ent {
		char *name;
		unsigned long long ino;
		mode_t type;
	} * v;
};

static struct vas_fuse_ctx *ctx_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static struct sysfs_node *node_of(struct vas_fuse_ctx *c, fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID ? sysfs_root(c->fs) : (struct sysfs_node *)(uintptr_t)ino;
}

static mode_t type_bits(enum sysfs_type t)
{
	return t == SYSFS_DIR ? S_IFDIR : t == SYSFS_LINK ? S_IFLNK : S_IFREG;
}

/* Fills st for node n: 0 or -ENOENT (removed). */
static int fill_stat(struct vas_fuse_ctx *c, struct sysfs_node *n, struct stat *st)
{
	char link[SYSFS_PAGE];
	struct sysfs_stat ss;
	ssize_t len;

	if (sysfs_node_stat(c->fs, n, &ss))
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->st_ino = ss.ino;
	st->st_mode = type_bits(ss.type) | ss.mode;
	st->st_nlink = ss.type == SYSFS_DIR ? 2 : 1;
	st->st_blksize = SYSFS_PAGE;
	st->st_atim = st->st_mtim = st->st_ctim = c->t0;
	if (ss.type == SYSFS_FILE) {
		len = ss.ranged ? sysfs_node_size(c->fs, n) : SYSFS_PAGE;
		st->st_size = len < 0 ? 0 : len;
	} else if (ss.type == SYSFS_LINK) {
		len = sysfs_node_readlink(c->fs, n, link, sizeof(link));
		st->st_size = len < 0 ? 0 : len;
	}
	return 0;
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	/* sysfs has no locks and no page cache behind its files */
	conn->want &= ~(FUSE_CAP_POSIX_LOCKS | FUSE_CAP_FLOCK_LOCKS | FUSE_CAP_WRITEBACK_CACHE);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct vas_fuse_ctx *c = ctx_of(req);
	struct fuse_entry_param e = { 0 };
	int err;
	struct sysfs_node *n = sysfs_lookup_ref(c->fs, node_of(c, parent), name, &err);

	if (!n) {
		fuse_reply_err(req, -err);
		return;
	}
	if (fill_stat(c, n, &e.attr)) {
		sysfs_node_put(n);
		fuse_reply_err(req, ENOENT);
		return;
	}
	e.ino = (uintptr_t)n;
	if (fuse_reply_entry(req, &e)) /* the kernel did not take the reference */
		sysfs_node_put(n);
}

static void forget_one(struct vas_fuse_ctx *c, fuse_ino_t ino, uint64_t nlookup)
{
	if (ino == FUSE_ROOT_ID)
		return;
	while (nlookup--)
		sysfs_node_put(node_of(c, ino));
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	forget_one(ctx_of(req), ino, nlookup);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		forget_one(ctx_of(req), forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct vas_fuse_ctx *c = ctx_of(req);
	struct stat st;

	if (fill_stat(c, node_of(c, ino), &st))
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_attr(req, &st, 0);
}

/* Truncation and time changes are accepted and ignored; mode/owner: EPERM. */
static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	op_getattr(req, ino, fi);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct vas_fuse_ctx *c = ctx_of(req);
	char buf[SYSFS_PAGE + 1];
	ssize_t r = sysfs_node_readlink(c->fs, node_of(c, ino), buf, SYSFS_PAGE);

	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	buf[r] = '\0';
	fuse_reply_readlink(req, buf);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	fuse_reply_err(req, EACCES);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	fuse_reply_err(req, EACCES);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, EACCES);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	fuse_reply_err(req, EACCES);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, EPERM);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags)
{
	fuse_reply_err(req, EPERM);
}

static void dir_add(void *arg, const char *name, enum sysfs_type type, unsigned long long ino)
{
	struct dir_snap *d = arg;
	struct dir_ent *nv;

	if (d->n == d->cap) {
		nv = realloc(d->v, (d->cap ? d->cap * 2 : 32) * sizeof(*nv));
		if (!nv)
			return; /* a shorter listing rather than none */
		d->v = nv;
		d->cap = d->cap ? d->cap * 2 : 32;
	}
	d->v[d->n].name = strdup(name);
	d->v[d->n].ino = ino;
	d->v[d->n].type = type_bits(type);
	if (d->v[d->n].name)
		d->n++;
}

static void dir_free(struct dir_snap *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	free(d);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct vas_fuse_ctx *c = ctx_of(req);
	struct dir_snap *d = calloc(1, sizeof(*d));
	int rc = d ? sysfs_node_list(c->fs, node_of(c, ino), dir_add, d) : -ENOMEM;

	if (rc) {
		if (d)
			dir_free(d);
		fuse_reply_err(req, -rc);
		return;
	}
	fi->fh = (uintptr_t)d;
	if (fuse_reply_open(req, fi))
		dir_free(d);
}

/* Entries from index off on; each entry's offset is its index + 1. */
static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct dir_snap *d = (struct dir_snap *)(uintptr_t)fi->fh;
	char *buf = malloc(size);
	size_t pos = 0;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t i = off; i < d->n; i++) {
		struct stat st = { .st_ino = d->v[i].ino, .st_mode = d->v[i].type };
		size_t len =
			fuse_add_direntry(req, buf + pos, size - pos, d->v[i].name, &st, i + 1);

		if (len > size - pos)
			break;
		pos += len;
	}
	fuse_reply_buf(req, buf, pos);
	free(buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	dir_free((struct dir_snap *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* The access check of open: 0 or -EACCES/-EISDIR/-ENOENT. */
static int may_open(struct vas_fuse_ctx *c, fuse_req_t req, struct sysfs_node *n, int flags)
{
	struct sysfs_stat ss;
	unsigned mode;
	int acc = flags & O_ACCMODE;

	if (sysfs_node_stat(c->fs, n, &ss))
		return -ENOENT;
	if (ss.type == SYSFS_DIR)
		return -EISDIR;
	mode = ss.mode;
	if (fuse_req_ctx(req)->uid != 0) /* owner is root: the other bits apply */
		mode = (mode & 07) * 0111;
	if ((acc == O_RDONLY || acc == O_RDWR) && !(mode & 0444))
		return -EACCES;
	if ((acc == O_WRONLY || acc == O_RDWR) && !(mode & 0222))
		return -EACCES;
	return 0;
}

static void of_free(struct open_file *of) GUARD_EXEMPT("the last user of the open file is gone")
{
	sysfs_node_put(of->node);
	kmutex_destroy(&of->mutex);
	free(of->page);
	free(of);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
	GUARD_EXEMPT("the open file is not yet published to the kernel")
{
	struct vas_fuse_ctx *c = ctx_of(req);
	struct sysfs_node *n = node_of(c, ino);
	struct open_file *of;
	struct sysfs_stat st;
	int rc = may_open(c, req, n, fi->flags);

	if (!rc && sysfs_node_stat(c->fs, n, &st))
		rc = -ENOENT;
	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	of = calloc(1, sizeof(*of));
	if (!of) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	sysfs_node_get(n);
	of->node = n;
	of->ranged = st.ranged;
	kmutex_init(&of->mutex, c->ld, "&of->mutex");
	of->len = -1;
	fi->fh = (uintptr_t)of;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi))
		of_free(of);
}

/* Runs show into a new page and makes it the file's page: 0 or -errno. */
static int refill(struct vas_fuse_ctx *c, struct open_file *of)
{
	char *page = malloc(SYSFS_PAGE), *old;
	ssize_t r;

	if (!page)
		return -ENOMEM;
	r = sysfs_node_show(c->fs, of->node, page);
	if (r < 0) {
		free(page);
		return r;
	}
	kmutex_lock(&of->mutex);
	old = of->page;
	of->page = page;
	of->len = r;
	kmutex_unlock(&of->mutex);
	free(old);
	return 0;
}

/* A ranged attribute: the byte range asked for, straight from the attribute. */
static void read_ranged(fuse_req_t req, struct vas_fuse_ctx *c, struct open_file *of, size_t size,
			off_t off)
{
	char *out = malloc(size ? size : 1);
	ssize_t r;

	if (!out) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	r = sysfs_node_read(c->fs, of->node, out, size, off);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_buf(req, out, (size_t)r);
	free(out);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct vas_fuse_ctx *c = ctx_of(req);
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;
	char out[SYSFS_PAGE];
	size_t n = 0;
	bool fresh;
	int rc;

	if (of->ranged) {
		read_ranged(req, c, of, size, off);
		return;
	}
	kmutex_lock(&of->mutex);
	fresh = of->len < 0;
	kmutex_unlock(&of->mutex);
	if (off == 0 || fresh) {
		rc = refill(c, of);
		if (rc) {
			fuse_reply_err(req, -rc);
			return;
		}
	}
	kmutex_lock(&of->mutex);
	if (off < of->len) {
		n = of->len - off;
		if (n > size)
			n = size;
		memcpy(out, of->page + off, n);
	}
	kmutex_unlock(&of->mutex);
	fuse_reply_buf(req, out, n);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct vas_fuse_ctx *c = ctx_of(req);
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;
	ssize_t r = sysfs_node_store(c->fs, of->node, buf, size);

	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_write(req, (size_t)r > size ? size : (size_t)r);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	of_free((struct open_file *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

static const struct fuse_lowlevel_ops vas_fuse_ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readlink = op_readlink,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.symlink = op_symlink,
	.unlink = op_unlink,
	.rmdir = op_unlink,
	.rename = op_rename,
	.create = op_create,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.releasedir = op_releasedir,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.release = op_release,
};

const struct fuse_lowlevel_ops *vas_fuse_lowlevel_ops(void)
{
	return &vas_fuse_ops;
}
