//! The promotion lattice: NumPy's casting rules, `promote_types` as their least upper
//! bound, and `result_type` with NEP 50 weak Python scalars.

use hpxl_runtime::{DType, Kind};

use super::{Operand, TypeError};

/// np.can_cast(from, to, 'safe'): every value of `from` has a value of `to`, where NumPy
/// counts int64/uint64 -> float64 as safe (it rounds above 2^53; NumPy says "safe").
pub fn can_cast_safe(from: DType, to: DType) -> bool {
    if from == to || from == DType::Bool {
        return true;
    }
    match (from.kind(), to.kind()) {
        (_, Kind::Bool) => false,
        (Kind::Int, Kind::Int) | (Kind::UInt, Kind::UInt) | (Kind::Float, Kind::Float) => from.bits() <= to.bits(),
        // An unsigned value needs one more bit as a signed one.
        (Kind::UInt, Kind::Int) => from.bits() < to.bits(),
        (Kind::Int, Kind::UInt) => false,
        // float32 holds every 16-bit integer exactly; float64 is NumPy's catch-all.
        (Kind::Int | Kind::UInt, Kind::Float) => to == DType::Float64 || from.bits() <= 16,
        (Kind::Float, Kind::Int | Kind::UInt) => false,
        (Kind::Bool, _) => true,
    }
}

/// NumPy's kind order for 'same_kind' casting: bool < unsigned < signed < float.
fn kind_rank(kind: Kind) -> u8 {
    match kind {
        Kind::Bool => 0,
        Kind::UInt => 1,
        Kind::Int => 2,
        Kind::Float => 3,
    }
}

/// np.can_cast(from, to, 'same_kind'): safe casts, plus any cast to a kind that is not
/// lower in bool < unsigned < signed < float (float64 -> float32 and int64 -> int8 are
/// allowed; float -> int and int -> uint are not). In-place operators (`a += b`) need it.
pub fn can_cast_same_kind(from: DType, to: DType) -> bool {
    can_cast_safe(from, to) || kind_rank(from.kind()) <= kind_rank(to.kind())
}

/// Candidate results of promotion, smallest first: a promotion is the first of these that
/// every operand casts to safely.
const BY_SIZE: [DType; 11] = [
    DType::Bool,
    DType::Int8,
    DType::UInt8,
    DType::Int16,
    DType::UInt16,
    DType::Int32,
    DType::UInt32,
    DType::Int64,
    DType::UInt64,
    DType::Float32,
    DType::Float64,
];

/// The smallest dtype every one of `dtypes` casts to safely; None for no dtypes. Every
/// dtype casts safely to float64, so the search succeeds for any non-empty set.
///
/// Note [Promotion is not a fold]: NumPy promotes a *set* of dtypes at once
/// (`PyArray_PromoteDTypeSequence`), and pairwise promotion is not associative:
/// `result_type(int8, uint16, float32)` is float32, while folding `promote` goes through
/// int32 and gives float64. The set's least upper bound is what NumPy computes.
fn least_upper_bound(dtypes: &[DType]) -> Option<DType> {
    if dtypes.is_empty() {
        return None;
    }
    let upper = BY_SIZE.into_iter().find(|&c| dtypes.iter().all(|&d| can_cast_safe(d, c)));
    Some(upper.unwrap_or(DType::Float64))
}

/// np.promote_types for two strong dtypes: the smallest dtype both cast to safely
/// (`int8, uint8 -> int16`, `int32, float32 -> float64`, `int64, uint64 -> float64`).
pub fn promote(a: DType, b: DType) -> DType {
    least_upper_bound(&[a, b]).unwrap_or(DType::Float64)
}

/// The categories NEP 50 compares a weak scalar with: bool < integer < float.
fn category(dtype: DType) -> u8 {
    match dtype.kind() {
        Kind::Bool => 0,
        Kind::Int | Kind::UInt => 1,
        Kind::Float => 2,
    }
}

/// The strong dtype of an operand, if it has one (a Python bool is a NumPy bool).
pub(crate) fn strong_dtype(op: Operand) -> Option<DType> {
    match op {
        Operand::Array(dtype) => Some(dtype),
        Operand::PyBool => Some(DType::Bool),
        Operand::PyInt(_) | Operand::PyFloat => None,
    }
}

/// The dtype a weak scalar promotes as when it cannot adopt the strong dtype.
fn weak_default(op: Operand) -> Option<DType> {
    match op {
        Operand::PyInt(_) => Some(DType::Int64),
        Operand::PyFloat => Some(DType::Float64),
        Operand::Array(_) | Operand::PyBool => None,
    }
}

/// `result_type` without checking Python int values: the dtype NEP 50 gives (see
/// Note [Weak Python scalars]). Also the dtype a ufunc replaces weak operands with.
pub(crate) fn result_type_unchecked(ops: &[Operand]) -> Result<DType, TypeError> {
    let strong_dtypes: Vec<DType> = ops.iter().filter_map(|&op| strong_dtype(op)).collect();
    let strong = least_upper_bound(&strong_dtypes);
    // The widest weak default; int64 < float64 in category order.
    let weak = ops.iter().filter_map(|&op| weak_default(op)).max_by_key(|&d| category(d));
    match (strong, weak) {
        (Some(strong), None) => Ok(strong),
        (None, Some(weak)) => Ok(weak),
        (Some(strong), Some(weak)) if category(strong) >= category(weak) => Ok(strong),
        (Some(strong), Some(weak)) => Ok(promote(strong, weak)),
        (None, None) => Err(TypeError::new("at least one array or dtype is required")),
    }
}

/// The inclusive value range of an integer dtype; None for bool and floats.
fn int_range(dtype: DType) -> Option<(i128, i128)> {
    match dtype.kind() {
        Kind::Int => {
            let half = 1i128 << (dtype.bits() - 1);
            Some((-half, half - 1))
        }
        Kind::UInt => Some((0, (1i128 << dtype.bits()) - 1)),
        Kind::Bool | Kind::Float => None,
    }
}

/// Whether a Python int converts to `dtype` without NumPy's OverflowError. Every i64
/// converts to float32/float64 (float32 tops out near 3.4e38).
pub(crate) fn python_int_fits(value: i64, dtype: DType) -> bool {
    match int_range(dtype) {
        Some((lo, hi)) => (lo..=hi).contains(&i128::from(value)),
        None => true,
    }
}

/// NumPy's error when a Python int does not fit the dtype it is converted to.
pub(crate) fn out_of_bounds(value: i64, dtype: DType) -> TypeError {
    TypeError::new(format!("Python integer {value} out of bounds for {}", dtype.name()))
}

/// np.result_type over strong and weak operands (NEP 50), and then, as every NumPy
/// operation that converts the scalars does, an error for a Python int that does not fit
/// the dtype it adopts: `result_type(int8, 1000)` is "Python integer 1000 out of bounds
/// for int8". (np.result_type itself returns int8 there; it never converts the value.)
pub fn result_type(ops: &[Operand]) -> Result<DType, TypeError> {
    let dtype = result_type_unchecked(ops)?;
    for &op in ops {
        if let Operand::PyInt(value) = op {
            if !python_int_fits(value, dtype) {
                return Err(out_of_bounds(value, dtype));
            }
        }
    }
    Ok(dtype)
}

/// The smallest dtype that holds a Python int, preferring unsigned for non-negative
/// values (NumPy's `min_scalar_type`).
pub(crate) fn min_int_dtype(value: i64) -> DType {
    let candidates: &[DType] = if value >= 0 {
        &[DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64]
    } else {
        &[DType::Int8, DType::Int16, DType::Int32, DType::Int64]
    };
    candidates.iter().copied().find(|&d| python_int_fits(value, d)).unwrap_or(DType::Int64)
}
