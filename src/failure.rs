//! Why something could not be had, as a kind code can count and decide on, with the text a
//! person reads beside it.

/// What went wrong, independent of the words used to say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No connection could be made: no network, no such host, nobody listening.
    Unreachable,
    /// The server was reached, but no secure connection could be made with it (a certificate
    /// it cannot prove, or no TLS at all).
    Tls,
    /// The server did not answer in time.
    Timeout,
    /// The server answered with this status instead of the document.
    HttpStatus(u16),
    /// The answer is larger than the configured cap.
    TooLarge,
    /// Redirects went round or on for too long.
    TooManyRedirects,
    /// The connection broke while the answer was on its way.
    Transfer,
    /// A local file could not be read.
    File,
    /// The address names nothing herald can read: not a URL, a file, a subreddit name or a tag.
    BadAddress,
    /// The site has no such thing (an item id that names nothing).
    Missing,
    /// The site answered, declining the request (a rate limit said in its own words).
    Refused,
    /// A page that is not a feed and names none.
    NotAFeed,
    /// The answer is not in the form it should be: a feed or JSON that does not parse.
    Parse,
    /// herald does not read this yet.
    Unsupported,
    /// Something failed inside herald itself.
    Internal,
}

/// A failure: its kind, and what happened in words, for display only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Failure {
    pub kind: FailureKind,
    pub reason: String,
}

impl Failure {
    pub fn new(kind: FailureKind, reason: impl Into<String>) -> Failure {
        Failure {
            kind,
            reason: reason.into(),
        }
    }

    /// The same failure, its reason said another way (with a site's name or a URL added).
    pub fn reworded(self, reword: impl FnOnce(&str) -> String) -> Failure {
        Failure {
            reason: reword(&self.reason),
            kind: self.kind,
        }
    }
}

impl From<crate::net::NetError> for Failure {
    fn from(e: crate::net::NetError) -> Failure {
        Failure::new(e.kind(), e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_reads_as_its_reason_and_keeps_its_kind_when_reworded() {
        let failure = Failure::from(crate::net::NetError::Status(503));
        assert_eq!(failure.kind, FailureKind::HttpStatus(503));
        assert_eq!(failure.to_string(), "HTTP 503");
        let said = failure.reworded(|r| format!("Reddit: {r} from http://h/"));
        assert_eq!(said.to_string(), "Reddit: HTTP 503 from http://h/");
        assert_eq!(said.kind, FailureKind::HttpStatus(503));
    }
}
