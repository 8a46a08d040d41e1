//! Tab completion, hints and highlighting for the line editor. What to complete is
//! decided from the text before the cursor (`context`), candidates come from the
//! `Engine` (names in scope, attributes, parameters) and the file system.

use crate::input::scan;
use crate::{Engine, COMMANDS};
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

/// Keywords offered with names.
pub const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "break", "continue", "def", "elif", "else", "False", "for", "from", "if", "import", "in",
    "is", "lambda", "None", "not", "or", "pass", "raise", "return", "True", "while", "with",
];

/// What the word under the cursor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// A `:command` name.
    Command,
    /// A name: in scope, a builtin or keyword; `callee` is the function whose argument
    /// list the cursor is in (keyword arguments are offered too).
    Name { callee: Option<String> },
    /// An attribute of the expression before the `.`.
    Attribute { receiver: String },
    /// A file path inside a string literal (or after `:load`).
    Path,
    /// Builtin names after `:help`.
    HelpTopic,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The completion context at `pos` and the byte offset where the completed word starts.
pub fn context(line: &str, pos: usize) -> (usize, Context) {
    let before = &line[..pos];
    if let Some(rest) = before.trim_start().strip_prefix(':') {
        let offset = before.len() - rest.len();
        match rest.split_once(' ') {
            None => return (offset - 1, Context::Command),
            Some((cmd, arg)) => {
                let start = pos - arg.len() + (arg.len() - arg.trim_start().len());
                match cmd {
                    "load" => return (start, Context::Path),
                    "help" => return (start, Context::HelpTopic),
                    _ => {
                        // Other commands take a statement: complete inside it.
                        let (s, c) = context(arg, arg.len());
                        return (s + (pos - arg.len()), c);
                    }
                }
            }
        }
    }
    let s = scan(before);
    if let Some((_, content_start)) = s.string {
        return (content_start, Context::Path);
    }
    let word_start = before.char_indices().rev().take_while(|&(_, c)| is_ident(c)).last().map_or(pos, |(i, _)| i);
    let prefix = &before[..word_start];
    if let Some(receiver_text) = prefix.strip_suffix('.') {
        // The receiver: a dotted name, or any expression ending in a bracket.
        let receiver = receiver_expression(receiver_text);
        if !receiver.is_empty() && !receiver.chars().all(|c| c.is_ascii_digit()) {
            return (word_start, Context::Attribute { receiver });
        }
    }
    let callee = s.open.last().filter(|(b, _)| *b == '(').and_then(|&(_, at)| {
        let name = receiver_expression(&before[..at]);
        (!name.is_empty() && name.chars().next().is_some_and(|c| !c.is_ascii_digit())).then_some(name)
    });
    (word_start, Context::Name { callee })
}

/// The expression that ends `text`: a dotted name (`np.linalg`), or a call/subscript
/// ending in a bracket (`x[0]`, `f(a)`), taken back to its balanced opening.
fn receiver_expression(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = chars.len();
    let mut depth = 0i32;
    while i > 0 {
        let c = chars[i - 1].1;
        match c {
            ')' | ']' => depth += 1,
            '(' | '[' if depth > 0 => depth -= 1,
            '(' | '[' => break,
            c if depth > 0 => {
                let _ = c;
            }
            c if is_ident(c) || c == '.' => {}
            _ => break,
        }
        i -= 1;
    }
    let start = chars.get(i).map_or(text.len(), |&(b, _)| b);
    text[start..].trim_start_matches('.').to_string()
}

/// File names completing `partial` (a path typed inside a string).
pub fn complete_path(partial: &str) -> Vec<String> {
    let (dir, stem) = match partial.rfind('/') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let expanded = match dir.strip_prefix("~/") {
        Some(rest) => std::env::var("HOME").map(|h| format!("{h}/{rest}")).unwrap_or_else(|_| dir.to_string()),
        None => dir.to_string(),
    };
    let read = std::fs::read_dir(if expanded.is_empty() { "." } else { &expanded });
    let Ok(entries) = read else { return Vec::new() };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let slash = if e.file_type().is_ok_and(|t| t.is_dir()) { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    out
}

/// The candidates for a context, filtered by the typed `word`.
pub fn candidates(engine: &mut dyn Engine, line: &str, pos: usize) -> (usize, Vec<String>) {
    let (start, ctx) = context(line, pos);
    let word = &line[start..pos];
    let mut out: Vec<String> = match ctx {
        Context::Command => {
            return (start, COMMANDS.iter().map(|c| format!(":{}", c.0)).filter(|c| c.starts_with(word)).collect())
        }
        Context::Path => return (start, complete_path(word)),
        Context::HelpTopic => engine.help_topics(),
        Context::Attribute { receiver } => engine.attributes(&receiver),
        Context::Name { callee } => {
            let mut names = Vec::new();
            if let Some(callee) = callee {
                names.extend(engine.parameters(&callee).into_iter().map(|p| format!("{p}=")));
            }
            names.extend(engine.names());
            names.extend(KEYWORDS.iter().map(|k| k.to_string()));
            names
        }
    };
    out.retain(|c| c.starts_with(word) && (!c.starts_with('_') || word.starts_with('_')));
    // Keyword arguments first, then alphabetical.
    out.sort_by(|a, b| b.ends_with('=').cmp(&a.ends_with('=')).then_with(|| a.cmp(b)));
    out.dedup();
    (start, out)
}

/// The rustyline helper: completion, hints and highlighting over a shared engine.
pub struct Helper<E: Engine> {
    pub engine: Rc<RefCell<E>>,
    /// Colour output (off for dumb terminals and `NO_COLOR`).
    pub color: bool,
}

impl<E: Engine> rustyline::completion::Completer for Helper<E> {
    type Candidate = rustyline::completion::Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Self::Candidate>)> {
        let Ok(mut engine) = self.engine.try_borrow_mut() else { return Ok((pos, Vec::new())) };
        let (start, list) = candidates(&mut *engine, line, pos);
        let pairs = list
            .into_iter()
            .map(|c| {
                let display = c.rsplit('/').find(|s| !s.is_empty()).map(|s| s.to_string()).unwrap_or_else(|| c.clone());
                let display = if c.ends_with('/') { format!("{display}/") } else { display };
                rustyline::completion::Pair { display, replacement: c }
            })
            .collect();
        Ok((start, pairs))
    }
}

impl<E: Engine> rustyline::hint::Hinter for Helper<E> {
    type Hint = String;

    /// The rest of the word when exactly one name completes it (accepted with →), or
    /// the signature of the function whose parentheses were just opened.
    fn hint(&self, line: &str, pos: usize, _ctx: &rustyline::Context<'_>) -> Option<String> {
        if pos < line.len() || line.trim().is_empty() {
            return None;
        }
        let mut engine = self.engine.try_borrow_mut().ok()?;
        if let Some(callee) = line.strip_suffix('(') {
            let name = receiver_expression(callee);
            let sig = engine.signature(&name)?;
            // Shown after the cursor, so only the part after `name(`.
            return sig.split_once('(').map(|(_, rest)| rest.to_string());
        }
        let (start, ctx) = context(line, pos);
        if matches!(ctx, Context::Path) || pos - start < 2 {
            return None;
        }
        let (_, list) = candidates(&mut *engine, line, pos);
        match list.as_slice() {
            [only] if only.len() > pos - start => Some(only[pos - start..].to_string()),
            _ => None,
        }
    }
}

const RESET: &str = "\x1b[0m";
const KEYWORD: &str = "\x1b[1;35m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const COMMENT: &str = "\x1b[2;37m";
const COMMAND: &str = "\x1b[1;34m";
const HINT: &str = "\x1b[2m";

/// ANSI-coloured source: keywords, strings, numbers, comments and `:commands`.
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    if line.trim_start().starts_with(':') {
        let end = line.find(' ').unwrap_or(line.len());
        out.push_str(COMMAND);
        out.push_str(&line[..end]);
        out.push_str(RESET);
        out.push_str(&highlight(&line[end..]));
        return out;
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let mut j = i + 1;
        let colour = if c == '#' {
            j = chars.len();
            Some(COMMENT)
        } else if c == '\'' || c == '"' {
            while j < chars.len() && chars[j].1 != c {
                j += if chars[j].1 == '\\' { 2 } else { 1 };
            }
            j = (j + 1).min(chars.len());
            Some(STRING)
        } else if c.is_ascii_digit() && (i == 0 || !is_ident(chars[i - 1].1)) {
            while j < chars.len() && (chars[j].1.is_ascii_alphanumeric() || chars[j].1 == '.' || chars[j].1 == '_') {
                j += 1;
            }
            Some(NUMBER)
        } else if is_ident(c) {
            while j < chars.len() && is_ident(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
            KEYWORDS.contains(&&line[at..end]).then_some(KEYWORD)
        } else {
            None
        };
        let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
        match colour {
            Some(col) => {
                out.push_str(col);
                out.push_str(&line[at..end]);
                out.push_str(RESET);
            }
            None => out.push_str(&line[at..end]),
        }
        i = j;
    }
    out
}

impl<E: Engine> rustyline::highlight::Highlighter for Helper<E> {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("{HINT}{hint}{RESET}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: rustyline::highlight::CmdKind) -> bool {
        self.color
    }
}

impl<E: Engine> rustyline::validate::Validator for Helper<E> {}
impl<E: Engine> rustyline::Helper for Helper<E> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(line: &str) -> (usize, Context) {
        context(line, line.len())
    }

    #[test]
    fn contexts() {
        assert_eq!(ctx("x = ar"), (4, Context::Name { callee: None }));
        assert_eq!(ctx("a.su"), (2, Context::Attribute { receiver: "a".into() }));
        assert_eq!(ctx("np.linalg.no"), (10, Context::Attribute { receiver: "np.linalg".into() }));
        assert_eq!(ctx("y = x[0:2].me"), (11, Context::Attribute { receiver: "x[0:2]".into() }));
        assert_eq!(ctx("linspace(0, 1, end"), (15, Context::Name { callee: Some("linspace".into()) }));
        assert_eq!(ctx("np.sum(a, ax"), (10, Context::Name { callee: Some("np.sum".into()) }));
        assert_eq!(ctx("load('data/x"), (6, Context::Path));
        assert_eq!(ctx(":ti"), (0, Context::Command));
        assert_eq!(ctx(":load tests/"), (6, Context::Path));
        assert_eq!(ctx(":help lin"), (6, Context::HelpTopic));
        assert_eq!(ctx(":type a.res"), (8, Context::Attribute { receiver: "a".into() }));
        assert_eq!(ctx("x = 1.5"), (6, Context::Name { callee: None }));
    }

    #[test]
    fn no_position_in_awkward_text_panics() {
        for text in ["é.ü(ß='ä\\é", ":type ü.é", "x = [1, 'a\\\"', f(é, 3.", ":", ":load 'é/", "np..", ".5.e"] {
            for (pos, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                let (start, _) = context(text, pos);
                assert!(start <= pos && text.is_char_boundary(start), "{text:?} at {pos}");
                let _ = highlight(&text[..pos]);
            }
        }
    }

    #[test]
    fn highlighting_marks_keywords_strings_numbers_and_comments() {
        let h = highlight("for i in range(3): print('in', 2)  # x");
        assert!(h.starts_with("\x1b[1;35mfor\x1b[0m i \x1b[1;35min\x1b[0m range("), "{h:?}");
        assert!(h.contains("\x1b[32m'in'\x1b[0m"), "{h:?}");
        assert!(h.contains("\x1b[36m2\x1b[0m"), "{h:?}");
        assert!(h.ends_with("\x1b[2;37m# x\x1b[0m"), "{h:?}");
    }
}
