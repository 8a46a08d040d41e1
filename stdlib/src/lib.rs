//! hpxl-stdlib: the builtin functions — signatures, argument checking, dtype/shape rules
//! via the compiler's array API, and lowering to graph nodes.

pub mod args;
pub mod builtins;
pub mod creation;
pub mod math;
pub mod reduce;
pub mod shape;

use hpxl_compiler::Registry;

/// The full standard library registry.
pub fn registry() -> Registry {
    let mut r = Registry::default();
    creation::register(&mut r);
    math::register(&mut r);
    reduce::register(&mut r);
    shape::register(&mut r);
    builtins::register(&mut r);
    r
}
