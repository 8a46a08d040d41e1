//! Diagnostics carry a code, a span and the help a user needs: each case runs a program
//! and checks the rendered diagnostic contains the given fragments.

fn check(source: &str, code: &str, line: usize, fragments: &[&str]) {
    let out = hpxl::run_capture("case.hx", source);
    let Some(d) = &out.error else { panic!("expected {code}, program succeeded:\n{source}") };
    assert_eq!(d.code.as_str(), code, "{}", out.rendered);
    assert_eq!(out.error_line, Some(line), "{}", out.rendered);
    assert!(out.rendered.contains('^'), "no caret in:\n{}", out.rendered);
    for f in fragments {
        assert!(out.rendered.contains(f), "missing {f:?} in:\n{}", out.rendered);
    }
}

#[test]
fn unknown_names_suggest_the_closest() {
    check("x = linspce(0, 1, 5)\n", "E0100", 1, &["name 'linspce' is not defined", "did you mean `linspace`?"]);
    check("total = 3\nprint(totl)\n", "E0100", 2, &["did you mean `total`?"]);
}

#[test]
fn unknown_attributes_and_keywords_suggest_the_closest() {
    check("a = arange(3)\nprint(a.sume())\n", "E0101", 2, &["has no attribute 'sume'", "did you mean `sum`?"]);
    check(
        "a = arange(3)\nprint(sum(a, axs=0))\n",
        "E0200",
        2,
        &["unexpected keyword argument 'axs'", "did you mean `axis`?"],
    );
    check("print(np.linalg.nrm)\n", "E0101", 1, &["no attribute 'nrm'"]);
    check("esle = 1\nif esle:\n    pass\nesle:\n    pass\n", "E0001", 4, &["did you mean `else`?"]);
}

#[test]
fn shape_errors_show_both_shapes_at_the_statement() {
    check("a = ones((2, 3))\nb = ones(4)\nc = a * b\n", "E0300", 3, &["(2,3) (4,)"]);
    check("a = arange(6)\nb = a.reshape(4, 2)\n", "E0600", 2, &["cannot reshape array of size 6 into shape (4, 2)"]);
    check("a = zeros(5)\na[1:3] = arange(3)\n", "E0300", 2, &["from shape (3,) into shape (2,)"]);
}

#[test]
fn dtype_and_index_errors() {
    check(
        "a = arange(3)\na += 1.5\n",
        "E0400",
        2,
        &["Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64')"],
    );
    check("a = arange(3, dtype=int8) + 1000\n", "E0400", 1, &["Python integer 1000 out of bounds for int8"]);
    check("a = arange(3)\nprint(a[5])\n", "E0500", 2, &["index 5 is out of bounds for axis 0 with size 3"]);
    check(
        "a = ones((2, 2))\nprint(a.sum(axis=2))\n",
        "E0500",
        2,
        &["axis 2 is out of bounds for array of dimension 2"],
    );
}

#[test]
fn truth_value_of_arrays_is_ambiguous() {
    check(
        "a = arange(3)\nif a > 0:\n    pass\n",
        "E0600",
        2,
        &["truth value of an array with more than one element is ambiguous", "any() or all()"],
    );
}

#[test]
fn allocation_errors_name_the_size() {
    check("a = zeros((10**6, 10**6))\n", "E0900", 1, &["1000000000000 float64", "8 TB"]);
}

#[test]
fn errors_inside_functions_point_into_the_function() {
    check("def f(x):\n    return x + ones(4)\n\ny = f(ones(3))\n", "E0300", 2, &["(3,) (4,)"]);
}

#[test]
fn later_milestones_are_reported_as_not_supported_yet() {
    check("a = arange(4).reshape(2, 2)\nb = unique(a, axis=0)\n", "E0950", 2, &["unique() with `axis=` is not supported yet"]);
    check("import numpy as np\nrng = np.random.default_rng(3)\n", "E0950", 2, &["`random.default_rng` is not supported yet"]);
    check("q = percentile(arange(4), 50, weights=ones(4))\n", "E0950", 1, &["`weights=` argument of percentile()"]);
}
