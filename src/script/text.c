// SPDX-License-Identifier: MIT
/*
 * text.c - the notations of scripts: bytes (both ways) and errno names.
 *
 * script_unescape decodes a TEXT as written in a script (docs/scripts.md:
 * \n \t \s \0 \xHH \\, everything else literal). script_fput_escaped is its
 * inverse for diagnostics: it prints bytes so that a reader sees exactly
 * what was expected or read (a trailing space, a missing newline, a NUL),
 * and the printed form between the quotes can be pasted back into a script.
 * The quotes themselves are not escaped: the text ends at the last quote.
 *
 * Errno names (`fail EADDRINUSE ...`, and errnos in diagnostics) come from
 * one const table of the host's <errno.h> values plus the kernel-internal
 * ERESTARTSYS (512), which a sysfs store can return but user space never
 * sees. Where two names share a value (EAGAIN/EWOULDBLOCK,
 * EDEADLK/EDEADLOCK, EOPNOTSUPP/ENOTSUP on Linux) both parse and the first
 * in the table is printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/script.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the escape that starts at src[0] == '\\' into *byte.
 * Returns the number of source characters used, or 0 with *why set.
 */
static size_t unescape_one(const char *src, char *byte, const char **why)
{
	int hi, lo;

	switch (src[1]) {
	case 'n':
		*byte = '\n';
		return 2;
	case 't':
		*byte = '\t';
		return 2;
	case 's':
		*byte = ' ';
		return 2;
	case '0':
		*byte = '\0';
		return 2;
	case '\\':
		*byte = '\\';
		return 2;
	case 'x':
		hi = hexval(src[2]);
		lo = hi < 0 ? -1 : hexval(src[3]);
		if (lo < 0) {
			*why = "\\x needs two hex digits";
			return 0;
		}
		*byte = (char)(hi << 4 | lo);
		return 4;
	case '\0':
		*why = "backslash at end of line";
		return 0;
	default:
		*why = "unknown escape (use \\\\ for a backslash)";
		return 0;
	}
}

int script_unescape(const char *src, char **out, size_t *len, const char **why)
{
	size_t n = 0, used;
	char *buf;

	/* decoding never makes the text longer */
	buf = malloc(strlen(src) + 1);
	if (!buf) {
		*why = "out of memory";
		return -ENOMEM;
	}
	while (*src) {
		if (*src != '\\') {
			buf[n++] = *src++;
			continue;
		}
		used = unescape_one(src, &buf[n], why);
		if (!used) {
			free(buf);
			return -EINVAL;
		}
		n++;
		src += used;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

void script_fput_escaped(FILE *f, const char *buf, size_t len)
{
	size_t i;
	unsigned char c;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		c = (unsigned char)buf[i];
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\0')
			fputs("\\0", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* --- errno names ------------------------------------------------------ */

#ifndef ERESTARTSYS
#define ERESTARTSYS 512
#endif

struct errname {
	const char *name;
	int value;
};

#define E(x)          \
	{             \
#x, x \
	}
static const struct errname errnames[] = {
	E(EPERM),	    E(ENOENT),	     E(ESRCH),		 E(EINTR),	  E(EIO),
	E(ENXIO),	    E(E2BIG),	     E(ENOEXEC),	 E(EBADF),	  E(ECHILD),
	E(EAGAIN),	    E(EWOULDBLOCK),  E(ENOMEM),		 E(EACCES),	  E(EFAULT),
	E(ENOTBLK),	    E(EBUSY),	     E(EEXIST),		 E(EXDEV),	  E(ENODEV),
	E(ENOTDIR),	    E(EISDIR),	     E(EINVAL),		 E(ENFILE),	  E(EMFILE),
	E(ENOTTY),	    E(ETXTBSY),	     E(EFBIG),		 E(ENOSPC),	  E(ESPIPE),
	E(EROFS),	    E(EMLINK),	     E(EPIPE),		 E(EDOM),	  E(ERANGE),
	E(EDEADLK),	    E(EDEADLOCK),    E(ENAMETOOLONG),	 E(ENOLCK),	  E(ENOSYS),
	E(ENOTEMPTY),	    E(ELOOP),	     E(ENOMSG),		 E(EIDRM),	  E(ENOSTR),
	E(ENODATA),	    E(ETIME),	     E(ENOSR),		 E(EREMOTE),	  E(ENOLINK),
	E(EPROTO),	    E(EBADMSG),	     E(EOVERFLOW),	 E(EILSEQ),	  E(EUSERS),
	E(ENOTSOCK),	    E(EDESTADDRREQ), E(EMSGSIZE),	 E(EPROTOTYPE),	  E(ENOPROTOOPT),
	E(EPROTONOSUPPORT), E(EOPNOTSUPP),   E(ENOTSUP),	 E(EAFNOSUPPORT), E(EADDRINUSE),
	E(EADDRNOTAVAIL),   E(ENETDOWN),     E(ENETUNREACH),	 E(ECONNABORTED), E(ECONNRESET),
	E(ENOBUFS),	    E(EISCONN),	     E(ENOTCONN),	 E(ETIMEDOUT),	  E(ECONNREFUSED),
	E(EHOSTUNREACH),    E(EALREADY),     E(EINPROGRESS),	 E(ESTALE),	  E(EDQUOT),
	E(ECANCELED),	    E(EOWNERDEAD),   E(ENOTRECOVERABLE), E(ENOKEY),	  E(EKEYEXPIRED),
	E(EKEYREVOKED),	    E(EKEYREJECTED), E(ENOMEDIUM),	 E(EMEDIUMTYPE),  E(EHWPOISON),
	E(ERESTARTSYS),
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
