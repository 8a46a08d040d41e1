//! Library routines for the stdlib's linalg functions (see `crate::library`):
//! `linalg.solve`, `linalg.inv`, `linalg.det` and the singular values behind the
//! 2-norm and nuclear norm, over stacks of matrices, computed with faer.
//!
//! As NumPy's `numpy.linalg` (LAPACK in double precision), every routine works in
//! float64 and stores its result as the node's dtype (float32 when all inputs were
//! float32). Matrices of a stack are independent, so they are computed in parallel
//! (one task per matrix) with faer's sequential routines: the result does not depend on
//! the thread count. (faer's dense solvers take their parallelism from its global
//! setting, which is sequential as long as faer's `rayon` feature is off, as it is in
//! this workspace.)
//!
//! Note [NumPy's det]: NumPy computes `det` as `sign * exp(logdet)` from the LU factors
//! (`slogdet`), not as the product of the pivots, so `det([[1, 2], [3, 4]])` is
//! `-2.0000000000000004`. We do the same, from the same partial-pivoting LU: the sign is
//! the parity of the row permutation times the signs of the pivots, `logdet` the sum of
//! `ln |u_ii|` in order. An exactly zero pivot (LAPACK's `info > 0`) gives `0.0`.
//! `inv(a)` is, as in NumPy, the solution of `a x = I` (LAPACK `gesv`), not a product of
//! triangular inverses. An exactly zero pivot makes `solve` and `inv` fail with NumPy's
//! `LinAlgError: Singular matrix`.

use super::LibraryFn;
use crate::interp::{broadcast_to, make, shape_str, to_vec, KernelError};
use faer::linalg::solvers::Solve as _;
use faer::{Mat, MatRef};
use hpxl_grammar::Code;
use hpxl_runtime::{exec, DType, NdArray};

/// NumPy's message when the loop dimensions of a generalised ufunc do not broadcast:
/// each operand's shape with its core dimensions shown as `newaxis`. `operands` pairs a
/// shape with the number of its loop (batch) dimensions; `core` is the requested core
/// shape of the output.
pub fn remapped_broadcast_message(operands: &[(&[usize], usize)], core: &[usize]) -> String {
    let remap = |(shape, n_loop): &(&[usize], usize)| {
        let mut parts: Vec<String> = shape[..*n_loop].iter().map(|d| d.to_string()).collect();
        parts.extend(std::iter::repeat_n("newaxis".to_string(), shape.len() - n_loop));
        format!("{}->({})", shape_str(shape), parts.join(","))
    };
    let parts: Vec<String> = operands.iter().map(remap).collect();
    format!(
        "operands could not be broadcast together with remapped shapes [original->remapped]: {}  and requested shape {}",
        parts.join(" "),
        shape_str(core)
    )
}

fn singular() -> KernelError {
    KernelError::new(Code::Value, "Singular matrix")
}

/// The matrices of `x` (shape `batch + (r, c)`) broadcast to `batch`, as float64 in C order.
fn stack_f64(x: &NdArray, batch: &[usize]) -> Result<Vec<f64>, KernelError> {
    let core = &x.shape[x.ndim() - 2..];
    let mut shape = batch.to_vec();
    shape.extend_from_slice(core);
    let view = broadcast_to(x, &shape).ok_or_else(|| {
        KernelError::new(Code::Internal, format!("linalg: cannot broadcast {:?} to {shape:?}", x.shape))
    })?;
    Ok(to_vec::<f64>(&view).into_owned())
}

/// A faer matrix holding the `rows x cols` row-major block at the start of `v`.
fn matrix(v: &[f64], rows: usize, cols: usize) -> Mat<f64> {
    Mat::from_fn(rows, cols, |i, j| v[i * cols + j])
}

/// Appends `x` (rows x cols) to `out` in row-major order.
fn push_rows(out: &mut Vec<f64>, x: MatRef<'_, f64>) {
    for i in 0..x.nrows() {
        for j in 0..x.ncols() {
            out.push(x[(i, j)]);
        }
    }
}

/// Runs `f` on matrix `i` of a stack of `count` for every `i` (in parallel), and
/// concatenates the results in order; the first error wins.
fn per_matrix(
    count: usize,
    f: impl Fn(usize) -> Result<Vec<f64>, KernelError> + Sync,
) -> Result<Vec<f64>, KernelError> {
    let parts = exec::map_indices(count, f);
    let mut out = Vec::new();
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// The LU factorisation of a square matrix, or the singular-matrix error.
fn lu_nonsingular(a: &Mat<f64>) -> Result<faer::linalg::solvers::PartialPivLu<f64>, KernelError> {
    let lu = a.partial_piv_lu();
    let u = lu.U();
    if (0..u.nrows()).any(|i| u[(i, i)] == 0.0) {
        return Err(singular());
    }
    Ok(lu)
}

/// `linalg.solve(a, b)`: `a` is `(..., m, m)`; `b` is `(m,)` when `vector_rhs`, else
/// `(..., m, k)`. Shapes were checked when the node was built; the node's shape is the
/// result's.
#[derive(Debug)]
pub struct Solve {
    pub vector_rhs: bool,
}

impl LibraryFn for Solve {
    fn name(&self) -> &'static str {
        "linalg.solve"
    }

    fn describe(&self) -> String {
        if self.vector_rhs {
            "rhs=vector".into()
        } else {
            "rhs=matrix".into()
        }
    }

    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let (a, b) = (&inputs[0], &inputs[1]);
        let m = a.shape[a.ndim() - 1];
        let (batch, k) = if self.vector_rhs {
            (shape[..shape.len() - 1].to_vec(), 1)
        } else {
            (shape[..shape.len() - 2].to_vec(), shape[shape.len() - 1])
        };
        let count: usize = batch.iter().product();
        let av = stack_f64(a, &batch)?;
        let bv = if self.vector_rhs {
            // One right-hand side shared by every matrix of the stack.
            to_vec::<f64>(b).into_owned()
        } else {
            stack_f64(b, &batch)?
        };
        let out = per_matrix(count, |i| {
            let lu = lu_nonsingular(&matrix(&av[i * m * m..], m, m))?;
            let rhs = if self.vector_rhs { matrix(&bv, m, 1) } else { matrix(&bv[i * m * k..], m, k) };
            let x = lu.solve(&rhs);
            let mut v = Vec::with_capacity(m * k);
            push_rows(&mut v, x.as_ref());
            Ok(v)
        })?;
        Ok(make(out, shape.to_vec(), dtype))
    }
}

/// `linalg.inv(a)` of a `(..., m, m)` stack: the solution of `a x = I`.
#[derive(Debug)]
pub struct Inv;

impl LibraryFn for Inv {
    fn name(&self) -> &'static str {
        "linalg.inv"
    }

    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let a = &inputs[0];
        let m = a.shape[a.ndim() - 1];
        let batch = &shape[..shape.len() - 2];
        let count: usize = batch.iter().product();
        let av = stack_f64(a, batch)?;
        let out = per_matrix(count, |i| {
            let lu = lu_nonsingular(&matrix(&av[i * m * m..], m, m))?;
            let x = lu.solve(Mat::<f64>::identity(m, m));
            let mut v = Vec::with_capacity(m * m);
            push_rows(&mut v, x.as_ref());
            Ok(v)
        })?;
        Ok(make(out, shape.to_vec(), dtype))
    }
}

/// `linalg.det(a)` of a `(..., m, m)` stack (Note [NumPy's det]).
#[derive(Debug)]
pub struct Det;

/// The sign of a permutation given as the image of each index: `(-1)^(n - cycles)`.
fn permutation_sign(perm: &[usize]) -> f64 {
    let mut seen = vec![false; perm.len()];
    let mut sign = 1.0;
    for start in 0..perm.len() {
        if seen[start] {
            continue;
        }
        let mut len = 0;
        let mut j = start;
        while !seen[j] {
            seen[j] = true;
            j = perm[j];
            len += 1;
        }
        if len % 2 == 0 {
            sign = -sign;
        }
    }
    sign
}

fn det_of(a: &Mat<f64>) -> f64 {
    let m = a.nrows();
    if m == 0 {
        return 1.0;
    }
    let lu = a.partial_piv_lu();
    let u = lu.U();
    if (0..m).any(|i| u[(i, i)] == 0.0) {
        return 0.0;
    }
    let perm: Vec<usize> = lu.P().arrays().0.to_vec();
    let mut sign = permutation_sign(&perm);
    let mut logdet = 0.0f64;
    for i in 0..m {
        let mut d = u[(i, i)];
        if d < 0.0 {
            sign = -sign;
            d = -d;
        }
        logdet += d.ln();
    }
    sign * logdet.exp()
}

impl LibraryFn for Det {
    fn name(&self) -> &'static str {
        "linalg.det"
    }

    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let a = &inputs[0];
        let m = a.shape[a.ndim() - 1];
        let count: usize = shape.iter().product();
        let av = stack_f64(a, shape)?;
        let out = per_matrix(count, |i| Ok(vec![det_of(&matrix(&av[i * m * m..], m, m))]))?;
        Ok(make(out, shape.to_vec(), dtype))
    }
}

/// The singular values (non-increasing) of each matrix of a `(..., r, c)` stack: shape
/// `(..., min(r, c))`. The 2-norm, -2-norm and nuclear norm reduce them.
#[derive(Debug)]
pub struct SingularValues;

impl LibraryFn for SingularValues {
    fn name(&self) -> &'static str {
        "linalg.svdvals"
    }

    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let a = &inputs[0];
        let (r, c) = (a.shape[a.ndim() - 2], a.shape[a.ndim() - 1]);
        let batch = &shape[..shape.len() - 1];
        let count: usize = batch.iter().product();
        let av = stack_f64(a, batch)?;
        let out = per_matrix(count, |i| {
            if r.min(c) == 0 {
                return Ok(Vec::new());
            }
            let x = matrix(&av[i * r * c..], r, c);
            // NumPy (LAPACK gesdd) fails on NaN input and returns NaNs for infinities.
            if x.as_ref().has_nan() {
                return Err(KernelError::new(Code::Value, "SVD did not converge"));
            }
            if !x.as_ref().is_all_finite() {
                return Ok(vec![f64::NAN; r.min(c)]);
            }
            x.singular_values().map_err(|_| KernelError::new(Code::Value, "SVD did not converge"))
        })?;
        Ok(make(out, shape.to_vec(), dtype))
    }
}
