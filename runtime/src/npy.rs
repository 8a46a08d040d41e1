//! The `.npy` array file format (NumPy's `numpy.lib.format`): the magic string, the
//! header dict, byte order, C and Fortran order. Reading and writing go through
//! `std::io` streams, so the same code serves plain files and `.npz` archive members.
//!
//! Errors are NumPy-worded messages ([`NpyError::Format`]) or the underlying I/O error;
//! the stdlib attaches the path and the call's span.
//!
//! Note [npy header bytes]: `save` must write the header byte for byte as NumPy does, so
//! that files are interchangeable and diffable. NumPy (`_write_array_header`) writes the
//! dict's `repr` with sorted keys — `{'descr': '<f8', 'fortran_order': False, 'shape':
//! (3,), }` — then `21 - len(repr(shape[0]))` spaces of growth room (for the last axis
//! in Fortran order, none for 0-d arrays), then pads with spaces and one final `\n` so
//! that magic + version + length field + header is a multiple of 64 bytes. Version 1.0
//! (a 2-byte length) is used unless the header needs more than 65535 bytes (2.0, 4-byte
//! length). Reading accepts versions 1.0, 2.0 and 3.0 and any Python-literal spelling of
//! the dict (spacing, key order, trailing commas, Python 2's `3L`).

use crate::array::{contiguous_strides, Data, NdArray};
use crate::dtype::DType;
use std::io::{self, Read, Write};

/// The first six bytes of every `.npy` file.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// NumPy's default `max_header_size`: longer headers are refused.
pub const MAX_HEADER_SIZE: usize = 10_000;

/// Alignment of the data start (NumPy's `ARRAY_ALIGN`).
const ARRAY_ALIGN: usize = 64;

/// Growth room NumPy leaves after the header dict (`GROWTH_AXIS_MAX_DIGITS`).
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// Why reading an array failed.
#[derive(Debug)]
pub enum NpyError {
    /// The stream itself failed (the caller words it like Python's `OSError`).
    Io(io::Error),
    /// The bytes are not a valid array of a supported dtype (NumPy's `ValueError`).
    Format(String),
    /// The file ended before the header did (NumPy's `EOFError`).
    Eof(String),
    /// The array's storage could not be allocated (`bytes` requested).
    Alloc(u128),
}

impl From<io::Error> for NpyError {
    fn from(e: io::Error) -> NpyError {
        NpyError::Io(e)
    }
}

fn format_err<T>(msg: impl Into<String>) -> Result<T, NpyError> {
    Err(NpyError::Format(msg.into()))
}

/// A parsed header.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub dtype: DType,
    /// The data is stored big-endian.
    pub big_endian: bool,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
}

/// The native-order `descr` string NumPy writes for a dtype (`<f8`, `|b1`, `|u1`).
pub fn descr(dtype: DType) -> String {
    let kind = match dtype.kind() {
        crate::Kind::Bool => 'b',
        crate::Kind::Int => 'i',
        crate::Kind::UInt => 'u',
        crate::Kind::Float => 'f',
    };
    let order = if dtype.itemsize() == 1 {
        '|'
    } else if cfg!(target_endian = "little") {
        '<'
    } else {
        '>'
    };
    format!("{order}{kind}{}", dtype.itemsize())
}

/// Python's `repr` of a shape tuple: `()`, `(3,)`, `(2, 3)`.
pub fn shape_repr(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// The complete header (magic through the final `\n`) NumPy writes for an array
/// (Note [npy header bytes]).
pub fn header_bytes(dtype: DType, shape: &[usize], fortran_order: bool) -> Vec<u8> {
    let mut dict = format!(
        "{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}",
        descr(dtype),
        if fortran_order { "True" } else { "False" },
        shape_repr(shape)
    );
    if !shape.is_empty() {
        let growth_axis = if fortran_order { shape[shape.len() - 1] } else { shape[0] };
        let digits = growth_axis.to_string().len();
        dict.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }
    let hlen = dict.len() + 1;
    // Version 1.0 unless its 2-byte length field cannot hold the padded header.
    let pad_for = |prefix: usize| ARRAY_ALIGN - (prefix + hlen) % ARRAY_ALIGN;
    let (version, len_size) = if hlen + pad_for(10) <= u16::MAX as usize { (1u8, 2usize) } else { (2u8, 4usize) };
    let prefix = 6 + 2 + len_size;
    let padlen = pad_for(prefix);
    let total_len = hlen + padlen;
    let mut out = Vec::with_capacity(prefix + total_len);
    out.extend_from_slice(MAGIC);
    out.push(version);
    out.push(0);
    if len_size == 2 {
        out.extend_from_slice(&(total_len as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(total_len as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', padlen));
    out.push(b'\n');
    out
}

/// Views a typed slice as its bytes.
fn as_bytes<T: Copy>(v: &[T]) -> &[u8] {
    // SAFETY: every element type stored in `Data` (bool, integers, floats) is plain data
    // without padding; the byte slice covers exactly the same memory and lifetime.
    unsafe { std::slice::from_raw_parts(v.as_ptr() as *const u8, std::mem::size_of_val(v)) }
}

/// Views a typed slice of a numeric (not bool) type as mutable bytes.
fn as_bytes_mut<T: Copy>(v: &mut [T]) -> &mut [u8] {
    // SAFETY: only called for integer and float element types, for which every bit
    // pattern is a valid value, so writing arbitrary bytes cannot create an invalid value.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr() as *mut u8, std::mem::size_of_val(v)) }
}

/// Writes `a` as a complete `.npy` stream. Like NumPy, an array that is Fortran-contiguous
/// but not C-contiguous (a transposed matrix) is written in Fortran order.
pub fn write_array<W: Write>(w: &mut W, a: &NdArray) -> io::Result<()> {
    let fortran = !a.is_contiguous() && is_f_contiguous(&a.shape, &a.strides);
    w.write_all(&header_bytes(a.dtype(), &a.shape, fortran))?;
    // The elements in file order: the reversed view of a Fortran-ordered array is C-ordered.
    let view = if fortran {
        NdArray {
            data: a.data.clone(),
            shape: a.shape.iter().rev().copied().collect(),
            strides: a.strides.iter().rev().copied().collect(),
            offset: a.offset,
        }
    } else {
        a.clone()
    };
    let n = view.size();
    if n == 0 {
        return Ok(());
    }
    let view = if view.is_contiguous() { view } else { view.to_contiguous() };
    let start = view.offset;
    crate::with_data!(&*view.data, v => w.write_all(as_bytes(&v[start..start + n])))
}

/// Whether `strides` walk `shape` densely in column-major order (size-1 axes ignored).
fn is_f_contiguous(shape: &[usize], strides: &[isize]) -> bool {
    let mut expected: isize = 1;
    for i in 0..shape.len() {
        if shape[i] != 1 && strides[i] != expected {
            return false;
        }
        expected *= shape[i] as isize;
    }
    true
}

/// Reads as many bytes as the stream has, up to `buf.len()`; returns the count.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match r.read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(k) => done += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Reads the magic string, version and header dict; returns the header and the number
/// of bytes it took (where the data starts).
pub fn read_header<R: Read>(r: &mut R) -> Result<(Header, usize), NpyError> {
    let mut magic = [0u8; 8];
    let got = read_full(r, &mut magic)?;
    if got == 0 {
        return Err(NpyError::Eof("No data left in file".into()));
    }
    if got < 8 || &magic[..6] != MAGIC {
        return format_err(format!(
            "the magic string is not correct; expected b'\\x93NUMPY', got {}",
            bytes_repr(&magic[..got.min(6)])
        ));
    }
    let (major, minor) = (magic[6], magic[7]);
    let len_size = match (major, minor) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        _ => {
            return format_err(format!(
                "we only support format version (1,0), (2,0), and (3,0), not ({major}, {minor})"
            ))
        }
    };
    let mut len_bytes = [0u8; 4];
    let got = read_full(r, &mut len_bytes[..len_size])?;
    if got < len_size {
        return format_err(format!("EOF: reading array header length, expected {len_size} bytes got {got}"));
    }
    let hlen = if len_size == 2 {
        u16::from_le_bytes([len_bytes[0], len_bytes[1]]) as usize
    } else {
        u32::from_le_bytes(len_bytes) as usize
    };
    if hlen > MAX_HEADER_SIZE {
        return format_err(format!(
            "Header info length ({hlen}) is large and may not be safe to load securely (the limit is {MAX_HEADER_SIZE})"
        ));
    }
    let mut text = vec![0u8; hlen];
    let got = read_full(r, &mut text)?;
    if got < hlen {
        return format_err(format!("EOF: reading array header, expected {hlen} bytes got {got}"));
    }
    let text = if major == 3 {
        String::from_utf8(text).map_err(|_| NpyError::Format("the array header is not valid UTF-8".into()))?
    } else {
        // Versions 1 and 2 are latin-1.
        text.iter().map(|&b| b as char).collect()
    };
    Ok((parse_header(&text)?, 6 + 2 + len_size + hlen))
}

/// Python's `repr` of a bytes object (for the bad-magic message).
fn bytes_repr(b: &[u8]) -> String {
    let mut s = String::from("b'");
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\'' => s.push_str("\\'"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('\'');
    s
}

/// A Python literal in a header dict.
#[derive(Clone, Debug, PartialEq)]
enum Lit {
    Str(String),
    Bool(bool),
    Int(u128),
    Tuple(Vec<Lit>),
    /// A list (structured dtypes describe their fields as a list).
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
    None,
}

/// A tiny recursive-descent reader of the Python literals NumPy writes in headers.
struct LitParser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl LitParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] as char).is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Lit> {
        self.depth += 1;
        if self.depth > 32 {
            return None;
        }
        self.ws();
        let c = *self.s.get(self.i)?;
        let v = match c {
            b'\'' | b'"' => {
                self.i += 1;
                let start = self.i;
                while *self.s.get(self.i)? != c {
                    if self.s[self.i] == b'\\' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
                self.i += 1;
                Lit::Str(text)
            }
            b'(' | b'[' => {
                self.i += 1;
                let close = if c == b'(' { b')' } else { b']' };
                let mut items = Vec::new();
                loop {
                    if self.eat(close) {
                        break;
                    }
                    items.push(self.value()?);
                    if !self.eat(b',') {
                        if !self.eat(close) {
                            return None;
                        }
                        // `(3)` is the int 3, not a tuple.
                        if c == b'(' && items.len() == 1 && self.s[self.i - 2] != b',' {
                            self.depth -= 1;
                            return items.pop();
                        }
                        break;
                    }
                }
                if c == b'(' {
                    Lit::Tuple(items)
                } else {
                    Lit::List(items)
                }
            }
            b'{' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(b'}') {
                        break;
                    }
                    let k = self.value()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let v = self.value()?;
                    items.push((k, v));
                    if !self.eat(b',') {
                        if !self.eat(b'}') {
                            return None;
                        }
                        break;
                    }
                }
                Lit::Dict(items)
            }
            b'0'..=b'9' => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                let n: u128 = std::str::from_utf8(&self.s[start..self.i]).ok()?.parse().ok()?;
                // Python 2 long literals (`3L`) in old version-1.0 files.
                if matches!(self.s.get(self.i), Some(b'L') | Some(b'l')) {
                    self.i += 1;
                }
                Lit::Int(n)
            }
            _ => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    self.i += 1;
                }
                match &self.s[start..self.i] {
                    b"True" => Lit::Bool(true),
                    b"False" => Lit::Bool(false),
                    b"None" => Lit::None,
                    _ => return None,
                }
            }
        };
        self.depth -= 1;
        Some(v)
    }
}

/// Parses the header dict text (NumPy's `_read_array_header` after `literal_eval`).
pub fn parse_header(text: &str) -> Result<Header, NpyError> {
    let mut p = LitParser { s: text.as_bytes(), i: 0, depth: 0 };
    let lit = p.value();
    p.ws();
    let Some(Lit::Dict(items)) = lit.filter(|_| p.i == p.s.len()) else {
        return format_err(format!("Cannot parse header: {:?}", text.trim_end()));
    };
    let mut keys: Vec<String> = Vec::new();
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (k, v) in items {
        let Lit::Str(k) = k else {
            return format_err(format!("Cannot parse header: {:?}", text.trim_end()));
        };
        match k.as_str() {
            "descr" => descr = Some(v),
            "fortran_order" => fortran = Some(v),
            "shape" => shape = Some(v),
            _ => {}
        }
        keys.push(k);
    }
    keys.sort();
    if keys != ["descr", "fortran_order", "shape"] {
        let quoted: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
        return format_err(format!("Header does not contain the correct keys: [{}]", quoted.join(", ")));
    }
    let shape = match shape {
        Some(Lit::Tuple(items)) => {
            let mut dims = Vec::with_capacity(items.len());
            for it in &items {
                match it {
                    Lit::Int(n) if *n <= usize::MAX as u128 => dims.push(*n as usize),
                    _ => return format_err(format!("shape is not valid: {}", lit_repr(&Lit::Tuple(items.clone())))),
                }
            }
            dims
        }
        Some(other) => return format_err(format!("shape is not valid: {}", lit_repr(&other))),
        None => unreachable!("keys were checked"),
    };
    let fortran_order = match fortran {
        Some(Lit::Bool(b)) => b,
        Some(other) => return format_err(format!("fortran_order is not a valid bool: {}", lit_repr(&other))),
        None => unreachable!("keys were checked"),
    };
    let (dtype, big_endian) =
        match descr {
            Some(Lit::Str(s)) => dtype_of_descr(&s)?,
            Some(Lit::List(_)) => return format_err(
                "structured dtypes (record arrays) are not supported: hpxl arrays hold bool, integer or float elements",
            ),
            Some(other) => return format_err(format!("descr is not a valid dtype descriptor: {}", lit_repr(&other))),
            None => unreachable!("keys were checked"),
        };
    Ok(Header { dtype, big_endian, fortran_order, shape })
}

fn lit_repr(l: &Lit) -> String {
    match l {
        Lit::Str(s) => format!("'{s}'"),
        Lit::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Lit::Int(n) => n.to_string(),
        Lit::None => "None".to_string(),
        Lit::Tuple(items) if items.len() == 1 => format!("({},)", lit_repr(&items[0])),
        Lit::Tuple(items) => format!("({})", items.iter().map(lit_repr).collect::<Vec<_>>().join(", ")),
        Lit::List(items) => format!("[{}]", items.iter().map(lit_repr).collect::<Vec<_>>().join(", ")),
        Lit::Dict(items) => format!(
            "{{{}}}",
            items.iter().map(|(k, v)| format!("{}: {}", lit_repr(k), lit_repr(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// The dtype and byte order of a `descr` string; NumPy's names for what hpxl lacks.
pub fn dtype_of_descr(d: &str) -> Result<(DType, bool), NpyError> {
    let (order, rest) = match d.chars().next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, &d[1..]),
        _ => ('=', d),
    };
    let big_endian = match order {
        '>' => true,
        '<' => false,
        _ => cfg!(target_endian = "big"),
    };
    let kind = rest.chars().next().unwrap_or(' ');
    let size: Option<usize> = rest.get(1..).and_then(|s| s.parse().ok());
    let dtype = match (kind, size) {
        ('b', Some(1)) | ('?', None) => DType::Bool,
        ('i', Some(1)) => DType::Int8,
        ('i', Some(2)) => DType::Int16,
        ('i', Some(4)) => DType::Int32,
        ('i', Some(8)) => DType::Int64,
        ('u', Some(1)) => DType::UInt8,
        ('u', Some(2)) => DType::UInt16,
        ('u', Some(4)) => DType::UInt32,
        ('u', Some(8)) => DType::UInt64,
        ('f', Some(4)) => DType::Float32,
        ('f', Some(8)) => DType::Float64,
        _ => {
            let what = match (kind, size) {
                ('O', _) => return format_err("Object arrays cannot be loaded when allow_pickle=False"),
                ('f', Some(2)) => "float16".to_string(),
                ('f', Some(n)) => format!("float{}", n * 8),
                ('c', Some(n)) => format!("complex{}", n * 8),
                ('U', _) => "a unicode string dtype".to_string(),
                ('S', _) | ('a', _) => "a bytes string dtype".to_string(),
                ('V', _) => "a void (raw bytes) dtype".to_string(),
                ('M', _) => "datetime64".to_string(),
                ('m', _) => "timedelta64".to_string(),
                _ => return format_err(format!("descr is not a valid dtype descriptor: '{d}'")),
            };
            return format_err(format!(
                "unsupported dtype '{d}' ({what}): hpxl reads bool, int8..int64, uint8..uint64, float32 and float64"
            ));
        }
    };
    Ok((dtype, big_endian))
}

/// Reads a complete `.npy` stream into a C-ordered array in native byte order.
/// `stream_len` is the stream's length when known (a file's size, an archive member's
/// uncompressed size): a truncated array is then reported before anything is allocated.
pub fn read_array<R: Read>(r: &mut R, stream_len: Option<u64>) -> Result<NdArray, NpyError> {
    let (header, header_len) = read_header(r)?;
    read_data(r, &header, stream_len.map(|n| n.saturating_sub(header_len as u64)))
}

/// Reads the data that follows a header. `remaining` is the number of bytes left in the
/// stream after the header, when known.
pub fn read_data<R: Read>(r: &mut R, h: &Header, remaining: Option<u64>) -> Result<NdArray, NpyError> {
    let itemsize = h.dtype.itemsize();
    let mut count: usize = 1;
    for &d in &h.shape {
        count = match count.checked_mul(d) {
            Some(c) if (c as u128) * (itemsize as u128) <= isize::MAX as u128 => c,
            _ => {
                return format_err(
                    "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.",
                )
            }
        };
    }
    let truncated = |read: usize| {
        NpyError::Format(format!(
            "Failed to read all data for array. Expected {} = {} elements, could only read {} elements. (file seems not fully written?)",
            shape_repr(&h.shape),
            count,
            read
        ))
    };
    let nbytes = count * itemsize;
    if let Some(rem) = remaining {
        if rem < nbytes as u64 {
            return Err(truncated((rem / itemsize as u64) as usize));
        }
    }
    let storage_dtype = if h.dtype == DType::Bool { DType::UInt8 } else { h.dtype };
    let mut data = crate::pool::take(storage_dtype, count).ok_or(NpyError::Alloc(nbytes as u128))?;
    let got = read_full(r, data_bytes_mut(&mut data))?;
    if got < nbytes {
        return Err(truncated(got / itemsize));
    }
    if h.big_endian != cfg!(target_endian = "big") && itemsize > 1 {
        swap_bytes(&mut data);
    }
    let data = match (&data, h.dtype) {
        (Data::UInt8(bytes), DType::Bool) => Data::Bool(bytes.iter().map(|&b| b != 0).collect()),
        _ => data,
    };
    if h.fortran_order && h.shape.len() > 1 {
        // The file holds the transpose in C order: view it with reversed axes and copy.
        let rev: Vec<usize> = h.shape.iter().rev().copied().collect();
        let strides: Vec<isize> = contiguous_strides(&rev).into_iter().rev().collect();
        let view = NdArray {
            data: std::sync::Arc::new(data),
            shape: h.shape.as_slice().into(),
            strides: strides.into(),
            offset: 0,
        };
        return Ok(view.to_contiguous());
    }
    Ok(NdArray::from_data(data, h.shape.clone()))
}

/// The storage of a `Data` as mutable bytes. Bool storage is never exposed (arbitrary
/// bytes are not valid bools): bool arrays are read as `UInt8` and converted.
fn data_bytes_mut(d: &mut Data) -> &mut [u8] {
    match d {
        Data::Bool(_) => &mut [],
        Data::Int8(v) => as_bytes_mut(v),
        Data::Int16(v) => as_bytes_mut(v),
        Data::Int32(v) => as_bytes_mut(v),
        Data::Int64(v) => as_bytes_mut(v),
        Data::UInt8(v) => as_bytes_mut(v),
        Data::UInt16(v) => as_bytes_mut(v),
        Data::UInt32(v) => as_bytes_mut(v),
        Data::UInt64(v) => as_bytes_mut(v),
        Data::Float32(v) => as_bytes_mut(v),
        Data::Float64(v) => as_bytes_mut(v),
    }
}

/// Reverses the byte order of every element in place.
fn swap_bytes(data: &mut Data) {
    match data {
        Data::Int16(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
        Data::UInt16(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
        Data::Int32(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
        Data::UInt32(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
        Data::Int64(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
        Data::UInt64(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
        Data::Float32(v) => v.iter_mut().for_each(|x| *x = f32::from_bits(x.to_bits().swap_bytes())),
        Data::Float64(v) => v.iter_mut().for_each(|x| *x = f64::from_bits(x.to_bits().swap_bytes())),
        Data::Bool(_) | Data::Int8(_) | Data::UInt8(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matches_numpy_bytes() {
        // np.save of np.arange(10.): 128 bytes of header.
        let h = header_bytes(DType::Float64, &[10], false);
        let expected = b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }";
        assert_eq!(&h[..expected.len()], &expected[..]);
        assert_eq!(h.len(), 128);
        assert_eq!(h[127], b'\n');
        // A 0-d float32 has no growth room.
        let h = header_bytes(DType::Float32, &[], false);
        assert_eq!(h.len(), 128);
        assert!(h.starts_with(b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (), }  "));
    }

    #[test]
    fn header_round_trips_and_tolerates_spelling() {
        for (dtype, shape, f) in [(DType::Bool, vec![2, 3], true), (DType::UInt16, vec![], false)] {
            let h = header_bytes(dtype, &shape, f);
            let (parsed, len) = read_header(&mut &h[..]).unwrap();
            assert_eq!(len, h.len());
            assert_eq!(parsed, Header { dtype, big_endian: false, fortran_order: f, shape });
        }
        let h = parse_header("{\"shape\":(3L, 4) ,'fortran_order':False,'descr':'>i4'}").unwrap();
        assert_eq!(h, Header { dtype: DType::Int32, big_endian: true, fortran_order: false, shape: vec![3, 4] });
        assert!(matches!(parse_header("{'descr': '<c16', 'fortran_order': False, 'shape': (2,)}"),
            Err(NpyError::Format(m)) if m.contains("complex128")));
        assert!(matches!(parse_header("{'descr': '<f8', 'shape': (2,)}"),
            Err(NpyError::Format(m)) if m == "Header does not contain the correct keys: ['descr', 'shape']"));
    }
}
