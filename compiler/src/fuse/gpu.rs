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
//! [Deterministic GPU reductions]; every other reduction (over some axes, mean, var/std,
//! argmin/argmax, count_nonzero, the nan-variants) one row-reduction launch (Note [GPU
//! row reductions] in `ptx/rows.rs`), or for few long rows the passes of Note [Split GPU
//! row reductions] (`ptx/split.rs`, [`SPLIT_MAX_ROWS`]); scatters (in-place updates) write the base's
//! device copy or a fresh device buffer (Note [Scatters on the GPU]).
//! `nanargmin`/`nanargmax`, scans, mask assignments and library calls run on the CPU,
//! whose inputs are then copied to the host (said once per kind on stderr). A kernel the
//! PTX generator declines (an op it does not lower) runs on the CPU too.

use super::build::Plan;
use super::gpu_model;
use crate::gpu::note_once;
use crate::interp::ReduceRows;
use crate::kir;
use crate::ops::ReduceOp;
use crate::ptx::{self, GpuReduce, Layout, RowOp, RowReduce};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::gpu::{self as rt, DevPtr, DeviceError, ModuleId};
use hpxl_runtime::{pool, DType, Data, NdArray};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Grid size cap for map kernels, per multiprocessor.
pub const BLOCKS_PER_SM: u32 = 32;
/// Grid size cap for reduction pass 1, per multiprocessor.
pub const REDUCE_BLOCKS_PER_SM: u32 = 8;

/// PTX for a kernel, or why there is none.
#[derive(Clone)]
enum Ptx {
    Map(Arc<ptx::PtxKernel>),
    Reduce(Arc<ptx::PtxReduction>),
    Rows(Arc<ptx::PtxRows>),
    Split(Arc<ptx::PtxSplitRows>),
}

/// What a kernel is compiled into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Map,
    /// The two passes of a full reduction.
    Full(GpuReduce),
    /// A row reduction.
    Rows(RowReduce),
    /// A row reduction split across blocks (Note [Split GPU row reductions]).
    Split(RowOp),
}

type PtxKey = (kir::Kernel, Kind);

fn ptx_cache() -> &'static Mutex<HashMap<PtxKey, Result<Ptx, String>>> {
    static CACHE: OnceLock<Mutex<HashMap<PtxKey, Result<Ptx, String>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The kernels behind entry names, for the CPU-executing fake device ([`cpu_executor`]).
fn entries() -> &'static Mutex<HashMap<String, PtxKey>> {
    static ENTRIES: OnceLock<Mutex<HashMap<String, PtxKey>>> = OnceLock::new();
    ENTRIES.get_or_init(|| Mutex::new(HashMap::new()))
}

fn compile(k: &kir::Kernel, kind: Kind) -> Result<Ptx, String> {
    let key = (k.clone(), kind);
    if let Some(r) = ptx_cache().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return r.clone();
    }
    let r = match kind {
        Kind::Map => ptx::compile(k).map(|p| Ptx::Map(Arc::new(p))),
        Kind::Full(op) => ptx::compile_reduction(k, op).map(|p| Ptx::Reduce(Arc::new(p))),
        Kind::Rows(r) => ptx::compile_rows(k, r).map(|p| Ptx::Rows(Arc::new(p))),
        Kind::Split(op) => ptx::compile_split_rows(k, op).map(|p| Ptx::Split(Arc::new(p))),
    };
    if let Ok(p) = &r {
        let names = match p {
            Ptx::Map(m) => vec![m.entry.clone()],
            Ptx::Reduce(r) => vec![r.chunks_entry.clone(), r.final_entry.clone()],
            Ptx::Rows(r) => vec![r.entry.clone()],
            Ptx::Split(r) => split_entries(r),
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
    let k = match compile(&plan.kernel, Kind::Map) {
        Ok(Ptx::Map(k)) => k,
        Ok(_) => return Ok(None),
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
    match compile(&plan.kernel, Kind::Map) {
        Ok(Ptx::Map(k)) => Some(k),
        Ok(_) => None,
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

/// The end of a reduction's launches: on failure `result` goes back to the pool;
/// otherwise the host array of `len` values of `dtype` (shape `shape`) that adopts the
/// device buffer `result` (Note [Host reads of device results]).
fn reduction_result(
    g: &mut rt::Gpu,
    done: Result<(), DeviceError>,
    result: DevPtr,
    dtype: DType,
    len: usize,
    shape: &[usize],
) -> Result<NdArray, DeviceError> {
    if let Err(e) = done {
        g.pool.release(&*g.api, result);
        return Err(e);
    }
    hpxl_runtime::telemetry::add::kernel_launches(1);
    let host = pool::take(dtype, len).ok_or_else(|| DeviceError("host allocation failed".into()))?;
    let a = NdArray::from_data(host, shape.to_vec());
    g.residency.adopt_output(&a.data, result);
    Ok(a)
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

/// The row reduction of `op` (`nan_input`: whether the input can hold NaN; NumPy's
/// nan-statistics of other inputs are the plain ones, as on the CPU).
fn row_op(op: ReduceOp, nan_input: bool) -> Option<RowOp> {
    use ReduceOp::*;
    Some(match op {
        Sum => RowOp::Sum,
        Prod => RowOp::Prod,
        Min => RowOp::Min,
        Max => RowOp::Max,
        Any => RowOp::Any,
        All => RowOp::All,
        NanSum => RowOp::NanSum,
        NanProd => RowOp::NanProd,
        NanMin => RowOp::NanMin,
        NanMax => RowOp::NanMax,
        CountNonzero => RowOp::CountNonzero,
        ArgMin => RowOp::ArgMin,
        ArgMax => RowOp::ArgMax,
        Mean => RowOp::Mean { nan: false },
        NanMean => RowOp::Mean { nan: nan_input },
        Var { ddof } => RowOp::Var { nan: false, ddof, std: false },
        Std { ddof } => RowOp::Var { nan: false, ddof, std: true },
        NanVar { ddof } => RowOp::Var { nan: nan_input, ddof, std: false },
        NanStd { ddof } => RowOp::Var { nan: nan_input, ddof, std: true },
        // An all-NaN row raises: that needs the result on the host.
        NanArgMin | NanArgMax => return None,
    })
}

/// A reduction for [`try_reduce`]: `plan` produces the values (`value_dtype`) over the
/// (kept, reduced) index space; the result has `out_dtype` and `out_shape`.
pub(super) struct Reduction<'a> {
    pub plan: &'a Plan,
    pub op: ReduceOp,
    pub value_dtype: DType,
    pub out_dtype: DType,
    pub out_shape: &'a [usize],
    pub rows: ReduceRows,
    /// Whether the reduced input is a float array (for the nan-statistics).
    pub nan_input: bool,
}

/// Runs a reduction on the GPU when this thread's device is the GPU: full `sum`, `prod`,
/// `min`, `max`, `any`, `all` by the two passes, everything else as a row reduction.
/// `None` leaves it to the CPU.
pub(super) fn try_reduce(r: &Reduction, span: Span) -> Result<Option<NdArray>, Diagnostic> {
    let Some(gpu) = crate::gpu::active() else { return Ok(None) };
    let (m, k) = (r.rows.m, r.rows.k);
    if m == 1 && r.value_dtype == r.out_dtype {
        if let Some(gop) = gpu_reduce_op(r.op) {
            return full(&gpu, r, gop, span);
        }
    }
    let Some(op) = row_op(r.op, r.nan_input) else {
        note_once(&format!("`{}` reductions have no GPU kernel yet and run on the CPU", r.op.name()));
        return Ok(None);
    };
    // Empty results, and empty rows the CPU raises for, stay with the CPU.
    if m == 0
        || (k == 0 && op.needs_elements())
        || !op.accepts(r.value_dtype)
        || op.out_dtype(r.value_dtype) != r.out_dtype
    {
        return Ok(None);
    }
    // The CPU sums sequentially exactly when the innermost input axis is kept (Note [GPU
    // row reductions]): then one thread per output, in its order.
    let layout = if r.rows.chunk <= 1 { Layout::Threads } else { Layout::Blocks };
    if layout == Layout::Blocks && m < SPLIT_MAX_ROWS && k > ptx::REDUCE_CHUNK as usize {
        return split(&gpu, r, op, span);
    }
    let p = match compile(&r.plan.kernel, Kind::Rows(RowReduce { op, layout })) {
        Ok(Ptx::Rows(p)) => p,
        Ok(_) => return Ok(None),
        Err(why) => {
            note_once(&format!("{why}; such kernels run on the CPU"));
            return Ok(None);
        }
    };
    let plan = r.plan;
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let run = |g: &mut rt::Gpu| -> Result<NdArray, DeviceError> {
        let md = module(g, &p.ptx, std::slice::from_ref(&p.entry))?;
        let ins = input_ptrs(g, plan)?;
        let result = g.pool.alloc(&*g.api, bytes_of(r.out_dtype, m))?;
        let args = upload_args(g, &plan.args_at(&ins, &[0]))?;
        let sms = g.api.info().multiprocessors;
        let blocks = match layout {
            Layout::Threads => grid(m, p.block, BLOCKS_PER_SM, sms),
            Layout::Blocks => (m as u32).min(REDUCE_BLOCKS_PER_SM * sms.max(1)).max(1),
        };
        let done =
            g.api.launch(md, 0, blocks, p.block, &[args, m as u64, k as u64, result]).and_then(|_| g.api.synchronize());
        g.pool.release(&*g.api, args);
        g.launches += 1;
        reduction_result(g, done, result, r.out_dtype, m, r.out_shape)
    };
    run(&mut g).map(Some).map_err(|e| device_err(e, span))
}

/// Rows reduced innermost are split across blocks (Note [Split GPU row reductions] in
/// `ptx/split.rs`) when there are fewer than this many and each is longer than one
/// chunk. One block per row fills a GPU once there are a few blocks per multiprocessor
/// ([`REDUCE_BLOCKS_PER_SM`] = 8 on 132 multiprocessors is 1056 blocks), so 1024 rows is
/// where splitting stops paying for its second pass and partial arrays. The threshold
/// is a constant rather than derived from the device's multiprocessors because the
/// layout fixes the order of the float operations: a device-dependent choice would make
/// the bits of `mean(a, axis=1)` depend on the GPU.
pub const SPLIT_MAX_ROWS: usize = 1024;

/// The entries of a split row reduction, in launch-index order: pass 1, pass 2, then
/// var/std's mean and squared-deviation passes.
fn split_entries(r: &ptx::PtxSplitRows) -> Vec<String> {
    let mut v = vec![r.chunks_entry.clone(), r.final_entry.clone()];
    if let Some((mean, sq)) = &r.moments_entries {
        v.extend([mean.clone(), sq.clone()]);
    }
    v
}

/// A row reduction of few long rows split across blocks (Note [Split GPU row
/// reductions]): pass 1 and pass 2, or for var/std the four passes.
fn split(gpu: &Mutex<rt::Gpu>, r: &Reduction, op: RowOp, span: Span) -> Result<Option<NdArray>, Diagnostic> {
    let p = match compile(&r.plan.kernel, Kind::Split(op)) {
        Ok(Ptx::Split(p)) => p,
        Ok(_) => return Ok(None),
        Err(why) => {
            note_once(&format!("{why}; such kernels run on the CPU"));
            return Ok(None);
        }
    };
    let (plan, m, k) = (r.plan, r.rows.m, r.rows.k);
    let per_row = k.div_ceil(p.chunk as usize);
    let pairs = m * per_row;
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let run = |g: &mut rt::Gpu| -> Result<NdArray, DeviceError> {
        let names = split_entries(&p);
        let md = module(g, &p.ptx, &names)?;
        let ins = input_ptrs(g, plan)?;
        let args = upload_args(g, &plan.args_at(&ins, &[0]))?;
        let mut temps = vec![args, g.pool.alloc(&*g.api, bytes_of(p.state_dtypes[0], pairs))?];
        let part1 = if p.state_dtypes.len() > 1 { g.pool.alloc(&*g.api, bytes_of(DType::Int64, pairs))? } else { 0 };
        if part1 != 0 {
            temps.push(part1);
        }
        let part0 = temps[1];
        let result = g.pool.alloc(&*g.api, bytes_of(r.out_dtype, m))?;
        let sms = g.api.info().multiprocessors;
        let cap = REDUCE_BLOCKS_PER_SM * sms.max(1);
        let (blocks1, blocks2) = ((pairs as u32).min(cap).max(1), (m as u32).min(cap).max(1));
        let (m64, k64, per_row64) = (m as u64, k as u64, per_row as u64);
        let launch = |g: &mut rt::Gpu, index: usize, blocks: u32, params: &[u64]| -> Result<(), DeviceError> {
            g.launches += 1;
            g.api.launch(md, index, blocks, p.block, params)
        };
        let done = (|| -> Result<(), DeviceError> {
            launch(g, 0, blocks1, &[args, m64, k64, part0, part1])?;
            if p.moments_entries.is_some() {
                let means = g.pool.alloc(&*g.api, bytes_of(r.value_dtype, m))?;
                temps.push(means);
                let counts = g.pool.alloc(&*g.api, bytes_of(DType::Int64, m))?;
                temps.push(counts);
                launch(g, 2, blocks2, &[part0, part1, m64, per_row64, means, counts])?;
                launch(g, 3, blocks1, &[args, m64, k64, means, part0])?;
                launch(g, 1, blocks2, &[part0, counts, m64, per_row64, result])?;
            } else {
                launch(g, 1, blocks2, &[part0, part1, m64, per_row64, result])?;
            }
            g.api.synchronize()
        })();
        for t in temps {
            g.pool.release(&*g.api, t);
        }
        reduction_result(g, done, result, r.out_dtype, m, r.out_shape)
    };
    run(&mut g).map(Some).map_err(|e| device_err(e, span))
}

/// A full reduction by the two passes of Note [Deterministic GPU reductions].
fn full(gpu: &Mutex<rt::Gpu>, red: &Reduction, gop: GpuReduce, span: Span) -> Result<Option<NdArray>, Diagnostic> {
    let (plan, dtype) = (red.plan, red.value_dtype);
    let r = match compile(&plan.kernel, Kind::Full(gop)) {
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
        reduction_result(g, done, result, dtype, 1, red.out_shape)
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
/// words, residency, copies, the reduction passes, the inline math and divisions of the
/// PTX — is exercised without a GPU. Reductions fold in the GPU's order, in the value
/// dtype (`gpu_model`: Note [Deterministic GPU reductions], Note [GPU row reductions], Note
/// [Split GPU row reductions]).
pub fn cpu_executor() -> rt::fake::Executor {
    Box::new(|entry: &str, _grid: u32, _block: u32, params: &[u64]| -> Result<(), DeviceError> {
        let (k, kind) = entries()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(entry)
            .cloned()
            .ok_or_else(|| DeviceError(format!("fake device: unknown entry {entry}")))?;
        let bad = |what: &str| DeviceError(format!("fake device: {what} for {entry}"));
        let entry_fn = gpu_code_on_cpu(&k).map_err(|e| bad(&e))?;
        // The kernel's first output over flat positions 0..n, contiguous.
        let values = |args: u64, n: usize| -> Data {
            // SAFETY: the fake device's pointers are host addresses of live allocations.
            let mut words = unsafe { std::slice::from_raw_parts(args as *const i64, k.arg_words()) }.to_vec();
            let mut buf = Data::zeros(k.outputs[0].dtype, n);
            let w = k.output_word(0);
            words[w] = buf.as_mut_ptr() as i64;
            words[w + 1] = 0;
            let mut stride = 1i64;
            for d in (0..k.ndim as usize).rev() {
                words[w + 2 + d] = stride;
                stride *= words[d].max(1);
            }
            // SAFETY: `buf` holds the n values the kernel writes.
            unsafe { (entry_fn)(words.as_ptr(), 0, n as i64) };
            buf
        };
        let write = |d: &Data, out: u64| {
            // SAFETY: `out` is a fake-device allocation of at least this many bytes.
            unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), out as *mut u8, d.len() * d.dtype().itemsize()) };
        };
        match kind {
            Kind::Map => {
                let [args, start, end] = params else { return Err(bad("map parameters")) };
                // SAFETY: the arguments describe fake-device buffers of the right sizes.
                unsafe { (entry_fn)(*args as *const i64, *start as i64, *end as i64) };
                Ok(())
            }
            Kind::Full(op) => {
                let [a, n, out] = params else { return Err(bad("reduction parameters")) };
                let n = *n as usize;
                let dt = k.outputs[0].dtype;
                let folded = if entry.ends_with("_chunks") {
                    gpu_model::full_pass(op, &values(*a, n), ptx::REDUCE_CHUNK as usize)
                } else {
                    let mut d = Data::zeros(dt, n);
                    // SAFETY: pass 2 reads `n` partials of `dt` at `a`.
                    unsafe { std::ptr::copy_nonoverlapping(*a as *const u8, d.as_mut_ptr(), n * dt.itemsize()) };
                    gpu_model::full_pass(op, &d, n)
                };
                write(&folded.map_err(|e| bad(&e))?, *out);
                Ok(())
            }
            Kind::Rows(r) => {
                let [args, m, kk, out] = params else { return Err(bad("row reduction parameters")) };
                let (m, kk) = (*m as usize, *kk as usize);
                let vals = values(*args, m * kk);
                write(&gpu_model::rows(r.op, r.layout, &vals, m, kk).map_err(|e| bad(&e))?, *out);
                Ok(())
            }
            Kind::Split(op) => {
                // The partial arrays at `ptr`: `n` values of `dt`.
                let read = |ptr: u64, dt: DType, n: usize| -> Data {
                    let mut d = Data::zeros(dt, n);
                    // SAFETY: the pass's parameters point to fake-device arrays this long.
                    unsafe { std::ptr::copy_nonoverlapping(ptr as *const u8, d.as_mut_ptr(), n * dt.itemsize()) };
                    d
                };
                let dt = k.outputs[0].dtype;
                let slot0 = if op == RowOp::CountNonzero { DType::Int64 } else { dt };
                let two_slots = matches!(op, RowOp::ArgMin | RowOp::ArgMax | RowOp::Mean { .. } | RowOp::Var { .. });
                let pass = entry.rsplit('_').next().unwrap_or("");
                match (pass, params) {
                    ("chunks" | "sq", [args, m, kk, a, b]) => {
                        let (m, kk) = (*m as usize, *kk as usize);
                        let vals = values(*args, m * kk);
                        if pass == "sq" {
                            let means = read(*a, dt, m);
                            write(&gpu_model::split_sq(op, &vals, &means, m, kk).map_err(|e| bad(&e))?, *b);
                        } else {
                            let (p0, p1) = gpu_model::split_chunks(op, &vals, m, kk).map_err(|e| bad(&e))?;
                            write(&p0, *a);
                            if let Some(p1) = p1 {
                                write(&p1, *b);
                            }
                        }
                        Ok(())
                    }
                    ("mean", [p0, p1, m, per_row, means, counts]) => {
                        let (m, per_row) = (*m as usize, *per_row as usize);
                        let (p0, p1) = (read(*p0, dt, m * per_row), read(*p1, DType::Int64, m * per_row));
                        let (mu, c) = gpu_model::split_mean(&p0, &p1, m, per_row).map_err(|e| bad(&e))?;
                        write(&mu, *means);
                        write(&c, *counts);
                        Ok(())
                    }
                    ("final", [p0, p1, m, per_row, out]) => {
                        let (m, per_row) = (*m as usize, *per_row as usize);
                        let p0 = read(*p0, slot0, m * per_row);
                        let p1 = match op {
                            RowOp::Var { .. } => Some(read(*p1, DType::Int64, m)),
                            _ if two_slots => Some(read(*p1, DType::Int64, m * per_row)),
                            _ => None,
                        };
                        let res = gpu_model::split_final(op, &p0, p1.as_ref(), m, per_row).map_err(|e| bad(&e))?;
                        write(&res, *out);
                        Ok(())
                    }
                    _ => Err(bad("split row reduction parameters")),
                }
            }
        }
    })
}
