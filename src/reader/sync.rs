//! A sync with the server of `[sync]`, its failures said in terms of the config.

use super::{AppError, Context};
use crate::config::ConfigError;
use crate::store::Store;
use crate::sync::{SyncError, SyncOptions, SyncReport};

pub async fn sync(
    ctx: &Context,
    store: &mut Store,
    opts: SyncOptions,
) -> Result<SyncReport, AppError> {
    crate::sync::sync(ctx, store, opts)
        .await
        .map_err(|e| explain(ctx, e))
}

fn explain(ctx: &Context, e: SyncError) -> AppError {
    let config = ctx.paths.config.display();
    match e {
        SyncError::Refused => {
            let (url, user, key) = match &ctx.config.sync {
                Some(s) => (
                    s.url.as_str(),
                    s.user.as_str(),
                    if s.password_command.is_some() {
                        "password_command"
                    } else if s.password_env.is_some() {
                        "password_env"
                    } else {
                        "password"
                    },
                ),
                None => ("the server", "", "password"),
            };
            AppError::Config(ConfigError::Value(format!(
                "{url} refused user \"{user}\" and its password: check [sync] user and {key} in {config} (the server's API password, not the web one)"
            )))
        }
        SyncError::Password(why) => {
            AppError::Config(ConfigError::Value(format!("{config}: {why}")))
        }
        SyncError::Store(e) => AppError::Store(e),
        other => AppError::Failed(format!("sync: {other}")),
    }
}
