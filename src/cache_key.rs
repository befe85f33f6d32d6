//! The one hash for names that must stay the same across runs and Rust versions (std's
//! hashers promise neither): cache entries on disk, comments' derived ids.

/// FNV-1a, 128 bits, over length-prefixed fields: stable across Rust versions and runs.
pub fn fnv1a_128(fields: &[&[u8]]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for field in fields {
        let len = (field.len() as u64).to_le_bytes();
        for &b in len.iter().chain(field.iter()) {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}
