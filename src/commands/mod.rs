//! The CLI's subcommands, as library functions that write to any output: `main.rs` only parses
//! arguments and calls these, and these only print what `crate::reader` and the store give.

mod cache;
mod feed_choice;
mod feeds;
mod listen;
mod mark;
mod reading;
mod search;
mod sync;

pub use cache::cache;
pub use feeds::{HeadlinesArgs, export, headlines, import, refresh};
pub use listen::{ListenArgs, listen, parse_time};
pub use mark::{MarkAction, MarkArgs, mark};
pub use reading::{comments, read};
pub use search::{SearchArgs, parse_since, search};
pub use sync::{send_marks, sync};

use std::io::Write;

use crate::reader::AppError;

/// Output that passes everything through the sanitizer on its way to the terminal, so no
/// untrusted byte reaches it whatever path it took.
pub struct Out<W: Write> {
    inner: W,
}

impl<W: Write> Out<W> {
    pub fn new(inner: W) -> Self {
        Out { inner }
    }

    pub fn line(&mut self, s: &str) -> std::io::Result<()> {
        self.inner.write_all(crate::sanitize::text(s).as_bytes())?;
        self.inner.write_all(b"\n")
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a value as pretty JSON (serde escapes control characters, so it is safe as is).
pub fn write_json<W: Write, T: serde::Serialize>(
    out: &mut Out<W>,
    value: &T,
) -> Result<(), AppError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| AppError::Failed(e.to_string()))?;
    out.line(&text)?;
    Ok(())
}
