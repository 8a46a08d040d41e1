//! Deciding when an entry is complete: a light lexical scan (strings, comments, brackets)
//! of the text typed so far, and the rules that turn lines into entries the way
//! Python's interactive loop does — forgivingly.

/// What a lexical scan of some source text found at its end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Brackets opened and not yet closed, innermost last, with their byte offsets.
    pub open: Vec<(char, usize)>,
    /// Inside a string at the end: its quote (`'`, `"`, `'''`, `"""`) and the byte
    /// offset of its first content character.
    pub string: Option<(&'static str, usize)>,
    /// The last line ends in a `\` continuation.
    pub backslash: bool,
}

/// Scans `text` as the lexer would, far enough to know its bracket and string state.
pub fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut s = Scan::default();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some((quote, _)) = s.string {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if bytes[i..].starts_with(quote.as_bytes()) {
                i += quote.len();
                s.string = None;
                continue;
            }
            if c == b'\n' && quote.len() == 1 {
                // An unterminated one-line string: the lexer reports it; stop tracking.
                s.string = None;
            }
            i += 1;
            continue;
        }
        match c {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                let quote: &'static str = match (c, bytes[i..].starts_with(b"'''"), bytes[i..].starts_with(b"\"\"\"")) {
                    (_, true, _) => "'''",
                    (_, _, true) => "\"\"\"",
                    (b'\'', ..) => "'",
                    _ => "\"",
                };
                i += quote.len();
                s.string = Some((quote, i));
                continue;
            }
            b'(' | b'[' | b'{' => s.open.push((c as char, i)),
            b')' | b']' | b'}' => {
                s.open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    let last_line = text.rsplit('\n').next().unwrap_or("");
    s.backslash = s.string.is_none() && last_line.trim_end().ends_with('\\');
    s
}

/// The text with its comment removed (when the `#` is outside strings), right-trimmed.
fn code_part(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == b'#' => return line[..i].trim_end(),
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None => {}
        }
        i += 1;
    }
    line.trim_end()
}

/// Whether the text needs more lines: an open bracket or triple-quoted string, a `\`
/// continuation, or a block header (`def`, `for`, `if`, `while`, `with`, ... ending in
/// `:`), which continues until a blank line.
pub fn needs_more(text: &str) -> bool {
    let s = scan(text);
    if !s.open.is_empty() || s.backslash || matches!(s.string, Some((q, _)) if q.len() == 3) {
        return true;
    }
    opens_block(text)
}

/// Whether the entry's first logical line is a block header ending in `:`.
fn opens_block(text: &str) -> bool {
    // The first logical line ends at the first newline outside brackets and strings.
    let mut end = text.len();
    for (i, _) in text.match_indices('\n') {
        let s = scan(&text[..i]);
        if s.open.is_empty() && s.string.is_none() && !s.backslash {
            end = i;
            break;
        }
    }
    code_part(&text[..end]).ends_with(':')
}

/// Keywords that continue a block at column 0 (`else:` after an `if` block).
const CONTINUATION_KEYWORDS: &[&str] = &["elif", "else", "except", "finally"];

/// The result of feeding one line to an `Entry`.
#[derive(Debug, PartialEq, Eq)]
pub enum Feed {
    /// The entry is complete: run it.
    Complete(String),
    /// Show the continuation prompt and read another line.
    More,
    /// The line at column 0 ended a block: run the block, then feed the line again.
    CompleteAndReplay(String, String),
}

/// An entry being typed, line by line.
#[derive(Debug, Default)]
pub struct Entry {
    text: String,
}

impl Entry {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
    }

    /// Adds a line. A `:command` on an empty entry is complete on its own line.
    pub fn feed(&mut self, line: &str) -> Feed {
        if self.text.is_empty() {
            if line.trim().is_empty() {
                return Feed::Complete(String::new());
            }
            self.text.push_str(line);
            if line.trim_start().starts_with(':') || !needs_more(&self.text) {
                return Feed::Complete(std::mem::take(&mut self.text));
            }
            return Feed::More;
        }
        let s = scan(&self.text);
        let inside = !s.open.is_empty() || s.backslash || s.string.is_some();
        if !inside {
            // In a block: a blank line ends it, and so does a new statement at column 0
            // (Python would call that a syntax error; we run the block first).
            if line.trim().is_empty() {
                return Feed::Complete(std::mem::take(&mut self.text));
            }
            let at_column_0 = !line.starts_with([' ', '\t']);
            let word = line.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("");
            if at_column_0 && !CONTINUATION_KEYWORDS.contains(&word) && !line.trim_start().starts_with('#') {
                return Feed::CompleteAndReplay(std::mem::take(&mut self.text), line.to_string());
            }
        }
        self.text.push('\n');
        self.text.push_str(line);
        if needs_more(&self.text) {
            Feed::More
        } else {
            Feed::Complete(std::mem::take(&mut self.text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(lines: &[&str]) -> Vec<String> {
        let mut e = Entry::default();
        let mut out = Vec::new();
        let mut queue: std::collections::VecDeque<String> = lines.iter().map(|s| s.to_string()).collect();
        while let Some(line) = queue.pop_front() {
            match e.feed(&line) {
                Feed::Complete(t) if !t.is_empty() => out.push(t),
                Feed::Complete(_) | Feed::More => {}
                Feed::CompleteAndReplay(t, again) => {
                    out.push(t);
                    queue.push_front(again);
                }
            }
        }
        out
    }

    #[test]
    fn brackets_strings_and_backslashes_continue() {
        assert!(needs_more("x = (1,"));
        assert!(needs_more("x = [1, [2,"));
        assert!(!needs_more("x = [1, [2]]"));
        assert!(!needs_more("s = '(('"));
        assert!(!needs_more("x = 1  # (("));
        assert!(needs_more("s = '''abc"));
        assert!(needs_more("x = 1 + \\"));
        assert!(!needs_more("def f(): return 1"));
        assert!(needs_more("def f(a,\n      b):"));
        assert!(needs_more("for i in range(3):  # loop"));
    }

    #[test]
    fn blocks_end_at_a_blank_line_or_at_column_0() {
        assert_eq!(entries(&["for i in r:", "    f(i)", "", "y"]), vec!["for i in r:\n    f(i)", "y"]);
        assert_eq!(entries(&["if x:", "    a", "else:", "    b", "", "c"]), vec!["if x:\n    a\nelse:\n    b", "c"]);
        assert_eq!(entries(&["def f():", "    return 1", "f()"]), vec!["def f():\n    return 1", "f()"]);
        assert_eq!(entries(&["x = (1,", "2)", "y"]), vec!["x = (1,\n2)", "y"]);
    }

    #[test]
    fn commands_are_single_lines() {
        assert_eq!(entries(&[":time for i in r:", "x"]), vec![":time for i in r:", "x"]);
    }

    #[test]
    fn escapes_before_multibyte_characters_do_not_split_them() {
        assert!(!needs_more("s = '\\é' + 'ü'"));
        assert!(needs_more("s = ('\\é',"));
    }

    #[test]
    fn scan_reports_the_open_string_and_brackets() {
        let s = scan("load('data/x");
        assert_eq!(s.string, Some(("'", 6)));
        assert_eq!(s.open, vec![('(', 4)]);
    }
}
