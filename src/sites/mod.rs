//! Discussion sites with public JSON APIs: their listings as headlines, their threads as comments.

pub mod lobsters;
pub mod reddit;

/// Which Lobsters listing a subscription follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LobstersListing {
    Hottest,
    Newest,
    Tag(String),
}
