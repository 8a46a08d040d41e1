//! Cumulative kernels (cumsum, cumprod and their NaN-ignoring forms) along one axis,
//! accumulating sequentially in the output dtype as NumPy's `accumulate` does.

use super::num::Num;
use super::{make, permuted, to_vec, with_type, KResult, KernelError};
use crate::ops::ScanOp;
use hpxl_grammar::Code;
use hpxl_runtime::{DType, NdArray};

/// Cumulative `op` along `axis` (the caller flattens for axis=None), accumulated in and
/// stored as `out_dtype`.
pub fn scan(op: ScanOp, x: &NdArray, axis: usize, out_dtype: DType) -> KResult {
    let nd = x.ndim();
    if axis >= nd {
        return Err(KernelError::new(
            Code::Internal,
            format!("interp scan: axis {axis} is out of bounds for an array of {nd} dimensions"),
        ));
    }
    // Move `axis` last so that each scan runs over a contiguous row.
    let perm: Vec<usize> = (0..nd).filter(|&d| d != axis).chain(std::iter::once(axis)).collect();
    let view = permuted(x, &perm);
    let scanned = with_type!(out_dtype, T => scan_rows::<T>(op, &view, x.shape[axis]))?;
    // Undo the permutation with a strided view, then copy into C order.
    let mut strides = vec![0isize; nd];
    for (pos, &src) in perm.iter().enumerate() {
        strides[src] = scanned.strides[pos];
    }
    let back = NdArray { data: scanned.data.clone(), shape: x.shape.clone(), strides: strides.into(), offset: 0 };
    Ok(back.to_contiguous())
}

fn scan_rows<T: Num>(op: ScanOp, view: &NdArray, k: usize) -> KResult {
    let mut v = to_vec::<T>(view).into_owned();
    if k > 0 {
        let combine: fn(T, T) -> T = match op {
            ScanOp::CumSum | ScanOp::NanCumSum => T::add,
            ScanOp::CumProd | ScanOp::NanCumProd => T::mul,
        };
        let skip_nan = match op {
            ScanOp::NanCumSum => Some(T::ZERO),
            ScanOp::NanCumProd => Some(T::ONE),
            _ => None,
        };
        for row in v.chunks_mut(k) {
            if let Some(fill) = skip_nan {
                for e in row.iter_mut() {
                    if T::is_nan(*e) {
                        *e = fill;
                    }
                }
            }
            let mut acc = row[0];
            for e in row.iter_mut().skip(1) {
                acc = combine(acc, *e);
                *e = acc;
            }
        }
    }
    Ok(make(v, view.shape.to_vec(), T::DTYPE))
}
