/* SPDX-License-Identifier: MIT */
/*
 * fuse_int.h - what the FUSE adapter's files share: the session context
 * (the FUSE userdata) and the low-level operations table.
 *
 * FUSE node ids are sysfs node pointers (the root is FUSE_ROOT_ID); each
 * id the kernel knows holds one sysfs lifetime reference per lookup, given
 * back on forget, so an id stays valid memory after the node is removed
 * (operations on it then fail with ENOENT). st_ino is the tree's own
 * never-reused inode number.
 */
#ifndef VAS_FUSE_INT_H
#define VAS_FUSE_INT_H

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>
#include <time.h>

#include "sysfs/sysfs.h"

struct vas_fuse_ctx {
	struct sysfs *fs;
	struct ld_ctx *ld;  /* for the per-open-file mutex */
	struct timespec t0; /* every node's timestamps: the mount time */
};

const struct fuse_lowlevel_ops *vas_fuse_lowlevel_ops(void);

#endif
