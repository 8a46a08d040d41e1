//! The layout pass: raw tokens to a stream with NEWLINE / INDENT / DEDENT, like Python's
//! tokenizer. Also checks bracket matching and bounds nesting, so that later recursive
//! passes over the AST cannot overflow the stack (see Note [Nesting limits]).

use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{lex, Spanned, Tok};
use crate::span::{FileId, Span};

/// Most brackets that may be open at once (Python's limit too).
pub const MAX_BRACKET_DEPTH: usize = 200;
/// Most indentation levels (Python's limit too).
pub const MAX_INDENT_LEVELS: usize = 100;
/// Upper bound on the depth of one expression tree; see Note [Nesting limits].
pub const MAX_EXPR_DEPTH: u32 = 500;

// Note [Nesting limits]
// ~~~~~~~~~~~~~~~~~~~~~
// The LR parser itself does not recurse, but every pass after it walks the AST
// recursively (and even dropping a `Box<Expr>` chain recurses). So the front end
// guarantees a bounded tree depth:
//  * brackets nest at most MAX_BRACKET_DEPTH deep and blocks MAX_INDENT_LEVELS deep;
//  * within one comma-separated item, every token that can add a level to the tree
//    (operators, keywords, `.`, an opening bracket) is counted, and a bracketed group
//    contributes its own depth plus one. That count is an upper bound on the depth
//    of the item's tree; it must stay below MAX_EXPR_DEPTH. Commas, `;`, `=` and line
//    ends reset the count, so a list literal with a million elements is fine.

/// The layout pass's result: tokens up to the first error, and that error.
pub struct Layout {
    pub tokens: Vec<Spanned>,
    pub error: Option<LayoutError>,
}

pub struct LayoutError {
    pub diag: Diagnostic,
    /// For "unclosed bracket" errors found at the end of input: where the bracket opened.
    /// The driver prefers this error over a parse error found after the bracket.
    pub unclosed_opener: Option<usize>,
}

#[derive(Default, Clone, Copy)]
struct DepthFrame {
    ops: u32,
    child: u32,
    item_max: u32,
}

impl DepthFrame {
    fn current(&self) -> u32 {
        self.ops + self.child
    }

    fn end_item(&mut self) {
        self.item_max = self.item_max.max(self.current());
        self.ops = 0;
        self.child = 0;
    }
}

fn closer_for(open: &Tok) -> &'static str {
    match open {
        Tok::LParen => ")",
        Tok::LBracket => "]",
        _ => "}",
    }
}

fn opener_text(open: &Tok) -> &'static str {
    match open {
        Tok::LParen => "(",
        Tok::LBracket => "[",
        _ => "{",
    }
}

/// Tokens that cannot add a level to an expression tree by themselves.
fn is_flat(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Name(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::FStr(_)
            | Tok::FString(_)
            | Tok::NoneKw
            | Tok::TrueKw
            | Tok::FalseKw
            | Tok::Ellipsis
            | Tok::Colon
    )
}

fn is_item_separator(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Comma
            | Tok::Semi
            | Tok::Assign
            | Tok::PlusEq
            | Tok::MinusEq
            | Tok::StarEq
            | Tok::SlashEq
            | Tok::DoubleSlashEq
            | Tok::PercentEq
            | Tok::DoubleStarEq
            | Tok::AtEq
            | Tok::AmperEq
            | Tok::VBarEq
            | Tok::CaretEq
            | Tok::LShiftEq
            | Tok::RShiftEq
    )
}

/// Runs the layout pass over `text`, which starts at byte `base` of file `file`.
/// With `expr_mode` (an f-string replacement field), the text is treated as if inside
/// brackets: no NEWLINE, INDENT or DEDENT tokens are produced.
pub fn layout(text: &str, base: usize, file: FileId, expr_mode: bool) -> Layout {
    let mut out: Vec<Spanned> = Vec::new();
    let mut indents: Vec<usize> = vec![0];
    let mut brackets: Vec<(Tok, usize, usize)> = Vec::new();
    let mut frames: Vec<DepthFrame> = vec![DepthFrame::default()];
    let mut at_line_start = true;
    let span = |lo: usize, hi: usize| Span::new(file, lo, hi);
    let fail = |out: Vec<Spanned>, diag: Diagnostic| Layout {
        tokens: out,
        error: Some(LayoutError { diag, unclosed_opener: None }),
    };

    for item in lex(text, base, file) {
        let (lo, tok, hi) = match item {
            Ok(t) => t,
            Err(diag) => return fail(out, diag),
        };
        if tok == Tok::Newline {
            if !brackets.is_empty() || expr_mode || at_line_start {
                continue;
            }
            out.push((lo, Tok::Newline, hi));
            at_line_start = true;
            frames = vec![DepthFrame::default()];
            continue;
        }
        if at_line_start && !expr_mode {
            at_line_start = false;
            let rel_lo = lo.saturating_sub(base);
            let before = text.get(..rel_lo).unwrap_or("");
            let line_start = before.rfind(['\n', '\r']).map_or(0, |p| p + 1);
            let indent_text = before.get(line_start..).unwrap_or("");
            if let Some(tab) = indent_text.find('\t') {
                let at = base + line_start + tab;
                let diag = Diagnostic::new(Code::Indent, "tabs are not allowed in indentation")
                    .with_label(span(at, at + 1), "tab character")
                    .with_help("indent with spaces");
                return fail(out, diag);
            }
            let col = indent_text.rsplit('\x0C').next().map_or(0, |s| s.chars().count());
            let top = indents.last().copied().unwrap_or(0);
            if col > top {
                if indents.len() > MAX_INDENT_LEVELS {
                    let diag = Diagnostic::new(Code::Indent, "too many levels of indentation")
                        .with_label(span(base + line_start, lo), "")
                        .with_help(format!("at most {MAX_INDENT_LEVELS} nested blocks are allowed"));
                    return fail(out, diag);
                }
                indents.push(col);
                out.push((base + line_start, Tok::Indent, lo));
            } else if col < top {
                while indents.last().is_some_and(|&level| col < level) {
                    indents.pop();
                    out.push((lo, Tok::Dedent, lo));
                }
                if indents.last().copied().unwrap_or(0) != col {
                    let diag = Diagnostic::new(Code::Indent, "unindent does not match any outer indentation level")
                        .with_label(span(base + line_start, lo), "this line's indentation")
                        .with_help("dedent to the indentation of an enclosing block");
                    return fail(out, diag);
                }
            }
        }

        match tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => {
                if brackets.len() >= MAX_BRACKET_DEPTH {
                    let diag = Diagnostic::new(Code::Syntax, "too deeply nested")
                        .with_label(span(lo, hi), "")
                        .with_help(format!("at most {MAX_BRACKET_DEPTH} brackets may be open at once"));
                    return fail(out, diag);
                }
                if let Some(frame) = frames.last_mut() {
                    frame.ops += 1;
                }
                frames.push(DepthFrame::default());
                brackets.push((tok.clone(), lo, hi));
            }
            Tok::RParen | Tok::RBracket | Tok::RBrace => {
                let text_of = if tok == Tok::RParen {
                    ")"
                } else if tok == Tok::RBracket {
                    "]"
                } else {
                    "}"
                };
                match brackets.pop() {
                    None => {
                        let diag = Diagnostic::new(Code::Syntax, format!("unmatched `{text_of}`"))
                            .with_label(span(lo, hi), "no bracket is open here");
                        return fail(out, diag);
                    }
                    Some((open, open_lo, open_hi)) => {
                        if closer_for(&open) != text_of {
                            let diag = Diagnostic::new(
                                Code::Syntax,
                                format!("closing `{text_of}` does not match opening `{}`", opener_text(&open)),
                            )
                            .with_label(span(lo, hi), format!("expected `{}`", closer_for(&open)))
                            .with_label(span(open_lo, open_hi), "opened here");
                            return fail(out, diag);
                        }
                    }
                }
                let inner = frames.pop().unwrap_or_default();
                let depth = inner.item_max.max(inner.current()) + 1;
                if let Some(frame) = frames.last_mut() {
                    frame.child = frame.child.max(depth);
                }
            }
            _ => {
                if let Some(frame) = frames.last_mut() {
                    if is_item_separator(&tok) {
                        frame.end_item();
                    } else if !is_flat(&tok) {
                        frame.ops += 1;
                    }
                }
            }
        }
        if frames.last().is_some_and(|f| f.current() > MAX_EXPR_DEPTH) {
            let diag = Diagnostic::new(Code::Syntax, "expression is too deeply nested")
                .with_label(span(lo, hi), "")
                .with_help("split it into several statements");
            return fail(out, diag);
        }
        out.push((lo, tok, hi));
    }

    let end = base + text.len();
    if let Some((open, open_lo, open_hi)) = brackets.last() {
        let diag = Diagnostic::new(Code::Syntax, format!("unclosed `{}`", opener_text(open)))
            .with_label(span(*open_lo, *open_hi), "this bracket is never closed")
            .with_help(format!("add a matching `{}`", closer_for(open)));
        return Layout { tokens: out, error: Some(LayoutError { diag, unclosed_opener: Some(*open_lo) }) };
    }
    if !expr_mode {
        if !at_line_start {
            out.push((end, Tok::Newline, end));
        }
        for _ in 1..indents.len() {
            out.push((end, Tok::Dedent, end));
        }
    }
    Layout { tokens: out, error: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> String {
        let result = layout(src, 0, 0, false);
        let mut parts: Vec<String> = result
            .tokens
            .iter()
            .map(|(_, t, _)| match t {
                Tok::Newline => "NL".to_string(),
                Tok::Indent => "IN".to_string(),
                Tok::Dedent => "DE".to_string(),
                Tok::Name(n) => n.clone(),
                Tok::Int(i) => i.to_string(),
                other => format!("{other:?}"),
            })
            .collect();
        if let Some(err) = result.error {
            parts.push(format!("ERR({})", err.diag.message));
        }
        parts.join(" ")
    }

    #[test]
    fn layout_cases() {
        let cases = [
            ("", ""),
            ("x", "x NL"),
            ("a\n  b\nc\n", "a NL IN b NL DE c NL"),
            ("a\n  b\n    c\n", "a NL IN b NL IN c NL DE DE"),
            ("a\n\n   # c\n\nb", "a NL b NL"),
            ("a (\n 1,\n2)\n", "a LParen 1 Comma 2 RParen NL"),
            ("a \\\n  b\n", "a b NL"),
            ("a\r\n  b\r\n", "a NL IN b NL DE"),
            ("a\n    b\n  c\n", "a NL IN b NL DE ERR(unindent does not match any outer indentation level)"),
            ("a\n\tb\n", "a NL ERR(tabs are not allowed in indentation)"),
            ("a)", "a ERR(unmatched `)`)"),
            ("(]", "LParen ERR(closing `]` does not match opening `(`)"),
            ("f([1", "f LParen LBracket 1 ERR(unclosed `[`)"),
        ];
        for (src, expected) in cases {
            assert_eq!(kinds(src), expected, "source: {src:?}");
        }
    }

    #[test]
    fn nesting_limits() {
        let deep = "(".repeat(10_000);
        assert!(kinds(&deep).ends_with("ERR(too deeply nested)"));
        let long_sum = format!("x = {}1", "1 + ".repeat(2000));
        assert!(kinds(&long_sum).ends_with("ERR(expression is too deeply nested)"));
        let wide = format!("x = [{}]", "1 + 2, ".repeat(5000));
        assert!(!kinds(&wide).contains("ERR"));
    }
}
