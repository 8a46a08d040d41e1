//! Data-driven parser tests: source text in, s-expression AST (see `printer.rs`) out.

use hpxl_grammar::parse_module;

/// Parses `src` and compares the printed module with `expected` (one statement per line).
fn check(src: &str, expected: &str) {
    match parse_module(src, 0) {
        Ok(module) => assert_eq!(module.to_string(), expected, "\nsource: {src:?}"),
        Err(diag) => panic!("source {src:?} failed to parse: {diag:?}"),
    }
}

/// Checks a table of single-expression cases; each source is an expression statement.
fn check_exprs(cases: &[(&str, &str)]) {
    for (src, expected) in cases {
        check(src, expected);
    }
}

#[test]
fn literals() {
    check_exprs(&[
        ("42", "42"),
        ("1_000_000", "1000000"),
        ("0x1F", "31"),
        ("0o17", "15"),
        ("0b101", "5"),
        ("18446744073709551615", "18446744073709551615"),
        ("1.5", "1.5"),
        (".5", "0.5"),
        ("1e-3", "0.001"),
        ("2.", "2.0"),
        ("1_0.5e+3", "10500.0"),
        ("None", "None"),
        ("True", "True"),
        ("False", "False"),
        ("...", "..."),
        ("'a'", "\"a\""),
        ("\"a\\tb\\n\"", "\"a\\tb\\n\""),
        ("'\\x41\\u00e9\\0\\q'", "\"Aé\\0\\\\q\""),
        ("r'\\n'", "\"\\\\n\""),
        ("'''a\nb'''", "\"a\\nb\""),
        ("\"\"\"doc \"string\" \"\"\"", "\"doc \\\"string\\\" \""),
        ("'a' \"b\" 'c'", "\"abc\""),
        ("'it\\'s'", "\"it's\""),
        ("'line \\\ncontinued'", "\"line continued\""),
    ]);
}

#[test]
fn fstrings() {
    check_exprs(&[
        ("f'x={x}'", "(f \"x=\" (fmt x))"),
        ("f'{x!r}'", "(f (fmt x !r))"),
        ("f'{x:.3f}'", "(f (fmt x (spec \".3f\")))"),
        ("f'{x:{w}.{p}f}'", "(f (fmt x (spec (fmt w) \".\" (fmt p) \"f\")))"),
        ("f'{x=}'", "(f (fmt x !r (debug \"x=\")))"),
        ("f'{x = :>5}'", "(f (fmt x (spec \">5\") (debug \"x = \")))"),
        ("f'{{literal}} {a + b}'", "(f \"{literal} \" (fmt (+ a b)))"),
        ("f'{a == b} {a != b}'", "(f (fmt (== a b)) \" \" (fmt (!= a b)))"),
        ("f'{d[\"k\"]}'", "(f (fmt (idx d \"k\")))"),
        ("f'{f(a, b=1)!s:^10}'", "(f (fmt (call f a (kw b 1)) !s (spec \"^10\")))"),
        ("'a' f'{b}' 'c'", "(f \"a\" (fmt b) \"c\")"),
        ("rf'\\n{x}'", "(f \"\\\\n\" (fmt x))"),
        ("fr'{x}\\t'", "(f (fmt x) \"\\\\t\")"),
        ("f'\\t{x}'", "(f \"\\t\" (fmt x))"),
        ("f'''{\nx\n}'''", "(f (fmt x))"),
        ("f\"{f'{x}'}\"", "(f (fmt (f (fmt x))))"),
        ("f'{x, y}'", "(f (fmt (tuple x y)))"),
        ("f'{(lambda: 1)()}'", "(f (fmt (call (lambda () 1))))"),
        ("f''", "(f)"),
    ]);
}

#[test]
fn precedence() {
    check_exprs(&[
        ("-2**2", "(- (** 2 2))"),
        ("2**-1", "(** 2 (- 1))"),
        ("2**3**2", "(** 2 (** 3 2))"),
        ("a.b**c.d", "(** (. a b) (. c d))"),
        ("-x.y[0](1)", "(- (call (idx (. x y) 0) 1))"),
        ("~a + b", "(+ (~ a) b)"),
        ("a + b * c", "(+ a (* b c))"),
        ("a - b - c", "(- (- a b) c)"),
        ("a * b / c // d % e @ f", "(@ (% (// (/ (* a b) c) d) e) f)"),
        ("a << b + c", "(<< a (+ b c))"),
        ("a & b << c", "(& a (<< b c))"),
        ("a ^ b & c", "(^ a (& b c))"),
        ("a | b ^ c", "(| a (^ b c))"),
        ("a < b | c", "(< a (| b c))"),
        ("a < b <= c", "(cmp a < b <= c)"),
        ("a == b != c > d >= e", "(cmp a == b != c > d >= e)"),
        ("a is b", "(is a b)"),
        ("a is not b", "(is-not a b)"),
        ("a in b", "(in a b)"),
        ("a not in b", "(not-in a b)"),
        ("not a == b", "(not (== a b))"),
        ("not not a", "(not (not a))"),
        ("a and not b", "(and a (not b))"),
        ("a or b and c", "(or a (and b c))"),
        ("a or b or c", "(or (or a b) c)"),
        ("a if b else c", "(ifexp b a c)"),
        ("a if b else c if d else e", "(ifexp b a (ifexp d c e))"),
        ("a or b if c and d else e", "(ifexp (and c d) (or a b) e)"),
        ("lambda: 0", "(lambda () 0)"),
        ("lambda x, y=1: x + y", "(lambda (x y=1) (+ x y))"),
        ("lambda *a, k, **kw: a", "(lambda (*a k **kw) a)"),
        ("lambda x: x if x else -x", "(lambda (x) (ifexp x x (- x)))"),
        ("-1 + k or None", "(or (+ (- 1) k) None)"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a @ b.T", "(@ a (. b T))"),
    ]);
}

#[test]
fn primaries_and_displays() {
    check_exprs(&[
        ("f()", "(call f)"),
        ("f(a, b,)", "(call f a b)"),
        ("f(a, *b, c=1, **d)", "(call f a (* b) (kw c 1) (** d))"),
        ("f(*a, *b)", "(call f (* a) (* b))"),
        ("sum(x for x in y)", "(call sum (comp x (for x y)))"),
        (
            "sum(x * y for x in a for y in b if x if y > 0)",
            "(call sum (comp (* x y) (for x a) (for y b (if x) (if (> y 0)))))",
        ),
        ("np.sin(x).sum(axis=0)", "(call (. (call (. np sin) x) sum) (kw axis 0))"),
        ("a[1:-1, ::2]", "(idx a (tuple (slice 1 (- 1) _) (slice _ _ 2)))"),
        ("a[..., None]", "(idx a (tuple ... None))"),
        ("a[:, 0]", "(idx a (tuple (slice _ _ _) 0))"),
        ("a[i:j:k]", "(idx a (slice i j k))"),
        ("a[::]", "(idx a (slice _ _ _))"),
        ("a[()]", "(idx a (tuple))"),
        ("a[1,]", "(idx a (tuple 1))"),
        ("a[a > 0]", "(idx a (> a 0))"),
        ("a[i][j]", "(idx (idx a i) j)"),
        ("()", "(tuple)"),
        ("(x,)", "(tuple x)"),
        ("(x)", "x"),
        ("(1, 2, *r)", "(tuple 1 2 (* r))"),
        ("[]", "(list)"),
        ("[1, [2, 3],]", "(list 1 (list 2 3))"),
        ("[*a, *b]", "(list (* a) (* b))"),
        ("[x ** 2 for x in range(10)]", "(comp (** x 2) (for x (call range 10)))"),
        ("[(i, j) for i, j in pairs]", "(comp (tuple i j) (for (tuple i j) pairs))"),
        ("(x for x in y)", "(comp x (for x y))"),
        ("{}", "(dict)"),
        ("{'a': 1, b: c + 1,}", "(dict (\"a\" 1) (b (+ c 1)))"),
        ("x, y", "(tuple x y)"),
        ("x,", "(tuple x)"),
        ("*a, b", "(tuple (* a) b)"),
    ]);
}

#[test]
fn simple_statements() {
    let cases = [
        ("x = 1", "(= x 1)"),
        ("a = b = e", "(= a b e)"),
        ("a, b = e", "(= (tuple a b) e)"),
        ("(a, b) = e", "(= (tuple a b) e)"),
        ("[a, b] = e", "(= (list a b) e)"),
        ("a, *rest = e", "(= (tuple a (* rest)) e)"),
        ("x = 1, 2", "(= x (tuple 1 2))"),
        ("x: int = 3", "(= x 3)"),
        ("x: int", "pass"),
        ("a.b: float = 1.0", "(= (. a b) 1.0)"),
        ("x += 1", "(+= x 1)"),
        ("x -= 1; x *= 2; x /= 3; x //= 4; x %= 5", "(-= x 1)\n(*= x 2)\n(/= x 3)\n(//= x 4)\n(%= x 5)"),
        (
            "x **= 2; x @= m; x &= 1; x |= 2; x ^= 3; x <<= 1; x >>= 1;",
            "(**= x 2)\n(@= x m)\n(&= x 1)\n(|= x 2)\n(^= x 3)\n(<<= x 1)\n(>>= x 1)",
        ),
        ("a[1:-1] = e", "(= (idx a (slice 1 (- 1) _)) e)"),
        ("a[i, j] += 1", "(+= (idx a (tuple i j)) 1)"),
        ("a.x.y = 2", "(= (. (. a x) y) 2)"),
        ("pass", "pass"),
        ("break; continue", "break\ncontinue"),
        ("return", "(return)"),
        ("return x", "(return x)"),
        ("return a, b", "(return (tuple a b))"),
        ("return *a, b", "(return (tuple (* a) b))"),
        ("raise", "(raise)"),
        ("raise ValueError('x')", "(raise (call ValueError \"x\"))"),
        ("raise E from e", "(raise E)"),
        ("global a, b", "(global a b)"),
        ("nonlocal c", "(nonlocal c)"),
        ("del a, b[0]", "(del a (idx b 0))"),
        ("del x,", "(del x)"),
        ("assert x", "(assert x)"),
        ("assert x > 0, 'x must be positive'", "(assert (> x 0) \"x must be positive\")"),
        ("import numpy as np", "(import numpy as np)"),
        ("import os.path, time", "(import os.path time)"),
        ("from a.b import c as d, e", "(from a.b import c as d e)"),
        ("from numpy import *", "(from numpy import *)"),
        ("from m import (a,\n    b as c,\n)", "(from m import a b as c)"),
        ("'''Docstring.'''", "\"Docstring.\""),
        ("print(a, b)", "(call print a b)"),
    ];
    for (src, expected) in cases {
        check(src, expected);
    }
}

#[test]
fn compound_statements() {
    let cases = [
        ("if x: y = 1", "(if x ((= y 1)))"),
        ("if x: a; b", "(if x (a b))"),
        ("if x:\n    a\nelif y:\n    b\nelif z:\n    c\nelse:\n    d\n", "(if x (a) ((if y (b) ((if z (c) (d))))))"),
        ("if a:\n    if b:\n        c\n    else:\n        d\n", "(if a ((if b (c) (d))))"),
        ("while i < 10:\n    i += 1\nelse:\n    done()\n", "(while (< i 10) ((+= i 1)) ((call done)))"),
        ("for i in range(3):\n    print(i)\n", "(for i (call range 3) ((call print i)))"),
        ("for i, j in pairs: pass\nelse: pass", "(for (tuple i j) pairs (pass) (pass))"),
        ("for (a, b), *c in x: pass", "(for (tuple (tuple a b) (* c)) x (pass))"),
        ("for x in 1, 2: pass", "(for x (tuple 1 2) (pass))"),
        ("with policy('seq'):\n    run()\n", "(with (call policy \"seq\") ((call run)))"),
        ("with a as b, c as (d, e), f: pass", "(with (a as b) (c as (tuple d e)) f (pass))"),
        ("def f(): pass", "(def f () (pass))"),
        ("def f(x, y=1,):\n    return x + y\n", "(def f (x y=1) ((return (+ x y))))"),
        ("def f(*args): pass", "(def f (*args) (pass))"),
        ("def f(a, *, b, c=2): pass", "(def f (a * b c=2) (pass))"),
        ("def f(a, *args, b, **kwargs,): pass", "(def f (a *args b **kwargs) (pass))"),
        ("def f(x: int, y: float = 1.0, *a: int, **k: str) -> tuple: pass", "(def f (x y=1.0 *a **k) (pass))"),
        (
            "def outer():\n    def inner(x):\n        return x\n    return inner\n",
            "(def outer () ((def inner (x) ((return x))) (return inner)))",
        ),
        ("def f():\n    \"\"\"Doc.\"\"\"\n    return 1\n", "(def f () (\"Doc.\" (return 1)))"),
    ];
    for (src, expected) in cases {
        check(src, expected);
    }
}

#[test]
fn layout() {
    let cases = [
        ("", ""),
        ("\n\n   \n# only a comment\n", ""),
        ("x = 1", "(= x 1)"),
        ("x = 1\r\ny = 2\r\n", "(= x 1)\n(= y 2)"),
        ("if x:\r\n    y\r\n", "(if x (y))"),
        ("if x:\n    y\n      # odd comment\n# another\n    z\n", "(if x (y z))"),
        ("if x:\n    y\n\n\n\nz", "(if x (y))\nz"),
        ("x = 1 + \\\n    2\n", "(= x (+ 1 2))"),
        ("if a and \\\n   b:\n    c\n", "(if (and a b) (c))"),
        ("x = [1,\n  2,\n      3]\n", "(= x (list 1 2 3))"),
        ("f(a,\n# comment inside brackets\n  (b +\n c))\n", "(call f a (+ b c))"),
        ("d = {\n    'a': 1,\n}\n", "(= d (dict (\"a\" 1)))"),
        ("if x:\n    if y:\n        z\nw", "(if x ((if y (z))))\nw"),
        ("if x:\n  y\nelse:\n        z\n", "(if x (y) (z))"),
        ("\u{FEFF}x = 1\n", "(= x 1)"),
        ("x = 1;\n", "(= x 1)"),
        ("if x: pass  # trailing comment", "(if x (pass))"),
        ("s = '''\n  not indentation\n'''\ny = 1", "(= s \"\\n  not indentation\\n\")\n(= y 1)"),
        ("π = 3.14\nnaïve = π", "(= π 3.14)\n(= naïve π)"),
    ];
    for (src, expected) in cases {
        check(src, expected);
    }
}

#[test]
fn realistic_program() {
    let src = "# heat.hx — explicit 2-D heat diffusion
n = 2000
u = zeros((n, n))
u[n//4:3*n//4, n//4:3*n//4] = 1.0
for step in range(100):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
                            - 4 * u[1:-1, 1:-1])
print(\"total heat\", sum(u), \"max\", u.max())
";
    let module = parse_module(src, 3).map_err(|d| format!("{d:?}"));
    assert_eq!(module.map(|m| m.body.len()), Ok(5));
}
