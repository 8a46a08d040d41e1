//! Rust functions registered as builtins: scalar-elementwise ones (applied to every
//! element with broadcasting, as a library node of the graph) and whole-array ones
//! (called with realised arguments).

use crate::error::Error;
use crate::host::HostValue;
use crate::session::{check_identifier, Session};
use hpxl_compiler::arrays::{self, R};
use hpxl_compiler::library::{KernelError, LibraryFn};
use hpxl_compiler::{CallArgs, Interp, Value};
use hpxl_grammar::{Code, Diagnostic};
use hpxl_runtime::{DType, Data, NdArray};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// A Rust function of one to four `f64` arguments returning `f64`, usable with
/// [`Session::register_fn`]. Implemented for closures `Fn(f64) -> f64`,
/// `Fn(f64, f64) -> f64`, `Fn(f64, f64, f64) -> f64` and `Fn(f64, f64, f64, f64) -> f64`
/// that are `Send + Sync + 'static`. The marker `Args` only tells the impls apart.
pub trait ElementwiseFn<Args>: Send + Sync + 'static {
    /// The number of arguments.
    const ARITY: usize;
    /// Calls the function; `args` has `ARITY` elements.
    fn call(&self, args: &[f64]) -> f64;
}

impl<F: Fn(f64) -> f64 + Send + Sync + 'static> ElementwiseFn<(f64,)> for F {
    const ARITY: usize = 1;
    fn call(&self, a: &[f64]) -> f64 {
        self(a[0])
    }
}

impl<F: Fn(f64, f64) -> f64 + Send + Sync + 'static> ElementwiseFn<(f64, f64)> for F {
    const ARITY: usize = 2;
    fn call(&self, a: &[f64]) -> f64 {
        self(a[0], a[1])
    }
}

impl<F: Fn(f64, f64, f64) -> f64 + Send + Sync + 'static> ElementwiseFn<(f64, f64, f64)> for F {
    const ARITY: usize = 3;
    fn call(&self, a: &[f64]) -> f64 {
        self(a[0], a[1], a[2])
    }
}

impl<F: Fn(f64, f64, f64, f64) -> f64 + Send + Sync + 'static> ElementwiseFn<(f64, f64, f64, f64)> for F {
    const ARITY: usize = 4;
    fn call(&self, a: &[f64]) -> f64 {
        self(a[0], a[1], a[2], a[3])
    }
}

type Scalar = Arc<dyn Fn(&[f64]) -> f64 + Send + Sync>;

/// The library node applying a registered elementwise function.
struct HostElementwise {
    name: String,
    f: Scalar,
}

impl std::fmt::Debug for HostElementwise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HostElementwise({})", self.name)
    }
}

impl LibraryFn for HostElementwise {
    fn name(&self) -> &'static str {
        "host_fn"
    }

    fn describe(&self) -> String {
        self.name.clone()
    }

    fn eval(&self, inputs: &[NdArray], _dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        // Inputs arrive broadcast to `shape` and cast to float64 (built that way below).
        let cols: Vec<Vec<f64>> = inputs
            .iter()
            .map(|x| {
                let d = x.to_data();
                if d.dtype() == DType::Float64 {
                    d.into_f64()
                } else {
                    hpxl_runtime::cast_data(&d, DType::Float64).into_f64()
                }
            })
            .collect();
        let n: usize = shape.iter().product();
        let f = &self.f;
        let out = catch_unwind(AssertUnwindSafe(|| {
            let mut args = vec![0.0; cols.len()];
            (0..n)
                .map(|i| {
                    for (a, c) in args.iter_mut().zip(&cols) {
                        *a = c[i];
                    }
                    f(&args)
                })
                .collect::<Vec<f64>>()
        }))
        .map_err(|p| KernelError::new(Code::Raise, format!("{}() panicked: {}", self.name, panic_text(&p))))?;
        Ok(NdArray::from_data(Data::Float64(out), shape.to_vec()))
    }
}

trait IntoF64 {
    fn into_f64(self) -> Vec<f64>;
}

impl IntoF64 for Data {
    fn into_f64(mut self) -> Vec<f64> {
        match &mut self {
            Data::Float64(v) => std::mem::take(v),
            _ => Vec::new(),
        }
    }
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}

/// The `BuiltinFn` behind every registered name: finds the closure by the call's name.
fn host_trampoline(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let f = interp.registry.host.get(&*call.name).cloned().ok_or_else(|| {
        arrays::err(Code::Internal, call.span, format!("registered function `{}` vanished", call.name))
    })?;
    f(call)
}

fn check_count(call: &CallArgs, arity: usize) -> R<()> {
    if let Some((k, _, span)) = call.kw.first() {
        return Err(arrays::err(Code::Type, *span, format!("{}() got an unexpected keyword argument '{k}'", call.name))
            .with_help(format!("{}() is a registered Rust function; it takes positional arguments only", call.name)));
    }
    if call.pos.len() != arity {
        return Err(arrays::err(
            Code::Type,
            call.span,
            format!(
                "{}() takes {arity} positional argument{} but {} {} given",
                call.name,
                if arity == 1 { "" } else { "s" },
                call.pos.len(),
                if call.pos.len() == 1 { "was" } else { "were" }
            ),
        ));
    }
    Ok(())
}

fn elementwise_call(name: &str, f: &Scalar, arity: usize, call: &mut CallArgs) -> R<Value> {
    check_count(call, arity)?;
    // Python numbers in, a Python float out (as `math.*` functions do).
    if call.pos.iter().all(|v| matches!(v, Value::Int(_) | Value::Float(_) | Value::Bool(_))) {
        let xs: Vec<f64> = call
            .pos
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i as f64,
                Value::Float(x) => *x,
                Value::Bool(b) => *b as u8 as f64,
                _ => 0.0,
            })
            .collect();
        let y = catch_unwind(AssertUnwindSafe(|| f(&xs)))
            .map_err(|p| arrays::err(Code::Raise, call.span, format!("{name}() panicked: {}", panic_text(&p))))?;
        return Ok(Value::Float(y));
    }
    let mut inputs = Vec::with_capacity(arity);
    for (i, v) in call.pos.iter().enumerate() {
        let span = call.arg_span(i);
        inputs.push(arrays::to_array(v, span)?);
    }
    let mut shape: Vec<usize> = Vec::new();
    for (i, a) in inputs.iter().enumerate() {
        shape = hpxl_compiler::types::broadcast_shapes(&shape, &a.shape)
            .map_err(|_| {
                arrays::err(
                    Code::Shape,
                    call.arg_span(i),
                    format!(
                        "{name}(): operands could not be broadcast together: shape {} against {}",
                        arrays::shape_str(&a.shape),
                        arrays::shape_str(&shape)
                    ),
                )
            })?
            .to_vec();
    }
    let prepared = inputs
        .iter()
        .map(|a| {
            let a = if a.dtype == DType::Float64 { a.clone() } else { arrays::astype(a, DType::Float64, call.span)? };
            if a.shape[..] == shape[..] {
                Ok(a)
            } else {
                arrays::broadcast_to(&a, &shape, call.span)
            }
        })
        .collect::<R<Vec<_>>>()?;
    let func = std::rc::Rc::new(HostElementwise { name: name.to_string(), f: f.clone() });
    Ok(Value::Array(arrays::library(func, &prepared, DType::Float64, shape, call.span)?))
}

type ArrayFn = Arc<dyn Fn(&[HostValue]) -> Result<HostValue, String> + Send + Sync>;

fn array_call(name: &str, f: &ArrayFn, arity: usize, call: &mut CallArgs) -> R<Value> {
    check_count(call, arity)?;
    let args = call.pos.iter().map(HostValue::from_traced).collect::<Result<Vec<_>, Diagnostic>>()?;
    let result = catch_unwind(AssertUnwindSafe(|| f(&args)))
        .map_err(|p| arrays::err(Code::Raise, call.span, format!("{name}() panicked: {}", panic_text(&p))))?;
    match result {
        Ok(v) => v.to_traced().map_err(|e| {
            arrays::err(Code::Type, call.span, format!("{name}() returned a value hpxl cannot hold: {}", e.message()))
        }),
        Err(message) => Err(arrays::err(Code::Raise, call.span, format!("{name}(): {message}"))
            .with_note(format!("raised by the registered Rust function `{name}`"))),
    }
}

impl Session {
    /// Registers a Rust function of `f64`s as a builtin applied elementwise: called
    /// from a script with numbers it returns a float; with arrays it broadcasts them,
    /// converts them to float64 and returns a float64 array (computed lazily, when the
    /// result is needed, as a library node of the graph). The argument count is checked
    /// at the call, with the call's span. A panic inside `f` becomes a diagnostic.
    ///
    /// ```
    /// let mut s = hpxl::Session::builder().build()?;
    /// s.register_fn("softplus", |x: f64| (1.0 + x.exp()).ln())?;
    /// s.register_fn("lerp", |a: f64, b: f64| 0.75 * a + 0.25 * b)?;
    /// let y = s.eval("lerp(arange(3), 4.0)")?;
    /// assert_eq!(y.as_array().unwrap().to_vec::<f64>(), vec![1.0, 1.75, 2.5]);
    /// assert_eq!(s.eval("softplus(0)")?.as_f64(), Some(2f64.ln()));
    /// let e = s.eval("lerp(1.0)").unwrap_err();
    /// assert_eq!(e.message(), "lerp() takes 2 positional arguments but 1 was given");
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn register_fn<Args: 'static, F: ElementwiseFn<Args>>(&mut self, name: &str, f: F) -> Result<(), Error> {
        let arity = F::ARITY;
        let f = Arc::new(f);
        let scalar: Scalar = Arc::new(move |xs: &[f64]| ElementwiseFn::<Args>::call(&*f, xs));
        let owned = name.to_string();
        self.register_host(
            name,
            Arc::new(move |call: &mut CallArgs| elementwise_call(&owned, &scalar, arity, call)),
        )
    }

    /// Registers a Rust function over whole values: it receives the realised
    /// arguments (arrays as owned [`crate::HostArray`]s, numbers, strings, tuples) and
    /// returns a value, or an error message that becomes a diagnostic at the call.
    ///
    /// ```
    /// use hpxl::HostValue;
    /// let mut s = hpxl::Session::builder().build()?;
    /// s.register_array_fn("checksum", 1, |args| {
    ///     let a = args[0].as_array().ok_or("checksum() needs an array")?;
    ///     Ok(HostValue::Int(a.to_vec::<i64>().iter().sum()))
    /// })?;
    /// assert_eq!(s.eval("checksum(arange(5) * 2)")?, HostValue::Int(20));
    /// let e = s.eval("checksum(3)").unwrap_err();
    /// assert!(e.to_string().contains("checksum() needs an array"));
    /// # Ok::<(), hpxl::Error>(())
    /// ```
    pub fn register_array_fn(
        &mut self,
        name: &str,
        arity: usize,
        f: impl Fn(&[HostValue]) -> Result<HostValue, String> + Send + Sync + 'static,
    ) -> Result<(), Error> {
        let f: ArrayFn = Arc::new(f);
        let owned = name.to_string();
        self.register_host(name, Arc::new(move |call: &mut CallArgs| array_call(&owned, &f, arity, call)))
    }

    fn register_host(&mut self, name: &str, f: hpxl_compiler::HostFn) -> Result<(), Error> {
        check_identifier(name)?;
        let registry = std::rc::Rc::make_mut(&mut self.interp.registry);
        if registry.functions.contains_key(name) && !registry.host.contains_key(name) {
            return Err(Error::host(
                Code::Value,
                format!("`{name}` is already a builtin; register the function under another name"),
            ));
        }
        registry.functions.insert(name.to_string(), host_trampoline);
        registry.host.insert(name.to_string(), f);
        self.generation += 1;
        Ok(())
    }
}
