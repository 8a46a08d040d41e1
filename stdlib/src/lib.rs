//! hpxl-stdlib: the builtin functions — signatures, argument checking, dtype/shape rules
//! via the compiler's array API, and lowering to graph nodes.

pub mod args;
pub mod builtins;
pub mod creation;
pub mod io;
pub mod linalg;
pub mod math;
pub mod order;
pub mod random;
pub mod reduce;
pub mod rolling;
pub mod shape;
pub mod spmd;

use hpxl_compiler::Registry;

/// The full standard library registry.
pub fn registry() -> Registry {
    let mut r = Registry::default();
    creation::register(&mut r);
    math::register(&mut r);
    reduce::register(&mut r);
    shape::register(&mut r);
    order::register(&mut r);
    rolling::register(&mut r);
    linalg::register(&mut r);
    random::register(&mut r);
    io::register(&mut r);
    builtins::register(&mut r);
    spmd::register(&mut r);
    r
}
