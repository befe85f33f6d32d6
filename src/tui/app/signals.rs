//! SIGTERM, SIGHUP and SIGINT leave the app as `q` does, the terminal restored.

use super::inbox::Inbox;
use crate::tui::update::Msg;

pub(super) fn spawn_signals(inbox: Inbox) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hangup.recv() => "SIGHUP",
            _ = interrupt.recv() => "SIGINT",
        };
        log::info!("{name}: quitting");
        inbox.msg(Msg::Terminate);
    });
    Ok(())
}
