// replaced by the site's module
use super::LobstersListing;
use crate::model::CommentThread;
use crate::net::Net;
use crate::source::feed::FeedItem;

pub async fn headlines(
    _net: &Net,
    _base: &str,
    _listing: &LobstersListing,
) -> Result<Vec<FeedItem>, String> {
    Err("not built yet".into())
}

pub async fn thread(_net: &Net, _base: &str, _short_id: &str) -> Result<CommentThread, String> {
    Err("not built yet".into())
}
