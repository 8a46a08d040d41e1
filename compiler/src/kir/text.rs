//! The text form of a kernel, printed by `--dump kernels` and `HPXL_DEBUG>=3`:
//!
//! ```text
//! kernel rank 1 (in: f64 unit, f64 unit; params: f64)
//!   %0 = load in0 : f64
//!   %1 = load in1 : f64
//!   %2 = mul %0, %1 : f64
//!   out0 unit f64 <- %2
//! ```

use super::{InstKind, Kernel, Stride};
use std::fmt::Write;

fn stride_name(s: Stride) -> &'static str {
    match s {
        Stride::Unit => "unit",
        Stride::Zero => "bcast",
        Stride::Any => "strided",
    }
}

/// The kernel's text form (one instruction per line).
pub fn kernel_text(k: &Kernel) -> String {
    let mut s = String::new();
    let ins: Vec<String> = k.inputs.iter().map(|i| format!("{} {}", i.dtype.name(), stride_name(i.inner))).collect();
    let params: Vec<&str> = k.params.iter().map(|d| d.name()).collect();
    let _ = write!(s, "kernel rank {} (in: {}", k.ndim, ins.join(", "));
    if !params.is_empty() {
        let _ = write!(s, "; params: {}", params.join(", "));
    }
    if k.indices > 0 {
        let _ = write!(s, "; indices: {}", k.indices);
    }
    s.push_str(")\n");
    for (i, inst) in k.body.iter().enumerate() {
        let rhs = match inst.kind {
            InstKind::Load { input } => format!("load in{input}"),
            InstKind::Param { param } => format!("param p{param}"),
            InstKind::Index { index } => format!("index g{index}"),
            InstKind::Unary { op, x } => format!("{} %{x}", op.name()),
            InstKind::Binary { op, a, b } => format!("{} %{a}, %{b}", op.name()),
            InstKind::Cast { x } => format!("cast %{x}"),
            InstKind::Select { cond, a, b } => format!("select %{cond}, %{a}, %{b}"),
        };
        let _ = writeln!(s, "  %{i} = {rhs} : {}", inst.dtype.name());
    }
    for (o, out) in k.outputs.iter().enumerate() {
        let _ = writeln!(s, "  out{o} {} {} <- %{}", stride_name(out.inner), out.dtype.name(), out.value);
    }
    s
}
