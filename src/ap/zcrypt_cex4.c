/* SPDX-License-Identifier: MIT */
/*
 * zcrypt_cex4.c - the attributes a card's kind adds while it is bound to
 * the default drivers (zcrypt_cex4.c in Linux; docs/zcrypt.md §4):
 *
 *   kind          card                                        queue
 *   accelerator   -                                           -
 *   CCA           serialnr                                    mkvps
 *   EP11          serialnr API_ordinalnr FW_version op_modes  mkvps op_modes
 *
 * Every read asks the card (ap_hw_card_query), as Linux has done since it
 * dropped its caches: a queue's files ask that queue's APQN, a card's files
 * the first queue of the card that zcrypt could route a request to
 * (zcrypt_queue_usable). When no such queue exists, or the card does not
 * answer, the file shows its "no answer" form: an empty line, or the
 * register lines with "- -".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ap/zcrypt.h"
#include "sysfs/sysfs.h"

/* A query to this queue's APQN, if zcrypt could route one there. */
static int queue_query(struct zcrypt_queue *zq, struct ap_card_fw *fw)
{
	bool ok;

	kmutex_lock(&zq->zc->z->lock);
	ok = zcrypt_queue_usable(zq->zc->z, zq);
	kmutex_unlock(&zq->zc->z->lock);
	return ok ? ap_hw_card_query(zq->queue->card->bus->hw, zq->queue->qid, fw) : -ENODEV;
}

/* A query to any domain of the card: the first usable queue in the card's list. */
static int card_query(struct zcrypt_card *zc, struct ap_card_fw *fw)
{
	struct zcrypt_queue *zq;
	unsigned qid = 0;
	bool found = false;

	kmutex_lock(&zc->z->lock);
	list_for_each_entry(zq, &zc->zqueues, node) {
		if (zcrypt_queue_usable(zc->z, zq)) {
			qid = zq->queue->qid;
			found = true;
			break;
		}
	}
	kmutex_unlock(&zc->z->lock);
	return found ? ap_hw_card_query(zc->card->bus->hw, qid, fw) : -ENODEV;
}

/* "NAME NAME ...\n" of the set op-mode bits; "\n" for none. */
static ssize_t op_modes_text(uint64_t modes, char *buf)
{
	int n = 0;

	for (unsigned m = 0; m < AP_EP11_OP_MODES; m++)
		if (modes & (1ull << m))
			n += snprintf(buf + n, SYSFS_PAGE - n, "%s%s", n ? " " : "",
				      ap_ep11_op_mode_name(m));
	return n + snprintf(buf + n, SYSFS_PAGE - n, "\n");
}

static void hex(char *out, const unsigned char *vp, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", vp[i]);
}

/* --- cards --- */

/* serialnr: CCA "%s\n" (8 characters), EP11 "%16.16s\n"; "\n" without an answer. */
SYSFS_SHOW(serialnr_show)
{
	struct zcrypt_card *zc = priv;
	struct ap_card_fw fw;

	if (card_query(zc, &fw))
		return snprintf(buf, SYSFS_PAGE, "\n");
	if (zc->card->kind == AP_KIND_EP11)
		return snprintf(buf, SYSFS_PAGE, "%16.16s\n", fw.serial);
	return snprintf(buf, SYSFS_PAGE, "%s\n", fw.serial);
}

/* API_ordinalnr "%u\n", FW_version "%u.%u\n", op_modes names; "\n" when 0 or no answer. */
SYSFS_SHOW(ep11_card_show)
{
	struct zcrypt_card *zc = priv;
	struct ap_card_fw fw;

	if (card_query(zc, &fw))
		return snprintf(buf, SYSFS_PAGE, "\n");
	if (attr->arg == 0)
		return fw.api_ordinal ? snprintf(buf, SYSFS_PAGE, "%u\n", fw.api_ordinal) :
					snprintf(buf, SYSFS_PAGE, "\n");
	if (attr->arg == 1)
		return fw.fw_major || fw.fw_minor ?
			       snprintf(buf, SYSFS_PAGE, "%u.%u\n", fw.fw_major, fw.fw_minor) :
			       snprintf(buf, SYSFS_PAGE, "\n");
	return op_modes_text(fw.op_modes, buf);
}

static const struct sysfs_attr cca_card_attrs[] = {
	{ .name = "serialnr", .mode = 0444, .show = serialnr_show },
};

static const struct sysfs_attr ep11_card_attrs[] = {
	{ .name = "API_ordinalnr", .mode = 0444, .show = ep11_card_show, .arg = 0 },
	{ .name = "FW_version", .mode = 0444, .show = ep11_card_show, .arg = 1 },
	{ .name = "serialnr", .mode = 0444, .show = serialnr_show },
	{ .name = "op_modes", .mode = 0444, .show = ep11_card_show, .arg = 2 },
};

/* --- queues --- */

/* One CCA register line: "NAME: state 0x<pattern>", or "NAME: - -". */
static int cca_line(char *buf, int n, const char *name, bool is_new, const struct ap_mk_reg *r,
		    unsigned len, bool answered)
{
	static const char *const new_states[] = {
		[AP_MK_EMPTY] = "empty", [AP_MK_PARTIAL] = "partial", [AP_MK_FULL] = "full"
	};
	static const char *const cur_states[] = {
		[AP_MK_INVALID] = "invalid", [AP_MK_VALID] = "valid"
	};
	const char *st = NULL;
	char pattern[2 * AP_MK_VP_MAX + 1];
	unsigned char zero[AP_MK_VP_MAX] = { 0 };

	if (answered && is_new && r->state <= AP_MK_FULL)
		st = new_states[r->state];
	else if (answered && !is_new && r->state >= AP_MK_INVALID && r->state <= AP_MK_VALID)
		st = cur_states[r->state];
	if (!st)
		return snprintf(buf + n, SYSFS_PAGE - n, "%s: - -\n", name);
	hex(pattern, ap_mk_state_has_vp(r->state) ? r->vp : zero, len);
	return snprintf(buf + n, SYSFS_PAGE - n, "%s: %s 0x%s\n", name, st, pattern);
}

/* CCA mkvps: nine lines, NEW CUR OLD of AES, APKA, ASYM (zcrypt.md §4). */
static ssize_t cca_mkvps(struct zcrypt_queue *zq, char *buf)
{
	static const char *const names[AP_MK_NREGS] = {
		"AES NEW",  "AES CUR",	"AES OLD",  "APKA NEW", "APKA CUR",
		"APKA OLD", "ASYM NEW", "ASYM CUR", "ASYM OLD",
	};
	struct ap_card_fw fw;
	bool answered = queue_query(zq, &fw) == 0;
	int n = 0;

	for (int r = 0; r < AP_MK_NREGS; r++)
		n += cca_line(buf, n, names[r], r % 3 == 0, answered ? &fw.mk[r] : NULL,
			      ap_mk_vp_len(AP_KIND_CCA, r), answered);
	return n;
}

/* EP11 mkvps: "WK CUR: valid 0x<64>" / "invalid -", "WK NEW: empty -" / "(un)committed 0x<64>". */
static ssize_t ep11_mkvps(struct zcrypt_queue *zq, char *buf)
{
	struct ap_card_fw fw;
	char cur[2 * AP_MK_VP_MAX + 3] = "-", nw[2 * AP_MK_VP_MAX + 3] = "-";
	const char *cs = "-", *ns = "-";
	const struct ap_mk_reg *c = &fw.mk[AP_MK_WK_CUR], *w = &fw.mk[AP_MK_WK_NEW];

	if (queue_query(zq, &fw) == 0) {
		cs = c->state == AP_MK_VALID ? "valid" : "invalid";
		if (c->state == AP_MK_VALID) {
			strcpy(cur, "0x");
			hex(cur + 2, c->vp, 32);
		}
		ns = w->state == AP_MK_COMMITTED   ? "committed" :
		     w->state == AP_MK_UNCOMMITTED ? "uncommitted" :
						     "empty";
		if (ap_mk_state_has_vp(w->state)) {
			strcpy(nw, "0x");
			hex(nw + 2, w->vp, 32);
		}
	}
	return snprintf(buf, SYSFS_PAGE, "WK CUR: %s %s\nWK NEW: %s %s\n", cs, cur, ns, nw);
}

SYSFS_SHOW(mkvps_show)
{
	struct zcrypt_queue *zq = priv;

	return zq->zc->card->kind == AP_KIND_EP11 ? ep11_mkvps(zq, buf) : cca_mkvps(zq, buf);
}

/* EP11 queue op_modes: the domain's modes; "\n" when offline or without an answer. */
SYSFS_SHOW(queue_op_modes_show)
{
	struct zcrypt_queue *zq = priv;
	struct ap_card_fw fw;

	if (queue_query(zq, &fw))
		return snprintf(buf, SYSFS_PAGE, "\n");
	return op_modes_text(fw.op_modes, buf);
}

static const struct sysfs_attr cca_queue_attrs[] = {
	{ .name = "mkvps", .mode = 0444, .show = mkvps_show },
};

static const struct sysfs_attr ep11_queue_attrs[] = {
	{ .name = "mkvps", .mode = 0444, .show = mkvps_show },
	{ .name = "op_modes", .mode = 0444, .show = queue_op_modes_show },
};

#define NR(t) (sizeof(t) / sizeof((t)[0]))

/* Adds (or removes) the n attributes of a kind's table in dir: 0 or -errno. */
static int files(struct sysfs *fs, struct sysfs_node *dir, const struct sysfs_attr *t, size_t n,
		 void *priv, bool add)
{
	if (add)
		return sysfs_add_files(fs, dir, t, n, priv);
	for (size_t i = 0; i < n; i++)
		sysfs_remove_name(fs, dir, t[i].name);
	return 0;
}

int zcrypt_cex4_card_files(struct zcrypt_card *zc, bool add)
{
	struct sysfs *fs = zc->z->bus->svc.fs;
	struct sysfs_node *dir = zc->card->dev.dir;

	if (zc->card->kind == AP_KIND_CCA)
		return files(fs, dir, cca_card_attrs, NR(cca_card_attrs), zc, add);
	if (zc->card->kind == AP_KIND_EP11)
		return files(fs, dir, ep11_card_attrs, NR(ep11_card_attrs), zc, add);
	return 0;
}

int zcrypt_cex4_queue_files(struct zcrypt_queue *zq, bool add)
{
	struct sysfs *fs = zq->zc->z->bus->svc.fs;
	struct sysfs_node *dir = zq->queue->dev.dir;

	if (zq->zc->card->kind == AP_KIND_CCA)
		return files(fs, dir, cca_queue_attrs, NR(cca_queue_attrs), zq, add);
	if (zq->zc->card->kind == AP_KIND_EP11)
		return files(fs, dir, ep11_queue_attrs, NR(ep11_queue_attrs), zq, add);
	return 0;
}
