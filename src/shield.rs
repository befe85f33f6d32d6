//! Third-party parsers that may panic on hostile input run through [`run`]: a panic there costs
//! that one document. [`active`] tells the app's panic hook, which restores the terminal for a
//! real crash, that such a panic is not one.

use std::cell::Cell;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f`; `None` when it panicked.
pub fn run<T>(f: impl FnOnce() -> T) -> Option<T> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.ok()
}

/// True on a thread running inside [`run`], where a panic is caught.
pub fn active() -> bool {
    DEPTH.with(|d| d.get() > 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_inside_is_caught_and_the_shield_lifted() {
        assert!(!super::active());
        assert_eq!(super::run(super::active), Some(true));
        assert_eq!(super::run(|| -> u8 { panic!("hostile input") }), None);
        assert!(!super::active());
    }
}
