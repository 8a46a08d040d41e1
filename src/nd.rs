//! `ndarray` interop (feature `ndarray`): arrays in without copying when they are in
//! standard layout and own their buffer, and back out as `ArrayD`.

use crate::error::Error;
use crate::host::{Element, HostArray};
use crate::session::Session;
use hpxl_grammar::Code;

impl HostArray {
    /// An array from an `ndarray` array: takes its buffer over without copying when it
    /// is in standard (row-major, contiguous) layout, else copies it in row-major order.
    ///
    /// ```
    /// let a = ndarray::arr2(&[[1i32, 2, 3], [4, 5, 6]]);
    /// let h = hpxl::HostArray::from_ndarray(a);
    /// assert_eq!(h.shape(), &[2, 3]);
    /// assert_eq!(h.to_ndarray::<i32>()?.t()[[2, 0]], 3);
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn from_ndarray<T: Element, D: ndarray::Dimension>(a: ndarray::Array<T, D>) -> HostArray {
        let shape = a.shape().to_vec();
        let n: usize = shape.iter().product();
        let data: Vec<T> = if a.is_standard_layout() {
            let (v, offset) = a.into_raw_vec_and_offset();
            let start = offset.unwrap_or(0);
            if start == 0 && v.len() == n {
                v
            } else {
                v[start..start + n].to_vec()
            }
        } else {
            a.iter().copied().collect()
        };
        HostArray { inner: hpxl_runtime::NdArray::from_data(T::wrap(data), shape) }
    }

    /// The array as an `ndarray::ArrayD<T>` (converted with NumPy's `astype` rules if
    /// the dtype differs; the buffer moves without a copy when this is its only holder).
    pub fn to_ndarray<T: Element>(&self) -> Result<ndarray::ArrayD<T>, Error> {
        let shape = self.shape().to_vec();
        ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&shape), self.clone().into_vec::<T>())
            .map_err(|e| Error::host(Code::Internal, format!("to_ndarray: {e}")))
    }
}

impl Session {
    /// Binds a global variable to an `ndarray` array (see [`HostArray::from_ndarray`]).
    ///
    /// ```
    /// let mut s = hpxl::Session::builder().build()?;
    /// s.set_ndarray("m", ndarray::Array2::<f64>::eye(3))?;
    /// let t = s.get_ndarray::<f64>("m * 2 + 1")?;
    /// assert_eq!(t.shape(), &[3, 3]);
    /// assert_eq!(t[[1, 1]], 3.0);
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn set_ndarray<T: Element, D: ndarray::Dimension>(
        &mut self,
        name: &str,
        a: ndarray::Array<T, D>,
    ) -> Result<(), Error> {
        self.set(name, HostArray::from_ndarray(a))
    }

    /// Evaluates `expr` (a variable name or any expression) into an `ndarray::ArrayD<T>`.
    pub fn get_ndarray<T: Element>(&mut self, expr: &str) -> Result<ndarray::ArrayD<T>, Error> {
        let v = self.eval(expr)?;
        match v {
            crate::HostValue::Array(a) => a.to_ndarray(),
            crate::HostValue::Float(f) => HostArray::scalar(f).to_ndarray(),
            crate::HostValue::Int(i) => HostArray::scalar(i).to_ndarray(),
            crate::HostValue::Bool(b) => HostArray::scalar(b).to_ndarray(),
            other => Err(Error::host(Code::Type, format!("`{expr}` is not an array: {other:?}"))),
        }
    }
}
