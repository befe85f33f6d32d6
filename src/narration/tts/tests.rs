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
