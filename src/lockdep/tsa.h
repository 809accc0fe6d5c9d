/* SPDX-License-Identifier: MIT */
/*
 * tsa.h - clang thread-safety-analysis attribute macros (empty on gcc).
 *
 * The lock wrappers are capabilities; fields say GUARDED_BY their lock and
 * functions say REQUIRES / ACQUIRE / RELEASE, so `clang -Wthread-safety`
 * checks statically what the run-time validator checks dynamically.
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
 * clang 14 cannot parse guarded_by naming a sibling struct member in C (no
 * late-parsed attributes), which is how every guard in this code is written;
 * so GUARDED_BY documents the guard and the run-time assertions check it.
 * GUARDED_BY_GLOBAL is the checked form for guards the compiler can name.
 */
#define GUARDED_BY(x)
#define PT_GUARDED_BY(x)
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
