//! The Cranelift backend: compiles a kir [`Kernel`](crate::kir::Kernel) to machine code.
//!
//! Skeleton: code generation is being written; `compile` reports that it is unavailable.

use crate::kir::Kernel;

/// A compiled kernel (see the calling convention in `crate::kir`).
pub struct Compiled {
    pub entry: unsafe extern "C" fn(args: *const i64, start: i64, end: i64),
    /// The Cranelift IR text, kept for `HPXL_DEBUG>=4` and `--dump kernels`.
    pub clif: String,
}

/// Compiles `k`; the error describes what the backend could not lower.
pub fn compile(k: &Kernel) -> Result<Compiled, String> {
    let _ = k;
    Err("the cranelift backend is not built yet".into())
}
