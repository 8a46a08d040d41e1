//! hpxl-grammar: source text to AST. Tokens (logos), the layout pass (NEWLINE/INDENT/DEDENT),
//! the lalrpop grammar, spans and the `Diagnostic` type. Knows nothing about arrays.

pub mod ast;
pub mod diagnostic;
pub mod span;

pub use diagnostic::{did_you_mean, Code, Diagnostic, Label};
pub use span::{FileId, SourceMap, Span};
