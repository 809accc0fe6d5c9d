/* SPDX-License-Identifier: MIT */
/*
 * top_model.c - the grid of `vfio-ap-sim top` read from a sysfs root
 * (docs/top.md, "Where each fact comes from").
 *
 * Only aggregated files are read where the kernel offers them, so a
 * 256 x 256 host costs a few thousand file operations, not one per queue:
 * which queues exist is one listing of bus/ap/devices; which driver holds
 * each queue is one listing per driver directory under bus/ap/drivers; an
 * mdev's queues are its `matrix` and `guest_matrix`. Per card: type,
 * config, chkstop, online, which stand for the card's queues: a file per
 * queue would cost 65,536 reads on a large host (and on a FUSE mount each
 * read is several round trips). The cards are read by a few threads at
 * once, each filling only its own cards' entries.
 * Whether a guest holds an mdev: on a simulated host sim/guests/<uuid>;
 * elsewhere the `status` of one queue of its guest_matrix ("in use").
 *
 * The state of a queue, first match wins: no device; card not configured;
 * card check-stopped; bound to vfio_ap and in the guest of the mdev whose
 * matrix holds it (that mdev has a guest and the APQN is in its
 * guest_matrix), assigned to it, or free; bound to a host driver and
 * offline (card online 0), or online; no driver.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/parse.h"
#include "cli/top.h"

#define DMESG_LINES 6
#define TOP_READERS 4 /* threads reading the cards */

/*
 * Reads dir/rel into buf (NUL-terminated); length or -errno. Files are
 * opened relative to a directory descriptor: on a FUSE mount every path
 * component is one lookup round trip, so the card's own attributes cost
 * one lookup each instead of four.
 */
static ssize_t rd_at(int dir, const char *rel, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = openat(dir, rel, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/*
	 * A short read ends the file: sysfs (and our FUSE face) return all of
	 * an attribute at once, and asking again for the end of file would be
	 * one more round trip per file.
	 */
	while ((size_t)got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0) {
		got += n;
		if ((size_t)n < size - 1 - (size_t)(got - n))
			break;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

static int rd_int_at(int dir, const char *rel)
{
	char buf[64];

	return rd_at(dir, rel, buf, sizeof(buf)) > 0 ? atoi(buf) : -1;
}

/* devices/ap/cardXX as a directory descriptor, or -1. */
static int card_dir(const struct top_model *m, unsigned a)
{
	char name[16];

	snprintf(name, sizeof(name), "card%02x", a);
	return openat(m->apfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* bus/ap/NAME as a mask. */
static bool rd_mask(const struct top_model *m, const char *name, bm256 *out)
{
	char buf[128];
	bm256 zero;

	bm_zero(&zero);
	return rd_at(m->busfd, name, buf, sizeof(buf)) > 0 && !strncmp(buf, "0x", 2) &&
	       ap_parse_mask(buf, &zero, out) == 0;
}

static int hexval(const char *s, int digits)
{
	int v = 0;

	for (int i = 0; i < digits; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + c - '0';
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + c - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/* "XX.YYYY" (exactly) -> 0 with *a, *d; else -1. */
static int parse_apqn(const char *s, unsigned *a, unsigned *d)
{
	int x, y;

	if (strlen(s) != 7 || s[2] != '.')
		return -1;
	x = hexval(s, 2);
	y = hexval(s + 3, 4);
	if (x < 0 || y < 0 || y > 255)
		return -1;
	*a = (unsigned)x;
	*d = (unsigned)y;
	return 0;
}

/*
 * Calls fn for each entry of dir/rel except . and ..; -errno if unreadable.
 * getdents64 directly: opendir() would fstat the directory, one more round
 * trip on a FUSE mount.
 */
static int list(int dir, const char *rel,
		void (*fn)(struct top_model *m, const char *name, void *arg), struct top_model *m,
		void *arg)
{
	int fd = openat(dir, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char buf[32768];
	long n;

	if (fd < 0)
		return -errno;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);

			if (e->d_name[0] != '.')
				fn(m, e->d_name, arg);
			off += e->d_reclen;
		}
	}
	close(fd);
	return n < 0 ? -errno : 0;
}

static void on_device(struct top_model *m, const char *name, void *arg)
{
	unsigned a, d;

	if (!parse_apqn(name, &a, &d))
		m->exists[a][d / 8] |= (unsigned char)(1u << (d % 8));
	else if (!strncmp(name, "card", 4) && strlen(name) == 6 && hexval(name + 4, 2) >= 0)
		m->card[hexval(name + 4, 2)].present = true;
}

static void on_bound(struct top_model *m, const char *name, void *arg)
{
	unsigned a, d;

	if (!parse_apqn(name, &a, &d))
		m->bound[a][d] = (signed char)*(int *)arg;
}

static void on_driver(struct top_model *m, const char *name, void *arg)
{
	if (m->nr_drv < TOP_DRV_MAX)
		snprintf(m->drv[m->nr_drv++], sizeof(m->drv[0]), "%s", name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void read_drivers(struct top_model *m)
{
	char rel[128];

	list(m->busfd, "drivers", on_driver, m, NULL);
	qsort(m->drv, (size_t)m->nr_drv, sizeof(m->drv[0]), by_name);
	m->vfio_drv = -1;
	for (int i = 0; i < m->nr_drv; i++) {
		if (!strcmp(m->drv[i], "vfio_ap"))
			m->vfio_drv = i;
		snprintf(rel, sizeof(rel), "drivers/%s", m->drv[i]);
		list(m->busfd, rel, on_bound, m, &i);
	}
}

static void read_card(struct top_model *m, unsigned a)
{
	struct top_card *c = &m->card[a];
	int dir;

	if (!c->present || (dir = card_dir(m, a)) < 0)
		return;
	if (rd_at(dir, "type", c->type, sizeof(c->type)) <= 0)
		snprintf(c->type, sizeof(c->type), "?");
	c->type[strcspn(c->type, "\n")] = '\0';
	c->config = rd_int_at(dir, "config");
	c->chkstop = rd_int_at(dir, "chkstop");
	c->online = rd_int_at(dir, "online");
	close(dir);
}

/* One reader of the cards: every TOP_READERS-th present card from `first`. */
struct card_reader {
	struct top_model *m;
	unsigned first;
	pthread_t th;
};

static void *card_reader(void *arg)
{
	struct card_reader *r = arg;

	for (unsigned a = r->first; a < 256; a += TOP_READERS)
		read_card(r->m, a);
	return NULL;
}

/*
 * The cards' files are read by TOP_READERS threads at once: on a FUSE mount
 * a read waits mostly for the server's threads, which serve several
 * requests at a time. Each thread writes only its own cards' entries.
 */
static void read_cards(struct top_model *m)
{
	struct card_reader r[TOP_READERS];
	bool started[TOP_READERS] = { false };

	for (unsigned i = 0; i < TOP_READERS; i++) {
		r[i] = (struct card_reader){ .m = m, .first = i };
		if (i)
			started[i] = !pthread_create(&r[i].th, NULL, card_reader, &r[i]);
	}
	for (unsigned i = 0; i < TOP_READERS; i++)
		if (!started[i])
			card_reader(
				&r[i]); /* this thread's share, and any thread that did not start */
	for (unsigned i = 1; i < TOP_READERS; i++)
		if (started[i])
			pthread_join(r[i].th, NULL);
}

/* The matrix format (design.md §3.3): "AA.DDDD", "AA." or ".DDDD" lines. */
static void parse_matrix(const char *text, bm256 *apm, bm256 *aqm)
{
	bm_zero(apm);
	bm_zero(aqm);
	for (const char *p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0)) {
		const char *dot = memchr(p, '.', strcspn(p, "\n"));
		int a, d;

		if (!dot)
			continue;
		if (dot - p == 2 && (a = hexval(p, 2)) >= 0)
			bm_set(apm, (unsigned)a);
		if (strcspn(dot + 1, "\n") == 4 && (d = hexval(dot + 1, 4)) >= 0 && d < 256)
			bm_set(aqm, (unsigned)d);
	}
}

static void on_mdev(struct top_model *m, const char *name, void *arg)
{
	struct top_mdev *v;

	if (strlen(name) != 36 || name[8] != '-' || name[13] != '-')
		return;
	v = realloc(m->mdev, (size_t)(m->nr_mdevs + 1) * sizeof(*v));
	if (!v)
		return;
	m->mdev = v;
	v = &m->mdev[m->nr_mdevs++];
	memset(v, 0, sizeof(*v));
	snprintf(v->uuid, sizeof(v->uuid), "%s", name);
}

static int by_uuid(const void *a, const void *b)
{
	return strcmp(((const struct top_mdev *)a)->uuid, ((const struct top_mdev *)b)->uuid);
}

/* Whether a guest holds mdev v, from the status of one queue of its guest_matrix. */
static bool attached_by_status(const struct top_model *m, const struct top_mdev *v)
{
	char rel[64], buf[64];
	unsigned a, d, tries = 0;

	bm_for_each(a, &v->gapm) {
		bm_for_each(d, &v->gaqm) {
			snprintf(rel, sizeof(rel), "card%02x/%02x.%04x/status", a, a, d);
			if (rd_at(m->apfd, rel, buf, sizeof(buf)) > 0)
				return !strncmp(buf, "in use", 6);
			if (++tries == 4)
				return false;
		}
	}
	return false;
}

static void read_mdev(struct top_model *m, struct top_mdev *v)
{
	char rel[256], buf[65536], link[512];
	ssize_t n;
	int dir;

	snprintf(rel, sizeof(rel), "devices/vfio_ap/matrix/%s", v->uuid);
	dir = openat(m->rootfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return;
	parse_matrix(rd_at(dir, "matrix", buf, sizeof(buf)) > 0 ? buf : "", &v->apm, &v->aqm);
	parse_matrix(rd_at(dir, "guest_matrix", buf, sizeof(buf)) > 0 ? buf : "", &v->gapm,
		     &v->gaqm);
	bm_zero(&v->adm);
	if (rd_at(dir, "control_domains", buf, sizeof(buf)) > 0)
		for (char *p = buf; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0))
			if (strcspn(p, "\n") == 4 && hexval(p, 4) >= 0 && hexval(p, 4) < 256)
				bm_set(&v->adm, (unsigned)hexval(p, 4));
	n = readlinkat(dir, "mdev_type", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	close(dir);
	snprintf(v->type, sizeof(v->type), "%.63s",
		 strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	if (m->sim) {
		snprintf(rel, sizeof(rel), "guests/%s", v->uuid);
		v->attached = faccessat(m->simfd, rel, F_OK, 0) == 0;
	} else {
		v->attached = attached_by_status(m, v);
	}
}

static void read_mdevs(struct top_model *m)
{
	list(m->rootfd, "devices/vfio_ap/matrix", on_mdev, m, NULL);
	if (m->nr_mdevs)
		qsort(m->mdev, (size_t)m->nr_mdevs, sizeof(*m->mdev), by_uuid);
	for (int i = 0; i < m->nr_mdevs; i++)
		read_mdev(m, &m->mdev[i]);
}

static bool in_guest(const struct top_mdev *v, unsigned a, unsigned d)
{
	return bm_test(&v->gapm, a) && bm_test(&v->gaqm, d);
}

static enum top_qstate queue_state(const struct top_model *m, unsigned a, unsigned d)
{
	const struct top_card *c = &m->card[a];
	int b = m->bound[a][d], o = m->owner[a][d];

	if (!top_exists(m, a, d))
		return TQ_ABSENT;
	if (c->config == 0)
		return TQ_NOCONF;
	if (c->chkstop > 0)
		return TQ_CHKSTOP;
	if (b >= 0 && b == m->vfio_drv) {
		if (o < 0)
			return TQ_FREE;
		return m->mdev[o].attached && in_guest(&m->mdev[o], a, d) ? TQ_GUEST : TQ_ASSIGNED;
	}
	if (b >= 0)
		return c->online == 0 ? TQ_OFFLINE : TQ_HOST;
	return TQ_UNBOUND;
}

static void compute_states(struct top_model *m)
{
	bm_zero(&m->rows);
	bm_zero(&m->cols);
	for (unsigned a = 0; a < 256; a++) {
		bool any = false;

		for (unsigned d = 0; d < 256; d++) {
			m->owner[a][d] = -1;
			for (int i = 0; i < m->nr_mdevs; i++)
				if (bm_test(&m->mdev[i].apm, a) && bm_test(&m->mdev[i].aqm, d)) {
					m->owner[a][d] = (short)i;
					break;
				}
			m->state[a][d] = (unsigned char)queue_state(m, a, d);
			if (top_exists(m, a, d)) {
				any = true;
				bm_set(&m->cols, d);
			}
		}
		if (any || m->card[a].present || (m->have_qci && bm_test(&m->qci_apm, a)))
			bm_set(&m->rows, a);
	}
	if (m->have_qci) {
		bm_or(&m->cols, &m->cols, &m->qci_aqm);
		bm_or(&m->cols, &m->cols, &m->qci_adm);
	}
}

/* The last DMESG_LINES lines of sim/dmesg. */
static void read_dmesg(struct top_model *m)
{
	char *buf = malloc(65536), *p;
	int n = 0;
	ssize_t len;

	if (!buf)
		return;
	len = rd_at(m->simfd, "dmesg", buf, 65536);
	if (len <= 0) {
		free(buf);
		return;
	}
	for (p = buf + len; p > buf; p--)
		if (p[-1] == '\n' && p != buf + len && ++n == DMESG_LINES)
			break;
	m->dmesg = strdup(p);
	free(buf);
}

/* One "%40s:" line of /proc/lock_stat's layout into the class's entry. */
static void lock_line(struct top_model *m, char *line)
{
	char *colon = strstr(line, ": "), *name = line;
	unsigned long long cb, con, ab, acq;
	double wmin, wmax, wtot, wavg, hmin, hmax, htot, havg;
	struct top_lock *l = NULL, *v;
	size_t nl;

	if (!colon ||
	    sscanf(colon + 1, "%llu %llu %lf %lf %lf %lf %llu %llu %lf %lf %lf %lf", &cb, &con,
		   &wmin, &wmax, &wtot, &wavg, &ab, &acq, &hmin, &hmax, &htot, &havg) != 12)
		return;
	*colon = '\0';
	while (*name == ' ')
		name++;
	nl = strlen(name);
	if (nl > 2 && (!strcmp(name + nl - 2, "-W") || !strcmp(name + nl - 2, "-R")))
		name[nl - 2] = '\0';
	for (int i = 0; i < m->nr_locks; i++)
		if (!strcmp(m->locks[i].name, name))
			l = &m->locks[i];
	if (!l) {
		v = realloc(m->locks, (size_t)(m->nr_locks + 1) * sizeof(*v));
		if (!v)
			return;
		m->locks = v;
		l = &v[m->nr_locks++];
		memset(l, 0, sizeof(*l));
		snprintf(l->name, sizeof(l->name), "%s", name);
	}
	if (acq)
		l->hold_avg = (l->hold_avg * (double)l->acquisitions + htot) /
			      (double)(l->acquisitions + acq);
	l->contentions += con;
	l->acquisitions += acq;
	l->wait_total += wtot;
	if (wmax > l->wait_max)
		l->wait_max = wmax;
}

static int by_contention(const void *a, const void *b)
{
	const struct top_lock *x = a, *y = b;

	if (x->contentions != y->contentions)
		return x->contentions < y->contentions ? 1 : -1;
	if (x->wait_total != y->wait_total)
		return x->wait_total < y->wait_total ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void read_lock_stat(struct top_model *m)
{
	size_t size = 1 << 20;
	char *buf = malloc(size), *p, *save = NULL;

	if (!buf)
		return;
	if (rd_at(m->simfd, "lock_stat", buf, size) > 0 && !strncmp(buf, "lock_stat version", 17)) {
		m->have_locks = true;
		for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
			lock_line(m, p);
		if (m->nr_locks)
			qsort(m->locks, (size_t)m->nr_locks, sizeof(*m->locks), by_contention);
	}
	free(buf);
}

static int dir_at(int dir, const char *rel)
{
	return dir < 0 ? -1 : openat(dir, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void close_dirs(struct top_model *m)
{
	int *fd[] = { &m->rootfd, &m->apfd, &m->busfd, &m->simfd };

	for (size_t i = 0; i < sizeof(fd) / sizeof(fd[0]); i++) {
		if (*fd[i] >= 0)
			close(*fd[i]);
		*fd[i] = -1;
	}
}

int top_model_read(struct top_model *m, char *err, size_t errlen)
{
	int e;

	m->rootfd = open(m->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	e = errno;
	m->busfd = dir_at(m->rootfd, "bus/ap");
	m->apfd = dir_at(m->rootfd, "devices/ap");
	m->simfd = dir_at(m->rootfd, "sim");
	if (m->rootfd < 0 || m->busfd < 0) {
		if (m->rootfd < 0)
			snprintf(err, errlen, "%s: %s", m->root, strerror(e));
		else
			snprintf(err, errlen, "%s: not an AP system (no %s/bus/ap)", m->root,
				 m->root);
		close_dirs(m);
		return m->rootfd < 0 && e ? -e : -ENOTDIR;
	}
	m->sim = m->simfd >= 0;
	if (!m->sim || rd_at(m->simfd, "variant", m->variant, sizeof(m->variant)) <= 0)
		m->variant[0] = '\0';
	m->variant[strcspn(m->variant, "\n")] = '\0';
	rd_mask(m, "apmask", &m->apmask);
	rd_mask(m, "aqmask", &m->aqmask);
	m->have_qci = rd_mask(m, "ap_adapter_mask", &m->qci_apm) &&
		      rd_mask(m, "ap_usage_domain_mask", &m->qci_aqm) &&
		      rd_mask(m, "ap_control_domain_mask", &m->qci_adm);
	for (int a = 0; a < 256; a++) {
		m->card[a].config = m->card[a].chkstop = m->card[a].online = -1;
		memset(m->bound[a], -1, sizeof(m->bound[a]));
	}
	list(m->busfd, "devices", on_device, m, NULL);
	read_cards(m);
	read_drivers(m);
	read_mdevs(m);
	compute_states(m);
	if (m->sim) {
		read_dmesg(m);
		read_lock_stat(m);
	}
	close_dirs(m);
	return 0;
}

void top_model_free(struct top_model *m)
{
	free(m->mdev);
	free(m->dmesg);
	free(m->locks);
	m->mdev = NULL;
	m->dmesg = NULL;
	m->locks = NULL;
	m->nr_mdevs = m->nr_locks = 0;
}

const char *top_state_name(enum top_qstate s)
{
	static const char *const names[] = {
		[TQ_ABSENT] = "no queue device",     [TQ_NOCONF] = "card not configured",
		[TQ_CHKSTOP] = "card check-stopped", [TQ_OFFLINE] = "host driver, offline",
		[TQ_HOST] = "host driver",	     [TQ_UNBOUND] = "no driver",
		[TQ_FREE] = "free for vfio_ap",	     [TQ_ASSIGNED] = "assigned",
		[TQ_GUEST] = "in the guest",
	};

	return s <= TQ_GUEST ? names[s] : "?";
}

/* Why queue a.d cannot be linked to an mdev (it is missing or held elsewhere), or NULL. */
static const char *unusable(const struct top_model *m, unsigned a, unsigned d, char *buf,
			    size_t len)
{
	int b = m->bound[a][d];

	if (!top_exists(m, a, d))
		snprintf(buf, len, "queue %02x.%04x does not exist", a, d);
	else if (b < 0)
		snprintf(buf, len, "queue %02x.%04x is bound to no driver", a, d);
	else if (b != m->vfio_drv)
		snprintf(buf, len, "queue %02x.%04x is bound to %s", a, d, m->drv[b]);
	else
		return NULL;
	return buf;
}

const char *top_filter_reason(const struct top_model *m, int i, unsigned a, unsigned d, char *buf,
			      size_t len)
{
	const struct top_mdev *v = &m->mdev[i];
	char why[128];

	if (in_guest(v, a, d))
		return NULL;
	if (m->have_qci && !bm_test(&m->qci_apm, a))
		snprintf(buf, len, "adapter %02x is not in the host configuration", a);
	else if (m->have_qci && !bm_test(&m->qci_aqm, d))
		snprintf(buf, len, "domain %04x is not in the host configuration", d);
	else if (unusable(m, a, d, why, sizeof(why)))
		snprintf(buf, len, "%s", why);
	else if (!bm_test(&v->gapm, a)) {
		unsigned e;

		snprintf(buf, len,
			 "adapter %02x is filtered out (no filter ran since its queues became "
			 "usable, or a reset failed)",
			 a);
		bm_for_each(e, &v->aqm) {
			if ((!m->have_qci || bm_test(&m->qci_aqm, e)) &&
			    unusable(m, a, e, why, sizeof(why))) {
				snprintf(buf, len, "adapter %02x is filtered out: %s", a, why);
				break;
			}
		}
	} else
		snprintf(buf, len, "domain %04x is filtered out", d);
	return buf;
}
