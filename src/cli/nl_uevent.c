/* SPDX-License-Identifier: MIT */
/*
 * nl_uevent.c - the uevent sink of the sandbox and of `mount --uevents`:
 * each event is handed to the real kernel's uevent socket of the current
 * network namespace, which numbers it (SEQNUM) and multicasts it on group
 * 1 to every listener in that namespace only (docs/uevents.md §7).
 *
 * A message is one datagram: a netlink header (type NL_UEVENT_TYPE, flags
 * NLM_F_REQUEST | NLM_F_ACK) and the event in the kernel's format without
 * SEQNUM, sent to port 0. The kernel answers with an ack (an NLMSG_ERROR
 * whose error is 0, or the errno: EPERM without CAP_SYS_ADMIN over the
 * namespace's owner, EINVAL for a message over 2048 bytes); it is queued
 * before sendto() returns, so it is read without waiting.
 *
 * Refused: a network namespace owned by the initial user namespace (the
 * machine's own, or one that the host's kernel events reach too), and one
 * whose owner is not visible from here. Events sent there would reach the
 * machine's udev.
 */
#include "cli/nl_uevent.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/uevent.h"

#define NL_UEVENT_TYPE 0x10	     /* NLMSG_MIN_TYPE: the lowest the kernel passes on */
#define INIT_USER_NS_INO 0xEFFFFFFDU /* the kernel's fixed inode of the initial user ns */

/* 0 when the current network namespace belongs to a user namespace of our own. */
static int private_netns(char *err, size_t errlen)
{
	int net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), user;
	struct stat st;

	if (net < 0) {
		snprintf(err, errlen, "cannot open /proc/self/ns/net: %s", strerror(errno));
		return -errno;
	}
	user = ioctl(net, NS_GET_USERNS);
	close(net);
	if (user < 0) {
		snprintf(err, errlen,
			 "refusing to send uevents: this network namespace belongs to a user "
			 "namespace outside ours (%s); the machine's udev could receive them",
			 strerror(errno));
		return -EPERM;
	}
	if (fstat(user, &st) || st.st_ino == INIT_USER_NS_INO) {
		close(user);
		snprintf(err, errlen,
			 "refusing to send uevents into the host's network namespace (it belongs "
			 "to the initial user namespace, so the machine's udev would receive "
			 "them); run in a private one, e.g. 'unshare -Urn', or use 'vfio-ap-sim "
			 "sandbox'");
		return -EPERM;
	}
	close(user);
	return 0;
}

static int nl_send(void *arg, const struct uevent_msg *m)
{
	struct nl_uevent *nl = arg;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h = (struct nlmsghdr *)nl->buf;
	size_t len =
		uevent_msg_format(m, false, nl->buf + NLMSG_HDRLEN, sizeof(nl->buf) - NLMSG_HDRLEN);
	char ack[256];
	ssize_t n;

	if (len > sizeof(nl->buf) - NLMSG_HDRLEN)
		return -EMSGSIZE;
	*h = (struct nlmsghdr){ .nlmsg_len = (uint32_t)(NLMSG_HDRLEN + len),
				.nlmsg_type = NL_UEVENT_TYPE,
				.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
				.nlmsg_seq = (uint32_t)m->seqnum };
	if (sendto(nl->fd, nl->buf, h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	nl->sent++;
	n = recv(nl->fd, ack, sizeof(ack), MSG_DONTWAIT);
	if (n >= (ssize_t)(NLMSG_HDRLEN + sizeof(int)) &&
	    ((struct nlmsghdr *)ack)->nlmsg_type == NLMSG_ERROR) {
		int e = ((struct nlmsgerr *)NLMSG_DATA(ack))->error;

		if (e)
			return e;
	}
	return 0;
}

int nl_uevent_open(struct nl_uevent *nl, char *err, size_t errlen)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	int rc = private_netns(err, errlen);

	memset(nl->buf, 0, sizeof(nl->buf));
	nl->fd = -1;
	nl->sent = 0;
	if (rc)
		return rc;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&me, sizeof(me))) {
		rc = -errno;
		snprintf(err, errlen, "cannot open a uevent socket: %s", strerror(errno));
		if (nl->fd >= 0)
			close(nl->fd);
		nl->fd = -1;
		return rc;
	}
	nl->sink = (struct uevent_sink){ nl_send, nl };
	return 0;
}

void nl_uevent_close(struct nl_uevent *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}
