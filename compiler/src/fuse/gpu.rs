//! Fused kernels on the GPU (feature `gpu`): the plan a CPU launch would run is compiled
//! to PTX (`crate::ptx`), loaded once per device, and launched over device copies of its
//! inputs; results stay on the device until the host reads them (Note [Host reads of
//! device results] in `crate::gpu`).
//!
//! Map kernels take the CPU calling convention with device pointers: the argument words
//! are uploaded to a small device buffer and the entry runs `(args, 0, size)` as a
//! grid-stride loop, `BLOCK` threads per block and at most [`BLOCKS_PER_SM`] blocks per
//! multiprocessor (more blocks only add scheduling). Full reductions (`sum`, `prod`,
//! `min`, `max`, `any`, `all` over every axis) run the two-pass reduction of Note
//! [Deterministic GPU reductions]; scatters (in-place updates) write the base's device
//! copy or a fresh device buffer (Note [Scatters on the GPU]); other reductions, scans,
//! mask assignments and library calls run on the CPU, whose inputs are then copied to
//! the host (said once per kind on stderr). A kernel the PTX generator declines (an op
//! it does not lower) runs on the CPU too.

use super::build::Plan;
use crate::gpu::note_once;
use crate::kir;
use crate::ops::ReduceOp;
use crate::ptx::{self, GpuReduce};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::gpu::{self as rt, DevPtr, DeviceError, ModuleId};
use hpxl_runtime::{pool, DType, Data, NdArray};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Grid size cap for map kernels, per multiprocessor.
pub const BLOCKS_PER_SM: u32 = 32;
/// Grid size cap for reduction pass 1, per multiprocessor.
pub const REDUCE_BLOCKS_PER_SM: u32 = 8;

/// PTX for a kernel (map: `None`; reduction: `Some(op)`), or why there is none.
#[derive(Clone)]
enum Ptx {
    Map(Arc<ptx::PtxKernel>),
    Reduce(Arc<ptx::PtxReduction>),
}

type PtxKey = (kir::Kernel, Option<GpuReduce>);

fn ptx_cache() -> &'static Mutex<HashMap<PtxKey, Result<Ptx, String>>> {
    static CACHE: OnceLock<Mutex<HashMap<PtxKey, Result<Ptx, String>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The kernels behind entry names, for the CPU-executing fake device ([`cpu_executor`]).
fn entries() -> &'static Mutex<HashMap<String, PtxKey>> {
    static ENTRIES: OnceLock<Mutex<HashMap<String, PtxKey>>> = OnceLock::new();
    ENTRIES.get_or_init(|| Mutex::new(HashMap::new()))
}

fn compile(k: &kir::Kernel, op: Option<GpuReduce>) -> Result<Ptx, String> {
    let key = (k.clone(), op);
    if let Some(r) = ptx_cache().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return r.clone();
    }
    let r = match op {
        None => ptx::compile(k).map(|p| Ptx::Map(Arc::new(p))),
        Some(op) => ptx::compile_reduction(k, op).map(|p| Ptx::Reduce(Arc::new(p))),
    };
    if let Ok(p) = &r {
        let names = match p {
            Ptx::Map(m) => vec![m.entry.clone()],
            Ptx::Reduce(r) => vec![r.chunks_entry.clone(), r.final_entry.clone()],
        };
        let mut e = entries().lock().unwrap_or_else(|e| e.into_inner());
        for n in names {
            e.insert(n, key.clone());
        }
        if super::dumping() {
            eprintln!("HPXL GPU kernel compiled to PTX:\n{}", kir::kernel_text(k));
        }
    }
    ptx_cache().lock().unwrap_or_else(|e| e.into_inner()).insert(key, r.clone());
    r
}

fn device_err(e: DeviceError, span: Span) -> Diagnostic {
    let code = if e.0.contains("allocation") || e.0.contains("OUT_OF_MEMORY") { Code::Alloc } else { Code::Internal };
    Diagnostic::new(code, format!("GPU: {e}")).with_label(span, "while computing this on the GPU")
}

/// The module holding `entries`, loaded on first use on this device.
fn module(g: &mut rt::Gpu, text: &str, names: &[String]) -> Result<ModuleId, DeviceError> {
    if let Some(&m) = g.modules.get(&names[0]) {
        return Ok(m);
    }
    let m = g.api.load_module(text, names)?;
    g.modules.insert(names[0].clone(), m);
    Ok(m)
}

fn bytes_of(dtype: DType, len: usize) -> usize {
    (dtype.itemsize() * len).max(1)
}

/// Device addresses of the plan's inputs (uploaded when their device copy is missing or
/// stale).
fn input_ptrs(g: &mut rt::Gpu, plan: &Plan) -> Result<Vec<i64>, DeviceError> {
    let rt::Gpu { api, pool, residency, .. } = g;
    residency.sweep(&**api, pool);
    plan.inputs.iter().map(|a| residency.device_read(&**api, pool, &a.data).map(|p| p as i64)).collect()
}

/// Uploads argument words into a pooled device buffer.
fn upload_args(g: &mut rt::Gpu, words: &[i64]) -> Result<DevPtr, DeviceError> {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let p = g.pool.alloc(&*g.api, bytes.len())?;
    g.api.htod(p, &bytes)?;
    Ok(p)
}

fn grid(total: usize, block: u32, per_sm: u32, sms: u32) -> u32 {
    let needed = total.div_ceil(block as usize).max(1);
    needed.min((per_sm * sms.max(1)) as usize) as u32
}

/// Runs a map plan on the GPU when this thread's device is the GPU; `None` leaves it to
/// the CPU. Outputs are fresh contiguous arrays of `shape`, left on the device.
pub(super) fn try_map(plan: &Plan, dtypes: &[DType], shape: &[usize], span: Span) -> Result<Option<Vec<NdArray>>, Diagnostic> {
    let Some(gpu) = crate::gpu::active() else { return Ok(None) };
    let k = match compile(&plan.kernel, None) {
        Ok(Ptx::Map(k)) => k,
        Ok(Ptx::Reduce(_)) => return Ok(None),
        Err(why) => {
            note_once(&format!("{why}; such kernels run on the CPU"));
            return Ok(None);
        }
    };
    let total = plan.size();
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let run = |g: &mut rt::Gpu| -> Result<Vec<NdArray>, DeviceError> {
        let m = module(g, &k.ptx, std::slice::from_ref(&k.entry))?;
        let ins = input_ptrs(g, plan)?;
        let mut outs: Vec<(Data, DevPtr)> = Vec::with_capacity(dtypes.len());
        for &dt in dtypes {
            let host = pool::take(dt, total)
                .ok_or_else(|| DeviceError(format!("host allocation of {} bytes failed", dt.itemsize() * total)))?;
            let dev = g.pool.alloc(&*g.api, bytes_of(dt, total))?;
            outs.push((host, dev));
        }
        let out_ptrs: Vec<i64> = outs.iter().map(|(_, d)| *d as i64).collect();
        let args = upload_args(g, &plan.args_at(&ins, &out_ptrs))?;
        let sms = g.api.info().multiprocessors;
        let launched = g.api.launch(m, 0, grid(total, k.block, BLOCKS_PER_SM, sms), k.block, &[args, 0, total as u64]);
        let done = launched.and_then(|_| g.api.synchronize());
        g.pool.release(&*g.api, args);
        g.launches += 1;
        if let Err(e) = done {
            for (_, d) in outs {
                g.pool.release(&*g.api, d);
            }
            return Err(e);
        }
        hpxl_runtime::telemetry::add::kernel_launches(1);
        Ok(outs
            .into_iter()
            .map(|(host, dev)| {
                let a = NdArray::from_data(host, shape.to_vec());
                g.residency.adopt_output(&a.data, dev);
                a
            })
            .collect())
    };
    run(&mut g).map(Some).map_err(|e| device_err(e, span))
}

/// Note [Scatters on the GPU]: `fuse::run::scatter` makes the CPU's decision (Decision
/// 4, the holder count, `same_place`) and then either [`scatter_in_place`] — the kernel
/// writes the base's device copy, uploaded first when only the host had it, and that
/// device buffer moves to the result's new host array (`Residency::detach`, then
/// `adopt_output`), so the result is device-only — or [`scatter_copy`]: a fresh pooled
/// device buffer gets the base's device copy by one device-to-device copy of the whole
/// base (per-gap copies as in Note [Scatter borders] would be one small copy per row on a
/// GPU), and the kernel reads the old buffer while it writes the new one, so shifted
/// reads (`a[1:] = a[:-1]`, a stencil) and reversed ones (`a[::-1] += a`) see the old
/// contents exactly as on the CPU. Neither moves bytes between host and device beyond
/// the base's first upload: a stencil loop stays on the device until the host reads the
/// result. The base must be one contiguous run of its storage (else the CPU runs it).
///
/// The PTX of a scatter's kernel (`fuse::run::scatter`) when this thread's device is the
/// GPU and the scatter can run there; `None` leaves it to the CPU. `base_contiguous`
/// says whether the base's current value is one contiguous run of its storage, which
/// the device copy of a fresh result needs (Note [Scatters on the GPU]).
pub(super) fn scatter_kernel(plan: &Plan, base_contiguous: bool) -> Option<Arc<ptx::PtxKernel>> {
    crate::gpu::active()?;
    if !base_contiguous {
        note_once("in-place updates of strided views run on the CPU");
        return None;
    }
    match compile(&plan.kernel, None) {
        Ok(Ptx::Map(k)) => Some(k),
        Ok(Ptx::Reduce(_)) => None,
        Err(why) => {
            note_once(&format!("{why}; such kernels run on the CPU"));
            None
        }
    }
}

/// Launches scatter kernel `k` with its output at device address `out` and waits.
fn launch_scatter(g: &mut rt::Gpu, k: &ptx::PtxKernel, plan: &Plan, out: DevPtr) -> Result<(), DeviceError> {
    let m = module(g, &k.ptx, std::slice::from_ref(&k.entry))?;
    let ins = input_ptrs(g, plan)?;
    let args = upload_args(g, &plan.args_at(&ins, &[out as i64]))?;
    let total = plan.size();
    let sms = g.api.info().multiprocessors;
    let launched = g.api.launch(m, 0, grid(total, k.block, BLOCKS_PER_SM, sms), k.block, &[args, 0, total as u64]);
    let done = launched.and_then(|_| g.api.synchronize());
    g.pool.release(&*g.api, args);
    g.launches += 1;
    done?;
    hpxl_runtime::telemetry::add::kernel_launches(1);
    Ok(())
}

/// A scatter on the GPU into its base's own buffer (`fuse::run::scatter` decided that
/// nothing else can observe it and that the kernel reads the base only where it writes):
/// the kernel writes the base's device copy, which becomes the result's (Note [Scatters
/// on the GPU]). `base` is the last holder of its storage once `plan` is dropped.
pub(super) fn scatter_in_place(
    k: &ptx::PtxKernel,
    plan: Plan,
    base: NdArray,
    shape: &[usize],
    span: Span,
) -> Result<NdArray, Diagnostic> {
    let Some(gpu) = crate::gpu::active() else {
        return Err(Diagnostic::new(Code::Internal, "in pass `fuse`: GPU scatter without a GPU"));
    };
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let dev = (|| -> Result<DevPtr, DeviceError> {
        let out = {
            let rt::Gpu { api, pool, residency, .. } = &mut *g;
            residency.device_read(&**api, pool, &base.data)?
        };
        launch_scatter(&mut g, k, &plan, out)?;
        g.residency.detach(&base.data).ok_or_else(|| DeviceError("in-place base lost its device copy".into()))
    })()
    .map_err(|e| device_err(e, span))?;
    drop(plan);
    let NdArray { data, .. } = base;
    let data = match Arc::try_unwrap(data) {
        Ok(d) => d,
        Err(_) => {
            let rt::Gpu { api, pool, .. } = &mut *g;
            pool.release(&**api, dev);
            return Err(Diagnostic::new(Code::Internal, "in pass `fuse`: in-place buffer still shared"));
        }
    };
    let out = NdArray::from_data(data, shape.to_vec());
    g.residency.adopt_output(&out.data, dev);
    Ok(out)
}

/// A scatter on the GPU into a fresh buffer: the device copy of `base`'s `size`
/// elements (contiguous from its offset) is copied on the device, then the kernel
/// writes the region; it reads the old base, never the new buffer (Decision 4). The
/// result is left on the device.
pub(super) fn scatter_copy(
    k: &ptx::PtxKernel,
    plan: &Plan,
    base: &NdArray,
    size: usize,
    shape: &[usize],
    span: Span,
) -> Result<NdArray, Diagnostic> {
    let Some(gpu) = crate::gpu::active() else {
        return Err(Diagnostic::new(Code::Internal, "in pass `fuse`: GPU scatter without a GPU"));
    };
    let dtype = base.dtype();
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let run = |g: &mut rt::Gpu| -> Result<NdArray, DeviceError> {
        let host = pool::take(dtype, size)
            .ok_or_else(|| DeviceError(format!("host allocation of {} bytes failed", dtype.itemsize() * size)))?;
        let src = {
            let rt::Gpu { api, pool, residency, .. } = g;
            residency.sweep(&**api, pool);
            residency.device_read(&**api, pool, &base.data)?
        };
        let dst = g.pool.alloc(&*g.api, bytes_of(dtype, size))?;
        let item = dtype.itemsize();
        let copied = g.api.dtod(dst, src + (base.offset * item) as u64, size * item);
        if let Err(e) = copied.and_then(|_| launch_scatter(g, k, plan, dst)) {
            g.pool.release(&*g.api, dst);
            return Err(e);
        }
        let a = NdArray::from_data(host, shape.to_vec());
        g.residency.adopt_output(&a.data, dst);
        Ok(a)
    };
    run(&mut g).map_err(|e| device_err(e, span))
}

/// The GPU reduction of `op`, for the ops the PTX generator has.
fn gpu_reduce_op(op: ReduceOp) -> Option<GpuReduce> {
    Some(match op {
        ReduceOp::Sum => GpuReduce::Sum,
        ReduceOp::Prod => GpuReduce::Prod,
        ReduceOp::Min => GpuReduce::Min,
        ReduceOp::Max => GpuReduce::Max,
        ReduceOp::Any => GpuReduce::Any,
        ReduceOp::All => GpuReduce::All,
        _ => return None,
    })
}

/// Runs a full reduction on the GPU: `plan` produces the values (`dtype`) over its whole
/// index space, reduced to one element of shape `out_shape`. `None` leaves it to the CPU.
pub(super) fn try_reduce(
    plan: &Plan,
    op: ReduceOp,
    dtype: DType,
    out_shape: &[usize],
    span: Span,
) -> Result<Option<NdArray>, Diagnostic> {
    let Some(gpu) = crate::gpu::active() else { return Ok(None) };
    let Some(gop) = gpu_reduce_op(op) else {
        note_once(&format!("`{}` reductions have no GPU kernel yet and run on the CPU", op.name()));
        return Ok(None);
    };
    if out_shape.iter().product::<usize>() != 1 {
        note_once("reductions over some axes have no GPU kernel yet and run on the CPU");
        return Ok(None);
    }
    let r = match compile(&plan.kernel, Some(gop)) {
        Ok(Ptx::Reduce(r)) if r.dtype == dtype => r,
        Ok(_) => return Ok(None),
        Err(why) => {
            note_once(&format!("{why}; such kernels run on the CPU"));
            return Ok(None);
        }
    };
    let n = plan.size();
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let run = |g: &mut rt::Gpu| -> Result<NdArray, DeviceError> {
        let names = [r.chunks_entry.clone(), r.final_entry.clone()];
        let m = module(g, &r.ptx, &names)?;
        let ins = input_ptrs(g, plan)?;
        let n_partials = n.div_ceil(r.chunk as usize).max(1);
        let partials = g.pool.alloc(&*g.api, bytes_of(dtype, n_partials))?;
        let result = g.pool.alloc(&*g.api, bytes_of(dtype, 1))?;
        let args = upload_args(g, &plan.args_at(&ins, &[0]))?;
        let sms = g.api.info().multiprocessors;
        let blocks = (n_partials as u32).min(REDUCE_BLOCKS_PER_SM * sms.max(1)).max(1);
        let done = g
            .api
            .launch(m, 0, blocks, r.block, &[args, n as u64, partials])
            .and_then(|_| g.api.launch(m, 1, 1, r.block, &[partials, n_partials as u64, result]))
            .and_then(|_| g.api.synchronize());
        g.pool.release(&*g.api, args);
        g.pool.release(&*g.api, partials);
        g.launches += 2;
        if let Err(e) = done {
            g.pool.release(&*g.api, result);
            return Err(e);
        }
        hpxl_runtime::telemetry::add::kernel_launches(1);
        let host = pool::take(dtype, 1).ok_or_else(|| DeviceError("host allocation failed".into()))?;
        let a = NdArray::from_data(host, out_shape.to_vec());
        g.residency.adopt_output(&a.data, result);
        Ok(a)
    };
    run(&mut g).map(Some).map_err(|e| device_err(e, span))
}

/// The entry point of `k` compiled for the CPU with the GPU's code
/// (`llvm::compile_gpu_ops`: the same inline math and divisions as the PTX), once per
/// kernel.
fn gpu_code_on_cpu(k: &kir::Kernel) -> Result<unsafe extern "C" fn(*const i64, i64, i64), String> {
    type Entry = unsafe extern "C" fn(*const i64, i64, i64);
    static CODE: OnceLock<Mutex<HashMap<kir::Kernel, Entry>>> = OnceLock::new();
    let code = CODE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(&f) = code.lock().unwrap_or_else(|e| e.into_inner()).get(k) {
        return Ok(f);
    }
    let f = crate::llvm::compile_gpu_ops(k)?.entry;
    code.lock().unwrap_or_else(|e| e.into_inner()).insert(k.clone(), f);
    Ok(f)
}

/// A launch executor for the fake device (`hpxl_runtime::gpu::fake`): runs each entry's
/// kir kernel compiled for the CPU with the GPU's instructions (`gpu_code_on_cpu`) over
/// the fake device's memory, which is host memory, so the whole GPU path — argument
/// words, residency, copies, the two reduction passes, the inline math and divisions of
/// the PTX — is exercised without a GPU. Reductions fold in the GPU's order (Note
/// [Deterministic GPU reductions]).
pub fn cpu_executor() -> rt::fake::Executor {
    Box::new(|entry: &str, _grid: u32, _block: u32, params: &[u64]| -> Result<(), DeviceError> {
        let (k, op) = entries()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(entry)
            .cloned()
            .ok_or_else(|| DeviceError(format!("fake device: unknown entry {entry}")))?;
        let bad = |what: &str| DeviceError(format!("fake device: {what} for {entry}"));
        let words_at = |p: u64, n: usize| -> Vec<i64> {
            // SAFETY: the fake device's pointers are host addresses of live allocations.
            unsafe { std::slice::from_raw_parts(p as *const i64, n) }.to_vec()
        };
        let entry_fn = gpu_code_on_cpu(&k).map_err(|e| bad(&e))?;
        match op {
            None => {
                let [args, start, end] = params else { return Err(bad("map parameters")) };
                // SAFETY: the arguments describe fake-device buffers of the right sizes.
                unsafe { (entry_fn)(*args as *const i64, *start as i64, *end as i64) };
                Ok(())
            }
            Some(op) => {
                let dt = k.outputs[0].dtype;
                let chunk = ptx::REDUCE_CHUNK as usize;
                let pass1 = entry.ends_with("_chunks");
                let [a, n, out] = params else { return Err(bad("reduction parameters")) };
                let n = *n as usize;
                // Pass 1: the kernel's values chunk by chunk; pass 2: the partials.
                let values: Vec<f64x> = if pass1 {
                    let mut words = words_at(*a, k.arg_words());
                    let mut buf = Data::zeros(dt, n);
                    let w = k.output_word(0);
                    words[w] = buf.as_mut_ptr() as i64;
                    words[w + 1] = 0;
                    // Contiguous output strides of the (collapsed) index space.
                    let nd = k.ndim as usize;
                    let mut stride = 1i64;
                    for d in (0..nd).rev() {
                        words[w + 2 + d] = stride;
                        stride *= words[d].max(1);
                    }
                    // SAFETY: `buf` holds the n values the kernel writes.
                    unsafe { (entry_fn)(words.as_ptr(), 0, n as i64) };
                    read_values(&buf, 0, n)
                } else {
                    // SAFETY: pass 2 reads `n` partials of `dt` at `a`.
                    let bytes = unsafe { std::slice::from_raw_parts(*a as *const u8, n * dt.itemsize()) };
                    read_bytes(dt, bytes)
                };
                let group = if pass1 { chunk } else { n.max(1) };
                let folded: Vec<f64x> = values.chunks(group).map(|c| fold(op, c)).collect();
                let folded = if folded.is_empty() { vec![fold(op, &[])] } else { folded };
                write_values(dt, &folded, *out);
                Ok(())
            }
        }
    })
}

/// A value of any dtype, exact for every integer and float (the fake reduction's scalar).
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
enum f64x {
    F(f64),
    I(i128),
}

fn read_values(d: &Data, start: usize, n: usize) -> Vec<f64x> {
    (start..start + n)
        .map(|i| match d.get(i) {
            hpxl_runtime::Scalar::Float32(x) => f64x::F(x as f64),
            hpxl_runtime::Scalar::Float64(x) => f64x::F(x),
            hpxl_runtime::Scalar::Bool(b) => f64x::I(b as i128),
            s @ hpxl_runtime::Scalar::UInt64(_) => f64x::I(s.as_u64() as i128),
            s => f64x::I(s.as_i64() as i128),
        })
        .collect()
}

fn read_bytes(dt: DType, bytes: &[u8]) -> Vec<f64x> {
    let n = bytes.len() / dt.itemsize();
    let mut d = Data::zeros(dt, n);
    // SAFETY: `d` holds exactly `bytes.len()` bytes of plain-old-data elements.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), d.as_mut_ptr(), bytes.len()) };
    read_values(&d, 0, n)
}

fn write_values(dt: DType, vals: &[f64x], out: u64) {
    let mut d = Data::zeros(dt, vals.len());
    for (i, v) in vals.iter().enumerate() {
        let s = match *v {
            f64x::F(x) => hpxl_runtime::Scalar::Float64(x),
            f64x::I(x) => hpxl_runtime::Scalar::from_i64_wrapping(x as i64, dt),
        };
        d.set(i, s);
    }
    // SAFETY: `out` is a fake-device allocation of at least this many bytes.
    unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), out as *mut u8, vals.len() * dt.itemsize()) };
}

fn fold(op: GpuReduce, c: &[f64x]) -> f64x {
    use f64x::*;
    let float = matches!(c.first(), Some(F(_)));
    let init = match (op, float) {
        (GpuReduce::Sum, true) => F(0.0),
        (GpuReduce::Prod, true) => F(1.0),
        (GpuReduce::Sum | GpuReduce::Any, false) => I(0),
        (GpuReduce::Prod | GpuReduce::All, false) => I(1),
        (GpuReduce::Min, true) => F(f64::INFINITY),
        (GpuReduce::Max, true) => F(f64::NEG_INFINITY),
        (GpuReduce::Min, false) => I(i128::MAX),
        (GpuReduce::Max, false) => I(i128::MIN),
        (_, true) => F(0.0),
    };
    c.iter().fold(init, |acc, &v| match (acc, v) {
        (F(a), F(b)) => F(match op {
            GpuReduce::Sum => a + b,
            GpuReduce::Prod => a * b,
            GpuReduce::Min => if a.is_nan() || b.is_nan() { f64::NAN } else { a.min(b) },
            GpuReduce::Max => if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) },
            _ => a,
        }),
        (I(a), I(b)) => I(match op {
            GpuReduce::Sum => a.wrapping_add(b),
            GpuReduce::Prod => a.wrapping_mul(b),
            GpuReduce::Min => a.min(b),
            GpuReduce::Max => a.max(b),
            GpuReduce::Any => (a != 0 || b != 0) as i128,
            GpuReduce::All => (a != 0 && b != 0) as i128,
        }),
        (a, _) => a,
    })
}
