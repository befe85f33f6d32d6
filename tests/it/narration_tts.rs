//! Synthesized narration with the real engines: espeak-ng (required in CI), flite when present,
//! and commands. Outside CI a missing engine skips the test with a note.

use crate::common;

use std::path::Path;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use herald::audio::SpeechPart;
use herald::audio::wav::read_info;
use herald::narration::tts::{self, EMPTY_PART, Engine, NarrationConfig, TtsError, find_program};

/// True when espeak-ng can be used; in CI its absence fails the test.
fn have(program: &str) -> bool {
    if find_program(program).is_some() {
        return true;
    }
    assert!(
        !common::in_ci(),
        "{program} is required in CI (apt-get install {program})"
    );
    eprintln!("note: {program} is not installed; skipping");
    false
}

fn parts3() -> Vec<String> {
    vec![
        "A short title".to_string(),
        "The first paragraph has a few words in it.".to_string(),
        "And the second one ends the article.".to_string(),
    ]
}

fn espeak() -> NarrationConfig {
    NarrationConfig {
        engine: Some(Engine::EspeakNg),
        ..NarrationConfig::default()
    }
}

fn command(args: &[&str]) -> NarrationConfig {
    NarrationConfig {
        engine: Some(Engine::Command),
        command: args.iter().map(|s| s.to_string()).collect(),
        ..NarrationConfig::default()
    }
}

/// Every part the feed sends, until it closes, as a listener that reaches each part as soon
/// as it arrives (synthesis only runs a little ahead of the listener).
fn collect(feed: &herald::audio::SpeechFeed) -> Vec<SpeechPart> {
    let mut got = Vec::new();
    loop {
        match feed.rx.recv_timeout(Duration::from_secs(60)) {
            Ok(p) => {
                feed.report(p.index, false);
                got.push(p);
            }
            Err(RecvTimeoutError::Disconnected) => return got,
            Err(RecvTimeoutError::Timeout) => panic!("no part within a minute"),
        }
    }
}

fn wav_duration(path: &Path) -> Duration {
    let bytes = std::fs::read(path).expect("part file");
    let info = read_info(&bytes).expect("valid WAV");
    // The header's own sizes must be right, not a pipe's placeholders.
    let riff = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes"));
    assert_eq!(riff as usize, bytes.len() - 8, "{}", path.display());
    info.duration()
}

fn count_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[test]
fn three_parts_arrive_in_order_with_their_lengths() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-three");
    let mut s = tts::start(parts3(), 0, &espeak(), 1.0, &dir).expect("start");
    let feed = s.take_feed().expect("feed");
    assert_eq!((feed.parts, feed.first), (3, 0));
    let got = collect(&feed);
    assert_eq!(
        got.iter().map(|p| p.index).collect::<Vec<_>>(),
        [0, 1, 2],
        "{got:?}"
    );
    for p in &got {
        assert!(p.duration > Duration::from_millis(300), "{p:?}");
        assert!(p.duration < Duration::from_secs(10), "{p:?}");
        assert!(p.path.starts_with(s.dir()) && s.dir().starts_with(&dir));
        assert_eq!(wav_duration(&p.path), p.duration);
    }
    // The title is shorter than the paragraphs.
    assert!(got[0].duration < got[1].duration);
    let timeline = s.wait().expect("complete");
    let sum: Duration = got.iter().map(|p| p.duration).sum();
    assert_eq!(timeline.total(), Some(sum));
    assert_eq!((timeline.parts(), timeline.known()), (3, 3));
    assert_eq!(timeline.part_at(got[0].duration), Some(1));
    assert_eq!(
        timeline.start_of(2),
        Some(got[0].duration + got[1].duration)
    );
}

#[test]
fn starting_at_a_later_part() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-first");
    let mut s = tts::start(parts3(), 1, &espeak(), 1.0, &dir).expect("start");
    let feed = s.take_feed().expect("feed");
    assert_eq!(feed.first, 1);
    let got = collect(&feed);
    assert_eq!(got.iter().map(|p| p.index).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(got[0].path.file_name(), Some("1.wav".as_ref()));
    // The part before `first` is made afterwards, so the timeline is complete in the end.
    let timeline = s.wait().expect("complete");
    assert_eq!(timeline.known(), 3);
    assert_eq!(timeline.part_at_from(1, Duration::ZERO), Some(1));
    assert!(timeline.duration_of(0).is_some_and(|d| d > Duration::ZERO));

    let e = tts::start(parts3(), 3, &espeak(), 1.0, &dir).expect_err("beyond the end");
    assert!(matches!(e, TtsError::Invalid(_)), "{e}");
}

#[test]
fn cached_parts_are_not_synthesized_again() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-cache");
    let counter = dir.join("runs.txt");
    let script = format!(
        "echo run >> '{}'; exec espeak-ng --stdout -s {{rate}}",
        counter.display()
    );
    let config = command(&["sh", "-c", &script]);
    let cache = dir.join("speech");

    let first = tts::start(parts3(), 0, &config, 1.0, &cache)
        .expect("start")
        .wait()
        .expect("complete");
    assert_eq!(count_lines(&counter), 3);

    let mut s = tts::start(parts3(), 0, &config, 1.0, &cache).expect("start again");
    let feed = s.take_feed().expect("feed");
    let got = collect(&feed);
    let folder = s.dir().to_path_buf();
    let again = s.wait().expect("complete");
    assert_eq!(count_lines(&counter), 3, "the engine ran again");
    assert_eq!(got.len(), 3);
    assert_eq!(again, first);

    // One folder per narration, one WAV per part, nothing else left behind.
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("cache folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["0.wav", "1.wav", "2.wav"]);
    assert_eq!(std::fs::read_dir(&cache).expect("cache").count(), 1);

    // A damaged part is made again, and only that one.
    let part1 = folder.join("1.wav");
    let len = std::fs::metadata(&part1).expect("part").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&part1)
        .and_then(|f| f.set_len(len / 2))
        .expect("truncate");
    tts::start(parts3(), 0, &config, 1.0, &cache)
        .expect("start")
        .wait()
        .expect("complete");
    assert_eq!(count_lines(&counter), 4);
    assert_eq!(std::fs::metadata(&part1).expect("part").len(), len);

    // Other text, rate or voice: another folder, synthesized anew.
    let mut other = parts3();
    other[2].push_str(" With one more sentence.");
    tts::start(other, 0, &config, 1.0, &cache)
        .expect("start")
        .wait()
        .expect("complete");
    tts::start(parts3(), 0, &config, 1.5, &cache)
        .expect("start")
        .wait()
        .expect("complete");
    assert_eq!(count_lines(&counter), 10);
    assert_eq!(std::fs::read_dir(&cache).expect("cache").count(), 3);
}

#[test]
fn higher_speed_is_shorter_and_one_wav_matches_the_timeline() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-speed");
    let out1 = dir.join("n1.wav");
    let out2 = dir.join("n2.wav");
    let t1 =
        tts::synthesize_to_wav(&parts3(), &espeak(), 1.0, &dir.join("c"), &out1).expect("speed 1");
    let t2 = tts::synthesize_to_wav(&parts3(), &espeak(), 1.5, &dir.join("c"), &out2)
        .expect("speed 1.5");
    let (total1, total2) = (t1.total().expect("known"), t2.total().expect("known"));
    assert!(
        total2.as_secs_f64() < total1.as_secs_f64() * 0.8,
        "{total1:?} at 1.0, {total2:?} at 1.5"
    );
    for (out, total) in [(&out1, total1), (&out2, total2)] {
        let bytes = std::fs::read(out).expect("out");
        let info = read_info(&bytes).expect("valid");
        assert_eq!(
            (info.sample_rate, info.channels, info.bits_per_sample),
            (22050, 1, 16)
        );
        let d = wav_duration(out).as_secs_f64();
        let t = total.as_secs_f64();
        assert!((d - t).abs() <= t * 0.01, "file {d} s, timeline {t} s");
    }
    let bad = tts::synthesize_to_wav(&parts3(), &espeak(), 5.0, &dir.join("c"), &out1);
    assert!(matches!(bad, Err(TtsError::Invalid(_))), "{bad:?}");
}

#[test]
fn bad_commands_give_clear_errors() {
    let dir = common::temp_dir("tts-bad");
    let e = tts::start(parts3(), 0, &command(&["herald-no-such-tts"]), 1.0, &dir)
        .expect_err("missing program");
    assert!(matches!(e, TtsError::NotInstalled(_)));
    assert!(
        e.to_string()
            .contains("`herald-no-such-tts` is not installed"),
        "{e}"
    );

    let failing = command(&["sh", "-c", "echo 'voice model missing' >&2; exit 3"]);
    let e = tts::start(parts3(), 0, &failing, 1.0, &dir)
        .expect("the program exists")
        .wait()
        .expect_err("it fails");
    let msg = e.to_string();
    assert!(
        msg.contains("part 0")
            && msg.contains("exit status: 3")
            && msg.contains("voice model missing"),
        "{msg}"
    );

    let not_wav = command(&["sh", "-c", "cat"]);
    let mut s = tts::start(parts3(), 0, &not_wav, 1.0, &dir).expect("start");
    let feed = s.take_feed().expect("feed");
    assert!(collect(&feed).is_empty());
    assert!(
        s.error().is_some_and(|e| e.contains("not a WAV file")),
        "{:?}",
        s.error()
    );

    let no_file = command(&["sh", "-c", "cat > /dev/null", "{out}"]);
    let e = tts::start(parts3(), 0, &no_file, 1.0, &dir)
        .expect("start")
        .wait()
        .expect_err("no output file");
    assert!(e.to_string().contains("wrote no audio file"), "{e}");
}

#[test]
fn missing_engines_say_how_to_install_them() {
    // PATH cannot be changed for one test in a threaded harness: run the check in a child.
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--ignored",
            "--exact",
            "narration_tts::missing_engines_child",
            "--test-threads=1",
        ])
        .env("PATH", "/nonexistent-herald-path")
        .env("HERALD_TEST_EMPTY_PATH", "1")
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

/// Run by `missing_engines_say_how_to_install_them` with an empty PATH.
#[test]
#[ignore = "run by missing_engines_say_how_to_install_them with PATH emptied"]
fn missing_engines_child() {
    if std::env::var_os("HERALD_TEST_EMPTY_PATH").is_none() {
        eprintln!("note: only meaningful with PATH emptied by its parent test; skipping");
        return;
    }
    let dir = common::temp_dir("tts-missing");
    let e = tts::start(parts3(), 0, &espeak(), 1.0, &dir).expect_err("no espeak-ng on PATH");
    assert!(matches!(e, TtsError::NotInstalled(_)));
    assert_eq!(
        e.to_string(),
        "espeak-ng is not installed (apt-get install espeak-ng)"
    );
    let flite = NarrationConfig {
        engine: Some(Engine::Flite),
        ..NarrationConfig::default()
    };
    let e = tts::synthesize_to_wav(&parts3(), &flite, 1.0, &dir, &dir.join("o.wav"))
        .expect_err("no flite on PATH");
    assert_eq!(
        e.to_string(),
        "flite is not installed (apt-get install flite)"
    );
    assert!(!dir.join("o.wav").exists());
}

#[test]
fn article_parts_are_the_title_then_the_paragraphs() {
    let url = url::Url::parse("https://news.example/a").expect("url");
    let article = herald::article::Article::from_feed_content(
        "The title",
        "<p>One.</p><p>Two.</p>",
        &url,
        None,
        None,
    )
    .expect("article");
    assert_eq!(
        herald::narration::article_parts(&article),
        ["The title", "One.", "Two."]
    );
}

#[test]
fn placeholder_sizes_from_a_pipe_are_fixed() {
    if !have("espeak-ng") {
        return;
    }
    // What espeak-ng writes to a pipe: sizes it could not know.
    let raw = std::process::Command::new("espeak-ng")
        .args(["--stdout", "-v", "en-us", "-s", "170", "A short title"])
        .output()
        .expect("espeak-ng");
    assert_eq!(&raw.stdout[4..8], &(0x7fff_f000u32 + 36).to_le_bytes());
    assert_eq!(&raw.stdout[40..44], &0x7fff_f000u32.to_le_bytes());
    let expected = Duration::from_secs_f64((raw.stdout.len() - 44) as f64 / 2.0 / 22050.0);

    let dir = common::temp_dir("tts-pipe");
    let mut s =
        tts::start(vec!["A short title".to_string()], 0, &espeak(), 1.0, &dir).expect("start");
    let part = collect(&s.take_feed().expect("feed"))
        .pop()
        .expect("one part");
    assert!(part.duration < Duration::from_secs(5), "{part:?}");
    let diff = part.duration.as_secs_f64() - expected.as_secs_f64();
    assert!(diff.abs() < 0.001, "{part:?}, expected {expected:?}");
    assert_eq!(wav_duration(&part.path), part.duration);
}

#[test]
fn empty_parts_keep_indices_aligned() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-empty");
    let parts = vec![
        String::new(),
        "Some words.".to_string(),
        " \n ".to_string(),
        "<>[]".to_string(),
    ];
    let mut s = tts::start(parts, 0, &espeak(), 1.0, &dir).expect("start");
    let got = collect(&s.take_feed().expect("feed"));
    assert_eq!(
        got.iter().map(|p| p.index).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    for i in [0, 2, 3] {
        let off = got[i].duration.as_secs_f64() - EMPTY_PART.as_secs_f64();
        assert!(off.abs() < 0.001, "{:?}", got[i]);
        assert_eq!(wav_duration(&got[i].path), got[i].duration);
    }
    assert!(got[1].duration > EMPTY_PART);
}

#[test]
fn dropping_stops_synthesis_and_kills_the_engine() {
    let dir = common::temp_dir("tts-drop");
    let pids = dir.join("pids.txt");
    // Each part takes 10 s: long enough that only a kill ends it in time.
    let script = format!("echo $$ >> '{}'; exec sleep 10", pids.display());
    let config = command(&["sh", "-c", &script]);
    let s = tts::start(parts3(), 0, &config, 1.0, &dir.join("c")).expect("start");
    let deadline = Instant::now() + Duration::from_secs(5);
    while count_lines(&pids) == 0 {
        assert!(Instant::now() < deadline, "the engine never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(s);
    let pid: i32 = std::fs::read_to_string(&pids)
        .expect("pid")
        .trim()
        .parse()
        .expect("a pid");
    let deadline = Instant::now() + Duration::from_secs(3);
    // SAFETY: kill with signal 0 only checks whether the process exists.
    while unsafe { libc::kill(pid, 0) } == 0 {
        assert!(Instant::now() < deadline, "engine {pid} still running");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(count_lines(&pids), 1, "another part was started");
}

#[test]
fn closing_the_feed_stops_synthesis() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-close");
    let counter = dir.join("runs.txt");
    let script = format!(
        "echo run >> '{}'; sleep 0.2; exec espeak-ng --stdout",
        counter.display()
    );
    let config = command(&["sh", "-c", &script]);
    let parts: Vec<String> = (0..8).map(|i| format!("Paragraph number {i}.")).collect();
    let mut s = tts::start(parts, 0, &config, 1.0, &dir.join("c")).expect("start");
    let feed = s.take_feed().expect("feed");
    let first = feed
        .rx
        .recv_timeout(Duration::from_secs(10))
        .expect("part 0");
    assert_eq!(first.index, 0);
    drop(feed);
    assert!(matches!(s.wait(), Err(TtsError::Stopped)));
    assert!(count_lines(&counter) <= 3, "{} runs", count_lines(&counter));
}

#[test]
fn flite_works_when_present() {
    if find_program("flite").is_none() {
        assert!(
            !common::in_ci(),
            "flite is required in CI (apt-get install flite)"
        );
        eprintln!("note: flite is not installed; skipping");
        return;
    }
    let dir = common::temp_dir("tts-flite");
    let config = NarrationConfig {
        engine: Some(Engine::Flite),
        ..NarrationConfig::default()
    };
    let mut s = tts::start(parts3(), 0, &config, 1.0, &dir).expect("start");
    let got = collect(&s.take_feed().expect("feed"));
    assert_eq!(got.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 1, 2]);
    let bytes = std::fs::read(&got[1].path).expect("part");
    assert_eq!(read_info(&bytes).expect("valid").sample_rate, 16000);
    let timeline = s.wait().expect("complete");
    let faster =
        tts::synthesize_to_wav(&parts3(), &config, 2.0, &dir, &dir.join("f.wav")).expect("faster");
    let (t1, t2) = (
        timeline.total().expect("known").as_secs_f64(),
        faster.total().expect("known").as_secs_f64(),
    );
    assert!(t2 < t1 * 0.7, "{t1} s at 1.0, {t2} s at 2.0");

    let bad = NarrationConfig {
        voice: Some("nosuchvoice".to_string()),
        ..config
    };
    let e = tts::start(parts3(), 0, &bad, 1.0, &dir).expect_err("unknown voice");
    assert!(e.to_string().contains("no voice \"nosuchvoice\""), "{e}");
}

/// A 14-part, ~630-word article narrated whole, then again from the cache. How soon the first
/// part is ready is measured by `cargo bench --bench pipeline`; here only nothing may hang.
#[test]
fn a_long_article_is_narrated_whole_then_from_the_cache() {
    if !have("espeak-ng") {
        return;
    }
    let sentence = "The council met on Tuesday to discuss the new budget, and members argued for hours about roads, schools and parks.";
    let mut parts = vec!["City council approves the budget after a long night".to_string()];
    for i in 0..13 {
        parts.push(format!(
            "{sentence} Paragraph {i} adds a little more detail here: {sentence}"
        ));
    }
    let words: usize = parts.iter().map(|p| p.split_whitespace().count()).sum();
    assert!((600..=700).contains(&words), "{words} words");

    let dir = common::temp_dir("tts-long");
    let mut s = tts::start(parts.clone(), 0, &espeak(), 1.0, &dir).expect("start");
    let feed = s.take_feed().expect("feed");
    let first = feed
        .rx
        .recv_timeout(Duration::from_secs(10))
        .expect("part 0");
    feed.report(0, false);
    let rest = collect(&feed);
    let timeline = s.wait().expect("complete");
    assert_eq!(first.index, 0);
    assert_eq!(rest.len(), 13);
    let audio = timeline.total().expect("known");
    assert!(audio > Duration::from_secs(120) && audio < Duration::from_secs(400));

    // From the cache: the same parts.
    let mut s = tts::start(parts, 0, &espeak(), 1.0, &dir).expect("start");
    let feed = s.take_feed().expect("feed");
    let cached = collect(&feed);
    assert_eq!(cached.len(), 14);
    assert_eq!(cached[0], first);
    assert_eq!(cached[1..], rest[..]);
}

/// Twelve paragraphs of about ten seconds each.
fn parts12() -> Vec<String> {
    let sentence = "The ferry to the island runs twice a day in winter and four times in summer,";
    (0..12)
        .map(|i| format!("Paragraph {i}. {sentence} {sentence} and the timetable is posted."))
        .collect()
}

fn wav_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".wav"))
                .collect()
        })
        .unwrap_or_default();
    names.sort_by_key(|n| {
        n.trim_end_matches(".wav")
            .parse::<usize>()
            .unwrap_or(usize::MAX)
    });
    names
}

/// Takes the parts a listener stopped at `part` gets before synthesis waits for it to move on,
/// adding them to `got` (the parts received before).
fn until_waiting(feed: &herald::audio::SpeechFeed, part: usize, got: &mut Vec<SpeechPart>) {
    use herald::audio::listening::ListenerAt;
    use herald::narration::Timeline;
    use herald::narration::lookahead::{Step, next_step};
    feed.report(part, false);
    let at = ListenerAt {
        part,
        paused: false,
        gone: false,
    };
    let (mut handed, mut timeline) = (vec![false; feed.parts], Timeline::new(feed.parts));
    for p in got.iter() {
        handed[p.index] = true;
        timeline.set(p.index, p.duration);
    }
    // Measuring the parts before `first` sends nothing: only `Speak` brings a part.
    while matches!(
        next_step(feed.first, &handed, &timeline, at),
        Step::Speak(_)
    ) {
        let p = feed
            .rx
            .recv_timeout(Duration::from_secs(60))
            .expect("a part within a minute");
        handed[p.index] = true;
        timeline.set(p.index, p.duration);
        got.push(p);
    }
}

#[test]
fn synthesis_waits_for_the_listener_and_resumes_when_it_moves() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-wait");
    let mut s = tts::start(parts12(), 0, &espeak(), 1.0, &dir).expect("start");
    let feed = s.take_feed().expect("feed");
    let mut ahead = Vec::new();
    until_waiting(&feed, 0, &mut ahead);
    let last = ahead.last().expect("parts").index;
    assert!(
        (2..11).contains(&last),
        "parts up to {last} made for a listener at part 0"
    );
    // The look-ahead is full: nothing more comes until the listener moves.
    assert!(
        feed.rx.recv_timeout(Duration::from_secs(2)).is_err(),
        "synthesis went on"
    );
    assert_eq!(wav_names(s.dir()).len(), last + 1);
    // At the last part made, but paused: still nothing.
    feed.report(last, true);
    assert!(feed.rx.recv_timeout(Duration::from_secs(1)).is_err());
    // Playing on: the next part comes.
    feed.report(last, false);
    let next = feed
        .rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the next part");
    assert_eq!(next.index, last + 1);
    drop(feed);
    assert!(matches!(s.wait(), Err(TtsError::Stopped)));
}

#[test]
fn a_speed_change_deletes_the_parts_made_ahead_at_the_old_speed() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-speed-change");
    let cache = dir.join("speech");
    let mut old = tts::start(parts12(), 0, &espeak(), 1.0, &cache).expect("start");
    let old_feed = old.take_feed().expect("feed");
    let mut ahead = Vec::new();
    until_waiting(&old_feed, 0, &mut ahead);
    until_waiting(&old_feed, 1, &mut ahead);
    let last = ahead.last().expect("parts").index;
    assert!(last > 2, "parts up to {last}");
    let old_dir = old.dir().to_path_buf();
    assert_eq!(wav_names(&old_dir).len(), last + 1);

    // The same speed from another paragraph: the same folder, nothing deleted.
    let mut same = tts::start(parts12(), 1, &espeak(), 1.0, &cache).expect("start");
    assert!(herald::narration::playback::replace_speech(Some(old), &same).is_none());
    drop(old_feed);
    let same_feed = same.take_feed().expect("feed");
    until_waiting(&same_feed, 1, &mut Vec::new());
    assert!(
        wav_names(&old_dir).len() > last,
        "{:?}",
        wav_names(&old_dir)
    );

    // Faster, from the part being spoken: the parts after it at the old speed go, once the
    // player has let go of them; the ones heard stay.
    let mut faster = tts::start(parts12(), 1, &espeak(), 1.25, &cache).expect("start");
    let discarding =
        herald::narration::playback::replace_speech(Some(same), &faster).expect("another folder");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        wav_names(&old_dir).len() > 2,
        "deleted while the player still held the feed"
    );
    drop(same_feed);
    discarding.wait();
    assert_eq!(wav_names(&old_dir), ["0.wav", "1.wav"]);
    let faster_feed = faster.take_feed().expect("feed");
    let mut made = Vec::new();
    until_waiting(&faster_feed, 1, &mut made);
    assert_eq!(made.first().map(|p| p.index), Some(1));
    assert_ne!(faster.dir(), old_dir.as_path());
    assert_eq!(wav_names(faster.dir()).len(), made.len());
}

#[test]
fn writing_a_wav_keeps_no_second_copy_in_the_cache() {
    if !have("espeak-ng") {
        return;
    }
    let dir = common::temp_dir("tts-out");
    let counter = dir.join("runs.txt");
    let script = format!(
        "echo run >> '{}'; exec espeak-ng --stdout -s {{rate}}",
        counter.display()
    );
    let config = command(&["sh", "-c", &script]);
    let cache = dir.join("speech");
    let out = dir.join("all.wav");
    let timeline = tts::synthesize_to_wav(&parts3(), &config, 1.0, &cache, &out).expect("wav");
    assert_eq!(count_lines(&counter), 3);
    let folders: Vec<_> = std::fs::read_dir(&cache)
        .expect("cache")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(
        folders.iter().all(|f| wav_names(f).is_empty()),
        "parts kept in the cache: {folders:?}"
    );
    let total = timeline.total().expect("complete").as_secs_f64();
    let written = wav_duration(&out).as_secs_f64();
    assert!(
        (written - total).abs() < 0.001,
        "{written} s, timeline {total} s"
    );

    // Parts already cached (played before) are read, not made again.
    let mut s = tts::start(parts3(), 0, &config, 1.0, &cache).expect("start");
    collect(&s.take_feed().expect("feed"));
    assert_eq!(count_lines(&counter), 6);
    let again = dir.join("again.wav");
    let second = tts::synthesize_to_wav(&parts3(), &config, 1.0, &cache, &again).expect("wav");
    assert_eq!(count_lines(&counter), 6, "the engine ran again");
    assert_eq!(second, timeline);
    assert_eq!(
        std::fs::read(&again).expect("wav"),
        std::fs::read(&out).expect("wav")
    );
}
