//! Where the listener is in a narration: the player moves it, and the synthesizer waits on it so
//! that speech is made just ahead of the listener instead of all at once.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// The listener's place, as the player last reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerAt {
    /// The part being spoken, or the one to be spoken next when none is (after a seek, while
    /// waiting for it); the number of parts once everything has been heard.
    pub part: usize,
    pub paused: bool,
    /// The player has let go of the narration (finished, stopped, or replaced it).
    pub gone: bool,
}

/// A watch on [`ListenerAt`]: read it, or wait for it to change.
#[derive(Debug)]
pub struct Listening {
    at: Mutex<ListenerAt>,
    changed: Condvar,
}

impl Listening {
    /// A listener about to hear part `first`, not paused.
    pub fn new(first: usize) -> Arc<Listening> {
        Arc::new(Listening {
            at: Mutex::new(ListenerAt {
                part: first,
                paused: false,
                gone: false,
            }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, ListenerAt> {
        self.at.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self) -> ListenerAt {
        *self.lock()
    }

    /// Changes the place; waiters wake only when it really changed.
    fn update(&self, change: impl FnOnce(&mut ListenerAt)) {
        let mut at = self.lock();
        let before = *at;
        change(&mut at);
        if *at != before {
            self.changed.notify_all();
        }
    }

    /// Blocks until `done` holds, checked now and after each change or [`Listening::wake`].
    pub fn wait_until(&self, mut done: impl FnMut(&ListenerAt) -> bool) -> ListenerAt {
        let mut at = self.lock();
        while !done(&at) {
            at = self
                .changed
                .wait(at)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *at
    }

    /// Like [`Listening::wait_until`], giving up after `timeout`.
    pub fn wait_until_for(
        &self,
        timeout: std::time::Duration,
        mut done: impl FnMut(&ListenerAt) -> bool,
    ) -> ListenerAt {
        let at = self.lock();
        let (at, _) = self
            .changed
            .wait_timeout_while(at, timeout, |at| !done(at))
            .unwrap_or_else(PoisonError::into_inner);
        *at
    }

    /// Wakes every waiter to check its condition again: for conditions outside the place (a
    /// stop request), set before calling this.
    pub fn wake(&self) {
        let _at = self.lock();
        self.changed.notify_all();
    }
}

/// The player's end of a [`Listening`]: it reports the place, and lets go when dropped.
#[derive(Debug)]
pub struct Listener(Arc<Listening>);

impl Listener {
    pub fn new(first: usize) -> Listener {
        Listener(Listening::new(first))
    }

    /// The watch, for the synthesizer.
    pub fn watch(&self) -> Arc<Listening> {
        Arc::clone(&self.0)
    }

    /// The listener is at `part` (see [`ListenerAt::part`]), paused or not.
    pub fn report(&self, part: usize, paused: bool) {
        self.0.update(|at| {
            at.part = part;
            at.paused = paused;
        });
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.update(|at| at.gone = true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_waiter_wakes_when_the_listener_moves_and_when_it_lets_go() {
        let listener = Listener::new(3);
        let watch = listener.watch();
        assert_eq!(
            watch.get(),
            ListenerAt {
                part: 3,
                paused: false,
                gone: false
            }
        );
        let waiter = {
            let watch = Arc::clone(&watch);
            std::thread::spawn(move || watch.wait_until(|at| at.part >= 5).part)
        };
        listener.report(4, false);
        listener.report(5, true);
        assert_eq!(waiter.join().expect("waiter"), 5);
        assert!(watch.get().paused);

        let unchanged = watch.wait_until_for(Duration::from_millis(20), |at| at.part == 9);
        assert_eq!(unchanged.part, 5);
        let waiter = {
            let watch = Arc::clone(&watch);
            std::thread::spawn(move || watch.wait_until(|at| at.gone))
        };
        drop(listener);
        assert!(waiter.join().expect("waiter").gone);
    }
}
