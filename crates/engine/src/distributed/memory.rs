//! This process's memory, as the kernel counts it (Linux `/proc/self/status`; elsewhere unknown).

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib * 1024)
}

/// Resident set size now, in bytes.
pub fn rss_bytes() -> Option<u64> {
    status_kib("VmRSS:")
}

/// The peak resident set size (`VmHWM`) since the process started or [`reset_peak`].
pub fn peak_rss_bytes() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Starts a new peak measurement (so a long-lived worker reports each run's own peak).
pub fn reset_peak() {
    // "5" resets the peak RSS (Linux >= 4.0); best effort elsewhere.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Hands the pages that big drops freed back to the kernel. glibc keeps freed memory in its
/// per-thread arenas (the feature frames are built on rayon's threads), where it still counts in
/// the RSS while the fit allocates its own; training calls this between the dataset and the fit.
/// It reaches glibc's heap only: the engine crate on the system allocator, and the C/C++
/// libraries' memory in the addon (whose Rust allocations go to mimalloc, which reuses freed
/// pages for the fit's own allocations). A no-op on other platforms.
pub fn release_freed_pages() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free pages of the allocator's arenas back to the kernel;
    // it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}
