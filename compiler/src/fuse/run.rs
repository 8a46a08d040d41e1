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

/// A cache slot: the entry and, under the tiered backend, where the kernel stands.
struct Slot {
    entry: CacheEntry,
    tier: Tier,
}

/// A kernel's tier under `Backend::Tiered` (Note [Tiered compilation]).
enum Tier {
    /// Running Cranelift's code; the elements its launches have covered so far.
    Counting(u64),
    /// Queued for LLVM on the background thread.
    Queued(super::tier::Slot),
    /// Final: LLVM's code, or Cranelift's for good (LLVM declined, or other backends).
    Done,
}

static CACHE: OnceLock<Mutex<HashMap<(super::Backend, kir::Kernel), Slot>>> = OnceLock::new();

/// The compiled code for `k`, compiling it on first use (Note [Kernel cache]).
///
/// Note [Kernel cache]: kernels are keyed by their structure (`kir::Kernel`: rank, access
/// classes, dtypes, instructions), never by sizes, offsets, strides or scalar values,
/// which are arguments. A loop that runs the same statement on new data, or on a growing
/// array, compiles once. The key includes the backend (the thread's `fuse::backend()`);
/// the LLVM backend also keeps objects on disk (Note [LLVM disk cache]).
pub fn compiled_kernel(k: &kir::Kernel) -> CacheEntry {
    kernel_for_launch(k, 0)
}

/// [`compiled_kernel`] for a launch over `elements` elements, which the tiered backend
/// counts towards the kernel's tier-up (Note [Tiered compilation]).
pub(super) fn kernel_for_launch(k: &kir::Kernel, elements: usize) -> CacheEntry {
    let backend = super::backend();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let cache_key = (backend, k.clone());
    if let Some(slot) = cache.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&cache_key) {
        if backend == super::Backend::Tiered {
            advance_tier(slot, k, elements);
        }
        if slot.entry.is_ok() {
            telemetry::add::cache_hits(1);
        }
        return slot.entry.clone();
    }
    let start = std::time::Instant::now();
    let (entry, tier) = match backend {
        super::Backend::Tiered => first_tier(k, elements),
        _ => (compile_with_backend(backend, k).map(Arc::new), Tier::Done),
    };
    let ns = start.elapsed().as_nanos() as u64;
    match &entry {
        Ok(c) => {
            telemetry::add::kernels_compiled(1);
            telemetry::add::compile_ns(ns);
            {
                let mut times = COMPILE_TIMES.lock().unwrap_or_else(|e| e.into_inner());
                if times.len() < MAX_COMPILE_TIMES {
                    times.push(ns);
                }
            }
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
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(cache_key, Slot { entry: entry.clone(), tier });
    entry
}

/// How long each kernel compiled so far took (ns, in order; the first `MAX_COMPILE_TIMES`):
/// `hpxl bench` reports their median, which a first kernel's one-time costs (code pages,
/// caches) and a compile that shares the cores with a finishing parallel loop do not move.
static COMPILE_TIMES: Mutex<Vec<u64>> = Mutex::new(Vec::new());
const MAX_COMPILE_TIMES: usize = 1 << 16;

/// The compile time of every kernel compiled so far in this process, in nanoseconds.
pub fn compile_times() -> Vec<u64> {
    COMPILE_TIMES.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The tiered backend's first code for `k`: LLVM's from the disk cache, else Cranelift's,
/// counting `elements` towards the tier-up.
fn first_tier(k: &kir::Kernel, elements: usize) -> (CacheEntry, Tier) {
    #[cfg(feature = "_llvm")]
    if let Some(c) = crate::llvm::compile_cached(k) {
        telemetry::add::kernels_tiered(1);
        return (Ok(Arc::new(c)), Tier::Done);
    }
    match jit::compile(k) {
        Ok(c) => {
            let mut slot = Slot { entry: Ok(Arc::new(c)), tier: Tier::Counting(0) };
            advance_tier(&mut slot, k, elements);
            (slot.entry, slot.tier)
        }
        Err(why) => (Err(why), Tier::Done),
    }
}

/// Counts a launch of `elements` towards `slot`'s tier-up, queues the kernel for LLVM at
/// the threshold, and takes LLVM's code once it is ready.
fn advance_tier(slot: &mut Slot, k: &kir::Kernel, elements: usize) {
    match &mut slot.tier {
        Tier::Done => {}
        Tier::Counting(n) => {
            *n = n.saturating_add(elements as u64);
            if *n >= super::tier::tier_threshold() {
                slot.tier = match super::tier::request(k) {
                    Some(q) => Tier::Queued(q),
                    None => Tier::Done,
                };
            }
        }
        Tier::Queued(q) => {
            if let Some(done) = q.get() {
                match done {
                    Ok(c) => {
                        telemetry::add::kernels_tiered(1);
                        if super::dumping() {
                            eprintln!("HPXL kernel tiered up to llvm:\n{}", kir::kernel_text(k));
                            if graph::debug_level() >= 4 || super::dump_kernels() {
                                eprintln!("{}", c.clif);
                            }
                        }
                        slot.entry = Ok(c.clone());
                    }
                    Err(why) => {
                        if super::dumping() {
                            eprintln!("HPXL kernel stays on cranelift ({why}):\n{}", kir::kernel_text(k));
                        }
                    }
                }
                slot.tier = Tier::Done;
            }
        }
    }
}

/// Compiles `k` with `backend`. The LLVM backend's failures fall back to Cranelift (the
/// reason is kept in the code text, shown by `--dump kernels`).
fn compile_with_backend(backend: super::Backend, k: &kir::Kernel) -> Result<jit::Compiled, String> {
    match backend {
        #[cfg(feature = "_llvm")]
        super::Backend::Llvm => crate::llvm::compile(k).or_else(|why| {
            let mut c = jit::compile(k)?;
            c.clif = format!("; llvm declined ({why}); cranelift code:\n{}", c.clif);
            Ok(c)
        }),
        _ => jit::compile(k),
    }
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

/// Runs a map kernel into fresh output buffers, with streaming stores when they are
/// large (Note [Streaming stores]).
pub(super) fn launch_fresh(c: &jit::Compiled, plan: &Plan, out_ptrs: &[*mut u8]) {
    let args = plan.args(out_ptrs);
    let total = plan.size();
    let contiguous = plan.extents.len() == 1 && plan.outputs.iter().all(|(_, s)| s[0] == 1);
    let bytes: usize = plan.kernel.outputs.iter().map(|o| o.dtype.itemsize() * total).sum();
    if !(contiguous && bytes >= stream_min_bytes()) {
        return launch_args(c, &args, total);
    }
    telemetry::add::kernel_launches(1);
    let entry = c.entry;
    let outs: Vec<(usize, usize, i64)> = (0..plan.outputs.len())
        .map(|o| (plan.kernel.output_word(o), plan.kernel.outputs[o].dtype.itemsize(), plan.outputs[o].0))
        .collect();
    let (args, ptrs) = (&args, out_ptrs.iter().map(|&p| p as usize).collect::<Vec<usize>>());
    exec::for_blocks(total, exec::map_block(), |s, e| {
        let mut words = args.clone();
        let mut scratch = vec![0u64; STREAM_TILE * outs.len()];
        let base = scratch.as_mut_ptr() as usize;
        let mut i = s;
        while i < e {
            let j = (i + STREAM_TILE).min(e);
            for (o, &(word, item, offset)) in outs.iter().enumerate() {
                // The kernel stores element k at ptr + (offset + k) * item: aim it at the tile.
                let tile = base + o * STREAM_TILE * 8;
                words[word] = (tile as i64).wrapping_sub((offset + i as i64).wrapping_mul(item as i64));
            }
            // SAFETY: the words describe live inputs and this block's tiles; the copies
            // write this block's disjoint range of each output.
            unsafe {
                entry(words.as_ptr(), i as i64, j as i64);
                for (o, &(_, item, offset)) in outs.iter().enumerate() {
                    let dst = ptrs[o] + (offset as usize + i) * item;
                    stream_copy(dst as *mut u8, (base + o * STREAM_TILE * 8) as *const u8, (j - i) * item);
                }
            }
            i = j;
        }
        stream_fence();
    });
}

/// Note [Streaming stores]: a large output written with ordinary stores is read into the
/// cache first (read-for-ownership), so `r = a*b + c*d` moves six streams, not five.
/// Non-temporal stores skip that read. Cranelift has no non-temporal store, so a large
/// contiguous map kernel runs in tiles of `STREAM_TILE` elements into an L1-resident
/// scratch tile, which `stream_copy` then writes out with `movntdq`. The extra copy is
/// from L1 and costs far less than the read it saves. But a streamed output is not left
/// in the cache, so the next kernel reading it goes to memory: streaming only pays for
/// outputs that would not stay cached anyway. The default threshold is therefore the
/// size of the last-level cache (`last_level_cache_bytes`; 16 MiB when the OS does not
/// say), overridable with `HPXL_STREAM_MIN_BYTES`. Measured on the 2-core development
/// machine (480 MiB L3, benches/README.md): with 80 MB outputs, streaming on or off made
/// no difference beyond noise (`abcd` 15.3 ms both ways), so there it stays off.
const STREAM_TILE: usize = 1024;

fn stream_min_bytes() -> usize {
    static MIN: OnceLock<usize> = OnceLock::new();
    *MIN.get_or_init(|| {
        std::env::var("HPXL_STREAM_MIN_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| last_level_cache_bytes().unwrap_or(16 << 20))
    })
}

/// The size of the largest CPU cache, from Linux's sysfs (`None` elsewhere).
pub fn last_level_cache_bytes() -> Option<usize> {
    let dir = std::fs::read_dir("/sys/devices/system/cpu/cpu0/cache").ok()?;
    dir.filter_map(|e| {
        let text = std::fs::read_to_string(e.ok()?.path().join("size")).ok()?;
        let t = text.trim();
        let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
        let n: usize = num.parse().ok()?;
        Some(match unit {
            "K" => n << 10,
            "M" => n << 20,
            "G" => n << 30,
            _ => n,
        })
    })
    .max()
}

/// Copies `len` bytes from `src` to `dst` with non-temporal stores where aligned.
///
/// # Safety
/// `src` and `dst` are valid for `len` bytes and do not overlap.
unsafe fn stream_copy(dst: *mut u8, src: *const u8, len: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_stream_si128};
        let head = (dst.align_offset(16)).min(len);
        std::ptr::copy_nonoverlapping(src, dst, head);
        let mut k = head;
        while k + 16 <= len {
            _mm_stream_si128(dst.add(k) as *mut __m128i, _mm_loadu_si128(src.add(k) as *const __m128i));
            k += 16;
        }
        std::ptr::copy_nonoverlapping(src.add(k), dst.add(k), len - k);
    }
    #[cfg(not(target_arch = "x86_64"))]
    std::ptr::copy_nonoverlapping(src, dst, len);
}

/// Orders this thread's streaming stores before the launch returns.
fn stream_fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: sfence has no preconditions.
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

pub(super) fn launch_args(c: &jit::Compiled, args: &[i64], total: usize) {
    telemetry::add::kernel_launches(1);
    let entry = c.entry;
    let words = args.as_ptr() as usize;
    // SAFETY: the plan's arguments describe live buffers (the plan holds `Arc`s of every
    // input; outputs are owned by the caller for the duration of the launch); blocks
    // write disjoint output elements.
    exec::for_blocks(total, exec::map_block(), |s, e| unsafe { entry(words as *const i64, s as i64, e as i64) });
}

/// Computes a materialised node.
pub(super) fn materialise(n: &NodeRef, role: Role) -> Result<NdArray, Diagnostic> {
    // A reduction's work is its input's size, not its result's.
    let size: usize = n.with_op(|op| match op {
        Op::Reduce { x, .. } => x.shape.iter().product(),
        _ => n.shape.iter().product(),
    });
    if role == Role::Library && crate::gpu::device() == crate::gpu::Device::Gpu && crate::gpu::active().is_some() {
        crate::gpu::note_once(&format!("`{}` has no GPU kernel yet and runs on the CPU", n.op_name()));
    }
    if role == Role::Library || zero_copy(n) || size < super::small_threshold() || n.shape.contains(&0) {
        return graph::realize_interp(n);
    }
    match role {
        Role::Reduce => super::reduce::run(n),
        Role::Scatter => scatter(n),
        _ => map(n),
    }
}

/// Views, reshapes and broadcasts of buffers: realised without copying.
pub(super) fn zero_copy(n: &NodeRef) -> bool {
    n.with_op(|op| match op {
        Op::View { x, .. } | Op::Reshape { x } | Op::Broadcast { x } => x.is_realised(),
        _ => false,
    })
}

/// Nodes of one shape computed by one kernel with an output each (Note [Multi-output
/// kernels]); members fuse into each other.
pub(super) fn map_group(members: &[NodeRef]) -> Result<Vec<NdArray>, Diagnostic> {
    let shape = members[0].shape.clone();
    let rank = shape.len();
    let mut b = Builder::new(shape.to_vec());
    let strides: Vec<i64> = hpxl_runtime::contiguous_strides(&shape).iter().map(|&s| s as i64).collect();
    let mut outputs = Vec::with_capacity(members.len());
    for n in members {
        let v = b.emit(n, &Map::identity(rank))?;
        outputs.push((v, n.dtype, 0, strides.clone()));
    }
    let (plan, _) = finish(b, outputs, &[]);
    super::check(&plan.kernel)?;
    #[cfg(feature = "_ptx")]
    {
        let dtypes: Vec<DType> = members.iter().map(|n| n.dtype).collect();
        if let Some(outs) = super::gpu::try_map(&plan, &dtypes, &shape, members[0].span)? {
            return Ok(outs);
        }
    }
    let compiled = match kernel_for_launch(&plan.kernel, plan.size()) {
        Ok(c) => c,
        Err(_) => return members.iter().map(graph::realize_interp).collect(),
    };
    plan.sync_host();
    let size = plan.size();
    let mut outs = members.iter().map(|n| output_buffer(n, n.dtype, size)).collect::<Result<Vec<Data>, _>>()?;
    let ptrs: Vec<*mut u8> = outs.iter_mut().map(|d| d.as_mut_ptr()).collect();
    launch_fresh(&compiled, &plan, &ptrs);
    drop(plan);
    Ok(outs.into_iter().map(|d| NdArray::from_data(d, shape.clone())).collect())
}

/// A node computed by one map kernel into a fresh buffer.
fn map(n: &NodeRef) -> Result<NdArray, Diagnostic> {
    let rank = n.shape.len();
    let mut b = Builder::new(n.shape.to_vec());
    let v = b.emit(n, &Map::identity(rank))?;
    let strides: Vec<i64> = hpxl_runtime::contiguous_strides(&n.shape).iter().map(|&s| s as i64).collect();
    let (plan, _) = finish(b, vec![(v, n.dtype, 0, strides)], &[]);
    super::check(&plan.kernel)?;
    #[cfg(feature = "_ptx")]
    if let Some(mut outs) = super::gpu::try_map(&plan, &[n.dtype], &n.shape, n.span)? {
        return outs.pop().ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: GPU map without output"));
    }
    let compiled = match kernel_for_launch(&plan.kernel, plan.size()) {
        Ok(c) => c,
        Err(_) => return graph::realize_interp(n),
    };
    plan.sync_host();
    let size = plan.size();
    let mut out = output_buffer(n, n.dtype, size)?;
    launch_fresh(&compiled, &plan, &[out.as_mut_ptr()]);
    drop(plan);
    Ok(NdArray::from_data(out, n.shape.clone()))
}

/// The code a scatter runs: the CPU's kernel, or its PTX on the GPU.
enum ScatterCode {
    Cpu(Arc<jit::Compiled>),
    #[cfg(feature = "_ptx")]
    Gpu(Arc<crate::ptx::PtxKernel>),
}

/// An in-place update `base[region] = value`: the value's kernel writes the region of
/// the result buffer. The base buffer itself is reused when nothing else holds it and
/// the kernel reads it only at the elements it writes (`x += 1`); otherwise the result
/// is a copy of the base (Decision 4: shifted reads of the old contents, as in a stencil,
/// never see new values). On the GPU the same decision picks the base's device copy or
/// a fresh device buffer (Note [Scatters on the GPU] in `fuse/gpu.rs`).
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
    // Unsynced: a GPU scatter takes the base's device copy; the CPU path syncs below.
    let base_now =
        base.value_unsynced().ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: scatter base pending"))?;
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
    #[cfg(feature = "_ptx")]
    let gpu_code = super::gpu::scatter_kernel(&plan, base_now.is_contiguous()).map(ScatterCode::Gpu);
    #[cfg(not(feature = "_ptx"))]
    let gpu_code: Option<ScatterCode> = None;
    let code = match gpu_code {
        Some(c) => c,
        None => match kernel_for_launch(&plan.kernel, plan.size()) {
            Ok(c) => {
                plan.sync_host();
                crate::gpu::host_sync(&base_now.data);
                ScatterCode::Cpu(c)
            }
            Err(_) => return graph::realize_interp(n),
        },
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
            let compiled = match code {
                ScatterCode::Cpu(c) => c,
                #[cfg(feature = "_ptx")]
                ScatterCode::Gpu(k) => return super::gpu::scatter_in_place(&k, plan, base_now, &n.shape, n.span),
            };
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
    let compiled = match code {
        ScatterCode::Cpu(c) => c,
        #[cfg(feature = "_ptx")]
        ScatterCode::Gpu(k) => return super::gpu::scatter_copy(&k, &plan, &base_now, size, &n.shape, n.span),
    };
    let contiguous = base_now.to_contiguous();
    let mut out = match region_rows(size, spec.offset, &spec.strides, &spec.shape) {
        // The kernel writes every row of the region: only the gaps between them are copied.
        Some(rows) => copy_outside_rows(n, &contiguous.data, contiguous.offset, size, &rows)?,
        None => copy_data(n, &contiguous.data, contiguous.offset, size)?,
    };
    drop(contiguous);
    drop(base_now);
    launch(&compiled, &plan, &[out.as_mut_ptr()]);
    drop(plan);
    Ok(NdArray::from_data(out, n.shape.clone()))
}

/// The rows of a scatter region inside its base's flat storage: `count` rows of `len`
/// contiguous elements, row `r` starting at `offset + Σ stride_d · i_d` over the outer
/// dimensions, in increasing order and without overlap.
struct RegionRows {
    offset: usize,
    /// Outer dimensions, outermost first: (extent, stride).
    outer: Vec<(usize, usize)>,
    len: usize,
    count: usize,
}

impl RegionRows {
    /// The first element of row `r` (row-major over the outer dimensions).
    fn start(&self, mut r: usize) -> usize {
        let mut at = self.offset;
        for &(extent, stride) in self.outer.iter().rev() {
            at += (r % extent) * stride;
            r /= extent;
        }
        at
    }
}

/// The region `(offset, strides, extents)` of a flat buffer of `size` elements as rows,
/// when its rows come in increasing order without overlapping: every basic slice with
/// positive steps, whatever shape the base has. Rows are the contiguous innermost
/// dimension, or single elements when that dimension is strided.
fn region_rows(size: usize, offset: usize, strides: &[isize], extents: &[usize]) -> Option<RegionRows> {
    // Extent-1 dimensions do not move; the innermost remaining one must be contiguous.
    let dims: Vec<(usize, isize)> =
        extents.iter().zip(strides).filter(|(&e, _)| e != 1).map(|(&e, &s)| (e, s)).collect();
    let (len, outer) = match dims.split_last() {
        None => (1, &[][..]),
        Some((&(e, 1), outer)) => (e, outer),
        // A strided innermost dimension: rows of one element.
        Some(_) => (1, &dims[..]),
    };
    // Walking outward, each stride must step past everything the inner dimensions span.
    let mut span = len;
    let mut rows = Vec::with_capacity(outer.len());
    for &(extent, stride) in outer.iter().rev() {
        let stride = usize::try_from(stride).ok().filter(|&s| s >= span)?;
        span = stride.checked_mul(extent - 1)?.checked_add(span)?;
        rows.push((extent, stride));
    }
    rows.reverse();
    (offset.checked_add(span)? <= size).then(|| RegionRows {
        offset,
        count: rows.iter().map(|&(e, _)| e).product(),
        outer: rows,
        len,
    })
}

/// A pooled copy of `src` (`size` elements from `offset`) that leaves the region's rows
/// unwritten: the scatter's kernel writes every element of them next (Note [Scatter
/// borders]).
///
/// Note [Scatter borders]: a scatter whose kernel reads the old contents of its base
/// away from where it writes (a stencil: `u[1:-1,1:-1] += ... u[:-2,1:-1] ...`) runs
/// into a fresh buffer. Copying the whole base there first and then overwriting the
/// region moves the region's bytes twice; when the region is a set of increasing,
/// disjoint contiguous rows of the base's flat storage, only the gaps between them are
/// copied (for a 2000² stencil, the border: 32 KB per step instead of 32 MB). The base's
/// own shape does not matter: `u = arange(k*k).reshape(k, k)` is a 2-D view of 1-D
/// storage, and the scatter's region is then a strided view of that storage. On the GPU
/// the fresh buffer gets the whole base by one device-to-device copy instead (Note
/// [Scatters on the GPU] in `fuse/gpu.rs`).
fn copy_outside_rows(n: &NodeRef, src: &Data, offset: usize, size: usize, rows: &RegionRows) -> Result<Data, Diagnostic> {
    let mut out = output_buffer(n, src.dtype(), size)?;
    let item = src.dtype().itemsize();
    let (s, d) = (src.as_ptr() as usize + offset * item, out.as_mut_ptr() as usize);
    let rows_per_block = (exec::BLOCK / rows.len.max(1)).max(1);
    // SAFETY: both buffers hold `size` elements of the same dtype; the gap before row r
    // (from the end of row r-1) and the tail after the last row are disjoint.
    exec::for_blocks(rows.count + 1, rows_per_block, |a, b| unsafe {
        for r in a..b {
            let from = if r == 0 { 0 } else { rows.start(r - 1) + rows.len };
            let to = if r == rows.count { size } else { rows.start(r) };
            if to > from {
                std::ptr::copy_nonoverlapping(
                    (s + from * item) as *const u8,
                    (d + from * item) as *mut u8,
                    (to - from) * item,
                )
            }
        }
    });
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::region_rows;

    /// The flat positions of a region, by brute force.
    fn positions(offset: usize, strides: &[isize], extents: &[usize]) -> Vec<usize> {
        let mut out = vec![offset as isize];
        for (&e, &s) in extents.iter().zip(strides) {
            out = out.iter().flat_map(|&p| (0..e as isize).map(move |i| p + i * s)).collect();
        }
        out.into_iter().map(|p| p as usize).collect()
    }

    #[test]
    fn region_rows_cover_exactly_the_region() {
        // (size, offset, strides, extents): stencil interiors of 2-D bases and of 1-D
        // storage viewed as 2-D, strided columns, steps, a 3-D box, single elements.
        let cases: &[(usize, usize, &[isize], &[usize])] = &[
            (100, 11, &[10, 1], &[8, 8]),
            (100, 0, &[10, 1], &[10, 10]),
            (100, 3, &[10], &[10]),
            (100, 1, &[20, 2], &[5, 4]),
            (60, 13, &[20, 5, 1], &[2, 2, 3]),
            (10, 4, &[], &[]),
            (100, 5, &[10, 1], &[1, 3]),
        ];
        for &(size, offset, strides, extents) in cases {
            let rows = region_rows(size, offset, strides, extents).expect("a row region");
            let mut covered = Vec::new();
            for r in 0..rows.count {
                let start = rows.start(r);
                if let Some(&last) = covered.last() {
                    assert!(start > last, "rows out of order for {strides:?} {extents:?}");
                }
                covered.extend(start..start + rows.len);
            }
            assert_eq!(covered, positions(offset, strides, extents), "{strides:?} {extents:?}");
        }
        // Overlapping, reversed or out-of-bounds regions are not rows.
        assert!(region_rows(100, 0, &[1, 1], &[5, 5]).is_none());
        assert!(region_rows(100, 9, &[-1], &[5]).is_none());
        assert!(region_rows(50, 11, &[10, 1], &[8, 8]).is_none());
    }
}
