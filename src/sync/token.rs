//! The login token, kept between syncs so that the password is needed only when the server
//! asks again: a file of the data directory, readable and writable by its owner only, naming
//! the server and the user it is for.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;

use url::Url;

pub struct Kept {
    path: PathBuf,
    /// The server and user the token must be for.
    owner: String,
}

impl Kept {
    pub fn new(data: &std::path::Path, base: &Url, user: &str) -> Kept {
        Kept {
            path: data.join("sync-token"),
            owner: format!("{base}\n{user}\n"),
        }
    }

    pub fn read(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let token = text.strip_prefix(&self.owner)?.trim();
        (!token.is_empty()).then(|| token.to_string())
    }

    /// Written aside with mode 0600, then moved over the old one.
    pub fn write(&self, token: &str) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let partial = self
            .path
            .with_extension(format!("{}.part", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(format!("{}{token}\n", self.owner).as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&partial, &self.path)
    }

    pub fn forget(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_for_its_server_and_user_only_and_readable_by_its_owner_only() {
        let dir = std::env::temp_dir().join(format!("herald-token-{}", std::process::id()));
        let base = Url::parse("http://127.0.0.1:8081/api/greader.php").expect("url");
        let kept = Kept::new(&dir, &base, "alice");
        assert_eq!(kept.read(), None);
        kept.write("alice/abc").expect("write");
        assert_eq!(kept.read().as_deref(), Some("alice/abc"));
        let mode = std::fs::metadata(dir.join("sync-token"))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(Kept::new(&dir, &base, "bob").read(), None);
        kept.forget();
        assert_eq!(kept.read(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
