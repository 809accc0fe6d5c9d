// SPDX-License-Identifier: MIT
/*
 * errnames.c - errno names as scripts write them (`fail EADDRINUSE ...`)
 * and as failure diagnostics print them.
 *
 * One const table maps names to the host's <errno.h> values, plus the
 * kernel-internal ERESTARTSYS (512), which a sysfs store can return but
 * user space never sees. Where two names share a value (EAGAIN and
 * EWOULDBLOCK, EDEADLK and EDEADLOCK, ENOTSUP and EOPNOTSUPP on Linux) the
 * first entry is the one printed, and both parse.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "script/script.h"

#ifndef ERESTARTSYS
#define ERESTARTSYS 512
#endif

struct errname {
	const char *name;
	int value;
};

#define E(x) { #x, x }
static const struct errname errnames[] = {
	E(EPERM),	  E(ENOENT),	   E(ESRCH),	    E(EINTR),
	E(EIO),		  E(ENXIO),	   E(E2BIG),	    E(ENOEXEC),
	E(EBADF),	  E(ECHILD),	   E(EAGAIN),	    E(EWOULDBLOCK),
	E(ENOMEM),	  E(EACCES),	   E(EFAULT),	    E(ENOTBLK),
	E(EBUSY),	  E(EEXIST),	   E(EXDEV),	    E(ENODEV),
	E(ENOTDIR),	  E(EISDIR),	   E(EINVAL),	    E(ENFILE),
	E(EMFILE),	  E(ENOTTY),	   E(ETXTBSY),	    E(EFBIG),
	E(ENOSPC),	  E(ESPIPE),	   E(EROFS),	    E(EMLINK),
	E(EPIPE),	  E(EDOM),	   E(ERANGE),	    E(EDEADLK),
	E(EDEADLOCK),	  E(ENAMETOOLONG), E(ENOLCK),	    E(ENOSYS),
	E(ENOTEMPTY),	  E(ELOOP),	   E(ENOMSG),	    E(EIDRM),
	E(ENOSTR),	  E(ENODATA),	   E(ETIME),	    E(ENOSR),
	E(EREMOTE),	  E(ENOLINK),	   E(EPROTO),	    E(EBADMSG),
	E(EOVERFLOW),	  E(EILSEQ),	   E(EUSERS),	    E(ENOTSOCK),
	E(EDESTADDRREQ),  E(EMSGSIZE),	   E(EPROTOTYPE),   E(ENOPROTOOPT),
	E(EPROTONOSUPPORT), E(EOPNOTSUPP), E(ENOTSUP),	    E(EAFNOSUPPORT),
	E(EADDRINUSE),	  E(EADDRNOTAVAIL), E(ENETDOWN),    E(ENETUNREACH),
	E(ECONNABORTED),  E(ECONNRESET),   E(ENOBUFS),	    E(EISCONN),
	E(ENOTCONN),	  E(ETIMEDOUT),	   E(ECONNREFUSED), E(EHOSTUNREACH),
	E(EALREADY),	  E(EINPROGRESS),  E(ESTALE),	    E(EDQUOT),
	E(ECANCELED),	  E(EOWNERDEAD),   E(ENOTRECOVERABLE), E(ENOKEY),
	E(EKEYEXPIRED),	  E(EKEYREVOKED),  E(EKEYREJECTED), E(ENOMEDIUM),
	E(EMEDIUMTYPE),	  E(EHWPOISON),	   E(ERESTARTSYS),
};
#undef E

int script_errno_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].value;
	return 0;
}

const char *script_errno_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].value == err)
			return errnames[i].name;
	return NULL;
}
