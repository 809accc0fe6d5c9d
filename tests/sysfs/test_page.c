/* SPDX-License-Identifier: MIT */
/*
 * test_page.c - how much a read returns (design.md §11.2, §13.4).
 *
 * A show that fills its page (returns 4096 or more, whether it wrote a NUL
 * at the end as snprintf does or text to the last byte) comes back as
 * 4095 bytes of text, never a NUL, and the kernel log gets one
 * "fill_read_buffer: <name>_show returned bad count" line per read; a show
 * of 4095 bytes is left alone and logs nothing. A ranged attribute is read
 * by byte range: any offset, pieces that add up to a text far longer than
 * a page, 0 at the end, its stat says so and its size is the text's
 * length; sysfs_node_read slices a page attribute's fresh show.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/klog.h"
#include "sysfs/sysfs.h"
#include "tap.h"

#define LONG_LEN 20000

/* Like a matrix show of 512 APQNs and more: snprintf leaves a NUL in the last byte. */
static ssize_t show_overflow(void *priv, const struct sysfs_attr *attr, char *buf)
{
	size_t n = 0;

	for (unsigned i = 0; i < 1000; i++)
		if (n < SYSFS_PAGE)
			n += snprintf(buf + n, SYSFS_PAGE - n, "%02x.%04x\n", i / 256, i % 256);
	return (ssize_t)(n < SYSFS_PAGE ? n : SYSFS_PAGE);
}

/* Text to the very last byte, and a count beyond the page. */
static ssize_t show_full(void *priv, const struct sysfs_attr *attr, char *buf)
{
	memset(buf, 'y', SYSFS_PAGE);
	return attr->arg;
}

static ssize_t show_4095(void *priv, const struct sysfs_attr *attr, char *buf)
{
	memset(buf, 'z', SYSFS_PAGE - 2);
	buf[SYSFS_PAGE - 2] = '\n';
	return SYSFS_PAGE - 1;
}

/* A long text, "0123456789" repeated; priv holds it. */
static ssize_t read_long(void *priv, const struct sysfs_attr *attr, char *buf, size_t size,
			 off_t off)
{
	const char *text = priv;
	size_t len = strlen(text), n;

	if ((size_t)off >= len)
		return 0;
	n = len - (size_t)off < size ? len - (size_t)off : size;
	memcpy(buf, text + off, n);
	return (ssize_t)n;
}

static const struct sysfs_attr page_attrs[] = {
	{ .name = "matrix", .mode = 0444, .show = show_overflow },
	{ .name = "full", .mode = 0444, .show = show_full, .arg = SYSFS_PAGE },
	{ .name = "beyond", .mode = 0444, .show = show_full, .arg = 3 * SYSFS_PAGE },
	{ .name = "fits", .mode = 0444, .show = show_4095 },
};

static size_t size_long(void *priv, const struct sysfs_attr *attr)
{
	return strlen(priv);
}

static const struct sysfs_attr long_attr = {
	.name = "long", .mode = 0444, .read = read_long, .size = size_long
};

static unsigned count_lines(struct klog *log, const char *text)
{
	char *d = klog_dump(log);
	unsigned n = 0;

	for (const char *p = d; p && (p = strstr(p, text)); p++)
		n++;
	free(d);
	return n;
}

static void test_page_rule(struct sysfs *fs, struct klog *log)
{
	char buf[SYSFS_PAGE + 16];
	ssize_t r;

	r = sysfs_read(fs, "d/matrix", buf, sizeof(buf));
	tap_ok(r == SYSFS_PAGE - 1 && memchr(buf, 0, (size_t)r) == NULL &&
		       !memcmp(buf + r - 8, "\n01.00ff", 8),
	       "an overflowing show: 4095 bytes of text, no NUL (the last newline is cut off)");
	tap_ok(count_lines(log, "fill_read_buffer: matrix_show returned bad count") == 1,
	       "and the kernel log says fill_read_buffer: matrix_show returned bad count");
	r = sysfs_read(fs, "d/full", buf, sizeof(buf));
	tap_ok(r == SYSFS_PAGE - 1 && buf[r - 1] == 'y', "a show of exactly 4096 bytes: 4095");
	r = sysfs_read(fs, "d/beyond", buf, sizeof(buf));
	tap_ok(r == SYSFS_PAGE - 1, "a count beyond the page: 4095");
	tap_ok(count_lines(log, "returned bad count") == 3, "each of them logged once");
	r = sysfs_read(fs, "d/fits", buf, sizeof(buf));
	tap_ok(r == SYSFS_PAGE - 1 && buf[r - 1] == '\n' && count_lines(log, "bad count") == 3,
	       "a show of 4095 bytes is whole and logs nothing");
}

static void test_ranged(struct sysfs *fs, struct sysfs_node *d)
{
	char *got = calloc(1, LONG_LEN + 1), buf[SYSFS_PAGE];
	size_t len = 0;
	struct sysfs_stat st = { 0 }, st2 = { 0 };
	struct sysfs_node *n = sysfs_child(fs, d, "long"), *m = sysfs_child(fs, d, "fits");
	ssize_t r;

	tap_ok(n && !sysfs_node_stat(fs, n, &st) && st.ranged && m &&
		       !sysfs_node_stat(fs, m, &st2) && !st2.ranged,
	       "stat tells a ranged attribute from a page attribute");
	tap_ok(n && m && sysfs_node_size(fs, n) == LONG_LEN && sysfs_node_size(fs, m) == SYSFS_PAGE,
	       "its size is the text's length; a page attribute's is 4096");
	while (n && (r = sysfs_node_read(fs, n, got + len, 3000, (off_t)len)) > 0)
		len += (size_t)r;
	tap_ok(len == LONG_LEN && got[LONG_LEN - 1] == '9' && !memcmp(got + 12340, "0123", 4),
	       "pieces of 3000 bytes read on to the end of a 20000-byte text");
	tap_ok(n && sysfs_node_read(fs, n, buf, 10, 19995) == 5 &&
		       sysfs_node_read(fs, n, buf, 10, LONG_LEN) == 0 &&
		       sysfs_node_read(fs, n, buf, 10, -1) == -EINVAL,
	       "a read near the end is short, at the end 0, before the start EINVAL");
	tap_ok(sysfs_read(fs, "d/long", buf, 100) == 100, "sysfs_read gives the first bytes");
	tap_ok(sysfs_node_show(fs, n, buf) == SYSFS_PAGE - 1, "a show of it: the first 4095 bytes");
	tap_ok(m && sysfs_node_read(fs, m, buf, 10, 4090) == 5 && !memcmp(buf, "zzzz\n", 5) &&
		       sysfs_node_read(fs, m, buf, 10, 5000) == 0,
	       "sysfs_node_read of a page attribute slices its show");
	free(got);
}

int main(void)
{
	struct ld_ctx *ld = ld_ctx_new();
	struct sysfs *fs = sysfs_new(ld);
	struct klog log;
	struct sysfs_node *d = sysfs_mkdir_p(fs, "d");
	char *text = malloc(LONG_LEN + 1);

	klog_init(&log, ld);
	sysfs_set_log(fs, &log);
	for (int i = 0; i < LONG_LEN; i++)
		text[i] = (char)('0' + i % 10);
	text[LONG_LEN] = 0;
	sysfs_add_files(fs, d, page_attrs, sizeof(page_attrs) / sizeof(page_attrs[0]), NULL);
	sysfs_add_file(fs, d, &long_attr, text);
	test_page_rule(fs, &log);
	test_ranged(fs, d);
	sysfs_free(fs);
	klog_destroy(&log);
	free(text);
	ld_ctx_free(ld);
	return tap_done();
}
