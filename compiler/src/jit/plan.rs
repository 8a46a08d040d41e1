//! Planning before code generation: which kir instructions become inline CLIF and which
//! call slice functions, how the calls split the body into stages, which values travel
//! between stages through per-tile scratch buffers, and whether the register loops can
//! use 128-bit vectors. See Note [Stages and tiles].
//!
//! Note [Stages and tiles]
//! A kernel without calls is one fused register loop over each innermost run. A kernel
//! with `m` calls processes each run in tiles of at most `tile` elements; a tile runs
//! stage 0, call 1, stage 1, …, call m, stage m. A stage is a register loop over the
//! tile that computes the inline instructions homed there and writes the values later
//! steps need into scratch buffers; call k reads whole scratch buffers (or a unit-stride
//! input directly) and writes its result's buffer. Inline values are homed as late as
//! their uses allow (ALAP), so a value is computed once and stored only when a later
//! step needs it. Loads, parameters and index values are recomputed wherever they are
//! used. Every output is stored in the last stage, after every load of the tile, so an
//! output that exactly aliases an input behaves as in a per-element loop.

use super::slices;
use crate::kir::{InstKind, Kernel, Stride};
use crate::ops::{BinaryOp, UnaryOp};
use crate::vmath::{self, BinarySlice, UnarySlice};
use hpxl_runtime::DType;

/// How one instruction is lowered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Load, Param or Index: recomputed in every stage that uses it.
    Leaf,
    /// Inline CLIF.
    Inline,
    /// A call to a slice function.
    Call,
}

/// A slice function to call.
#[derive(Clone, Copy)]
pub(crate) enum Callee {
    Unary(UnarySlice),
    Binary(BinarySlice),
}

/// Code generation choices (the defaults are what [`super::compile`] uses; tests vary them).
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Use 128-bit vector loops where the kernel allows.
    pub vector: bool,
    /// Call the slice function for every op that has one (tests the call path).
    pub force_calls: bool,
    /// Elements per tile in kernels with calls (a multiple of 16).
    pub tile: u32,
    /// Call `crate::vmath` for the transcendentals it covers (within a few ULP); without
    /// it every call is interp-exact.
    pub vmath: bool,
    /// Float ops the backend emits inline itself (the LLVM backend's transcendentals,
    /// `llvm::math`); Cranelift inlines none.
    pub inline_math: fn(UnaryOp, DType) -> bool,
    /// Integer and float `floor_divide`, `remainder` and `fmod`, and integer
    /// `reciprocal`, emitted inline by the backend (`llvm::divmod`); Cranelift calls the
    /// interp's loops for them.
    pub inline_division: bool,
    /// Binary float ops the backend emits inline itself (the PTX backend's power,
    /// arctan2 and hypot, `llvm::math::gpu_binary`); the CPU backends call `vmath`.
    pub inline_binary_math: fn(BinaryOp, DType) -> bool,
    /// Integer and bool `power`, emitted inline (`llvm::divmod`, the PTX backend and the
    /// GPU's code compiled for the CPU); the CPU backends leave it to the interp.
    pub inline_int_power: bool,
    /// Keep the Cranelift IR text in `Compiled::clif` (printing it costs about as much as
    /// compiling; `jit::compile` keeps it only for `--dump kernels` and `HPXL_DEBUG>=3`).
    pub text: bool,
}

fn no_inline_math(_: UnaryOp, _: DType) -> bool {
    false
}

fn no_inline_binary_math(_: BinaryOp, _: DType) -> bool {
    false
}

impl Default for Options {
    fn default() -> Options {
        Options {
            vector: true,
            force_calls: false,
            tile: 256,
            vmath: true,
            inline_math: no_inline_math,
            inline_division: false,
            inline_binary_math: no_inline_binary_math,
            inline_int_power: false,
            text: false,
        }
    }
}

pub(crate) struct Plan {
    pub class: Vec<Class>,
    pub callee: Vec<Option<Callee>>,
    /// Reachable from an output.
    pub live: Vec<bool>,
    /// Inline: the stage that computes it. Call: its call number k (result readable from
    /// stage k on). Leaf: the stage that writes it to scratch, when it is materialised.
    pub home: Vec<usize>,
    /// Call instructions in body order; call k (1-based) is `calls[k - 1]`.
    pub calls: Vec<u32>,
    /// Byte offset of the value's scratch buffer, for values that have one.
    pub scratch: Vec<Option<u32>>,
    pub scratch_bytes: u32,
    pub tile: u32,
    /// Lanes of the vector loops (1: scalar loops only) and their element width in bytes.
    pub lanes: u32,
    pub width: u32,
}

impl Plan {
    pub fn n_calls(&self) -> usize {
        self.calls.len()
    }
}

fn unsupported(what: &str, dtype: DType) -> String {
    format!("cranelift backend: `{what}` has no {dtype} loop (the interp backend reports the error)")
}

/// The lowering of a unary op in loop dtype `dt`: `Ok(None)` inline, `Ok(Some)` a call.
fn classify_unary(op: UnaryOp, dt: DType, opts: &Options) -> Result<Option<Callee>, String> {
    use UnaryOp::*;
    if matches!(op, IsNan | IsInf | IsFinite | Signbit | LogicalNot) {
        return Ok(None);
    }
    let inline = match dt {
        DType::Bool => {
            return match op {
                Pos | Abs | Floor | Ceil | Trunc | Rint | Invert => Ok(None),
                _ => Err(unsupported(op.name(), dt)),
            }
        }
        DType::Float32 | DType::Float64 => match op {
            Neg | Pos | Abs | Sign | Sqrt | Square | Reciprocal | Deg2Rad | Rad2Deg | Floor | Ceil | Trunc | Rint => {
                true
            }
            Invert => return Err(unsupported(op.name(), dt)),
            _ => false,
        },
        _ => match op {
            Neg | Pos | Floor | Ceil | Trunc | Rint | Invert | Abs | Sign | Square => true,
            Reciprocal => opts.inline_division,
            _ => return Err(unsupported(op.name(), dt)),
        },
    };
    if inline && !opts.force_calls {
        return Ok(None);
    }
    if dt.is_float() && !inline && (opts.inline_math)(op, dt) && !opts.force_calls {
        return Ok(None);
    }
    if dt.is_float() && !inline && opts.vmath {
        if let Some(f) = vmath::unary_slice(op, dt) {
            return Ok(Some(Callee::Unary(f)));
        }
    }
    match slices::unary_fn(op, dt) {
        Some(f) => Ok(Some(Callee::Unary(f))),
        None if inline => Ok(None),
        None => Err(unsupported(op.name(), dt)),
    }
}

/// See [`classify_unary`].
fn classify_binary(op: BinaryOp, dt: DType, opts: &Options) -> Result<Option<Callee>, String> {
    use BinaryOp::*;
    if op.is_comparison() || matches!(op, LogicalAnd | LogicalOr | LogicalXor) {
        return Ok(None);
    }
    let inline = match dt {
        DType::Bool => {
            return match op {
                Add | Maximum | Fmax | BitOr | Mul | Minimum | Fmin | BitAnd | BitXor => Ok(None),
                Pow if opts.inline_int_power => Ok(None),
                _ => Err(unsupported(op.name(), dt)),
            }
        }
        DType::Float32 | DType::Float64 => match op {
            Add | Sub | Mul | Div | Minimum | Maximum | Fmin | Fmax | Copysign => true,
            FloorDiv | Mod | Fmod => opts.inline_division,
            Pow | Arctan2 | Hypot => false,
            _ => return Err(unsupported(op.name(), dt)),
        },
        _ => match op {
            Add | Sub | Mul | Minimum | Fmin | Maximum | Fmax | BitAnd | BitOr | BitXor | LShift | RShift => true,
            FloorDiv | Mod | Fmod => opts.inline_division,
            Pow if opts.inline_int_power => true,
            Pow => {
                return Err(format!(
                    "cranelift backend: integer `power` is left to the interp backend (it raises for negative \
                     exponents at run time), dtype {dt}"
                ))
            }
            _ => return Err(unsupported(op.name(), dt)),
        },
    };
    if inline && !opts.force_calls {
        return Ok(None);
    }
    if dt.is_float() && !inline && (opts.inline_binary_math)(op, dt) && !opts.force_calls {
        return Ok(None);
    }
    if dt.is_float() && !inline && opts.vmath {
        if let Some(f) = vmath::binary_slice(op, dt) {
            return Ok(Some(Callee::Binary(f)));
        }
    }
    match slices::binary_fn(op, dt) {
        Some(f) => Ok(Some(Callee::Binary(f))),
        None if inline => Ok(None),
        None => Err(unsupported(op.name(), dt)),
    }
}

/// Whether call operand `u` can be passed as a pointer straight into its input array.
pub(crate) fn is_direct(k: &Kernel, u: u32) -> bool {
    matches!(k.body[u as usize].kind, InstKind::Load { input } if k.inputs[input as usize].inner == Stride::Unit)
}

/// The operands of an instruction.
pub(crate) fn operands(kind: &InstKind) -> Vec<u32> {
    match *kind {
        InstKind::Load { .. } | InstKind::Param { .. } | InstKind::Index { .. } => Vec::new(),
        InstKind::Unary { x, .. } | InstKind::Cast { x } => vec![x],
        InstKind::Binary { a, b, .. } => vec![a, b],
        InstKind::Select { cond, a, b } => vec![cond, a, b],
    }
}

/// Plans a verified kernel; the error names an op the backend leaves to the interp.
pub(crate) fn plan(k: &Kernel, opts: &Options) -> Result<Plan, String> {
    let n = k.body.len();
    let mut live = vec![false; n];
    for o in &k.outputs {
        live[o.value as usize] = true;
    }
    for v in (0..n).rev() {
        if live[v] {
            for u in operands(&k.body[v].kind) {
                live[u as usize] = true;
            }
        }
    }

    let mut class = vec![Class::Leaf; n];
    let mut callee: Vec<Option<Callee>> = vec![None; n];
    let mut calls = Vec::new();
    for (v, inst) in k.body.iter().enumerate() {
        let c = match inst.kind {
            InstKind::Load { .. } | InstKind::Param { .. } | InstKind::Index { .. } => None,
            InstKind::Unary { op, x } => classify_unary(op, k.body[x as usize].dtype, opts)?,
            InstKind::Binary { op, a, .. } => classify_binary(op, k.body[a as usize].dtype, opts)?,
            InstKind::Cast { .. } | InstKind::Select { .. } => None,
        };
        class[v] = match (&inst.kind, &c) {
            (InstKind::Load { .. } | InstKind::Param { .. } | InstKind::Index { .. }, _) => Class::Leaf,
            (_, Some(_)) => Class::Call,
            (_, None) => Class::Inline,
        };
        if c.is_some() && live[v] {
            calls.push(v as u32);
        }
        callee[v] = c;
    }
    let m = calls.len();
    let mut call_no = vec![0usize; n];
    for (i, &c) in calls.iter().enumerate() {
        call_no[c as usize] = i + 1;
    }

    // Homes, latest first (Note [Stages and tiles]).
    const NONE: usize = usize::MAX;
    let mut home = vec![NONE; n];
    for o in &k.outputs {
        let v = o.value as usize;
        if class[v] == Class::Inline {
            home[v] = home[v].min(m);
        }
    }
    let mut scratch_needed = vec![false; n];
    for v in (0..n).rev() {
        if !live[v] {
            continue;
        }
        match class[v] {
            Class::Call => {
                home[v] = call_no[v];
                scratch_needed[v] = true;
                for u in operands(&k.body[v].kind) {
                    let u = u as usize;
                    if class[u] != Class::Call && !is_direct(k, u as u32) {
                        home[u] = home[u].min(call_no[v] - 1);
                        scratch_needed[u] = true;
                    }
                }
            }
            Class::Inline => {
                if home[v] == NONE {
                    home[v] = m; // only used by dead code; compute it last
                }
                for u in operands(&k.body[v].kind) {
                    if class[u as usize] == Class::Inline {
                        home[u as usize] = home[u as usize].min(home[v]);
                    }
                }
            }
            Class::Leaf => {}
        }
    }
    // An inline value read by a later stage than its own goes through scratch.
    for v in 0..n {
        if !live[v] {
            continue;
        }
        if class[v] == Class::Inline {
            for u in operands(&k.body[v].kind) {
                let u = u as usize;
                if class[u] == Class::Inline && home[u] < home[v] {
                    scratch_needed[u] = true;
                }
            }
        }
    }
    for o in &k.outputs {
        let v = o.value as usize;
        if class[v] == Class::Inline && home[v] < m {
            scratch_needed[v] = true;
        }
    }

    // Keep the scratch area (on the stack of whichever thread runs the kernel) within
    // 128 KiB, shrinking the tile for kernels with many staged values.
    let per_element: u32 = (0..n).filter(|&v| scratch_needed[v]).map(|v| k.body[v].dtype.itemsize() as u32).sum();
    let cap = (128u32 << 10).checked_div(per_element).unwrap_or(u32::MAX);
    let tile = opts.tile.min(cap).max(16) / 16 * 16;
    let mut scratch = vec![None; n];
    let mut bytes = 0u32;
    if m > 0 {
        for v in 0..n {
            if scratch_needed[v] {
                scratch[v] = Some(bytes);
                let size = tile * k.body[v].dtype.itemsize() as u32;
                bytes += size.div_ceil(16) * 16;
            }
        }
    }

    // Vector loops need one element width for every non-bool value.
    let mut width = 0u32;
    let mut uniform = true;
    for (v, inst) in k.body.iter().enumerate() {
        if live[v] && inst.dtype != DType::Bool {
            let w = inst.dtype.itemsize() as u32;
            if width != 0 && width != w {
                uniform = false;
            }
            width = w;
        }
    }
    let width = if width == 0 { 1 } else { width };
    let lanes = if opts.vector && uniform { 16 / width } else { 1 };
    let home = home.into_iter().map(|h| if h == NONE { 0 } else { h }).collect();
    Ok(Plan { class, callee, live, home, calls, scratch, scratch_bytes: bytes, tile, lanes, width })
}
