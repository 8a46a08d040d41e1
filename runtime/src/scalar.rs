//! A single typed value. Computation in the reference backend happens in three wide
//! domains — i64 (all signed ints and uint8..uint32), u64 and f64 — plus bool, and the
//! result is cast back to the storage dtype, which gives NumPy's wrap-around and rounding.

use crate::dtype::DType;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    UInt8(u8),
    UInt16(u16),
    UInt32(u32),
    UInt64(u64),
    Float32(f32),
    Float64(f64),
}

impl Scalar {
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::Int8(_) => DType::Int8,
            Scalar::Int16(_) => DType::Int16,
            Scalar::Int32(_) => DType::Int32,
            Scalar::Int64(_) => DType::Int64,
            Scalar::UInt8(_) => DType::UInt8,
            Scalar::UInt16(_) => DType::UInt16,
            Scalar::UInt32(_) => DType::UInt32,
            Scalar::UInt64(_) => DType::UInt64,
            Scalar::Float32(_) => DType::Float32,
            Scalar::Float64(_) => DType::Float64,
        }
    }

    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(v) => v as u8 as f64,
            Scalar::Int8(v) => v as f64,
            Scalar::Int16(v) => v as f64,
            Scalar::Int32(v) => v as f64,
            Scalar::Int64(v) => v as f64,
            Scalar::UInt8(v) => v as f64,
            Scalar::UInt16(v) => v as f64,
            Scalar::UInt32(v) => v as f64,
            Scalar::UInt64(v) => v as f64,
            Scalar::Float32(v) => v as f64,
            Scalar::Float64(v) => v,
        }
    }

    /// Value as i64 with C-style conversion (floats truncate and saturate, u64 wraps).
    pub fn as_i64(self) -> i64 {
        match self {
            Scalar::Bool(v) => v as i64,
            Scalar::Int8(v) => v as i64,
            Scalar::Int16(v) => v as i64,
            Scalar::Int32(v) => v as i64,
            Scalar::Int64(v) => v,
            Scalar::UInt8(v) => v as i64,
            Scalar::UInt16(v) => v as i64,
            Scalar::UInt32(v) => v as i64,
            Scalar::UInt64(v) => v as i64,
            Scalar::Float32(v) => v as i64,
            Scalar::Float64(v) => v as i64,
        }
    }

    pub fn as_u64(self) -> u64 {
        match self {
            Scalar::UInt64(v) => v,
            Scalar::Float32(v) => float_to_u64(v as f64),
            Scalar::Float64(v) => float_to_u64(v),
            other => other.as_i64() as u64,
        }
    }

    pub fn as_bool(self) -> bool {
        match self {
            Scalar::Bool(v) => v,
            Scalar::Float32(v) => v != 0.0,
            Scalar::Float64(v) => v != 0.0,
            Scalar::UInt64(v) => v != 0,
            other => other.as_i64() != 0,
        }
    }

    /// Casts with NumPy's `astype` (unsafe casting) semantics.
    pub fn cast(self, to: DType) -> Scalar {
        match to {
            DType::Bool => Scalar::Bool(self.as_bool()),
            DType::Float64 => Scalar::Float64(self.as_f64()),
            DType::Float32 => Scalar::Float32(match self {
                Scalar::Float64(v) => v as f32,
                other => other.as_f64() as f32,
            }),
            DType::UInt64 => Scalar::UInt64(self.as_u64()),
            int => {
                let v = match self {
                    Scalar::Float32(f) => float_to_i64(f as f64),
                    Scalar::Float64(f) => float_to_i64(f),
                    other => other.as_i64(),
                };
                Scalar::from_i64_wrapping(v, int)
            }
        }
    }

    /// Wraps an i64 into an integer (or bool/float) dtype.
    pub fn from_i64_wrapping(v: i64, to: DType) -> Scalar {
        match to {
            DType::Bool => Scalar::Bool(v != 0),
            DType::Int8 => Scalar::Int8(v as i8),
            DType::Int16 => Scalar::Int16(v as i16),
            DType::Int32 => Scalar::Int32(v as i32),
            DType::Int64 => Scalar::Int64(v),
            DType::UInt8 => Scalar::UInt8(v as u8),
            DType::UInt16 => Scalar::UInt16(v as u16),
            DType::UInt32 => Scalar::UInt32(v as u32),
            DType::UInt64 => Scalar::UInt64(v as u64),
            DType::Float32 => Scalar::Float32(v as f32),
            DType::Float64 => Scalar::Float64(v as f64),
        }
    }

    pub fn zero(dtype: DType) -> Scalar {
        Scalar::from_i64_wrapping(0, dtype)
    }
}

/// Float to integer conversion as NumPy does on x86-64: out-of-range and nan give
/// i64::MIN (the "integer indefinite" value of cvttsd2si).
pub fn float_to_i64(v: f64) -> i64 {
    if v.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&v) {
        i64::MIN
    } else {
        v as i64
    }
}

/// Float to u64 conversion: negative values go through i64 (as C does on x86-64).
pub fn float_to_u64(v: f64) -> u64 {
    if v.is_nan() {
        1u64 << 63
    } else if v >= 0.0 {
        if v >= 1.8446744073709552e19 {
            1u64 << 63
        } else {
            v as u64
        }
    } else {
        float_to_i64(v) as u64
    }
}
