//! f-strings: splits an f-string body into literal pieces and replacement fields, and parses
//! each field's expression with the expression parser, with spans into the original source.

use crate::ast::FStringPart;
use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{unescape, FStrRaw};
use crate::parser::parse_field_expr;
use crate::span::{FileId, Span};

/// Deepest nesting of replacement fields inside format specs (`{x:{w}}` is 1).
const MAX_SPEC_NESTING: u32 = 2;

struct FParser<'a> {
    source: &'a str,
    file: FileId,
    depth: u32,
    raw: bool,
}

/// Parses the f-string token starting at byte `tok_lo` of `source`.
pub fn parse_fstring(
    source: &str,
    tok_lo: usize,
    raw: &FStrRaw,
    file: FileId,
    depth: u32,
) -> Result<Vec<FStringPart>, Diagnostic> {
    let parser = FParser { source, file, depth, raw: raw.raw };
    let lo = tok_lo + raw.body_rel_lo;
    let hi = tok_lo + raw.body_rel_hi;
    let (parts, _) = parser.parts(lo, hi, 0)?;
    Ok(parts)
}

impl FParser<'_> {
    fn error(&self, lo: usize, hi: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Code::Syntax, message).with_label(Span::new(self.file, lo, hi.max(lo)), "")
    }

    fn char_at(&self, pos: usize, hi: usize) -> Option<char> {
        if pos >= hi {
            return None;
        }
        self.source.get(pos..).and_then(|s| s.chars().next())
    }

    fn flush(
        &self,
        parts: &mut Vec<FStringPart>,
        lit_lo: usize,
        lit_hi: usize,
        extra: &mut String,
    ) -> Result<(), Diagnostic> {
        let raw_text = self.source.get(lit_lo..lit_hi).unwrap_or("");
        let mut text = if self.raw {
            raw_text.to_string()
        } else {
            unescape(raw_text).map_err(|(msg, a, b)| self.error(lit_lo + a, lit_lo + b, msg))?
        };
        text.insert_str(0, extra);
        extra.clear();
        if !text.is_empty() {
            if let Some(FStringPart::Lit(prev)) = parts.last_mut() {
                prev.push_str(&text);
            } else {
                parts.push(FStringPart::Lit(text));
            }
        }
        Ok(())
    }

    /// Literal pieces and fields from `lo` up to `hi` (top level, `nesting == 0`) or up to the
    /// `}` that closes a format spec (`nesting > 0`). Returns the parts and where it stopped.
    fn parts(&self, lo: usize, hi: usize, nesting: u32) -> Result<(Vec<FStringPart>, usize), Diagnostic> {
        let mut parts = Vec::new();
        let mut pos = lo;
        let mut lit_lo = lo;
        let mut pending = String::new();
        while let Some(c) = self.char_at(pos, hi) {
            match c {
                '\\' if !self.raw => {
                    pos += 1;
                    if let Some(next) = self.char_at(pos, hi) {
                        pos += next.len_utf8();
                    }
                }
                '{' if self.char_at(pos + 1, hi) == Some('{') && nesting == 0 => {
                    self.flush(&mut parts, lit_lo, pos, &mut pending)?;
                    pending.push('{');
                    pos += 2;
                    lit_lo = pos;
                }
                '}' if self.char_at(pos + 1, hi) == Some('}') && nesting == 0 => {
                    self.flush(&mut parts, lit_lo, pos, &mut pending)?;
                    pending.push('}');
                    pos += 2;
                    lit_lo = pos;
                }
                '{' => {
                    if nesting > MAX_SPEC_NESTING {
                        return Err(self.error(pos, pos + 1, "f-string: format specs are nested too deeply"));
                    }
                    self.flush(&mut parts, lit_lo, pos, &mut pending)?;
                    let (field, next) = self.field(pos, hi, nesting)?;
                    parts.push(field);
                    pos = next;
                    lit_lo = pos;
                }
                '}' => {
                    if nesting > 0 {
                        self.flush(&mut parts, lit_lo, pos, &mut pending)?;
                        return Ok((parts, pos));
                    }
                    return Err(self
                        .error(pos, pos + 1, "f-string: single `}` is not allowed")
                        .with_help("write `}}` for a literal `}`"));
                }
                other => pos += other.len_utf8(),
            }
        }
        if nesting > 0 {
            return Err(self.error(lo.saturating_sub(1), lo, "f-string: expecting `}`"));
        }
        self.flush(&mut parts, lit_lo, pos, &mut pending)?;
        Ok((parts, pos))
    }

    /// A replacement field whose `{` is at `open`. Returns the field and the position after its `}`.
    fn field(&self, open: usize, hi: usize, nesting: u32) -> Result<(FStringPart, usize), Diagnostic> {
        let start = open + 1;
        let expr_end = self.expr_end(open, start, hi)?;
        let expr_text = self.source.get(start..expr_end).unwrap_or("");
        if expr_text.trim().is_empty() {
            return Err(self.error(open, expr_end + 1, "f-string: empty expression not allowed"));
        }
        let expr = parse_field_expr(self.source, start, expr_end, self.file, self.depth + 1)?;
        let mut pos = expr_end;
        let mut debug_text = None;
        if self.char_at(pos, hi) == Some('=') {
            pos += 1;
            while let Some(c) = self.char_at(pos, hi).filter(|c| c.is_whitespace()) {
                pos += c.len_utf8();
            }
            debug_text = self.source.get(start..pos).map(str::to_string);
        }
        let mut conversion = None;
        if self.char_at(pos, hi) == Some('!') {
            match self.char_at(pos + 1, hi) {
                Some(c @ ('r' | 's' | 'a')) => conversion = Some(c),
                _ => {
                    return Err(self
                        .error(pos, pos + 2, "f-string: invalid conversion character")
                        .with_help("use `!r`, `!s` or `!a`"))
                }
            }
            pos += 2;
        }
        let mut spec = Vec::new();
        if self.char_at(pos, hi) == Some(':') {
            let (spec_parts, end) = self.parts(pos + 1, hi, nesting + 1)?;
            spec = spec_parts;
            pos = end;
        }
        if self.char_at(pos, hi) != Some('}') {
            return Err(self
                .error(pos, pos + 1, "f-string: expecting `}`")
                .with_label(Span::new(self.file, open, open + 1), "field opened here"));
        }
        if debug_text.is_some() && conversion.is_none() && spec.is_empty() {
            conversion = Some('r');
        }
        Ok((FStringPart::Field { expr, conversion, spec, debug_text }, pos + 1))
    }

    /// Where the expression of a field starting at `start` ends: at a top-level `}`, `!`,
    /// `:` or debug `=`.
    fn expr_end(&self, open: usize, start: usize, hi: usize) -> Result<usize, Diagnostic> {
        let mut depth = 0usize;
        let mut pos = start;
        let mut prev = '\0';
        while let Some(c) = self.char_at(pos, hi) {
            let next = self.char_at(pos + c.len_utf8(), hi);
            match c {
                '\'' | '"' => {
                    pos = self.skip_string(pos, c, hi)?;
                    prev = c;
                    continue;
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                '}' if depth > 0 => depth -= 1,
                '}' => return Ok(pos),
                '#' => return Err(self.error(pos, pos + 1, "f-string expression part cannot include `#`")),
                '!' if depth == 0 && next != Some('=') => return Ok(pos),
                ':' if depth == 0 => return Ok(pos),
                '=' if depth == 0 && next != Some('=') && !matches!(prev, '=' | '!' | '<' | '>') => return Ok(pos),
                _ => {}
            }
            prev = c;
            pos += c.len_utf8();
        }
        Err(self.error(open, open + 1, "f-string: expecting `}`").with_help("this replacement field is never closed"))
    }

    /// Skips a string literal inside a field expression; returns the position after it.
    fn skip_string(&self, pos: usize, quote: char, hi: usize) -> Result<usize, Diagnostic> {
        let triple: String = [quote; 3].iter().collect();
        let is_triple = self.source.get(pos..hi).is_some_and(|s| s.starts_with(&triple));
        let mut p = pos + if is_triple { 3 } else { 1 };
        while let Some(c) = self.char_at(p, hi) {
            if c == '\\' {
                p += 1;
                if let Some(n) = self.char_at(p, hi) {
                    p += n.len_utf8();
                }
                continue;
            }
            if c == quote && (!is_triple || self.source.get(p..hi).is_some_and(|s| s.starts_with(&triple))) {
                return Ok(p + if is_triple { 3 } else { 1 });
            }
            p += c.len_utf8();
        }
        Err(self.error(pos, pos + 1, "unterminated string in f-string expression"))
    }
}
