//! Concrete arrays: typed storage (`Data`) shared through `Arc`, seen through a strided
//! view (`NdArray`). Realised values of the lazy graph are `NdArray`s.

use crate::dtype::DType;
use crate::scalar::Scalar;
use std::sync::Arc;

/// Typed, contiguous element storage.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Bool(Vec<bool>),
    Int8(Vec<i8>),
    Int16(Vec<i16>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    UInt8(Vec<u8>),
    UInt16(Vec<u16>),
    UInt32(Vec<u32>),
    UInt64(Vec<u64>),
    Float32(Vec<f32>),
    Float64(Vec<f64>),
}

/// Runs `$body` with `$v` bound to the typed Vec inside a `Data` (by reference).
#[macro_export]
macro_rules! with_data {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            $crate::array::Data::Bool($v) => $body,
            $crate::array::Data::Int8($v) => $body,
            $crate::array::Data::Int16($v) => $body,
            $crate::array::Data::Int32($v) => $body,
            $crate::array::Data::Int64($v) => $body,
            $crate::array::Data::UInt8($v) => $body,
            $crate::array::Data::UInt16($v) => $body,
            $crate::array::Data::UInt32($v) => $body,
            $crate::array::Data::UInt64($v) => $body,
            $crate::array::Data::Float32($v) => $body,
            $crate::array::Data::Float64($v) => $body,
        }
    };
}

impl Data {
    pub fn dtype(&self) -> DType {
        match self {
            Data::Bool(_) => DType::Bool,
            Data::Int8(_) => DType::Int8,
            Data::Int16(_) => DType::Int16,
            Data::Int32(_) => DType::Int32,
            Data::Int64(_) => DType::Int64,
            Data::UInt8(_) => DType::UInt8,
            Data::UInt16(_) => DType::UInt16,
            Data::UInt32(_) => DType::UInt32,
            Data::UInt64(_) => DType::UInt64,
            Data::Float32(_) => DType::Float32,
            Data::Float64(_) => DType::Float64,
        }
    }

    pub fn len(&self) -> usize {
        with_data!(self, v => v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Zero-filled storage of `len` elements.
    pub fn zeros(dtype: DType, len: usize) -> Data {
        match dtype {
            DType::Bool => Data::Bool(vec![false; len]),
            DType::Int8 => Data::Int8(vec![0; len]),
            DType::Int16 => Data::Int16(vec![0; len]),
            DType::Int32 => Data::Int32(vec![0; len]),
            DType::Int64 => Data::Int64(vec![0; len]),
            DType::UInt8 => Data::UInt8(vec![0; len]),
            DType::UInt16 => Data::UInt16(vec![0; len]),
            DType::UInt32 => Data::UInt32(vec![0; len]),
            DType::UInt64 => Data::UInt64(vec![0; len]),
            DType::Float32 => Data::Float32(vec![0.0; len]),
            DType::Float64 => Data::Float64(vec![0.0; len]),
        }
    }

    /// Zero-filled storage of `len` elements, or `None` when the allocation fails. The
    /// memory comes zeroed from the allocator (lazily mapped for large sizes).
    pub fn try_zeros(dtype: DType, len: usize) -> Option<Data> {
        fn zeroed<T: Copy>(len: usize) -> Option<Vec<T>> {
            if len == 0 || std::mem::size_of::<T>() == 0 {
                return Some(Vec::new());
            }
            let layout = std::alloc::Layout::array::<T>(len).ok()?;
            // SAFETY: the layout is non-zero-sized; the all-zero bit pattern is a valid
            // value of every element type used here (bool false, integer 0, float +0.0),
            // and the Vec takes ownership with exactly the layout it will free with.
            unsafe {
                let ptr = std::alloc::alloc_zeroed(layout) as *mut T;
                if ptr.is_null() {
                    return None;
                }
                Some(Vec::from_raw_parts(ptr, len, len))
            }
        }
        Some(match dtype {
            DType::Bool => Data::Bool(zeroed(len)?),
            DType::Int8 => Data::Int8(zeroed(len)?),
            DType::Int16 => Data::Int16(zeroed(len)?),
            DType::Int32 => Data::Int32(zeroed(len)?),
            DType::Int64 => Data::Int64(zeroed(len)?),
            DType::UInt8 => Data::UInt8(zeroed(len)?),
            DType::UInt16 => Data::UInt16(zeroed(len)?),
            DType::UInt32 => Data::UInt32(zeroed(len)?),
            DType::UInt64 => Data::UInt64(zeroed(len)?),
            DType::Float32 => Data::Float32(zeroed(len)?),
            DType::Float64 => Data::Float64(zeroed(len)?),
        })
    }

    /// Shortens the storage to `len` elements (no-op when already shorter).
    pub fn truncate(&mut self, len: usize) {
        with_data!(self, v => v.truncate(len))
    }

    /// Base address of the elements (for kernels).
    pub fn as_ptr(&self) -> *const u8 {
        with_data!(self, v => v.as_ptr() as *const u8)
    }

    /// Mutable base address of the elements (for kernels writing their outputs).
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        with_data!(self, v => v.as_mut_ptr() as *mut u8)
    }

    /// Storage filled with one value (cast to `dtype`).
    pub fn full(dtype: DType, len: usize, value: Scalar) -> Data {
        match value.cast(dtype) {
            Scalar::Bool(x) => Data::Bool(vec![x; len]),
            Scalar::Int8(x) => Data::Int8(vec![x; len]),
            Scalar::Int16(x) => Data::Int16(vec![x; len]),
            Scalar::Int32(x) => Data::Int32(vec![x; len]),
            Scalar::Int64(x) => Data::Int64(vec![x; len]),
            Scalar::UInt8(x) => Data::UInt8(vec![x; len]),
            Scalar::UInt16(x) => Data::UInt16(vec![x; len]),
            Scalar::UInt32(x) => Data::UInt32(vec![x; len]),
            Scalar::UInt64(x) => Data::UInt64(vec![x; len]),
            Scalar::Float32(x) => Data::Float32(vec![x; len]),
            Scalar::Float64(x) => Data::Float64(vec![x; len]),
        }
    }

    pub fn get(&self, i: usize) -> Scalar {
        match self {
            Data::Bool(v) => Scalar::Bool(v[i]),
            Data::Int8(v) => Scalar::Int8(v[i]),
            Data::Int16(v) => Scalar::Int16(v[i]),
            Data::Int32(v) => Scalar::Int32(v[i]),
            Data::Int64(v) => Scalar::Int64(v[i]),
            Data::UInt8(v) => Scalar::UInt8(v[i]),
            Data::UInt16(v) => Scalar::UInt16(v[i]),
            Data::UInt32(v) => Scalar::UInt32(v[i]),
            Data::UInt64(v) => Scalar::UInt64(v[i]),
            Data::Float32(v) => Scalar::Float32(v[i]),
            Data::Float64(v) => Scalar::Float64(v[i]),
        }
    }

    /// Stores `value` (cast to this storage's dtype) at `i`.
    pub fn set(&mut self, i: usize, value: Scalar) {
        let value = value.cast(self.dtype());
        match (self, value) {
            (Data::Bool(v), Scalar::Bool(x)) => v[i] = x,
            (Data::Int8(v), Scalar::Int8(x)) => v[i] = x,
            (Data::Int16(v), Scalar::Int16(x)) => v[i] = x,
            (Data::Int32(v), Scalar::Int32(x)) => v[i] = x,
            (Data::Int64(v), Scalar::Int64(x)) => v[i] = x,
            (Data::UInt8(v), Scalar::UInt8(x)) => v[i] = x,
            (Data::UInt16(v), Scalar::UInt16(x)) => v[i] = x,
            (Data::UInt32(v), Scalar::UInt32(x)) => v[i] = x,
            (Data::UInt64(v), Scalar::UInt64(x)) => v[i] = x,
            (Data::Float32(v), Scalar::Float32(x)) => v[i] = x,
            (Data::Float64(v), Scalar::Float64(x)) => v[i] = x,
            _ => unreachable!("Scalar::cast returns the requested dtype"),
        }
    }
}

/// An array shape. Note [Inline shapes]: almost every array has at most four axes, so
/// shapes and strides live inline (no heap allocation); a 100-element operation in a
/// NumPy-style loop otherwise paid four or five small allocations for its descriptors.
pub type Shape = smallvec::SmallVec<[usize; 4]>;
/// Strides in elements, one per axis (see [`Shape`]).
pub type Strides = smallvec::SmallVec<[isize; 4]>;

/// A strided view of shared storage. Strides and offset are in elements; strides may be
/// zero (broadcast) or negative (reversed).
#[derive(Debug)]
pub struct NdArray {
    pub data: Arc<Data>,
    pub shape: Shape,
    pub strides: Strides,
    pub offset: usize,
}

impl Clone for NdArray {
    fn clone(&self) -> NdArray {
        // `from_slice` copies the inline words; `SmallVec::clone` goes element by element.
        NdArray {
            data: self.data.clone(),
            shape: Shape::from_slice(&self.shape),
            strides: Strides::from_slice(&self.strides),
            offset: self.offset,
        }
    }
}

/// Row-major (C-order) strides, in elements, for a shape.
pub fn contiguous_strides(shape: &[usize]) -> Strides {
    if shape.len() == 1 {
        return smallvec::smallvec![1];
    }
    let mut strides: Strides = smallvec::smallvec![0isize; shape.len()];
    let mut acc: isize = 1;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc *= shape[i].max(1) as isize;
    }
    strides
}

/// Whether `strides` walk `shape` densely in row-major order (size-1 axes ignored).
pub fn is_c_contiguous(shape: &[usize], strides: &[isize]) -> bool {
    let mut expected: isize = 1;
    for i in (0..shape.len()).rev() {
        if shape[i] != 1 && strides[i] != expected {
            return false;
        }
        expected *= shape[i] as isize;
    }
    true
}

pub fn shape_size(shape: &[usize]) -> usize {
    shape.iter().product()
}

impl NdArray {
    /// A contiguous array owning `data`, which must hold exactly `shape_size(shape)` elements.
    pub fn from_data(data: Data, shape: impl Into<Shape>) -> NdArray {
        let shape = shape.into();
        debug_assert_eq!(data.len(), shape_size(&shape));
        let strides = contiguous_strides(&shape);
        NdArray { data: Arc::new(data), shape, strides, offset: 0 }
    }

    pub fn scalar(value: Scalar) -> NdArray {
        NdArray::from_data(Data::full(value.dtype(), 1, value), Shape::new())
    }

    pub fn zeros(dtype: DType, shape: impl Into<Shape>) -> NdArray {
        let shape = shape.into();
        NdArray::from_data(Data::zeros(dtype, shape_size(&shape)), shape)
    }

    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn size(&self) -> usize {
        shape_size(&self.shape)
    }

    /// True when the view walks its storage densely in row-major order from `offset`.
    pub fn is_contiguous(&self) -> bool {
        is_c_contiguous(&self.shape, &self.strides)
    }

    /// Storage index of the element at a multi-index.
    pub fn storage_index(&self, index: &[usize]) -> usize {
        let mut pos = self.offset as isize;
        for (i, &ix) in index.iter().enumerate() {
            pos += ix as isize * self.strides[i];
        }
        pos as usize
    }

    /// Calls `f(start, stride, len)` for every innermost row of the view, in row-major
    /// order (`start` and `stride` index the storage). Zero-size views call nothing.
    pub fn for_each_row(&self, mut f: impl FnMut(usize, isize, usize)) {
        let n = self.size();
        if n == 0 {
            return;
        }
        if self.is_contiguous() {
            f(self.offset, 1, n);
            return;
        }
        let nd = self.shape.len();
        let inner = self.shape[nd - 1];
        let inner_stride = self.strides[nd - 1];
        let mut idx = vec![0usize; nd - 1];
        let mut pos = self.offset as isize;
        for _ in 0..n / inner {
            f(pos as usize, inner_stride, inner);
            let mut d = nd - 1;
            while d > 0 {
                d -= 1;
                idx[d] += 1;
                pos += self.strides[d];
                if idx[d] < self.shape[d] {
                    break;
                }
                pos -= self.strides[d] * self.shape[d] as isize;
                idx[d] = 0;
            }
        }
    }

    /// Element at a flat row-major position of the view.
    pub fn get_flat(&self, flat: usize) -> Scalar {
        let mut rem = flat;
        let mut pos = self.offset as isize;
        for d in (0..self.shape.len()).rev() {
            let ix = rem % self.shape[d];
            rem /= self.shape[d];
            pos += ix as isize * self.strides[d];
        }
        self.data.get(pos as usize)
    }

    /// A contiguous copy (or `self` cloned cheaply if already contiguous and whole).
    pub fn to_contiguous(&self) -> NdArray {
        if self.is_contiguous() && self.offset == 0 && self.data.len() == self.size() {
            return self.clone();
        }
        NdArray::from_data(self.to_data(), self.shape.clone())
    }

    /// Elements in row-major order as a typed Vec (always a copy).
    pub fn to_data(&self) -> Data {
        with_data!(&*self.data, v => gather_rows(self, v))
    }

    /// The single element of a size-1 array.
    pub fn first(&self) -> Scalar {
        self.data.get(self.offset)
    }

    /// NumPy `astype`: a contiguous copy converted to `dtype`.
    pub fn astype(&self, dtype: DType) -> NdArray {
        let data = self.to_data();
        NdArray::from_data(crate::cast::cast_data(&data, dtype), self.shape.clone())
    }
}

fn gather_rows<T: Copy>(a: &NdArray, v: &[T]) -> Data
where
    Vec<T>: IntoData,
{
    let mut out: Vec<T> = Vec::with_capacity(a.size());
    a.for_each_row(|start, stride, len| {
        if stride == 1 {
            out.extend_from_slice(&v[start..start + len]);
        } else if stride == 0 {
            out.extend(std::iter::repeat_n(v[start], len));
        } else {
            out.extend((0..len as isize).map(|i| v[(start as isize + i * stride) as usize]));
        }
    });
    out.into_data()
}

/// Wraps a typed Vec into the matching `Data` variant.
pub trait IntoData {
    fn into_data(self) -> Data;
}

macro_rules! impl_into_data {
    ($($t:ty => $var:ident),*) => {
        $(impl IntoData for Vec<$t> {
            fn into_data(self) -> Data { Data::$var(self) }
        })*
    };
}
impl_into_data!(bool => Bool, i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64, u8 => UInt8,
    u16 => UInt16, u32 => UInt32, u64 => UInt64, f32 => Float32, f64 => Float64);

impl Drop for Data {
    /// Large buffers go back to the memory pool instead of the allocator (see `pool`).
    fn drop(&mut self) {
        if self.len() * self.dtype().itemsize() < crate::pool::MIN_POOLED_BYTES {
            return;
        }
        let owned = std::mem::replace(self, Data::Bool(Vec::new()));
        if let Some(mut back) = crate::pool::give(owned) {
            // Free the elements here; `back` then drops empty, without recursing.
            with_data!(&mut back, v => drop(std::mem::take(v)));
        }
    }
}
