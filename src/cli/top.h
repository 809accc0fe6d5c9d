/* SPDX-License-Identifier: MIT */
/*
 * top.h - `vfio-ap-sim top`: the adapter x domain grid of any sysfs root
 * (docs/top.md).
 *
 * Three parts, one concept each:
 *   top_model.c   reads a tree with the /sys layout into struct top_model:
 *                 masks, cards, which driver holds each queue, the mdevs
 *                 and their guests, and on a simulated host sim/dmesg and
 *                 sim/lock_stat. Only files and directories are read, never
 *                 the in-process tree, so a real LPAR, a FUSE mount and a
 *                 copy made with `cp -r` all work.
 *   top_render.c  turns a model (and the previous one, for what changed)
 *                 into a canvas: lines of styled characters, the same for
 *                 the terminal view and for --once.
 *   top_ui.c      the ncurses view: a window onto the canvas that scrolls
 *                 with a cursor over the grid, keys, help, resize.
 * top.c holds the command line and --once.
 *
 * Everything lives in the context structs below, passed explicitly.
 */
#ifndef VAS_CLI_TOP_H
#define VAS_CLI_TOP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/bitmap.h"

/* What a queue (APQN) is, as the grid shows it. */
enum top_qstate {
	TQ_ABSENT = 0, /* no queue device (adapter or domain not configured, or no card) */
	TQ_NOCONF,     /* its card is not configured (config 0) */
	TQ_CHKSTOP,    /* its card is check-stopped */
	TQ_OFFLINE,    /* bound to a host driver, but the card is offline */
	TQ_HOST,       /* bound to a host (zcrypt) driver */
	TQ_UNBOUND,    /* no driver */
	TQ_FREE,       /* bound to vfio_ap, in no mdev */
	TQ_ASSIGNED,   /* in an mdev's matrix, not passed through */
	TQ_GUEST,      /* in the guest of an mdev */
};

struct top_card {
	bool present; /* devices/ap/cardXX exists */
	char type[16];
	int config, chkstop, online; /* -1 when the file is absent */
};

struct top_mdev {
	char uuid[40];
	char type[64];	     /* the mdev_type link's last component */
	bm256 apm, aqm, adm; /* matrix and control_domains */
	bm256 gapm, gaqm;    /* guest_matrix */
	bool attached;	     /* a guest holds it */
};

/* One lock class of sim/lock_stat (the -W and -R lines added up). */
struct top_lock {
	char name[64];
	unsigned long long contentions, acquisitions;
	double wait_max, wait_total, hold_avg; /* microseconds */
};

#define TOP_DRV_MAX 16

struct top_model {
	char root[4096];
	/* ROOT, ROOT/devices/ap, ROOT/bus/ap, ROOT/sim while being read (-1: absent) */
	int rootfd, apfd, busfd, simfd;
	bool sim; /* ROOT/sim exists: a simulated host */
	char variant[32];
	bm256 apmask, aqmask;
	bool have_qci;			 /* the QCI masks could be read */
	bm256 qci_apm, qci_aqm, qci_adm; /* ap_adapter_mask, ap_usage_domain_mask, ... */
	bm256 rows, cols;		 /* adapters and domains the grid shows */
	struct top_card card[256];
	char drv[TOP_DRV_MAX][32];     /* driver names under bus/ap/drivers */
	int nr_drv, vfio_drv;	       /* index of vfio_ap, -1 if absent */
	unsigned char exists[256][32]; /* bit d % 8 of [a][d / 8]: queue device a.d exists */
	signed char bound[256][256];   /* driver index, -1 none */
	unsigned char state[256][256]; /* enum top_qstate */
	short owner[256][256];	       /* mdev index whose matrix holds it, -1 none */
	struct top_mdev *mdev;
	int nr_mdevs;
	char *dmesg; /* the last lines of sim/dmesg, or NULL */
	struct top_lock *locks;
	int nr_locks;	 /* classes in sim/lock_stat (most contended first) */
	bool have_locks; /* sim/lock_stat could be read */
};

static inline bool top_exists(const struct top_model *m, unsigned a, unsigned d)
{
	return m->exists[a][d / 8] & (1u << (d % 8));
}

/*
 * Reads ROOT into m (m->root set by the caller). 0; -ENOTDIR (with a
 * message in err) when ROOT is not an AP system; -errno if ROOT is
 * missing. A file that cannot be read counts as absent.
 */
int top_model_read(struct top_model *m, char *err, size_t errlen);
void top_model_free(struct top_model *m);
/* Why APQN a.d of mdev i is not in its guest_matrix, or NULL if it is. */
const char *top_filter_reason(const struct top_model *m, int i, unsigned a, unsigned d, char *buf,
			      size_t len);
const char *top_state_name(enum top_qstate s);

/* --- the canvas -------------------------------------------------------- */

/* Style of a character: a colour (0 none, 1..TOP_COLOURS mdev colours) and flags. */
#define TOP_COLOURS 6
#define TS_COLOUR 0x0f
#define TS_BOLD 0x10	 /* headings */
#define TS_CHANGED 0x20	 /* changed since the last refresh */
#define TS_SELECTED 0x40 /* a cell of the selected mdev */
#define TS_DIM 0x80	 /* a cell of another mdev while one is selected */

struct top_cell {
	char ch;
	unsigned char st;
};

struct top_line {
	struct top_cell *c;
	int len, cap;
};

struct top_canvas {
	struct top_line *line;
	int nr, cap, width;
	/* where the grid is: its domain header line (rows follow), the x of the first cell, cell width */
	int grid_y, grid_x, cell_w;
	int grid_end; /* the line after the grid's last row (control-domain rows included) */
	int nr_rows, nr_cols;
	unsigned char row_id[256],
		col_id[256]; /* adapter of each grid row, domain of each column */
};

struct top_view {
	int selected;	  /* mdev index highlighted, -1 none */
	int cur_r, cur_c; /* cursor: grid row and column (interactive only) */
	bool cursor;
};

/* Draws m (changes against prev, which may be NULL) into a fresh canvas. */
void top_render(struct top_canvas *cv, const struct top_model *m, const struct top_model *prev,
		const struct top_view *v);
void top_canvas_free(struct top_canvas *cv);
/* One line describing grid cell (r, c): APQN, state, mdev, why filtered. */
void top_describe(const struct top_model *m, const struct top_canvas *cv, int r, int c, char *buf,
		  size_t len);

/* top_ui.c: the interactive view; returns the exit status. */
int top_ui_run(const char *root, double interval);

#endif
