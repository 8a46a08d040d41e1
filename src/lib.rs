//! hpxl: a NumPy-flavoured array language. This facade wires the grammar, the tracer,
//! the standard library and the backends into a `Session` a host program (or the CLI)
//! can feed source text to.

use hpxl_compiler::Interp;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

pub use hpxl_compiler::{Array, Value};
pub use hpxl_grammar::{Code, Diagnostic, SourceMap};

pub use hpxl_compiler::fuse::Backend;
pub use hpxl_runtime::telemetry::{self, Telemetry};

/// An interpreter session: global variables persist between `run` calls.
pub struct Session {
    interp: Interp,
    backend: Backend,
    small_threshold: usize,
}

/// A `Write` sink that collects output in memory.
#[derive(Clone, Default)]
pub struct Capture(Rc<RefCell<Vec<u8>>>);

impl Capture {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A session printing to the process's stdout.
    pub fn new() -> Session {
        Session::with_output(Box::new(std::io::stdout()))
    }

    /// A session printing to `out`.
    pub fn with_output(out: Box<dyn Write>) -> Session {
        Session {
            interp: Interp::new(hpxl_stdlib::registry(), out),
            backend: Backend::Cranelift,
            small_threshold: default_small_threshold(),
        }
    }

    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Kernels over fewer elements than `n` run on the interp backend (0: compile every
    /// kernel, which the tests use to exercise the JIT on small programs).
    pub fn set_small_threshold(&mut self, n: usize) {
        self.small_threshold = n;
    }

    /// Parses and runs `source`; returns the value of a trailing expression statement.
    pub fn run(&mut self, name: &str, source: &str) -> Result<Option<Value>, Diagnostic> {
        hpxl_compiler::fuse::set_backend(self.backend);
        hpxl_compiler::fuse::set_small_threshold(self.small_threshold);
        let r = self.interp.run_source(name, source);
        let _ = self.interp.out.flush();
        r
    }

    /// Renders a diagnostic with source snippets.
    pub fn render(&self, d: &Diagnostic) -> String {
        d.render(&self.interp.sources)
    }

    /// 1-based line of the diagnostic's primary span.
    pub fn error_line(&self, d: &Diagnostic) -> Option<usize> {
        d.primary_span().map(|s| self.interp.sources.line_of(s.file, s.lo))
    }

    /// The text form of the pending graph behind a global array variable (`None` if the
    /// name is unbound or not an array).
    pub fn graph_text(&self, name: &str) -> Option<String> {
        let Some(Value::Array(a)) = self.interp.globals.lookup(name) else { return None };
        let node = a.node(hpxl_grammar::Span::default()).ok()?;
        Some(hpxl_compiler::graph_text::dump(&node))
    }

    /// `repr()` of a value, as the interactive loop echoes it.
    pub fn repr(&mut self, v: &Value) -> Result<String, Diagnostic> {
        hpxl_compiler::display::repr_of(v, hpxl_grammar::Span::default())
    }

    /// The tracer behind the session, for tools that inspect it (the CLI's REPL reads
    /// scopes and the registry for completion, `:type` and `:vars`).
    pub fn interp_mut(&mut self) -> &mut Interp {
        &mut self.interp
    }
}

/// The small-array threshold: `HPXL_SMALL_THRESHOLD` when set (0 compiles every
/// kernel), else the built-in default.
fn default_small_threshold() -> usize {
    std::env::var("HPXL_SMALL_THRESHOLD")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(hpxl_compiler::fuse::DEFAULT_SMALL_THRESHOLD)
}

/// The result of running a program with its output captured.
pub struct Outcome {
    pub stdout: String,
    pub error: Option<Diagnostic>,
    /// The rendered diagnostic (empty when the program succeeded).
    pub rendered: String,
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
    let name = name.to_string();
    let source = source.to_string();
    let handle = std::thread::Builder::new().stack_size(PROGRAM_STACK).spawn(move || {
        let cap = Capture::default();
        let mut session = Session::with_output(Box::new(cap.clone()));
        session.set_backend(backend);
        session.set_small_threshold(small_threshold);
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
