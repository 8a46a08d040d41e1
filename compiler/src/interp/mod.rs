//! The reference ("interp") backend's compute kernels: pure functions from concrete
//! arrays to concrete arrays, with NumPy 2 semantics and the loop dtype chosen by the caller.
//!
//! Every kernel converts its inputs to the loop dtype, runs a typed inner loop over
//! contiguous `Vec`s (no per-element enum dispatch), and stores the result as the output
//! dtype. Errors are values ([`KernelError`]); no input makes a kernel panic.

mod elementwise;
mod linalg;
mod num;
mod reduce;
mod scan;

pub use elementwise::{binary, select, unary};
pub use linalg::matmul;
pub use reduce::reduce;
pub(crate) use reduce::{
    div_count, empty_error as reduce_empty_error, geometry as reduce_geometry, Geometry as ReduceGeometry,
    Rows as ReduceRows,
};
pub use scan::scan;

use hpxl_grammar::Code;
use hpxl_runtime::{cast_slice, DType, NdArray, Shape};
use std::borrow::Cow;

pub(crate) use num::{Float, Num, Ty};

/// A user-facing failure of a kernel (shape mismatch, invalid value, empty reduction).
#[derive(Debug, Clone)]
pub struct KernelError {
    pub code: Code,
    pub message: String,
}

impl KernelError {
    pub fn new(code: Code, message: impl Into<String>) -> KernelError {
        KernelError { code, message: message.into() }
    }
}

impl std::fmt::Display for KernelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for KernelError {}

pub type KResult = Result<NdArray, KernelError>;

/// NumPy broadcasting of two shapes; `None` when they are incompatible.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Shape> {
    if a == b {
        return Some(Shape::from_slice(a));
    }
    let n = a.len().max(b.len());
    let mut out = Shape::from_elem(0, n);
    for i in 0..n {
        let da = if i < n - a.len() { 1 } else { a[i - (n - a.len())] };
        let db = if i < n - b.len() { 1 } else { b[i - (n - b.len())] };
        out[i] = if da == db {
            da
        } else if da == 1 {
            db
        } else if db == 1 {
            da
        } else {
            return None;
        };
    }
    Some(out)
}

/// A view of `x` broadcast to `shape` (zero strides on the broadcast dimensions), or
/// `None` when `x` cannot be broadcast to it.
pub fn broadcast_to(x: &NdArray, shape: &[usize]) -> Option<NdArray> {
    if x.ndim() > shape.len() {
        return None;
    }
    let lead = shape.len() - x.ndim();
    let mut strides = vec![0isize; shape.len()];
    for (i, &target) in shape.iter().enumerate().skip(lead) {
        let d = x.shape[i - lead];
        if d == target {
            strides[i] = if d == 1 { 0 } else { x.strides[i - lead] };
        } else if d == 1 {
            strides[i] = 0;
        } else {
            return None;
        }
    }
    Some(NdArray {
        data: x.data.clone(),
        shape: hpxl_runtime::Shape::from_slice(shape),
        strides: strides.into(),
        offset: x.offset,
    })
}

/// A shape as NumPy prints it in messages: `(2,3)`, `(4,)`, `()`.
pub(crate) fn shape_str(shape: &[usize]) -> String {
    match shape.len() {
        0 => "()".to_string(),
        1 => format!("({},)", shape[0]),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(","))
        }
    }
}

/// NumPy's broadcast failure message (without NumPy's trailing space).
pub(crate) fn broadcast_error(shapes: &[&[usize]]) -> KernelError {
    let parts: Vec<String> = shapes.iter().map(|s| shape_str(s)).collect();
    KernelError::new(Code::Shape, format!("operands could not be broadcast together with shapes {}", parts.join(" ")))
}

/// An error for an operation that has no loop for the given dtype.
pub(crate) fn dtype_error(name: &str, dtype: DType) -> KernelError {
    KernelError::new(Code::DType, format!("ufunc '{name}' not supported for the input type {dtype}"))
}

/// The elements of `x` in C order, converted to `T`; borrowed when `x` is already a
/// contiguous view of `T` storage.
pub(crate) fn to_vec<T: Ty>(x: &NdArray) -> Cow<'_, [T]> {
    let n = x.size();
    if n == 0 {
        return Cow::Owned(Vec::new());
    }
    if x.is_contiguous() && x.offset + n <= x.data.len() {
        if let Some(s) = T::slice(&x.data) {
            return Cow::Borrowed(&s[x.offset..x.offset + n]);
        }
        let data = hpxl_runtime::with_data!(&*x.data, v => cast_slice(&v[x.offset..x.offset + n], T::DTYPE));
        return Cow::Owned(T::unwrap(data));
    }
    let data = x.to_data();
    if data.dtype() == T::DTYPE {
        return Cow::Owned(T::unwrap(data));
    }
    Cow::Owned(T::unwrap(hpxl_runtime::with_data!(&data, v => cast_slice(v, T::DTYPE))))
}

/// A contiguous array of `shape` holding `v`, stored as `out_dtype`.
pub(crate) fn make<T: Ty>(v: Vec<T>, shape: Vec<usize>, out_dtype: DType) -> NdArray {
    let data = if T::DTYPE == out_dtype { T::wrap(v) } else { cast_slice(&v, out_dtype) };
    NdArray::from_data(data, shape)
}

/// A view of `x` with its axes permuted (`perm[i]` is the source axis of axis `i`).
pub(crate) fn permuted(x: &NdArray, perm: &[usize]) -> NdArray {
    NdArray {
        data: x.data.clone(),
        shape: perm.iter().map(|&p| x.shape[p]).collect(),
        strides: perm.iter().map(|&p| x.strides[p]).collect(),
        offset: x.offset,
    }
}

/// Strides (in elements) of a C-contiguous array of `shape` seen broadcast to `out_shape`.
fn broadcast_strides(shape: &[usize], out_shape: &[usize]) -> Vec<isize> {
    let lead = out_shape.len() - shape.len();
    let own = hpxl_runtime::contiguous_strides(shape);
    (0..out_shape.len()).map(|i| if i < lead || shape[i - lead] == 1 { 0 } else { own[i - lead] }).collect()
}

/// Applies `f` to `a` and `b` (C-order contiguous values of shapes `a_shape`, `b_shape`)
/// broadcast to `out_shape`. The shapes must broadcast to `out_shape`.
pub(crate) fn zip_broadcast<A: Copy, B: Copy, O>(
    a: &[A],
    a_shape: &[usize],
    b: &[B],
    b_shape: &[usize],
    out_shape: &[usize],
    f: impl Fn(A, B) -> O,
) -> Vec<O> {
    let n: usize = out_shape.iter().product();
    if n == 0 {
        return Vec::new();
    }
    if a.len() == n && b.len() == n {
        return a.iter().zip(b.iter()).map(|(&x, &y)| f(x, y)).collect();
    }
    if a.len() == n && b.len() == 1 {
        let y = b[0];
        return a.iter().map(|&x| f(x, y)).collect();
    }
    if a.len() == 1 && b.len() == n {
        let x = a[0];
        return b.iter().map(|&y| f(x, y)).collect();
    }
    let sa = broadcast_strides(a_shape, out_shape);
    let sb = broadcast_strides(b_shape, out_shape);
    let mut out = Vec::with_capacity(n);
    let nd = out_shape.len();
    let inner = out_shape[nd - 1];
    let (ia, ib) = (sa[nd - 1], sb[nd - 1]);
    let mut idx = vec![0usize; nd];
    let (mut pa, mut pb) = (0isize, 0isize);
    for _ in 0..n / inner {
        for i in 0..inner as isize {
            out.push(f(a[(pa + i * ia) as usize], b[(pb + i * ib) as usize]));
        }
        let mut d = nd - 1;
        while d > 0 {
            d -= 1;
            idx[d] += 1;
            pa += sa[d];
            pb += sb[d];
            if idx[d] < out_shape[d] {
                break;
            }
            pa -= sa[d] * out_shape[d] as isize;
            pb -= sb[d] * out_shape[d] as isize;
            idx[d] = 0;
        }
    }
    out
}

/// Runs `$body` with the type alias `$T` bound to the Rust element type of `$dt`.
macro_rules! with_type {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            hpxl_runtime::DType::Bool => {
                type $T = bool;
                $body
            }
            hpxl_runtime::DType::Int8 => {
                type $T = i8;
                $body
            }
            hpxl_runtime::DType::Int16 => {
                type $T = i16;
                $body
            }
            hpxl_runtime::DType::Int32 => {
                type $T = i32;
                $body
            }
            hpxl_runtime::DType::Int64 => {
                type $T = i64;
                $body
            }
            hpxl_runtime::DType::UInt8 => {
                type $T = u8;
                $body
            }
            hpxl_runtime::DType::UInt16 => {
                type $T = u16;
                $body
            }
            hpxl_runtime::DType::UInt32 => {
                type $T = u32;
                $body
            }
            hpxl_runtime::DType::UInt64 => {
                type $T = u64;
                $body
            }
            hpxl_runtime::DType::Float32 => {
                type $T = f32;
                $body
            }
            hpxl_runtime::DType::Float64 => {
                type $T = f64;
                $body
            }
        }
    };
}
pub(crate) use with_type;

/// Checks that `axes` are sorted, unique and valid for `ndim` (the caller's contract);
/// a violation is an internal error, never a panic.
pub(crate) fn check_axes(axes: &[usize], ndim: usize, what: &str) -> Result<(), KernelError> {
    for (i, &a) in axes.iter().enumerate() {
        if a >= ndim || (i > 0 && axes[i - 1] >= a) {
            return Err(KernelError::new(
                Code::Internal,
                format!("interp {what}: invalid axes {axes:?} for an array of {ndim} dimensions"),
            ));
        }
    }
    Ok(())
}
