//! mimalloc's settings for the addon's memory (the global allocator is declared in lib.rs).
use std::os::raw::{c_int, c_long};
use std::sync::Once;

extern "C" {
    /// mimalloc's `mi_option_set` (the C library linked by the `mimalloc` crate exports it).
    fn mi_option_set(option: c_int, value: c_long);
}

/// `mi_option_arena_eager_commit` in mimalloc v2's `mi_option_e` (libmimalloc-sys 0.1.49's
/// `c_src/mimalloc/v2/include/mimalloc.h`, the `v2` feature; Cargo.lock pins that version; v3
/// numbers it the same; docs/decisions.md says why v2).
const MI_OPTION_ARENA_EAGER_COMMIT: c_int = 4;

/// Arenas are committed as they are used, not eagerly. Eagerly committed arenas are advised for
/// transparent huge pages, and where the kernel compacts memory on such a fault (`defrag =
/// madvise`, the kernel's default) touching fresh memory stalls: filling a 573 MB upload took
/// 0.33–1.34 s instead of 0.24 s, and a first 10M-row import 1.65–1.76 s instead of 1.13–1.17 s.
/// mimalloc reads `MIMALLOC_ARENA_EAGER_COMMIT` when the library loads, and reserves its first
/// arena before this runs, so the web app sets the variable before it loads the addon
/// (`web/src/server/engineAllocator.ts`); this covers the later arenas of any other host.
pub fn configure() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_some() {
            return; // an explicit setting wins (mimalloc has read it)
        }
        // SAFETY: sets a plain integer option; mimalloc reads it when it next reserves an arena.
        unsafe { mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    });
}
