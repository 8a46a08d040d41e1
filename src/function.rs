//! Compiled functions: `Session::compile` and `Session::call`. A call traces the function
//! once per argument structure and replays the recorded graph on new data.
//!
//! Note [Replaying traces]: the tracer *runs* a function to build its graph, so calling
//! it again means walking its statements again. Instead, the first call with a given
//! argument structure (each array's dtype and shape, each Python scalar's value) traces
//! the function over placeholder constants holding the arguments and records the
//! pending graph it returned (`graph::Recording`: the nodes in post-order with their
//! inputs resolved to indices), before realising it. Later calls with the same
//! structure instantiate the recording over the new arrays and realise the copy: no
//! statement runs, nothing is hashed, and the kernels come from the kernel cache, which
//! is keyed by structure. A trace can be replayed only if it did
//! nothing but build graph nodes, so it is kept as a template only when during tracing
//! nothing was realised (no value was printed, branched on, indexed with a mask...),
//! nothing was printed, the random stream did not move and no global variable changed.
//! Any other function is traced again on every call, which is always correct. A
//! template also records the session's generation: `set`, `exec` and `eval` may rebind
//! globals the function reads, so they invalidate every template.

use crate::error::Error;
use crate::host::{HostArray, HostValue};
use crate::session::Session;
use hpxl_compiler::graph::{self, NodeRef};
use hpxl_compiler::{CallArgs, Value};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::DType;
use std::collections::HashMap;
use std::rc::Rc;

/// A function compiled by [`Session::compile`]: a handle to call with
/// [`Session::call`] (or [`Function::call`]). It holds no session state, so it is
/// `Send` and cheap to clone; it belongs to the session that compiled it.
///
/// ```
/// use hpxl::{HostArray, Session};
/// let mut s = Session::builder().build()?;
/// let f = s.compile("def axpy(a, x, y):\n    return a * x + y")?;
/// assert_eq!(f.name(), "axpy");
/// let x = HostArray::new(vec![1.0f64, 2.0, 3.0], &[3])?;
/// let y = HostArray::new(vec![10.0f64, 20.0, 30.0], &[3])?;
/// let out = f.call(&mut s, &[2.0.into(), x.into(), y.into()])?;
/// assert_eq!(out.as_array().unwrap().to_vec::<f64>(), vec![12.0, 24.0, 36.0]);
/// # Ok::<(), hpxl::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Function {
    pub(crate) session: u64,
    pub(crate) index: usize,
    name: String,
    params: Vec<String>,
}

impl Function {
    /// The function's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The names of its positional parameters.
    pub fn params(&self) -> &[String] {
        &self.params
    }

    /// Calls the function in `session` (the one that compiled it).
    pub fn call(&self, session: &mut Session, args: &[HostValue]) -> Result<HostValue, Error> {
        session.call(self, args)
    }
}

/// The structure of one argument: what a trace depends on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ArgKey {
    Array(DType, Vec<usize>),
    None,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(String),
    Tuple(Vec<ArgKey>),
}

/// Whether `v` has the structure `key` describes (`arg_key(v) == key`, without building
/// the key: the replay path of a call allocates nothing for its lookup).
fn matches_key(key: &ArgKey, v: &HostValue) -> bool {
    match (key, v) {
        (ArgKey::Array(d, shape), HostValue::Array(a)) => *d == a.dtype() && shape[..] == *a.shape(),
        (ArgKey::None, HostValue::None) => true,
        (ArgKey::Bool(k), HostValue::Bool(b)) => k == b,
        (ArgKey::Int(k), HostValue::Int(i)) => k == i,
        (ArgKey::Float(k), HostValue::Float(f)) => *k == f.to_bits(),
        (ArgKey::Str(k), HostValue::Str(s)) => k == s,
        (ArgKey::Tuple(ks), HostValue::Tuple(items)) => {
            ks.len() == items.len() && ks.iter().zip(items).all(|(k, i)| matches_key(k, i))
        }
        _ => false,
    }
}

fn arg_key(v: &HostValue) -> Result<ArgKey, Error> {
    Ok(match v {
        HostValue::Array(a) => ArgKey::Array(a.dtype(), a.shape().to_vec()),
        HostValue::None => ArgKey::None,
        HostValue::Bool(b) => ArgKey::Bool(*b),
        HostValue::Int(i) => ArgKey::Int(*i),
        HostValue::Float(f) => ArgKey::Float(f.to_bits()),
        HostValue::Str(s) => ArgKey::Str(s.clone()),
        HostValue::Tuple(items) => ArgKey::Tuple(items.iter().map(arg_key).collect::<Result<_, _>>()?),
        HostValue::Opaque { type_name, .. } => {
            return Err(Error::host(Code::Type, format!("a {type_name} cannot be passed to a compiled function")))
        }
    })
}

/// A compiled function's closure and its traces.
pub(crate) struct FunctionState {
    closure: Value,
    name: String,
    /// A span over the call-site text `name(params)` added to the session's sources, for
    /// errors about the call itself (wrong argument count).
    call_span: Span,
    traces: HashMap<Vec<ArgKey>, Trace>,
    /// The argument structure of the last call, tried before hashing (hosts mostly call
    /// with one structure).
    last: Option<Vec<ArgKey>>,
    /// How many times the function was traced (for `Session::trace_count`).
    trace_count: u64,
}

struct Trace {
    generation: u64,
    /// `None`: the function cannot be replayed (Note [Replaying traces]).
    template: Option<Template>,
}

/// A recorded trace: placeholder constants (one per array argument, in order), the
/// pending graph of the result, and where each result array sits in the result.
struct Template {
    recording: graph::Recording,
    result: ResultShape,
}

enum ResultShape {
    Array { root: usize, is_scalar: bool },
    Host(HostValue),
    Tuple(Vec<ResultShape>),
}

/// At most this many argument structures are kept per function (a host calling with
/// ever new shapes must not grow memory without bound).
const MAX_TRACES: usize = 64;

impl Session {
    /// Compiles `source`, which must define exactly one function at top level (other
    /// statements, such as imports or helper constants, may come before it; a helper
    /// function defined earlier in the session can be called). Returns a handle to call
    /// it with host data.
    ///
    /// Calls are traced once per argument structure and replayed afterwards (Note
    /// [Replaying traces] in `src/function.rs`): the structure of an array argument is
    /// its dtype and shape, that of a Python scalar its value — pass a 0-d array
    /// (`HostArray::scalar(dt)`) for a scalar that changes from call to call.
    pub fn compile(&mut self, source: &str) -> Result<Function, Error> {
        let module = match hpxl_grammar::parse_module(source, self.interp.sources.len() as u32) {
            Ok(m) => m,
            // Running the source reports the syntax error against its registered text.
            Err(d) => return Err(self.run_compiled_source(source).err().unwrap_or_else(|| self.error(d))),
        };
        let defs: Vec<String> = module
            .body
            .iter()
            .filter_map(|s| match &s.kind {
                hpxl_grammar::ast::StmtKind::Def(def) => Some(def.name.name.clone()),
                _ => None,
            })
            .collect();
        let name = match defs.as_slice() {
            [one] => one.clone(),
            [] => return Err(Error::host(Code::Value, "compile: the source defines no function (expected `def f(...):`)")),
            many => {
                return Err(Error::host(
                    Code::Value,
                    format!(
                        "compile: the source defines {} functions ({}); define helpers with `exec` first",
                        many.len(),
                        many.join(", ")
                    ),
                ))
            }
        };
        self.run_compiled_source(source)?;
        let closure = self.interp.globals.lookup(&name).ok_or_else(|| {
            Error::host(Code::Internal, format!("compile: `{name}` is not bound after running its definition"))
        })?;
        let Value::Function(c) = &closure else {
            return Err(Error::host(Code::Type, format!("compile: `{name}` is not a function")));
        };
        let params: Vec<String> = c.def.params.iter().map(|p| p.name.name.clone()).collect();
        let call_text = format!("{name}({})", params.join(", "));
        let len = call_text.len();
        let file = self.interp.sources.add(format!("<call {name}>"), call_text);
        let call_span = Span::new(file, 0, len);
        self.functions.push(FunctionState { closure, name: name.clone(), call_span, traces: HashMap::new(), last: None, trace_count: 0 });
        Ok(Function { session: self.id, index: self.functions.len() - 1, name, params })
    }

    fn run_compiled_source(&mut self, source: &str) -> Result<(), Error> {
        self.enter();
        self.generation += 1;
        let r = self.interp.run_source("<compile>", source);
        r.map(|_| ()).map_err(|d| self.error(d))
    }

    /// Calls a compiled function with host arguments; returns its result as owned data.
    /// Errors inside the function are diagnostics pointing into its source.
    pub fn call(&mut self, f: &Function, args: &[HostValue]) -> Result<HostValue, Error> {
        if f.session != self.id || f.index >= self.functions.len() {
            return Err(Error::host(
                Code::Value,
                format!("function `{}` was compiled by another session", f.name),
            ));
        }
        self.enter();
        let generation = self.generation;
        let state = &mut self.functions[f.index];
        let same_as_last = state
            .last
            .as_ref()
            .is_some_and(|k| k.len() == args.len() && k.iter().zip(args).all(|(k, a)| matches_key(k, a)));
        let keys = match state.last.take() {
            Some(k) if same_as_last => k,
            _ => args.iter().map(arg_key).collect::<Result<Vec<ArgKey>, _>>()?,
        };
        let template = match state.traces.get(&keys) {
            Some(Trace { generation: g, template: Some(t) }) if *g == generation => Some(t),
            _ => None,
        };
        if let Some(t) = template {
            let result = replay(t, args);
            state.last = Some(keys);
            return result.map_err(|d| self.error(d));
        }
        self.trace_call(f.index, keys, args)
    }

    /// How many times `f` has been traced: once per argument structure for a function
    /// that only builds array expressions, once per call for one that observes values,
    /// prints, draws random numbers or changes globals (Note [Replaying traces]). `None`
    /// if `f` belongs to another session.
    ///
    /// ```
    /// let mut s = hpxl::Session::builder().build()?;
    /// let f = s.compile("def f(x):\n    return x * 2")?;
    /// for _ in 0..3 {
    ///     s.call(&f, &[vec![1.0f64, 2.0].into()])?;
    /// }
    /// assert_eq!(s.trace_count(&f), Some(1));
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn trace_count(&self, f: &Function) -> Option<u64> {
        if f.session != self.id {
            return None;
        }
        self.functions.get(f.index).map(|s| s.trace_count)
    }

    fn trace_call(&mut self, index: usize, keys: Vec<ArgKey>, args: &[HostValue]) -> Result<HostValue, Error> {
        let (closure, call_span, name) = {
            let s = &self.functions[index];
            (s.closure.clone(), s.call_span, s.name.clone())
        };
        let mut placeholders = Vec::new();
        let mut call = CallArgs::new(&name, call_span);
        for a in args {
            let v = a.to_traced()?;
            collect_placeholders(&v, &mut placeholders);
            call.push(v, call_span);
        }
        let realised_before = graph::realisations();
        let written_before = self.written.load(std::sync::atomic::Ordering::Relaxed);
        let random_before = format!("{:?}", self.interp.random);
        let globals_before = globals_fingerprint(self);
        // Built, not computed: the pending graph is what gets recorded.
        let lazy = graph::LazyGuard::new();
        let result = self.interp.call_value(&closure, &mut call);
        drop(lazy);
        let _ = std::io::Write::flush(&mut self.interp.out);
        let value = result.map_err(|d| self.error(d))?;
        let globals_changed = globals_fingerprint(self) != globals_before;
        if globals_changed {
            self.generation += 1;
        }
        let replayable = !globals_changed
            && graph::realisations() == realised_before
            && self.written.load(std::sync::atomic::Ordering::Relaxed) == written_before
            && format!("{:?}", self.interp.random) == random_before;
        let mut roots = Vec::new();
        let shape = result_shape(&value, &mut roots).map_err(|d| self.error(d))?;
        let template = if replayable {
            Some(Template { recording: graph::Recording::record(&roots, &placeholders), result: shape })
        } else {
            None
        };
        graph::realize_all(&roots).map_err(|d| self.error(d))?;
        let out = HostValue::from_traced(&value).map_err(|d| self.error(d))?;
        let state = &mut self.functions[index];
        state.trace_count += 1;
        if state.traces.len() >= MAX_TRACES {
            state.traces.clear();
        }
        state.last = Some(keys.clone());
        state.traces.insert(keys, Trace { generation: self.generation, template });
        Ok(out)
    }
}

/// The placeholder nodes of the arrays among an argument, in order.
fn collect_placeholders(v: &Value, out: &mut Vec<NodeRef>) {
    match v {
        Value::Array(a) => out.push(a.base.borrow().node.clone()),
        Value::Tuple(items) => items.iter().for_each(|i| collect_placeholders(i, out)),
        _ => {}
    }
}

/// The arrays of the host arguments, in the order `collect_placeholders` visits them.
fn collect_arrays<'a>(v: &'a HostValue, out: &mut Vec<&'a HostArray>) {
    match v {
        HostValue::Array(a) => out.push(a),
        HostValue::Tuple(items) => items.iter().for_each(|i| collect_arrays(i, out)),
        _ => {}
    }
}

/// Records where the arrays of a result sit, pushing their nodes onto `roots`.
fn result_shape(v: &Value, roots: &mut Vec<NodeRef>) -> Result<ResultShape, Diagnostic> {
    Ok(match v {
        Value::Array(a) => {
            roots.push(a.node(Span::default())?);
            ResultShape::Array { root: roots.len() - 1, is_scalar: a.is_scalar }
        }
        Value::Tuple(items) => {
            ResultShape::Tuple(items.iter().map(|i| result_shape(i, roots)).collect::<Result<_, _>>()?)
        }
        other => ResultShape::Host(HostValue::from_traced(other)?),
    })
}

/// Runs a recorded trace on new arguments of the same structure.
fn replay(t: &Template, args: &[HostValue]) -> Result<HostValue, Diagnostic> {
    let mut arrays = Vec::new();
    args.iter().for_each(|a| collect_arrays(a, &mut arrays));
    if let ResultShape::Array { .. } = t.result {
        let values: Vec<&hpxl_runtime::NdArray> = arrays.iter().map(|a| &a.inner).collect();
        if let Some(value) = t.recording.evaluate_small(&values) {
            return Ok(HostValue::Array(HostArray::from_realised(value?)));
        }
    }
    let inputs: Vec<NodeRef> = arrays.iter().map(|a| graph::constant(a.inner.clone(), Span::default())).collect();
    let roots = t.recording.instantiate(&inputs);
    graph::realize_all(&roots)?;
    build_result(&t.result, &roots)
}

fn build_result(shape: &ResultShape, roots: &[NodeRef]) -> Result<HostValue, Diagnostic> {
    Ok(match shape {
        ResultShape::Array { root, is_scalar } => {
            let node = &roots[*root];
            let value = match node.value() {
                Some(v) => v,
                None => graph::realize(node)?,
            };
            let _ = is_scalar;
            HostValue::Array(HostArray::from_realised(value))
        }
        ResultShape::Host(v) => v.clone(),
        ResultShape::Tuple(items) => {
            HostValue::Tuple(items.iter().map(|i| build_result(i, roots)).collect::<Result<_, _>>()?)
        }
    })
}

/// A summary of the global variables that changes when one is rebound or an array is
/// written in place (its base gets a new node).
fn globals_fingerprint(s: &Session) -> Vec<(String, usize, i64)> {
    let vars = s.interp.globals.vars.borrow();
    let mut out: Vec<(String, usize, i64)> = vars
        .iter()
        .map(|(k, v)| {
            let (a, b) = match v {
                Value::Array(arr) => (Rc::as_ptr(&arr.base) as usize, Rc::as_ptr(&arr.base.borrow().node) as i64),
                Value::Int(i) => (1, *i),
                Value::Float(f) => (2, f.to_bits() as i64),
                Value::Bool(b) => (3, *b as i64),
                Value::Str(s) => (Rc::as_ptr(s) as *const u8 as usize, s.len() as i64),
                Value::Tuple(t) => (Rc::as_ptr(t) as usize, 0),
                Value::Function(c) => (Rc::as_ptr(c) as usize, 0),
                other => (0, other.type_name().len() as i64),
            };
            (k.clone(), a, b)
        })
        .collect();
    out.sort();
    out
}
