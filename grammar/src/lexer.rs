//! The logos lexer: source text to raw tokens (no layout yet), with string escapes decoded
//! and every lexing error reported as a `Code::Syntax` diagnostic with a precise span.

use crate::ast::FStringPart;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use logos::Logos;

/// Where an f-string's body lies, relative to the start of its token, so the f-string
/// parser can find the raw text in the original source.
#[derive(Clone, Debug, PartialEq)]
pub struct FStrRaw {
    /// Offset of the first body byte from the token start (after prefix and quotes).
    pub body_rel_lo: usize,
    /// Offset one past the last body byte from the token start.
    pub body_rel_hi: usize,
    /// `rf"..."`: no escape processing in the literal pieces.
    pub raw: bool,
}

/// Why lexing failed; `rel` is a byte range relative to the start of the failing token
/// (when absent, the whole matched slice is used).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LexError {
    pub message: String,
    pub help: Option<String>,
    pub rel: Option<(usize, usize)>,
}

impl LexError {
    fn new(message: impl Into<String>, rel: Option<(usize, usize)>) -> LexError {
        LexError { message: message.into(), help: None, rel }
    }

    fn from_lexer(lex: &mut logos::Lexer<'_, Tok>) -> LexError {
        let slice = lex.slice();
        if slice.starts_with('\\') {
            return LexError::new("unexpected character after line continuation `\\`", Some((0, 1)))
                .with_help("a `\\` joins lines only when it is the last character on its line");
        }
        match slice.chars().next() {
            Some(c) => {
                let mut err =
                    LexError::new(format!("unexpected character `{}`", c.escape_debug()), Some((0, c.len_utf8())));
                if c == '$' || c == '?' || c == '`' {
                    err.help = Some("this character has no meaning in hpxl outside strings and comments".into());
                }
                if c == '\t' {
                    err.message = "unexpected tab character".into();
                }
                err
            }
            None => LexError::new("unexpected character", None),
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> LexError {
        self.help = Some(help.into());
        self
    }
}

/// Tokens. The first group comes from logos; `Newline` comes from logos too but is turned
/// into layout tokens by `layout`; `Indent`, `Dedent`, `StartExpr` and `FString` are made
/// by later passes.
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error(LexError, LexError::from_lexer))]
#[logos(skip r"[ \t\x0C]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
#[logos(skip r"\\(\r\n|\r|\n)")]
pub enum Tok {
    #[regex(r"\r\n|\r|\n")]
    Newline,
    /// Made by the layout pass.
    Indent,
    /// Made by the layout pass.
    Dedent,
    /// Marks an f-string replacement field parse (an expression, not a module).
    StartExpr,

    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}]*", |lex| lex.slice().to_string())]
    Name(String),

    #[regex(r"[0-9](_?[0-9])*", lex_decimal)]
    #[regex(r"0[xX](_?[0-9a-fA-F])+", |lex| lex_radix(lex, 16))]
    #[regex(r"0[oO](_?[0-7])+", |lex| lex_radix(lex, 8))]
    #[regex(r"0[bB](_?[01])+", |lex| lex_radix(lex, 2))]
    Int(u64),

    #[regex(r"[0-9](_?[0-9])*\.([0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?", lex_float)]
    #[regex(r"\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?", lex_float)]
    #[regex(r"[0-9](_?[0-9])*[eE][+-]?[0-9](_?[0-9])*", lex_float)]
    Float(f64),

    #[regex(r#"[rRuU]?["']"#, lex_string)]
    Str(String),

    #[regex(r#"([fF]|[rR][fF]|[fF][rR])["']"#, lex_fstring)]
    FStr(FStrRaw),

    /// An f-string whose replacement fields have been parsed (made by the parser driver).
    FString(Vec<FStringPart>),

    #[token("def")]
    Def,
    #[token("return")]
    Return,
    #[token("if")]
    If,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("while")]
    While,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("not")]
    Not,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("is")]
    Is,
    #[token("None")]
    NoneKw,
    #[token("True")]
    TrueKw,
    #[token("False")]
    FalseKw,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("pass")]
    Pass,
    #[token("assert")]
    Assert,
    #[token("import")]
    Import,
    #[token("from")]
    From,
    #[token("as")]
    As,
    #[token("lambda")]
    Lambda,
    #[token("with")]
    With,
    #[token("global")]
    Global,
    #[token("nonlocal")]
    Nonlocal,
    #[token("del")]
    Del,
    #[token("raise")]
    Raise,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token("->")]
    Arrow,
    #[token("=")]
    Assign,

    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("//")]
    DoubleSlash,
    #[token("%")]
    Percent,
    #[token("**")]
    DoubleStar,
    #[token("@")]
    At,
    #[token("<<")]
    LShift,
    #[token(">>")]
    RShift,
    #[token("&")]
    Amper,
    #[token("|")]
    VBar,
    #[token("^")]
    Caret,
    #[token("~")]
    Tilde,

    #[token("<")]
    Less,
    #[token(">")]
    Greater,
    #[token("<=")]
    LessEq,
    #[token(">=")]
    GreaterEq,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,

    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("//=")]
    DoubleSlashEq,
    #[token("%=")]
    PercentEq,
    #[token("**=")]
    DoubleStarEq,
    #[token("@=")]
    AtEq,
    #[token("&=")]
    AmperEq,
    #[token("|=")]
    VBarEq,
    #[token("^=")]
    CaretEq,
    #[token("<<=")]
    LShiftEq,
    #[token(">>=")]
    RShiftEq,
}

/// Keywords, for "did you mean" hints.
pub const KEYWORDS: &[&str] = &[
    "def", "return", "if", "elif", "else", "while", "for", "in", "not", "and", "or", "is", "None", "True", "False",
    "break", "continue", "pass", "assert", "import", "from", "as", "lambda", "with", "global", "nonlocal", "del",
    "raise",
];

/// A token with its byte range in the original source.
pub type Spanned = (usize, Tok, usize);

/// Lexes `text`, which starts at byte `base` of the file, into tokens with absolute offsets.
/// Stops at the first error.
pub fn lex(text: &str, base: usize, file: FileId) -> impl Iterator<Item = Result<Spanned, Diagnostic>> + '_ {
    let mut lexer = Tok::lexer(text);
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let tok = lexer.next()?;
        let range = lexer.span();
        match tok {
            Ok(tok) => Some(Ok((base + range.start, tok, base + range.end))),
            Err(err) => {
                failed = true;
                let (lo, hi) = match err.rel {
                    Some((a, b)) => (range.start + a, range.start + b),
                    None => (range.start, range.end),
                };
                let span = Span::new(file, base + lo, base + hi.max(lo));
                let mut diag = Diagnostic::new(Code::Syntax, err.message).with_label(span, "");
                if let Some(help) = err.help {
                    diag = diag.with_help(help);
                }
                Some(Err(diag))
            }
        }
    })
}

fn digits_without_underscores(s: &str) -> String {
    s.chars().filter(|&c| c != '_').collect()
}

fn too_large(len: usize) -> LexError {
    LexError::new("integer literal is too large (the largest is 18446744073709551615)", Some((0, len)))
}

fn lex_decimal(lex: &mut logos::Lexer<'_, Tok>) -> Result<u64, LexError> {
    let slice = lex.slice();
    let digits = digits_without_underscores(slice);
    if digits.len() > 1 && digits.starts_with('0') && digits.chars().any(|c| c != '0') {
        return Err(LexError::new(
            "leading zeros in decimal integer literals are not permitted",
            Some((0, slice.len())),
        )
        .with_help("use an `0o` prefix for octal integers"));
    }
    digits.parse::<u64>().map_err(|_| too_large(slice.len()))
}

fn lex_radix(lex: &mut logos::Lexer<'_, Tok>, radix: u32) -> Result<u64, LexError> {
    let slice = lex.slice();
    let digits = digits_without_underscores(slice.get(2..).unwrap_or(""));
    u64::from_str_radix(&digits, radix).map_err(|_| too_large(slice.len()))
}

fn lex_float(lex: &mut logos::Lexer<'_, Tok>) -> Result<f64, LexError> {
    let slice = lex.slice();
    let text = digits_without_underscores(slice);
    text.parse::<f64>().map_err(|_| LexError::new("invalid float literal", Some((0, slice.len()))))
}

/// The shape of a string literal after its opening quote: where its body ends and where the
/// token ends, both relative to the token start.
struct StrExtent {
    body_lo: usize,
    body_hi: usize,
    end: usize,
}

/// Scans a string literal whose prefix and first quote have just been matched, bumping the
/// lexer to its end.
fn scan_string(lex: &mut logos::Lexer<'_, Tok>) -> Result<StrExtent, LexError> {
    let head = lex.slice();
    let quote = match head.chars().last() {
        Some(q) => q,
        None => return Err(LexError::new("malformed string", None)),
    };
    let rest = lex.remainder();
    let triple_quote: String = [quote, quote].iter().collect();
    let triple = rest.starts_with(&triple_quote);
    let body_lo = head.len() + if triple { 2 } else { 0 };
    let body = if triple { rest.get(2..).unwrap_or("") } else { rest };
    let mut chars = body.char_indices();
    let close_len = if triple { 3 } else { 1 };
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\n' | '\r' if !triple => {
                return Err(LexError::new("unterminated string literal", Some((0, body_lo)))
                    .with_help("close the string on the same line, or use a triple-quoted string"));
            }
            c if c == quote && (!triple || body.get(i..i + 3) == Some(&format!("{quote}{quote}{quote}")[..])) => {
                let body_hi = body_lo + i;
                let end = body_hi + close_len;
                lex.bump(end - head.len());
                return Ok(StrExtent { body_lo, body_hi, end });
            }
            _ => {}
        }
    }
    let what = if triple { "unterminated triple-quoted string" } else { "unterminated string literal" };
    Err(LexError::new(what, Some((0, body_lo))).with_help("the string starts here and is never closed"))
}

fn lex_string(lex: &mut logos::Lexer<'_, Tok>) -> Result<String, LexError> {
    let raw = lex.slice().starts_with(['r', 'R']);
    let extent = scan_string(lex)?;
    let text = lex.slice();
    let body = text.get(extent.body_lo..extent.body_hi).unwrap_or("");
    if extent.end != text.len() {
        return Err(LexError::new("malformed string", None));
    }
    if raw {
        return Ok(body.to_string());
    }
    unescape(body).map_err(|(msg, lo, hi)| LexError::new(msg, Some((extent.body_lo + lo, extent.body_lo + hi))))
}

fn lex_fstring(lex: &mut logos::Lexer<'_, Tok>) -> Result<FStrRaw, LexError> {
    let raw = lex.slice().contains(['r', 'R']);
    let extent = scan_string(lex)?;
    Ok(FStrRaw { body_rel_lo: extent.body_lo, body_rel_hi: extent.body_hi, raw })
}

/// Decodes Python string escapes. Unknown escapes are kept literally, as Python does.
/// Errors carry a message and the byte range of the bad escape within `body`.
pub fn unescape(body: &str) -> Result<String, (String, usize, usize)> {
    if !body.contains('\\') {
        return Ok(body.to_string());
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((j, e)) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                if let Some((_, '\n')) = chars.peek() {
                    chars.next();
                }
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0C'),
            'v' => out.push('\x0B'),
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&(_, d)) if d.is_digit(8) => {
                            value = value * 8 + d.to_digit(8).unwrap_or(0);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{FFFD}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let start = j + 1;
                let hex = body.get(start..start + n).filter(|h| h.chars().all(|d| d.is_ascii_hexdigit()));
                let Some(hex) = hex else {
                    let end = body.get(start..).map_or(start, |rest| {
                        start + rest.char_indices().take(n).map(|(k, ch)| k + ch.len_utf8()).last().unwrap_or(0)
                    });
                    return Err((format!("truncated `\\{e}` escape: expected {n} hex digits"), i, end));
                };
                let value = u32::from_str_radix(hex, 16).unwrap_or(0);
                let Some(ch) = char::from_u32(value) else {
                    return Err((format!("invalid unicode escape `\\{e}{hex}`"), i, start + n));
                };
                out.push(ch);
                for _ in 0..n {
                    chars.next();
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// How a token reads in an error message ("`)`", "name `x`", "end of line").
pub fn describe(tok: &Tok, source_text: &str) -> String {
    match tok {
        Tok::Newline => "end of line".into(),
        Tok::Indent => "indent".into(),
        Tok::Dedent => "end of block".into(),
        Tok::StartExpr => "start of expression".into(),
        Tok::Name(n) => format!("name `{n}`"),
        Tok::Int(_) | Tok::Float(_) => format!("number `{source_text}`"),
        Tok::Str(_) | Tok::FStr(_) | Tok::FString(_) => "string".into(),
        _ => format!("`{source_text}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src, 0, 0).filter_map(|t| t.ok()).map(|t| t.1).collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(
            toks("42 1_000 0x1F 0o17 0b101"),
            vec![Tok::Int(42), Tok::Int(1000), Tok::Int(31), Tok::Int(15), Tok::Int(5)]
        );
        assert_eq!(
            toks("1.5 .5 1e-3 2. 1_0.5e+3"),
            vec![Tok::Float(1.5), Tok::Float(0.5), Tok::Float(1e-3), Tok::Float(2.0), Tok::Float(10.5e3)]
        );
        assert_eq!(toks("..."), vec![Tok::Ellipsis]);
    }

    #[test]
    fn strings() {
        assert_eq!(
            toks(r#"'a\n' "b\x41\u00e9\q" r"\n""#),
            vec![Tok::Str("a\n".into()), Tok::Str("bAé\\q".into()), Tok::Str("\\n".into())]
        );
        assert_eq!(toks("'''a\nb'''"), vec![Tok::Str("a\nb".into())]);
    }

    #[test]
    fn errors_have_spans() {
        let err = lex("x = 'abc\n", 0, 0).find_map(|t| t.err());
        assert_eq!(err.and_then(|d| d.primary_span()).map(|s| s.range()), Some(4..5));
        let err = lex("x = 99999999999999999999999", 0, 0).find_map(|t| t.err());
        assert_eq!(err.and_then(|d| d.primary_span()).map(|s| s.range()), Some(4..27));
    }
}
