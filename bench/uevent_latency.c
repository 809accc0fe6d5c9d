/* SPDX-License-Identifier: MIT */
/*
 * uevent_latency.c - how long after the write(2) that causes it a uevent
 * reaches a listener, inside `vfio-ap-sim sandbox` (docs/sandbox.md):
 * at a kernel-group (1) listener, and, when udevd runs (--udevd), at a
 * udev-group (2) listener after udevd processed it. Two kinds of writes:
 * a synthetic event ("change UUID" into a card's uevent file) and an mdev
 * creation (the `add` of the new mdev). Medians and 90th percentiles.
 *
 * Usage (inside a sandbox): uevent_latency [N]   (default 200 of each)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CREATE "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int listener(int group)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_groups = (unsigned)group };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	int size = 16 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

/* Waits (at most 10 s: a hang guard) for a datagram containing needle; its arrival time. */
static double wait_for(int fd, const char *needle)
{
	static char buf[1 << 16];
	size_t nl = strlen(needle);
	double start = now_us();

	while (now_us() - start < 10e6) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		for (ssize_t i = 0; n > 0 && i + (ssize_t)nl <= n; i++)
			if (!memcmp(buf + i, needle, nl))
				return now_us();
	}
	return -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
	if (n <= 0) {
		printf("%-44s no samples\n", what);
		return;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%-44s median %8.1f us   p90 %8.1f us   (%d)\n", what, v[n / 2], v[n * 9 / 10], n);
}

static int wr(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return r < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	int k = listener(1), u = access("/run/udev/control", F_OK) ? -1 : listener(2);
	double *ks = calloc((size_t)n, sizeof(double)), *us = calloc((size_t)n, sizeof(double));
	double *km = calloc((size_t)n, sizeof(double)), *um = calloc((size_t)n, sizeof(double));
	int nk = 0, nu = 0, nkm = 0, num = 0;
	char uuid[40], text[80], needle[120], path[160];

	if (k < 0 || !ks || !us || !km || !um) {
		fprintf(stderr, "uevent_latency: cannot listen: %s (run it inside a sandbox)\n",
			strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		double t0, t;

		snprintf(uuid, sizeof(uuid), "5a7e0000-0000-4000-8000-%012x", i);
		snprintf(text, sizeof(text), "change %s", uuid);
		snprintf(needle, sizeof(needle), "SYNTH_UUID=%s", uuid);
		t0 = now_us();
		if (wr("/sys/devices/ap/card03/uevent", text))
			return 1;
		if ((t = wait_for(k, needle)) > 0)
			ks[nk++] = t - t0;
		if (u >= 0 && (t = wait_for(u, needle)) > 0)
			us[nu++] = t - t0;
		snprintf(needle, sizeof(needle), "add@/devices/vfio_ap/matrix/%s", uuid);
		t0 = now_us();
		if (wr(CREATE, uuid))
			return 1;
		if ((t = wait_for(k, needle)) > 0)
			km[nkm++] = t - t0;
		snprintf(needle, sizeof(needle), "DEVPATH=/devices/vfio_ap/matrix/%s", uuid);
		if (u >= 0 && (t = wait_for(u, needle)) > 0)
			um[num++] = t - t0;
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
		wr(path, "1");
		if (u >= 0) /* let udevd drain the removal before the next round */
			system("udevadm settle");
	}
	report("synthetic change -> kernel group", ks, nk);
	report("synthetic change -> udev group (udevd)", us, nu);
	report("mdev create -> its add, kernel group", km, nkm);
	report("mdev create -> its add, udev group (udevd)", um, num);
	printf("RESULT kernel_us=%.1f udev_us=%.1f\n", nk ? ks[nk / 2] : -1.0,
	       nu ? us[nu / 2] : -1.0);
	return 0;
}
