/* SPDX-License-Identifier: MIT */
/* fault.c - the names of the allocation-failure sites (see fault.h). */
#include "base/fault.h"

#include <string.h>

const char *const fault_site_names[FAULT_NR_SITES] = {
	[FAULT_MDEV] = "mdev", [FAULT_VFIO_QUEUE] = "vfio_queue", [FAULT_AP_CONFIG] = "ap_config",
	[FAULT_KVM] = "kvm",   [FAULT_AP_CARD] = "ap_card",	  [FAULT_AP_QUEUE] = "ap_queue",
};

int fault_site_lookup(const char *name, size_t len)
{
	for (int i = 0; i < FAULT_NR_SITES; i++)
		if (strlen(fault_site_names[i]) == len && !strncmp(fault_site_names[i], name, len))
			return i;
	return -1;
}
