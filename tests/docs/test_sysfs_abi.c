/* SPDX-License-Identifier: MIT */
/*
 * test_sysfs_abi.c - docs/sysfs-abi.md's tree listing must equal the tree
 * the model builds.
 *
 * Boots the default host, gives queue 03.0005 to vfio_ap (the other queues
 * stay with cex4queue), creates an mdev with 03.0005 assigned and starts a
 * guest on it, creates the zcrypt node zcrypt_0, then walks the whole tree and prints one line per node:
 * mode, type and path (and link text), with instance names folded into
 * patterns (cardXX, XX.YYYY, <uuid>, N) and duplicates dropped. With
 * --print it writes the listing; otherwise it compares it with the block
 * between "<!-- tree -->" and "<!-- end -->" in the file given.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "tap.h"

#define U "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"

#define NPAT 7

struct walk {
	struct sysfs *fs;
	char **lines;
	size_t n, cap;
	regex_t re[NPAT];
};

static const char *const patterns[NPAT][2] = {
	{ "card[0-9a-f][0-9a-f]", "cardXX" },
	{ "[0-9a-f][0-9a-f]\\.[0-9a-f][0-9a-f][0-9a-f][0-9a-f]", "XX.YYYY" },
	{ "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>" },
	{ "iommu_groups/[0-9]+", "iommu_groups/N" },
	{ "vfio/[0-9]+", "vfio/N" }, /* VFIO group devices */
	{ "vfio[0-9]+", "vfioN" },   /* vfio-dev devices */
	{ "char/242:[0-9]+", "char/242:N" },
};

static void fold(struct walk *w, char *s)
{
	for (int i = 0; i < NPAT; i++) {
		regmatch_t m;
		char out[1024];

		while (regexec(&w->re[i], s, 1, &m, 0) == 0) {
			snprintf(out, sizeof(out), "%.*s%s%s", (int)m.rm_so, s, patterns[i][1],
				 s + m.rm_eo);
			strcpy(s, out);
		}
	}
}

static void add(struct walk *w, const char *line)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->lines[i], line))
			return;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->lines = realloc(w->lines, w->cap * sizeof(char *));
	}
	w->lines[w->n++] = strdup(line);
}

static void visit(struct walk *w, const char *path);

struct dirctx {
	struct walk *w;
	const char *path;
};

static void child(void *arg, const char *name, enum sysfs_type type)
{
	struct dirctx *d = arg;
	char path[1024], line[1200], link[512] = "";
	const char *kind = type == SYSFS_DIR ? "dir " : type == SYSFS_LINK ? "link" : "file";
	int err;
	struct sysfs_node *n;
	struct sysfs_stat st = { 0 };

	snprintf(path, sizeof(path), "%s%s%s", d->path, *d->path ? "/" : "", name);
	n = sysfs_path_ref(d->w->fs, path, false, &err);
	if (n) {
		sysfs_node_stat(d->w->fs, n, &st);
		sysfs_node_put(n);
	}
	if (type == SYSFS_LINK) {
		ssize_t l = sysfs_readlink(d->w->fs, path, link + 4, sizeof(link) - 5);

		memcpy(link, " -> ", 4);
		link[4 + (l > 0 ? l : 0)] = 0;
	}
	snprintf(line, sizeof(line), "%s  %s %04o%s", path, kind,
		 type == SYSFS_LINK ? 0777 : st.mode, link);
	fold(d->w, line);
	add(d->w, line);
	if (type == SYSFS_DIR)
		visit(d->w, path);
}

static void visit(struct walk *w, const char *path)
{
	struct dirctx d = { w, path };

	sysfs_list(w->fs, path, child, &d);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void wr(struct sysfs *fs, const char *p, const char *v)
{
	if (sysfs_write(fs, p, v, strlen(v)) < 0) {
		fprintf(stderr, "setup write %s failed\n", p);
		exit(2);
	}
}

/* Appends line and a newline to the text at *t (of length *len). */
static void append(char **t, size_t *len, const char *line)
{
	size_t n = strlen(line);

	*t = realloc(*t, *len + n + 2);
	memcpy(*t + *len, line, n);
	(*t)[*len + n] = '\n';
	*len += n + 1;
	(*t)[*len] = '\0';
}

/* One TAP line: the block of file equals the model's (sorted) lines. */
static void compare(struct walk *w, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[1200], *doc = calloc(1, 1), *model = calloc(1, 1);
	size_t dlen = 0, mlen = 0;
	bool in = false;

	for (size_t i = 0; i < w->n; i++)
		append(&model, &mlen, w->lines[i]);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!in) {
			in = !strcmp(line, "<!-- tree -->");
			continue;
		}
		if (!strcmp(line, "<!-- end -->"))
			break;
		if (strncmp(line, "```", 3))
			append(&doc, &dlen, line);
	}
	if (tap_ok(f && in, "%s has a <!-- tree --> block", file))
		tap_same_text(doc, model, "%s lists the model's tree (%zu nodes after folding)",
			      file, w->n);
	if (f)
		fclose(f);
	free(doc);
	free(model);
}

int main(int argc, char **argv)
{
	struct sim_config cfg;
	struct walk w = { 0 };
	char err[256];
	bool print = argc > 1 && !strcmp(argv[1], "--print");
	struct sim *s;
	int rc = 0;

	for (int i = 0; i < NPAT; i++)
		regcomp(&w.re[i], patterns[i][0], REG_EXTENDED);
	sim_config_default(&cfg);
	s = sim_new(&cfg, SIM_MERGED, err, sizeof(err));
	w.fs = sim_sysfs(s);
	wr(w.fs, "bus/ap/apmask", "-0x03");
	wr(w.fs, "bus/ap/aqmask", "-0x05");
	wr(w.fs, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", U);
	wr(w.fs, "devices/vfio_ap/matrix/" U "/assign_adapter", "3");
	wr(w.fs, "devices/vfio_ap/matrix/" U "/assign_domain", "5");
	wr(w.fs, "sim/guests/start", U);
	wr(w.fs, "class/zcrypt/create", "\n");
	visit(&w, "");
	qsort(w.lines, w.n, sizeof(char *), cmp);
	if (print)
		for (size_t i = 0; i < w.n; i++)
			puts(w.lines[i]);
	else
		compare(&w, argc > 1 ? argv[1] : "docs/sysfs-abi.md");
	sim_free(s, NULL, 0);
	if (!print)
		rc = tap_done();
	for (size_t i = 0; i < w.n; i++)
		free(w.lines[i]);
	free(w.lines);
	for (int i = 0; i < NPAT; i++)
		regfree(&w.re[i]);
	return rc;
}
