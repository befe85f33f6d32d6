//! Hearing the pitch of a recording, to check that a speed change keeps the voice.

/// The median fundamental of the voiced stretches, by autocorrelation over 40 ms windows
/// taken evenly through the recording, looking between 70 and 300 Hz.
pub fn median_f0(samples: &[f32], rate: u32) -> f64 {
    let window = (rate / 25) as usize;
    let (shortest, longest) = ((rate / 300) as usize, (rate / 70) as usize);
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    let step = (samples.len() / 300).max(1);
    let mut found: Vec<f64> = (0..samples.len().saturating_sub(window + longest))
        .step_by(step)
        .filter_map(|start| {
            let w = &samples[start..start + window + longest];
            let energy: f32 = w[..window].iter().map(|s| s * s).sum();
            if energy < window as f32 * (peak * 0.05).powi(2) {
                return None;
            }
            let corr = |lag: usize| -> f32 { (0..window).map(|i| w[i] * w[i + lag]).sum() };
            let lag = (shortest..=longest).max_by(|&a, &b| corr(a).total_cmp(&corr(b)))?;
            Some(f64::from(rate) / lag as f64)
        })
        .collect();
    assert!(found.len() > 50, "only {} voiced windows", found.len());
    found.sort_by(f64::total_cmp);
    found[found.len() / 2]
}
