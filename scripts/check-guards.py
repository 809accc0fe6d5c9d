#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""check-guards.py - check every access to a guarded struct field.

A field says its guard with the macros of src/lockdep/tsa.h, which on clang
become `annotate` attributes (gcc sees nothing; clang's own -Wthread-safety
does not look at them):

  GUARDED_BY(L)            every read and write needs L
  PT_GUARDED_BY(L)         reads/writes through the pointer (*p->f, p->f[i],
                           p->f->x, passing p->f to a function) need L; copying
                           the pointer itself is free
  WRITES_GUARDED_BY(L)     writes need L as well (reads do not)
  GUARDED_BY_ANY(L1, L2..) reads need one of them, writes need all of them

L names a lock member: `name` (a member of the field's struct, or of the
struct around an anonymous inner struct), `ptr->name` / `a.b.name` (reached
from a member of the field's struct through pointers and members), or
`tag.name` (member `name` of `struct tag`). A guard that does not resolve is
an error (exit 2). Locks are identified by their member declaration, so
`lock` of struct kvm and `lock` of struct ap_hw are different locks.

For every function body in the given files (default: src/**/*.c, plus the
inline functions of the project headers they include) the checker walks the
body in source order with a must-hold lock set and reports each access to a
guarded field where the lock is not held. A lock is held after
  - a call to a function whose declaration says ACQUIRE / ACQUIRE_SHARED /
    TRY_ACQUIRE / TRY_ACQUIRE_SHARED (kmutex_lock_at, down_write_at,
    kmutex_trylock_at, get_update_locks_for_mdev, ...), read from the source
    tokens after the declaration's name (libclang does not expose the
    arguments of thread-safety attributes); a capability that is a bare
    parameter (`ACQUIRE(m)`) is taken from the call's argument expression;
  - a call to a function whose declaration says ASSERT_CAPABILITY /
    ASSERT_SHARED_CAPABILITY (lockdep_assert_held -> ld_assert_held_*_at,
    its _Generic resolved by the argument's type);
  - a call through a function-pointer member annotated HOOK_ACQUIRES(...);
  - pthread_mutex_lock / trylock, pthread_rwlock_{rd,wr}lock (built in);
and at entry for every lock that the function (any declaration of it in the
translation unit) says REQUIRES / REQUIRES_SHARED / ASSERT_CAPABILITY /
CALLER_HOLDS / RELEASE of. RELEASE* declarations, HOOK_RELEASES members and pthread
unlocks drop it. Writes need the lock held exclusively; a shared hold only
covers reads. CALLER_HOLDS(L) (for locks clang's analysis cannot name, such
as pthread mutexes) is also checked at every direct call: the caller must
hold L (clang already does this for REQUIRES).

The walk is structured: both arms of an if are merged (a lock counts as held
after the if only if held at the end of every arm that falls through);
return/break/continue/goto end a path; a label merges the states of the
earlier gotos to it; switch cases start from the state at the switch; a
loop body is walked once. A trylock counts as acquired wherever it is
called (`if (!trylock) return` is the idiom).

Accesses: a MEMBER_REF_EXPR of a guarded field. It is a write when it is
the target of an assignment or ++/--, the object of a further `.` member
access or array subscript that is written, or when its address (or the
array it names) is passed to a non-const pointer parameter or stored in a
non-const pointer; otherwise a read. Accesses inside sizeof/alignof, to
_Atomic fields and as the direct operand of __atomic_* / __c11_atomic_*
builtins need no lock.

Exempt functions carry GUARD_EXEMPT("reason") (init/teardown of an object
nobody else can see); they are skipped and listed with -v.

Approximations and blind spots:
  - instances are not tracked: holding any kvm's `lock` covers an access
    to any kvm's apcb, holding mdevs_lock of one matrix_dev covers all
    (false negatives);
  - intraprocedural: a helper called with a lock held must say so
    (REQUIRES / CALLER_HOLDS / lockdep_assert_held), else its accesses are
    reported (false positives; --callers shows the locks held at each
    direct call site to tell the two cases apart);
  - a lock reached through a local pointer variable (`struct kmutex *l =
    &x->lock; kmutex_lock(l);`) cannot be resolved to a member; it is
    matched by the variable's name only (usually no match: false positive);
  - a capability in an attribute that does not resolve (a global, an
    expression the token reader does not understand) is matched by its
    last member name against the guard's member name; attributes written
    before the function's name are not read;
  - function pointers are opaque unless their member is annotated with
    HOOK_ACQUIRES / HOOK_RELEASES; callbacks documented to run with a lock
    held need REQUIRES on the callback function itself;
  - conditional lock effects of a callee (get_update_locks_for_mdev takes
    kvm->lock only if the mdev has a guest) are not modelled, which is why
    the annotations leave kvm->lock out of the mdev guards;
  - a loop body is walked once; backward gotos are ignored; lock effects
    of calls inside conditions (&&, ||, ?:) are taken in source order;
  - accesses not spelled as `x.f`/`x->f` are not seen: whole-struct copies
    and memset of the containing struct, designated initialisers, offsetof
    arithmetic, accesses through a pointer stored earlier (the address is
    checked where it is taken, not where it is used);
  - "write" vs "read" of an address passed to a function trusts the
    parameter's constness; variadic arguments count as reads.

Usage: scripts/check-guards.py [-p BUILDDIR | --no-compdb] [-j N] [-v]
                               [--accesses] [--callers] [FILE.c ...]
Uses BUILDDIR/compile_commands.json (default build-guards/ if present) for
the flags of the files it lists, -Isrc -D_GNU_SOURCE -std=gnu11 otherwise.
Needs libclang 19's Python bindings (apt-get install python3-clang-19
libclang-19-dev); $LIBCLANG or --libclang name another libclang.so.
Exit status: 0 clean, 1 violations, 2 errors (parse errors, bad guards).
"""

import argparse
import ctypes
import glob
import json
import os
import shlex
import subprocess
import sys
import time

try:
    import clang.cindex as ci
except ImportError:  # a python3 outside Debian's (pyenv, venv)
    for _d in ('/usr/lib/python3/dist-packages',):
        if os.path.isdir(os.path.join(_d, 'clang')):
            sys.path.append(_d)
    import clang.cindex as ci

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
K = ci.CursorKind
T = ci.TypeKind

LIBCLANG_CANDIDATES = [
    '/usr/lib/x86_64-linux-gnu/libclang-19.so.1',
    '/usr/lib/llvm-19/lib/libclang-19.so.1',
    '/usr/lib/aarch64-linux-gnu/libclang-19.so.1',
]

# Thread-safety macro / attribute names -> effect kind.
TSA_EFFECTS = {
    'REQUIRES': 'req', 'requires_capability': 'req',
    'REQUIRES_SHARED': 'req_s', 'requires_shared_capability': 'req_s',
    'ASSERT_CAPABILITY': 'assert', 'assert_capability': 'assert',
    'ASSERT_SHARED_CAPABILITY': 'assert_s', 'assert_shared_capability': 'assert_s',
    'ACQUIRE': 'acq', 'acquire_capability': 'acq',
    'ACQUIRE_SHARED': 'acq_s', 'acquire_shared_capability': 'acq_s',
    'TRY_ACQUIRE': 'try', 'try_acquire_capability': 'try',
    'TRY_ACQUIRE_SHARED': 'try_s', 'try_acquire_shared_capability': 'try_s',
    'CALLER_HOLDS': 'hold',  # checker-only REQUIRES (locks clang cannot name)
    'RELEASE': 'rel', 'release_capability': 'rel',
    'RELEASE_SHARED': 'rel_s', 'release_shared_capability': 'rel_s',
    'RELEASE_GENERIC': 'rel', 'release_generic_capability': 'rel',
}
# Built-in lock functions (no thread-safety attributes in glibc).
BUILTIN_EFFECTS = {
    'pthread_mutex_lock': [('acq', 0)],
    'pthread_mutex_trylock': [('acq', 0)],
    'pthread_mutex_timedlock': [('acq', 0)],
    'pthread_mutex_unlock': [('rel', 0)],
    'pthread_rwlock_rdlock': [('acq_s', 0)],
    'pthread_rwlock_tryrdlock': [('acq_s', 0)],
    'pthread_rwlock_wrlock': [('acq', 0)],
    'pthread_rwlock_trywrlock': [('acq', 0)],
    'pthread_rwlock_unlock': [('rel', 0)],
}
ATOMIC_PREFIXES = ('__atomic_', '__c11_atomic_', '__sync_')
ASSIGN_OPS = {'=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|='}
# CXUnaryOperatorKind
UO_POSTINC, UO_POSTDEC, UO_PREINC, UO_PREDEC, UO_ADDROF, UO_DEREF = 1, 2, 3, 4, 5, 6
TRANSPARENT = (K.UNEXPOSED_EXPR, K.PAREN_EXPR, K.CSTYLE_CAST_EXPR)


def load_libclang(path=None):
    if ci.Config.loaded:
        return
    cands = [path] if path else []
    cands += [os.environ.get('LIBCLANG')] if os.environ.get('LIBCLANG') else []
    cands += LIBCLANG_CANDIDATES
    for c in cands:
        if c and os.path.exists(c):
            ci.Config.set_library_file(c)
            break
    lib = ci.conf.lib
    fn = lib.clang_getCursorUnaryOperatorKind
    fn.argtypes = [ci.Cursor]
    fn.restype = ctypes.c_int


def unary_kind(c):
    return ci.conf.lib.clang_getCursorUnaryOperatorKind(c)


# --------------------------------------------------------------------------
# small helpers

def strip(c):
    """Strip implicit casts, parentheses and explicit casts."""
    while c is not None and c.kind in TRANSPARENT:
        kids = [k for k in c.get_children() if k.kind.is_expression()]
        if not kids:
            return c
        c = kids[-1]
    return c


def children(c):
    return list(c.get_children())


def fname(loc):
    f = loc.file
    return os.path.realpath(f.name) if f else None


def rel(path):
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + '/') else path


def is_project(path, builddirs):
    if not path or not path.startswith(ROOT + '/'):
        return False
    return not any(path.startswith(b + '/') for b in builddirs)


def record_display(rec):
    """`kvm`, `kvm.crypto` for the unnamed struct behind member crypto."""
    name = rec.spelling
    if name and '(' not in name and not rec.is_anonymous():
        return name
    par = rec.semantic_parent
    if par is not None and par.kind in (K.STRUCT_DECL, K.UNION_DECL):
        for f in par.get_children():
            if f.kind == K.FIELD_DECL and f.type.get_canonical().get_declaration() == rec:
                return record_display(par) + '.' + f.spelling
        return record_display(par)
    return '?'


def field_display(f):
    par = f.semantic_parent
    if par is not None and par.kind in (K.STRUCT_DECL, K.UNION_DECL):
        return record_display(par) + '.' + f.spelling
    return f.spelling


def find_member(rec_type, name):
    """The FIELD_DECL `name` of a record type (looking into anonymous members)."""
    t = rec_type.get_canonical()
    if t.kind != T.RECORD:
        return None
    decl = t.get_declaration()
    for f in decl.get_children():
        if f.kind != K.FIELD_DECL:
            continue
        if f.spelling == name:
            return f
        if f.is_anonymous() or not f.spelling:
            sub = find_member(f.type, name)
            if sub is not None:
                return sub
    return None


def pointee_record(t):
    t = t.get_canonical()
    while t.kind in (T.POINTER, T.CONSTANTARRAY, T.INCOMPLETEARRAY):
        t = t.get_pointee() if t.kind == T.POINTER else t.element_type
        t = t.get_canonical()
    return t


def is_atomic(t):
    t = t.get_canonical()
    return t.kind == T.ATOMIC if hasattr(T, 'ATOMIC') else '_Atomic' in t.spelling


class Lock:
    """A lock identity: the USR of its declaration (a member or a global), or
    a bare name when it could not be resolved (matched by name then)."""
    __slots__ = ('key', 'name', 'disp')

    def __init__(self, key, name, disp):
        self.key, self.name, self.disp = key, name, disp

    def matches(self, other):
        if self.key and other.key:
            return self.key == other.key
        return self.name == other.name


def lock_of_decl(d):
    if d.kind == K.FIELD_DECL:
        return Lock(d.get_usr(), d.spelling, field_display(d))
    return Lock(d.get_usr() or None, d.spelling, d.spelling)


def lock_of_expr(e):
    """The lock an argument expression (`&md->mdevs_lock`) names."""
    e = strip(e)
    while e is not None and e.kind == K.UNARY_OPERATOR and unary_kind(e) in (UO_ADDROF, UO_DEREF):
        kids = children(e)
        e = strip(kids[0]) if kids else None
    if e is None:
        return None
    if e.kind == K.MEMBER_REF_EXPR and e.referenced is not None:
        return lock_of_decl(e.referenced)
    if e.kind == K.DECL_REF_EXPR and e.referenced is not None:
        d = e.referenced
        if d.kind == K.VAR_DECL and d.semantic_parent is not None and \
                d.semantic_parent.kind == K.TRANSLATION_UNIT:
            return lock_of_decl(d)
        return Lock(None, d.spelling, d.spelling)  # a local pointer: name only
    return None


def split_args(tokens):
    """Split `( a , b->c )` token spellings into argument token lists."""
    args, cur, depth = [], [], 0
    for t in tokens:
        if t == '(':
            depth += 1
            if depth == 1:
                continue
        elif t == ')':
            depth -= 1
            if depth == 0:
                if cur:
                    args.append(cur)
                return args
        elif t == ',' and depth == 1:
            args.append(cur)
            cur = []
            continue
        cur.append(t)
    return args


def resolve_path(start_type, parts):
    """Walk member names from a struct type (pointers followed)."""
    t, f = start_type, None
    for p in parts:
        f = find_member(pointee_record(t), p)
        if f is None:
            return None
        t = f.type
    return f


def parse_cap_tokens(toks):
    """['&', 'md', '->', 'lock'] -> ['md', 'lock'], or None if not a path."""
    toks = [t for t in toks if t not in ('(', ')')]
    while toks and toks[0] in ('&', '*'):
        toks = toks[1:]
    parts, want_ident = [], True
    for t in toks:
        if want_ident:
            if not (t[0].isalpha() or t[0] == '_'):
                return None
            parts.append(t)
        elif t not in ('->', '.'):
            return None
        want_ident = not want_ident
    return parts if parts and not want_ident else None


# --------------------------------------------------------------------------
# per translation unit

class TUChecker:
    def __init__(self, tu, path, builddirs):
        self.tu = tu
        self.path = path
        self.builddirs = builddirs
        self.funcs = {}        # function USR -> [FUNCTION_DECL cursors]
        self.effects = {}      # function USR -> [(kind, spec)]
        self.records = {}      # struct tag -> STRUCT_DECL definition
        self.fields = []       # every FIELD_DECL of the project's structs
        self.guards = {}       # field USR -> guard info dict
        self.errors = []
        self.accesses = {}     # (file, line, col, field, mode) -> 1
        self.violations = {}   # key -> message
        self.exempt = {}       # (file, line, func) -> reason
        self.analyzed = set()
        self.hook_cache = {}
        self.want_calls = False
        self.calls = []        # (callee usr, name, file, line, caller, held) with --callers
        self.violating = {}    # usr -> name of functions with violations

    # ---- indexing ----
    def index(self):
        for c in self.tu.cursor.get_children():
            f = fname(c.location)
            if not is_project(f, self.builddirs):
                if c.kind == K.FUNCTION_DECL and c.spelling in BUILTIN_EFFECTS:
                    self.funcs.setdefault(c.get_usr(), []).append(c)
                continue
            if c.kind == K.FUNCTION_DECL:
                self.funcs.setdefault(c.get_usr(), []).append(c)
            elif c.kind in (K.STRUCT_DECL, K.UNION_DECL, K.TYPEDEF_DECL, K.VAR_DECL):
                self.index_records(c)
        # guards may name a struct defined further down: fields after records
        for f in self.fields:
            self.index_field(f)

    def index_records(self, c):
        if c.kind in (K.STRUCT_DECL, K.UNION_DECL):
            if c.is_definition():
                if c.spelling and '(' not in c.spelling:
                    self.records.setdefault(c.spelling, c)
                for f in c.get_children():
                    if f.kind == K.FIELD_DECL:
                        self.fields.append(f)
                    if f.kind in (K.STRUCT_DECL, K.UNION_DECL):
                        self.index_records(f)
        else:
            for k in c.get_children():
                if k.kind in (K.STRUCT_DECL, K.UNION_DECL):
                    self.index_records(k)

    def index_field(self, f):
        usr = f.get_usr()
        if usr in self.guards:
            return
        anns = [a.spelling for a in f.get_children() if a.kind == K.ANNOTATE_ATTR]
        info = {'all': [], 'writes': [], 'any': [], 'pt': [], 'disp': field_display(f),
                'atomic': is_atomic(f.type), 'file': fname(f.location), 'line': f.location.line}
        found = False
        for a in anns:
            kind, _, spec = a.partition(':')
            if kind not in ('guarded_by', 'pt_guarded_by', 'writes_guarded_by',
                            'guarded_by_any'):
                continue
            found = True
            names = [s.strip() for s in spec.split(',')] if kind == 'guarded_by_any' else [spec.strip()]
            locks = []
            for n in names:
                lk = self.resolve_guard(f, n)
                if lk is None:
                    self.errors.append('%s:%d: %s: cannot resolve guard "%s"' % (
                        rel(info['file']), info['line'], info['disp'], n))
                else:
                    locks.append(lk)
            if len(locks) != len(names):
                continue
            key = {'guarded_by': 'all', 'pt_guarded_by': 'pt', 'writes_guarded_by': 'writes',
                   'guarded_by_any': 'any'}[kind]
            if key == 'any':
                info['any'].append(locks)
            else:
                info[key].extend(locks)
        if found:
            self.guards[usr] = info

    def resolve_guard(self, f, spec):
        toks = spec.replace('->', ' -> ').replace('.', ' . ').split()
        if toks and toks[0] == 'struct':
            toks = toks[1:]
        parts = parse_cap_tokens(toks)
        if not parts:
            return None
        # a member of this struct or of an enclosing one (anonymous inner structs)
        rec = f.semantic_parent
        while rec is not None and rec.kind in (K.STRUCT_DECL, K.UNION_DECL):
            m = resolve_path(rec.type, parts)
            if m is not None:
                return lock_of_decl(m)
            rec = rec.semantic_parent
        # tag.member
        if len(parts) >= 2 and parts[0] in self.records:
            m = resolve_path(self.records[parts[0]].type, parts[1:])
            if m is not None:
                return lock_of_decl(m)
        return None

    # ---- function effects ----
    def decl_tokens(self, d):
        """Source tokens from the function's name to its body (or the end of
        the declaration): the trailing attribute macros. The extent's start
        is not used: a return type spelled with a macro (`bool`) moves it
        into another file."""
        end = d.extent.end
        for k in d.get_children():
            if k.kind == K.COMPOUND_STMT:
                end = k.extent.start
                break
        rng = ci.SourceRange.from_locations(d.location, end)
        return [t.spelling for t in self.tu.get_tokens(extent=rng)]

    def decl_effects(self, d):
        """[(kind, lockspec)] read from one declaration's tokens; lockspec is
        ('param', index) or a Lock."""
        toks = self.decl_tokens(d)
        params = [p for p in d.get_children() if p.kind == K.PARM_DECL]
        out = []
        for i, t in enumerate(toks):
            kind = TSA_EFFECTS.get(t)
            if kind is None or i + 1 >= len(toks) or toks[i + 1] != '(':
                continue
            args = split_args(toks[i + 1:])
            if kind.startswith('try') and args:
                args = args[1:]  # the success value
            for a in args:
                spec = self.resolve_cap(a, params)
                if spec is not None:
                    out.append((kind, spec))
        return out

    def resolve_cap(self, toks, params):
        parts = parse_cap_tokens(toks)
        if not parts:
            return None
        pnames = [p.spelling for p in params]
        if parts[0] in pnames:
            if len(parts) == 1:
                return ('param', pnames.index(parts[0]))
            m = resolve_path(params[pnames.index(parts[0])].type, parts[1:])
            if m is not None:
                return lock_of_decl(m)
        elif len(parts) >= 2 and parts[0] in self.records:
            m = resolve_path(self.records[parts[0]].type, parts[1:])
            if m is not None:
                return lock_of_decl(m)
        elif len(parts) == 1:
            return Lock(None, parts[0], parts[0])
        return Lock(None, parts[-1], '.'.join(parts))

    def effects_of(self, usr):
        if usr not in self.effects:
            eff = []
            for d in self.funcs.get(usr, []):
                if d.spelling in BUILTIN_EFFECTS:
                    eff = [(k, ('param', i)) for k, i in BUILTIN_EFFECTS[d.spelling]]
                    break
                eff.extend(self.decl_effects(d))
            self.effects[usr] = eff
        return self.effects[usr]

    def hook_effects(self, field):
        usr = field.get_usr()
        if usr not in self.hook_cache:
            eff = []
            params = [p for p in field.get_children() if p.kind == K.PARM_DECL]
            for a in field.get_children():
                if a.kind != K.ANNOTATE_ATTR:
                    continue
                kind, _, spec = a.spelling.partition(':')
                k = {'hook_acquires': 'acq', 'hook_releases': 'rel'}.get(kind)
                if not k:
                    continue
                for s in spec.split(','):
                    toks = s.replace('->', ' -> ').replace('.', ' . ').split()
                    lk = self.resolve_cap(toks, params)
                    if lk is not None:
                        eff.append((k, lk))
            self.hook_cache[usr] = eff
        return self.hook_cache[usr]

    # ---- analysis ----
    def run(self):
        self.index()
        for usr, decls in self.funcs.items():
            for d in decls:
                if not d.is_definition():
                    continue
                f = fname(d.location)
                key = (f, d.location.line, d.spelling)
                if key in self.analyzed:
                    continue
                self.analyzed.add(key)
                body = [k for k in d.get_children() if k.kind == K.COMPOUND_STMT]
                if not body:
                    continue
                reason = None
                for dd in decls:
                    for a in dd.get_children():
                        if a.kind == K.ANNOTATE_ATTR and a.spelling.startswith('guard_exempt:'):
                            reason = a.spelling.partition(':')[2]
                if reason is not None:
                    self.exempt[(rel(f), d.location.line, d.spelling)] = reason
                    continue
                FuncWalk(self, d, decls).walk(body[0])


class FuncWalk:
    def __init__(self, tc, d, decls):
        self.tc = tc
        self.fn = d
        self.labels = {}
        self.loops = []   # [(breaks, continues or None)]
        self.switches = []
        state = {}
        for dd in decls:
            for kind, spec in tc.decl_effects(dd):
                # REQUIRES, and RELEASE: a function that releases L holds it at entry
                if kind in ('req', 'req_s', 'assert', 'assert_s', 'hold', 'rel', 'rel_s') and \
                        isinstance(spec, Lock):
                    self.add(state, spec, kind.endswith('_s'))
        self.entry = state

    def walk(self, body):
        self.stmt(body, dict(self.entry))

    # state: {key: [Lock, excl, shared]}
    @staticmethod
    def add(st, lk, shared):
        k = lk.key or ('name:' + lk.name)
        e = st.setdefault(k, [lk, 0, 0])
        e[2 if shared else 1] += 1

    @staticmethod
    def drop(st, lk):
        for k, e in st.items():
            if e[0].matches(lk) and (e[1] or e[2]):
                if e[1]:
                    e[1] -= 1
                else:
                    e[2] -= 1
                return

    @staticmethod
    def copy(st):
        return None if st is None else {k: list(v) for k, v in st.items()}

    @staticmethod
    def merge(*sts):
        live = [s for s in sts if s is not None]
        if not live:
            return None
        out = {k: list(v) for k, v in live[0].items()}
        for s in live[1:]:
            for k in list(out):
                if k in s:
                    out[k][1] = min(out[k][1], s[k][1])
                    out[k][2] = min(out[k][2], s[k][2])
                else:
                    del out[k]
        return out

    @staticmethod
    def held_names(st):
        return sorted('%s%s' % (e[0].disp, '' if e[1] else '(shared)')
                      for e in st.values() if e[1] or e[2])

    @staticmethod
    def held(st, lk):
        """0 not held, 1 shared, 2 exclusive."""
        best = 0
        for e in st.values():
            if e[0].matches(lk):
                if e[1]:
                    return 2
                if e[2]:
                    best = 1
        return best

    # ---- statements ----
    def stmt(self, c, st):
        k = c.kind
        if k == K.COMPOUND_STMT:
            for s in c.get_children():
                st = self.stmt(s, st)
            return st
        if k in (K.LABEL_STMT,):
            st = self.merge(st, *self.labels.pop(c.spelling, []))
            kids = children(c)
            return self.stmt(kids[0], st) if kids else st
        if k in (K.CASE_STMT, K.DEFAULT_STMT):
            if self.switches:
                sw = self.switches[-1]
                st = self.merge(st, self.copy(sw['entry']))
                if k == K.DEFAULT_STMT:
                    sw['default'] = True
            kids = children(c)
            if k == K.CASE_STMT:
                for v in kids[:-1]:
                    self.expr(v, st)
            return self.stmt(kids[-1], st) if kids else st
        if st is None:
            # unreachable until a label: still look for labels inside
            for s in c.get_children():
                if s.kind in (K.LABEL_STMT, K.CASE_STMT, K.DEFAULT_STMT, K.COMPOUND_STMT):
                    self.stmt(s, None)
            return None
        if k == K.IF_STMT:
            kids = children(c)
            st = self.expr(kids[0], st)
            t = self.stmt(kids[1], self.copy(st))
            e = self.stmt(kids[2], self.copy(st)) if len(kids) > 2 else st
            return self.merge(t, e)
        if k == K.WHILE_STMT:
            kids = children(c)
            st = self.expr(kids[0], st)
            self.loops.append(([], []))
            b = self.stmt(kids[1], self.copy(st))
            br, co = self.loops.pop()
            return self.merge(st, b, *br, *co)
        if k == K.DO_STMT:
            kids = children(c)
            self.loops.append(([], []))
            b = self.stmt(kids[0], self.copy(st))
            br, co = self.loops.pop()
            b = self.merge(b, *co)
            if b is not None:
                b = self.expr(kids[1], b)
            return self.merge(b, *br)
        if k == K.FOR_STMT:
            kids = children(c)
            for h in kids[:-1]:
                if h.kind == K.DECL_STMT:
                    st = self.stmt(h, st)
                else:
                    st = self.expr(h, st)
            self.loops.append(([], []))
            b = self.stmt(kids[-1], self.copy(st))
            br, co = self.loops.pop()
            return self.merge(st, b, *br, *co)
        if k == K.SWITCH_STMT:
            kids = children(c)
            st = self.expr(kids[0], st)
            sw = {'entry': self.copy(st), 'default': False}
            self.switches.append(sw)
            self.loops.append(([], None))
            b = self.stmt(kids[-1], None)
            br, _ = self.loops.pop()
            self.switches.pop()
            return self.merge(b, *br, *([] if sw['default'] else [sw['entry']]))
        if k == K.BREAK_STMT:
            if self.loops:
                self.loops[-1][0].append(self.copy(st))
            return None
        if k == K.CONTINUE_STMT:
            for br, co in reversed(self.loops):
                if co is not None:
                    co.append(self.copy(st))
                    break
            return None
        if k == K.RETURN_STMT:
            for e in c.get_children():
                self.expr(e, st)
            return None
        if k == K.GOTO_STMT:
            kids = children(c)
            if kids and kids[0].kind == K.LABEL_REF:
                self.labels.setdefault(kids[0].spelling, []).append(self.copy(st))
            return None
        if k == K.INDIRECT_GOTO_STMT:
            return None
        if k == K.DECL_STMT:
            for v in c.get_children():
                if v.kind == K.VAR_DECL:
                    for init in v.get_children():
                        if init.kind.is_expression():
                            st = self.expr(init, st, 'read', self.escape_mode(v.type, init))
            return st
        if k == K.NULL_STMT:
            return st
        if k.is_expression() or k == K.UNEXPOSED_STMT:
            return self.expr(c, st)
        if k.is_statement():
            for s in c.get_children():
                st = self.stmt(s, st) if s.kind.is_statement() else self.expr(s, st)
            return st
        return st

    def escape_mode(self, target_type, e):
        """`p = &x->f` / `p = x->arr`: the guarded storage escapes into p;
        a write if p points at non-const. None for other values."""
        e2 = strip(e)
        if e2 is None:
            return None
        if e2.kind == K.CONDITIONAL_OPERATOR:  # p = c ? &x->a : &x->b
            kids = children(e2)
            modes = [self.escape_mode(target_type, k) for k in kids[1:]]
            return 'write' if 'write' in modes else 'read' if 'read' in modes else None
        if (e2.kind == K.UNARY_OPERATOR and unary_kind(e2) == UO_ADDROF) or \
                self.is_array(e2.type):
            return 'write' if self.nonconst_ptr(target_type) else 'read'
        return None

    @staticmethod
    def is_array(t):
        return t.get_canonical().kind in (T.CONSTANTARRAY, T.INCOMPLETEARRAY,
                                          T.VARIABLEARRAY)

    @staticmethod
    def nonconst_ptr(t):
        t = t.get_canonical()
        if t.kind == T.POINTER:
            return not t.get_pointee().is_const_qualified()
        return False

    # ---- expressions ----
    def expr(self, c, st, mode='read', pmode=None):
        """Walk an expression; returns the state after it. mode: what happens
        to the value (read/write); pmode: what happens to what it points at
        (read/write, None if it is not dereferenced)."""
        if st is None:
            return None
        k = c.kind
        if k == K.COMPOUND_STMT:
            return self.stmt(c, st)
        if k == K.CXX_UNARY_EXPR:  # sizeof, alignof: unevaluated
            return st
        if k == K.MEMBER_REF_EXPR:
            return self.member(c, st, mode, pmode)
        if k == K.BINARY_OPERATOR or k == K.COMPOUND_ASSIGNMENT_OPERATOR:
            kids = children(c)
            if self.is_assign(c) and len(kids) == 2:
                st = self.expr(kids[1], st, 'read', self.escape_mode(kids[0].type, kids[1]))
                return self.expr(kids[0], st, 'write')
            for x in kids:
                st = self.expr(x, st)
            return st
        if k == K.UNARY_OPERATOR:
            kids = children(c)
            if not kids:
                return st
            uk = unary_kind(c)
            if uk in (UO_POSTINC, UO_POSTDEC, UO_PREINC, UO_PREDEC):
                return self.expr(kids[0], st, 'write')
            if uk == UO_ADDROF:
                return self.expr(kids[0], st, pmode or 'read', pmode)
            if uk == UO_DEREF:
                return self.expr(kids[0], st, 'read', mode)
            return self.expr(kids[0], st)
        if k == K.ARRAY_SUBSCRIPT_EXPR:
            kids = children(c)
            if len(kids) == 2:
                if self.is_array(c.type):  # a row of a 2-D array: decays
                    mode = pmode or 'read'
                st = self.expr(kids[1], st)
                return self.expr(kids[0], st, 'read', mode)
        if k == K.CALL_EXPR:
            return self.call(c, st)
        if k == K.CONDITIONAL_OPERATOR:  # the value is one of the two arms
            kids = children(c)
            if len(kids) == 3:
                st = self.expr(kids[0], st)
                return self.merge(self.expr(kids[1], self.copy(st), mode, pmode),
                                  self.expr(kids[2], self.copy(st), mode, pmode))
        if k in TRANSPARENT:
            first = self.first_token(c)
            if first and first.startswith(ATOMIC_PREFIXES):
                return self.atomic(c, st)
            for x in c.get_children():
                if x.kind.is_expression() or x.kind == K.COMPOUND_STMT:
                    st = self.expr(x, st, mode, pmode)
            return st
        for x in c.get_children():
            if x.kind.is_expression() or x.kind == K.COMPOUND_STMT:
                st = self.expr(x, st)
            elif x.kind.is_statement():
                st = self.stmt(x, st)
        return st

    @staticmethod
    def is_assign(c):
        try:
            return c.binary_operator.is_assignment
        except Exception:  # older bindings: the operator token
            toks = [t.spelling for t in c.get_tokens()]
            return any(t in ASSIGN_OPS for t in toks)

    def first_token(self, c):
        for t in c.get_tokens():
            return t.spelling
        return None

    def atomic(self, c, st):
        """__atomic_load_n(&x->f, ...): the access itself is atomic; only the
        base pointers are read."""
        for x in c.get_children():
            x2 = strip(x)
            if x2 is not None and x2.kind == K.UNARY_OPERATOR and unary_kind(x2) == UO_ADDROF:
                kids = children(x2)
                m = strip(kids[0]) if kids else None
                if m is not None and m.kind == K.MEMBER_REF_EXPR:
                    for b in m.get_children():
                        st = self.expr(b, st)
                    continue
            st = self.expr(x, st)
        return st

    def member(self, c, st, mode, pmode):
        f = c.referenced
        kids = [x for x in c.get_children() if x.kind.is_expression()]
        arrow = bool(kids) and kids[0].type.get_canonical().kind == T.POINTER
        eff = (pmode or 'read') if self.is_array(c.type) else mode
        if f is not None and f.kind == K.FIELD_DECL:
            self.check(c, f, st, eff, pmode)
        if kids:
            if arrow:
                st = self.expr(kids[0], st, 'read', eff)
            else:
                st = self.expr(kids[0], st, eff)
        return st

    def check(self, c, f, st, mode, pmode):
        info = self.tc.guards.get(f.get_usr())
        if info is None or info['atomic']:
            return
        loc = c.location
        file = fname(loc)
        if file is None:
            return
        if info['all'] or info['writes'] or info['any']:
            self.check_one(loc, rel(file), info, info['disp'], st, mode,
                           info['all'], info['writes'], info['any'])
        if info['pt'] and pmode is not None:
            self.check_one(loc, rel(file), info, '*' + info['disp'], st, pmode,
                           info['pt'], [], [])

    def check_one(self, loc, file, info, disp, st, mode, alls, writes, anys):
        key = (file, loc.line, loc.column, disp, mode)
        self.tc.accesses[key] = '%s:%d:%d: %s: %s %s [held: %s]' % (
            file, loc.line, loc.column, self.fn.spelling, mode + 's', disp,
            ', '.join(self.held_names(st)) or '-')
        missing, shared_only = [], False
        need = list(alls)
        if mode == 'write':
            need += writes
            for group in anys:
                need += group
        for lk in need:
            h = self.held(st, lk)
            if h == 0:
                missing.append(lk.disp)
            elif h == 1 and mode == 'write':
                missing.append(lk.disp)
                shared_only = True
        if mode != 'write':
            for group in anys:
                if not any(self.held(st, lk) for lk in group):
                    missing.append(' or '.join(lk.disp for lk in group))
        if missing:
            how = 'holding it only shared' if shared_only and len(missing) == 1 else \
                'without holding, requiring or asserting it'
            vkey = (file, loc.line, self.fn.spelling, disp, mode)
            self.tc.violations[vkey] = '%s:%d: %s: %s %s (guarded by %s) %s' % (
                file, loc.line, self.fn.spelling, mode + 's', disp, ' + '.join(missing), how)
            self.tc.violating[self.fn.get_usr()] = self.fn.spelling

    @staticmethod
    def generic_pick(sel, args):
        """_Generic((l), struct kmutex *: f, struct krwsem *: g)((l), ...):
        the association whose first parameter has the first argument's type."""
        if not args:
            return None
        want = args[0].type.get_canonical().spelling
        for x in sel.walk_preorder():
            if x.kind == K.DECL_REF_EXPR and x.referenced is not None and \
                    x.referenced.kind == K.FUNCTION_DECL:
                ps = [p for p in x.referenced.get_children() if p.kind == K.PARM_DECL]
                if ps and ps[0].type.get_canonical().spelling == want:
                    return x.referenced
        return None

    def call(self, c, st):
        kids = children(c)
        if not kids:
            return st
        callee = strip(kids[0])
        args = kids[1:]
        fdecl = c.referenced
        if (fdecl is None or fdecl.kind != K.FUNCTION_DECL) and callee is not None and \
                callee.kind == K.GENERIC_SELECTION_EXPR:
            fdecl = self.generic_pick(callee, args)
        if fdecl is not None and fdecl.kind == K.FUNCTION_DECL:
            if fdecl.spelling.startswith(ATOMIC_PREFIXES):
                return self.atomic(c, st)
        # callee expression (function pointers through members etc.)
        if callee is not None and callee.kind != K.DECL_REF_EXPR:
            st = self.expr(kids[0], st)
        ptypes = None
        if callee is not None:
            ft = callee.type.get_canonical()
            if ft.kind == T.POINTER:
                ft = ft.get_pointee().get_canonical()
            if ft.kind == T.FUNCTIONPROTO:
                ptypes = list(ft.argument_types())
        for i, a in enumerate(args):
            pt = ptypes[i] if ptypes is not None and i < len(ptypes) else None
            pmode = 'write' if pt is not None and self.nonconst_ptr(pt) else 'read'
            st = self.expr(a, st, 'read', pmode)
        if st is None:
            return None
        effects = []
        if fdecl is not None and fdecl.kind == K.FUNCTION_DECL:
            effects = self.tc.effects_of(fdecl.get_usr())
            if self.tc.want_calls:
                loc = c.location
                self.tc.calls.append((fdecl.get_usr(), fdecl.spelling, rel(fname(loc) or '?'),
                                      loc.line, self.fn.spelling, self.held_names(st)))
        elif callee is not None and callee.kind == K.MEMBER_REF_EXPR and callee.referenced is not None:
            effects = self.tc.hook_effects(callee.referenced)
        for kind, spec in effects:
            if isinstance(spec, tuple):
                i = spec[1]
                lk = lock_of_expr(args[i]) if i < len(args) else None
            else:
                lk = spec
            if lk is None:
                continue
            if kind == 'hold' and not self.held(st, lk):
                loc = c.location
                file = rel(fname(loc) or '?')
                key = (file, loc.line, self.fn.spelling, fdecl.spelling, 'call')
                self.tc.violations[key] = '%s:%d: %s: calls %s (caller holds %s) without ' \
                    'holding, requiring or asserting it' % (file, loc.line, self.fn.spelling,
                                                           fdecl.spelling, lk.disp)
                self.tc.violating[self.fn.get_usr()] = self.fn.spelling
            if kind in ('acq', 'try', 'assert'):
                self.add(st, lk, False)
            elif kind in ('acq_s', 'try_s', 'assert_s'):
                self.add(st, lk, True)
            elif kind in ('rel', 'rel_s'):
                self.drop(st, lk)
        return st


# --------------------------------------------------------------------------
# driver

def compile_args(path, db):
    ent = db.get(path)
    if ent is None:
        args = ['-I' + os.path.join(ROOT, 'src'), '-D_GNU_SOURCE', '-std=gnu11']
        if '/src/fuse/' in path:
            try:
                args += shlex.split(subprocess.run(['pkg-config', '--cflags', 'fuse3'],
                                                   capture_output=True, text=True).stdout)
            except OSError:
                pass
        return args
    cmd = shlex.split(ent['command']) if 'command' in ent else list(ent['arguments'])
    d = ent['directory']
    out, i = [], 1
    while i < len(cmd):
        a = cmd[i]
        if a in ('-I', '-D', '-U', '-isystem', '-include') and i + 1 < len(cmd):
            v = cmd[i + 1]
            if a in ('-I', '-isystem', '-include') and not os.path.isabs(v):
                v = os.path.normpath(os.path.join(d, v))
            out += [a, v]
            i += 2
            continue
        if a.startswith('-I') and len(a) > 2:
            v = a[2:]
            out.append('-I' + (v if os.path.isabs(v) else os.path.normpath(os.path.join(d, v))))
        elif a.startswith(('-D', '-U', '-std=')) or a == '-pthread':
            out.append(a)
        i += 1
    return out


def check_file(job):
    path, args, builddirs, libpath, want_calls = job
    args = list(args) + ['-UVAS_NO_GUARD_ANN']  # a build may drop the annotations
    load_libclang(libpath)
    idx = ci.Index.create()
    res = {'path': path, 'errors': [], 'guards': {}, 'accesses': [], 'violations': {},
           'exempt': {}}
    try:
        tu = idx.parse(path, args=args)
    except ci.TranslationUnitLoadError as e:
        res['errors'].append('%s: cannot parse: %s' % (rel(path), e))
        return res
    for d in tu.diagnostics:
        if d.severity >= ci.Diagnostic.Error:
            res['errors'].append('%s: %s' % (rel(path), d))
    tc = TUChecker(tu, path, builddirs)
    tc.want_calls = want_calls
    tc.run()
    res['calls'] = tc.calls
    res['violating'] = tc.violating
    res['errors'] += tc.errors
    res['guards'] = {u: (i['disp'], i['atomic']) for u, i in tc.guards.items()}
    res['accesses'] = tc.accesses
    res['violations'] = tc.violations
    res['exempt'] = tc.exempt
    return res


def main():
    ap = argparse.ArgumentParser(description='check accesses to guarded struct fields')
    ap.add_argument('files', nargs='*', help='C files (default: src/**/*.c)')
    ap.add_argument('-p', '--build-dir', default=None,
                    help='directory with compile_commands.json (default: build-guards if present)')
    ap.add_argument('--no-compdb', action='store_true',
                    help='ignore compile_commands.json: -Isrc -D_GNU_SOURCE -std=gnu11 for all')
    ap.add_argument('-j', '--jobs', type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument('-v', '--verbose', action='store_true', help='list exempt functions')
    ap.add_argument('--accesses', action='store_true',
                    help='list every checked access with the locks held there')
    ap.add_argument('--callers', action='store_true',
                    help='after the violations, list the direct call sites of each function '
                    'that has one, with the locks held there (to tell a missing REQUIRES '
                    'from a missing lock)')
    ap.add_argument('--libclang', default=None, help='path of libclang-19.so')
    opt = ap.parse_args()

    t0 = time.time()
    bdir = opt.build_dir
    if opt.no_compdb:
        bdir = None
    elif bdir is None and os.path.exists(os.path.join(ROOT, 'build-guards', 'compile_commands.json')):
        bdir = os.path.join(ROOT, 'build-guards')
    db = {}
    builddirs = [os.path.realpath(p) for p in glob.glob(os.path.join(ROOT, 'build*'))]
    if bdir:
        with open(os.path.join(bdir, 'compile_commands.json')) as fh:
            for ent in json.load(fh):
                p = os.path.realpath(os.path.join(ent['directory'], ent['file']))
                db[p] = ent
    files = opt.files or sorted(glob.glob(os.path.join(ROOT, 'src', '**', '*.c'), recursive=True))
    files = [os.path.realpath(f) for f in files]
    jobs = [(f, compile_args(f, db), builddirs, opt.libclang, opt.callers) for f in files]

    if opt.jobs > 1 and len(jobs) > 1:
        import multiprocessing
        with multiprocessing.Pool(opt.jobs) as pool:
            results = pool.map(check_file, jobs, chunksize=1)
    else:
        results = [check_file(j) for j in jobs]

    errors, guards, accesses, violations, exempt = [], {}, {}, {}, {}
    calls, violating = {}, {}
    for r in results:
        violating.update(r.get('violating', {}))
        for cl in r.get('calls', []):
            calls.setdefault(cl[0], {})[(cl[2], cl[3])] = cl
        errors += r['errors']
        guards.update(r['guards'])
        accesses.update(r['accesses'])
        violations.update(r['violations'])
        exempt.update(r['exempt'])
    for e in dict.fromkeys(errors):
        print('error: ' + e, file=sys.stderr)

    # a line that writes a field and reads it too (bm_and(&x->f, &x->f, ..)): one finding
    for k in [k for k in violations if k[4] == 'read']:
        if k[:4] + ('write',) in violations:
            del violations[k]

    def sort_key(k):
        return (k[0], k[1], k[2], k[3])
    if opt.accesses:
        for k in sorted(accesses, key=sort_key):
            print(accesses[k])
    for k in sorted(violations, key=sort_key):
        print(violations[k])
    if opt.callers:
        for usr, name in sorted(violating.items(), key=lambda x: x[1]):
            sites = sorted(calls.get(usr, {}).values(), key=lambda x: (x[2], x[3]))
            print('callers of %s:%s' % (name, '' if sites else ' none seen (called through '
                                        'pointers, or from outside the checked files)'))
            for _, _, f, line, caller, held in sites:
                print('  %s:%d: %s [held: %s]' % (f, line, caller, ', '.join(held) or '-'))
    if opt.verbose:
        print('exempt functions:')
        for (f, line, fn), why in sorted(exempt.items()):
            print("  %s:%d: %s: %s" % (f, line, fn, why))
    nguard = sum(1 for d, atomic in guards.values())
    print('check-guards: %d guarded fields, %d accesses checked, %d violations, '
          '%d exempt functions' % (nguard, len(accesses), len(violations), len(exempt)))
    if opt.verbose:
        print('check-guards: %d files in %.1f s' % (len(files), time.time() - t0))
    if errors:
        return 2
    return 1 if violations else 0


if __name__ == '__main__':
    sys.exit(main())
