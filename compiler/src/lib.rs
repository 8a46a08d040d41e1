//! hpxl-compiler: promotion and shape rules, the tracer/evaluator, the lazy graph and the
//! backends that run it (the interp reference backend so far).

pub mod ops;
