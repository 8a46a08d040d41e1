//! Data-driven error tests: a broken program in, the first diagnostic out, written as
//! `CODE message @ lo..hi "source text under the primary label" help: ...`.

use hpxl_grammar::parse_module;

fn render(src: &str) -> String {
    match parse_module(src, 0) {
        Ok(module) => format!("parsed: {module}"),
        Err(d) => {
            let (range, text) = match d.primary_span() {
                Some(s) => (format!("{}..{}", s.lo, s.hi), src.get(s.range()).unwrap_or("<bad span>").to_string()),
                None => ("none".to_string(), String::new()),
            };
            let mut out = format!("{} {} @ {range} {text:?}", d.code.as_str(), d.message);
            if let Some(h) = &d.help {
                out.push_str(&format!(" help: {h}"));
            }
            out
        }
    }
}

fn check(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (src, expected) in cases {
        let got = render(src);
        if got != *expected {
            failures.push(format!("source:   {src:?}\nexpected: {expected}\ngot:      {got}\n"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn truncated_programs() {
    check(&[
        ("x = 1 +", "E0001 unexpected end of input, expected an expression @ 7..7 \"\""),
        ("x = 1 +\n", "E0001 unexpected end of input, expected an expression @ 7..8 \"\\n\""),
        ("x = 1 +\ny = 2\n", "E0001 unexpected end of line, expected an expression @ 7..8 \"\\n\""),
        ("if x", "E0001 expected `:` after `if` condition @ 4..4 \"\" help: a block header ends with `:`"),
        ("while x < 3\n    x += 1\n", "E0001 expected `:` after `while` condition @ 11..12 \"\\n\" help: a block header ends with `:`"),
        ("def f(x)\n", "E0001 expected `:` after function signature @ 8..9 \"\\n\" help: a block header ends with `:`"),
        ("if x:\n", "E0002 expected an indented block after `if` statement on line 1 @ 6..6 \"\" help: indent the body of the block, or write `pass` if it is empty"),
        ("for i in r:\nprint(i)\n", "E0002 expected an indented block after `for` statement on line 1 @ 12..17 \"print\" help: indent the body of the block, or write `pass` if it is empty"),
        ("x = f(1, 2", "E0001 unclosed `(` @ 5..6 \"(\" help: add a matching `)`"),
        ("print((1, 2)\nx = 3\n", "E0001 unclosed `(` @ 5..6 \"(\" help: add a matching `)`"),
        ("a = [1, 2,\n     3\nb = 4\n", "E0001 unclosed `[` @ 4..5 \"[\" help: add a matching `]`"),
        ("s = 'abc\n", "E0001 unterminated string literal @ 4..5 \"'\" help: close the string on the same line, or use a triple-quoted string"),
        ("s = \"\"\"abc\n\ndef\n", "E0001 unterminated triple-quoted string @ 4..7 \"\\\"\\\"\\\"\" help: the string starts here and is never closed"),
    ]);
}

#[test]
fn brackets_and_tokens() {
    check(&[
        ("x = (1, 2]", "E0001 closing `]` does not match opening `(` @ 9..10 \"]\""),
        ("x = 1)", "E0001 unmatched `)` @ 5..6 \")\""),
        ("f(,)", "E0001 unexpected `,`, expected an expression @ 2..3 \",\""),
        ("x = = 1", "E0001 unexpected `=`, expected an expression @ 4..5 \"=\""),
        ("x = = 1\ny = (\n", "E0001 unexpected `=`, expected an expression @ 4..5 \"=\""),
        ("x = 1 2", "E0001 unexpected number `2` @ 6..7 \"2\" help: perhaps a comma or an operator is missing"),
        ("x = a b", "E0001 unexpected name `b` @ 6..7 \"b\" help: perhaps a comma or an operator is missing"),
        ("x = $", "E0001 unexpected character `$` @ 4..5 \"$\" help: this character has no meaning in hpxl outside strings and comments"),
        ("x = 1 \\ 2", "E0001 unexpected character after line continuation `\\` @ 6..7 \"\\\\\" help: a `\\` joins lines only when it is the last character on its line"),
        ("x = 99999999999999999999", "E0001 integer literal is too large (the largest is 18446744073709551615) @ 4..24 \"99999999999999999999\""),
        ("x = 012", "E0001 leading zeros in decimal integer literals are not permitted @ 4..7 \"012\" help: use an `0o` prefix for octal integers"),
        ("s = '\\x4'", "E0001 truncated `\\x` escape: expected 2 hex digits @ 5..8 \"\\\\x4\""),
        ("if x = 1:\n    pass\n", "E0001 unexpected `=` @ 5..6 \"=\" help: to compare values use `==`"),
        ("f() = 1", "E0001 cannot assign to a function call @ 0..3 \"f()\" help: to compare values use `==`"),
        ("1 += x", "E0001 cannot use augmented assignment `+=` on a literal @ 0..1 \"1\""),
        ("a, *b, *c = x", "E0001 multiple starred expressions in assignment @ 7..9 \"*c\""),
        ("*a = x", "E0001 a starred assignment target must be in a list or tuple @ 0..2 \"*a\""),
        ("f(a=1, b)", "E0001 a positional argument follows a keyword argument @ 7..8 \"b\" help: move positional arguments before keyword arguments"),
        ("f(a=1, a=2)", "E0001 keyword argument `a` repeated @ 7..8 \"a\""),
        ("def f(a=1, b): pass", "E0001 a parameter without a default follows one with a default @ 11..12 \"b\""),
        ("def f(a, a): pass", "E0001 duplicate parameter `a` @ 9..10 \"a\""),
        ("def f(*): pass", "E0001 a bare `*` must be followed by a named parameter @ 6..7 \"*\""),
        ("def f(**k, a): pass", "E0001 parameters cannot follow `**k` @ 11..12 \"a\" help: `**kwargs` must be the last parameter"),
        ("s = {1, 2}", "E0950 set displays are not supported @ 4..10 \"{1, 2}\""),
        ("f'{}'", "E0001 f-string: empty expression not allowed @ 2..4 \"{}\""),
        ("f'{x'", "E0001 f-string: expecting `}` @ 2..3 \"{\" help: this replacement field is never closed"),
        ("f'x}'", "E0001 f-string: single `}` is not allowed @ 3..4 \"}\" help: write `}}` for a literal `}`"),
        ("f'{x!z}'", "E0001 f-string: invalid conversion character @ 4..6 \"!z\" help: use `!r`, `!s` or `!a`"),
        ("f'{x +}'", "E0001 unexpected end of f-string expression, expected an expression @ 6..6 \"\""),
        ("x = 1\nf'{a b}'", "E0001 unexpected name `b` @ 11..12 \"b\" help: perhaps a comma or an operator is missing"),
    ]);
}

#[test]
fn indentation() {
    check(&[
        ("x = 1\n    y = 2\n", "E0002 unexpected indent @ 6..10 \"    \" help: remove the extra indentation"),
        ("if x:\n    a\n  b\n", "E0002 unindent does not match any outer indentation level @ 12..14 \"  \" help: dedent to the indentation of an enclosing block"),
        ("if x:\n\ta\n", "E0002 tabs are not allowed in indentation @ 6..7 \"\\t\" help: indent with spaces"),
        ("if x:\n    \ta\n", "E0002 tabs are not allowed in indentation @ 10..11 \"\\t\" help: indent with spaces"),
    ]);
}

#[test]
fn misspelled_keywords() {
    check(&[
        (
            "if x:\n    y = 1\nesle:\n    y = 2\n",
            "E0001 unexpected end of line, expected an expression @ 21..22 \"\\n\" help: did you mean `else`?",
        ),
        ("whlie x:\n    pass\n", "E0001 unexpected name `x` @ 6..7 \"x\" help: did you mean `while`?"),
        ("def f(x):\n    retrun x\n", "E0001 unexpected name `x` @ 21..22 \"x\" help: did you mean `return`?"),
        ("fro i in range(3):\n    print(i)\n", "E0001 unexpected name `i` @ 4..5 \"i\" help: did you mean `for`?"),
        ("dfe f():\n    pass\n", "E0001 unexpected name `f` @ 4..5 \"f\" help: did you mean `def`?"),
        ("If x:\n    pass\n", "E0001 unexpected name `x` @ 3..4 \"x\" help: did you mean `if`?"),
        ("improt numpy as np\n", "E0001 unexpected name `numpy` @ 7..12 \"numpy\" help: did you mean `import`?"),
        ("class A:\n    pass\n", "E0950 class definitions are not supported @ 0..5 \"class\""),
        ("try:\n    x = 1\n", "E0950 `try` statements are not supported @ 0..3 \"try\""),
        ("foo bar\n", "E0001 unexpected name `bar` @ 4..7 \"bar\" help: perhaps a comma or an operator is missing"),
    ]);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(
        render(&deep),
        "E0001 too deeply nested @ 204..205 \"(\" help: at most 200 brackets may be open at once"
    );
    let unary = format!("x = {}1", "-".repeat(100_000));
    assert!(render(&unary).starts_with("E0001 expression is too deeply nested"));
    let sum = format!("x = {}1", "1 + ".repeat(100_000));
    assert!(render(&sum).starts_with("E0001 expression is too deeply nested"));
    let blocks: String = (0..150).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
    assert!(render(&blocks).starts_with("E0002 too many levels of indentation"));
    let nested_f = format!("{}x{}", "f'{".repeat(50), "}'".repeat(50));
    assert!(render(&nested_f).starts_with("E0001"));
}
