//! How much memory this machine can give an array: an allocation larger than physical
//! memory cannot succeed, so it is refused with a diagnostic instead of aborting.

use std::sync::OnceLock;

/// Fallback limit when the machine's memory size cannot be read (64 TiB).
const FALLBACK_LIMIT: u128 = 1 << 46;

/// Total physical memory in bytes (Linux `/proc/meminfo`), read once.
pub fn memory_limit_bytes() -> u128 {
    static LIMIT: OnceLock<u128> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        let Ok(text) = std::fs::read_to_string("/proc/meminfo") else { return FALLBACK_LIMIT };
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("MemTotal:") {
                let kib = rest.trim().trim_end_matches("kB").trim().parse::<u128>().ok();
                if let Some(kib) = kib {
                    return kib * 1024;
                }
            }
        }
        FALLBACK_LIMIT
    })
}
