//! The kir verifier: structural and type invariants every pass must preserve. Fusion
//! runs it on every kernel it builds in debug builds (and always in tests).

use super::{binary_result, unary_result, InstKind, Kernel, Stride};
use hpxl_runtime::DType;

/// Checks `k`; the error names the first broken invariant.
pub fn verify(k: &Kernel) -> Result<(), String> {
    if k.ndim == 0 {
        return Err("kernel rank must be at least 1".into());
    }
    if k.outputs.is_empty() {
        return Err("kernel has no outputs".into());
    }
    let dtype_of = |v: u32, at: usize| -> Result<DType, String> {
        if (v as usize) < at {
            Ok(k.body[v as usize].dtype)
        } else {
            Err(format!("%{at} uses %{v}, which is not defined before it"))
        }
    };
    for (i, inst) in k.body.iter().enumerate() {
        let want = match inst.kind {
            InstKind::Load { input } => {
                k.inputs.get(input as usize).ok_or_else(|| format!("%{i} loads missing input {input}"))?.dtype
            }
            InstKind::Param { param } => {
                *k.params.get(param as usize).ok_or_else(|| format!("%{i} reads missing param {param}"))?
            }
            InstKind::Index { index } => {
                if index >= k.indices {
                    return Err(format!("%{i} reads missing index generator {index}"));
                }
                DType::Int64
            }
            InstKind::Unary { op, x } => unary_result(op, dtype_of(x, i)?),
            InstKind::Binary { op, a, b } => {
                let (da, db) = (dtype_of(a, i)?, dtype_of(b, i)?);
                if da != db {
                    return Err(format!("%{i} = {} has operands of dtypes {da} and {db}", op.name()));
                }
                binary_result(op, da)
            }
            InstKind::Cast { x } => {
                dtype_of(x, i)?;
                inst.dtype
            }
            InstKind::Select { cond, a, b } => {
                if dtype_of(cond, i)? != DType::Bool {
                    return Err(format!("%{i} = select has a non-bool condition"));
                }
                let (da, db) = (dtype_of(a, i)?, dtype_of(b, i)?);
                if da != inst.dtype || db != inst.dtype {
                    return Err(format!("%{i} = select of {da} and {db} declared {}", inst.dtype));
                }
                inst.dtype
            }
        };
        if want != inst.dtype {
            return Err(format!("%{i} is declared {} but computes {want}", inst.dtype));
        }
    }
    for (o, out) in k.outputs.iter().enumerate() {
        let v = out.value as usize;
        if v >= k.body.len() {
            return Err(format!("out{o} stores undefined %{v}"));
        }
        if k.body[v].dtype != out.dtype {
            return Err(format!("out{o} is {} but stores %{v} of dtype {}", out.dtype, k.body[v].dtype));
        }
        if out.inner == Stride::Zero {
            return Err(format!("out{o} has a broadcast (stride 0) inner dimension"));
        }
    }
    Ok(())
}
