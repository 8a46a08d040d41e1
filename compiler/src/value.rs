//! Values the tracer manipulates: Python-level scalars, tuples and strings run on the
//! host; arrays are handles onto lazy graph nodes.

use crate::graph::{self, NodeRef, ViewSpec};
use hpxl_grammar::ast::FunctionDef;
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::{DType, NdArray, Scalar, Shape};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

/// The storage an array variable refers to. Mutation (`a[i] = v`, `a += v`) replaces
/// `node` with a scatter over the old node, so every array sharing this base — the
/// variable itself, its views, other names bound to it — sees the new contents, while
/// values computed earlier keep the old node (NumPy's eager semantics, lazily).
#[derive(Debug)]
pub struct Base {
    pub node: NodeRef,
    /// Views made by `broadcast_to` may not be written to, as in NumPy.
    pub readonly: bool,
}

/// An array value: a base plus an optional strided view of it.
#[derive(Debug)]
pub struct Array {
    pub base: Rc<RefCell<Base>>,
    pub view: Option<Rc<ViewSpec>>,
    pub dtype: DType,
    pub shape: Shape,
    /// A NumPy scalar (`np.float64(1.5)`) rather than a 0-d array: prints the same but
    /// has NumPy 2's scalar repr inside tuples.
    pub is_scalar: bool,
}

impl Clone for Array {
    fn clone(&self) -> Array {
        Array {
            base: self.base.clone(),
            view: self.view.clone(),
            dtype: self.dtype,
            shape: Shape::from_slice(&self.shape),
            is_scalar: self.is_scalar,
        }
    }
}

impl Array {
    /// A fresh array owning a new base.
    pub fn from_node(node: NodeRef) -> Array {
        let dtype = node.dtype;
        let shape = Shape::from_slice(&node.shape);
        let is_scalar = shape.is_empty();
        Array { base: Rc::new(RefCell::new(Base { node, readonly: false })), view: None, dtype, shape, is_scalar }
    }

    pub fn from_ndarray(a: NdArray, span: Span) -> Array {
        Array::from_node(graph::constant(a, span))
    }

    pub fn scalar(s: Scalar, span: Span) -> Array {
        Array::from_node(graph::scalar_node(s, span))
    }

    /// A view onto the same base.
    pub fn with_view(&self, view: ViewSpec) -> Array {
        let base_shape = self.base.borrow().node.shape.clone();
        let shape = view.shape.clone();
        let view = if view.is_identity_of(&base_shape) { None } else { Some(Rc::new(view)) };
        Array { base: self.base.clone(), view, dtype: self.dtype, shape: shape.into(), is_scalar: false }
    }

    /// The view spec relative to the base (identity when there is none).
    pub fn view_spec(&self) -> ViewSpec {
        match &self.view {
            Some(v) => (**v).clone(),
            None => ViewSpec::identity(&self.base.borrow().node.shape),
        }
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// A graph node for the array's current contents (a snapshot: later mutation of the
    /// base does not change it).
    pub fn node(&self, span: Span) -> Result<NodeRef, Diagnostic> {
        let base = self.base.borrow().node.clone();
        match &self.view {
            None => Ok(base),
            Some(v) => {
                graph::node(graph::Op::View { x: base, view: (**v).clone() }, self.dtype, self.shape.clone(), span)
            }
        }
    }

    /// Realises the array's current contents.
    pub fn realize(&self, span: Span) -> Result<NdArray, Diagnostic> {
        let base_node = self.base.borrow().node.clone();
        if let (true, Some(v)) = (crate::dist::enabled(), &self.view) {
            // A view of a distributed array fetches only the rows it touches.
            graph::force(&base_node)?;
            if crate::dist::dist_of(&base_node).is_some() {
                let node = graph::node(
                    graph::Op::View { x: base_node, view: (**v).clone() },
                    self.dtype,
                    self.shape.clone(),
                    span,
                )?;
                return graph::realize(&node);
            }
        }
        let base = graph::realize(&base_node)?;
        Ok(match &self.view {
            None => base,
            Some(v) => {
                let _ = span;
                graph::apply_view(&base, v)
            }
        })
    }

    /// The single element of a size-1 array.
    pub fn scalar_value(&self, span: Span) -> Result<Scalar, Diagnostic> {
        let v = self.realize(span)?;
        if v.size() != 1 {
            return Err(Diagnostic::new(Code::Internal, "scalar_value of a non-scalar array").with_label(span, ""));
        }
        Ok(v.get_flat(0))
    }
}

/// A user-defined function (or lambda) together with the scope it was defined in.
pub struct Closure {
    pub def: Rc<FunctionDef>,
    pub scope: Rc<Scope>,
    pub defaults: Vec<Value>,
    pub kw_defaults: Vec<Option<Value>>,
    /// A lambda returns its body expression (stored as a single `return` statement).
    pub is_lambda: bool,
}

/// A variable scope: the locals of a function call (or the module), with its lexical parent.
pub struct Scope {
    /// FxHash: names are short and trusted (the program's own), and SipHash was a tenth
    /// of a small-array loop's time.
    pub vars: RefCell<FxHashMap<String, Value>>,
    pub parent: Option<Rc<Scope>>,
    /// Names declared `global` in this scope.
    pub globals: RefCell<Vec<String>>,
}

impl Scope {
    pub fn new(parent: Option<Rc<Scope>>) -> Rc<Scope> {
        Rc::new(Scope { vars: RefCell::new(FxHashMap::default()), parent, globals: RefCell::new(Vec::new()) })
    }

    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        let mut cur = self.parent.clone();
        while let Some(s) = cur {
            if let Some(v) = s.vars.borrow().get(name) {
                return Some(v.clone());
            }
            cur = s.parent.clone();
        }
        None
    }

    /// `f` of the value bound to `name` (here or in an enclosing scope), borrowed in
    /// place: the operands of `a * b` need no copy of their descriptors. `f` must not
    /// rebind variables (the scope is borrowed while it runs).
    pub fn with_value<T>(&self, name: &str, f: impl FnOnce(&Value) -> T) -> Option<T> {
        let mut cur = Some(self);
        while let Some(s) = cur {
            let vars = s.vars.borrow();
            if let Some(v) = vars.get(name) {
                return Some(f(v));
            }
            drop(vars);
            cur = s.parent.as_deref();
        }
        None
    }

    /// Every visible name (for "did you mean").
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.vars.borrow().keys().cloned().collect();
        let mut cur = self.parent.clone();
        while let Some(s) = cur {
            out.extend(s.vars.borrow().keys().cloned());
            cur = s.parent.clone();
        }
        out
    }
}

/// Context managers known to the language.
#[derive(Clone, Debug, PartialEq)]
pub enum Context {
    /// `with policy("seq"):` / `policy("par")`.
    Policy(String),
    /// `with device("gpu"):` / `device("cpu")`.
    Device(crate::gpu::Device),
}

#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Tuple(Rc<Vec<Value>>),
    Dict(Rc<Vec<(Value, Value)>>),
    Array(Array),
    DType(DType),
    Function(Rc<Closure>),
    /// A builtin function of the standard library, by registry name.
    Builtin(Rc<str>),
    /// A method bound to its receiver, e.g. `a.sum`.
    Method(Box<Value>, Rc<str>),
    /// A module namespace: "numpy", "numpy.linalg", "numpy.random", "time", "math".
    Module(Rc<str>),
    Range(i64, i64, i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Ellipsis,
    Context(Context),
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.type_name())
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(items))
    }

    /// Python's `type(x).__name__`, for messages.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Dict(_) => "dict".into(),
            Value::Array(a) if a.is_scalar => format!("numpy.{}", a.dtype.name()),
            Value::Array(_) => "ndarray".into(),
            Value::DType(_) => "dtype".into(),
            Value::Function(_) => "function".into(),
            Value::Builtin(_) => "builtin_function".into(),
            Value::Method(..) => "method".into(),
            Value::Module(_) => "module".into(),
            Value::Range(..) => "range".into(),
            Value::Slice(..) => "slice".into(),
            Value::Ellipsis => "ellipsis".into(),
            Value::Context(_) => "context manager".into(),
        }
    }

    pub fn is_python_scalar(&self) -> bool {
        matches!(self, Value::Bool(_) | Value::Int(_) | Value::Float(_))
    }

    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// Converts a realised scalar into the value NumPy would hand back for it: a NumPy scalar.
pub fn scalar_value(s: Scalar, span: Span) -> Value {
    Value::Array(Array::scalar(s, span))
}
