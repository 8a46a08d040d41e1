//! The parser driver: runs lexer, layout pass and the generated LR parser, converts
//! f-string tokens on the way, and turns the first parse error into a `Diagnostic`.

use crate::actions::Top;
use crate::ast::Module;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::fstring;
use crate::grammar::TopParser;
use crate::layout::{layout, Layout};
use crate::lexer::{describe, Spanned, Tok, KEYWORDS};
use crate::span::{FileId, Span};
use lalrpop_util::ParseError;

/// Names of Python statements hpxl does not have; a syntax error on a line that starts
/// with one of them is reported as "not supported" rather than as a typo.
const UNSUPPORTED_STATEMENTS: &[(&str, &str)] = &[
    ("class", "class definitions"),
    ("try", "`try` statements"),
    ("except", "`try`/`except` statements"),
    ("finally", "`try`/`finally` statements"),
    ("yield", "generators (`yield`)"),
    ("async", "`async` functions"),
    ("await", "`await` expressions"),
];

/// Deepest nesting of f-strings inside f-string replacement fields and format specs.
const MAX_FSTRING_DEPTH: u32 = 6;

/// Parses a whole source file into a module. Reports the first error only.
pub fn parse_module(source: &str, file: FileId) -> Result<Module, Diagnostic> {
    parse_source(source, file, true)
}

fn parse_source(source: &str, file: FileId, with_hints: bool) -> Result<Module, Diagnostic> {
    let base = if source.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() } else { 0 };
    let text = source.get(base..).unwrap_or("");
    let lay = layout(text, base, file, false);
    match run(source, file, lay, None, 0, with_hints)? {
        Top::Module(body) => Ok(Module { body }),
        Top::Expr(e) => Err(Diagnostic::new(Code::Internal, "parser: expected a module, got an expression").at(e.span)),
    }
}

/// Parses `source[lo..hi]` as the expression of an f-string replacement field.
pub(crate) fn parse_field_expr(
    source: &str,
    lo: usize,
    hi: usize,
    file: FileId,
    depth: u32,
) -> Result<crate::ast::Expr, Diagnostic> {
    if depth > MAX_FSTRING_DEPTH {
        return Err(
            Diagnostic::new(Code::Syntax, "f-strings are nested too deeply").with_label(Span::new(file, lo, hi), "")
        );
    }
    let text = source.get(lo..hi).unwrap_or("");
    let lay = layout(text, lo, file, true);
    match run(source, file, lay, Some(lo), depth, false)? {
        Top::Expr(e) => Ok(e),
        Top::Module(_) => {
            Err(Diagnostic::new(Code::Internal, "parser: expected an f-string expression").at(Span::new(file, lo, hi)))
        }
    }
}

/// Feeds the layout output to the LR parser. `expr_start` selects expression mode.
fn run(
    source: &str,
    file: FileId,
    lay: Layout,
    expr_start: Option<usize>,
    depth: u32,
    with_hints: bool,
) -> Result<Top, Diagnostic> {
    let Layout { tokens, error } = lay;
    let (layout_diag, unclosed_opener) = match error {
        Some(e) => (Some(e.diag), e.unclosed_opener),
        None => (None, None),
    };
    let start = expr_start.map(|at| Ok((at, Tok::StartExpr, at)));
    let mut failed = false;
    let converted = tokens.iter().map_while(|(lo, tok, hi)| {
        if failed {
            return None;
        }
        match tok {
            Tok::FStr(raw) => match fstring::parse_fstring(source, *lo, raw, file, depth + 1) {
                Ok(parts) => Some(Ok((*lo, Tok::FString(parts), *hi))),
                Err(diag) => {
                    failed = true;
                    Some(Err(diag))
                }
            },
            other => Some(Ok((*lo, other.clone(), *hi))),
        }
    });
    let trailing_error = layout_diag.clone().map(Err);
    let stream = start.into_iter().chain(converted).chain(trailing_error);
    match TopParser::new().parse(file, stream) {
        Ok(top) => Ok(top),
        Err(ParseError::User { error }) => Err(error),
        Err(err) => {
            let diag = describe_error(err, source, file, &tokens, expr_start.is_some());
            if let (Some(opener), Some(layout_diag)) = (unclosed_opener, layout_diag) {
                // As in Python: an unclosed bracket explains any confusion after it.
                if diag.primary_span().is_none_or(|s| s.lo as usize >= opener) {
                    return Err(layout_diag);
                }
            }
            if with_hints {
                return Err(add_keyword_hint(diag, source, file, &tokens));
            }
            Err(diag)
        }
    }
}

fn is_line_boundary(tok: &Tok) -> bool {
    matches!(tok, Tok::Newline | Tok::Indent | Tok::Dedent)
}

/// Index of the first token of the logical line containing token `idx`.
fn line_start(tokens: &[Spanned], idx: usize) -> usize {
    let mut j = idx.min(tokens.len());
    while j > 0 && tokens.get(j - 1).is_some_and(|t| !is_line_boundary(&t.1)) {
        j -= 1;
    }
    j
}

fn header_context(tok: &Tok) -> Option<(&'static str, &'static str)> {
    match tok {
        Tok::If => Some(("`if` condition", "`if` statement")),
        Tok::Elif => Some(("`elif` condition", "`elif` clause")),
        Tok::Else => Some(("`else`", "`else` clause")),
        Tok::While => Some(("`while` condition", "`while` statement")),
        Tok::For => Some(("`for` clause", "`for` statement")),
        Tok::Def => Some(("function signature", "function definition")),
        Tok::With => Some(("`with` items", "`with` statement")),
        _ => None,
    }
}

fn is_atom(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Name(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::FStr(_)
            | Tok::NoneKw
            | Tok::TrueKw
            | Tok::FalseKw
    )
}

fn line_number(source: &str, offset: usize) -> usize {
    source.as_bytes().iter().take(offset).filter(|&&b| b == b'\n').count() + 1
}

/// Turns a parser error into the diagnostic users see.
fn describe_error(
    err: ParseError<usize, Tok, Diagnostic>,
    source: &str,
    file: FileId,
    tokens: &[Spanned],
    in_fstring: bool,
) -> Diagnostic {
    let (lo, hi, tok, expected) = match err {
        ParseError::User { error } => return error,
        ParseError::UnrecognizedToken { token: (lo, tok, hi), expected } => (lo, hi, Some(tok), expected),
        ParseError::ExtraToken { token: (lo, tok, hi) } => (lo, hi, Some(tok), Vec::new()),
        ParseError::UnrecognizedEof { location, expected } => (location, location, None, expected),
        ParseError::InvalidToken { location } => (location, location, None, Vec::new()),
    };
    let span = Span::new(file, lo, hi);
    let expected: Vec<String> = expected.iter().map(|e| e.trim_matches('"').to_string()).collect();
    let wants = |name: &str| expected.iter().any(|e| e == name);
    let idx = tokens.partition_point(|t| t.0 < lo);
    let at_end = tok.is_none()
        || tokens.get(idx..).is_some_and(|rest| rest.iter().all(|t| matches!(t.1, Tok::Newline | Tok::Dedent)));
    let what = match &tok {
        Some(Tok::Newline) | Some(Tok::Dedent) | None if at_end => {
            if in_fstring {
                "end of f-string expression".to_string()
            } else {
                "end of input".to_string()
            }
        }
        Some(t) => describe(t, source.get(lo..hi).unwrap_or("")),
        None => "end of input".to_string(),
    };

    if matches!(tok, Some(Tok::Indent)) {
        let at = tokens.get(idx + 1).map_or(span, |t| Span::new(file, t.0, t.0));
        return Diagnostic::new(Code::Indent, "unexpected indent")
            .with_label(if hi > lo { span } else { at }, "this line is indented more than the one before")
            .with_help("remove the extra indentation");
    }

    if wants("Indent") && expected.len() == 1 {
        let header_idx = line_start(tokens, idx.saturating_sub(1));
        let header = tokens.get(header_idx);
        let what_block = header.and_then(|t| header_context(&t.1)).map_or("`:`", |h| h.1);
        let line = header.map_or(1, |t| line_number(source, t.0));
        return Diagnostic::new(Code::Indent, format!("expected an indented block after {what_block} on line {line}"))
            .with_label(span, "expected an indented statement here")
            .with_help("indent the body of the block, or write `pass` if it is empty");
    }

    let start = line_start(tokens, idx);
    let header = tokens.get(start).and_then(|t| header_context(&t.1));
    if let Some((after, _)) = header {
        if wants(":") && matches!(tok, Some(Tok::Newline) | None) {
            return Diagnostic::new(Code::Syntax, format!("expected `:` after {after}"))
                .with_label(span, "expected `:`")
                .with_help("a block header ends with `:`");
        }
    }

    let mut diag = if wants("Int") {
        Diagnostic::new(Code::Syntax, format!("unexpected {what}, expected an expression"))
            .with_label(span, "expected an expression")
    } else if wants("Name") && expected.len() <= 4 {
        Diagnostic::new(Code::Syntax, format!("unexpected {what}, expected a name")).with_label(span, "expected a name")
    } else {
        Diagnostic::new(Code::Syntax, format!("unexpected {what}")).with_label(span, "")
    };
    let previous = idx.checked_sub(1).and_then(|i| tokens.get(i));
    if let (Some(t), Some(prev)) = (&tok, previous) {
        if is_atom(t) && is_atom(&prev.1) {
            diag = diag.with_help("perhaps a comma or an operator is missing");
        } else if matches!(t, Tok::Assign) && header.is_some() {
            diag = diag.with_help("to compare values use `==`");
        }
    }
    if diag.help.is_none() {
        if let Some((after, _)) = header {
            if wants(":") {
                diag = diag.with_help(format!("expected `:` after {after}"));
            }
        }
    }
    if diag.help.is_none() && !expected.is_empty() && expected.len() <= 3 {
        let list: Vec<String> = expected.iter().map(|e| pretty_expected(e)).collect();
        diag = diag.with_help(format!("expected {}", list.join(" or ")));
    }
    diag
}

fn pretty_expected(name: &str) -> String {
    match name {
        "Name" => "a name".into(),
        "Int" | "Float" => "a number".into(),
        "Str" | "FString" => "a string".into(),
        "Newline" => "end of line".into(),
        "Indent" => "an indented block".into(),
        "Dedent" => "end of block".into(),
        other => format!("`{other}`"),
    }
}

/// If the line with the error starts with a name that looks like a misspelled keyword,
/// says which keyword (only if substituting it makes that line parse), or says that the
/// Python statement it names is not supported.
fn add_keyword_hint(diag: Diagnostic, source: &str, file: FileId, tokens: &[Spanned]) -> Diagnostic {
    let Some(err_span) = diag.primary_span() else {
        return diag;
    };
    let idx = tokens.partition_point(|t| t.0 < err_span.lo as usize);
    let start = line_start(tokens, idx);
    let Some((name_lo, Tok::Name(name), name_hi)) = tokens.get(start) else {
        return diag;
    };
    if start == idx {
        // The name itself is the problem (e.g. after a missing newline); no hint.
        return diag;
    }
    if let Some((_, what)) = UNSUPPORTED_STATEMENTS.iter().find(|(kw, _)| kw == name) {
        return Diagnostic::new(Code::Unsupported, format!("{what} are not supported"))
            .with_label(Span::new(file, *name_lo, *name_hi), "")
            .with_note("hpxl supports the subset of Python described in LANGUAGE.md");
    }
    let line_end = source.get(*name_lo..).and_then(|rest| rest.find('\n')).map_or(source.len(), |p| name_lo + p);
    let mut fixing: Vec<&str> = Vec::new();
    for &kw in KEYWORDS {
        let close = did_you_mean(name, [kw]).is_some()
            || strsim::osa_distance(name, kw) <= 1
            || name.to_lowercase() == kw.to_lowercase();
        if !close || kw == name {
            continue;
        }
        let mut patched = String::with_capacity(source.len() + kw.len());
        patched.push_str(source.get(..*name_lo).unwrap_or(""));
        patched.push_str(kw);
        patched.push_str(source.get(*name_hi..).unwrap_or(""));
        let shift = kw.len() as isize - name.len() as isize;
        let patched_line_end = (line_end as isize + shift).max(0) as usize;
        let fixed = match parse_source(&patched, file, false) {
            Ok(_) => true,
            Err(d) => d.primary_span().is_some_and(|s| s.lo as usize > patched_line_end),
        };
        if fixed {
            fixing.push(kw);
        }
    }
    let best = did_you_mean(name, fixing.iter().copied())
        .or_else(|| fixing.iter().copied().min_by_key(|kw| strsim::osa_distance(name, kw)));
    match best {
        Some(kw) => diag
            .with_label(Span::new(file, *name_lo, *name_hi), format!("did you mean `{kw}`?"))
            .with_help(format!("did you mean `{kw}`?")),
        None => diag,
    }
}
