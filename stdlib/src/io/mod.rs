//! Files: `load`/`save` (.npy, .npz), `savez`/`savez_compressed`, `loadtxt`/`savetxt`.
//!
//! Reading is eager: `load` and `loadtxt` read the whole file at the call, because the
//! result's dtype and shape come from the file and every later statement's type checks
//! need them. Writing is an observation point: `save`, `savez` and `savetxt` realise
//! their arrays. Paths are relative to the process's working directory, as in NumPy.
//!
//! Errors name the path and carry the call's span. Failures of the file system (missing
//! file, permission, a directory) are E0902 with Python's `[Errno N] text: 'path'`
//! wording; files whose contents are not what they claim (bad magic, bad header,
//! truncated data, unsupported dtype, unparsable text) are E0600 with NumPy's
//! `ValueError` wording. The format code lives in `hpxl_runtime::npy` (arrays) and
//! `npz.rs` / `text.rs` here.

mod npz;
mod text;

use hpxl_compiler::arrays::{err, to_array, R};
use hpxl_compiler::{Array, CallArgs, Interp, Registry, Value};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::npy::{self, NpyError};
use hpxl_runtime::NdArray;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

pub fn register(r: &mut Registry) {
    r.functions.insert("load".into(), load);
    r.functions.insert("save".into(), save);
    r.functions.insert("savez".into(), npz::savez);
    r.functions.insert("savez_compressed".into(), npz::savez);
    r.functions.insert("loadtxt".into(), text::loadtxt);
    r.functions.insert("savetxt".into(), text::savetxt);
}

/// A path argument (hpxl has no `pathlib`, so a string).
pub(crate) fn path_of(v: &Value, what: &str, span: Span) -> R<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(err(Code::Type, span, format!("{what} must be a path string, not '{}'", other.type_name()))),
    }
}

/// An `OSError` as Python words it: `[Errno 2] No such file or directory: 'x.npy'`.
pub(crate) fn os_error(e: &std::io::Error, path: &str, span: Span) -> Diagnostic {
    let text = match e.raw_os_error() {
        Some(code) => {
            let full = e.to_string();
            let desc = full.split(" (os error").next().unwrap_or(&full).to_string();
            format!("[Errno {code}] {desc}: '{path}'")
        }
        None => format!("{e}: '{path}'"),
    };
    err(Code::File, span, text)
}

/// A file whose contents are invalid (NumPy's `ValueError`), naming the path.
pub(crate) fn content_error(msg: impl Into<String>, path: &str, span: Span) -> Diagnostic {
    err(Code::Value, span, msg.into()).with_note(format!("while reading '{path}'"))
}

/// An `NpyError` from reading `path` as a diagnostic.
pub(crate) fn npy_error(e: NpyError, path: &str, span: Span) -> Diagnostic {
    match e {
        NpyError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            content_error("the file ended early (truncated data)", path, span)
        }
        NpyError::Io(e) => os_error(&e, path, span),
        NpyError::Format(m) | NpyError::Eof(m) => content_error(m, path, span),
        NpyError::Alloc(bytes) => {
            err(Code::Alloc, span, format!("cannot allocate {bytes} bytes for the array stored in '{path}'"))
        }
    }
}

/// Opens `path` for reading, with Python's error for a missing or unreadable file.
pub(crate) fn open_read(path: &str, span: Span) -> R<(File, u64)> {
    let f = File::open(path).map_err(|e| os_error(&e, path, span))?;
    let len = f.metadata().map_err(|e| os_error(&e, path, span))?;
    if len.is_dir() {
        // `open()` of a directory succeeds on Linux; Python fails with EISDIR.
        return Err(os_error(&std::io::Error::from_raw_os_error(21), path, span));
    }
    Ok((f, len.len()))
}

/// `np.load(file, mmap_mode=None, allow_pickle=False, ...)`: an array from a `.npy`
/// file, or a dict of arrays (name → array, in archive order) from a `.npz` archive.
fn load(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["file", "mmap_mode=", "allow_pickle=", "fix_imports=", "encoding=", "max_header_size="])?;
    let path = path_of(s[0].as_ref().unwrap_or(&Value::None), "file", call.arg_span(0))?;
    match s[1].as_ref().unwrap_or(&Value::None) {
        Value::None => {}
        // Read-only and copy-on-write maps behave like an in-memory copy that is read.
        Value::Str(m) if matches!(&**m, "r" | "c") => {}
        Value::Str(m) if matches!(&**m, "r+" | "w+" | "readonly" | "copyonwrite" | "readwrite" | "write") => {
            return Err(err(
                Code::Unsupported,
                call.span,
                format!("mmap_mode='{m}' is not supported yet: load() reads the whole file"),
            ))
        }
        other => {
            return Err(err(
                Code::Value,
                call.span,
                format!(
                    "mode must be one of ['r', 'c', 'r+', 'w+'] (got {})",
                    hpxl_compiler::display::repr_of(other, call.span)?
                ),
            ))
        }
    }
    let span = call.span;
    let (mut file, len) = open_read(&path, span)?;
    let mut magic = [0u8; 6];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(os_error(&e, &path, span)),
        }
    }
    file.seek(SeekFrom::Start(0)).map_err(|e| os_error(&e, &path, span))?;
    let head = &magic[..got];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return npz::load_npz(file, &path, span);
    }
    if got == 0 {
        return Err(content_error("No data left in file", &path, span));
    }
    if head != npy::MAGIC {
        return Err(content_error(
            format!(
                "'{path}' is not a .npy or .npz file: it does not start with NumPy's magic string b'\\x93NUMPY' \
                 (hpxl does not load pickled data)"
            ),
            &path,
            span,
        ));
    }
    let a = npy::read_array(&mut file, Some(len)).map_err(|e| npy_error(e, &path, span))?;
    Ok(array_value(a, span))
}

/// A freshly read array as a value.
pub(crate) fn array_value(a: NdArray, span: Span) -> Value {
    let mut arr = Array::from_ndarray(a, span);
    arr.is_scalar = false;
    Value::Array(arr)
}

/// NumPy appends the extension when the name lacks it (`save("x", a)` writes `x.npy`).
pub(crate) fn with_extension(path: &str, ext: &str) -> String {
    if path.ends_with(ext) {
        path.to_string()
    } else {
        format!("{path}{ext}")
    }
}

/// Whether this process writes no file: `hpxl check`, or a rank other than 0 under MPI
/// (which waits until rank 0 has written, so a later `load` on any rank sees the file).
pub(crate) fn skip_write() -> bool {
    if hpxl_compiler::control::checking() {
        return true;
    }
    if hpxl_runtime::dist::nranks() > 1 {
        // Every rank is done reading the file's old contents before rank 0 replaces them.
        hpxl_runtime::dist::barrier();
    }
    if hpxl_runtime::dist::rank() != 0 {
        hpxl_runtime::dist::barrier();
        return true;
    }
    false
}

/// Rank 0 has written a file: the other ranks, waiting in `skip_write`, go on.
pub(crate) fn written() {
    if hpxl_runtime::dist::nranks() > 1 {
        hpxl_runtime::dist::barrier();
    }
}

/// `np.save(file, arr, allow_pickle=True, fix_imports=True)`: writes one array (realised
/// here) as a version 1.0 `.npy` file, byte for byte as NumPy writes it.
fn save(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["file", "arr", "allow_pickle=", "fix_imports="])?;
    let path = with_extension(&path_of(s[0].as_ref().unwrap_or(&Value::None), "file", call.arg_span(0))?, ".npy");
    let a = array_of(s[1].as_ref().unwrap_or(&Value::None), call.arg_span(1))?;
    let span = call.span;
    let value = a.realize(span)?;
    if crate::io::skip_write() {
        // `hpxl check` writes no files (Note [Check mode]); under MPI rank 0 writes.
        return Ok(Value::None);
    }
    let mut file = File::create(&path).map_err(|e| os_error(&e, &path, span))?;
    npy::write_array(&mut file, &value).map_err(|e| os_error(&e, &path, span))?;
    crate::io::written();
    Ok(Value::None)
}

/// An array argument to write: arrays, Python scalars and nested tuples (`np.asarray`).
pub(crate) fn array_of(v: &Value, span: Span) -> R<Array> {
    match v {
        Value::Tuple(_) | Value::Range(..) => hpxl_compiler::arrays::array_from_nested(v, None, span),
        other => to_array(other, span),
    }
}
