//! Memory freed by the app handed back to the system.

/// After a new headline list replaced the old one: the allocator keeps the pages the old list
/// and its reading left free inside its heaps (in the worker's heap most of all), where they
/// count as the app's memory until something else reuses them; they go back now.
pub(super) fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}
