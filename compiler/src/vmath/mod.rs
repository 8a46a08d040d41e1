//! Vectorised transcendental functions over slices (see `docs/accuracy.md`).
//!
//! Skeleton: the implementations are being written; every lookup answers `None`, and
//! callers fall back to the interp backend's scalar functions.

use crate::ops::{BinaryOp, UnaryOp};
use hpxl_runtime::DType;

/// `out[i] = f(x[i])` for `i < n`; `out` may be exactly `x` (in place), never a partial overlap.
pub type UnarySlice = unsafe extern "C" fn(x: *const u8, out: *mut u8, n: usize);
/// `out[i] = f(a[i], b[i])` for `i < n`; `out` may be exactly `a` or `b`.
pub type BinarySlice = unsafe extern "C" fn(a: *const u8, b: *const u8, out: *mut u8, n: usize);

/// The vectorised implementation of `op` for `dtype` (float32 or float64), if there is one.
pub fn unary_slice(op: UnaryOp, dtype: DType) -> Option<UnarySlice> {
    let _ = (op, dtype);
    None
}

/// The vectorised implementation of `op` for `dtype` (float32 or float64), if there is one.
pub fn binary_slice(op: BinaryOp, dtype: DType) -> Option<BinarySlice> {
    let _ = (op, dtype);
    None
}
