//! The output device: opened with whatever ALSA says on stderr kept off the terminal, and its
//! errors reported as player events.

use super::AudioError;
use super::PlayerEvent;
use super::player::EventSink;

pub(super) fn one_line(e: &dyn std::fmt::Display) -> String {
    let s = e.to_string();
    s.lines().next().unwrap_or_default().trim().to_string()
}

pub(super) fn open_device(events: EventSink) -> Result<rodio::MixerDeviceSink, AudioError> {
    let _quiet = QuietStderr::new();
    let builder = rodio::DeviceSinkBuilder::from_default_device()
        .map_err(|e| AudioError::NoDevice(one_line(&e)))?;
    let mut device = builder
        .with_error_callback(move |e| {
            events(PlayerEvent::Error(format!(
                "audio output: {}",
                one_line(&e)
            )));
        })
        .open_sink_or_fallback()
        .map_err(|e| AudioError::NoDevice(one_line(&e)))?;
    device.log_on_drop(false);
    Ok(device)
}

/// Sends fd 2 to /dev/null while it lives (ALSA and cpal write there when no device opens).
struct QuietStderr {
    #[cfg(unix)]
    saved: Option<libc::c_int>,
}

impl QuietStderr {
    #[cfg(unix)]
    fn new() -> QuietStderr {
        // SAFETY: plain descriptor calls; every descriptor opened here is closed or restored.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
            if null < 0 {
                return QuietStderr { saved: None };
            }
            let saved = libc::dup(2);
            if saved < 0 || libc::dup2(null, 2) < 0 {
                libc::close(null);
                if saved >= 0 {
                    libc::close(saved);
                }
                return QuietStderr { saved: None };
            }
            libc::close(null);
            QuietStderr { saved: Some(saved) }
        }
    }

    #[cfg(not(unix))]
    fn new() -> QuietStderr {
        QuietStderr {}
    }
}

impl Drop for QuietStderr {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = self.saved.take() {
            // SAFETY: `saved` is the duplicate of fd 2 made in `new`.
            unsafe {
                libc::dup2(saved, 2);
                libc::close(saved);
            }
        }
    }
}
