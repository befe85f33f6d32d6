//! The terminal while the app runs: raw mode and the alternate screen, restored on drop, on a
//! panic and around a suspension.

use std::io::{Stdout, Write};
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The app's ratatui terminal. Dropped, ratatui shows the cursor again and, when it cannot
/// (the terminal is gone: its window closed, SIGHUP), says so with `eprintln!`, which panics
/// on the closed stderr. [`TerminalGuard`] shows the cursor itself, so ratatui's drop is skipped
/// (what it holds is freed with the process).
pub(super) struct AppTerminal(ManuallyDrop<Terminal<CrosstermBackend<Stdout>>>);

impl AppTerminal {
    pub(super) fn new() -> std::io::Result<AppTerminal> {
        let terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
        Ok(AppTerminal(ManuallyDrop::new(terminal)))
    }
}

impl Deref for AppTerminal {
    type Target = Terminal<CrosstermBackend<Stdout>>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for AppTerminal {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// Raw mode and the alternate screen while it lives; restored on drop and on panic.
pub(super) struct TerminalGuard;

impl TerminalGuard {
    pub(super) fn enter() -> std::io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if crate::shield::active() {
                // Caught: it costs one document, and the app goes on on this screen.
                log::warn!("a parser gave up on a document: {info}");
                return;
            }
            restore();
            log::error!("panic: {info}");
            previous(info);
        }));
        let guard = TerminalGuard;
        enter()?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        // The default hook again: nothing to restore once the app has left. (Not while
        // unwinding from a panic: the hook cannot be changed then, and trying aborts.)
        if !std::thread::panicking() {
            let _ = std::panic::take_hook();
        }
    }
}

fn enter() -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableMouseCapture,
        crossterm::cursor::Hide
    )
}

fn restore() {
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(
        out,
        crossterm::event::DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Ctrl-Z: the terminal as the shell left it, the process stopped until `fg`, then the
/// app's screen again.
pub(super) fn suspend(terminal: &mut AppTerminal) -> std::io::Result<()> {
    restore();
    // SIGSTOP rather than SIGTSTP: it cannot be caught, so it stops the process whatever
    // handlers are installed; the shell reports the job as stopped all the same.
    // SAFETY: raise only sends a signal to this process.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
    enter()?;
    // A new terminal has empty buffers, so the next frame is drawn whole on the cleared
    // screen. (`Terminal::clear` would ask the terminal where its cursor is, an answer the
    // input thread may read first.)
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    *terminal = AppTerminal::new()?;
    Ok(())
}
