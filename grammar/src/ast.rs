//! The abstract syntax tree produced by the parser. Every node carries a byte span.

use crate::span::Span;
use std::rc::Rc;

/// A parsed source file (or REPL entry, or `-c` string).
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An expression on its own line: a docstring, or a call for its effect.
    Expr(Expr),
    /// `t1 = t2 = value`; each target is a `Name`, `Tuple`/`List` of targets, `Subscript`,
    /// `Attribute` or `Starred` (inside a tuple target).
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    /// `target op= value`.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `if`/`elif`/`else`; `elif` is a nested `If` as the only statement of `orelse`.
    If {
        cond: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        cond: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    Return(Option<Expr>),
    Def(Rc<FunctionDef>),
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    /// `import a.b as c` (one entry per comma-separated item).
    Import(Vec<ImportItem>),
    /// `from a.b import x as y, z`; `names` empty means `*`.
    FromImport {
        module: Vec<Ident>,
        names: Vec<(Ident, Option<Ident>)>,
    },
    /// `with e1 as t1, e2:`.
    With {
        items: Vec<(Expr, Option<Expr>)>,
        body: Vec<Stmt>,
    },
    Global(Vec<Ident>),
    Nonlocal(Vec<Ident>),
    /// `del a, b`.
    Del(Vec<Expr>),
    /// `raise e` (or bare `raise`).
    Raise(Option<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportItem {
    pub module: Vec<Ident>,
    pub alias: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    pub name: Ident,
    pub params: Vec<Param>,
    /// `*args`.
    pub vararg: Option<Ident>,
    /// Parameters after `*args` or a bare `*`: keyword-only.
    pub kwonly: Vec<Param>,
    /// `**kwargs`.
    pub kwarg: Option<Ident>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// Integer literal; literals above `u64::MAX` are a syntax error.
    Int(u64),
    Float(f64),
    Str(String),
    /// f-string: literal pieces and replacement fields, in order.
    FString(Vec<FStringPart>),
    Bool(bool),
    None,
    Ellipsis,
    Name(Ident),
    Attribute {
        value: Box<Expr>,
        attr: Ident,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    /// `value[index]`; a multi-item index is a `Tuple` expression whose items may be `Slice`s.
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `lo:hi:step` — only valid directly inside a subscript (or a tuple inside one).
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a < b <= c` (Python chaining); `ops` holds at least one comparison.
    Compare {
        left: Box<Expr>,
        ops: Vec<(CmpOp, Expr)>,
    },
    /// `a and b`, `a or b` (short-circuit, returns an operand).
    BoolOp {
        op: BoolOpKind,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Not(Box<Expr>),
    /// `body if test else orelse`.
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    /// `{k: v, ...}`.
    Dict(Vec<(Expr, Expr)>),
    /// `*e` inside a tuple/list display or an assignment target.
    Starred(Box<Expr>),
    Lambda(Rc<FunctionDef>),
    /// `[elt for target in iter if cond ...]` (also used for generator expressions in calls).
    ListComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    pub target: Expr,
    pub iter: Expr,
    pub conds: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FStringPart {
    Lit(String),
    /// `{expr!conv:spec}`; `spec` may itself contain nested replacement fields.
    Field {
        expr: Expr,
        conversion: Option<char>,
        spec: Vec<FStringPart>,
        debug_text: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Positional(Expr),
    Keyword(Ident, Expr),
    /// `*xs`.
    Star(Expr),
    /// `**kw`.
    DoubleStar(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    MatMul,
    LShift,
    RShift,
    BitAnd,
    BitXor,
    BitOr,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::MatMul => "@",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitXor => "^",
            BinOp::BitOr => "|",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolOpKind {
    And,
    Or,
}
