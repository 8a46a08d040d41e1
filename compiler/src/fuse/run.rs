//! Running materialised nodes: map kernels, scatters, reductions (in `reduce.rs`) and
//! library nodes, through the kernel cache.

use super::build::{finish, Builder, Map, Plan};
use super::Role;
use crate::graph::{self, NodeRef, Op, Region};
use crate::{jit, kir};
use hpxl_grammar::{Code, Diagnostic};
use hpxl_runtime::{exec, pool, telemetry, DType, Data, NdArray};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock};

/// A cache entry: the compiled kernel, or why the backend declined it (then the interp
/// backend runs that part of the graph).
pub type CacheEntry = Result<Arc<jit::Compiled>, String>;

static CACHE: OnceLock<Mutex<HashMap<kir::Kernel, CacheEntry>>> = OnceLock::new();

/// The compiled code for `k`, compiling it on first use (Note [Kernel cache]).
///
/// Note [Kernel cache]: kernels are keyed by their structure (`kir::Kernel`: rank, access
/// classes, dtypes, instructions), never by sizes, offsets, strides or scalar values,
/// which are arguments. A loop that runs the same statement on new data, or on a growing
/// array, compiles once.
pub fn compiled_kernel(k: &kir::Kernel) -> CacheEntry {
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(e) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(k) {
        if e.is_ok() {
            telemetry::add::cache_hits(1);
        }
        return e.clone();
    }
    let start = std::time::Instant::now();
    let entry = jit::compile(k).map(Arc::new);
    let ns = start.elapsed().as_nanos() as u64;
    match &entry {
        Ok(c) => {
            telemetry::add::kernels_compiled(1);
            telemetry::add::compile_ns(ns);
            if super::dumping() {
                eprintln!("HPXL kernel compiled in {:.3} ms:\n{}", ns as f64 / 1e6, kir::kernel_text(k));
                if graph::debug_level() >= 4 || super::dump_kernels() {
                    eprintln!("{}", c.clif);
                }
            }
        }
        Err(why) => {
            telemetry::add::compile_failures(1);
            if super::dumping() {
                eprintln!("HPXL kernel declined by the backend ({why}); interp runs it:\n{}", kir::kernel_text(k));
            }
        }
    }
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(k.clone(), entry.clone());
    entry
}

fn alloc_error(n: &NodeRef, len: usize) -> Diagnostic {
    let bytes = len as u128 * n.dtype.itemsize() as u128;
    Diagnostic::new(Code::Alloc, format!("array of {len} {} needs {}", n.dtype.name(), graph::human_bytes(bytes)))
        .with_label(n.span, "this value is too large to allocate")
        .with_note("the allocation failed: this machine does not have that much memory available")
}

/// A buffer for `n`'s result, from the pool.
pub(super) fn output_buffer(n: &NodeRef, dtype: DType, len: usize) -> Result<Data, Diagnostic> {
    pool::take(dtype, len).ok_or_else(|| alloc_error(n, len))
}

/// Runs `plan` over its whole index space with outputs at `out_ptrs`.
pub(super) fn launch(c: &jit::Compiled, plan: &Plan, out_ptrs: &[*mut u8]) {
    let args = plan.args(out_ptrs);
    launch_args(c, &args, plan.size());
}

pub(super) fn launch_args(c: &jit::Compiled, args: &[i64], total: usize) {
    telemetry::add::kernel_launches(1);
    let entry = c.entry;
    let words = args.as_ptr() as usize;
    // SAFETY: the plan's arguments describe live buffers (the plan holds `Arc`s of every
    // input; outputs are owned by the caller for the duration of the launch); blocks
    // write disjoint output elements.
    exec::for_blocks(total, exec::BLOCK, |s, e| unsafe { entry(words as *const i64, s as i64, e as i64) });
}

/// Computes a materialised node.
pub(super) fn materialise(n: &NodeRef, role: Role) -> Result<NdArray, Diagnostic> {
    // A reduction's work is its input's size, not its result's.
    let size: usize = n.with_op(|op| match op {
        Op::Reduce { x, .. } => x.shape.iter().product(),
        _ => n.shape.iter().product(),
    });
    let zero_copy = n.with_op(|op| match op {
        Op::View { x, .. } | Op::Reshape { x } | Op::Broadcast { x } => x.is_realised(),
        _ => false,
    });
    if role == Role::Library || zero_copy || size < super::small_threshold() || n.shape.contains(&0) {
        return graph::realize_interp(n);
    }
    match role {
        Role::Reduce => super::reduce::run(n),
        Role::Scatter => scatter(n),
        _ => map(n),
    }
}

/// A node computed by one map kernel into a fresh buffer.
fn map(n: &NodeRef) -> Result<NdArray, Diagnostic> {
    let rank = n.shape.len();
    let mut b = Builder::new(n.shape.clone());
    let v = b.emit(n, &Map::identity(rank))?;
    let strides: Vec<i64> = hpxl_runtime::contiguous_strides(&n.shape).iter().map(|&s| s as i64).collect();
    let (plan, _) = finish(b, vec![(v, n.dtype, 0, strides)], &[]);
    super::check(&plan.kernel)?;
    let compiled = match compiled_kernel(&plan.kernel) {
        Ok(c) => c,
        Err(_) => return graph::realize_interp(n),
    };
    let size = plan.size();
    let mut out = output_buffer(n, n.dtype, size)?;
    launch(&compiled, &plan, &[out.as_mut_ptr()]);
    drop(plan);
    Ok(NdArray::from_data(out, n.shape.clone()))
}

/// An in-place update `base[region] = value`: the value's kernel writes the region of
/// the result buffer. The base buffer itself is reused when nothing else holds it and
/// the kernel reads it only at the elements it writes (`x += 1`); otherwise the result
/// is a copy of the base (Decision 4: shifted reads of the old contents, as in a stencil,
/// never see new values).
fn scatter(n: &NodeRef) -> Result<NdArray, Diagnostic> {
    let (base, spec, value) = n
        .with_op(|op| match op {
            Op::Scatter { base, region: Region::View(spec), value } => {
                Some((base.clone(), spec.clone(), value.clone()))
            }
            _ => None,
        })
        .ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: scatter plan on a non-scatter node"))?;
    let region_size: usize = spec.shape.iter().product();
    let base_now =
        base.value().ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: scatter base pending"))?;
    let size: usize = n.shape.iter().product();
    if region_size == 0 || base_now.dtype() != n.dtype {
        return graph::realize_interp(n);
    }
    let rank = spec.shape.len();
    let mut b = Builder::new(spec.shape.clone());
    let map = Map::identity(rank).broadcast(&value.shape, &spec.shape);
    let v = b.emit(&value, &map)?;
    let v = b.cast(v, n.dtype);
    let strides: Vec<i64> = spec.strides.iter().map(|&s| s as i64).collect();
    let (plan, _) = finish(b, vec![(v, n.dtype, spec.offset as i64, strides)], &[]);
    super::check(&plan.kernel)?;
    let compiled = match compiled_kernel(&plan.kernel) {
        Ok(c) => c,
        Err(_) => return graph::realize_interp(n),
    };
    let whole = base_now.offset == 0 && base_now.is_contiguous() && base_now.data.len() == size;
    let aliasing: Vec<usize> =
        (0..plan.inputs.len()).filter(|&i| Arc::ptr_eq(&plan.inputs[i].data, &base_now.data)).collect();
    let same_place = aliasing
        .iter()
        .all(|&i| plan.inputs[i].offset == plan.outputs[0].0 && plan.inputs[i].strides == plan.outputs[0].1);
    drop((base, value));
    if whole && same_place {
        // Holders of the old buffer: `base_now`, the plan's loads, and the graph node
        // (which the scatter's op holds). If that is all, nobody can observe the update.
        let op = graph::take_op(n);
        let base_node = match &op {
            Op::Scatter { base, .. } => base.clone(),
            _ => unreachable!("checked above"),
        };
        let expected = 1 + aliasing.len() + if Rc::strong_count(&base_node) == 2 { 1 } else { 0 };
        if Rc::strong_count(&base_node) == 2 && Arc::strong_count(&base_now.data) == expected {
            drop(op);
            drop(base_node); // the node and its copy of the buffer go
            let ptr = base_now.data.as_ptr() as *mut u8;
            // SAFETY: every other holder of this buffer is one of the plan's loads, which
            // read each element only at the index that writes it.
            launch(&compiled, &plan, &[ptr]);
            drop(plan);
            let NdArray { data, .. } = base_now;
            let out = Arc::try_unwrap(data)
                .map_err(|_| Diagnostic::new(Code::Internal, "in pass `fuse`: in-place buffer still shared"))?;
            return Ok(NdArray::from_data(out, n.shape.clone()));
        }
        drop(base_node);
        graph::restore_op(n, op);
    }
    let contiguous = base_now.to_contiguous();
    let mut out = copy_data(n, &contiguous.data, contiguous.offset, size)?;
    drop(contiguous);
    drop(base_now);
    launch(&compiled, &plan, &[out.as_mut_ptr()]);
    drop(plan);
    Ok(NdArray::from_data(out, n.shape.clone()))
}

/// A copy of `len` elements of `src` from `offset` in a pooled buffer, in parallel blocks.
fn copy_data(n: &NodeRef, src: &Data, offset: usize, len: usize) -> Result<Data, Diagnostic> {
    let mut out = output_buffer(n, src.dtype(), len)?;
    let item = src.dtype().itemsize();
    let (s, d) = (src.as_ptr() as usize + offset * item, out.as_mut_ptr() as usize);
    // SAFETY: both buffers hold `len` elements of the same dtype; blocks are disjoint.
    exec::for_blocks(len, exec::BLOCK * 4, |a, b| unsafe {
        std::ptr::copy_nonoverlapping((s + a * item) as *const u8, (d + a * item) as *mut u8, (b - a) * item)
    });
    Ok(out)
}
