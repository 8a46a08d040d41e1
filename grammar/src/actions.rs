//! Helpers called from the lalrpop grammar's actions: node builders and the checks that
//! Python makes after parsing (assignment targets, parameter order, argument order).

use crate::ast::{Arg, Expr, ExprKind, FStringPart, FunctionDef, Ident, Param, Stmt, StmtKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::Tok;
use crate::span::{FileId, Span};
use lalrpop_util::ParseError;
use std::rc::Rc;

/// The parse error type of the generated parser.
pub type PErr = ParseError<usize, Tok, Diagnostic>;

/// What the single start symbol produced: a module, or (after `StartExpr`) one expression
/// of an f-string replacement field.
pub enum Top {
    Module(Vec<Stmt>),
    Expr(Expr),
}

/// One piece of an implicitly concatenated string literal.
pub enum StrPiece {
    Str(String),
    F(Vec<FStringPart>),
}

/// One comma-separated item of a parameter list, before ordering checks.
pub enum ParamItem {
    Plain(Param),
    /// `*args` or a bare `*` (with the span of the `*` item).
    Star(Option<Ident>, Span),
    DoubleStar(Ident),
}

fn user(diag: Diagnostic) -> PErr {
    ParseError::User { error: diag }
}

fn syntax(span: Span, message: impl Into<String>, label: impl Into<String>) -> PErr {
    user(Diagnostic::new(Code::Syntax, message).with_label(span, label))
}

pub fn expr(kind: ExprKind, file: FileId, lo: usize, hi: usize) -> Expr {
    Expr { kind, span: Span::new(file, lo, hi) }
}

pub fn stmt(kind: StmtKind, file: FileId, lo: usize, hi: usize) -> Stmt {
    Stmt { kind, span: Span::new(file, lo, hi) }
}

pub fn ident(name: String, file: FileId, lo: usize, hi: usize) -> Ident {
    Ident { name, span: Span::new(file, lo, hi) }
}

/// The end of a compound statement: the end of its last nested statement, so that a
/// statement's span does not swallow the blank lines and comments after it.
pub fn block_end(blocks: &[&[Stmt]], fallback: usize) -> usize {
    blocks.iter().filter_map(|b| b.last()).map(|s| s.span.hi as usize).max().unwrap_or(fallback)
}

pub fn if_stmt(cond: Expr, body: Vec<Stmt>, orelse: Option<Vec<Stmt>>, file: FileId, lo: usize, hi: usize) -> Stmt {
    let orelse = orelse.unwrap_or_default();
    let end = block_end(&[&body, &orelse], hi);
    stmt(StmtKind::If { cond, body, orelse }, file, lo, end)
}

/// Joins `"a" "b"` / `"a" f"{b}"` pieces into one `Str` or `FString` expression.
pub fn join_strings(pieces: Vec<StrPiece>, file: FileId, lo: usize, hi: usize) -> Expr {
    let any_f = pieces.iter().any(|p| matches!(p, StrPiece::F(_)));
    if !any_f {
        let mut text = String::new();
        for piece in pieces {
            if let StrPiece::Str(s) = piece {
                text.push_str(&s);
            }
        }
        return expr(ExprKind::Str(text), file, lo, hi);
    }
    let mut parts: Vec<FStringPart> = Vec::new();
    let push_lit = |parts: &mut Vec<FStringPart>, s: String| {
        if s.is_empty() {
            return;
        }
        if let Some(FStringPart::Lit(prev)) = parts.last_mut() {
            prev.push_str(&s);
        } else {
            parts.push(FStringPart::Lit(s));
        }
    };
    for piece in pieces {
        match piece {
            StrPiece::Str(s) => push_lit(&mut parts, s),
            StrPiece::F(fparts) => {
                for part in fparts {
                    match part {
                        FStringPart::Lit(s) => push_lit(&mut parts, s),
                        field => parts.push(field),
                    }
                }
            }
        }
    }
    expr(ExprKind::FString(parts), file, lo, hi)
}

/// How an expression reads in "cannot assign to ..." messages.
fn describe_expr(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Ellipsis => {
            "a literal"
        }
        ExprKind::None => "`None`",
        ExprKind::FString(_) => "an f-string",
        ExprKind::Call { .. } => "a function call",
        ExprKind::Compare { .. } => "a comparison",
        ExprKind::BoolOp { .. } | ExprKind::Not(_) => "a boolean expression",
        ExprKind::IfExp { .. } => "a conditional expression",
        ExprKind::Lambda(_) => "a lambda",
        ExprKind::ListComp { .. } => "a comprehension",
        ExprKind::Dict(_) => "a dict display",
        ExprKind::Slice { .. } => "a slice",
        _ => "an expression",
    }
}

/// Checks that `e` can be assigned to (`for` targets, `with ... as`, `=` targets).
pub fn check_target(e: &Expr, in_sequence: bool) -> Result<(), PErr> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let mut starred = items.iter().filter(|i| matches!(i.kind, ExprKind::Starred(_)));
            if let (Some(_), Some(second)) = (starred.next(), starred.next()) {
                return Err(syntax(second.span, "multiple starred expressions in assignment", "second starred target"));
            }
            items.iter().try_for_each(|item| check_target(item, true))
        }
        ExprKind::Starred(inner) if in_sequence => check_target(inner, false),
        ExprKind::Starred(_) => Err(syntax(e.span, "a starred assignment target must be in a list or tuple", "")),
        _ => {
            let mut diag = Diagnostic::new(Code::Syntax, format!("cannot assign to {}", describe_expr(e)))
                .with_label(e.span, "not assignable");
            if matches!(e.kind, ExprKind::Call { .. } | ExprKind::Compare { .. } | ExprKind::Int(_) | ExprKind::Name(_))
            {
                diag = diag.with_help("to compare values use `==`");
            }
            Err(user(diag))
        }
    }
}

pub fn expr_stmt(e: Expr, file: FileId, lo: usize, hi: usize) -> Result<Stmt, PErr> {
    if let ExprKind::Starred(_) = e.kind {
        return Err(syntax(e.span, "a starred expression cannot be used here", ""));
    }
    Ok(stmt(StmtKind::Expr(e), file, lo, hi))
}

pub fn assign(first: Expr, rest: Vec<Expr>, file: FileId, lo: usize, hi: usize) -> Result<Stmt, PErr> {
    let mut all = vec![first];
    all.extend(rest);
    let Some(value) = all.pop() else {
        return Err(syntax(Span::new(file, lo, hi), "assignment without a value", ""));
    };
    for target in &all {
        check_target(target, false)?;
    }
    if let ExprKind::Starred(_) = value.kind {
        return Err(syntax(value.span, "a starred expression cannot be used here", ""));
    }
    Ok(stmt(StmtKind::Assign { targets: all, value }, file, lo, hi))
}

/// `x: ann = value` is a plain assignment; `x: ann` alone declares nothing and becomes `pass`.
pub fn ann_assign(target: Expr, value: Option<Expr>, file: FileId, lo: usize, hi: usize) -> Result<Stmt, PErr> {
    match &target.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {}
        _ => {
            return Err(syntax(
                target.span,
                format!("cannot annotate {}", describe_expr(&target)),
                "only a name can be annotated",
            ))
        }
    }
    match value {
        Some(value) => Ok(stmt(StmtKind::Assign { targets: vec![target], value }, file, lo, hi)),
        None => Ok(stmt(StmtKind::Pass, file, lo, hi)),
    }
}

pub fn aug_assign(
    target: Expr,
    op: crate::ast::BinOp,
    value: Expr,
    file: FileId,
    lo: usize,
    hi: usize,
) -> Result<Stmt, PErr> {
    match &target.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
            Ok(stmt(StmtKind::AugAssign { target, op, value }, file, lo, hi))
        }
        _ => Err(syntax(
            target.span,
            format!("cannot use augmented assignment `{}=` on {}", op.symbol(), describe_expr(&target)),
            "",
        )),
    }
}

pub fn del_targets(targets: Vec<Expr>) -> Result<Vec<Expr>, PErr> {
    for target in &targets {
        if let ExprKind::Starred(_) = target.kind {
            return Err(syntax(target.span, "cannot delete a starred expression", ""));
        }
        check_target(target, false)?;
    }
    Ok(targets)
}

/// Orders a parameter list into a `FunctionDef`, with Python's checks.
pub fn make_def(name: Ident, items: Vec<ParamItem>, body: Vec<Stmt>, span: Span) -> Result<Rc<FunctionDef>, PErr> {
    let mut params = Vec::new();
    let mut vararg = None;
    let mut kwonly = Vec::new();
    let mut kwarg: Option<Ident> = None;
    let mut seen_star: Option<Span> = None;
    let mut seen_default = false;
    let mut names: Vec<String> = Vec::new();
    let mut check_dup = |id: &Ident| -> Result<(), PErr> {
        if names.iter().any(|n| n == &id.name) {
            return Err(syntax(id.span, format!("duplicate parameter `{}`", id.name), "already used in this list"));
        }
        names.push(id.name.clone());
        Ok(())
    };
    for item in items {
        if let Some(kw) = &kwarg {
            let at = match &item {
                ParamItem::Plain(p) => p.name.span,
                ParamItem::Star(_, s) => *s,
                ParamItem::DoubleStar(id) => id.span,
            };
            return Err(user(
                Diagnostic::new(Code::Syntax, format!("parameters cannot follow `**{}`", kw.name))
                    .with_label(at, "")
                    .with_help("`**kwargs` must be the last parameter"),
            ));
        }
        match item {
            ParamItem::Plain(p) => {
                check_dup(&p.name)?;
                if seen_star.is_some() {
                    kwonly.push(p);
                } else {
                    if p.default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        return Err(user(
                            Diagnostic::new(Code::Syntax, "a parameter without a default follows one with a default")
                                .with_label(p.name.span, "needs a default value"),
                        ));
                    }
                    params.push(p);
                }
            }
            ParamItem::Star(id, s) => {
                if seen_star.is_some() {
                    return Err(syntax(s, "`*` may appear only once in a parameter list", ""));
                }
                if let Some(id) = &id {
                    check_dup(id)?;
                }
                seen_star = Some(s);
                vararg = id;
            }
            ParamItem::DoubleStar(id) => {
                check_dup(&id)?;
                kwarg = Some(id);
            }
        }
    }
    if let Some(star) = seen_star {
        if vararg.is_none() && kwonly.is_empty() {
            return Err(syntax(star, "a bare `*` must be followed by a named parameter", ""));
        }
    }
    Ok(Rc::new(FunctionDef { name, params, vararg, kwonly, kwarg, body, span }))
}

pub fn make_lambda(items: Vec<ParamItem>, body: Expr, file: FileId, lo: usize, hi: usize) -> Result<Expr, PErr> {
    let name = ident("<lambda>".to_string(), file, lo, (lo + 6).min(hi));
    let body_span = body.span;
    let ret = Stmt { kind: StmtKind::Return(Some(body)), span: body_span };
    let def = make_def(name, items, vec![ret], Span::new(file, lo, hi))?;
    Ok(expr(ExprKind::Lambda(def), file, lo, hi))
}

/// Checks Python's argument order: positional arguments and `*x` before keywords and `**kw`.
pub fn check_args(args: Vec<Arg>) -> Result<Vec<Arg>, PErr> {
    let mut seen_keyword = false;
    let mut seen_double_star = false;
    let mut keywords: Vec<&str> = Vec::new();
    for arg in &args {
        match arg {
            Arg::Positional(e) => {
                if seen_double_star {
                    return Err(syntax(e.span, "a positional argument follows `**` argument unpacking", ""));
                }
                if seen_keyword {
                    return Err(user(
                        Diagnostic::new(Code::Syntax, "a positional argument follows a keyword argument")
                            .with_label(e.span, "")
                            .with_help("move positional arguments before keyword arguments"),
                    ));
                }
            }
            Arg::Star(e) => {
                if seen_double_star {
                    return Err(syntax(e.span, "`*` argument unpacking follows `**` argument unpacking", ""));
                }
            }
            Arg::Keyword(name, _) => {
                if keywords.contains(&name.name.as_str()) {
                    return Err(syntax(name.span, format!("keyword argument `{}` repeated", name.name), ""));
                }
                keywords.push(&name.name);
                seen_keyword = true;
            }
            Arg::DoubleStar(_) => seen_double_star = true,
        }
    }
    Ok(args)
}

pub fn unsupported(span: Span, what: &str) -> PErr {
    user(Diagnostic::new(Code::Unsupported, format!("{what} are not supported")).with_label(span, ""))
}
