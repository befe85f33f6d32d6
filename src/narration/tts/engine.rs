//! Running an engine: finding its program, its command line for one part, and the process,
//! killed when the synthesis is stopped.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use super::piper::{Worker, WorkerError};
use super::{Engine, Job, TtsError, clean_text};
use crate::audio::wav::{self, WavInfo};

impl Job {
    /// Runs the engine on `text`. `Ok(None)` when it succeeded but wrote no samples.
    pub(super) fn synthesize(
        &mut self,
        index: usize,
        text: &str,
    ) -> Result<Option<(Vec<u8>, WavInfo)>, TtsError> {
        let engine = self.engine.name();
        let fail = |detail: String| TtsError::Engine {
            engine,
            part: index,
            detail,
        };
        let mut bytes = match self.engine {
            Engine::Piper => self.run_piper(text, &fail)?,
            _ => self.run_process(text, &fail)?,
        };
        if bytes.is_empty() {
            return Ok(None);
        }
        let info = wav::fix_sizes(&mut bytes).map_err(|e| fail(e.to_string()))?;
        if !matches!(info.bits_per_sample, 8 | 16 | 24 | 32) || info.channels == 0 {
            return Err(fail(format!(
                "unsupported WAV ({} bits, {} channels)",
                info.bits_per_sample, info.channels
            )));
        }
        if info.data_len == 0 {
            self.format.get_or_insert((info.sample_rate, info.channels));
            return Ok(None);
        }
        Ok(Some((bytes, info)))
    }

    /// Has piper's worker (started on the first part) speak `text`; returns the WAV.
    fn run_piper(
        &mut self,
        text: &str,
        fail: &dyn Fn(String) -> TtsError,
    ) -> Result<Vec<u8>, TtsError> {
        let wav = self.temp_path("wav");
        let worker = match &mut self.worker {
            Some(w) => w,
            None => {
                let voice = self
                    .piper
                    .as_ref()
                    .ok_or_else(|| fail("piper was not found".to_string()))?;
                self.worker.insert(Worker::spawn(voice).map_err(fail)?)
            }
        };
        let spoken = worker.speak(text, self.stretch, &wav, &self.stop);
        let result = match spoken {
            Ok(()) => std::fs::read(&wav)
                .map_err(|e| fail(format!("it wrote no audio file ({}: {e})", wav.display()))),
            Err(WorkerError::Stopped) => Err(TtsError::Stopped),
            Err(WorkerError::Failed(why)) => {
                // A worker that failed is not trusted with the next part.
                self.worker = None;
                Err(fail(why))
            }
        };
        let _ = std::fs::remove_file(&wav);
        result
    }

    /// Runs the engine's program once for `text`; returns the WAV (empty when it wrote none).
    fn run_process(
        &self,
        text: &str,
        fail: &dyn Fn(String) -> TtsError,
    ) -> Result<Vec<u8>, TtsError> {
        let mut temps = Vec::new();
        let mut out_file = None;
        let mut stdin_text = Some(text);
        let mut cmd = Command::new(&self.program);
        match self.engine {
            Engine::EspeakNg => {
                let rate = self.rate.to_string();
                cmd.args(["--stdout", "-v", self.voice.as_str(), "-s", rate.as_str()]);
            }
            Engine::Flite => {
                let txt = self.temp_path("txt");
                let wav = self.temp_path("wav");
                std::fs::write(&txt, text).map_err(|err| TtsError::Cache {
                    path: txt.clone(),
                    err,
                })?;
                cmd.args(["-voice", self.voice.as_str(), "--setf"])
                    .arg(format!("duration_stretch={:.4}", self.stretch))
                    .arg("-f")
                    .arg(&txt)
                    .arg("-o")
                    .arg(&wav);
                temps.push(txt);
                temps.push(wav.clone());
                out_file = Some(wav);
                stdin_text = None;
            }
            Engine::Piper => {
                return Err(fail(
                    "piper runs in its worker, not once per part".to_string(),
                ));
            }
            Engine::Command => {
                let wants_file = self.command.iter().any(|a| a.contains("{out}"));
                let wav = self.temp_path("wav");
                let out = wav.to_string_lossy().into_owned();
                for arg in self.command.iter().skip(1) {
                    cmd.arg(
                        arg.replace("{out}", &out)
                            .replace("{rate}", &self.rate.to_string())
                            .replace("{stretch}", &format!("{:.4}", self.stretch))
                            .replace("{voice}", &self.voice),
                    );
                }
                if wants_file {
                    temps.push(wav.clone());
                    out_file = Some(wav);
                }
            }
        }
        let result = self.run_engine(cmd, stdin_text, out_file.is_none(), fail);
        let result = result.and_then(|stdout| match &out_file {
            None => Ok(stdout),
            Some(f) => std::fs::read(f)
                .map_err(|e| fail(format!("it wrote no audio file ({}: {e})", f.display()))),
        });
        for t in &temps {
            let _ = std::fs::remove_file(t);
        }
        result
    }

    /// Runs one engine process, text on stdin, killing it when the synthesis is stopped.
    /// Returns its stdout (empty when not captured).
    fn run_engine(
        &self,
        mut cmd: Command,
        stdin_text: Option<&str>,
        capture_stdout: bool,
        fail: &dyn Fn(String) -> TtsError,
    ) -> Result<Vec<u8>, TtsError> {
        cmd.stdin(if stdin_text.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(if capture_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| fail(format!("cannot run {}: {e}", self.program.display())))?;
        if let (Some(text), Some(mut stdin)) = (stdin_text, child.stdin.take()) {
            let text = format!("{text}\n");
            // Small texts fit the pipe; a writer thread keeps long ones from blocking us.
            std::thread::spawn(move || {
                let _ = stdin.write_all(text.as_bytes());
            });
        }
        let stdout = child.stdout.take().map(reader);
        let stderr = child.stderr.take().map(reader);
        let status = wait_or_stop(&mut child, &self.stop);
        let out = stdout.map(join_reader).unwrap_or_default();
        let err = stderr.map(join_reader).unwrap_or_default();
        let status = match status {
            Some(s) => s.map_err(|e| fail(e.to_string()))?,
            None => return Err(TtsError::Stopped),
        };
        if !status.success() {
            let msg = clean_text(&String::from_utf8_lossy(&err));
            let msg: String = msg.chars().take(300).collect();
            return Err(fail(if msg.is_empty() {
                format!("it exited with {status}")
            } else {
                format!("it exited with {status}: {msg}")
            }));
        }
        Ok(out)
    }
}

trait Pipe: Read + Send + 'static {}
impl Pipe for ChildStdout {}
impl Pipe for ChildStderr {}

fn reader(mut pipe: impl Pipe) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

fn join_reader(h: JoinHandle<Vec<u8>>) -> Vec<u8> {
    h.join().unwrap_or_default()
}

/// Waits for the child, polling so that a stop request can kill it. `None` when stopped.
fn wait_or_stop(
    child: &mut Child,
    stop: &AtomicBool,
) -> Option<std::io::Result<std::process::ExitStatus>> {
    let mut pause = Duration::from_micros(500);
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(Ok(s)),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
        if stop.load(Ordering::SeqCst) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(2));
    }
}

/// `name` on `PATH` (or the file itself when it contains a slash), if executable.
pub fn find_program(name: &str) -> Option<PathBuf> {
    which::which(name).ok()
}

/// flite falls back to another voice, silently, when it does not know the one named: check
/// it against the voices built in (`flite -lv`), or that a voice file exists.
pub(super) fn check_flite_voice(program: &Path, voice: &str) -> Result<(), TtsError> {
    if voice.contains('/') || voice.ends_with(".flitevox") {
        if voice.contains("://") || Path::new(voice).is_file() {
            return Ok(());
        }
        return Err(TtsError::Invalid(format!(
            "flite voice file {voice} does not exist"
        )));
    }
    let out = Command::new(program)
        .arg("-lv")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| TtsError::NotInstalled(format!("cannot run flite: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let voices: Vec<&str> = text
        .split_once(':')
        .map(|(_, v)| v.split_whitespace().collect())
        .unwrap_or_default();
    if voices.contains(&voice) {
        Ok(())
    } else {
        Err(TtsError::Invalid(format!(
            "flite has no voice \"{voice}\" (it has: {})",
            voices.join(", ")
        )))
    }
}
