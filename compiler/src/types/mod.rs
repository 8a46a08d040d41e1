//! Dtype and shape rules of hpxl: NumPy 2's promotion lattice with NEP 50 weak scalars,
//! ufunc loop selection, reduction accumulators, casting rules and broadcasting.
//!
//! Everything here is written as a *definition* NumPy also uses (the safe-casting
//! order, each ufunc's ordered loop list, the "first loop every input casts to safely"
//! search), not as a table of answers. `compiler/tests/types.rs` checks the definitions
//! against `compiler/tests/data/type_tables.txt`, which `scripts/gen_type_tables.py`
//! writes from NumPy itself.
//!
//! Note [No float16]
//! hpxl has no float16. NumPy picks its float16 (`e`) loops for small inputs, e.g.
//! `np.sqrt` of bool/int8/uint8 arrays, `np.sin(bool)`, `np.arctan2(int8, int8)`.
//! hpxl reads every `e` in NumPy's loop lists as float32. Because NumPy lists each
//! `e->e` loop directly before an `f->f` loop, and every dtype that casts safely to
//! float16 also casts safely to float32, this gives exactly NumPy's answer with float16
//! replaced by float32, and changes nothing else. This is the one deliberate difference
//! in dtypes from NumPy in this module; the NumPy-generated test tables record float32
//! with the comment `# float16 in NumPy` on the affected lines. (Two more differences
//! are in how, not what: `result_type` reports an out-of-bounds Python int as NumPy's
//! operations do, where `np.result_type` says nothing; and comparisons with such ints
//! widen their loop, Note [Comparisons with out-of-bounds Python ints].)
//!
//! Note [Weak Python scalars]
//! NEP 50: a Python `int` or `float` literal has no dtype of its own. In promotion it
//! adopts the dtype of the strongly typed operands when their category (bool <
//! integer < float) is at least its own (`int8_array + 1` is int8, `float32_array *
//! 2.0` is float32); otherwise it promotes as its default dtype (int64 or float64:
//! `bool_array + 1` is int64, `int32_array + 1.5` is float64). With no strong operand
//! the defaults are used. A Python `bool` is not weak: it is a NumPy bool.
//!
//! A ufunc replaces each weak operand by the dtype `result_type` gives for all its
//! operands, then selects a loop as for strong operands. A Python int is then converted
//! to the loop dtype of its position; when it does not fit, NumPy raises
//! `OverflowError: Python integer 300 out of bounds for int8` — except in comparisons
//! (see Note [Comparisons with out-of-bounds Python ints]) and the logical ufuncs
//! (which convert to bool).

mod broadcast;
mod loops;
mod promotion;
mod reduce;

use hpxl_runtime::dtype::DType;

pub use broadcast::broadcast_shapes;
pub use loops::{binary_loop, binary_loop_types, binary_signature, unary_loop, unary_loop_types, BinarySignature};
pub use promotion::{can_cast_safe, can_cast_same_kind, promote, result_type};
pub use reduce::{reduce_loop, scan_loop, scan_name};

/// An operand as promotion sees it: a strongly typed array/NumPy scalar, or a weak Python
/// scalar (NEP 50; see Note [Weak Python scalars]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operand {
    Array(DType),
    /// A Python `bool`; NEP 50 treats it as a strong NumPy bool.
    PyBool,
    /// A Python `int` literal with its value (values are checked against the dtype the
    /// literal adopts).
    PyInt(i64),
    PyFloat,
}

/// A dtype error, with the message NumPy gives for the same mistake.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeError {
    pub message: String,
}

impl TypeError {
    pub(crate) fn new(message: impl Into<String>) -> TypeError {
        TypeError { message: message.into() }
    }
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TypeError {}
