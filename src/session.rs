//! `hpxl::Session`: the interpreter state a host program (or the CLI) feeds source
//! text and data to, and its builder.

use crate::error::Error;
use crate::function::FunctionState;
use crate::host::{Element, HostArray, HostValue};
use hpxl_compiler::fuse::Backend;
use hpxl_compiler::{Interp, Value};
use hpxl_grammar::{Code, Diagnostic, Span};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Where kernels run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Device {
    /// The host CPU (every core unless [`SessionBuilder::threads`] says otherwise).
    #[default]
    Cpu,
    /// An NVIDIA GPU (feature `gpu`): fused kernels run there through CUDA; without a
    /// driver or a GPU the session runs on the CPU and says so once on stderr. Asking for
    /// it in a build without the feature is an error.
    Gpu,
}

impl Device {
    /// Parses `"cpu"` or `"gpu"`.
    pub fn parse(name: &str) -> Option<Device> {
        match name {
            "cpu" => Some(Device::Cpu),
            "gpu" | "cuda" => Some(Device::Gpu),
            _ => None,
        }
    }
}

/// Configures a [`Session`]; made by [`Session::builder`].
///
/// ```
/// use hpxl::{Backend, Device, Session};
/// let mut s = Session::builder().backend(Backend::Interp).device(Device::Cpu).sandboxed(true).build()?;
/// assert_eq!(s.eval("sum(arange(5))")?.as_f64(), Some(10.0));
/// # Ok::<(), hpxl::Error>(())
/// ```
pub struct SessionBuilder {
    threads: Option<usize>,
    backend: Backend,
    device: Device,
    sandboxed: bool,
    small_threshold: Option<usize>,
    output: Option<Box<dyn Write + Send>>,
}

impl SessionBuilder {
    /// The number of threads kernels use. The thread pool is per process and is made on
    /// first use: a later session asking for a different count gets an error.
    pub fn threads(mut self, n: usize) -> SessionBuilder {
        self.threads = Some(n);
        self
    }

    /// The execution backend (default: Cranelift, fused JIT kernels). `Backend::Tiered`
    /// (feature `llvm`) starts every kernel on Cranelift and recompiles hot ones with LLVM
    /// on a background thread; results are the same bits either way.
    pub fn backend(mut self, backend: Backend) -> SessionBuilder {
        self.backend = backend;
        self
    }

    /// The device kernels run on (default: the CPU).
    pub fn device(mut self, device: Device) -> SessionBuilder {
        self.device = device;
        self
    }

    /// A sandboxed session has no file or process access: `load`, `save`, `savez`,
    /// `savez_compressed`, `loadtxt`, `savetxt` and `argv` are errors (E0902) when
    /// called. Printing goes to the session's output, which the host chooses.
    pub fn sandboxed(mut self, on: bool) -> SessionBuilder {
        self.sandboxed = on;
        self
    }

    /// Kernels over fewer elements run on the interp backend (0: compile every kernel).
    pub fn small_threshold(mut self, n: usize) -> SessionBuilder {
        self.small_threshold = Some(n);
        self
    }

    /// Where `print` writes (default: the process's stdout).
    pub fn output(mut self, out: Box<dyn Write + Send>) -> SessionBuilder {
        self.output = Some(out);
        self
    }

    /// Makes the session.
    pub fn build(self) -> Result<Session, Error> {
        if self.device == Device::Gpu && !hpxl_compiler::gpu::BUILT {
            return Err(Error::host(
                Code::Unsupported,
                "device `gpu` is not available: this build of hpxl has no GPU backend (feature `gpu`); use Device::Cpu",
            ));
        }
        if !self.backend.is_available() {
            return Err(Error::host(
                Code::Unsupported,
                format!(
                    "backend `{}` is not available: this build of hpxl has no LLVM backend (feature `llvm`)",
                    self.backend.name()
                ),
            ));
        }
        if let Some(n) = self.threads {
            if n == 0 {
                return Err(Error::host(Code::Value, "threads must be at least 1"));
            }
            if !hpxl_runtime::exec::configure(n) && hpxl_runtime::exec::threads() != n {
                return Err(Error::host(
                    Code::Value,
                    format!(
                        "the thread pool already runs {} threads (it is made once per process); cannot use {n}",
                        hpxl_runtime::exec::threads()
                    ),
                ));
            }
        }
        let out = self.output.unwrap_or_else(|| Box::new(std::io::stdout()));
        let mut session = Session::make(out, self.sandboxed);
        session.backend = self.backend;
        session.device = self.device;
        if let Some(n) = self.small_threshold {
            session.small_threshold = n;
        }
        Ok(session)
    }
}

/// Builtins a sandboxed session refuses: everything that touches files or the process.
pub(crate) const SANDBOX_DENIED: &[&str] =
    &["load", "save", "savez", "savez_compressed", "loadtxt", "savetxt", "argv", "open", "exit", "input"];

/// A `Write` wrapper counting bytes, so a trace can tell whether it printed.
struct CountingWriter {
    inner: Box<dyn Write + Send>,
    written: Arc<AtomicU64>,
}

impl Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

static NEXT_SESSION_ID: AtomicU64 = AtomicU64::new(1);

/// An interpreter session: global variables, registered functions and compiled
/// functions persist between calls.
///
/// ```
/// use hpxl::{HostArray, Session};
/// let mut s = Session::builder().build()?;
/// s.set("x", HostArray::new(vec![1.0f64, 2.0, 3.0], &[3])?)?;
/// s.exec("y = sqrt(x) * 2")?;
/// let y: Vec<f64> = s.get("y")?;
/// assert_eq!(y[0], 2.0);
/// # Ok::<(), hpxl::Error>(())
/// ```
pub struct Session {
    pub(crate) interp: Interp,
    pub(crate) backend: Backend,
    pub(crate) device: Device,
    pub(crate) small_threshold: usize,
    pub(crate) sandboxed: bool,
    /// Identifies the session a `Function` belongs to.
    pub(crate) id: u64,
    /// Bumped whenever globals may have changed (`exec`, `set`, ...): compiled traces
    /// made under an older generation are retraced (Note [Replaying traces]).
    pub(crate) generation: u64,
    pub(crate) functions: Vec<FunctionState>,
    pub(crate) written: Arc<AtomicU64>,
}

// SAFETY: see Note [Session is Send].
//
// Note [Session is Send]: the tracer's values and graph nodes use `Rc` and `RefCell`
// (`Value`, `Array`, `Scope`, `graph::Node`, `Op::Library`'s `Rc<dyn LibraryFn>`), which
// are not thread-safe because two threads could touch one reference count. Moving a
// `Session` to another thread is sound because no such `Rc` is reachable from anything
// outside it:
// - Every `Rc` is created by the session's own tracer and stored in its `Interp`
//   (globals, registry, sources) or in its compiled-function traces. The public API
//   hands out only owned data (`HostValue`, `HostArray` share array storage through
//   `Arc`, which is thread-safe), strings, `Error`s (owned strings), and `Function`
//   handles (two integers and strings). The legacy `run` returns a tracer `Value`, but a
//   *detached* one (`detach`): arrays realised into fresh nodes over the `Arc` storage,
//   strings and tuples copied, closures rebuilt over an empty scope, so it shares no
//   `Rc` with the session. `repr` and `graph_text` only borrow.
// - Everything put in is owned or `Send`: host values are converted into fresh nodes;
//   registered functions are `Send + Sync` closures behind `Arc`; the output writer is
//   `Box<dyn Write + Send>`.
// - Thread-local state of the compiler and runtime holds no session data: the backend
//   and small-array threshold (`fuse`), set again on entry to every call (`enter`); the
//   memoised ufunc loop lists (`types::loops`, `Rc<Vec<Loop>>` used only inside one
//   lookup, never stored in a node); the radix-sort scratch `Vec<u64>`; the
//   `policy("seq")` depth, restored by a guard before any call returns; the realisation
//   counter (a number). Process-wide caches (kernel cache, buffer pool, thread pool)
//   are behind `Mutex`/`OnceLock` and hold `Arc`s only.
// - `Session` is not `Sync`, and every method that touches the interpreter takes
//   `&mut self`, so two threads never use one session at once.
// A new method must keep this true: never return or accept an `Rc`-holding type.
unsafe impl Send for Session {}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A builder for a session (threads, backend, device, sandboxing, output).
    pub fn builder() -> SessionBuilder {
        SessionBuilder {
            threads: None,
            backend: Backend::Cranelift,
            device: Device::Cpu,
            sandboxed: false,
            small_threshold: None,
            output: None,
        }
    }

    /// A session printing to the process's stdout.
    pub fn new() -> Session {
        Session::with_output(Box::new(std::io::stdout()))
    }

    /// A session printing to `out`.
    pub fn with_output(out: Box<dyn Write + Send>) -> Session {
        Session::make(out, false)
    }

    fn make(out: Box<dyn Write + Send>, sandboxed: bool) -> Session {
        let mut registry = hpxl_stdlib::registry();
        if sandboxed {
            for name in SANDBOX_DENIED {
                if registry.functions.contains_key(*name) {
                    registry.functions.insert((*name).to_string(), sandbox_denied);
                }
            }
        }
        let written = Arc::new(AtomicU64::new(0));
        let out = Box::new(CountingWriter { inner: out, written: written.clone() });
        Session {
            interp: Interp::new(registry, out),
            backend: Backend::Cranelift,
            device: match hpxl_compiler::gpu::default_device() {
                hpxl_compiler::gpu::Device::Gpu => Device::Gpu,
                hpxl_compiler::gpu::Device::Cpu => Device::Cpu,
            },
            small_threshold: default_small_threshold(),
            sandboxed,
            id: NEXT_SESSION_ID.fetch_add(1, Ordering::Relaxed),
            generation: 0,
            functions: Vec::new(),
            written,
        }
    }

    /// Selects the backend for later work.
    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
    }

    /// Selects the device for later work (`Device::Gpu` needs feature `gpu`; without a
    /// usable GPU the work stays on the CPU, said once on stderr).
    pub fn set_device(&mut self, device: Device) {
        self.device = device;
    }

    /// The device work is realised on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the session refuses file and process access.
    pub fn is_sandboxed(&self) -> bool {
        self.sandboxed
    }

    /// Kernels over fewer elements than `n` run on the interp backend (0: compile every
    /// kernel, which the tests use to exercise the JIT on small programs).
    pub fn set_small_threshold(&mut self, n: usize) {
        self.small_threshold = n;
    }

    /// Makes this thread's compiler settings the session's (they are thread-local, and a
    /// session may have moved threads since its last call).
    pub(crate) fn enter(&mut self) {
        hpxl_compiler::fuse::set_backend(self.backend);
        hpxl_compiler::fuse::set_small_threshold(self.small_threshold);
        hpxl_compiler::gpu::set_device(match self.device {
            Device::Gpu => hpxl_compiler::gpu::Device::Gpu,
            Device::Cpu => hpxl_compiler::gpu::Device::Cpu,
        });
    }

    /// Parses and runs `source`; returns the value of a trailing expression statement.
    /// The value is detached from the session (arrays are realised), see Note [Session
    /// is Send].
    pub fn run(&mut self, name: &str, source: &str) -> Result<Option<Value>, Diagnostic> {
        self.enter();
        self.generation += 1;
        let r = self.interp.run_source(name, source);
        let _ = self.interp.out.flush();
        match r? {
            Some(v) => Ok(Some(detach(&v)?)),
            None => Ok(None),
        }
    }

    /// Runs the statements in `source` (a script, a `def`, assignments).
    ///
    /// ```
    /// let mut s = hpxl::Session::builder().build()?;
    /// s.exec("def sq(x):\n    return x * x\nz = sq(arange(4))")?;
    /// assert_eq!(s.get::<i64>("z")?, vec![0, 1, 4, 9]);
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn exec(&mut self, source: &str) -> Result<(), Error> {
        self.run_named("<exec>", source).map(|_| ())
    }

    /// Runs `source` and returns the value of its last line if that is an expression
    /// (else `HostValue::None`), realised into owned data.
    ///
    /// ```
    /// let mut s = hpxl::Session::builder().build()?;
    /// let v = s.eval("linspace(0, 1, 5).astype(float32)")?;
    /// let a = v.as_array().unwrap();
    /// assert_eq!(a.as_slice::<f32>(), Some(&[0.0f32, 0.25, 0.5, 0.75, 1.0][..]));
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn eval(&mut self, source: &str) -> Result<HostValue, Error> {
        let v = self.run_named("<eval>", source)?;
        match v {
            Some(v) => HostValue::from_traced(&v).map_err(|d| self.error(d)),
            None => Ok(HostValue::None),
        }
    }

    fn run_named(&mut self, name: &str, source: &str) -> Result<Option<Value>, Error> {
        self.enter();
        self.generation += 1;
        let r = self.interp.run_source(name, source);
        let _ = self.interp.out.flush();
        r.map_err(|d| self.error(d))
    }

    /// Binds a global variable to host data: arrays (`HostArray`, `Vec<T>`, `&[T]`),
    /// Python scalars (`f64`, `i64`, `bool`), strings, `None` or tuples. A `Vec` or a
    /// `HostArray` becomes the array's buffer without a copy; a slice is copied once.
    ///
    /// ```
    /// let mut s = hpxl::Session::builder().build()?;
    /// s.set("n", 3i64)?;
    /// s.set("v", vec![1u8, 2, 3])?;
    /// assert_eq!(s.eval("v.dtype == uint8 and v.sum() == 6 and n == 3")?, hpxl::HostValue::Bool(true));
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: impl Into<HostValue>) -> Result<(), Error> {
        check_identifier(name)?;
        let v = value.into().to_traced()?;
        self.generation += 1;
        self.interp.globals.vars.borrow_mut().insert(name.to_string(), v);
        Ok(())
    }

    /// Binds a global array to a copy of `data` with `shape` (see [`HostArray::new`] to
    /// hand over a `Vec` without copying).
    pub fn set_array<T: Element>(&mut self, name: &str, data: &[T], shape: &[usize]) -> Result<(), Error> {
        let a = HostArray::from_slice(data, shape)?;
        self.set(name, a)
    }

    /// Removes a global variable; returns whether it existed.
    pub fn unset(&mut self, name: &str) -> bool {
        self.generation += 1;
        self.interp.globals.vars.borrow_mut().remove(name).is_some()
    }

    /// The value of a global variable, realised into owned data.
    pub fn get_value(&mut self, name: &str) -> Result<HostValue, Error> {
        self.enter();
        let v = self.lookup(name)?;
        HostValue::from_traced(&v).map_err(|d| self.error(d))
    }

    /// A global array (a Python scalar becomes a 0-d array of its default dtype).
    pub fn get_array(&mut self, name: &str) -> Result<HostArray, Error> {
        match self.get_value(name)? {
            HostValue::Array(a) => Ok(a),
            HostValue::Bool(b) => Ok(HostArray::scalar(b)),
            HostValue::Int(i) => Ok(HostArray::scalar(i)),
            HostValue::Float(f) => Ok(HostArray::scalar(f)),
            other => Err(Error::host(Code::Type, format!("`{name}` is a {}, not an array", type_word(&other)))),
        }
    }

    /// A global array's elements in row-major order, converted to `T` with NumPy's
    /// `astype` rules if its dtype differs.
    pub fn get<T: Element>(&mut self, name: &str) -> Result<Vec<T>, Error> {
        Ok(self.get_array(name)?.into_vec())
    }

    /// A global scalar (a Python number or a size-1 array), converted to `T`.
    ///
    /// ```
    /// let mut s = hpxl::Session::builder().build()?;
    /// s.exec("m = mean(arange(10))")?;
    /// assert_eq!(s.get_scalar::<f64>("m")?, 4.5);
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn get_scalar<T: Element>(&mut self, name: &str) -> Result<T, Error> {
        let a = self.get_array(name)?;
        a.scalar_value::<T>().ok_or_else(|| {
            Error::host(
                Code::Value,
                format!("`{name}` has shape {}, not a scalar", hpxl_compiler::arrays::shape_str(a.shape())),
            )
        })
    }

    fn lookup(&self, name: &str) -> Result<Value, Error> {
        self.interp.globals.lookup(name).ok_or_else(|| {
            let names = self.interp.globals.names();
            let mut e = Diagnostic::new(Code::UnknownName, format!("name '{name}' is not defined"));
            if let Some(s) = hpxl_grammar::did_you_mean(name, names.iter().map(|s| s.as_str())) {
                e = e.with_help(format!("did you mean `{s}`?"));
            }
            self.error(e)
        })
    }

    /// Wraps a diagnostic with this session's sources.
    pub(crate) fn error(&self, d: Diagnostic) -> Error {
        Error::from_diagnostic(d, &self.interp.sources)
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

    /// The tracer behind the session, for tools that inspect it (the CLI's REPL reads
    /// scopes and the registry for completion, `:type` and `:vars`).
    ///
    /// # Safety
    ///
    /// The interpreter is full of `Rc`s (Note [Session is Send]). The caller must not
    /// keep anything reachable from it — a `Value`, a scope, a graph node, the registry —
    /// beyond the borrow: a clone kept while the session moves to another thread would
    /// share a reference count between two threads. Copy out owned data (names, strings,
    /// dtypes, shapes) instead.
    pub unsafe fn interp_mut(&mut self) -> &mut Interp {
        &mut self.interp
    }

    /// `repr()` of a value, as the interactive loop echoes it.
    pub fn repr(&mut self, v: &Value) -> Result<String, Diagnostic> {
        self.enter();
        hpxl_compiler::display::repr_of(v, hpxl_grammar::Span::default())
    }
}

/// The builtin standing in for a file or process function in a sandboxed session.
fn sandbox_denied(_interp: &mut Interp, call: &mut hpxl_compiler::CallArgs) -> hpxl_compiler::arrays::R<Value> {
    Err(Diagnostic::new(
        Code::File,
        format!("{}() is not available: this session is sandboxed (no file or process access)", call.name),
    )
    .with_label(call.span, "refused in a sandboxed session")
    .with_help("the host program made this session with `sandboxed(true)`; pass data in with `Session::set`"))
}

fn type_word(v: &HostValue) -> String {
    match v {
        HostValue::None => "None".into(),
        HostValue::Bool(_) => "bool".into(),
        HostValue::Int(_) => "int".into(),
        HostValue::Float(_) => "float".into(),
        HostValue::Str(_) => "str".into(),
        HostValue::Array(_) => "ndarray".into(),
        HostValue::Tuple(_) => "tuple".into(),
        HostValue::Opaque { type_name, .. } => type_name.clone(),
    }
}

/// Checks that a host-chosen name is a valid identifier (and not a keyword).
pub(crate) fn check_identifier(name: &str) -> Result<(), Error> {
    const KEYWORDS: &[&str] = &[
        "def", "return", "if", "elif", "else", "while", "for", "in", "not", "and", "or", "is", "None", "True",
        "False", "break", "continue", "pass", "assert", "import", "from", "as", "lambda", "with", "global",
        "nonlocal", "raise", "del", "yield", "class", "try", "except", "finally",
    ];
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name);
    if ok {
        Ok(())
    } else {
        Err(Error::host(Code::Value, format!("`{name}` is not a valid variable name")))
    }
}

/// A copy of `v` that shares no `Rc` with the session (Note [Session is Send]).
pub(crate) fn detach(v: &Value) -> Result<Value, Diagnostic> {
    use hpxl_compiler::value::{Array, Closure, Scope};
    use hpxl_grammar::ast::FunctionDef;
    use std::rc::Rc;
    Ok(match v {
        Value::None => Value::None,
        Value::Bool(b) => Value::Bool(*b),
        Value::Int(i) => Value::Int(*i),
        Value::Float(f) => Value::Float(*f),
        Value::Str(s) => Value::str(s),
        Value::Tuple(items) => Value::tuple(items.iter().map(detach).collect::<Result<_, _>>()?),
        Value::Dict(items) => Value::Dict(Rc::new(
            items.iter().map(|(k, v)| Ok((detach(k)?, detach(v)?))).collect::<Result<_, Diagnostic>>()?,
        )),
        Value::Array(a) => {
            let mut out = Array::from_ndarray(a.realize(Span::default())?, Span::default());
            out.is_scalar = a.is_scalar;
            Value::Array(out)
        }
        Value::DType(d) => Value::DType(*d),
        // A stub with the function's name: its body (and nested definitions, which are
        // `Rc`s) stay in the session. It prints as the function does.
        Value::Function(c) => Value::Function(Rc::new(Closure {
            def: Rc::new(FunctionDef {
                name: c.def.name.clone(),
                params: Vec::new(),
                vararg: None,
                kwonly: Vec::new(),
                kwarg: None,
                body: Vec::new(),
                span: c.def.span,
            }),
            scope: Scope::new(None),
            defaults: Vec::new(),
            kw_defaults: Vec::new(),
            is_lambda: c.is_lambda,
        })),
        Value::Builtin(name) => Value::Builtin(Rc::from(&**name)),
        Value::Method(recv, name) => Value::Method(Box::new(detach(recv)?), Rc::from(&**name)),
        Value::Module(name) => Value::Module(Rc::from(&**name)),
        Value::Range(a, b, c) => Value::Range(*a, *b, *c),
        Value::Slice(a, b, c) => Value::Slice(*a, *b, *c),
        Value::Ellipsis => Value::Ellipsis,
        Value::Context(c) => Value::Context(c.clone()),
    })
}

/// The small-array threshold: `HPXL_SMALL_THRESHOLD` when set (0 compiles every
/// kernel), else the built-in default.
fn default_small_threshold() -> usize {
    std::env::var("HPXL_SMALL_THRESHOLD")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(hpxl_compiler::fuse::DEFAULT_SMALL_THRESHOLD)
}
