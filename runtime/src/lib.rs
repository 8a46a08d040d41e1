//! hpxl-runtime: dtypes, scalars, typed storage and strided arrays — everything that
//! holds values at run time. Never sees syntax.

pub mod array;
pub use smallvec;
pub mod cast;
pub mod dist;
pub mod dtype;
pub mod exec;
pub mod format;
pub mod gpu;
pub mod npy;
pub mod pool;
pub mod scalar;
pub mod telemetry;

pub use array::{contiguous_strides, shape_size, Data, IntoData, NdArray, Shape, Strides};
pub use cast::{cast_data, cast_slice, Element};
pub use dtype::{DType, Kind};
pub use format::{
    array_repr, array_str, format_spec, percent_format, python_float_repr, scalar_repr, scalar_str, FormatValue,
};
pub use scalar::Scalar;
