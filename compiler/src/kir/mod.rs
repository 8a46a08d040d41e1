//! kir, the kernel IR: what fusion produces and every code generator consumes.
//!
//! A [`Kernel`] is a *map* over a rectangular index space of `ndim` dimensions whose
//! extents are run-time arguments. Its body is a list of SSA instructions evaluated once
//! per index: loads from input arrays through affine index maps, scalar parameters,
//! affine index values (for generators such as `arange`), and elementwise operations.
//! Each [`Output`] stores one SSA value through its own affine map. Nothing about sizes,
//! offsets or strides is compiled in, so one compiled kernel serves every array of the
//! same structure; the structure (this type, which derives `Hash`/`Eq`) is the cache key.
//!
//! Reductions are not part of the compiled body: a reduction kernel is a map that
//! produces the reduction's input for a range of the (kept axes, reduced axes) index
//! space into an L1-sized scratch buffer, and the executor folds the scratch with the
//! same routines (and the same association order) as the interp backend. See
//! `crate::exec` and Note [Reductions consume chunks].
//!
//! # Calling convention (shared by every CPU backend)
//!
//! A compiled kernel is `unsafe extern "C" fn(args: *const i64, start: i64, end: i64)`.
//! It evaluates the body for every flat row-major position `p` of the index space with
//! `start <= p < end` (the executor splits `[0, size)` into fixed blocks). `args` holds,
//! in this order, 64-bit words:
//!
//! | words | meaning |
//! |---|---|
//! | `ndim` | extents, outermost first (each ≥ 1 when the kernel runs) |
//! | `2 + ndim` per input | base pointer, element offset, element stride per dimension |
//! | `2 + ndim` per output | base pointer, element offset, element stride per dimension |
//! | `1 + ndim` per index generator | offset, coefficient per dimension |
//! | `1` per parameter | the value's bits (see [`param_bits`]) |
//!
//! The element at index `(i_0, …, i_{n-1})` of input `k` is at
//! `ptr + (offset + Σ stride_d · i_d) · itemsize`; strides may be 0 (broadcast) or
//! negative (reversal). Index generator `g` has the int64 value
//! `offset + Σ coef_d · i_d` (wrapping). The declared inner-stride class of every access
//! ([`Stride`]) is a promise the executor keeps: a `Unit` access really has stride 1 in
//! the last dimension, a `Zero` access stride 0.
//!
//! Bool values are stored as one byte, 0 or 1; every load of a bool array yields 0 or 1.

mod text;
mod verify;

pub use text::kernel_text;
pub use verify::verify;

use crate::ops::{BinaryOp, UnaryOp};
use hpxl_runtime::DType;

/// An SSA value: the index of the instruction that defines it in [`Kernel::body`].
pub type ValueId = u32;

/// The stride of an access in the innermost dimension, as far as code generation cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stride {
    /// Stride 1: consecutive elements (vector loads and stores).
    Unit,
    /// Stride 0: the same element along the inner dimension (load once, splat).
    Zero,
    /// Any other stride (including negative): element-by-element access.
    Any,
}

/// An array read by the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Input {
    pub dtype: DType,
    pub inner: Stride,
}

/// An array written by the kernel: `value` converted to nothing (it must already have
/// `dtype`) and stored through the output's affine map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Output {
    pub value: ValueId,
    pub dtype: DType,
    /// `Unit` or `Any` (never `Zero`: every index stores a distinct element).
    pub inner: Stride,
}

/// One SSA instruction; its result dtype is [`Inst::dtype`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstKind {
    /// Element of input `input` at the current index.
    Load { input: u32 },
    /// Scalar parameter `param` (same value at every index).
    Param { param: u32 },
    /// The int64 value of affine index generator `index` at the current index.
    Index { index: u32 },
    /// `op` applied in the loop dtype, which is the operand's dtype. The result dtype is
    /// bool for `IsNan`, `IsInf`, `IsFinite`, `Signbit`, `LogicalNot`; else the loop dtype.
    /// Semantics are exactly the interp backend's (`interp::unary`).
    Unary { op: UnaryOp, x: ValueId },
    /// `op` applied in the loop dtype, which is both operands' dtype. The result dtype is
    /// bool for comparisons and logical ops; else the loop dtype. Semantics are exactly
    /// the interp backend's (`interp::binary`).
    Binary { op: BinaryOp, a: ValueId, b: ValueId },
    /// NumPy `astype` conversion (`hpxl_runtime::cast_slice` semantics) to the inst dtype.
    Cast { x: ValueId },
    /// `cond ? a : b`; `cond` is bool, `a` and `b` have the inst dtype.
    Select { cond: ValueId, a: ValueId, b: ValueId },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Inst {
    pub kind: InstKind,
    /// The dtype of the value this instruction defines.
    pub dtype: DType,
}

/// A fused elementwise kernel (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Kernel {
    /// Rank of the index space, ≥ 1 (a 0-d result runs as a 1-d space of extent 1).
    pub ndim: u32,
    pub inputs: Vec<Input>,
    /// Dtypes of the scalar parameters.
    pub params: Vec<DType>,
    /// Number of affine index generators.
    pub indices: u32,
    /// SSA body in definition order (operands precede their uses).
    pub body: Vec<Inst>,
    /// At least one output; all share the index space.
    pub outputs: Vec<Output>,
}

impl Kernel {
    /// Number of 64-bit argument words the calling convention needs.
    pub fn arg_words(&self) -> usize {
        let n = self.ndim as usize;
        n + (self.inputs.len() + self.outputs.len()) * (2 + n) + self.indices as usize * (1 + n) + self.params.len()
    }

    /// Word index of input `k`'s base pointer (offset and strides follow).
    pub fn input_word(&self, k: usize) -> usize {
        let n = self.ndim as usize;
        n + k * (2 + n)
    }

    /// Word index of output `k`'s base pointer (offset and strides follow).
    pub fn output_word(&self, k: usize) -> usize {
        let n = self.ndim as usize;
        n + (self.inputs.len() + k) * (2 + n)
    }

    /// Word index of index generator `g`'s offset (coefficients follow).
    pub fn index_word(&self, g: usize) -> usize {
        let n = self.ndim as usize;
        n + (self.inputs.len() + self.outputs.len()) * (2 + n) + g * (1 + n)
    }

    /// Word index of parameter `p`.
    pub fn param_word(&self, p: usize) -> usize {
        let n = self.ndim as usize;
        n + (self.inputs.len() + self.outputs.len()) * (2 + n) + self.indices as usize * (1 + n) + p
    }
}

/// The argument-word encoding of a scalar parameter of `dtype`: floats as their IEEE
/// bits (float32 in the low 32 bits), signed integers sign-extended, unsigned integers
/// and bool zero-extended.
pub fn param_bits(value: hpxl_runtime::Scalar) -> i64 {
    use hpxl_runtime::Scalar as S;
    match value {
        S::Bool(b) => b as i64,
        S::Int8(v) => v as i64,
        S::Int16(v) => v as i64,
        S::Int32(v) => v as i64,
        S::Int64(v) => v,
        S::UInt8(v) => v as i64,
        S::UInt16(v) => v as i64,
        S::UInt32(v) => v as i64,
        S::UInt64(v) => v as i64,
        S::Float32(v) => v.to_bits() as i64,
        S::Float64(v) => v.to_bits() as i64,
    }
}

/// The result dtype of `op` on operands of dtype `loop_dtype` (see [`InstKind::Unary`]).
pub fn unary_result(op: UnaryOp, loop_dtype: DType) -> DType {
    use UnaryOp::*;
    match op {
        IsNan | IsInf | IsFinite | Signbit | LogicalNot => DType::Bool,
        _ => loop_dtype,
    }
}

/// The result dtype of `op` on operands of dtype `loop_dtype` (see [`InstKind::Binary`]).
pub fn binary_result(op: BinaryOp, loop_dtype: DType) -> DType {
    use BinaryOp::*;
    if op.is_comparison() || matches!(op, LogicalAnd | LogicalOr | LogicalXor) {
        DType::Bool
    } else {
        loop_dtype
    }
}
