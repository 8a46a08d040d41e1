//! The interactive loop's engine: plugs a `Session` into `hpxl-repl` — running entries,
//! completion from the session's scope and registry, and the `:type`, `:kernels`,
//! `:time`, `:vars`, `:reset` and `:help` commands.

use super::docs;
use anyhow::Result;
use hpxl::{Backend, Session, Value};
use hpxl_compiler::control::{self, CheckMode};
use hpxl_compiler::Interp;
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Attributes every array has besides its methods.
const ARRAY_ATTRIBUTES: &[&str] = &["shape", "ndim", "size", "dtype", "itemsize", "nbytes", "T", "real"];
/// Module names bound in every session.
const MODULES: &[&str] = &["np", "numpy", "linalg", "random", "math", "time"];

pub struct SessionEngine {
    session: Session,
    backend: Backend,
    small_threshold: Option<usize>,
}

impl SessionEngine {
    pub fn new(session: Session, backend: Backend, small_threshold: Option<usize>) -> SessionEngine {
        SessionEngine { session, backend, small_threshold }
    }

    fn interp(&mut self) -> &mut Interp {
        // SAFETY: the REPL's session is never moved to another thread (the engine is
        // owned by the line loop on the main thread), so `Rc`s cloned from the tracer
        // cannot be shared across threads (Note [Session is Send]).
        unsafe { self.session.interp_mut() }
    }

    fn render(&self, d: &hpxl::Diagnostic) -> String {
        self.session.render(d)
    }

    /// The value a dotted name denotes (`a`, `np.linalg`), looked up without running anything.
    fn resolve(&mut self, dotted: &str) -> Option<Value> {
        let mut parts = dotted.split('.');
        let first = parts.next()?.trim();
        let interp = self.interp();
        let mut v = match interp.globals.lookup(first) {
            Some(v) => v,
            None => match first {
                "np" | "numpy" | "hpxl" => Value::Module("numpy".into()),
                "linalg" => Value::Module("numpy.linalg".into()),
                "random" => Value::Module("numpy.random".into()),
                "math" | "time" => Value::Module(first.into()),
                _ if interp.registry.functions.contains_key(first) => Value::Builtin(first.into()),
                _ => return None,
            },
        };
        for part in parts {
            v = match (&v, part) {
                (Value::Module(m), "linalg" | "random") if &**m == "numpy" => {
                    Value::Module(format!("numpy.{part}").into())
                }
                (Value::Module(m), name) => {
                    let short = m.trim_start_matches("numpy").trim_start_matches('.');
                    let key = if short.is_empty() { name.to_string() } else { format!("{short}.{name}") };
                    if !self.interp().registry.functions.contains_key(&key) {
                        return None;
                    }
                    Value::Builtin(key.into())
                }
                (Value::Array(_), "T") => v.clone(),
                (Value::Array(_), name) if self.interp().registry.methods.contains_key(name) => {
                    Value::Method(Box::new(v.clone()), name.into())
                }
                _ => return None,
            };
        }
        Some(v)
    }

    /// The documentation entry of what `callee` names.
    fn doc_of(&mut self, callee: &str) -> Option<&'static hpxl_repl::docs::Doc> {
        match self.resolve(callee) {
            Some(Value::Builtin(name)) => docs::find(&name),
            Some(Value::Method(_, name)) => docs::all().get(&format!("ndarray.{name}")),
            _ => docs::find(callee),
        }
    }

    /// `:type expr`: traces the expression with realisation refused; reads the dtype and
    /// shape of the graph node it builds.
    fn type_of(&mut self, expr: &str) -> Result<String, String> {
        if expr.is_empty() {
            return Err("usage: :type expr\n".into());
        }
        let sink: Box<dyn Write> = Box::new(std::io::sink());
        let saved = std::mem::replace(&mut self.interp().out, sink);
        control::set_check_mode(CheckMode::Refuse);
        // The tracer directly, not `Session::run`: that one detaches (realises) the
        // value it returns, which check mode refuses, and `:type` must run no kernel.
        let result = self.interp().run_source("<type>", &format!("{expr}\n"));
        control::set_check_mode(CheckMode::Off);
        self.interp().out = saved;
        match result {
            Ok(Some(Value::Array(a))) => {
                let shape: Vec<String> = a.shape.iter().map(|d| d.to_string()).collect();
                let shape = if shape.len() == 1 { format!("({},)", shape[0]) } else { format!("({})", shape.join(", ")) };
                let kind = if a.is_scalar { "scalar" } else { "ndarray" };
                Ok(format!("{kind} dtype={} shape={shape}", a.dtype.name()))
            }
            Ok(Some(v)) => Ok(v.type_name()),
            Ok(None) => Err(":type takes an expression (use :kernels or :time for statements)\n".into()),
            Err(d) => Err(self.render(&d)),
        }
    }

    /// Runs a statement and realises what it produced: its value, or the arrays bound
    /// by it (lazy statements would otherwise run no kernel at all).
    fn run_and_realise(&mut self, stmt: &str) -> Result<Option<Value>, String> {
        control::clear_interrupt();
        let before: Vec<(String, Option<hpxl_compiler::graph::NodeRef>)> = self.array_nodes();
        let result = self.session.run("<stdin>", &format!("{stmt}\n")).map_err(|d| self.render(&d))?;
        let span = hpxl_grammar::Span::default();
        let mut pending = Vec::new();
        if let Some(Value::Array(a)) = &result {
            pending.push(a.clone());
        }
        for (name, node) in self.array_nodes() {
            let changed = before.iter().find(|(n, _)| *n == name).map_or(true, |(_, old)| {
                !matches!((old, &node), (Some(a), Some(b)) if std::rc::Rc::ptr_eq(a, b))
            });
            if changed {
                if let Some(Value::Array(a)) = self.interp().globals.lookup(&name) {
                    pending.push(a);
                }
            }
        }
        for a in pending {
            a.realize(span).map_err(|d| self.render(&d))?;
        }
        Ok(result)
    }

    /// Every global array's current node.
    fn array_nodes(&mut self) -> Vec<(String, Option<hpxl_compiler::graph::NodeRef>)> {
        let vars = self.interp().globals.vars.borrow().clone();
        vars.into_iter()
            .filter_map(|(k, v)| match v {
                Value::Array(a) => Some((k, a.node(hpxl_grammar::Span::default()).ok())),
                _ => None,
            })
            .collect()
    }

    fn echo(&mut self, v: Option<Value>) -> Result<String, String> {
        match v {
            Some(v) if !matches!(v, Value::None) => self.session.repr(&v).map_err(|d| self.render(&d)),
            _ => Ok(String::new()),
        }
    }

    fn time(&mut self, stmt: &str) -> Result<String, String> {
        if stmt.is_empty() {
            return Err("usage: :time stmt\n".into());
        }
        let t0 = hpxl::telemetry::snapshot();
        let start = Instant::now();
        let value = self.run_and_realise(stmt)?;
        let wall = start.elapsed();
        let d = hpxl::telemetry::snapshot().since(&t0);
        let echo = self.echo(value)?;
        let mut s = if echo.is_empty() { String::new() } else { format!("{echo}\n") };
        s.push_str(&format!(
            "wall {} | kernels run {} (compiled {}, {} compiling) | interp nodes {} | allocated {} ({} pool hits)",
            human_time(wall.as_secs_f64()),
            d.kernel_launches,
            d.kernels_compiled,
            human_time(d.compile_ns as f64 * 1e-9),
            d.interp_nodes,
            hpxl_compiler::graph::human_bytes(d.bytes_allocated as u128),
            d.pool_hits,
        ));
        Ok(s)
    }

    fn kernels(&mut self, stmt: &str) -> Result<String, String> {
        if stmt.is_empty() {
            return Err("usage: :kernels stmt\n".into());
        }
        let t0 = hpxl::telemetry::snapshot();
        hpxl_compiler::fuse::set_dump_kernels(true);
        let result = self.run_and_realise(stmt);
        let _ = std::io::stderr().flush();
        hpxl_compiler::fuse::set_dump_kernels(false);
        let value = result?;
        let d = hpxl::telemetry::snapshot().since(&t0);
        let echo = self.echo(value)?;
        let mut s = if echo.is_empty() { String::new() } else { format!("{echo}\n") };
        s.push_str(&format!(
            "{} kernel launches ({} compiled, {} from the cache), {} nodes on the interp backend",
            d.kernel_launches, d.kernels_compiled, d.cache_hits, d.interp_nodes
        ));
        if d.kernel_launches == 0 {
            s.push_str("\n(no fused kernel ran: arrays below the small-array threshold run on the interp backend)");
        }
        Ok(s)
    }

    fn vars(&mut self) -> String {
        let mut vars: Vec<(String, Value)> = self.interp().globals.vars.borrow().clone().into_iter().collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        if vars.is_empty() {
            return "no variables".into();
        }
        let width = vars.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut s = String::new();
        for (name, v) in vars {
            let what = match &v {
                Value::Array(a) => {
                    let state = if a.node(hpxl_grammar::Span::default()).is_ok_and(|n| n.is_realised()) {
                        ""
                    } else {
                        " (pending)"
                    };
                    format!("{} {}{:?}{state}", if a.is_scalar { "scalar" } else { "ndarray" }, a.dtype.name(), a.shape)
                }
                Value::Function(_) => "function".into(),
                other => match self.session.repr(other) {
                    Ok(r) if r.len() <= 60 => format!("{} = {r}", other.type_name()),
                    _ => other.type_name(),
                },
            };
            s.push_str(&format!("{name:<width$}  {what}\n"));
        }
        s
    }

    fn reset(&mut self) -> String {
        let mut session = Session::new();
        session.set_backend(self.backend);
        if let Some(n) = self.small_threshold {
            session.set_small_threshold(n);
        }
        self.session = session;
        "session reset: every variable is gone".into()
    }

    fn help(&mut self, topic: &str) -> Result<String, String> {
        if topic.is_empty() {
            let n = docs::all().len();
            return Ok(format!("builtins: {n} documented; `:help NAME` (e.g. `:help linspace`, `:help linalg.norm`, `:help ndarray.sum`)"));
        }
        if let Some(doc) = self.doc_of(topic) {
            return Ok(doc.render());
        }
        if let Some(Value::Function(f)) = self.resolve(topic) {
            return Ok(format!("{}  (defined in this session)", user_signature(&f.def)));
        }
        let names: Vec<&str> = docs::all().keys().map(|s| s.as_str()).collect();
        let hint = hpxl_grammar::did_you_mean(topic, names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
        Err(format!("error: no help for `{topic}`{hint}\n"))
    }
}

fn user_signature(def: &hpxl_grammar::ast::FunctionDef) -> String {
    let mut params: Vec<String> = def.params.iter().map(|p| p.name.name.clone()).collect();
    if let Some(v) = &def.vararg {
        params.push(format!("*{}", v.name));
    }
    params.extend(def.kwonly.iter().map(|p| p.name.name.clone()));
    if let Some(k) = &def.kwarg {
        params.push(format!("**{}", k.name));
    }
    format!("{}({})", def.name.name, params.join(", "))
}

fn human_time(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.3} s")
    } else if secs >= 1e-3 {
        format!("{:.3} ms", secs * 1e3)
    } else {
        format!("{:.1} µs", secs * 1e6)
    }
}

impl hpxl_repl::Engine for SessionEngine {
    fn run_entry(&mut self, name: &str, source: &str) -> Result<Option<String>, String> {
        control::clear_interrupt();
        let result = self.session.run(name, source);
        let out = match result {
            Ok(v) => self.echo(v).map(|s| Some(s).filter(|s| !s.is_empty())),
            Err(d) => Err(self.render(&d)),
        };
        control::clear_interrupt();
        out
    }

    fn command(&mut self, name: &str, arg: &str) -> Option<Result<String, String>> {
        let r = match name {
            "help" | "h" => self.help(arg),
            "type" | "t" => self.type_of(arg),
            "kernels" | "k" => self.kernels(arg),
            "time" => self.time(arg),
            "vars" => Ok(self.vars()),
            "reset" => Ok(self.reset()),
            _ => return None,
        };
        control::clear_interrupt();
        Some(r)
    }

    fn names(&mut self) -> Vec<String> {
        let interp = self.interp();
        let mut names = interp.globals.names();
        names.extend(interp.registry.functions.keys().filter(|k| !k.contains('.')).cloned());
        names.extend(interp.registry.constants.keys().filter(|k| !k.contains('.')).cloned());
        names.extend(MODULES.iter().map(|s| s.to_string()));
        names
    }

    fn attributes(&mut self, receiver: &str) -> Vec<String> {
        let is_dotted = receiver.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let value = if is_dotted { self.resolve(receiver) } else { None };
        let registry = self.interp().registry.clone();
        let array_attrs = || -> Vec<String> {
            let mut v: Vec<String> = registry.methods.keys().filter(|k| !k.contains('.')).cloned().collect();
            v.extend(ARRAY_ATTRIBUTES.iter().map(|s| s.to_string()));
            v
        };
        match value {
            Some(Value::Module(m)) => {
                let short = m.trim_start_matches("numpy").trim_start_matches('.').to_string();
                let mut out: Vec<String> = if short.is_empty() {
                    let mut v: Vec<String> = registry.functions.keys().filter(|k| !k.contains('.')).cloned().collect();
                    v.extend(registry.constants.keys().filter(|k| !k.contains('.')).cloned());
                    v.extend(["linalg".to_string(), "random".to_string()]);
                    v
                } else {
                    let prefix = format!("{short}.");
                    registry
                        .functions
                        .keys()
                        .chain(registry.constants.keys())
                        .filter_map(|k| k.strip_prefix(&prefix).map(|s| s.to_string()))
                        .collect()
                };
                out.retain(|n| !n.is_empty());
                out
            }
            Some(Value::Array(_)) | Some(Value::Int(_)) | Some(Value::Float(_)) | Some(Value::Bool(_)) => array_attrs(),
            Some(Value::Str(_)) => {
                registry.methods.keys().filter_map(|k| k.strip_prefix("str.").map(|s| s.to_string())).collect()
            }
            Some(Value::DType(_)) => vec!["name".into(), "itemsize".into(), "kind".into()],
            Some(_) => Vec::new(),
            // An expression ending in a bracket (`x[0].`, `f(a).`): most likely an array.
            None if !is_dotted => array_attrs(),
            None => Vec::new(),
        }
    }

    fn parameters(&mut self, callee: &str) -> Vec<String> {
        if let Some(Value::Function(f)) = self.resolve(callee) {
            return f.def.params.iter().chain(f.def.kwonly.iter()).map(|p| p.name.name.clone()).collect();
        }
        self.doc_of(callee).map(|d| d.parameters()).unwrap_or_default()
    }

    fn signature(&mut self, callee: &str) -> Option<String> {
        if let Some(Value::Function(f)) = self.resolve(callee) {
            return Some(user_signature(&f.def));
        }
        self.doc_of(callee).map(|d| d.signature.clone())
    }

    fn help_topics(&mut self) -> Vec<String> {
        docs::all().keys().cloned().collect()
    }
}

/// The interactive loop: the line editor on a terminal, plain lines otherwise. Ctrl-C
/// during a computation interrupts it (Note [Interrupts] in `compiler/src/control.rs`).
pub fn interactive(session: Session, backend: Backend, profile: bool) -> Result<i32> {
    hpxl_stdlib::builtins::set_argv(vec![String::new()]);
    let small_threshold = std::env::var("HPXL_SMALL_THRESHOLD").ok().and_then(|v| v.trim().parse().ok());
    let mut engine = SessionEngine::new(session, backend, small_threshold);
    install_sigint_handler();
    if std::io::stdin().is_terminal() && std::env::var_os("HPXL_NO_EDITOR").is_none() {
        let banner = format!(
            "hpxl {} ({} backend) — :help for commands, Ctrl-D to leave",
            env!("CARGO_PKG_VERSION"),
            backend.name()
        );
        let engine = hpxl_repl::run_interactive(engine, &banner, install_sigint_handler)?;
        if let (true, Some(mut engine)) = (profile, engine) {
            eprint!("{}", super::profile::report(engine.session_mut()));
        }
    } else {
        let stdin = std::io::stdin();
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        hpxl_repl::run_loop(&mut engine, stdin.lock(), &mut out, &mut err)?;
        if profile {
            eprint!("{}", super::profile::report(engine.session_mut()));
        }
    }
    Ok(0)
}

extern "C" fn on_sigint(_signal: libc::c_int) {
    control::interrupt();
}

/// Makes SIGINT (Ctrl-C while a computation runs; at the prompt the line editor reads
/// Ctrl-C as a key) set the interrupt flag (Note [Interrupts]). It replaces any handler
/// installed before, including the line editor's.
fn install_sigint_handler() {
    // SAFETY: `on_sigint` only stores into an atomic flag, which is async-signal-safe;
    // the `sigaction` struct is fully initialised (zeroed, then the fields set).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        action.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}

impl SessionEngine {
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}
