//! hpxl-grammar: source text to AST. Tokens (logos), the layout pass (NEWLINE/INDENT/DEDENT),
//! the lalrpop grammar, spans and the `Diagnostic` type. Knows nothing about arrays.

mod actions;
pub mod ast;
pub mod diagnostic;
mod fstring;
pub mod layout;
pub mod lexer;
mod parser;
pub mod printer;
pub mod span;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, unused_imports, unused_parens, dead_code)]
    grammar
);

pub use diagnostic::{did_you_mean, Code, Diagnostic, Label};
pub use parser::parse_module;
pub use span::{FileId, SourceMap, Span};
