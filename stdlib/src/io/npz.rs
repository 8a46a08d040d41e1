//! `.npz` archives: `load` of an archive (a dict of arrays) and `savez` /
//! `savez_compressed` (a zip of `.npy` members, stored or deflated).
//!
//! NumPy's `NpzFile` reads members lazily; hpxl reads every member at `load`, so an
//! archive with a bad member fails at `load` rather than at `d["name"]`. Member names
//! lose their `.npy` suffix (NumPy's `d.files`). `savez` names positional arrays
//! `arr_0`, `arr_1`, ... after the keyword arrays, as NumPy's dict order does, and
//! writes members with ZIP64 extra fields (NumPy passes `force_zip64=True`).

use super::{array_of, array_value, content_error, npy_error, os_error, path_of, with_extension};
use hpxl_compiler::arrays::{err, R};
use hpxl_compiler::{CallArgs, Interp, Value};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::npy;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read};
use std::rc::Rc;
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn zip_error(e: ZipError, path: &str, span: Span) -> Diagnostic {
    match e {
        ZipError::Io(e) => os_error(&e, path, span),
        other => content_error(format!("Bad zip file: {other}"), path, span),
    }
}

/// Reads every `.npy` member of an archive into a dict.
pub(super) fn load_npz(file: File, path: &str, span: Span) -> R<Value> {
    let mut archive = ZipArchive::new(BufReader::new(file)).map_err(|e| zip_error(e, path, span))?;
    let mut items = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).map_err(|e| zip_error(e, path, span))?;
        let name = member.name().map_err(|e| zip_error(e, path, span))?.to_string();
        if member.is_dir() {
            continue;
        }
        let size = member.size();
        let mut magic = [0u8; 6];
        let got = read_up_to(&mut member, &mut magic).map_err(|e| os_error(&e, path, span))?;
        if magic[..got] != npy::MAGIC[..] {
            return Err(content_error(
                format!("member '{name}' of the archive is not a .npy array (hpxl loads only arrays)"),
                path,
                span,
            ));
        }
        // Put the magic back in front of the rest of the member.
        let mut stream = (&magic[..got]).chain(&mut member);
        let a = npy::read_array(&mut stream, Some(size))
            .map_err(|e| npy_error(e, path, span).with_note(format!("in archive member '{name}'")))?;
        let key = name.strip_suffix(".npy").unwrap_or(&name).to_string();
        items.push((Value::str(&key), array_value(a, span)));
    }
    Ok(Value::Dict(Rc::new(items)))
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// `np.savez(file, *args, allow_pickle=True, **kwds)` and `np.savez_compressed`.
pub(super) fn savez(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let compressed = &*call.name == "savez_compressed";
    let mut file: Option<(Value, Span)> = None;
    let mut named: Vec<(String, Value, Span)> = Vec::new();
    for (k, v, s) in &call.kw {
        match k.as_str() {
            "file" => file = Some((v.clone(), *s)),
            "allow_pickle" => {}
            _ => {
                if named.iter().any(|(n, _, _)| n == k) {
                    return Err(err(Code::Type, *s, format!("{}() got multiple values for argument '{k}'", call.name)));
                }
                named.push((k.clone(), v.clone(), *s))
            }
        }
    }
    let mut positional: Vec<(Value, Span)> = call.pos.iter().cloned().zip(call.pos_spans.iter().copied()).collect();
    if file.is_none() {
        if positional.is_empty() {
            return Err(err(Code::Type, call.span, format!("{}() missing required argument 'file'", call.name)));
        }
        file = Some(positional.remove(0));
    } else if !positional.is_empty() && call.kw.iter().any(|(k, _, _)| k == "file") {
        return Err(err(Code::Type, call.span, format!("{}() got multiple values for argument 'file'", call.name)));
    }
    let (file, file_span) = file.unwrap_or((Value::None, call.span));
    let path = with_extension(&path_of(&file, "file", file_span)?, ".npz");
    // Keyword arrays first, then `arr_<i>` (NumPy fills one dict in that order).
    let mut members: Vec<(String, Value, Span)> = named;
    for (i, (v, s)) in positional.into_iter().enumerate() {
        let key = format!("arr_{i}");
        if members.iter().any(|(n, _, _)| *n == key) {
            return Err(err(Code::Value, call.span, format!("Cannot use un-named variables and keyword {key}")));
        }
        members.push((key, v, s));
    }
    let span = call.span;
    let mut arrays = Vec::with_capacity(members.len());
    for (name, v, s) in &members {
        arrays.push((name.clone(), array_of(v, *s)?.realize(span)?));
    }
    if crate::io::skip_write() {
        // `hpxl check` writes no files (Note [Check mode]); under MPI rank 0 writes.
        return Ok(Value::None);
    }
    let out = File::create(&path).map_err(|e| os_error(&e, &path, span))?;
    let mut zip = ZipWriter::new(BufWriter::new(out));
    let method = if compressed { CompressionMethod::Deflated } else { CompressionMethod::Stored };
    let options = SimpleFileOptions::default().compression_method(method).large_file(true);
    for (name, a) in &arrays {
        zip.start_file(format!("{name}.npy"), options).map_err(|e| zip_error(e, &path, span))?;
        npy::write_array(&mut zip, a).map_err(|e| os_error(&e, &path, span))?;
    }
    let mut inner = zip.finish().map_err(|e| zip_error(e, &path, span))?;
    std::io::Write::flush(&mut inner).map_err(|e| os_error(&e, &path, span))?;
    crate::io::written();
    Ok(Value::None)
}
