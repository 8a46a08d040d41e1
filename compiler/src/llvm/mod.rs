//! The LLVM CPU backend (feature `llvm`): compiles a kir [`Kernel`] to vectorised host
//! code with the calling convention of `crate::kir`, through LLVM 14 (inkwell).
//!
//! Pipeline: `kir::verify` → `jit::plan` (the Cranelift backend's plan, with the
//! transcendentals of `math.rs` inline) → `cpu::lower_to_llvm` (scalar loops) → the
//! `default<O3>` pipeline with loop and SLP vectorisation, for the host CPU
//! (`target-cpu`/`target-features` on the function and the target machine; 512-bit
//! vectors preferred where AVX-512 exists) → an object file (`write_to_memory_buffer`)
//! → loaded by ORC's LLJIT (`orc.rs`). Objects are cached on disk (`cache.rs`, Note
//! [LLVM disk cache]); the in-memory cache is the fuse layer's (Note [Kernel cache]).
//!
//! Correctness: the same contract as the Cranelift backend (ARCHITECTURE.md): inline
//! code only where it is bitwise equal to the interp backend (no fast-math flags, no
//! contraction, Note [No contraction] in `emit.rs`), interp-exact slice functions for
//! the rest, and `vmath`-equivalent transcendentals within the documented ULP bounds.
//!
//! Note [LLVM linking]: feature `llvm` links `libLLVM-14.so` (package `llvm-14-dev`):
//! small binaries and test executables. `llvm-static` links LLVM statically (needs
//! `libpolly-14-dev` at build time) for a binary that must run where LLVM is not
//! installed. Both compile the same code (internal feature `_llvm`).

mod cache;
mod cpu;
mod divmod;
pub(crate) mod emit;
pub(crate) mod math;
mod orc;

use crate::jit::plan::{self, Options};
use crate::jit::Compiled;
use crate::kir::Kernel;
use inkwell::context::Context;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine};
use inkwell::OptimizationLevel;
use std::sync::OnceLock;

/// Initialises LLVM's native target (and NVPTX with feature `gpu`) once.
pub(crate) fn init_targets() -> Result<(), String> {
    static INIT: OnceLock<Result<(), String>> = OnceLock::new();
    INIT.get_or_init(|| {
        Target::initialize_native(&InitializationConfig::default())
            .map_err(|e| format!("llvm backend: native target: {e}"))?;
        #[cfg(feature = "_ptx")]
        Target::initialize_nvptx(&InitializationConfig::default());
        // Developer knob: LLVM command-line options, e.g. `-force-vector-interleave=1`.
        if let Ok(opts) = std::env::var("HPXL_LLVM_ARGS") {
            let args: Vec<std::ffi::CString> = std::iter::once("hpxl")
                .chain(opts.split_whitespace())
                .map(|a| std::ffi::CString::new(a).expect("no NUL in arguments"))
                .collect();
            let ptrs: Vec<*const std::ffi::c_char> = args.iter().map(|a| a.as_ptr()).collect();
            // SAFETY: NUL-terminated strings that outlive the call; LLVM copies what it keeps.
            unsafe {
                llvm_sys::support::LLVMParseCommandLineOptions(ptrs.len() as i32, ptrs.as_ptr(), std::ptr::null())
            };
        }
        Ok(())
    })
    .clone()
}

/// The host CPU as LLVM names it: `(cpu, features)`.
pub(crate) fn host_cpu() -> &'static (String, String) {
    static HOST: OnceLock<(String, String)> = OnceLock::new();
    HOST.get_or_init(|| {
        (TargetMachine::get_host_cpu_name().to_string(), TargetMachine::get_host_cpu_features().to_string())
    })
}

fn has_feature(features: &str, f: &str) -> bool {
    features.split(',').any(|x| x == format!("+{f}"))
}

fn host_machine() -> Result<std::rc::Rc<TargetMachine>, String> {
    thread_local! {
        static TM: std::cell::OnceCell<Result<std::rc::Rc<TargetMachine>, String>> = const { std::cell::OnceCell::new() };
    }
    TM.with(|tm| tm.get_or_init(|| new_host_machine().map(std::rc::Rc::new)).clone())
}

fn new_host_machine() -> Result<TargetMachine, String> {
    init_targets()?;
    let triple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple).map_err(|e| format!("llvm backend: {e}"))?;
    let (cpu, features) = host_cpu();
    target
        .create_target_machine(
            &triple,
            cpu,
            features,
            OptimizationLevel::Aggressive,
            RelocMode::PIC,
            CodeModel::Default,
        )
        .ok_or_else(|| "llvm backend: no target machine for the host".to_string())
}

/// The disk-cache key of a kernel with text form `text` for `target` (Note [LLVM disk cache]).
#[cfg_attr(not(feature = "_ptx"), allow(dead_code))] // used by `crate::ptx`
pub(crate) fn cache_key(target: &str, text: &str) -> String {
    cache::key(target, text)
}

/// A 64-bit hash of `text` as 16 hex digits (stable across processes and builds).
#[cfg_attr(not(feature = "_ptx"), allow(dead_code))] // used by `crate::ptx`
pub(crate) fn text_hash(text: &str) -> String {
    cache::text_hash(text)
}

/// A cached payload (`ext`: file extension) made for the kernel with text `text`.
#[cfg_attr(not(feature = "_ptx"), allow(dead_code))] // used by `crate::ptx`
pub(crate) fn cache_read(key: &str, text: &str, ext: &str) -> Option<Vec<u8>> {
    cache::read_ext(key, text, ext)
}

/// Stores a payload in the disk cache (atomically; errors ignored).
#[cfg_attr(not(feature = "_ptx"), allow(dead_code))] // used by `crate::ptx`
pub(crate) fn cache_write(key: &str, text: &str, payload: &[u8], ext: &str) {
    cache::write_ext(key, text, payload, ext)
}

/// The plan options of this backend: the transcendentals of `math.rs` (`vmath`'s
/// kernels, the same bits) and the divisions of `divmod.rs` inline; the binary
/// transcendentals (power, arctan2, hypot) and float32 sin, cos and tan are `vmath` calls
/// as in Cranelift.
fn options() -> Options {
    Options { inline_math: math::inline_unary, inline_division: true, ..Options::default() }
}

/// Whether the inline code uses fused multiply-adds: exactly when `vmath` runs its FMA
/// variants, so that both CPU backends compute the same bits (Note [Tiered compilation]
/// in `fuse/tier.rs` depends on it). `vmath` needs AVX2 as well as FMA for those.
fn use_fma() -> bool {
    crate::vmath::best_isa() != crate::vmath::Isa::Baseline
}

/// What the disk cache and the loader need to know about a kernel.
struct Prepared {
    plan: plan::Plan,
    externs: Vec<cpu::Extern>,
    text: String,
    key: String,
    entry_name: String,
}

fn prepare(k: &Kernel) -> Result<Prepared, String> {
    crate::kir::verify(k).map_err(|e| format!("llvm backend: invalid kernel: {e}"))?;
    let plan = plan::plan(k, &options()).map_err(|e| e.replace("cranelift backend", "llvm backend"))?;
    let fma = use_fma();
    let externs = cpu::externs(k, &plan, fma);
    let text = crate::kir::kernel_text(k);
    let key = cache::key(if fma { "cpu" } else { "cpu-nofma" }, &text);
    let entry_name = format!("hpxl_k_{key}");
    Ok(Prepared { plan, externs, text, key, entry_name })
}

fn load_cached(p: &Prepared) -> Option<Result<Compiled, String>> {
    let t = std::time::Instant::now();
    let object = cache::read(&p.key, &p.text)?;
    let t_read = t.elapsed();
    let loaded = orc::load(&object, &p.externs, &p.entry_name);
    if crate::fuse::dumping() {
        eprintln!(
            "HPXL llvm phases: disk cache read {:.3} ms, object load {:.3} ms",
            t_read.as_secs_f64() * 1e3,
            (t.elapsed() - t_read).as_secs_f64() * 1e3
        );
    }
    Some(loaded.map(|addr| compiled(addr, format!("; llvm: object loaded from the disk cache ({})\n", p.key))))
}

/// `k`'s code from the disk cache, or `None` when it is not there (or the backend cannot
/// lower `k`). Costs a file read and the object load, never a compilation.
pub fn compile_cached(k: &Kernel) -> Option<Compiled> {
    load_cached(&prepare(k).ok()?)?.ok()
}

/// Test mode: `k` compiled for this CPU with the PTX backend's operations and code —
/// every kernel of `math::gpu_unary` inline (float32 sin, cos and tan included, without
/// the exact pass for their rare arguments, as on the GPU), the divisions of `divmod.rs`
/// with `fmod` by Note [Exact fmod], `rint` as in PTX — so that tests check on a machine
/// without a GPU the IR the GPU runs. Never cached; `Compiled::clif` is the optimised IR;
/// the rest of the kernel as `compile`.
#[doc(hidden)]
pub fn compile_gpu_ops(k: &Kernel) -> Result<Compiled, String> {
    crate::kir::verify(k).map_err(|e| format!("llvm backend: invalid kernel: {e}"))?;
    let opts = Options {
        inline_math: math::gpu_unary,
        inline_division: true,
        inline_binary_math: math::gpu_binary,
        inline_int_power: true,
        ..Options::default()
    };
    let plan = plan::plan(k, &opts)?;
    let externs = cpu::externs(k, &plan, use_fma());
    // Entry symbols are process-wide in the JIT: one fresh name per compilation.
    static SERIAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let entry_name = format!("hpxl_gpu_ops_{}", SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    // The IR text is kept, so that tests can see which calls remain.
    ALWAYS_IR.with(|c| c.set(true));
    let built = build_object(k, &plan, &entry_name, crate::ptx_module_name());
    ALWAYS_IR.with(|c| c.set(false));
    let (object, ir) = built?;
    let addr = orc::load(&object, &externs, &entry_name)?;
    Ok(compiled(addr, ir))
}

/// Compiles `k`; the error says what the backend could not lower.
pub fn compile(k: &Kernel) -> Result<Compiled, String> {
    let t = std::time::Instant::now();
    let p = prepare(k)?;
    if crate::fuse::dumping() {
        eprintln!("HPXL llvm phases: plan and cache key {:.3} ms", t.elapsed().as_secs_f64() * 1e3);
    }
    if let Some(c) = load_cached(&p) {
        return c;
    }
    // A lowering bug may panic (an internal invariant of the plan); no kernel may take
    // the process down: the caller falls back to Cranelift on an error.
    let (object, ir) =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_object(k, &p.plan, &p.entry_name, "hpxl")))
            .unwrap_or_else(|_| Err("llvm backend: code generation panicked".to_string()))?;
    cache::write(&p.key, &p.text, &object);
    let t = std::time::Instant::now();
    let addr = orc::load(&object, &p.externs, &p.entry_name)?;
    if crate::fuse::dumping() {
        eprintln!("HPXL llvm phases: object load {:.3} ms", t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(compiled(addr, ir))
}

fn compiled(addr: usize, text: String) -> Compiled {
    // SAFETY: the symbol is a function built by `cpu::lower_to_llvm` with exactly this
    // signature and the C calling convention.
    let entry = unsafe { std::mem::transmute::<usize, unsafe extern "C" fn(*const i64, i64, i64)>(addr) };
    Compiled { entry, clif: text }
}

/// Lowers, optimises and emits `k` as an object file; also returns the optimised IR.
fn build_object(
    k: &Kernel,
    plan: &plan::Plan,
    entry_name: &str,
    module_name: &str,
) -> Result<(Vec<u8>, String), String> {
    let t0 = std::time::Instant::now();
    let tm = host_machine()?;
    let t_machine = t0.elapsed();
    let (cpu, features) = host_cpu();
    let cx = Context::create();
    let m = cx.create_module(module_name);
    m.set_triple(&tm.get_triple());
    m.set_data_layout(&tm.get_target_data().get_data_layout());
    let fma = use_fma();
    let f = cpu::lower_to_llvm(&cx, &m, k, plan, entry_name, fma).map_err(|e| format!("llvm backend: {e}"))?;
    for (key, value) in [("target-cpu", cpu.as_str()), ("target-features", features.as_str())] {
        f.add_attribute(inkwell::attributes::AttributeLoc::Function, cx.create_string_attribute(key, value));
    }
    if has_feature(features, "avx512f") {
        // LLVM prefers 256-bit vectors on AVX-512 CPUs unless told otherwise; the kernels
        // are long, uniform loops where the full width pays.
        f.add_attribute(
            inkwell::attributes::AttributeLoc::Function,
            cx.create_string_attribute("prefer-vector-width", "512"),
        );
    }
    let nounwind = inkwell::attributes::Attribute::get_named_enum_kind_id("nounwind");
    f.add_attribute(inkwell::attributes::AttributeLoc::Function, cx.create_enum_attribute(nounwind, 0));
    m.verify().map_err(|e| format!("llvm backend: invalid IR: {e}"))?;
    let t_lower = t0.elapsed();
    let po = PassBuilderOptions::create();
    po.set_loop_vectorization(true);
    po.set_loop_slp_vectorization(true);
    po.set_loop_unrolling(std::env::var("HPXL_LLVM_UNROLL").map_or(true, |v| v != "0"));
    let pipeline = std::env::var("HPXL_LLVM_PIPELINE").unwrap_or_else(|_| "default<O3>".into());
    m.run_passes(&pipeline, &tm, po).map_err(|e| format!("llvm backend: passes: {e}"))?;
    let t_passes = t0.elapsed();
    // The IR text is for `--dump kernels` / `HPXL_DEBUG>=4`; printing it costs time.
    let ir = if crate::fuse::dumping() || !keep_ir_only_when_dumping() {
        m.print_to_string().to_string()
    } else {
        "; llvm: IR not kept (set HPXL_DEBUG=4 or --dump kernels)\n".to_string()
    };
    let buf = tm.write_to_memory_buffer(&m, FileType::Object).map_err(|e| format!("llvm backend: codegen: {e}"))?;
    let t_codegen = t0.elapsed();
    if crate::fuse::dumping() {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        eprintln!(
            "HPXL llvm phases: target machine {:.3} ms, IR {:.3} ms, passes ({pipeline}) {:.3} ms, codegen {:.3} ms",
            ms(t_machine),
            ms(t_lower - t_machine),
            ms(t_passes - t_lower),
            ms(t_codegen - t_passes)
        );
    }
    Ok((buf.as_slice().to_vec(), ir))
}

thread_local! {
    static ALWAYS_IR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn keep_ir_only_when_dumping() -> bool {
    !ALWAYS_IR.with(|c| c.get())
}

/// The optimised LLVM IR of `k` for the host (for tests and `--dump`).
#[doc(hidden)]
pub fn ir_text(k: &Kernel) -> Result<String, String> {
    let plan = plan::plan(k, &options())?;
    ALWAYS_IR.with(|c| c.set(true));
    let r = build_object(k, &plan, "hpxl_kernel", "hpxl").map(|x| x.1);
    ALWAYS_IR.with(|c| c.set(false));
    r
}

/// The host's assembly for `k` (for checking vectorisation in tests and benchmarks).
#[doc(hidden)]
pub fn asm_text(k: &Kernel) -> Result<String, String> {
    let ir = ir_text(k)?;
    let tm = host_machine()?;
    let cx = Context::create();
    let mb = inkwell::memory_buffer::MemoryBuffer::create_from_memory_range_copy(ir.as_bytes(), "ir");
    let m = cx.create_module_from_ir(mb).map_err(|e| format!("llvm backend: {e}"))?;
    let asm = tm.write_to_memory_buffer(&m, FileType::Assembly).map_err(|e| format!("llvm backend: {e}"))?;
    Ok(String::from_utf8_lossy(asm.as_slice()).into_owned())
}
