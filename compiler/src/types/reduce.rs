//! Accumulator and result dtypes of reductions and scans, as NumPy's `sum`, `mean`,
//! `cumsum`, ... choose them.

use hpxl_runtime::{DType, Kind};

use super::TypeError;
use crate::ops::{ReduceOp, ScanOp};

/// The accumulator of NumPy's add/multiply reductions and scans: bool and integers
/// narrower than the platform integer are widened to int64 (bool, signed) or uint64
/// (unsigned), so `sum(int8_array)` is int64 and `sum(uint8_array)` uint64; 64-bit
/// integers and floats keep their dtype.
fn sum_accumulator(x: DType) -> DType {
    match x.kind() {
        Kind::Bool | Kind::Int => DType::Int64,
        Kind::UInt => DType::UInt64,
        Kind::Float => x,
    }
}

/// The accumulator of `mean`/`var`/`std`: float64 for bool and integers (NumPy passes
/// `dtype=float64` for them); floats keep their dtype (float32 accumulates in float32).
fn mean_accumulator(x: DType) -> DType {
    if x.is_float() {
        x
    } else {
        DType::Float64
    }
}

/// The loop (accumulator) dtype and result dtype of a reduction over an array of dtype
/// `x`, as NumPy: sum/prod per `sum_accumulator`, mean/var/std per `mean_accumulator`,
/// min/max keep the dtype, argmin/argmax/count_nonzero give int64, any/all give bool
/// (each element tested for non-zero in its own dtype); the nan-variants as the plain
/// ones (for integers NumPy's nan-functions call the plain ones).
pub fn reduce_loop(op: ReduceOp, x: DType) -> Result<(DType, DType), TypeError> {
    use ReduceOp::*;
    Ok(match op {
        Sum | Prod | NanSum | NanProd => (sum_accumulator(x), sum_accumulator(x)),
        Min | Max | NanMin | NanMax => (x, x),
        ArgMin | ArgMax | NanArgMin | NanArgMax => (x, DType::Int64),
        Any | All => (DType::Bool, DType::Bool),
        CountNonzero => (DType::Int64, DType::Int64),
        Mean | NanMean | Var { .. } | Std { .. } | NanVar { .. } | NanStd { .. } => {
            (mean_accumulator(x), mean_accumulator(x))
        }
    })
}

/// The loop (accumulator) dtype and result dtype of a scan: as the matching reduction
/// (`cumsum` as `sum`, `cumprod` as `prod`).
pub fn scan_loop(op: ScanOp, x: DType) -> Result<(DType, DType), TypeError> {
    match op {
        ScanOp::CumSum | ScanOp::CumProd | ScanOp::NanCumSum | ScanOp::NanCumProd => {
            Ok((sum_accumulator(x), sum_accumulator(x)))
        }
    }
}

/// The NumPy function name of a scan (`ScanOp` has no `name()` of its own yet).
pub fn scan_name(op: ScanOp) -> &'static str {
    match op {
        ScanOp::CumSum => "cumsum",
        ScanOp::CumProd => "cumprod",
        ScanOp::NanCumSum => "nancumsum",
        ScanOp::NanCumProd => "nancumprod",
    }
}
