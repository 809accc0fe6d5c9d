/* SPDX-License-Identifier: MIT */
/*
 * tsa.h - clang thread-safety-analysis attribute macros (empty on gcc).
 *
 * The lock wrappers are capabilities and functions say REQUIRES / ACQUIRE /
 * RELEASE, so `clang -Wthread-safety` checks statically what the run-time
 * validator checks dynamically. Fields say GUARDED_BY their lock; that is
 * checked by scripts/check-guards.py (see below), not by the compiler.
 */
#ifndef VAS_TSA_H
#define VAS_TSA_H

#if defined(__clang__) && !defined(VAS_NO_TSA)
#define TSA__(x) __attribute__((x))
#else
#define TSA__(x)
#endif

#define CAPABILITY(x) TSA__(capability(x))
#define SCOPED_CAPABILITY TSA__(scoped_lockable)
/*
 * Field guards. clang 14 cannot parse guarded_by naming a sibling struct
 * member in C (no late-parsed attributes), which is how every guard in this
 * code is written, and clang 19 parses it but resolves the member wrongly.
 * So on clang the guards are `annotate` attributes that
 * scripts/check-guards.py reads with libclang and checks against the locks
 * each function takes, requires or asserts; gcc sees nothing. L names a lock
 * member: `name` (of this struct, or of the struct around an anonymous
 * inner one), `ptr->name` (reached from a member of this struct) or
 * `tag.name` (member `name` of struct tag).
 *
 *   GUARDED_BY(L)             every read and write needs L
 *   PT_GUARDED_BY(L)          accesses through the pointer need L
 *   WRITES_GUARDED_BY(L)      writes need L too; alone it leaves reads free
 *                             (ap_matrix_dev.info), with GUARDED_BY(M) it
 *                             means "read under M, write under M and L"
 *   GUARDED_BY_ANY(L1, L2...) reads need any one, writes need all of them
 *                             (ap_matrix_mdev.matrix: guests_lock or
 *                             mdevs_lock to read, both to write)
 *
 * GUARD_EXEMPT("reason") on a function definition skips it: only for code
 * that builds or tears down an object no other thread can see.
 * CALLER_HOLDS(L...) on a function is REQUIRES for locks clang's analysis
 * cannot name (plain pthread mutexes): the checker assumes L held in the
 * body and checks that every direct caller holds it.
 * HOOK_ACQUIRES(...) / HOOK_RELEASES(...) on a function-pointer member say
 * which locks a call through it takes or drops (TSA attributes do not apply
 * to function pointers). GUARDED_BY_GLOBAL is the compiler-checked form for
 * guards that clang's own analysis can name (a global).
 * clang turns an annotated field into an llvm.ptr.annotation at every access
 * (no run-time effect, but it perturbs optimisation: about 2% more text);
 * -DVAS_NO_GUARD_ANN drops the annotations from a clang build.
 */
#if defined(__clang__) && !defined(VAS_NO_GUARD_ANN)
#define GUARD_ANN__(s) __attribute__((annotate(s)))
#else
#define GUARD_ANN__(s)
#endif
#define GUARDED_BY(x) GUARD_ANN__("guarded_by:" #x)
#define PT_GUARDED_BY(x) GUARD_ANN__("pt_guarded_by:" #x)
#define WRITES_GUARDED_BY(x) GUARD_ANN__("writes_guarded_by:" #x)
#define GUARDED_BY_ANY(...) GUARD_ANN__("guarded_by_any:" #__VA_ARGS__)
#define GUARD_EXEMPT(reason) GUARD_ANN__("guard_exempt:" reason)
#define CALLER_HOLDS(...) GUARD_ANN__("caller_holds:" #__VA_ARGS__)
#define HOOK_ACQUIRES(...) GUARD_ANN__("hook_acquires:" #__VA_ARGS__)
#define HOOK_RELEASES(...) GUARD_ANN__("hook_releases:" #__VA_ARGS__)
#define GUARDED_BY_GLOBAL(x) TSA__(guarded_by(x))
#define ACQUIRED_BEFORE(...) TSA__(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) TSA__(acquired_after(__VA_ARGS__))
#define REQUIRES(...) TSA__(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) TSA__(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) TSA__(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) TSA__(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) TSA__(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) TSA__(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) TSA__(release_generic_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) TSA__(try_acquire_capability(__VA_ARGS__))
#define TRY_ACQUIRE_SHARED(...) TSA__(try_acquire_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) TSA__(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) TSA__(assert_capability(x))
#define ASSERT_SHARED_CAPABILITY(x) TSA__(assert_shared_capability(x))
#define RETURN_CAPABILITY(x) TSA__(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS TSA__(no_thread_safety_analysis)

#endif
