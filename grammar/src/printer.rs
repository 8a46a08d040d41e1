//! A compact s-expression text form of the AST (`Display` for `Module`, `Stmt`, `Expr`),
//! for tests, AST dumps and debugging. Spans are not printed.
//!
//! Examples: `x = -2**2` prints as `(= x (- (** 2 2)))`; `a[1:, i]` as
//! `(idx a (tuple (slice 1 _ _) i))`; a block prints its statements in a list.

use crate::ast::{
    Arg, CmpOp, Comprehension, Expr, ExprKind, FStringPart, FunctionDef, Module, Stmt, StmtKind, UnaryOp,
};
use std::fmt::{self, Display, Formatter, Write};

impl Display for Module {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, stmt) in self.body.iter().enumerate() {
            if i > 0 {
                f.write_char('\n')?;
            }
            write!(f, "{stmt}")?;
        }
        Ok(())
    }
}

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is-not",
        CmpOp::In => "in",
        CmpOp::NotIn => "not-in",
    }
}

fn write_opt(f: &mut Formatter<'_>, e: &Option<Box<Expr>>) -> fmt::Result {
    match e {
        Some(e) => write!(f, "{e}"),
        None => f.write_char('_'),
    }
}

fn write_block(f: &mut Formatter<'_>, stmts: &[Stmt]) -> fmt::Result {
    f.write_char('(')?;
    for (i, s) in stmts.iter().enumerate() {
        if i > 0 {
            f.write_char(' ')?;
        }
        write!(f, "{s}")?;
    }
    f.write_char(')')
}

fn write_params(f: &mut Formatter<'_>, def: &FunctionDef) -> fmt::Result {
    let mut items: Vec<String> = Vec::new();
    for p in &def.params {
        match &p.default {
            Some(d) => items.push(format!("{}={d}", p.name.name)),
            None => items.push(p.name.name.clone()),
        }
    }
    match &def.vararg {
        Some(v) => items.push(format!("*{}", v.name)),
        None if !def.kwonly.is_empty() => items.push("*".into()),
        None => {}
    }
    for p in &def.kwonly {
        match &p.default {
            Some(d) => items.push(format!("{}={d}", p.name.name)),
            None => items.push(p.name.name.clone()),
        }
    }
    if let Some(k) = &def.kwarg {
        items.push(format!("**{}", k.name));
    }
    write!(f, "({})", items.join(" "))
}

fn write_fstring_parts(f: &mut Formatter<'_>, parts: &[FStringPart]) -> fmt::Result {
    for part in parts {
        match part {
            FStringPart::Lit(s) => write!(f, " {s:?}")?,
            FStringPart::Field { expr, conversion, spec, debug_text } => {
                write!(f, " (fmt {expr}")?;
                if let Some(c) = conversion {
                    write!(f, " !{c}")?;
                }
                if !spec.is_empty() {
                    f.write_str(" (spec")?;
                    write_fstring_parts(f, spec)?;
                    f.write_char(')')?;
                }
                if let Some(d) = debug_text {
                    write!(f, " (debug {d:?})")?;
                }
                f.write_char(')')?;
            }
        }
    }
    Ok(())
}

fn write_generators(f: &mut Formatter<'_>, generators: &[Comprehension]) -> fmt::Result {
    for g in generators {
        write!(f, " (for {} {}", g.target, g.iter)?;
        for c in &g.conds {
            write!(f, " (if {c})")?;
        }
        f.write_char(')')?;
    }
    Ok(())
}

fn write_list(f: &mut Formatter<'_>, head: &str, items: &[Expr]) -> fmt::Result {
    write!(f, "({head}")?;
    for item in items {
        write!(f, " {item}")?;
    }
    f.write_char(')')
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Int(v) => write!(f, "{v}"),
            ExprKind::Float(v) => write!(f, "{v:?}"),
            ExprKind::Str(s) => write!(f, "{s:?}"),
            ExprKind::FString(parts) => {
                f.write_str("(f")?;
                write_fstring_parts(f, parts)?;
                f.write_char(')')
            }
            ExprKind::Bool(true) => f.write_str("True"),
            ExprKind::Bool(false) => f.write_str("False"),
            ExprKind::None => f.write_str("None"),
            ExprKind::Ellipsis => f.write_str("..."),
            ExprKind::Name(id) => f.write_str(&id.name),
            ExprKind::Attribute { value, attr } => write!(f, "(. {value} {})", attr.name),
            ExprKind::Call { func, args } => {
                write!(f, "(call {func}")?;
                for arg in args {
                    match arg {
                        Arg::Positional(e) => write!(f, " {e}")?,
                        Arg::Keyword(k, v) => write!(f, " (kw {} {v})", k.name)?,
                        Arg::Star(e) => write!(f, " (* {e})")?,
                        Arg::DoubleStar(e) => write!(f, " (** {e})")?,
                    }
                }
                f.write_char(')')
            }
            ExprKind::Subscript { value, index } => write!(f, "(idx {value} {index})"),
            ExprKind::Slice { lower, upper, step } => {
                f.write_str("(slice ")?;
                write_opt(f, lower)?;
                f.write_char(' ')?;
                write_opt(f, upper)?;
                f.write_char(' ')?;
                write_opt(f, step)?;
                f.write_char(')')
            }
            ExprKind::Unary { op, operand } => {
                let sym = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Pos => "+",
                    UnaryOp::Invert => "~",
                };
                write!(f, "({sym} {operand})")
            }
            ExprKind::Binary { op, left, right } => write!(f, "({} {left} {right})", op.symbol()),
            ExprKind::Compare { left, ops } => {
                if let [(op, right)] = ops.as_slice() {
                    return write!(f, "({} {left} {right})", cmp_symbol(*op));
                }
                write!(f, "(cmp {left}")?;
                for (op, e) in ops {
                    write!(f, " {} {e}", cmp_symbol(*op))?;
                }
                f.write_char(')')
            }
            ExprKind::BoolOp { op, left, right } => {
                let word = match op {
                    crate::ast::BoolOpKind::And => "and",
                    crate::ast::BoolOpKind::Or => "or",
                };
                write!(f, "({word} {left} {right})")
            }
            ExprKind::Not(e) => write!(f, "(not {e})"),
            ExprKind::IfExp { test, body, orelse } => write!(f, "(ifexp {test} {body} {orelse})"),
            ExprKind::Tuple(items) => write_list(f, "tuple", items),
            ExprKind::List(items) => write_list(f, "list", items),
            ExprKind::Dict(items) => {
                f.write_str("(dict")?;
                for (k, v) in items {
                    write!(f, " ({k} {v})")?;
                }
                f.write_char(')')
            }
            ExprKind::Starred(e) => write!(f, "(* {e})"),
            ExprKind::Lambda(def) => {
                f.write_str("(lambda ")?;
                write_params(f, def)?;
                match def.body.first().map(|s| &s.kind) {
                    Some(StmtKind::Return(Some(e))) => write!(f, " {e})"),
                    _ => f.write_str(" ?)"),
                }
            }
            ExprKind::ListComp { elt, generators } => {
                write!(f, "(comp {elt}")?;
                write_generators(f, generators)?;
                f.write_char(')')
            }
        }
    }
}

impl Display for Stmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StmtKind::Expr(e) => write!(f, "{e}"),
            StmtKind::Assign { targets, value } => {
                f.write_str("(=")?;
                for t in targets {
                    write!(f, " {t}")?;
                }
                write!(f, " {value})")
            }
            StmtKind::AugAssign { target, op, value } => write!(f, "({}= {target} {value})", op.symbol()),
            StmtKind::If { cond, body, orelse } => {
                write!(f, "(if {cond} ")?;
                write_block(f, body)?;
                if !orelse.is_empty() {
                    f.write_char(' ')?;
                    write_block(f, orelse)?;
                }
                f.write_char(')')
            }
            StmtKind::While { cond, body, orelse } => {
                write!(f, "(while {cond} ")?;
                write_block(f, body)?;
                if !orelse.is_empty() {
                    f.write_char(' ')?;
                    write_block(f, orelse)?;
                }
                f.write_char(')')
            }
            StmtKind::For { target, iter, body, orelse } => {
                write!(f, "(for {target} {iter} ")?;
                write_block(f, body)?;
                if !orelse.is_empty() {
                    f.write_char(' ')?;
                    write_block(f, orelse)?;
                }
                f.write_char(')')
            }
            StmtKind::Break => f.write_str("break"),
            StmtKind::Continue => f.write_str("continue"),
            StmtKind::Pass => f.write_str("pass"),
            StmtKind::Return(None) => f.write_str("(return)"),
            StmtKind::Return(Some(e)) => write!(f, "(return {e})"),
            StmtKind::Def(def) => {
                write!(f, "(def {} ", def.name.name)?;
                write_params(f, def)?;
                f.write_char(' ')?;
                write_block(f, &def.body)?;
                f.write_char(')')
            }
            StmtKind::Assert { test, msg } => match msg {
                Some(m) => write!(f, "(assert {test} {m})"),
                None => write!(f, "(assert {test})"),
            },
            StmtKind::Import(items) => {
                f.write_str("(import")?;
                for item in items {
                    let path: Vec<&str> = item.module.iter().map(|i| i.name.as_str()).collect();
                    write!(f, " {}", path.join("."))?;
                    if let Some(a) = &item.alias {
                        write!(f, " as {}", a.name)?;
                    }
                }
                f.write_char(')')
            }
            StmtKind::FromImport { module, names } => {
                let path: Vec<&str> = module.iter().map(|i| i.name.as_str()).collect();
                write!(f, "(from {} import", path.join("."))?;
                if names.is_empty() {
                    f.write_str(" *")?;
                }
                for (name, alias) in names {
                    write!(f, " {}", name.name)?;
                    if let Some(a) = alias {
                        write!(f, " as {}", a.name)?;
                    }
                }
                f.write_char(')')
            }
            StmtKind::With { items, body } => {
                f.write_str("(with")?;
                for (e, t) in items {
                    match t {
                        Some(t) => write!(f, " ({e} as {t})")?,
                        None => write!(f, " {e}")?,
                    }
                }
                f.write_char(' ')?;
                write_block(f, body)?;
                f.write_char(')')
            }
            StmtKind::Global(names) | StmtKind::Nonlocal(names) => {
                let word = if matches!(self.kind, StmtKind::Global(_)) { "global" } else { "nonlocal" };
                write!(f, "({word}")?;
                for n in names {
                    write!(f, " {}", n.name)?;
                }
                f.write_char(')')
            }
            StmtKind::Del(targets) => write_list(f, "del", targets),
            StmtKind::Raise(None) => f.write_str("(raise)"),
            StmtKind::Raise(Some(e)) => write!(f, "(raise {e})"),
        }
    }
}
