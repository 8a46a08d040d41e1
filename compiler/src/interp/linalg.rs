//! `matmul` with NumPy semantics: 1-D operands are promoted to matrices and the added
//! dimension removed from the result, leading (batch) dimensions broadcast.

use super::num::Num;
use super::{broadcast_shapes, make, shape_str, to_vec, with_type, KResult, KernelError};
use hpxl_grammar::Code;
use hpxl_runtime::{contiguous_strides, DType, NdArray};

const SIGNATURE: &str = "(n?,k),(k,m?)->(n?,m?)";

/// NumPy `matmul`; inputs are converted to `out_dtype`, sums run in natural order.
pub fn matmul(a: &NdArray, b: &NdArray, out_dtype: DType) -> KResult {
    for (i, x) in [a, b].iter().enumerate() {
        if x.ndim() == 0 {
            return Err(KernelError::new(
                Code::Shape,
                format!(
                    "matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with \
                     signature {SIGNATURE} requires 1)"
                ),
            ));
        }
    }
    let a_vec = a.ndim() == 1;
    let b_vec = b.ndim() == 1;
    // Core shapes (n, k) and (k2, m) after promoting 1-D operands.
    let (n, k) = if a_vec { (1, a.shape[0]) } else { (a.shape[a.ndim() - 2], a.shape[a.ndim() - 1]) };
    let (k2, m) = if b_vec { (b.shape[0], 1) } else { (b.shape[b.ndim() - 2], b.shape[b.ndim() - 1]) };
    if k != k2 {
        return Err(KernelError::new(
            Code::Shape,
            format!(
                "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \
                 {SIGNATURE} (size {k2} is different from {k})"
            ),
        ));
    }
    let a_batch: &[usize] = if a_vec { &[] } else { &a.shape[..a.ndim() - 2] };
    let b_batch: &[usize] = if b_vec { &[] } else { &b.shape[..b.ndim() - 2] };
    let Some(batch) = broadcast_shapes(a_batch, b_batch) else {
        let remap = |shape: &[usize], batch: &[usize]| {
            let mut parts: Vec<String> = batch.iter().map(|d| d.to_string()).collect();
            parts.push("newaxis".into());
            parts.push("newaxis".into());
            format!("{}->({})", shape_str(shape), parts.join(","))
        };
        let mut core = Vec::new();
        if !a_vec {
            core.push(n);
        }
        if !b_vec {
            core.push(m);
        }
        return Err(KernelError::new(
            Code::Shape,
            format!(
                "operands could not be broadcast together with remapped shapes [original->remapped]: {} {}  \
                 and requested shape {}",
                remap(&a.shape, a_batch),
                remap(&b.shape, b_batch),
                shape_str(&core)
            ),
        ));
    };
    let mut out_shape = batch.clone();
    if !a_vec {
        out_shape.push(n);
    }
    if !b_vec {
        out_shape.push(m);
    }
    let geometry = Geometry { batch, a_batch: a_batch.to_vec(), b_batch: b_batch.to_vec(), n, k, m };
    with_type!(out_dtype, T => matmul_typed::<T>(a, b, &geometry, out_shape))
}

struct Geometry {
    batch: Vec<usize>,
    a_batch: Vec<usize>,
    b_batch: Vec<usize>,
    n: usize,
    k: usize,
    m: usize,
}

/// Offsets (in matrices) of each batch entry of an operand with batch shape `own`
/// broadcast to `batch`.
fn batch_offsets(own: &[usize], batch: &[usize]) -> Vec<usize> {
    let total: usize = batch.iter().product();
    let lead = batch.len() - own.len();
    let own_strides = contiguous_strides(own);
    let strides: Vec<usize> = (0..batch.len())
        .map(|i| if i < lead || own[i - lead] == 1 { 0 } else { own_strides[i - lead] as usize })
        .collect();
    let mut out = Vec::with_capacity(total);
    let mut idx = vec![0usize; batch.len()];
    for _ in 0..total {
        out.push(idx.iter().zip(&strides).map(|(i, s)| i * s).sum());
        for d in (0..batch.len()).rev() {
            idx[d] += 1;
            if idx[d] < batch[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    out
}

fn matmul_typed<T: Num>(a: &NdArray, b: &NdArray, g: &Geometry, out_shape: Vec<usize>) -> KResult {
    let av = to_vec::<T>(a);
    let bv = to_vec::<T>(b);
    let (n, k, m) = (g.n, g.k, g.m);
    let a_off = batch_offsets(&g.a_batch, &g.batch);
    let b_off = batch_offsets(&g.b_batch, &g.batch);
    let mut out = vec![T::ZERO; a_off.len() * n * m];
    for (bi, (&ao, &bo)) in a_off.iter().zip(&b_off).enumerate() {
        let am = &av[ao * n * k..(ao + 1) * n * k];
        let bm = &bv[bo * k * m..(bo + 1) * k * m];
        let cm = &mut out[bi * n * m..(bi + 1) * n * m];
        // ikj order: each output row accumulates scaled rows of `b`, so every output
        // element still sums its products in natural (p = 0, 1, ...) order.
        for i in 0..n {
            let crow = &mut cm[i * m..(i + 1) * m];
            for p in 0..k {
                let aip = am[i * k + p];
                let brow = &bm[p * m..(p + 1) * m];
                for (c, &bpj) in crow.iter_mut().zip(brow) {
                    *c = T::add(*c, T::mul(aip, bpj));
                }
            }
        }
    }
    Ok(make(out, out_shape, T::DTYPE))
}
