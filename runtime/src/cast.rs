//! Element conversion between dtypes with NumPy's `astype` (unsafe casting) semantics.

use crate::array::{Data, IntoData};
use crate::dtype::DType;
use crate::scalar::{float_to_i64, float_to_u64};

/// A primitive element type that can be converted to every other.
pub trait Element: Copy + Send + Sync + 'static {
    fn to_f64(self) -> f64;
    fn to_f32(self) -> f32;
    /// C-style conversion to i64 (floats: truncation, out of range gives i64::MIN).
    fn to_i64(self) -> i64;
    fn to_u64(self) -> u64;
    fn to_bool(self) -> bool;
}

macro_rules! impl_int_element {
    ($($t:ty),*) => {$(
        impl Element for $t {
            #[inline] fn to_f64(self) -> f64 { self as f64 }
            #[inline] fn to_f32(self) -> f32 { self as f32 }
            #[inline] fn to_i64(self) -> i64 { self as i64 }
            #[inline] fn to_u64(self) -> u64 { self as u64 }
            #[inline] fn to_bool(self) -> bool { self != 0 }
        }
    )*};
}
impl_int_element!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Element for bool {
    #[inline]
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    #[inline]
    fn to_f32(self) -> f32 {
        self as u8 as f32
    }
    #[inline]
    fn to_i64(self) -> i64 {
        self as i64
    }
    #[inline]
    fn to_u64(self) -> u64 {
        self as u64
    }
    #[inline]
    fn to_bool(self) -> bool {
        self
    }
}

impl Element for f64 {
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn to_f32(self) -> f32 {
        self as f32
    }
    #[inline]
    fn to_i64(self) -> i64 {
        float_to_i64(self)
    }
    #[inline]
    fn to_u64(self) -> u64 {
        float_to_u64(self)
    }
    #[inline]
    fn to_bool(self) -> bool {
        self != 0.0
    }
}

impl Element for f32 {
    #[inline]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline]
    fn to_f32(self) -> f32 {
        self
    }
    #[inline]
    fn to_i64(self) -> i64 {
        float_to_i64(self as f64)
    }
    #[inline]
    fn to_u64(self) -> u64 {
        float_to_u64(self as f64)
    }
    #[inline]
    fn to_bool(self) -> bool {
        self != 0.0
    }
}

/// Converts a slice of any element type to `dtype`.
pub fn cast_slice<S: Element>(v: &[S], dtype: DType) -> Data {
    match dtype {
        DType::Bool => v.iter().map(|x| x.to_bool()).collect::<Vec<_>>().into_data(),
        DType::Int8 => v.iter().map(|x| x.to_i64() as i8).collect::<Vec<_>>().into_data(),
        DType::Int16 => v.iter().map(|x| x.to_i64() as i16).collect::<Vec<_>>().into_data(),
        DType::Int32 => v.iter().map(|x| x.to_i64() as i32).collect::<Vec<_>>().into_data(),
        DType::Int64 => v.iter().map(|x| x.to_i64()).collect::<Vec<_>>().into_data(),
        DType::UInt8 => v.iter().map(|x| x.to_i64() as u8).collect::<Vec<_>>().into_data(),
        DType::UInt16 => v.iter().map(|x| x.to_i64() as u16).collect::<Vec<_>>().into_data(),
        DType::UInt32 => v.iter().map(|x| x.to_i64() as u32).collect::<Vec<_>>().into_data(),
        DType::UInt64 => v.iter().map(|x| x.to_u64()).collect::<Vec<_>>().into_data(),
        DType::Float32 => v.iter().map(|x| x.to_f32()).collect::<Vec<_>>().into_data(),
        DType::Float64 => v.iter().map(|x| x.to_f64()).collect::<Vec<_>>().into_data(),
    }
}

/// Converts whole storage to `dtype` (a copy even when the dtype is unchanged).
pub fn cast_data(data: &Data, dtype: DType) -> Data {
    if data.dtype() == dtype {
        return data.clone();
    }
    crate::with_data!(data, v => cast_slice(v, dtype))
}
