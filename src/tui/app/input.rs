//! The terminal's events, read on a thread of their own (blocked in `read` until one comes).

use crossterm::event::{Event, MouseEventKind};

use super::inbox::Inbox;
use crate::tui::update::Msg;

/// Reads the terminal on a thread of its own, keys and resizes sent on as messages. When the
/// terminal cannot be read any more, the app quits.
pub(super) fn spawn_input(inbox: Inbox) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("herald-input".to_string())
        .spawn(move || {
            loop {
                match crossterm::event::read() {
                    Ok(event) => {
                        if let Some(msg) = terminal_msg(event)
                            && !inbox.msg(msg)
                        {
                            return;
                        }
                    }
                    Err(_) => {
                        inbox.msg(Msg::Terminate);
                        return;
                    }
                }
            }
        })?;
    Ok(())
}

fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Input(key)),
        Event::Mouse(mouse) => match mouse.kind {
            // Moves and drags would wake the loop for nothing.
            MouseEventKind::Down(_) | MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                Some(Msg::Mouse(mouse))
            }
            _ => None,
        },
        Event::Resize(cols, rows) => Some(Msg::Resize(cols, rows)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};

    #[test]
    fn terminal_events_become_messages() {
        let key = Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
        assert!(matches!(terminal_msg(key), Some(Msg::Input(k)) if k.code == KeyCode::Char('j')));
        assert!(matches!(
            terminal_msg(Event::Resize(100, 30)),
            Some(Msg::Resize(100, 30))
        ));
        assert!(terminal_msg(Event::FocusGained).is_none());
        let mouse = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 3,
                row: 4,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert!(matches!(
            terminal_msg(mouse(MouseEventKind::ScrollDown)),
            Some(Msg::Mouse(_))
        ));
        assert!(terminal_msg(mouse(MouseEventKind::Moved)).is_none());
    }
}
