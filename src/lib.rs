//! hpxl: a NumPy-flavoured array language, embedded. This facade wires the grammar,
//! the tracer, the standard library and the backends into a [`Session`] that a host
//! program (or the `hpxl` command) feeds source text and data to.
//!
//! ```
//! use hpxl::{HostArray, Session};
//! let mut s = Session::builder().threads(1).sandboxed(true).build()?;
//! s.set("x", HostArray::new(vec![0.0f64, 1.0, 2.0, 3.0], &[2, 2])?)?;
//! s.register_fn("gain", |v: f64| 10.0 * v)?;
//! let f = s.compile("def step(u):\n    return gain(u) + u.T")?;
//! let x = s.get_value("x")?;
//! let y = f.call(&mut s, &[x])?;
//! assert_eq!(y.as_array().unwrap().to_vec::<f64>(), vec![0.0, 12.0, 21.0, 33.0]);
//! # Ok::<(), hpxl::Error>(())
//! ```
//!
//! - Data in: [`Session::set`] takes [`HostArray`]s (a `Vec<T>` moved in becomes the
//!   buffer, a slice is copied once), numbers, strings and tuples; with the `ndarray`
//!   feature, [`Session::set_ndarray`].
//! - Work: [`Session::exec`] runs statements, [`Session::eval`] returns a
//!   [`HostValue`], [`Session::compile`] returns a [`Function`] traced once per argument
//!   structure and replayed afterwards.
//! - Data out: [`Session::get`] (`Vec<T>`), [`Session::get_array`],
//!   [`Session::get_scalar`], [`Session::get_value`].
//! - Rust functions as builtins: [`Session::register_fn`] (elementwise over `f64`) and
//!   [`Session::register_array_fn`] (whole values).
//! - Errors are [`Error`] values whose `Display` is the rendered diagnostic.
//! - `Session` is `Send`; [`Session::spawn_worker`] runs a compiled function on its
//!   own thread behind a bounded queue ([`Worker`]).

#![warn(missing_docs)]

mod error;
mod function;
mod host;
mod hostfn;
#[cfg(feature = "ndarray")]
mod nd;
mod session;
mod worker;

use std::io::Write;
use std::sync::{Arc, Mutex};

pub use error::Error;
pub use function::Function;
pub use host::{Element, HostArray, HostValue};
pub use hostfn::ElementwiseFn;
pub use session::{Device, Session, SessionBuilder};
pub use worker::{Backpressure, SendError, ShutdownReport, Worker, WorkerConfig, WorkerOutput, WorkerStats};

/// The tracer's value type (used by the CLI and the legacy [`Session::run`]).
pub use hpxl_compiler::{Array, Value};
pub use hpxl_grammar::{Code, Diagnostic, SourceMap};

pub use hpxl_compiler::fuse::Backend;
pub use hpxl_runtime::telemetry::{self, Telemetry};
pub use hpxl_runtime::DType;

/// A `Write` sink that collects output in memory (clones share the buffer; it is
/// `Send`, so a session writing to it can move between threads).
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The result of running a program with its output captured.
pub struct Outcome {
    /// Everything the program printed.
    pub stdout: String,
    /// The diagnostic that stopped it, if any.
    pub error: Option<Diagnostic>,
    /// The rendered diagnostic (empty when the program succeeded).
    pub rendered: String,
    /// The 1-based line of the diagnostic's primary span.
    pub error_line: Option<usize>,
}

/// Stack size for running programs: deep (but bounded) user recursion must not
/// overflow the native stack.
pub const PROGRAM_STACK: usize = 512 << 20;

/// Runs a whole program in a fresh session with captured output, on a thread with a
/// large stack.
pub fn run_capture(name: &str, source: &str) -> Outcome {
    run_capture_with(name, source, Backend::Cranelift, hpxl_compiler::fuse::DEFAULT_SMALL_THRESHOLD)
}

/// `run_capture` on a given backend and small-array threshold.
pub fn run_capture_with(name: &str, source: &str, backend: Backend, small_threshold: usize) -> Outcome {
    run_capture_on(name, source, backend, small_threshold, Device::Cpu)
}

/// `run_capture_with` on a given device.
pub fn run_capture_on(name: &str, source: &str, backend: Backend, small_threshold: usize, device: Device) -> Outcome {
    let name = name.to_string();
    let source = source.to_string();
    let handle = std::thread::Builder::new().stack_size(PROGRAM_STACK).spawn(move || {
        let cap = Capture::default();
        let mut session = Session::with_output(Box::new(cap.clone()));
        session.set_backend(backend);
        session.set_small_threshold(small_threshold);
        session.set_device(device);
        let result = session.run(&name, &source);
        let stdout = cap.text();
        match result {
            Ok(_) => Outcome { stdout, error: None, rendered: String::new(), error_line: None },
            Err(d) => {
                let rendered = session.render(&d);
                let error_line = session.error_line(&d);
                Outcome { stdout, error: Some(d), rendered, error_line }
            }
        }
    });
    match handle.map(|h| h.join()) {
        Ok(Ok(outcome)) => outcome,
        _ => {
            let d = Diagnostic::new(Code::Internal, "the interpreter thread panicked or could not start");
            Outcome { stdout: String::new(), rendered: d.to_string(), error: Some(d), error_line: None }
        }
    }
}
