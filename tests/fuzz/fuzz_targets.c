/* SPDX-License-Identifier: MIT */
/*
 * fuzz_targets.c - libFuzzer entry points for every input parser: the store
 * parsers of src/base/parse.h, the host configuration file parser and the
 * script parser. One source, one target per build: run.sh compiles it once
 * per -DFUZZ_<NAME>. Each target checks the parser's own contract besides
 * "no crash, no sanitizer report": a failing parse leaves its outputs
 * untouched (parse.h), a successful one stays within its bounds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "script/script.h"
#include "sim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string, as a sysfs store buffer is. */
static char *cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = cstr(data, size);

#if defined(FUZZ_KSTRTOUL)
	unsigned long v = 7;
	bool b = true;
	int i = 7;
	int rc = vas_kstrtoul(s, 0, &v);

	CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
	CHECK(rc == 0 || v == 7);
	CHECK(vas_kstrtoul(s, 10, &v) <= 0);
	rc = vas_kstrtobool(s, &b);
	CHECK(rc == 0 || (rc == -EINVAL && b));
	rc = vas_sscanf_int(s, 0, &i);
	CHECK(rc == 0 || (rc == -EINVAL && i == 7));
	CHECK(vas_sscanf_int(s, 10, &i) <= 0);
#elif defined(FUZZ_MASK)
	bm256 cur, out, keep;

	bm_fill(&cur);
	memset(&out, 0x5a, sizeof(out));
	keep = out;
	if (ap_parse_mask(s, &cur, &out))
		CHECK(bm_equal(&out, &keep));
	bm_zero(&cur);
	(void)ap_parse_mask(s, &cur, &out);
	out = keep;
	if (ap_hex2bitmap(s, &out))
		CHECK(bm_equal(&out, &keep));
#elif defined(FUZZ_AP_CONFIG)
	bm256 a, q, d;

	CHECK(ap_parse_config(s, size, &a, &q, &d) <= 0);
#elif defined(FUZZ_UUID)
	char out[UUID_STRLEN + 1] = "unchanged";

	if (mdev_parse_uuid(s, size, out))
		CHECK(!strcmp(out, "unchanged"));
	else
		CHECK(strlen(out) == UUID_STRLEN);
#elif defined(FUZZ_LIST)
	bm256 out;

	if (!vas_parse_list(s, 63, &out))
		CHECK(bm_next(&out, 64) == BM_BITS);
#elif defined(FUZZ_CONFIG)
	struct sim_config cfg;
	char err[256];
	FILE *f = fmemopen((void *)data, size ? size : 1, "r");

	if (f) {
		sim_config_init(&cfg);
		(void)sim_config_parse_stream(&cfg, f, "fuzz.cfg", err, sizeof(err));
		fclose(f);
	}
#elif defined(FUZZ_SCRIPT)
	struct script *sc = NULL;
	char err[256];
	FILE *f = fmemopen((void *)data, size ? size : 1, "r");

	if (f) {
		if (!script_parse(f, "fuzz.vas", &sc, err, sizeof(err)))
			script_free(sc);
		fclose(f);
	}
#else
#error "define one FUZZ_<TARGET>"
#endif
	free(s);
	return 0;
}
