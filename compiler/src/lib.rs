//! hpxl-compiler: promotion and shape rules, the tracer/evaluator, the lazy graph and the
//! backends that run it (the interp reference backend so far).
//!
//! Pipeline order: `eval` (tracer) → `arrays`/`index` (node construction with `types`
//! checks) → `graph` (lazy nodes) → `interp` (reference backend).

pub mod arrays;
pub mod call;
pub mod control;
pub mod display;
pub mod dist;
pub mod eval;
pub mod fuse;
pub mod gpu;
pub mod graph;
pub mod graph_text;
pub mod index;
pub mod interp;
pub mod jit;
pub mod kir;
pub mod library;
#[cfg(feature = "_llvm")]
pub mod llvm;
pub mod ops;
#[cfg(feature = "_ptx")]
pub mod ptx;
pub mod pyscalar;
pub mod types;
pub mod value;
pub mod vmath;

pub use call::CallArgs;

/// The name of the LLVM modules the PTX generator builds (the shared instruction emitter
/// picks NVPTX-safe intrinsics for them).
#[cfg(feature = "_llvm")]
pub(crate) fn ptx_module_name() -> &'static str {
    "hpxl_ptx"
}
pub use eval::{BuiltinFn, HostFn, Interp, Registry};
pub use value::{Array, Value};
