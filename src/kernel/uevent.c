/* SPDX-License-Identifier: MIT */
/*
 * uevent.c - building and sending kernel uevents (lib/kobject_uevent.c in
 * spirit): the environment, the emitter with the machine's SEQNUM, the
 * `uevent` file's read and its synthetic-event write (docs/uevents.md).
 *
 * DESIGN
 * kobject_uevent_env() builds the whole event first, without any lock
 * (the object's keys callback may take the object's own locks), then takes
 * uevent_sock_mutex, draws the next SEQNUM and hands the event to the tap
 * and the sink. The mutex is a leaf: nothing the sinks do takes a lock of
 * the modelled kernel. A sink that fails loses the event (counted and
 * logged once per failure), as a full socket buffer loses one in Linux.
 */
#include "kernel/uevent.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/klog.h"

#define UUID_LEN 36

static const char *const action_names[KOBJ_NR_ACTIONS] = {
	[KOBJ_ADD] = "add",   [KOBJ_REMOVE] = "remove", [KOBJ_CHANGE] = "change",
	[KOBJ_MOVE] = "move", [KOBJ_ONLINE] = "online", [KOBJ_OFFLINE] = "offline",
	[KOBJ_BIND] = "bind", [KOBJ_UNBIND] = "unbind",
};

const char *kobject_action_name(enum kobject_action a)
{
	return (unsigned)a < KOBJ_NR_ACTIONS ? action_names[a] : "?";
}

int add_uevent_var(struct kobj_uevent_env *env, const char *fmt, ...)
{
	va_list ap;
	int room = UEVENT_BUFFER_SIZE - env->buflen, n;

	if (env->envp_idx >= UEVENT_NUM_ENVP)
		return -ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(env->buf + env->buflen, (size_t)room, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= room) {
		env->buf[env->buflen] = '\0';
		return -ENOMEM;
	}
	env->envp[env->envp_idx++] = env->buf + env->buflen;
	env->buflen += n + 1;
	return 0;
}

const char *uevent_env_get(const struct kobj_uevent_env *env, const char *key)
{
	size_t len = strlen(key);

	for (int i = 0; i < env->envp_idx; i++)
		if (!strncmp(env->envp[i], key, len) && env->envp[i][len] == '=')
			return env->envp[i] + len + 1;
	return NULL;
}

/* Drops KEY from env (the kernel's zap_modalias_env); the text stays in buf. */
static void env_del(struct kobj_uevent_env *env, const char *key)
{
	size_t len = strlen(key);
	int j = 0;

	for (int i = 0; i < env->envp_idx; i++)
		if (strncmp(env->envp[i], key, len) || env->envp[i][len] != '=')
			env->envp[j++] = env->envp[i];
	env->envp_idx = j;
}

void kobj_init(struct kobj *k, struct uevents *uev, const char *subsystem,
	       int (*uevent)(const struct kobj *k, struct kobj_uevent_env *env), const char *fmt,
	       ...)
{
	va_list ap;

	k->uev = uev;
	k->subsystem = subsystem;
	k->uevent = uevent;
	va_start(ap, fmt);
	vsnprintf(k->path, sizeof(k->path), fmt, ap);
	va_end(ap);
}

void uevents_init(struct uevents *u, struct ld_ctx *ld, struct klog *log)
	GUARD_EXEMPT("the emitter is not yet published")
{
	memset(u, 0, sizeof(*u));
	kmutex_init(&u->sock_mutex, ld, "uevent_sock_mutex");
	atomic_init(&u->active, false);
	atomic_init(&u->lost, 0);
	u->log = log;
}

void uevents_destroy(struct uevents *u)
{
	kmutex_destroy(&u->sock_mutex);
}

static void set_active(struct uevents *u) REQUIRES(u->sock_mutex)
{
	atomic_store(&u->active, u->sink.send != NULL || u->tap.send != NULL);
}

void uevents_set_sink(struct uevents *u, const struct uevent_sink *sink)
{
	kmutex_lock(&u->sock_mutex);
	u->sink = sink ? *sink : (struct uevent_sink){ 0 };
	set_active(u);
	kmutex_unlock(&u->sock_mutex);
}

void uevents_set_tap(struct uevents *u, const struct uevent_sink *tap)
{
	kmutex_lock(&u->sock_mutex);
	u->tap = tap ? *tap : (struct uevent_sink){ 0 };
	set_active(u);
	kmutex_unlock(&u->sock_mutex);
}

/* Takes the next SEQNUM and gives the event to the tap and the sink. */
static void send_event(struct uevents *u, enum kobject_action action, const struct kobj *k,
		       const struct kobj_uevent_env *env)
{
	struct uevent_msg m = { action, k->path, env, 0 };
	int rc = 0;

	kmutex_lock(&u->sock_mutex);
	m.seqnum = ++u->seqnum;
	if (u->tap.send)
		u->tap.send(u->tap.arg, &m);
	if (u->sink.send)
		rc = u->sink.send(u->sink.arg, &m);
	kmutex_unlock(&u->sock_mutex);
	if (rc) {
		atomic_fetch_add(&u->lost, 1);
		if (u->log)
			klog_printf(u->log, "uevent: %s %s: not sent (%s)", action_names[action],
				    k->path, strerror(-rc));
	}
}

int kobject_uevent_env(const struct kobj *k, enum kobject_action action,
		       const char *const envp_ext[])
{
	struct uevents *u = k->uev;
	struct kobj_uevent_env *env;
	int rc;

	if (!u || !k->subsystem || !atomic_load(&u->active))
		return 0;
	env = calloc(1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	rc = add_uevent_var(env, "ACTION=%s", action_names[action]);
	rc = rc ?: add_uevent_var(env, "DEVPATH=%s", k->path);
	rc = rc ?: add_uevent_var(env, "SUBSYSTEM=%s", k->subsystem);
	for (int i = 0; !rc && envp_ext && envp_ext[i]; i++)
		rc = add_uevent_var(env, "%s", envp_ext[i]);
	if (!rc && k->uevent)
		rc = k->uevent(k, env);
	if (!rc && action == KOBJ_UNBIND)
		env_del(env, "MODALIAS");
	if (rc) {
		if (u->log)
			klog_printf(
				u->log, "uevent: %s %s: environment exceeds %d keys or %d bytes",
				action_names[action], k->path, UEVENT_NUM_ENVP, UEVENT_BUFFER_SIZE);
	} else {
		send_event(u, action, k, env);
	}
	free(env);
	return rc;
}

int kobject_uevent(const struct kobj *k, enum kobject_action action)
{
	return kobject_uevent_env(k, action, NULL);
}

int kobject_uevent_key(const struct kobj *k, enum kobject_action action, const char *fmt, ...)
{
	const char *envp[2] = { NULL, NULL };
	char *key = NULL;
	va_list ap;
	int rc;

	if (!k->uev || !atomic_load(&k->uev->active))
		return 0;
	va_start(ap, fmt);
	rc = vasprintf(&key, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	envp[0] = key;
	rc = kobject_uevent_env(k, action, envp);
	free(key);
	return rc;
}

ssize_t kobj_uevent_show(const struct kobj *k, char *buf, size_t size)
{
	struct kobj_uevent_env *env;
	size_t n = 0;

	if (!k->uevent)
		return 0;
	env = calloc(1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	if (!k->uevent(k, env)) /* the kernel shows nothing if the keys do not fit */
		for (int i = 0; i < env->envp_idx && n < size; i++)
			n += (size_t)snprintf(buf + n, size - n, "%s\n", env->envp[i]);
	free(env);
	return n < size ? (ssize_t)n : (ssize_t)size;
}

/* --- synthetic events ------------------------------------------------------ */

/* A canonical 8-4-4-4-12 hex UUID in the first 36 bytes of s (either case). */
static bool uuid_at(const char *s, size_t len)
{
	if (len < UUID_LEN)
		return false;
	for (int i = 0; i < UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Length of the alphanumeric word at s[0..len) up to stop (or the end); 0 if none or bad. */
static size_t word_len(const char *s, size_t len, char stop)
{
	size_t i = 0;

	while (i < len && s[i] != stop) {
		if (!isalnum((unsigned char)s[i]))
			return 0;
		i++;
	}
	return i;
}

/*
 * "UUID[ KEY=VALUE]..." (the text after the action and its blank) into
 * SYNTH_UUID and SYNTH_ARG_KEY keys: 0 or -EINVAL.
 */
static int synth_args(const char *s, size_t len, struct kobj_uevent_env *env)
{
	size_t i;

	if (!uuid_at(s, len) || add_uevent_var(env, "SYNTH_UUID=%.*s", UUID_LEN, s))
		return -EINVAL;
	for (i = UUID_LEN; i < len;) {
		size_t klen, vlen;

		if (s[i] != ' ' || i + 1 >= len)
			return -EINVAL;
		i++;
		klen = word_len(s + i, len - i, '=');
		if (!klen || i + klen >= len || s[i + klen] != '=' || i + klen + 1 >= len)
			return -EINVAL;
		vlen = word_len(s + i + klen + 1, len - i - klen - 1, ' ');
		if (!vlen || add_uevent_var(env, "SYNTH_ARG_%.*s=%.*s", (int)klen, s + i, (int)vlen,
					    s + i + klen + 1))
			return -EINVAL;
		i += klen + 1 + vlen;
	}
	return 0;
}

/* The action word of buf[0..len): its index, or -1. *rest: after the blank (or NULL). */
static int synth_action(const char *buf, size_t len, const char **rest)
{
	const char *sp = memchr(buf, ' ', len);
	size_t wlen = sp ? (size_t)(sp - buf) : len;

	*rest = sp ? sp + 1 : NULL;
	for (int a = 0; a < KOBJ_NR_ACTIONS; a++)
		if (strlen(action_names[a]) == wlen && !memcmp(action_names[a], buf, wlen))
			return a;
	return -1;
}

ssize_t kobj_synth_uevent(const struct kobj *k, const char *buf, size_t count)
{
	struct uevents *u = k->uev;
	static const char *const no_uuid[] = { "SYNTH_UUID=0", NULL };
	struct kobj_uevent_env *args;
	const char *rest, *why = NULL;
	size_t len = count;
	int action, rc;

	if (len && (buf[len - 1] == '\n' || buf[len - 1] == '\0'))
		len--;
	action = len ? synth_action(buf, len, &rest) : -1;
	if (action < 0) {
		why = "unknown uevent action string";
		rc = -EINVAL;
	} else if (!rest) {
		rc = kobject_uevent_env(k, action, no_uuid);
	} else if (!(args = calloc(1, sizeof(*args)))) {
		rc = -ENOMEM;
	} else {
		rc = synth_args(rest, len - (size_t)(rest - buf), args);
		if (rc) {
			why = "incorrect uevent action arguments";
		} else {
			/* a full list leaves no room for its terminator: too many keys anyway */
			if (args->envp_idx < UEVENT_NUM_ENVP) {
				args->envp[args->envp_idx] = NULL;
				rc = kobject_uevent_env(k, action, (const char *const *)args->envp);
			} else {
				rc = -ENOMEM;
			}
		}
		free(args);
	}
	if (rc && u && u->log)
		klog_printf(u->log, "synth uevent: %s: %s", k->path, why ? why : "uevent failed");
	return rc ? rc : (ssize_t)count;
}

size_t uevent_msg_format(const struct uevent_msg *m, bool seqnum, char *out, size_t size)
{
	size_t n = 0;
	char num[40];

#define PUT(s, l)                                  \
	do {                                       \
		size_t l__ = (l);                  \
		if (n + l__ <= size)               \
			memcpy(out + n, (s), l__); \
		n += l__;                          \
	} while (0)
	PUT(action_names[m->action], strlen(action_names[m->action]));
	PUT("@", 1);
	PUT(m->devpath, strlen(m->devpath) + 1);
	for (int i = 0; i < m->env->envp_idx; i++)
		PUT(m->env->envp[i], strlen(m->env->envp[i]) + 1);
	if (seqnum) {
		int l = snprintf(num, sizeof(num), "SEQNUM=%llu", m->seqnum);

		PUT(num, (size_t)l + 1);
	}
#undef PUT
	return n;
}
