//! `matmul` with NumPy semantics: 1-D operands are promoted to matrices and the added
//! dimension removed from the result, leading (batch) dimensions broadcast.
//!
//! Float products (float32, float64) run faer's GEMM kernels on fixed output tiles;
//! integer and bool products run an exact loop (wrapping, as NumPy's integer loops).
//! See Note [Deterministic matmul tiles].

use super::num::Num;
use super::{broadcast_shapes, make, to_vec, with_type, KResult, KernelError};
use crate::library::linalg::remapped_broadcast_message;
use faer::{Accum, MatMut, MatRef, Par};
use hpxl_grammar::Code;
use hpxl_runtime::{contiguous_strides, exec, DType, NdArray};

const SIGNATURE: &str = "(n?,k),(k,m?)->(n?,m?)";

// Note [Deterministic matmul tiles]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A product is cut into work items: one per (batch entry, row tile, column tile) of the
// output. The tile sizes are a function of the core shape (n, k, m) only (`tiling`),
// never of the thread count, and every item is computed by faer's *sequential* kernel
// (`Par::Seq`) into its own disjoint block of the output. Each output element is
// therefore produced by the same kernel call, with the same packing and the same order
// of its k-sum, however many threads share the items: the result is bitwise identical
// for 1, 2, 3 or 64 threads. (faer's own `Par::rayon(n)` makes no such promise, so we
// do not use it.) A product of fewer than `SINGLE_TILE_WORK` multiply-adds is one tile;
// larger ones use tiles of about `TILE_OUTPUTS` elements, 256 wide when the output has
// more than 512 columns: a tile then reads a 256-row panel of A (n x k) and a 256-column
// panel of B, which faer packs once per call. Items are handed to the executor in blocks
// of at least `MIN_TASK_WORK` multiply-adds so that stacks of tiny matrices do not pay
// one task each.

/// Products with at most this many multiply-adds are a single tile.
const SINGLE_TILE_WORK: usize = 1 << 21;
/// Target number of output elements per tile.
const TILE_OUTPUTS: usize = 1 << 16;
/// Minimum multiply-adds per executor task.
const MIN_TASK_WORK: usize = 1 << 18;

/// NumPy `matmul`; inputs are converted to `out_dtype`. Float sums use faer's kernels
/// (Note [Deterministic matmul tiles]); integer sums wrap, as NumPy's.
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
        let mut core = Vec::new();
        if !a_vec {
            core.push(n);
        }
        if !b_vec {
            core.push(m);
        }
        let message = remapped_broadcast_message(&[(&a.shape, a_batch.len()), (&b.shape, b_batch.len())], &core);
        return Err(KernelError::new(Code::Shape, message));
    };
    let mut out_shape = batch.clone();
    if !a_vec {
        out_shape.push(n);
    }
    if !b_vec {
        out_shape.push(m);
    }
    let geometry = Geometry { batch: batch.to_vec(), a_batch: a_batch.to_vec(), b_batch: b_batch.to_vec(), n, k, m };
    match out_dtype {
        DType::Float64 => float_matmul::<f64>(a, b, &geometry, out_shape.to_vec()),
        DType::Float32 => float_matmul::<f32>(a, b, &geometry, out_shape.to_vec()),
        _ => with_type!(out_dtype, T => exact_matmul::<T>(a, b, &geometry, out_shape.to_vec())),
    }
}

/// The shape of one product: batch shapes (before and after broadcasting) and the core
/// sizes `(n, k) x (k, m)`.
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

/// Tile sizes (rows, columns) of the output of an `(n, k) x (k, m)` product; depends on
/// the shape only (Note [Deterministic matmul tiles]).
fn tiling(n: usize, k: usize, m: usize) -> (usize, usize) {
    if n.saturating_mul(k).saturating_mul(m) <= SINGLE_TILE_WORK {
        return (n.max(1), m.max(1));
    }
    let cols = if m <= 512 { m.max(1) } else { 256 };
    let rows = (TILE_OUTPUTS / cols).max(64);
    (rows, cols)
}

/// A raw pointer to the output buffer that work items write disjoint tiles of.
#[derive(Clone, Copy)]
struct OutPtr<T>(*mut T);
// SAFETY: every work item writes only its own tile of the buffer (disjoint element
// ranges), and the buffer outlives the parallel region (`for_blocks` returns after all
// items ran).
unsafe impl<T: Send> Send for OutPtr<T> {}
unsafe impl<T: Send> Sync for OutPtr<T> {}

/// Runs `tile(batch, r0, r1, c0, c1)` for every output tile of every batch entry, on the
/// executor, in blocks whose size depends only on the geometry.
fn for_tiles(g: &Geometry, n_batch: usize, tile: impl Fn(usize, usize, usize, usize, usize) + Sync) {
    let (n, k, m) = (g.n, g.k, g.m);
    let (tr, tc) = tiling(n, k, m);
    let (rows_tiles, cols_tiles) = (n.div_ceil(tr), m.div_ceil(tc));
    let per_batch = rows_tiles * cols_tiles;
    let items = n_batch * per_batch;
    let item_work = (tr.min(n) * tc.min(m) * k).max(1);
    let block = (MIN_TASK_WORK / item_work).max(1);
    exec::for_blocks(items, block, |start, end| {
        for item in start..end {
            let (bi, t) = (item / per_batch, item % per_batch);
            let (ti, tj) = (t / cols_tiles, t % cols_tiles);
            tile(bi, ti * tr, ((ti + 1) * tr).min(n), tj * tc, ((tj + 1) * tc).min(m));
        }
    });
}

/// A float type faer multiplies natively.
trait Gemm: Num + Send + Sync {
    /// `c[r0..r1, c0..c1] = a[r0..r1, :] @ b[:, c0..c1]` for row-major `a` (n x k),
    /// `b` (k x m) and `c` (n x m), with faer's sequential kernel.
    ///
    /// # Safety
    /// `a`, `b` and `c` must point to matrices of these sizes, and no other thread may
    /// access the tile of `c` meanwhile.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm_tile(
        a: &[Self],
        b: &[Self],
        c: *mut Self,
        k: usize,
        m: usize,
        rows: (usize, usize),
        cols: (usize, usize),
    );
}

macro_rules! impl_gemm {
    ($($t:ty),*) => {$(
        impl Gemm for $t {
            unsafe fn gemm_tile(
                a: &[Self],
                b: &[Self],
                c: *mut Self,
                k: usize,
                m: usize,
                (r0, r1): (usize, usize),
                (c0, c1): (usize, usize),
            ) {
                // faer is column-major friendly; a row-major C = A B is the column-major
                // product C^T = B^T A^T of the same buffers, with no copy.
                let (k_i, m_i) = (k as isize, m as isize);
                let dst = MatMut::<$t>::from_raw_parts_mut(c.add(r0 * m + c0), c1 - c0, r1 - r0, 1, m_i);
                let lhs = MatRef::<$t>::from_raw_parts(b.as_ptr().add(c0), c1 - c0, k, 1, m_i);
                let rhs = MatRef::<$t>::from_raw_parts(a.as_ptr().add(r0 * k), k, r1 - r0, 1, k_i);
                faer::linalg::matmul::matmul(dst, Accum::Replace, lhs, rhs, 1.0, Par::Seq);
            }
        }
    )*};
}
impl_gemm!(f32, f64);

/// An output buffer of `len` elements from the pool (contents unspecified).
fn output<T: Num>(len: usize) -> Result<Vec<T>, KernelError> {
    hpxl_runtime::pool::take(T::DTYPE, len)
        .map(T::unwrap)
        .ok_or_else(|| KernelError::new(Code::Alloc, format!("cannot allocate the {len}-element matmul result")))
}

fn float_matmul<T: Gemm>(a: &NdArray, b: &NdArray, g: &Geometry, out_shape: Vec<usize>) -> KResult {
    let av = to_vec::<T>(a);
    let bv = to_vec::<T>(b);
    let (n, k, m) = (g.n, g.k, g.m);
    let a_off = batch_offsets(&g.a_batch, &g.batch);
    let b_off = batch_offsets(&g.b_batch, &g.batch);
    let mut out = output::<T>(a_off.len() * n * m)?;
    if k == 0 {
        out.fill(T::ZERO);
    } else {
        let ptr = OutPtr(out.as_mut_ptr());
        let (av, bv) = (&*av, &*bv);
        for_tiles(g, a_off.len(), |bi, r0, r1, c0, c1| {
            let ptr = ptr;
            let am = &av[a_off[bi] * n * k..(a_off[bi] + 1) * n * k];
            let bm = &bv[b_off[bi] * k * m..(b_off[bi] + 1) * k * m];
            // SAFETY: `am`/`bm` are whole matrices of this batch entry, and tiles of
            // distinct items are disjoint parts of the output.
            unsafe {
                T::gemm_tile(am, bm, ptr.0.add(bi * n * m), k, m, (r0, r1), (c0, c1));
            }
        });
    }
    Ok(make(out, out_shape, T::DTYPE))
}

/// Integer and bool products: exact (wrapping) sums in natural order, on the same tiles.
fn exact_matmul<T: Num + Send + Sync>(a: &NdArray, b: &NdArray, g: &Geometry, out_shape: Vec<usize>) -> KResult {
    let av = to_vec::<T>(a);
    let bv = to_vec::<T>(b);
    let (n, k, m) = (g.n, g.k, g.m);
    let a_off = batch_offsets(&g.a_batch, &g.batch);
    let b_off = batch_offsets(&g.b_batch, &g.batch);
    let mut out = output::<T>(a_off.len() * n * m)?;
    out.fill(T::ZERO);
    let ptr = OutPtr(out.as_mut_ptr());
    let (av, bv) = (&*av, &*bv);
    for_tiles(g, a_off.len(), |bi, r0, r1, c0, c1| {
        let ptr = ptr;
        let am = &av[a_off[bi] * n * k..(a_off[bi] + 1) * n * k];
        let bm = &bv[b_off[bi] * k * m..(b_off[bi] + 1) * k * m];
        for i in r0..r1 {
            // SAFETY: row `i`, columns c0..c1 of this batch entry belong to this tile only.
            let crow = unsafe { std::slice::from_raw_parts_mut(ptr.0.add(bi * n * m + i * m + c0), c1 - c0) };
            // ikj order: the row accumulates scaled rows of `b`.
            for p in 0..k {
                let aip = am[i * k + p];
                let brow = &bm[p * m + c0..p * m + c1];
                for (c, &bpj) in crow.iter_mut().zip(brow) {
                    *c = T::add(*c, T::mul(aip, bpj));
                }
            }
        }
    });
    Ok(make(out, out_shape, T::DTYPE))
}
