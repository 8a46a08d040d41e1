//! The disk cache of compiled kernels (Note [LLVM disk cache]).
//!
//! Note [LLVM disk cache]: an object file is stored under
//! `<cache dir>/llvm/<key>.o`, where the key is a 128-bit hash of the kernel's text form
//! (`kir::kernel_text`: its whole structure), the target (`cpu` or `ptx`), the compiler
//! version, the source text of the code generator itself (so a changed lowering never
//! loads a stale object, without anyone having to bump a version), and the host CPU's
//! name and features. The file starts with a header holding the kernel text, which a
//! read compares, so even a hash collision cannot load the wrong kernel. Writes go to a
//! unique temporary file in the same directory and are renamed into place, which is
//! atomic: concurrent processes either see no file or a complete one, and two writers
//! of the same key write the same bytes. The directory is `HPXL_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/hpxl`, else `~/.cache/hpxl`; `HPXL_CACHE_DIR=off` disables it. Any
//! I/O error just means a miss: the cache never fails a compilation.

use std::path::PathBuf;
use std::sync::OnceLock;

const MAGIC: &[u8; 8] = b"HPXLOBJ1";

/// The source of everything that decides the generated code.
const SOURCES: &[&str] = &[
    include_str!("mod.rs"),
    include_str!("cpu.rs"),
    include_str!("emit.rs"),
    include_str!("math.rs"),
    include_str!("divmod.rs"),
    // The PTX kernels are cached under the same key scheme.
    include_str!("../ptx/mod.rs"),
    include_str!("../jit/plan.rs"),
    include_str!("../kir/mod.rs"),
    // `math.rs` transcribes these kernels with their constants.
    include_str!("../vmath/mod.rs"),
    include_str!("../vmath/common.rs"),
    include_str!("../vmath/trig.rs"),
    include_str!("../vmath/explog.rs"),
    include_str!("../vmath/hyper.rs"),
    include_str!("../vmath/lite.rs"),
    include_str!("../vmath/powroot.rs"),
];

fn fnv(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = seed;
    for p in parts {
        for &b in *p {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        // Separate the parts, so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// FNV-1a's mixing over 8-byte words: the same strength for telling sources apart, an
/// eighth of the multiplications. The generator's ~110 KB of source are hashed by the
/// first kernel of every process; word-wise hashing took ~0.07 ms off that disk-cache hit
/// (benches/README.md).
fn fnv_words(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = seed;
    for p in parts {
        let mut chunks = p.chunks_exact(8);
        for c in &mut chunks {
            h ^= u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = h.wrapping_mul(0x100000001b3);
        }
        for &b in chunks.remainder() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        h ^= 0xff ^ ((p.len() as u64) << 8);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn generator_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| {
        let parts: Vec<&[u8]> = SOURCES.iter().map(|s| s.as_bytes()).collect();
        format!("{:016x}{:016x}", fnv_words(0xcbf29ce484222325, &parts), fnv_words(0x84222325cbf29ce4, &parts))
    })
}

#[cfg_attr(not(feature = "_ptx"), allow(dead_code))] // used by `crate::ptx`
pub(crate) fn text_hash(text: &str) -> String {
    format!("{:016x}", fnv(0xcbf29ce484222325, &[text.as_bytes()]))
}

/// The cache key of a kernel with text form `text` for `target` (32 hex digits).
pub(crate) fn key(target: &str, text: &str) -> String {
    let (cpu, features) = super::host_cpu();
    let parts: [&[u8]; 6] = [
        target.as_bytes(),
        text.as_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        generator_hash().as_bytes(),
        cpu.as_bytes(),
        features.as_bytes(),
    ];
    format!("{:016x}{:016x}", fnv(0xcbf29ce484222325, &parts), fnv(0x84222325cbf29ce4, &parts))
}

/// The cache directory, or `None` when disabled or unknown.
pub(crate) fn dir() -> Option<PathBuf> {
    let base = match std::env::var_os("HPXL_CACHE_DIR") {
        Some(d) if d == "off" => return None,
        Some(d) => PathBuf::from(d),
        None => match std::env::var_os("XDG_CACHE_HOME") {
            Some(x) if !x.is_empty() => PathBuf::from(x).join("hpxl"),
            _ => PathBuf::from(std::env::var_os("HOME")?).join(".cache").join("hpxl"),
        },
    };
    Some(base.join("llvm"))
}

fn path(key: &str, ext: &str) -> Option<PathBuf> {
    Some(dir()?.join(format!("{key}.{ext}")))
}

fn header(text: &str) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&(text.len() as u64).to_le_bytes());
    h.extend_from_slice(text.as_bytes());
    h
}

/// The cached payload for `key`, if present and made for a kernel with text `text`.
pub(crate) fn read_ext(key: &str, text: &str, ext: &str) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path(key, ext)?).ok()?;
    let h = header(text);
    if bytes.len() < h.len() || bytes[..h.len()] != h[..] {
        return None;
    }
    Some(bytes[h.len()..].to_vec())
}

/// Stores `payload` for `key` (atomically; errors are ignored).
pub(crate) fn write_ext(key: &str, text: &str, payload: &[u8], ext: &str) {
    let Some(final_path) = path(key, ext) else { return };
    let Some(d) = final_path.parent() else { return };
    if std::fs::create_dir_all(d).is_err() {
        return;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|t| t.as_nanos()).unwrap_or(0);
    let tmp = d.join(format!(".{key}.{}.{nanos}.tmp", std::process::id()));
    let mut bytes = header(text);
    bytes.extend_from_slice(payload);
    if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, &final_path).is_ok() {
        return;
    }
    let _ = std::fs::remove_file(&tmp);
}

pub(crate) fn read(key: &str, text: &str) -> Option<Vec<u8>> {
    read_ext(key, text, "o")
}

pub(crate) fn write(key: &str, text: &str, object: &[u8]) {
    write_ext(key, text, object, "o")
}
