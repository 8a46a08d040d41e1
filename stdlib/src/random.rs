//! The `random` namespace: counter-based, seedable generators.

use hpxl_compiler::Registry;

pub fn register(_r: &mut Registry) {}
