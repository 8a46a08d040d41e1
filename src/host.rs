//! Host-side values: owned arrays and scalars a Rust program passes into a session and
//! gets back from it. They hold no `Rc` (array storage is an `Arc`), so they are `Send`
//! and `Sync` and never tie a host thread to a session's graph.

use crate::error::Error;
use hpxl_compiler::value::{Array as TracedArray, Value as TracedValue};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::{DType, Data, NdArray};
use std::sync::Arc;

mod sealed {
    pub trait Sealed {}
}

/// An element type of an hpxl array: `bool`, `i8`..`i64`, `u8`..`u64`, `f32`, `f64`
/// (the dtypes of LANGUAGE.md §2). Sealed: the set of dtypes is the language's.
pub trait Element: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The dtype of arrays of this element type.
    const DTYPE: DType;
    #[doc(hidden)]
    fn wrap(v: Vec<Self>) -> Data;
    #[doc(hidden)]
    fn slice(d: &Data) -> Option<&[Self]>;
    #[doc(hidden)]
    fn take(d: &mut Data) -> Option<Vec<Self>>;
}

macro_rules! impl_element {
    ($($t:ty => $var:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$var;
            fn wrap(v: Vec<Self>) -> Data {
                Data::$var(v)
            }
            fn slice(d: &Data) -> Option<&[Self]> {
                match d {
                    Data::$var(v) => Some(v),
                    _ => None,
                }
            }
            fn take(d: &mut Data) -> Option<Vec<Self>> {
                match d {
                    Data::$var(v) => Some(std::mem::take(v)),
                    _ => None,
                }
            }
        }
    )*};
}
impl_element!(bool => Bool, i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64, u8 => UInt8, u16 => UInt16,
    u32 => UInt32, u64 => UInt64, f32 => Float32, f64 => Float64);

/// An owned, contiguous, row-major array: typed elements, a shape and a dtype.
///
/// The elements live behind an `Arc`, shared with the session without copying:
/// [`HostArray::new`] takes a `Vec` over as the array's buffer, and arrays read back from
/// a session share the buffer the session computed when it is contiguous.
///
/// ```
/// use hpxl::HostArray;
/// let a = HostArray::new(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2])?;
/// assert_eq!(a.shape(), &[2, 2]);
/// assert_eq!(a.dtype(), hpxl::DType::Float64);
/// assert_eq!(a.as_slice::<f64>(), Some(&[1.0, 2.0, 3.0, 4.0][..]));
/// # Ok::<(), hpxl::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct HostArray {
    /// Always contiguous and row-major (strides are implied by the shape).
    pub(crate) inner: NdArray,
}

impl PartialEq for HostArray {
    fn eq(&self, other: &HostArray) -> bool {
        self.inner.shape == other.inner.shape && self.inner.to_data() == other.inner.to_data()
    }
}

impl HostArray {
    /// An array owning `data` (no copy) with `shape`; the element count must match.
    pub fn new<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<HostArray, Error> {
        check_len(data.len(), shape)?;
        Ok(HostArray { inner: NdArray::from_data(T::wrap(data), shape.to_vec()) })
    }

    /// An array holding a copy of `data` with `shape` (a borrowed slice cannot outlive
    /// the call, so it is copied once; pass a `Vec` to [`HostArray::new`] to avoid it).
    pub fn from_slice<T: Element>(data: &[T], shape: &[usize]) -> Result<HostArray, Error> {
        check_len(data.len(), shape)?;
        HostArray::new(data.to_vec(), shape)
    }

    /// A one-dimensional array owning `data`.
    pub fn vector<T: Element>(data: Vec<T>) -> HostArray {
        let n = data.len();
        HostArray { inner: NdArray::from_data(T::wrap(data), vec![n]) }
    }

    /// A 0-d array holding one element.
    pub fn scalar<T: Element>(value: T) -> HostArray {
        HostArray { inner: NdArray::from_data(T::wrap(vec![value]), Vec::new()) }
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.inner.dtype()
    }

    /// The shape (empty for a 0-d array).
    pub fn shape(&self) -> &[usize] {
        &self.inner.shape
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.inner.size()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements in row-major order, if `T` is the array's element type (no copy).
    pub fn as_slice<T: Element>(&self) -> Option<&[T]> {
        let all = T::slice(&self.inner.data)?;
        all.get(self.inner.offset..self.inner.offset + self.len())
    }

    /// The elements as a `Vec<T>`, converting from the array's dtype with NumPy's
    /// `astype` rules when they differ. Moves the buffer out without copying when this is
    /// its only holder and the dtype matches.
    pub fn into_vec<T: Element>(self) -> Vec<T> {
        let len = self.len();
        let HostArray { inner } = self;
        if inner.dtype() == T::DTYPE && inner.offset == 0 && inner.data.len() == len {
            match Arc::try_unwrap(inner.data) {
                Ok(mut data) => return T::take(&mut data).unwrap_or_default(),
                Err(shared) => return T::slice(&shared).map(|s| s.to_vec()).unwrap_or_default(),
            }
        }
        let converted = if inner.dtype() == T::DTYPE { inner } else { inner.astype(T::DTYPE) };
        HostArray { inner: converted.to_contiguous() }.as_slice::<T>().map(|s| s.to_vec()).unwrap_or_default()
    }

    /// A copy of the elements as `Vec<T>` (converted as [`HostArray::into_vec`]).
    pub fn to_vec<T: Element>(&self) -> Vec<T> {
        self.clone().into_vec()
    }

    /// The single element of a size-1 array, converted to `T`.
    pub fn scalar_value<T: Element>(&self) -> Option<T> {
        if self.len() != 1 {
            return None;
        }
        HostArray { inner: NdArray::scalar(self.inner.first()) }.into_vec::<T>().first().copied()
    }

    /// The array as a session value (a realised graph constant sharing the buffer).
    pub(crate) fn to_traced(&self) -> TracedValue {
        TracedValue::Array(TracedArray::from_ndarray(self.inner.clone(), Span::default()))
    }

    /// A realised array from the graph: shares the buffer when contiguous, else copies.
    pub(crate) fn from_realised(a: NdArray) -> HostArray {
        let whole = a.is_contiguous();
        HostArray { inner: if whole { a } else { a.to_contiguous() } }
    }
}

fn check_len(len: usize, shape: &[usize]) -> Result<(), Error> {
    let want = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    if want != Some(len) {
        return Err(Error::host(
            Code::Shape,
            format!("{len} elements cannot have shape {}", hpxl_compiler::arrays::shape_str(shape)),
        ));
    }
    Ok(())
}

impl<T: Element> From<Vec<T>> for HostArray {
    fn from(v: Vec<T>) -> HostArray {
        HostArray::vector(v)
    }
}

impl<T: Element> From<&[T]> for HostArray {
    fn from(v: &[T]) -> HostArray {
        HostArray::vector(v.to_vec())
    }
}

/// An owned value exchanged with a session: what [`crate::Session::eval`] returns, what
/// [`crate::Session::set`] and compiled functions take. No `Rc` inside, so it is `Send`.
///
/// ```
/// use hpxl::{HostValue, Session};
/// let mut s = Session::builder().build()?;
/// assert_eq!(s.eval("1 + 2")?, HostValue::Int(3));
/// assert_eq!(s.eval("(1.5, 'x', None)")?,
///            HostValue::Tuple(vec![HostValue::Float(1.5), HostValue::Str("x".into()), HostValue::None]));
/// # Ok::<(), hpxl::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum HostValue {
    /// Python's `None`.
    None,
    /// A Python `bool`.
    Bool(bool),
    /// A Python `int` (int64).
    Int(i64),
    /// A Python `float`.
    Float(f64),
    /// A string.
    Str(String),
    /// An array (NumPy scalars such as `np.float32(1.5)` come back as 0-d arrays).
    Array(HostArray),
    /// A tuple.
    Tuple(Vec<HostValue>),
    /// A value with no host form (a function, a module, a dtype, a range): its `repr`.
    Opaque {
        /// Python's type name (`function`, `dtype`, ...).
        type_name: String,
        /// Its `repr()`.
        repr: String,
    },
}

impl HostValue {
    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&HostArray> {
        match self {
            HostValue::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The value as an `f64` if it is a number or a size-1 numeric array.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            HostValue::Bool(b) => Some(*b as u8 as f64),
            HostValue::Int(i) => Some(*i as f64),
            HostValue::Float(f) => Some(*f),
            HostValue::Array(a) => a.scalar_value::<f64>(),
            _ => None,
        }
    }

    /// Converts a traced value into an owned one, realising arrays.
    pub(crate) fn from_traced(v: &TracedValue) -> Result<HostValue, hpxl_grammar::Diagnostic> {
        Ok(match v {
            TracedValue::None => HostValue::None,
            TracedValue::Bool(b) => HostValue::Bool(*b),
            TracedValue::Int(i) => HostValue::Int(*i),
            TracedValue::Float(f) => HostValue::Float(*f),
            TracedValue::Str(s) => HostValue::Str(s.to_string()),
            TracedValue::Array(a) => HostValue::Array(HostArray::from_realised(a.realize(Span::default())?)),
            TracedValue::Tuple(items) => {
                HostValue::Tuple(items.iter().map(HostValue::from_traced).collect::<Result<_, _>>()?)
            }
            other => HostValue::Opaque {
                type_name: other.type_name(),
                repr: hpxl_compiler::display::repr_of(other, Span::default())?,
            },
        })
    }

    /// The value as the tracer sees it (arrays become realised graph constants).
    pub(crate) fn to_traced(&self) -> Result<TracedValue, Error> {
        Ok(match self {
            HostValue::None => TracedValue::None,
            HostValue::Bool(b) => TracedValue::Bool(*b),
            HostValue::Int(i) => TracedValue::Int(*i),
            HostValue::Float(f) => TracedValue::Float(*f),
            HostValue::Str(s) => TracedValue::str(s),
            HostValue::Array(a) => a.to_traced(),
            HostValue::Tuple(items) => {
                TracedValue::tuple(items.iter().map(HostValue::to_traced).collect::<Result<_, _>>()?)
            }
            HostValue::Opaque { type_name, .. } => {
                return Err(Error::host(Code::Type, format!("a {type_name} cannot be passed into a session")))
            }
        })
    }
}

impl From<HostArray> for HostValue {
    fn from(a: HostArray) -> HostValue {
        HostValue::Array(a)
    }
}

impl<T: Element> From<Vec<T>> for HostValue {
    /// A one-dimensional array owning the vector (no copy).
    fn from(v: Vec<T>) -> HostValue {
        HostValue::Array(HostArray::vector(v))
    }
}

impl<T: Element> From<&[T]> for HostValue {
    /// A one-dimensional array holding a copy of the slice.
    fn from(v: &[T]) -> HostValue {
        HostValue::Array(HostArray::vector(v.to_vec()))
    }
}

impl From<f64> for HostValue {
    fn from(v: f64) -> HostValue {
        HostValue::Float(v)
    }
}

impl From<i64> for HostValue {
    fn from(v: i64) -> HostValue {
        HostValue::Int(v)
    }
}

impl From<bool> for HostValue {
    fn from(v: bool) -> HostValue {
        HostValue::Bool(v)
    }
}

impl From<&str> for HostValue {
    fn from(v: &str) -> HostValue {
        HostValue::Str(v.to_string())
    }
}

impl From<String> for HostValue {
    fn from(v: String) -> HostValue {
        HostValue::Str(v)
    }
}

impl From<()> for HostValue {
    fn from(_: ()) -> HostValue {
        HostValue::None
    }
}
