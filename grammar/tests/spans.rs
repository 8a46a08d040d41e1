//! Span tests: every node's span, printed as the source text it covers, for a few programs.

use hpxl_grammar::ast::{Expr, ExprKind, FStringPart, Stmt, StmtKind};
use hpxl_grammar::parse_module;

/// Collects `(kind, covered text)` for the first statement's expression tree, pre-order.
fn expr_spans(src: &str, e: &Expr, out: &mut Vec<String>) {
    let text = src.get(e.span.range()).unwrap_or("<bad span>");
    out.push(text.to_string());
    match &e.kind {
        ExprKind::Binary { left, right, .. } | ExprKind::BoolOp { left, right, .. } => {
            expr_spans(src, left, out);
            expr_spans(src, right, out);
        }
        ExprKind::Unary { operand, .. } => expr_spans(src, operand, out),
        ExprKind::Call { func, .. } => expr_spans(src, func, out),
        ExprKind::Subscript { value, index } => {
            expr_spans(src, value, out);
            expr_spans(src, index, out);
        }
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| expr_spans(src, i, out)),
        ExprKind::Slice { lower, upper, step } => {
            for part in [lower, upper, step].into_iter().flatten() {
                expr_spans(src, part, out);
            }
        }
        ExprKind::FString(parts) => {
            for part in parts {
                if let FStringPart::Field { expr, spec, .. } = part {
                    expr_spans(src, expr, out);
                    for s in spec {
                        if let FStringPart::Field { expr, .. } = s {
                            expr_spans(src, expr, out);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn first_stmt(src: &str) -> Stmt {
    match parse_module(src, 7) {
        Ok(m) => match m.body.into_iter().next() {
            Some(s) => s,
            None => panic!("no statement in {src:?}"),
        },
        Err(d) => panic!("{src:?}: {d:?}"),
    }
}

fn check_expr(src: &str, expected: &[&str]) {
    let stmt = first_stmt(src);
    let StmtKind::Expr(e) = &stmt.kind else { panic!("{src:?} is not an expression statement") };
    assert_eq!(e.span.file, 7);
    let mut out = Vec::new();
    expr_spans(src, e, &mut out);
    assert_eq!(out, expected, "source: {src:?}");
}

#[test]
fn expression_spans() {
    check_expr("a + b * c", &["a + b * c", "a", "b * c", "b", "c"]);
    check_expr("(a + b) * c", &["(a + b) * c", "a + b", "a", "b", "c"]);
    check_expr("-x ** 2", &["-x ** 2", "x ** 2", "x", "2"]);
    check_expr("f(x)[1:2]", &["f(x)[1:2]", "f(x)", "f", "1:2", "1", "2"]);
    check_expr("a and b or c", &["a and b or c", "a and b", "a", "b", "c"]);
    check_expr("(1, 2)", &["(1, 2)", "1", "2"]);
    check_expr("f'{a + b:>{width}} and {c}'", &["f'{a + b:>{width}} and {c}'", "a + b", "a", "b", "width", "c"]);
    check_expr("'x' f'{ y }'", &["'x' f'{ y }'", "y"]);
}

#[test]
fn statement_spans() {
    let src = "if x:\n    y = 1\n    z = 2\n\n# trailing comment\nw = 3\n";
    let module = parse_module(src, 0).map_err(|d| format!("{d:?}"));
    let texts: Vec<String> = module
        .map(|m| m.body.iter().map(|s| src.get(s.span.range()).unwrap_or("<bad>").to_string()).collect())
        .unwrap_or_default();
    assert_eq!(texts, ["if x:\n    y = 1\n    z = 2", "w = 3"]);

    let def = first_stmt("def f(a, b=1):\n    return a + b\n");
    assert_eq!(def.span.range(), 0..31);
    if let StmtKind::Def(f) = &def.kind {
        assert_eq!((f.name.name.as_str(), f.name.span.range()), ("f", 4..5));
        assert_eq!(f.span, def.span);
    } else {
        panic!("not a def");
    }
    let assign = first_stmt("x, y = 1, 2  # comment");
    assert_eq!(assign.span.range(), 0..11);
}
