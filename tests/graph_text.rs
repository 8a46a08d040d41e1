//! Snapshots of the lazy graph's text form: what the tracer builds for small programs
//! (and therefore what a backend receives) is visible and stable.

fn graph_of(source: &str, var: &str) -> String {
    let mut session = hpxl::Session::with_output(Box::new(hpxl::Capture::default()));
    session.run("t.hx", source).expect("program runs");
    session.graph_text(var).expect("variable is an array")
}

#[test]
fn elementwise_expression_over_generators() {
    let text = graph_of("a = arange(4)\nb = a * 2.5 + 1\n", "b");
    assert_eq!(
        text,
        "%0 = iota start=0 step=1 : i64[4]\n\
         %1 = const 2.5 : f64[]\n\
         %2 = binary multiply f64 %0, %1 : f64[4]\n\
         %3 = const 1.0 : f64[]\n\
         %4 = binary add f64 %2, %3 : f64[4]\n"
    );
}

#[test]
fn in_place_stencil_is_a_scatter_over_views_of_the_old_contents() {
    let text = graph_of("u = arange(6.0)\nu[1:-1] += u[:-2] + u[2:]\n", "u");
    assert_eq!(
        text,
        "%0 = iota start=0 step=1 : f64[6]\n\
         %1 = view %0 offset=1 strides=[1] : f64[4]\n\
         %2 = view %0 offset=0 strides=[1] : f64[4]\n\
         %3 = view %0 offset=2 strides=[1] : f64[4]\n\
         %4 = binary add f64 %2, %3 : f64[4]\n\
         %5 = binary add f64 %1, %4 : f64[4]\n\
         %6 = scatter %0 <- %5 offset=1 shape=[4] strides=[1] : f64[6]\n"
    );
}

#[test]
fn reductions_show_axes_and_accumulator_dtype() {
    let text = graph_of("x = ones((2, 3), dtype=int32)\ns = x.sum(axis=1, keepdims=True)\n", "s");
    assert_eq!(
        text,
        "%0 = const 1 : i32[]\n\
         %1 = broadcast %0 : i32[2,3]\n\
         %2 = cast %1 : i32[2,3]\n\
         %3 = reduce sum i64 %2 axes=[1] keepdims : i64[2,1]\n"
    );
}

#[test]
fn observed_values_become_constants() {
    let text = graph_of("a = arange(3) + 1\nprint(a)\n", "a");
    assert_eq!(text, "%0 = const <data> : i64[3]\n");
}
