//! The builtin documentation (`stdlib/docs/builtins.toml`), compiled into the binary and
//! parsed on first use (`:help`, signatures for hints and keyword completion).

use hpxl_repl::docs::{parse, Doc};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The documentation file's text.
pub const TEXT: &str = include_str!("../../stdlib/docs/builtins.toml");

/// Every entry by name (`linspace`, `linalg.norm`, `ndarray.sum`).
pub fn all() -> &'static HashMap<String, Doc> {
    static DOCS: OnceLock<HashMap<String, Doc>> = OnceLock::new();
    DOCS.get_or_init(|| parse(TEXT).unwrap_or_default().into_iter().map(|d| (d.name.clone(), d)).collect())
}

/// The entry for a name as typed: `np.linalg.norm`, `numpy.sum`, `linalg.norm`, `sum`,
/// `a.sum` style method names are resolved by the caller to `ndarray.sum`.
pub fn find(name: &str) -> Option<&'static Doc> {
    let name = name.trim();
    let short = name.strip_prefix("np.").or_else(|| name.strip_prefix("numpy.")).unwrap_or(name);
    all().get(short).or_else(|| all().get(&format!("ndarray.{short}")))
}
