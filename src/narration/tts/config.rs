//! What the `[narration]` table of the config says, and what synthesis can fail with.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{DEFAULT_RATE, RATE_RANGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Engine {
    #[serde(rename = "espeak-ng")]
    EspeakNg,
    /// Piper's neural voices, run by a worker in piper's own Python environment.
    #[serde(rename = "piper")]
    Piper,
    #[serde(rename = "flite")]
    Flite,
    /// Any program that reads text on stdin and writes WAV to stdout or to `{out}`.
    #[serde(rename = "command")]
    Command,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::EspeakNg => "espeak-ng",
            Engine::Piper => "piper",
            Engine::Flite => "flite",
            Engine::Command => "command",
        }
    }
}

/// The `[narration]` table of the config.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct NarrationConfig {
    /// `None`: piper when it is installed with a voice, else espeak-ng.
    pub engine: Option<Engine>,
    /// The engine's voice; `None` is the engine's default (espeak-ng `en-us`, flite `slt`, for
    /// piper the first voice installed beside it). For piper: a `.onnx` model file, or the
    /// name of one installed beside piper (`en_US-joe-medium`).
    pub voice: Option<String>,
    /// Words per minute at speed 1.0.
    pub rate: u32,
    /// For `engine = "command"`: the program and its arguments. `{out}` names the WAV file to
    /// write (without it, WAV is read from stdout); `{rate}` is words per minute after the
    /// speed; `{stretch}` is the length multiplier relative to 170 words per minute (piper's
    /// `--length_scale`); `{voice}` is `voice`.
    pub command: Vec<String>,
    /// The `piper` program; `None` looks on `PATH`, then in herald's data folder
    /// (`~/.local/share/herald/piper/bin/piper`).
    pub piper: Option<PathBuf>,
}

impl Default for NarrationConfig {
    fn default() -> Self {
        NarrationConfig {
            engine: None,
            voice: None,
            rate: DEFAULT_RATE,
            command: Vec::new(),
            piper: None,
        }
    }
}

impl NarrationConfig {
    /// The voice `engine` uses: the configured one or the engine's default (empty for piper,
    /// whose default is found beside it).
    pub fn voice_for(&self, engine: Engine) -> &str {
        match (&self.voice, engine) {
            (Some(v), _) => v,
            (None, Engine::EspeakNg) => "en-us",
            (None, Engine::Flite) => "slt",
            (None, Engine::Command | Engine::Piper) => "",
        }
    }

    /// Checks the values serde cannot; the message names the `[narration]` key to fix.
    pub fn validate(&self) -> Result<(), String> {
        if !RATE_RANGE.contains(&self.rate) {
            return Err(format!(
                "[narration] rate = {} is outside {}..={} words per minute",
                self.rate,
                RATE_RANGE.start(),
                RATE_RANGE.end()
            ));
        }
        if self.voice.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err("[narration] voice is empty; leave it out for the default".to_string());
        }
        if self.engine == Some(Engine::Command)
            && self.command.first().is_none_or(|p| p.trim().is_empty())
        {
            return Err(
                "[narration] engine = \"command\" needs command = [\"program\", \"arg\", ...]"
                    .to_string(),
            );
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TtsError {
    /// The engine's program cannot be found; the message says how to install it.
    #[error("{0}")]
    NotInstalled(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{engine} failed on part {part}: {detail}")]
    Engine {
        engine: &'static str,
        part: usize,
        detail: String,
    },
    #[error("speech cache {}: {err}", path.display())]
    Cache { path: PathBuf, err: std::io::Error },
    #[error("narration stopped before it was complete")]
    Stopped,
}
