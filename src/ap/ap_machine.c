/* SPDX-License-Identifier: MIT */
/* ap_machine.c - defaults and card-type names of ap_machine_cfg (ap_machine.h). */
#include "ap/ap_machine.h"

#include <errno.h>
#include <string.h>

void ap_machine_cfg_init(struct ap_machine_cfg *m)
{
	memset(m, 0, sizeof(*m));
	m->apxa = true;
	m->max_adapter = -1;
	m->max_domain = -1;
}

int ap_machine_na(const struct ap_machine_cfg *m)
{
	if (m->max_adapter >= 0)
		return m->max_adapter;
	return m->apxa ? 255 : 63;
}

int ap_machine_nd(const struct ap_machine_cfg *m)
{
	if (m->max_domain >= 0)
		return m->max_domain;
	return m->apxa ? 255 : 15;
}

int ap_card_type_parse(const char *s, int *type, char *kind)
{
	if (strlen(s) != 5 || strncmp(s, "CEX", 3) != 0 || s[3] < '4' || s[3] > '8')
		return -EINVAL;
	if (s[4] != AP_KIND_ACCEL && s[4] != AP_KIND_CCA && s[4] != AP_KIND_EP11)
		return -EINVAL;
	*type = AP_DEVICE_TYPE_CEX4 + (s[3] - '4');
	*kind = s[4];
	return 0;
}
