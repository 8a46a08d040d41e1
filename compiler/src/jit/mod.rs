//! The Cranelift backend: compiles a kir [`Kernel`](crate::kir::Kernel) to machine code
//! with the calling convention of `crate::kir`.
//!
//! Pipeline: `kir::verify` → `plan` (inline vs slice calls, stages, scratch, vector
//! width; see Note [Stages and tiles] in `plan.rs`) → `lower_to_clif` (loop nest, in
//! `lower.rs`; instructions in `emit.rs`) → Cranelift (`opt_level=speed`) → a leaked
//! `JITModule` per kernel, so the code lives as long as the process.
//!
//! Inline CLIF is used only where it is bitwise equal to the interp backend; everything
//! else calls an interp-exact slice function (`slices.rs`) or, for float
//! transcendentals, `crate::vmath` when it has one. Ops the interp rejects (or may
//! reject at run time, like integer `power`) make `compile` fail, and the caller keeps
//! the kernel on the interp backend. If Cranelift cannot lower a vector loop, the kernel
//! is compiled again with scalar loops.

mod emit;
mod lower;
pub(crate) mod plan;
pub(crate) mod slices;

pub use plan::Options;

use crate::kir::Kernel;
use cranelift_codegen::ir::{types, AbiParam, UserFuncName};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

/// A compiled kernel (see the calling convention in `crate::kir`).
pub struct Compiled {
    pub entry: unsafe extern "C" fn(args: *const i64, start: i64, end: i64),
    /// The Cranelift IR text, kept for `HPXL_DEBUG>=4` and `--dump kernels` (empty unless
    /// `Options::text`).
    pub clif: String,
}

/// Compiles `k`; the error describes what the backend could not lower.
pub fn compile(k: &Kernel) -> Result<Compiled, String> {
    compile_with(k, &Options { text: crate::fuse::dumping(), ..Options::default() })
}

/// [`compile`] with explicit code generation choices (for tests and benchmarks).
#[doc(hidden)]
pub fn compile_with(k: &Kernel, opts: &Options) -> Result<Compiled, String> {
    crate::kir::verify(k).map_err(|e| format!("cranelift backend: invalid kernel: {e}"))?;
    let plan = plan::plan(k, opts)?;
    match compile_plan(k, &plan, opts.text) {
        Ok(c) => Ok(c),
        Err(e) if plan.lanes > 1 => {
            let scalar = plan::plan(k, &Options { vector: false, ..*opts })?;
            let mut c = compile_plan(k, &scalar, opts.text).map_err(|e2| format!("{e2} (vector attempt: {e})"))?;
            // Leave the reason in the debug dump: a scalar fallback is a performance bug.
            c.clif = format!("; vector loops failed, scalar code: {}\n{}", e.lines().next().unwrap_or(""), c.clif);
            Ok(c)
        }
        Err(e) => Err(e),
    }
}

fn isa() -> Result<OwnedTargetIsa, String> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        let verifier = if cfg!(debug_assertions) { "true" } else { "false" };
        for (name, value) in [
            ("opt_level", "speed"),
            ("use_colocated_libcalls", "false"),
            ("is_pic", "false"),
            ("enable_verifier", verifier),
            // Kernels with calls keep scratch tiles on the stack (tens of KiB).
            ("enable_probestack", "true"),
            ("probestack_strategy", "inline"),
        ] {
            flags.set(name, value).map_err(|e| format!("cranelift setting {name}: {e}"))?;
        }
        let builder = cranelift_native::builder().map_err(|e| format!("cranelift: unsupported host: {e}"))?;
        builder.finish(settings::Flags::new(flags)).map_err(|e| format!("cranelift: {e}"))
    })
    .clone()
}

fn compile_plan(k: &Kernel, plan: &plan::Plan, text: bool) -> Result<Compiled, String> {
    let isa = isa()?;
    // Cranelift reports most failures as errors, but an unsupported lowering can panic;
    // no kernel may take the process down.
    catch_unwind(AssertUnwindSafe(|| build(k, plan, isa, text)))
        .unwrap_or_else(|_| Err("cranelift backend: code generation panicked".to_string()))
}

fn build(k: &Kernel, plan: &plan::Plan, isa: OwnedTargetIsa, text: bool) -> Result<Compiled, String> {
    let mut module = JITModule::new(JITBuilder::with_isa(isa, cranelift_module::default_libcall_names()));
    let mut ctx = module.make_context();
    let ptr = types::I64;
    ctx.func.signature.params.extend([AbiParam::new(ptr), AbiParam::new(types::I64), AbiParam::new(types::I64)]);
    ctx.func.name = UserFuncName::user(0, 0);
    let mut fctx = FunctionBuilderContext::new();
    lower::lower_to_clif(k, plan, &mut ctx.func, &mut fctx, module.isa().frontend_config());
    let clif = if text { ctx.func.display().to_string() } else { String::new() };
    let id = module
        .declare_function("hpxl_kernel", Linkage::Local, &ctx.func.signature)
        .map_err(|e| format!("cranelift backend: {e}"))?;
    module.define_function(id, &mut ctx).map_err(|e| format!("cranelift backend: {e:?}\n{}", ctx.func.display()))?;
    module.finalize_definitions().map_err(|e| format!("cranelift backend: {e}"))?;
    let code = module.get_finalized_function(id);
    // The code must outlive every cached `Compiled`: keep the module forever.
    std::mem::forget(module);
    // SAFETY: the function was built with exactly this signature and the default call
    // convention of the host, which is `extern "C"`.
    let entry = unsafe { std::mem::transmute::<*const u8, unsafe extern "C" fn(*const i64, i64, i64)>(code) };
    Ok(Compiled { entry, clif })
}
