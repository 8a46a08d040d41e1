//! The embedding API: data in and out for every dtype, eval, compiled functions and
//! their trace cache, registered Rust functions, errors as values, sandboxing, `Send`.

use hpxl::{Backend, DType, Device, Error, HostArray, HostValue, Session};

fn session() -> Session {
    Session::builder().output(Box::new(std::io::sink())).build().expect("session")
}

fn f64s(v: &HostValue) -> Vec<f64> {
    v.as_array().expect("an array").to_vec::<f64>()
}

#[test]
fn session_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Session>();
    assert_send::<HostValue>();
    assert_send::<HostArray>();
    assert_send::<Error>();
    assert_send::<hpxl::Function>();
    assert_send::<hpxl::Worker>();
}

#[test]
fn a_session_moves_between_threads_with_its_state() {
    let mut s = session();
    s.exec("a = arange(6).reshape(2, 3)\ndef f(x):\n    return x * 2").unwrap();
    let detached = s.run("<t>", "a + 1").unwrap();
    assert!(detached.is_some());
    let mut s = std::thread::spawn(move || {
        s.exec("b = f(a).sum(axis=0)").unwrap();
        s
    })
    .join()
    .unwrap();
    assert_eq!(s.get::<i64>("b").unwrap(), vec![6, 10, 14]);
}

macro_rules! roundtrip {
    ($($t:ty => $dtype:ident, $values:expr;)*) => {$(
        {
            let mut s = session();
            let data: Vec<$t> = $values;
            s.set("x", HostArray::new(data.clone(), &[2, 2]).unwrap()).unwrap();
            assert_eq!(s.eval("x.dtype").unwrap(), HostValue::Opaque { type_name: "dtype".into(), repr: format!("dtype('{}')", DType::$dtype.name()) });
            assert_eq!(s.eval("x.shape").unwrap(), HostValue::Tuple(vec![HostValue::Int(2), HostValue::Int(2)]));
            assert_eq!(s.get::<$t>("x").unwrap(), data);
            s.set_array("y", &data, &[4]).unwrap();
            let y = s.get_array("y").unwrap();
            assert_eq!(y.dtype(), DType::$dtype);
            assert_eq!(y.shape(), &[4]);
            assert_eq!(y.as_slice::<$t>().unwrap(), &data[..]);
            s.set("v", data.clone()).unwrap();
            assert_eq!(s.eval("v.ndim").unwrap(), HostValue::Int(1));
        }
    )*};
}

#[test]
fn every_dtype_goes_in_and_comes_back() {
    roundtrip! {
        bool => Bool, vec![true, false, false, true];
        i8 => Int8, vec![-128, 0, 5, 127];
        i16 => Int16, vec![-300, 0, 5, 300];
        i32 => Int32, vec![-70000, 0, 5, 70000];
        i64 => Int64, vec![i64::MIN, 0, 5, i64::MAX];
        u8 => UInt8, vec![0, 1, 200, 255];
        u16 => UInt16, vec![0, 1, 200, 65535];
        u32 => UInt32, vec![0, 1, 200, u32::MAX];
        u64 => UInt64, vec![0, 1, 200, u64::MAX];
        f32 => Float32, vec![-1.5, 0.0, 0.25, f32::INFINITY];
        f64 => Float64, vec![-1.5, 0.0, 0.1, 1e300];
    }
}

#[test]
fn a_vec_moved_in_is_the_buffer_and_comes_back_without_a_copy() {
    let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
    let ptr = v.as_ptr();
    let a = HostArray::new(v, &[10, 100]).unwrap();
    assert_eq!(a.as_slice::<f64>().unwrap().as_ptr(), ptr);
    let mut s = session();
    s.set("a", a).unwrap();
    // The session's constant shares the buffer.
    let back = s.get_array("a").unwrap();
    assert_eq!(back.as_slice::<f64>().unwrap().as_ptr(), ptr);
    drop(back);
    assert!(s.unset("a"));
    assert!(matches!(s.get_array("a"), Err(e) if e.code() == "E0100"));
}

#[test]
fn typed_getters_convert_and_check() {
    let mut s = session();
    s.exec("i = arange(4, dtype=int32)\nm = mean(arange(10))\nt = 'text'").unwrap();
    assert_eq!(s.get::<f64>("i").unwrap(), vec![0.0, 1.0, 2.0, 3.0]);
    assert_eq!(s.get_scalar::<f64>("m").unwrap(), 4.5);
    assert_eq!(s.get_scalar::<i64>("m").unwrap(), 4);
    let e = s.get_scalar::<f64>("i").unwrap_err();
    assert_eq!(e.message(), "`i` has shape (4,), not a scalar");
    let e = s.get_array("t").unwrap_err();
    assert_eq!(e.message(), "`t` is a str, not an array");
    let e = s.get_value("mm").unwrap_err();
    assert_eq!(e.code(), "E0100");
    assert_eq!(e.diagnostic().help.as_deref(), Some("did you mean `m`?"));
    let e = s.set("not valid", 1i64).unwrap_err();
    assert_eq!(e.message(), "`not valid` is not a valid variable name");
    let e = HostArray::new(vec![1.0f64, 2.0, 3.0], &[2, 2]).unwrap_err();
    assert_eq!(e.message(), "3 elements cannot have shape (2, 2)");
}

#[test]
fn eval_returns_owned_values() {
    let mut s = session();
    assert_eq!(s.eval("None").unwrap(), HostValue::None);
    assert_eq!(s.eval("x = 1").unwrap(), HostValue::None);
    assert_eq!(s.eval("2 ** 10").unwrap(), HostValue::Int(1024));
    assert_eq!(s.eval("'a' + 'b'").unwrap(), HostValue::Str("ab".into()));
    assert_eq!(s.eval("3 > 2").unwrap(), HostValue::Bool(true));
    let v = s.eval("float32(1.5)").unwrap();
    let a = v.as_array().unwrap();
    assert_eq!((a.dtype(), a.shape()), (DType::Float32, &[][..]));
    assert_eq!(a.scalar_value::<f32>(), Some(1.5));
    let v = s.eval("(arange(3), 2.5)").unwrap();
    let HostValue::Tuple(items) = v else { panic!("a tuple") };
    assert_eq!(items[0].as_array().unwrap().to_vec::<i64>(), vec![0, 1, 2]);
    assert_eq!(items[1], HostValue::Float(2.5));
    match s.eval("sum").unwrap() {
        HostValue::Opaque { type_name, .. } => assert_eq!(type_name, "builtin_function"),
        other => panic!("{other:?}"),
    }
    // Views come back contiguous.
    let v = s.eval("arange(12).reshape(3, 4).T[::2]").unwrap();
    let a = v.as_array().unwrap();
    assert_eq!(a.shape(), &[2, 3]);
    assert_eq!(a.to_vec::<i64>(), vec![0, 4, 8, 2, 6, 10]);
}

#[test]
fn errors_are_values_rendered_with_the_source() {
    let mut s = session();
    let e = s.exec("a = ones(3)\nb = a + zeros(4)").unwrap_err();
    assert_eq!(e.code(), "E0300");
    assert_eq!(e.kind(), hpxl::Code::Shape);
    assert_eq!(e.line(), Some(2));
    let text = e.to_string();
    assert!(text.starts_with("error[E0300]: shape error:"), "{text}");
    assert!(text.contains("b = a + zeros(4)"), "{text}");
    assert!(text.contains("^"), "{text}");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    assert!(boxed.to_string().contains("(3,)"));
    let e = s.eval("1 +").unwrap_err();
    assert_eq!(e.code(), "E0001");
    // The session keeps its state after an error.
    assert_eq!(s.eval("a.sum()").unwrap().as_f64(), Some(3.0));
}

#[test]
fn builder_options() {
    let mut s = Session::builder().backend(Backend::Interp).small_threshold(0).device(Device::Cpu).build().unwrap();
    assert_eq!(s.backend(), Backend::Interp);
    assert_eq!(s.eval("(arange(5) * 2).sum()").unwrap().as_f64(), Some(20.0));
    if cfg!(feature = "gpu") {
        // Builds; without a GPU the work runs on the CPU (said once on stderr).
        let mut s = Session::builder().device(Device::Gpu).small_threshold(0).build().unwrap();
        assert_eq!(s.device(), Device::Gpu);
        assert_eq!(s.eval("(arange(5000) * 2).sum()").unwrap().as_f64(), Some(24995000.0));
    } else {
        let e = Session::builder().device(Device::Gpu).build().err().unwrap();
        assert_eq!(e.code(), "E0950");
        assert!(e.message().contains("no GPU backend"), "{}", e.message());
    }
    let e = Session::builder().threads(0).build().err().unwrap();
    assert_eq!(e.message(), "threads must be at least 1");
    let threads = hpxl_runtime_threads();
    assert!(Session::builder().threads(threads).build().is_ok());
    let e = Session::builder().threads(threads + 1).build().err().unwrap();
    assert!(e.message().contains("the thread pool already runs"), "{}", e.message());
    assert_eq!(Device::parse("gpu"), Some(Device::Gpu));
    assert_eq!(Device::parse("tpu"), None);
}

/// The process's pool size (made on first use), as the session reports it.
fn hpxl_runtime_threads() -> usize {
    let mut s = session();
    s.eval("threads()").unwrap().as_f64().unwrap() as usize
}

#[test]
fn print_goes_to_the_chosen_output() {
    let cap = hpxl::Capture::default();
    let mut s = Session::builder().output(Box::new(cap.clone())).build().unwrap();
    s.exec("print('hello', arange(3))").unwrap();
    assert_eq!(cap.text(), "hello [0 1 2]\n");
}

#[test]
fn compiled_functions_replay_their_trace() {
    let mut s = session();
    let f = s.compile("def f(a, b):\n    return sqrt(a * a + b * b), (a - b).max()").unwrap();
    assert_eq!(f.params(), &["a".to_string(), "b".to_string()]);
    for k in 0..5 {
        let a = HostArray::new(vec![3.0 * k as f64; 100], &[100]).unwrap();
        let b = HostArray::new(vec![4.0 * k as f64; 100], &[100]).unwrap();
        let out = s.call(&f, &[a.into(), b.into()]).unwrap();
        let HostValue::Tuple(items) = out else { panic!("a tuple") };
        assert_eq!(f64s(&items[0]), vec![5.0 * k as f64; 100]);
        assert_eq!(items[1].as_f64(), Some(-(k as f64)));
    }
    // A new structure (dtype or shape) traces again and still computes right.
    let a = HostArray::new(vec![3.0f32; 6], &[2, 3]).unwrap();
    let b = HostArray::new(vec![4.0f32; 6], &[2, 3]).unwrap();
    let out = s.call(&f, &[a.into(), b.into()]).unwrap();
    let HostValue::Tuple(items) = out else { panic!("a tuple") };
    let r = items[0].as_array().unwrap();
    assert_eq!((r.dtype(), r.shape()), (DType::Float32, &[2, 3][..]));
    assert_eq!(r.to_vec::<f32>(), vec![5.0; 6]);
}

#[test]
fn alternating_structures_each_replay_their_own_trace() {
    // Calls whose structure differs from the previous call's only in dtype, shape, a
    // scalar's value or a tuple's contents must not take the previous call's trace.
    let mut s = Session::builder().output(Box::new(std::io::sink())).build().unwrap();
    let f = s.compile("def f(x, k):\n    return x * k + 1").unwrap();
    let arr = |v: Vec<f64>, shape: &[usize]| HostValue::from(HostArray::new(v, shape).unwrap());
    for _ in 0..3 {
        let r = s.call(&f, &[arr(vec![1.0, 2.0], &[2]), 2i64.into()]).unwrap();
        assert_eq!(f64s(&r), vec![3.0, 5.0]);
        let r = s.call(&f, &[arr(vec![1.0, 2.0], &[1, 2]), 2i64.into()]).unwrap();
        assert_eq!(r.as_array().unwrap().shape(), &[1, 2][..]);
        let r = s.call(&f, &[arr(vec![1.0, 2.0], &[2]), 3i64.into()]).unwrap();
        assert_eq!(f64s(&r), vec![4.0, 7.0]);
        let r = s.call(&f, &[vec![1i64, 2].into(), 3i64.into()]).unwrap();
        assert_eq!(r.as_array().unwrap().dtype(), DType::Int64);
        assert_eq!(r.as_array().unwrap().to_vec::<i64>(), vec![4, 7]);
        let r = s.call(&f, &[arr(vec![1.0, 2.0], &[2]), 0.5f64.into()]).unwrap();
        assert_eq!(f64s(&r), vec![1.5, 2.0]);
    }
    assert_eq!(s.trace_count(&f), Some(5));
}

#[test]
fn functions_with_effects_are_traced_every_call() {
    let cap = hpxl::Capture::default();
    let mut s = Session::builder().output(Box::new(cap.clone())).build().unwrap();
    // Data-dependent control flow.
    let f = s.compile("def relu_sum(x):\n    if x.sum() > 0:\n        return x\n    return -x").unwrap();
    assert_eq!(f64s(&s.call(&f, &[vec![1.0f64, 2.0].into()]).unwrap()), vec![1.0, 2.0]);
    assert_eq!(f64s(&s.call(&f, &[vec![-1.0f64, -2.0].into()]).unwrap()), vec![1.0, 2.0]);
    assert_eq!(s.trace_count(&f), Some(2));
    // Branching on an element of an argument (a view of the argument's own buffer).
    let g = s.compile("def sign_of_first(x):\n    if x[0] > 0:\n        return x\n    return -x").unwrap();
    assert_eq!(f64s(&s.call(&g, &[vec![1.0f64, 2.0].into()]).unwrap()), vec![1.0, 2.0]);
    assert_eq!(f64s(&s.call(&g, &[vec![-1.0f64, 2.0].into()]).unwrap()), vec![1.0, -2.0]);
    assert_eq!(s.trace_count(&g), Some(2));
    // Handing an argument to a registered Rust function.
    s.register_array_fn("first", 1, |a| Ok(HostValue::Float(a[0].as_array().unwrap().to_vec::<f64>()[0]))).unwrap();
    let h = s.compile("def h(x):\n    return x + first(x)").unwrap();
    assert_eq!(f64s(&s.call(&h, &[vec![1.0f64, 2.0].into()]).unwrap()), vec![2.0, 3.0]);
    assert_eq!(f64s(&s.call(&h, &[vec![5.0f64, 2.0].into()]).unwrap()), vec![10.0, 7.0]);
    // Printing.
    let p = s.compile("def p(x):\n    print('got', x)\n    return x + 1").unwrap();
    s.call(&p, &[vec![1i64].into()]).unwrap();
    s.call(&p, &[vec![2i64].into()]).unwrap();
    assert_eq!(cap.text(), "got [1]\ngot [2]\n");
    // Random draws advance the stream.
    let r = s.compile("def r(x):\n    return x + random.rand(3)").unwrap();
    s.exec("random.seed(1)").unwrap();
    let a = f64s(&s.call(&r, &[vec![0.0f64; 3].into()]).unwrap());
    let b = f64s(&s.call(&r, &[vec![0.0f64; 3].into()]).unwrap());
    assert_ne!(a, b);
    // Global state.
    s.exec("count = 0").unwrap();
    let c = s.compile("def bump(x):\n    global count\n    count += 1\n    return x * count").unwrap();
    for k in 1..=3 {
        assert_eq!(f64s(&s.call(&c, &[vec![1.0f64].into()]).unwrap()), vec![k as f64]);
    }
    assert_eq!(s.get_scalar::<i64>("count").unwrap(), 3);
    assert_eq!(s.trace_count(&c), Some(3));
    // Python scalars are part of the structure.
    let g = s.compile("def powk(x, k):\n    return x ** k").unwrap();
    assert_eq!(f64s(&s.call(&g, &[vec![2.0f64].into(), 3i64.into()]).unwrap()), vec![8.0]);
    assert_eq!(f64s(&s.call(&g, &[vec![2.0f64].into(), 4i64.into()]).unwrap()), vec![16.0]);
}

#[test]
fn compile_and_call_errors_are_diagnostics() {
    let mut s = session();
    let e = s.compile("x = 1").unwrap_err();
    assert!(e.message().contains("defines no function"), "{}", e.message());
    let e = s.compile("def a(x):\n    return x\ndef b(x):\n    return x").unwrap_err();
    assert!(e.message().contains("defines 2 functions (a, b)"), "{}", e.message());
    let e = s.compile("def a(x):\n    return x +").unwrap_err();
    assert_eq!((e.code(), e.line()), ("E0001", Some(2)));
    let f = s.compile("def f(a, b):\n    return a + b").unwrap();
    let e = s.call(&f, &[vec![1.0f64].into()]).unwrap_err();
    assert_eq!(e.message(), "f() missing required positional argument: 'b'");
    assert!(e.to_string().contains("f(a, b)"), "{e}");
    let e = s.call(&f, &[vec![1.0f64; 3].into(), vec![1.0f64; 4].into()]).unwrap_err();
    assert_eq!((e.code(), e.line()), ("E0300", Some(2)));
    assert!(e.to_string().contains("return a + b"), "{e}");
    let mut other = session();
    let e = other.call(&f, &[]).unwrap_err();
    assert_eq!(e.message(), "function `f` was compiled by another session");
}

#[test]
fn registered_scalar_functions_broadcast() {
    let mut s = Session::builder().output(Box::new(std::io::sink())).small_threshold(0).build().unwrap();
    s.register_fn("twice", |x: f64| 2.0 * x).unwrap();
    s.register_fn("mix", |a: f64, b: f64| a - b).unwrap();
    s.register_fn("fma3", |a: f64, b: f64, c: f64| a * b + c).unwrap();
    assert_eq!(s.eval("twice(2)").unwrap(), HostValue::Float(4.0));
    let v = s.eval("mix(arange(3).reshape(3, 1), array([10, 20], dtype=int8))").unwrap();
    let a = v.as_array().unwrap();
    assert_eq!((a.dtype(), a.shape()), (DType::Float64, &[3, 2][..]));
    assert_eq!(a.to_vec::<f64>(), vec![-10.0, -20.0, -9.0, -19.0, -8.0, -18.0]);
    // Fused around: the result is a graph node like any other.
    assert_eq!(s.eval("(fma3(ones(4), 2.0, arange(4)) + 1).sum()").unwrap().as_f64(), Some(18.0));
    let e = s.eval("x = 1\nmix(1,\n    2, 3)").unwrap_err();
    assert_eq!(e.message(), "mix() takes 2 positional arguments but 3 were given");
    assert_eq!((e.code(), e.line()), ("E0200", Some(2)));
    let e = s.eval("twice(x=1)").unwrap_err();
    assert_eq!(e.message(), "twice() got an unexpected keyword argument 'x'");
    let e = s.eval("mix(ones(3), ones(4))").unwrap_err();
    assert_eq!(e.code(), "E0300");
    let e = s.register_fn("sin", |x: f64| x).unwrap_err();
    assert_eq!(e.message(), "`sin` is already a builtin; register the function under another name");
    // Re-registering a host function replaces it.
    s.register_fn("twice", |x: f64| 3.0 * x).unwrap();
    assert_eq!(s.eval("twice(2)").unwrap(), HostValue::Float(6.0));
    s.register_fn("boom", |x: f64| if x > 1.0 { panic!("too big") } else { x }).unwrap();
    let e = s.eval("boom(arange(3)).sum()").unwrap_err();
    assert!(e.message().contains("boom() panicked: too big"), "{}", e.message());
}

#[test]
fn registered_array_functions_and_their_errors() {
    let mut s = session();
    s.register_array_fn("describe", 1, |args| {
        let a = args[0].as_array().ok_or_else(|| "describe() needs an array".to_string())?;
        Ok(HostValue::Tuple(vec![HostValue::Int(a.len() as i64), HostValue::Str(a.dtype().name().into())]))
    })
    .unwrap();
    s.register_array_fn("cumulative", 1, |args| {
        let a = args[0].as_array().ok_or("needs an array")?;
        let mut acc = 0.0;
        let out: Vec<f64> = a.to_vec::<f64>().iter().map(|x| {
            acc += x;
            acc
        }).collect();
        Ok(HostArray::new(out, a.shape()).map_err(|e| e.to_string())?.into())
    })
    .unwrap();
    assert_eq!(
        s.eval("describe(ones((2, 3), dtype=uint8))").unwrap(),
        HostValue::Tuple(vec![HostValue::Int(6), HostValue::Str("uint8".into())])
    );
    assert_eq!(f64s(&s.eval("cumulative(arange(4)) * 2").unwrap()), vec![0.0, 2.0, 6.0, 12.0]);
    let e = s.eval("y = 2\ndescribe(y)").unwrap_err();
    assert_eq!(e.code(), "E0701");
    assert_eq!(e.line(), Some(2));
    assert!(e.message().contains("describe() needs an array"), "{}", e.message());
    assert!(e.to_string().contains("describe(y)"), "{e}");
    let e = s.eval("describe()").unwrap_err();
    assert_eq!(e.message(), "describe() takes 1 positional argument but 0 were given");
    // Registered functions work inside compiled ones.
    let f = s.compile("def g(x):\n    return cumulative(x)[-1]").unwrap();
    assert_eq!(s.call(&f, &[vec![1.0f64, 2.0, 3.0].into()]).unwrap().as_f64(), Some(6.0));
}

#[test]
fn sandboxed_sessions_refuse_files_and_processes() {
    let dir = std::env::temp_dir().join(format!("hpxl-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("x.npy");
    let path = path.to_str().unwrap();
    let mut open = session();
    open.exec(&format!("save('{path}', arange(3))")).unwrap();
    let mut s = Session::builder().output(Box::new(std::io::sink())).sandboxed(true).build().unwrap();
    assert!(s.is_sandboxed());
    for call in [
        format!("load('{path}')"),
        format!("save('{path}', arange(3))"),
        format!("savez('{path}', a=arange(3))"),
        format!("savez_compressed('{path}', a=arange(3))"),
        format!("loadtxt('{path}')"),
        format!("savetxt('{path}', arange(3))"),
        format!("np.load('{path}')"),
    ] {
        let e = s.exec(&format!("x = 1\ny = {call}")).unwrap_err();
        assert_eq!(e.code(), "E0902", "{call}");
        assert_eq!(e.line(), Some(2), "{call}");
        assert!(e.message().ends_with("is not available: this session is sandboxed (no file or process access)"));
        assert!(e.to_string().contains("refused in a sandboxed session"), "{e}");
    }
    // Everything else still works, including timing and printing.
    assert_eq!(s.eval("t = time()\nsum(arange(4))").unwrap().as_f64(), Some(6.0));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn legacy_api_still_works() {
    let cap = hpxl::Capture::default();
    let mut s = Session::with_output(Box::new(cap.clone()));
    s.set_backend(Backend::Interp);
    s.set_small_threshold(0);
    let v = s.run("<legacy>", "a = arange(4)\na * 2").unwrap().unwrap();
    assert_eq!(s.repr(&v).unwrap(), "array([0, 2, 4, 6])");
    let d = s.run("<legacy>", "a +* 2").unwrap_err();
    assert_eq!(s.error_line(&d), Some(1));
    assert!(s.render(&d).contains("a +* 2"));
    let v = s.run("<legacy>", "def h(x):\n    return x\nh").unwrap().unwrap();
    assert_eq!(s.repr(&v).unwrap(), "<function h>");
    let out = hpxl::run_capture("<t>", "print(1 + 1)");
    assert_eq!(out.stdout, "2\n");
}

#[test]
fn ndarray_arrays_in_and_out() {
    // Standard layout: the buffer is taken over.
    let a = ndarray::Array2::from_shape_vec((2, 3), vec![1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    let ptr = a.as_ptr();
    let h = HostArray::from_ndarray(a);
    assert_eq!(h.shape(), &[2, 3]);
    assert_eq!(h.as_slice::<f64>().unwrap().as_ptr(), ptr);
    // Fortran order (a transpose) and a sliced array with an offset are copied in order.
    let t = ndarray::Array2::from_shape_vec((2, 3), vec![1i32, 2, 3, 4, 5, 6]).unwrap().reversed_axes();
    let mut s = session();
    s.set_ndarray("t", t.clone()).unwrap();
    assert_eq!(s.get::<i32>("t").unwrap(), vec![1, 4, 2, 5, 3, 6]);
    assert_eq!(s.get_ndarray::<i32>("t").unwrap(), t.clone().into_dyn());
    let sliced = ndarray::Array1::from_vec((0..10u16).collect()).slice_move(ndarray::s![3..6]);
    s.set_ndarray("u", sliced).unwrap();
    assert_eq!(s.get::<u16>("u").unwrap(), vec![3, 4, 5]);
    let m = s.get_ndarray::<f32>("t.T @ t.astype(float32)").unwrap();
    assert_eq!(m.shape(), &[2, 2]);
    assert_eq!(m[[0, 0]], 1.0 + 4.0 + 9.0);
    let e = s.get_ndarray::<f64>("'text'").unwrap_err();
    assert!(e.message().contains("is not an array"), "{}", e.message());
}

#[test]
fn small_replays_match_traced_and_compiled_calls() {
    // Replays over small arrays evaluate the recorded steps directly (Note [Small
    // replays]); they must give the bits of the first (traced) call, of the JIT path
    // (threshold 0) and of the interp backend, including casts, `where` and errors.
    let src = "def f(a, b, n):\n    t = (a * a - 2.0 * b) * n + sqrt(b)\n    return where(t > 1.0, t, b / 3.0).astype(float32) + n";
    let a: Vec<f64> = (0..100).map(|i| (i as f64 * 0.37).sin()).collect();
    let b: Vec<f64> = (0..100).map(|i| 0.5 + (i as f64 * 0.11).cos().abs()).collect();
    let n: Vec<i64> = (0..100).map(|i| i % 5 - 2).collect();
    let args = || -> Vec<HostValue> { vec![a.clone().into(), b.clone().into(), n.clone().into()] };
    let mut results = Vec::new();
    for (backend, threshold) in [(Backend::Cranelift, None), (Backend::Cranelift, Some(0)), (Backend::Interp, None)] {
        let mut builder = Session::builder().backend(backend).output(Box::new(std::io::sink()));
        if let Some(t) = threshold {
            builder = builder.small_threshold(t);
        }
        let mut s = builder.build().unwrap();
        let f = s.compile(src).unwrap();
        let first = s.call(&f, &args()).unwrap().as_array().unwrap().to_vec::<f64>();
        let again = s.call(&f, &args()).unwrap().as_array().unwrap().to_vec::<f64>();
        assert_eq!(s.trace_count(&f), Some(1));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&first), bits(&again), "replay differs from the traced call ({backend:?}, {threshold:?})");
        results.push(bits(&first));
        // A failing step in a replay is a diagnostic pointing into the function.
        let g = s.compile("def g(x, e):\n    return x ** e").unwrap();
        s.call(&g, &[vec![2i64, 3].into(), vec![1i64, 2].into()]).unwrap();
        let err = s.call(&g, &[vec![2i64, 3].into(), vec![1i64, -2].into()]).unwrap_err();
        assert!(err.to_string().contains("negative integer powers"), "{err}");
        assert!(err.to_string().contains("x ** e"), "{err}");
    }
    assert_eq!(results[0], results[1], "small replay and JIT kernels differ");
    assert_eq!(results[0], results[2], "small replay and interp backend differ");
}

#[test]
fn eager_fast_path_gives_the_general_paths_bits() {
    // Note [Eager fast path]: `+ - * /` of small realised float arrays (and of float64
    // arrays with Python numbers) skip the general path. Same bits as the JIT kernels
    // (threshold 0: every op compiled) and the interp backend, special values included;
    // and the cases it declines (views, mixed dtypes, broadcasting, ints past 2**53).
    let setup = "x = array([1.5, -0.0, 0.0, inf, -inf, nan, 5e-324, 1.7976931348623157e308, -3.25, 1e-300, 7.0, 0.1])\n\
                 y = array([0.0, -0.0, 2.0, inf, 3.0, 1.0, 5e-324, 10.0, -0.0, 1e300, 3.0, 0.2])\n\
                 xf = x.astype(float32)\nyf = y.astype(float32)\nrealize(x, y, xf, yf)\n";
    let exprs = [
        "x + y", "x - y", "x * y", "x / y", "y / x", "x * 2.5", "2.5 / x", "x - 3", "7 - x", "x / 0",
        "x * 9007199254740993", "x + (-9007199254740993)", "x[::2] * y[1::2]", "x * y[0]",
        "(xf * yf).astype(float64)", "(xf / yf).astype(float64)", "(xf + 0.1).astype(float64)",
        "(xf - y).astype(float64)", "x * True", "(x * y + x) / (y - 1.0)",
    ];
    let mut results: Vec<Vec<Vec<u64>>> = Vec::new();
    for (backend, threshold) in [(Backend::Cranelift, None), (Backend::Cranelift, Some(0)), (Backend::Interp, Some(0))] {
        let mut builder = Session::builder().backend(backend).output(Box::new(std::io::sink()));
        if let Some(t) = threshold {
            builder = builder.small_threshold(t);
        }
        let mut s = builder.build().unwrap();
        s.exec(setup).unwrap();
        let mut got = Vec::new();
        for (i, e) in exprs.iter().enumerate() {
            s.exec(&format!("r{i} = {e}")).unwrap();
            got.push(s.get::<f64>(&format!("r{i}")).unwrap().iter().map(|v| v.to_bits()).collect());
        }
        results.push(got);
    }
    for (i, e) in exprs.iter().enumerate() {
        assert_eq!(results[0][i], results[1][i], "`{e}`: eager and JIT kernels differ");
        assert_eq!(results[0][i], results[2][i], "`{e}`: eager and interp backend differ");
    }
}

#[test]
fn fused_variance_gives_the_interp_bits() {
    // The fused second pass of var/std forms (x - mean)² inside the pairwise leaves of
    // a direct input (`Float::sum_sq_dev`); every split of NumPy's pairwise tree — leaf
    // lengths around 8, 128 and 256, the fill buffer, the direct leaf, the parallel
    // halves — must give the interp backend's bits, for rows and whole arrays.
    let mut results: Vec<Vec<Vec<u64>>> = Vec::new();
    for backend in [Backend::Cranelift, Backend::Interp] {
        let mut s = Session::builder().backend(backend).small_threshold(0).output(Box::new(std::io::sink())).build().unwrap();
        let mut got = Vec::new();
        for n in [1usize, 7, 8, 9, 127, 128, 129, 255, 256, 257, 2047, 2049, 32769, 140001, 300007] {
            s.exec(&format!("x = ((arange({n}) * 0.6180339887498949) % 1.0) * 1e3 + 7.5\nxf = x.astype(float32)\nrealize(x, xf)")).unwrap();
            for e in ["var(x)", "std(x)", "var(x, ddof=1)", "std(xf).astype(float64)", "var(x.reshape(1, -1), axis=1)"] {
                s.exec(&format!("r = {e}")).unwrap();
                got.push(s.get::<f64>("r").unwrap().iter().map(|v| v.to_bits()).collect());
            }
        }
        s.exec("m = (((arange(3 * 50001) * 0.11) % 1.0) * 50.0).reshape(3, 50001)\nrealize(m)\nr = std(m, axis=1)").unwrap();
        got.push(s.get::<f64>("r").unwrap().iter().map(|v| v.to_bits()).collect());
        results.push(got);
    }
    for (i, (f, r)) in results[0].iter().zip(&results[1]).enumerate() {
        assert_eq!(f, r, "case {i} (length {}, expression {}): fused and interp variances differ", i / 5, i % 5);
    }
}

#[test]
fn unrolled_vector_loops_give_the_interp_bits() {
    // Note [Unrolled vector loops]: a contiguous kernel's main loop runs several vectors
    // per trip, then one vector at a time, then scalars. Every length around those
    // boundaries (for 2, 4, 8 and 16 lanes), 2-D rows with a ragged inner run, in-place
    // stencil updates, broadcast operands and every width of dtype must give the interp
    // backend's values exactly.
    let exprs = [
        "(a * b + c).astype(float64)",
        "(a * 2.5 - b / (c + 3.0)).astype(float64)",
        "(af * bf + cf).astype(float64)",
        "(ai * 3 + bi // 7).astype(float64)",
        "(a8 * b8 + 5).astype(float64)",
        "((a > b) & (c < 0.5)).astype(float64)",
        "where(a > 0.5, a * 2, b - 1)",
        "(m[1:-1, 1:-1] + m[:-2, 1:-1] + m[2:, 1:-1] + m[1:-1, :-2] + m[1:-1, 2:]).ravel()",
        "(m * row[None, :] + 1.0).ravel()",
        "(bm ^ (c < 0.5)).astype(float64)",
        "(bm8 | (a8 > b8)).astype(float64)",
    ];
    let mut results: Vec<Vec<Vec<u64>>> = Vec::new();
    for backend in [Backend::Cranelift, Backend::Interp] {
        let mut s = Session::builder().backend(backend).small_threshold(0).output(Box::new(std::io::sink())).build().unwrap();
        let mut got = Vec::new();
        for n in (0usize..=70).chain([127, 128, 129, 1000, 1023]) {
            s.exec(&format!(
                "a = (arange({n}) * 0.6180339887498949) % 1.0\nb = (arange({n}) * 0.41421356237309515) % 1.0\n\
                 c = (arange({n}) * 0.7320508075688772) % 1.0\naf = a.astype(float32)\nbf = b.astype(float32)\n\
                 cf = c.astype(float32)\nai = arange({n}) * 7 - 100\nbi = arange({n}) * 13 + 1\n\
                 a8 = (arange({n}) % 200).astype(int8)\nb8 = (arange({n}) % 97).astype(int8)\n\
                 m = ((arange(3 * ({n} + 2)) * 0.3819660112501051) % 1.0).reshape(3, {n} + 2)\n\
                 row = (arange({n} + 2) * 0.1) % 1.0\n\
                 realize(a, b, c, af, bf, cf, ai, bi, a8, b8, m, row)\n\
                 bm = a > b\nbm8 = a8 < b8\nrealize(bm, bm8)"
            ))
            .unwrap();
            for e in exprs {
                s.exec(&format!("r = {e}")).unwrap();
                got.push(s.get::<f64>("r").unwrap().iter().map(|v| v.to_bits()).collect());
            }
            // An in-place stencil step: the value reads the region it writes.
            s.exec("m[1:-1, 1:-1] += 0.1 * (m[:-2, 1:-1] + m[2:, 1:-1] + m[1:-1, :-2] + m[1:-1, 2:] - 4.0 * m[1:-1, 1:-1])\nr = m.ravel()").unwrap();
            got.push(s.get::<f64>("r").unwrap().iter().map(|v| v.to_bits()).collect());
        }
        results.push(got);
    }
    let per = exprs.len() + 1;
    for (i, (f, r)) in results[0].iter().zip(&results[1]).enumerate() {
        let what = exprs.get(i % per).copied().unwrap_or("the stencil step");
        assert_eq!(f, r, "case {i} (`{what}`): cranelift and interp differ");
    }
}
