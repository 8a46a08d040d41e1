//! NumPy broadcasting of two shapes.

use super::TypeError;
use hpxl_runtime::Shape;

/// A shape as NumPy prints it in broadcast errors: `(2,3)`, `(4,)`, `()`.
fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    match dims.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", dims.join(",")),
    }
}

/// NumPy broadcasting: align trailing axes (missing leading axes count as 1); each
/// result axis is the common length, where a length of 1 stretches to the other.
/// Otherwise NumPy's error, "operands could not be broadcast together with shapes
/// (2,3) (4,) " (trailing space included, as NumPy prints it).
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Shape, TypeError> {
    if a == b {
        return Ok(Shape::from_slice(a));
    }
    let n_dims = a.len().max(b.len());
    let mut out_shape = Shape::from_elem(0, n_dims);
    for axis_from_end in 0..n_dims {
        let dim_of = |shape: &[usize]| shape.len().checked_sub(axis_from_end + 1).map_or(1, |axis_idx| shape[axis_idx]);
        let (da, db) = (dim_of(a), dim_of(b));
        out_shape[n_dims - 1 - axis_from_end] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return Err(TypeError::new(format!(
                "operands could not be broadcast together with shapes {} {} ",
                shape_text(a),
                shape_text(b)
            )));
        };
    }
    Ok(out_shape)
}
