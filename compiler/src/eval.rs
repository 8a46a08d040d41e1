//! The tracer: runs statements on host values (control flow, Python scalars, tuples)
//! and turns array expressions into lazy graph nodes.

use crate::arrays::{self, err, R};
use crate::call::CallArgs;
use crate::display;
use crate::index;
use crate::ops::{BinaryOp, UnaryOp};
use crate::value::{Array, Closure, Context, Scope, Value};
use hpxl_grammar::ast::{self, Arg, BinOp, BoolOpKind, CmpOp, Expr, ExprKind, Stmt, StmtKind};
use hpxl_grammar::{did_you_mean, Code, SourceMap, Span};
use hpxl_runtime::DType;
use rustc_hash::FxHashMap;
use std::io::Write;
use std::rc::Rc;

/// A builtin function: receives the interpreter and its bound call arguments.
pub type BuiltinFn = fn(&mut Interp, &mut CallArgs) -> R<Value>;

/// A builtin added by a host program (`hpxl::Session::register_fn`): a closure, so it
/// cannot be a `BuiltinFn`. The registry maps its name to a trampoline `BuiltinFn` that
/// looks the closure up in `Registry::host` by the call's name. `Send + Sync` because a
/// session may move to another thread and kernels may call it from the pool.
pub type HostFn = std::sync::Arc<dyn Fn(&mut CallArgs) -> R<Value> + Send + Sync>;

/// The standard library as the tracer sees it: functions by name (module members as
/// `"linalg.norm"`, `"random.seed"`, `"time.time"`, `"math.sqrt"`), methods by name
/// (receiver first), and named constants.
#[derive(Default, Clone)]
pub struct Registry {
    pub functions: FxHashMap<String, BuiltinFn>,
    pub methods: FxHashMap<String, BuiltinFn>,
    pub constants: FxHashMap<String, Value>,
    /// Closures registered by a host program, by name (see `HostFn`).
    pub host: FxHashMap<String, HostFn>,
}

/// Python's default recursion limit.
const MAX_CALL_DEPTH: usize = 1000;

/// Keywords offered in "did you mean" hints for unknown names.
const KEYWORDS: &[&str] = &[
    "def", "return", "if", "elif", "else", "while", "for", "in", "not", "and", "or", "is", "None", "True", "False",
    "break", "continue", "pass", "assert", "import", "from", "as", "lambda", "with",
];

enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

/// The tracer's state for one session.
pub struct Interp {
    pub sources: SourceMap,
    pub globals: Rc<Scope>,
    pub registry: Rc<Registry>,
    pub out: Box<dyn Write>,
    depth: usize,
    /// Stack of active execution policies (`with policy("seq"):`).
    pub policies: Vec<String>,
    /// The random stream (`random.seed`, `random.rand`, ...).
    pub random: crate::library::RandomState,
    /// Names resolved to builtins, constants, dtypes or modules (the registry never
    /// changes after construction, so a resolution holds for the session): a loop that
    /// calls `realize` or reads `pi` each iteration looks it up once.
    builtin_names: FxHashMap<String, Value>,
    /// Emptied argument lists of finished calls, reused by the next calls (a builtin
    /// call in a loop otherwise allocates two lists per iteration).
    spare_args: Vec<(Vec<Value>, Vec<Span>)>,
}

impl Interp {
    pub fn new(registry: Registry, out: Box<dyn Write>) -> Interp {
        Interp {
            sources: SourceMap::new(),
            globals: Scope::new(None),
            registry: Rc::new(registry),
            out,
            depth: 0,
            policies: Vec::new(),
            random: crate::library::RandomState::default(),
            builtin_names: FxHashMap::default(),
            spare_args: Vec::new(),
        }
    }

    /// Parses and runs one source text in the global scope.
    pub fn run_source(&mut self, name: &str, text: &str) -> R<Option<Value>> {
        let file = self.sources.add(name, text);
        let module = hpxl_grammar::parse_module(text, file)?;
        let scope = self.globals.clone();
        let mut last = None;
        for stmt in &module.body {
            if let StmtKind::Expr(e) = &stmt.kind {
                last = Some(self.eval(e, &scope)?);
                continue;
            }
            last = None;
            match self.exec(stmt, &scope)? {
                Flow::Normal => {}
                Flow::Return(_) => return Err(err(Code::Syntax, stmt.span, "'return' outside function")),
                Flow::Break | Flow::Continue => {
                    return Err(err(Code::Syntax, stmt.span, "'break' or 'continue' outside loop"))
                }
            }
        }
        let _ = self.out.flush();
        Ok(last)
    }

    /// `hpxl check`: runs every top-level statement of `text` and collects each one's
    /// diagnostic instead of stopping at the first (the caller sets check mode, Note
    /// [Check mode], so no kernel runs). Names a failed statement would have bound are
    /// remembered, and "not defined" errors about them are not reported again.
    pub fn check_source(&mut self, name: &str, text: &str) -> Vec<hpxl_grammar::Diagnostic> {
        let file = self.sources.add(name, text);
        let module = match hpxl_grammar::parse_module(text, file) {
            Ok(m) => m,
            Err(d) => return vec![d],
        };
        let scope = self.globals.clone();
        let mut failed_names: Vec<String> = Vec::new();
        let mut found = Vec::new();
        for stmt in &module.body {
            let result = match self.exec(stmt, &scope) {
                Ok(Flow::Return(_)) => Err(err(Code::Syntax, stmt.span, "'return' outside function")),
                Ok(Flow::Break | Flow::Continue) => {
                    Err(err(Code::Syntax, stmt.span, "'break' or 'continue' outside loop"))
                }
                Ok(Flow::Normal) => Ok(()),
                Err(d) => Err(d),
            };
            if let Err(d) = result {
                let cascade = d.code == Code::UnknownName
                    && failed_names.iter().any(|n| d.message == format!("name '{n}' is not defined"));
                match &stmt.kind {
                    StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| bound_names(t, &mut failed_names)),
                    StmtKind::AugAssign { target, .. } => bound_names(target, &mut failed_names),
                    StmtKind::For { target, .. } => bound_names(target, &mut failed_names),
                    StmtKind::Def(def) => failed_names.push(def.name.name.clone()),
                    _ => {}
                }
                if !cascade {
                    found.push(d);
                }
            }
        }
        let _ = self.out.flush();
        found
    }

    pub fn write_out(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
    }

    fn exec_block(&mut self, body: &[Stmt], scope: &Rc<Scope>) -> R<Flow> {
        for stmt in body {
            match self.exec(stmt, scope)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, stmt: &Stmt, scope: &Rc<Scope>) -> R<Flow> {
        crate::control::poll(stmt.span)?;
        match &stmt.kind {
            StmtKind::Expr(e) => {
                self.eval(e, scope)?;
            }
            StmtKind::Assign { targets, value } => {
                let v = self.eval(value, scope)?;
                match targets.as_slice() {
                    [t] => self.assign(t, v, scope)?,
                    _ => {
                        for t in targets {
                            self.assign(t, v.clone(), scope)?;
                        }
                    }
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value, scope, stmt.span)?,
            StmtKind::If { cond, body, orelse } => {
                let c = self.eval(cond, scope)?;
                if self.truth(&c, cond.span)? {
                    return self.exec_block(body, scope);
                } else {
                    return self.exec_block(orelse, scope);
                }
            }
            StmtKind::While { cond, body, orelse } => loop {
                let fakes = crate::control::fake_realisations();
                let c = self.eval(cond, scope)?;
                let truth = self.truth(&c, cond.span)?;
                // Check mode: a condition that read (made-up) array data would decide
                // nothing real; check the body once and leave (Note [Check mode]).
                let data_dependent = crate::control::checking() && crate::control::fake_realisations() != fakes;
                if !truth && !data_dependent {
                    return self.exec_block(orelse, scope);
                }
                match self.exec_block(body, scope)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue if data_dependent => break,
                    Flow::Normal | Flow::Continue => {}
                }
            },
            StmtKind::For { target, iter, body, orelse } => {
                let it = self.eval(iter, scope)?;
                let mut broke = false;
                let run = |this: &mut Interp, item: Value| -> R<Option<Flow>> {
                    this.assign(target, item, scope)?;
                    match this.exec_block(body, scope)? {
                        Flow::Break => Ok(Some(Flow::Break)),
                        Flow::Return(v) => Ok(Some(Flow::Return(v))),
                        Flow::Normal | Flow::Continue => Ok(None),
                    }
                };
                if let Value::Range(start, stop, step) = it {
                    let n = arrays::range_len(start, stop, step);
                    for i in 0..n as i64 {
                        match run(self, Value::Int(start.wrapping_add(i.wrapping_mul(step))))? {
                            Some(Flow::Break) => {
                                broke = true;
                                break;
                            }
                            Some(f) => return Ok(f),
                            None => {}
                        }
                    }
                } else {
                    for item in self.iterate(&it, iter.span)? {
                        match run(self, item)? {
                            Some(Flow::Break) => {
                                broke = true;
                                break;
                            }
                            Some(f) => return Ok(f),
                            None => {}
                        }
                    }
                }
                if !broke {
                    return self.exec_block(orelse, scope);
                }
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Pass => {}
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, scope)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Def(def) => {
                let closure = self.make_closure(def.clone(), scope, false)?;
                self.bind(&def.name.name, Value::Function(Rc::new(closure)), scope);
            }
            StmtKind::Assert { test, msg } => {
                let c = self.eval(test, scope)?;
                if !self.truth(&c, test.span)? {
                    let text = match msg {
                        Some(m) => {
                            let v = self.eval(m, scope)?;
                            display::str_of(&v, m.span)?
                        }
                        None => "assertion failed".to_string(),
                    };
                    return Err(err(Code::Assert, stmt.span, text));
                }
            }
            StmtKind::Import(items) => {
                for item in items {
                    let path: Vec<&str> = item.module.iter().map(|i| i.name.as_str()).collect();
                    let module = module_name(&path).ok_or_else(|| {
                        err(
                            Code::Unsupported,
                            item.span,
                            format!("module '{}' is not available in hpxl", path.join(".")),
                        )
                    })?;
                    match &item.alias {
                        Some(alias) => self.bind(&alias.name, Value::Module(Rc::from(module)), scope),
                        // `import numpy.linalg` binds `numpy`.
                        None => {
                            let top = module_name(&path[..1]).unwrap_or(module);
                            self.bind(path[0], Value::Module(Rc::from(top)), scope)
                        }
                    }
                }
            }
            StmtKind::FromImport { module, names } => {
                let path: Vec<&str> = module.iter().map(|i| i.name.as_str()).collect();
                let m = module_name(&path).ok_or_else(|| {
                    err(Code::Unsupported, stmt.span, format!("module '{}' is not available in hpxl", path.join(".")))
                })?;
                if names.is_empty() {
                    // `from numpy import *`: the names are already visible.
                    return Ok(Flow::Normal);
                }
                for (name, alias) in names {
                    let v = self.module_attr(m, &name.name, name.span)?;
                    self.bind(&alias.as_ref().unwrap_or(name).name, v, scope);
                }
            }
            StmtKind::With { items, body } => {
                let mut pushed = 0;
                // `policy("seq")`: work realised inside the block runs on this thread.
                let mut guards: Vec<hpxl_runtime::exec::SeqGuard> = Vec::new();
                // `device("gpu")`: work realised inside the block runs there; the
                // previous device comes back when the block ends, however it ends.
                let mut device_guard: Option<crate::gpu::DeviceGuard> = None;
                for (e, target) in items {
                    let v = self.eval(e, scope)?;
                    match &v {
                        Value::Context(Context::Policy(p)) => {
                            self.policies.push(p.clone());
                            if p == "seq" {
                                guards.push(hpxl_runtime::exec::SeqGuard::new());
                            }
                            pushed += 1;
                        }
                        Value::Context(Context::Device(d)) => {
                            device_guard.get_or_insert_with(crate::gpu::DeviceGuard::new);
                            crate::gpu::set_device(*d);
                        }
                        other => {
                            return Err(err(
                                Code::Type,
                                e.span,
                                format!("'{}' object does not support the context manager protocol", other.type_name()),
                            ))
                        }
                    }
                    if let Some(t) = target {
                        self.assign(t, v.clone(), scope)?;
                    }
                }
                let r = self.exec_block(body, scope);
                for _ in 0..pushed {
                    self.policies.pop();
                }
                drop(guards);
                drop(device_guard);
                return r;
            }
            StmtKind::Global(names) | StmtKind::Nonlocal(names) => {
                for n in names {
                    scope.globals.borrow_mut().push(n.name.clone());
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    match &t.kind {
                        ExprKind::Name(id) => {
                            if scope.vars.borrow_mut().remove(&id.name).is_none() {
                                return Err(err(
                                    Code::UnknownName,
                                    t.span,
                                    format!("name '{}' is not defined", id.name),
                                ));
                            }
                        }
                        _ => return Err(err(Code::Unsupported, t.span, "only names can be deleted")),
                    }
                }
            }
            StmtKind::Raise(e) => {
                let text = match e {
                    Some(e) => {
                        let v = self.eval(e, scope)?;
                        display::str_of(&v, e.span)?
                    }
                    None => "exception re-raised".to_string(),
                };
                return Err(err(Code::Raise, stmt.span, text));
            }
        }
        Ok(Flow::Normal)
    }

    /// Binds a name in `scope`, honouring `global`/`nonlocal` declarations.
    fn bind(&mut self, name: &str, v: Value, scope: &Rc<Scope>) {
        if scope.globals.borrow().iter().any(|n| n == name) {
            // Find the nearest enclosing scope that has it, else the module scope.
            let mut cur = scope.parent.clone();
            while let Some(s) = cur {
                if s.vars.borrow().contains_key(name) || s.parent.is_none() {
                    s.vars.borrow_mut().insert(name.to_string(), v);
                    return;
                }
                cur = s.parent.clone();
            }
        }
        let mut vars = scope.vars.borrow_mut();
        // Rebinding an existing name (every iteration of a loop) allocates no new key.
        match vars.get_mut(name) {
            Some(slot) => *slot = v,
            None => {
                vars.insert(name.to_string(), v);
            }
        }
    }

    fn make_closure(&mut self, def: Rc<ast::FunctionDef>, scope: &Rc<Scope>, is_lambda: bool) -> R<Closure> {
        let mut defaults = Vec::new();
        for p in &def.params {
            if let Some(d) = &p.default {
                defaults.push(self.eval(d, scope)?);
            }
        }
        let mut kw_defaults = Vec::new();
        for p in &def.kwonly {
            kw_defaults.push(match &p.default {
                Some(d) => Some(self.eval(d, scope)?),
                None => None,
            });
        }
        Ok(Closure { def, scope: scope.clone(), defaults, kw_defaults, is_lambda })
    }

    fn assign(&mut self, target: &Expr, v: Value, scope: &Rc<Scope>) -> R<()> {
        match &target.kind {
            ExprKind::Name(id) => {
                self.bind(&id.name, v, scope);
                Ok(())
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let values = self.iterate(&v, target.span)?;
                let star = items.iter().position(|e| matches!(e.kind, ExprKind::Starred(_)));
                match star {
                    None => {
                        if values.len() != items.len() {
                            let msg = if values.len() > items.len() {
                                format!("too many values to unpack (expected {})", items.len())
                            } else {
                                format!("not enough values to unpack (expected {}, got {})", items.len(), values.len())
                            };
                            return Err(err(Code::Value, target.span, msg));
                        }
                        for (t, val) in items.iter().zip(values) {
                            self.assign(t, val, scope)?;
                        }
                    }
                    Some(si) => {
                        let after = items.len() - si - 1;
                        if values.len() < items.len() - 1 {
                            return Err(err(
                                Code::Value,
                                target.span,
                                format!(
                                    "not enough values to unpack (expected at least {}, got {})",
                                    items.len() - 1,
                                    values.len()
                                ),
                            ));
                        }
                        for (t, val) in items[..si].iter().zip(values.iter()) {
                            self.assign(t, val.clone(), scope)?;
                        }
                        let rest: Vec<Value> = values[si..values.len() - after].to_vec();
                        if let ExprKind::Starred(inner) = &items[si].kind {
                            self.assign(inner, Value::tuple(rest), scope)?;
                        }
                        for (t, val) in items[si + 1..].iter().zip(values[values.len() - after..].iter()) {
                            self.assign(t, val.clone(), scope)?;
                        }
                    }
                }
                Ok(())
            }
            ExprKind::Subscript { value, index } => {
                let container = self.eval(value, scope)?;
                let idx = self.eval_index(index, scope)?;
                self.set_item(&container, &idx, &v, target.span)
            }
            ExprKind::Attribute { attr, .. } => {
                Err(err(Code::UnknownAttr, target.span, format!("cannot assign to attribute '{}'", attr.name)))
            }
            ExprKind::Starred(_) => {
                Err(err(Code::Syntax, target.span, "starred assignment target must be in a list or tuple"))
            }
            _ => Err(err(Code::Syntax, target.span, "cannot assign to expression")),
        }
    }

    fn set_item(&mut self, container: &Value, idx: &Value, v: &Value, span: Span) -> R<()> {
        match container {
            Value::Array(a) => {
                let items = index::to_items(idx, span)?;
                let sel = index::select(&a.view_spec(), &items, span)?;
                arrays::assign(a, sel.region(), v, span)
            }
            other => {
                Err(err(Code::Type, span, format!("'{}' object does not support item assignment", other.type_name())))
            }
        }
    }

    fn aug_assign(&mut self, target: &Expr, op: BinOp, value: &Expr, scope: &Rc<Scope>, span: Span) -> R<()> {
        match &target.kind {
            ExprKind::Name(id) => {
                let cur = self.lookup(&id.name, target.span, scope)?;
                let rhs = self.eval(value, scope)?;
                match (&cur, binop(op)) {
                    (Value::Array(a), Some(bop)) => arrays::inplace(bop, a, &rhs, span),
                    (Value::Array(a), None) => {
                        // `@=` is not supported in place by NumPy either for most shapes.
                        let r = arrays::matmul(&cur, &rhs, span)?;
                        let Value::Array(r) = r else { return Err(err(Code::Internal, span, "matmul")) };
                        if r.shape != a.shape {
                            return Err(err(Code::Shape, span, "in-place matrix multiplication changes the shape"));
                        }
                        arrays::assign(a, crate::graph::Region::View(a.view_spec()), &Value::Array(r), span)
                    }
                    _ => {
                        let r = self.binary(op, &cur, &rhs, span)?;
                        self.bind(&id.name, r, scope);
                        Ok(())
                    }
                }
            }
            ExprKind::Subscript { value: container_expr, index } => {
                let container = self.eval(container_expr, scope)?;
                let idx = self.eval_index(index, scope)?;
                let rhs = self.eval(value, scope)?;
                let Value::Array(a) = &container else {
                    return Err(err(
                        Code::Type,
                        target.span,
                        format!("'{}' object does not support item assignment", container.type_name()),
                    ));
                };
                let items = index::to_items(&idx, target.span)?;
                let sel = index::select(&a.view_spec(), &items, target.span)?;
                let bop = binop(op).ok_or_else(|| err(Code::Unsupported, span, "`@=` on a subscript"))?;
                match sel {
                    index::Selection::View { view, scalar: false } => {
                        // A basic slice: NumPy runs the in-place ufunc on the view.
                        let v = a.with_view(view);
                        arrays::inplace(bop, &v, &rhs, span)
                    }
                    sel => {
                        // Scalar or advanced index: get, operate, set back.
                        let cur = self.get_item(&container, &idx, target.span)?;
                        let r = arrays::binary(bop, &cur, &rhs, span)?;
                        if let (index::Selection::Positions { .. }, Value::Array(rr)) = (&sel, &r) {
                            if rr.dtype != a.dtype && !crate::types::can_cast_same_kind(rr.dtype, a.dtype) {
                                return Err(err(
                                    Code::DType,
                                    span,
                                    format!(
                                        "Cannot cast ufunc '{}' output from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                                        bop.name(),
                                        rr.dtype.name(),
                                        a.dtype.name()
                                    ),
                                ));
                            }
                        }
                        arrays::assign(a, sel.region(), &r, span)
                    }
                }
            }
            _ => Err(err(Code::Syntax, target.span, "illegal expression for augmented assignment")),
        }
    }

    /// Python truthiness; arrays must have exactly one element.
    pub fn truth(&mut self, v: &Value, span: Span) -> R<bool> {
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Range(a, b, c) => arrays::range_len(*a, *b, *c) > 0,
            Value::Array(a) => {
                if a.size() != 1 {
                    let msg = if a.size() == 0 {
                        "The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty."
                    } else {
                        "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()"
                    };
                    return Err(err(Code::Value, span, msg)
                        .with_help("use any() or all() to reduce the array to one truth value"));
                }
                a.scalar_value(span)?.as_bool()
            }
            _ => true,
        })
    }

    /// The items of an iterable: tuple items, array rows (views), range values, characters.
    pub fn iterate(&mut self, v: &Value, span: Span) -> R<Vec<Value>> {
        Ok(match v {
            Value::Tuple(items) => items.to_vec(),
            Value::Range(a, b, c) => arrays::range_values(*a, *b, *c, span)?,
            Value::Str(s) => s.chars().map(|c| Value::str(&c.to_string())).collect(),
            Value::Dict(items) => items.iter().map(|(k, _)| k.clone()).collect(),
            Value::Array(a) => {
                if a.ndim() == 0 {
                    return Err(err(Code::Type, span, "iteration over a 0-d array"));
                }
                let mut rows = Vec::with_capacity(a.shape[0]);
                for i in 0..a.shape[0] {
                    rows.push(self.get_item(v, &Value::Int(i as i64), span)?);
                }
                rows
            }
            other => return Err(err(Code::Type, span, format!("'{}' object is not iterable", other.type_name()))),
        })
    }

    fn lookup(&mut self, name: &str, span: Span, scope: &Rc<Scope>) -> R<Value> {
        if let Some(v) = scope.lookup(name) {
            return Ok(v);
        }
        if let Some(v) = self.builtin_names.get(name) {
            return Ok(v.clone());
        }
        // Bare Python builtins (`max(3, 7)`, `round(2.5)`) have Python-flavoured variants.
        let py = format!("builtins.{name}");
        let resolved = if self.registry.functions.contains_key(&py) {
            Some(Value::Builtin(Rc::from(py.as_str())))
        } else {
            self.builtin_name(name)
        };
        if let Some(v) = resolved {
            self.builtin_names.insert(name.to_string(), v.clone());
            return Ok(v);
        }
        if let Some(d) = known_gap(name, span) {
            return Err(d);
        }
        let mut candidates: Vec<String> = scope.names();
        candidates.extend(self.registry.functions.keys().filter(|k| !k.contains('.')).cloned());
        candidates.extend(self.registry.constants.keys().cloned());
        candidates.extend(KEYWORDS.iter().map(|s| s.to_string()));
        let mut d = err(Code::UnknownName, span, format!("name '{name}' is not defined"));
        if let Some(s) = did_you_mean(name, candidates.iter().map(|s| s.as_str())) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        Err(d)
    }

    /// Names every script sees: builtins, constants, dtypes, `np`/`numpy`.
    fn builtin_name(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.registry.constants.get(name) {
            return Some(v.clone());
        }
        if self.registry.functions.contains_key(name) {
            return Some(Value::Builtin(Rc::from(name)));
        }
        match name {
            "np" | "numpy" => Some(Value::Module(Rc::from("numpy"))),
            _ => DType::from_name(name).filter(|_| !matches!(name, "int" | "float" | "bool")).map(Value::DType),
        }
    }

    /// `module.name` for the known namespaces.
    fn module_attr(&self, module: &str, name: &str, span: Span) -> R<Value> {
        let found = match module {
            "numpy" => match name {
                "linalg" => Some(Value::Module(Rc::from("numpy.linalg"))),
                "random" => Some(Value::Module(Rc::from("numpy.random"))),
                _ => self.builtin_name(name),
            },
            "numpy.linalg" | "numpy.random" | "time" | "math" => {
                let short = module.trim_start_matches("numpy.");
                let key = format!("{short}.{name}");
                if self.registry.functions.contains_key(&key) {
                    Some(Value::Builtin(Rc::from(key.as_str())))
                } else {
                    self.registry.constants.get(&key).cloned()
                }
            }
            _ => None,
        };
        if found.is_none() {
            let short = module.trim_start_matches("numpy.").trim_start_matches("numpy");
            let qualified = if short.is_empty() { name.to_string() } else { format!("{short}.{name}") };
            if let Some(d) = known_gap(&qualified, span) {
                return Err(d);
            }
        }
        found.ok_or_else(|| {
            let short = module.trim_start_matches("numpy.");
            let prefix = format!("{short}.");
            let candidates: Vec<String> = if module == "numpy" {
                self.registry.functions.keys().filter(|k| !k.contains('.')).cloned().collect()
            } else {
                self.registry.functions.keys().filter_map(|k| k.strip_prefix(&prefix).map(|s| s.to_string())).collect()
            };
            let mut d = err(Code::UnknownAttr, span, format!("module '{module}' has no attribute '{name}'"));
            if let Some(s) = did_you_mean(name, candidates.iter().map(|s| s.as_str())) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            d
        })
    }

    fn eval_index(&mut self, index: &Expr, scope: &Rc<Scope>) -> R<Value> {
        match &index.kind {
            ExprKind::Tuple(items) => {
                let vals = items.iter().map(|e| self.eval_index_item(e, scope)).collect::<R<Vec<_>>>()?;
                Ok(Value::tuple(vals))
            }
            _ => self.eval_index_item(index, scope),
        }
    }

    fn eval_index_item(&mut self, e: &Expr, scope: &Rc<Scope>) -> R<Value> {
        match &e.kind {
            ExprKind::Slice { lower, upper, step } => {
                let mut bound = |b: &Option<Box<Expr>>| -> R<Option<i64>> {
                    match b {
                        None => Ok(None),
                        Some(x) => {
                            let v = self.eval(x, scope)?;
                            match v {
                                Value::None => Ok(None),
                                other => Ok(Some(self.to_index(&other, x.span)?)),
                            }
                        }
                    }
                };
                Ok(Value::Slice(bound(lower)?, bound(upper)?, bound(step)?))
            }
            _ => self.eval(e, scope),
        }
    }

    /// An integer used as an index or count (Python int, bool, or integer NumPy scalar).
    pub fn to_index(&mut self, v: &Value, span: Span) -> R<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::Array(a) if a.ndim() == 0 && (a.dtype.is_integer() || a.dtype.is_bool()) => {
                Ok(a.scalar_value(span)?.as_i64())
            }
            other => Err(err(
                Code::Type,
                span,
                format!("'{}' object cannot be interpreted as an integer", other.type_name()),
            )),
        }
    }

    pub fn get_item(&mut self, container: &Value, idx: &Value, span: Span) -> R<Value> {
        match container {
            Value::Array(a) => {
                let items = index::to_items(idx, span)?;
                match index::select(&a.view_spec(), &items, span)? {
                    index::Selection::View { view, scalar } => {
                        let v = a.with_view(view);
                        if scalar {
                            // A NumPy scalar is a copy: snapshot the current contents.
                            let node = v.node(span)?;
                            let mut s = Array::from_node(node);
                            s.is_scalar = true;
                            Ok(Value::Array(s))
                        } else {
                            Ok(Value::Array(v))
                        }
                    }
                    index::Selection::Positions { positions, shape } => {
                        crate::graph::check_alloc(&shape, a.dtype, span)?;
                        let base = a.base.borrow().node.clone();
                        let node =
                            crate::graph::node(crate::graph::Op::Gather { x: base, positions }, a.dtype, shape, span)?;
                        let mut out = Array::from_node(node);
                        out.is_scalar = false;
                        Ok(Value::Array(out))
                    }
                }
            }
            Value::Tuple(items) => match idx {
                Value::Slice(lo, hi, st) => {
                    let (start, step, count) = index::slice_indices(*lo, *hi, *st, items.len(), span)?;
                    Ok(Value::tuple((0..count as i64).map(|i| items[(start + i * step) as usize].clone()).collect()))
                }
                other => {
                    let i = self.to_index(other, span)?;
                    let n = items.len() as i64;
                    let j = if i < 0 { i + n } else { i };
                    if j < 0 || j >= n {
                        return Err(err(Code::Index, span, "tuple index out of range"));
                    }
                    Ok(items[j as usize].clone())
                }
            },
            Value::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                match idx {
                    Value::Slice(lo, hi, st) => {
                        let (start, step, count) = index::slice_indices(*lo, *hi, *st, chars.len(), span)?;
                        Ok(Value::str(
                            &(0..count as i64).map(|i| chars[(start + i * step) as usize]).collect::<String>(),
                        ))
                    }
                    other => {
                        let i = self.to_index(other, span)?;
                        let n = chars.len() as i64;
                        let j = if i < 0 { i + n } else { i };
                        if j < 0 || j >= n {
                            return Err(err(Code::Index, span, "string index out of range"));
                        }
                        Ok(Value::str(&chars[j as usize].to_string()))
                    }
                }
            }
            Value::Range(a, b, c) => {
                if let Value::Int(i) = idx {
                    // Index a range without materialising it (`range(2**40)[5]` is fine).
                    let n = arrays::range_len(*a, *b, *c) as i128;
                    let j = if *i < 0 { *i as i128 + n } else { *i as i128 };
                    if j < 0 || j >= n {
                        return Err(err(Code::Index, span, "range object index out of range"));
                    }
                    return Ok(Value::Int((*a as i128 + j * *c as i128) as i64));
                }
                let vals = arrays::range_values(*a, *b, *c, span)?;
                self.get_item(&Value::tuple(vals), idx, span)
            }
            Value::Dict(items) => {
                for (k, v) in items.iter() {
                    if values_equal(k, idx) {
                        return Ok(v.clone());
                    }
                }
                Err(err(Code::Index, span, format!("key {} not found", display::repr_of(idx, span)?)))
            }
            other => Err(err(Code::Type, span, format!("'{}' object is not subscriptable", other.type_name()))),
        }
    }

    // Note [Borrowed operands]: `a * b` on two variables would clone both values (for an
    // array, its descriptor: a shape vector) only to drop them after the operation; in a
    // small-array loop that is a tenth of the time. A variable operand is instead read in
    // place while `binary` runs, which reads its operands and never binds a name. The
    // order of evaluation is Python's: the left operand first (a variable on the left is
    // borrowed only when the right one is a variable too, so that a `NameError` on the
    // left still comes before the right side's effects).
    pub fn eval(&mut self, e: &Expr, scope: &Rc<Scope>) -> R<Value> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Int(i) => {
                if *i > i64::MAX as u64 {
                    return Err(err(Code::Value, span, "integer literal is too large (above 2**63-1)"));
                }
                Value::Int(*i as i64)
            }
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(s) => Value::str(s),
            ExprKind::FString(parts) => Value::str(&self.eval_fstring(parts, scope)?),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::None => Value::None,
            ExprKind::Ellipsis => Value::Ellipsis,
            ExprKind::Name(id) => self.lookup(&id.name, span, scope)?,
            ExprKind::Attribute { value, attr } => {
                let v = self.eval(value, scope)?;
                self.get_attr(&v, &attr.name, attr.span, span)?
            }
            ExprKind::Call { func, args } => {
                let f = self.eval(func, scope)?;
                let name: Rc<str> = match (&f, &func.kind) {
                    // The name a builtin reports itself by (`call_value` keeps it).
                    (Value::Builtin(b), _) => short_name(b),
                    (_, ExprKind::Name(id)) => Rc::from(id.name.as_str()),
                    (_, ExprKind::Attribute { attr, .. }) => Rc::from(attr.name.as_str()),
                    _ => Rc::from("function"),
                };
                let mut call = CallArgs::named(name, span);
                if let Some((pos, pos_spans)) = self.spare_args.pop() {
                    (call.pos, call.pos_spans) = (pos, pos_spans);
                }
                for a in args {
                    match a {
                        Arg::Positional(x) => {
                            let v = self.eval_arg(x, scope)?;
                            call.push(v, x.span);
                        }
                        Arg::Keyword(k, x) => {
                            let v = self.eval_arg(x, scope)?;
                            call.kw.push((k.name.clone(), v, x.span));
                        }
                        Arg::Star(x) => {
                            let v = self.eval(x, scope)?;
                            for item in self.iterate(&v, x.span)? {
                                call.push(item, x.span);
                            }
                        }
                        Arg::DoubleStar(x) => {
                            let v = self.eval(x, scope)?;
                            let Value::Dict(items) = &v else {
                                return Err(err(Code::Type, x.span, "argument after ** must be a mapping"));
                            };
                            for (k, val) in items.iter() {
                                let Value::Str(k) = k else {
                                    return Err(err(Code::Type, x.span, "keywords must be strings"));
                                };
                                call.kw.push((k.to_string(), val.clone(), x.span));
                            }
                        }
                    }
                }
                let result = self.call_value(&f, &mut call)?;
                let (mut pos, mut pos_spans) = (std::mem::take(&mut call.pos), std::mem::take(&mut call.pos_spans));
                if pos.capacity() > 0 && pos.capacity() <= 16 && self.spare_args.len() < 16 {
                    pos.clear();
                    pos_spans.clear();
                    self.spare_args.push((pos, pos_spans));
                }
                result
            }
            ExprKind::Subscript { value, index } => {
                let v = self.eval(value, scope)?;
                let idx = self.eval_index(index, scope)?;
                self.get_item(&v, &idx, span)?
            }
            ExprKind::Slice { .. } => return Err(err(Code::Syntax, span, "a slice is only valid inside `[]`")),
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand, scope)?;
                self.unary(*op, &v, span)?
            }
            ExprKind::Binary { op, left, right } => {
                // A variable operand is read in place (Note [Borrowed operands]).
                if let (ExprKind::Name(l), ExprKind::Name(r)) = (&left.kind, &right.kind) {
                    let both = scope.with_value(&l.name, |a| {
                        scope.with_value(&r.name, |b| self.binary(*op, a, b, span))
                    });
                    if let Some(Some(v)) = both {
                        return v;
                    }
                }
                let a = self.eval(left, scope)?;
                if let ExprKind::Name(r) = &right.kind {
                    if let Some(v) = scope.with_value(&r.name, |b| self.binary(*op, &a, b, span)) {
                        return v;
                    }
                }
                let b = self.eval(right, scope)?;
                self.binary(*op, &a, &b, span)?
            }
            ExprKind::Compare { left, ops } => {
                let mut cur = self.eval(left, scope)?;
                let mut result: Option<Value> = None;
                for (i, (op, rhs)) in ops.iter().enumerate() {
                    let r = self.eval(rhs, scope)?;
                    let c = self.compare(*op, &cur, &r, span)?;
                    if i + 1 < ops.len() {
                        // Chained comparison: `a < b < c` is `a < b and b < c`.
                        if !self.truth(&c, span)? {
                            return Ok(c);
                        }
                    }
                    result = Some(c);
                    cur = r;
                }
                result.unwrap_or(Value::Bool(true))
            }
            ExprKind::BoolOp { op, left, right } => {
                let l = self.eval(left, scope)?;
                let t = self.truth(&l, left.span)?;
                match (op, t) {
                    (BoolOpKind::And, false) | (BoolOpKind::Or, true) => l,
                    _ => self.eval(right, scope)?,
                }
            }
            ExprKind::Not(x) => {
                let v = self.eval(x, scope)?;
                Value::Bool(!self.truth(&v, x.span)?)
            }
            ExprKind::IfExp { test, body, orelse } => {
                let c = self.eval(test, scope)?;
                if self.truth(&c, test.span)? {
                    self.eval(body, scope)?
                } else {
                    self.eval(orelse, scope)?
                }
            }
            ExprKind::Tuple(items) => Value::tuple(self.eval_display(items, scope)?),
            ExprKind::List(items) => {
                // Lists are array literals (LANGUAGE.md §2).
                let vals = self.eval_display(items, scope)?;
                Value::Array(arrays::array_from_nested(&Value::tuple(vals), None, span)?)
            }
            ExprKind::Dict(items) => {
                let mut out = Vec::new();
                for (k, v) in items {
                    out.push((self.eval(k, scope)?, self.eval(v, scope)?));
                }
                Value::Dict(Rc::new(out))
            }
            ExprKind::Starred(_) => return Err(err(Code::Syntax, span, "can't use starred expression here")),
            ExprKind::Lambda(def) => Value::Function(Rc::new(self.make_closure(def.clone(), scope, true)?)),
            ExprKind::ListComp { elt, generators } => {
                let mut out = Vec::new();
                let inner = Scope::new(Some(scope.clone()));
                self.comprehension(elt, generators, 0, &inner, &mut out)?;
                Value::Array(arrays::array_from_nested(&Value::tuple(out), None, span)?)
            }
        })
    }

    /// A call argument. A list display there that is not rectangular
    /// (`concatenate([a, b])` with arrays of different lengths) is passed as a
    /// sequence (a tuple), as Python passes the list; a rectangular one is an array.
    fn eval_arg(&mut self, x: &Expr, scope: &Rc<Scope>) -> R<Value> {
        let vals = match &x.kind {
            ExprKind::List(items) => self.eval_display(items, scope)?,
            ExprKind::ListComp { elt, generators } => {
                let mut out = Vec::new();
                let inner = Scope::new(Some(scope.clone()));
                self.comprehension(elt, generators, 0, &inner, &mut out)?;
                out
            }
            _ => return self.eval(x, scope),
        };
        let seq = Value::tuple(vals);
        match arrays::array_from_nested(&seq, None, x.span) {
            Ok(a) => Ok(Value::Array(a)),
            // Ragged nesting, or elements that are not numbers (`", ".join(f"{v}" for v in a)`).
            Err(e)
                if (e.code == Code::Value && e.message.starts_with("setting an array element with a sequence"))
                    || (e.code == Code::Type && e.message.starts_with("cannot make an array element")) =>
            {
                Ok(seq)
            }
            Err(e) => Err(e),
        }
    }

    fn eval_display(&mut self, items: &[Expr], scope: &Rc<Scope>) -> R<Vec<Value>> {
        let mut vals = Vec::with_capacity(items.len());
        for it in items {
            if let ExprKind::Starred(inner) = &it.kind {
                let v = self.eval(inner, scope)?;
                vals.extend(self.iterate(&v, inner.span)?);
            } else {
                vals.push(self.eval(it, scope)?);
            }
        }
        Ok(vals)
    }

    fn comprehension(
        &mut self,
        elt: &Expr,
        gens: &[ast::Comprehension],
        i: usize,
        scope: &Rc<Scope>,
        out: &mut Vec<Value>,
    ) -> R<()> {
        if i == gens.len() {
            out.push(self.eval(elt, scope)?);
            return Ok(());
        }
        let g = &gens[i];
        let it = self.eval(&g.iter, scope)?;
        'items: for item in self.iterate(&it, g.iter.span)? {
            self.assign(&g.target, item, scope)?;
            for c in &g.conds {
                let v = self.eval(c, scope)?;
                if !self.truth(&v, c.span)? {
                    continue 'items;
                }
            }
            self.comprehension(elt, gens, i + 1, scope, out)?;
        }
        Ok(())
    }

    fn eval_fstring(&mut self, parts: &[ast::FStringPart], scope: &Rc<Scope>) -> R<String> {
        let mut s = String::new();
        for p in parts {
            match p {
                ast::FStringPart::Lit(t) => s.push_str(t),
                ast::FStringPart::Field { expr, conversion, spec, debug_text } => {
                    let v = self.eval(expr, scope)?;
                    let spec_text = self.eval_fstring(spec, scope)?;
                    if let Some(d) = debug_text {
                        s.push_str(d);
                    }
                    let conv = match conversion {
                        Some('r') => Some(Value::str(&display::repr_of(&v, expr.span)?)),
                        Some('s') => Some(Value::str(&display::str_of(&v, expr.span)?)),
                        Some('a') => Some(Value::str(&display::repr_of(&v, expr.span)?)),
                        _ => None,
                    };
                    let target = conv.as_ref().unwrap_or(&v);
                    if debug_text.is_some() && conversion.is_none() && spec_text.is_empty() {
                        s.push_str(&display::repr_of(target, expr.span)?);
                    } else {
                        s.push_str(&display::format_value(target, &spec_text, expr.span)?);
                    }
                }
            }
        }
        Ok(s)
    }

    fn get_attr(&mut self, v: &Value, name: &str, name_span: Span, span: Span) -> R<Value> {
        if let Value::Module(m) = v {
            return self.module_attr(m, name, name_span);
        }
        if let Value::Array(a) = v {
            match name {
                "shape" => return Ok(Value::tuple(a.shape.iter().map(|&d| Value::Int(d as i64)).collect())),
                "ndim" => return Ok(Value::Int(a.ndim() as i64)),
                "size" => return Ok(Value::Int(a.size() as i64)),
                "dtype" => return Ok(Value::DType(a.dtype)),
                "itemsize" => return Ok(Value::Int(a.dtype.itemsize() as i64)),
                "nbytes" => return Ok(Value::Int((a.size() * a.dtype.itemsize()) as i64)),
                "T" => {
                    let perm: Vec<usize> = (0..a.ndim()).rev().collect();
                    return Ok(Value::Array(arrays::transpose(a, &perm)));
                }
                "real" => return Ok(v.clone()),
                "dist" | "partition_sizes" => {
                    // Realises the array (its layout is decided then); replicated: None.
                    let node = a.node(span)?;
                    crate::graph::force(&node)?;
                    return Ok(match crate::dist::describe(&node) {
                        None => Value::None,
                        Some((layout, _)) if name == "dist" => Value::str(layout.name()),
                        Some((_, sizes)) => Value::tuple(sizes.iter().map(|&n| Value::Int(n as i64)).collect()),
                    });
                }
                _ => {}
            }
        }
        if let Value::DType(d) = v {
            match name {
                "name" => return Ok(Value::str(d.name())),
                "itemsize" => return Ok(Value::Int(d.itemsize() as i64)),
                "kind" => {
                    return Ok(Value::str(match d.kind() {
                        hpxl_runtime::Kind::Bool => "b",
                        hpxl_runtime::Kind::Int => "i",
                        hpxl_runtime::Kind::UInt => "u",
                        hpxl_runtime::Kind::Float => "f",
                    }))
                }
                _ => {}
            }
        }
        let method_key = match v {
            Value::Array(_) | Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(name.to_string()),
            Value::Str(_) => Some(format!("str.{name}")),
            _ => None,
        };
        if let Some(key) = method_key {
            if self.registry.methods.contains_key(&key) {
                return Ok(Value::Method(Box::new(v.clone()), Rc::from(key.as_str())));
            }
        }
        let mut d =
            err(Code::UnknownAttr, name_span, format!("'{}' object has no attribute '{}'", v.type_name(), name));
        if matches!(v, Value::Array(_)) {
            let mut candidates: Vec<&str> =
                self.registry.methods.keys().filter(|k| !k.contains('.')).map(|s| s.as_str()).collect();
            candidates.extend(["shape", "ndim", "size", "dtype", "T"]);
            if let Some(s) = did_you_mean(name, candidates) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
        }
        let _ = span;
        Err(d)
    }

    pub fn call_value(&mut self, f: &Value, call: &mut CallArgs) -> R<Value> {
        match f {
            Value::Builtin(name) => {
                let func = *self.registry.functions.get(&**name).ok_or_else(|| {
                    err(Code::Internal, call.span, format!("builtin `{name}` vanished from the registry"))
                })?;
                if !Rc::ptr_eq(&call.name, name) && name.rsplit('.').next() != Some(&*call.name) {
                    call.name = short_name(name);
                }
                func(self, call)
            }
            Value::Method(recv, name) => {
                let func = *self.registry.methods.get(&**name).ok_or_else(|| {
                    err(Code::Internal, call.span, format!("method `{name}` vanished from the registry"))
                })?;
                call.pos.insert(0, (**recv).clone());
                call.pos_spans.insert(0, call.span);
                call.name = short_name(name);
                func(self, call)
            }
            Value::Function(c) => self.call_closure(c.clone(), call),
            Value::DType(d) => {
                // `float32(x)`: a strongly typed scalar, or a cast of an array.
                let args = call.bind(&["x="])?;
                let x = args[0].clone().unwrap_or(Value::Int(0));
                let arr = arrays::to_array(&x, call.arg_span(0))?;
                let mut out = arrays::astype(&arr, *d, call.span)?;
                if arr.ndim() == 0 {
                    out.is_scalar = true;
                }
                Ok(Value::Array(out))
            }
            other => Err(err(Code::Type, call.span, format!("'{}' object is not callable", other.type_name()))),
        }
    }

    fn call_closure(&mut self, c: Rc<Closure>, call: &mut CallArgs) -> R<Value> {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(err(Code::Recursion, call.span, "maximum recursion depth exceeded"));
        }
        let def = &c.def;
        let fname = def.name.name.clone();
        let scope = Scope::new(Some(c.scope.clone()));
        let n_params = def.params.len();
        let n_required = n_params - c.defaults.len();
        let mut slots: Vec<Option<Value>> = vec![None; n_params];
        let mut extra = Vec::new();
        for (i, v) in call.pos.iter().enumerate() {
            if i < n_params {
                slots[i] = Some(v.clone());
            } else {
                extra.push(v.clone());
            }
        }
        if !extra.is_empty() && def.vararg.is_none() {
            return Err(err(
                Code::Type,
                call.span,
                format!(
                    "{fname}() takes {n_params} positional argument{} but {} were given",
                    if n_params == 1 { "" } else { "s" },
                    call.pos.len()
                ),
            ));
        }
        let mut kwargs = Vec::new();
        let mut kwonly: Vec<Option<Value>> = c.kw_defaults.clone();
        for (k, v, span) in &call.kw {
            if let Some(i) = def.params.iter().position(|p| &p.name.name == k) {
                if slots[i].is_some() {
                    return Err(err(Code::Type, *span, format!("{fname}() got multiple values for argument '{k}'")));
                }
                slots[i] = Some(v.clone());
            } else if let Some(i) = def.kwonly.iter().position(|p| &p.name.name == k) {
                kwonly[i] = Some(v.clone());
            } else if def.kwarg.is_some() {
                kwargs.push((Value::str(k), v.clone()));
            } else {
                let names = def.params.iter().chain(def.kwonly.iter()).map(|p| p.name.name.as_str());
                let mut d = err(Code::Type, *span, format!("{fname}() got an unexpected keyword argument '{k}'"));
                if let Some(s) = did_you_mean(k, names) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                return Err(d);
            }
        }
        for (i, p) in def.params.iter().enumerate() {
            let v = match slots[i].take() {
                Some(v) => v,
                None if i >= n_required => c.defaults[i - n_required].clone(),
                None => {
                    return Err(err(
                        Code::Type,
                        call.span,
                        format!("{fname}() missing required positional argument: '{}'", p.name.name),
                    ))
                }
            };
            scope.vars.borrow_mut().insert(p.name.name.clone(), v);
        }
        for (i, p) in def.kwonly.iter().enumerate() {
            let v = kwonly[i].clone().ok_or_else(|| {
                err(
                    Code::Type,
                    call.span,
                    format!("{fname}() missing required keyword-only argument: '{}'", p.name.name),
                )
            })?;
            scope.vars.borrow_mut().insert(p.name.name.clone(), v);
        }
        if let Some(va) = &def.vararg {
            scope.vars.borrow_mut().insert(va.name.clone(), Value::tuple(extra));
        }
        if let Some(kw) = &def.kwarg {
            scope.vars.borrow_mut().insert(kw.name.clone(), Value::Dict(Rc::new(kwargs)));
        }
        self.depth += 1;
        let result = self.exec_block(&def.body, &scope);
        self.depth -= 1;
        let _ = c.is_lambda;
        match result? {
            Flow::Return(v) => Ok(v),
            _ => Ok(Value::None),
        }
    }

    pub fn unary(&mut self, op: ast::UnaryOp, v: &Value, span: Span) -> R<Value> {
        match (op, v) {
            (ast::UnaryOp::Neg, Value::Int(i)) => i
                .checked_neg()
                .map(Value::Int)
                .ok_or_else(|| err(Code::Value, span, "integer overflow in Python-int arithmetic (beyond 64 bits)")),
            (ast::UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
            (ast::UnaryOp::Neg, Value::Bool(b)) => Ok(Value::Int(-(*b as i64))),
            (ast::UnaryOp::Pos, Value::Int(_) | Value::Float(_)) => Ok(v.clone()),
            (ast::UnaryOp::Pos, Value::Bool(b)) => Ok(Value::Int(*b as i64)),
            (ast::UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
            (ast::UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!(*b as i64))),
            (op, _) => {
                let uop = match op {
                    ast::UnaryOp::Neg => UnaryOp::Neg,
                    ast::UnaryOp::Pos => UnaryOp::Pos,
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                };
                arrays::unary(uop, v, span)
            }
        }
    }

    pub fn binary(&mut self, op: BinOp, a: &Value, b: &Value, span: Span) -> R<Value> {
        // Host-level values first: strings, tuples, Python scalars.
        match (op, a, b) {
            (BinOp::Add, Value::Str(x), Value::Str(y)) => return Ok(Value::str(&format!("{x}{y}"))),
            (BinOp::Mul, Value::Str(x), Value::Int(n)) | (BinOp::Mul, Value::Int(n), Value::Str(x)) => {
                let count = (*n).max(0) as u128;
                let len = x.len() as u128;
                crate::graph::check_alloc_items(count, len, || format!("string of {} characters", count * len), span)?;
                return Ok(Value::str(&x.repeat(count as usize)));
            }
            (BinOp::Mod, Value::Str(x), args) => return Ok(Value::str(&display::percent_format(x, args, span)?)),
            (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
                return Ok(Value::tuple(x.iter().chain(y.iter()).cloned().collect()))
            }
            (BinOp::Mul, Value::Tuple(x), Value::Int(n)) | (BinOp::Mul, Value::Int(n), Value::Tuple(x)) => {
                let (count, len) = ((*n).max(0) as u128, x.len() as u128);
                let item_bytes = std::mem::size_of::<Value>() as u128;
                crate::graph::check_alloc_items(
                    count,
                    len * item_bytes,
                    || format!("tuple of {} items", count * len),
                    span,
                )?;
                let mut out = Vec::new();
                for _ in 0..(*n).max(0) {
                    out.extend(x.iter().cloned());
                }
                return Ok(Value::tuple(out));
            }
            _ => {}
        }
        if a.is_python_scalar() && b.is_python_scalar() {
            return crate::pyscalar::binary(op, a, b, span);
        }
        if matches!(a, Value::Str(_)) || matches!(b, Value::Str(_)) {
            return Err(err(
                Code::Type,
                span,
                format!("unsupported operand type(s) for {}: '{}' and '{}'", op.symbol(), a.type_name(), b.type_name()),
            ));
        }
        match binop(op) {
            Some(bop) => arrays::binary(bop, a, b, span),
            None => arrays::matmul(a, b, span),
        }
    }

    fn compare(&mut self, op: CmpOp, a: &Value, b: &Value, span: Span) -> R<Value> {
        let bop = match op {
            CmpOp::Lt => BinaryOp::Lt,
            CmpOp::Le => BinaryOp::Le,
            CmpOp::Gt => BinaryOp::Gt,
            CmpOp::Ge => BinaryOp::Ge,
            CmpOp::Eq => BinaryOp::Eq,
            CmpOp::Ne => BinaryOp::Ne,
            CmpOp::Is => return Ok(Value::Bool(is_same(a, b))),
            CmpOp::IsNot => return Ok(Value::Bool(!is_same(a, b))),
            CmpOp::In | CmpOp::NotIn => {
                let found = match b {
                    Value::Str(hay) => match a {
                        Value::Str(needle) => hay.contains(&**needle),
                        _ => return Err(err(Code::Type, span, "'in <string>' requires string as left operand")),
                    },
                    Value::Array(_) => {
                        let eq = arrays::binary(BinaryOp::Eq, b, a, span)?;
                        let Value::Array(eqa) = eq else { return Err(err(Code::Internal, span, "in")) };
                        let v = eqa.realize(span)?;
                        (0..v.size()).any(|i| v.get_flat(i).as_bool())
                    }
                    other => {
                        let items = self.iterate(other, span)?;
                        let mut found = false;
                        for it in &items {
                            if values_equal(it, a) {
                                found = true;
                                break;
                            }
                        }
                        found
                    }
                };
                return Ok(Value::Bool(if op == CmpOp::In { found } else { !found }));
            }
        };
        if a.is_python_scalar() && b.is_python_scalar() {
            return crate::pyscalar::compare(bop, a, b);
        }
        let arraylike = |v: &Value| {
            matches!(v, Value::Array(_) | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Tuple(_))
        };
        if arraylike(a) && arraylike(b) && (matches!(a, Value::Array(_)) || matches!(b, Value::Array(_))) {
            return arrays::binary(bop, a, b, span);
        }
        match bop {
            BinaryOp::Eq => Ok(Value::Bool(values_equal(a, b))),
            BinaryOp::Ne => Ok(Value::Bool(!values_equal(a, b))),
            _ => match (a, b) {
                (Value::Str(x), Value::Str(y)) => Ok(Value::Bool(match bop {
                    BinaryOp::Lt => x < y,
                    BinaryOp::Le => x <= y,
                    BinaryOp::Gt => x > y,
                    _ => x >= y,
                })),
                _ => Err(err(
                    Code::Type,
                    span,
                    format!(
                        "'{}' not supported between instances of '{}' and '{}'",
                        op.symbol(),
                        a.type_name(),
                        b.type_name()
                    ),
                )),
            },
        }
    }
}

/// The graph operation of a Python binary operator (`@` has none: it is matmul).
pub fn binop(op: BinOp) -> Option<BinaryOp> {
    Some(match op {
        BinOp::Add => BinaryOp::Add,
        BinOp::Sub => BinaryOp::Sub,
        BinOp::Mul => BinaryOp::Mul,
        BinOp::Div => BinaryOp::Div,
        BinOp::FloorDiv => BinaryOp::FloorDiv,
        BinOp::Mod => BinaryOp::Mod,
        BinOp::Pow => BinaryOp::Pow,
        BinOp::LShift => BinaryOp::LShift,
        BinOp::RShift => BinaryOp::RShift,
        BinOp::BitAnd => BinaryOp::BitAnd,
        BinOp::BitXor => BinaryOp::BitXor,
        BinOp::BitOr => BinaryOp::BitOr,
        BinOp::MatMul => return None,
    })
}

/// NumPy names that hpxl does not implement yet but a user may reasonably write: using
/// one is a plain "not supported yet" error rather than an unknown name.
const KNOWN_GAPS: &[&str] = &[
    "vdot",
    "tensordot",
    "einsum",
    "random.default_rng",
    "random.choice",
    "random.shuffle",
    "random.permutation",
    "genfromtxt",
    "rank",
    "nranks",
    "barrier",
    "allreduce",
    "broadcast",
    "gather",
    "scatter",
];

fn known_gap(name: &str, span: Span) -> Option<hpxl_grammar::Diagnostic> {
    KNOWN_GAPS.contains(&name).then(|| {
        err(Code::Unsupported, span, format!("`{name}` is not supported yet"))
            .with_note("einsum-style products, the Generator API and other distributions, genfromtxt and MPI functions arrive in later releases")
    })
}

fn module_name(path: &[&str]) -> Option<&'static str> {
    Some(match path.join(".").as_str() {
        "numpy" => "numpy",
        "numpy.linalg" => "numpy.linalg",
        "numpy.random" => "numpy.random",
        "time" => "time",
        "math" => "math",
        "hpxl" => "numpy",
        _ => return None,
    })
}

fn is_same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(&x.base, &y.base) && x.view == y.view,
        (Value::DType(x), Value::DType(y)) => x == y,
        (Value::Ellipsis, Value::Ellipsis) => true,
        _ => false,
    }
}

/// Python `==` on host values (arrays compare by identity here; elementwise `==` is
/// handled before this is reached).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_equal(p, q))
        }
        (Value::DType(x), Value::DType(y)) => x == y,
        (Value::DType(x), Value::Str(s)) | (Value::Str(s), Value::DType(x)) => DType::from_name(s) == Some(*x),
        (Value::DType(x), Value::Builtin(s)) | (Value::Builtin(s), Value::DType(x)) => {
            matches!((&**s, x), ("float", DType::Float64) | ("int", DType::Int64) | ("bool", DType::Bool))
        }
        (Value::Range(a1, b1, c1), Value::Range(a2, b2, c2)) => (a1, b1, c1) == (a2, b2, c2),
        (x, y) if x.is_python_scalar() && y.is_python_scalar() => {
            matches!(crate::pyscalar::compare(BinaryOp::Eq, x, y), Ok(Value::Bool(true)))
        }
        _ => is_same(a, b),
    }
}

/// Names an assignment target binds (`a`, `a, b`; not `a[i]` or `a.x`).
fn bound_names(target: &Expr, out: &mut Vec<String>) {
    match &target.kind {
        ExprKind::Name(id) => out.push(id.name.clone()),
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|t| bound_names(t, out)),
        _ => {}
    }
}

/// The name a builtin or method reports in messages: `builtins.max` is `max`; a name
/// without a namespace is shared, not copied.
fn short_name(name: &Rc<str>) -> Rc<str> {
    match name.rfind('.') {
        Some(i) => Rc::from(&name[i + 1..]),
        None => name.clone(),
    }
}
