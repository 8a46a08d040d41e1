//! The one error type users see: a code, a message, labelled spans and help, rendered
//! with a source snippet by codespan-reporting.

use crate::span::{SourceMap, Span};

/// Error codes. Each is documented with an example in `docs/errors.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// E0001: syntax error (unexpected token, unclosed bracket, bad literal).
    Syntax,
    /// E0002: indentation error (tabs, inconsistent dedent, missing block).
    Indent,
    /// E0100: unknown name.
    UnknownName,
    /// E0101: unknown attribute, method or module member.
    UnknownAttr,
    /// E0200: wrong argument count, unknown keyword, or a value of the wrong kind.
    Type,
    /// E0300: shapes do not broadcast / do not match.
    Shape,
    /// E0400: dtype error (invalid cast, op not defined for the dtype).
    DType,
    /// E0500: index out of range or invalid index.
    Index,
    /// E0600: invalid value (bad argument value, ambiguous truth value, reshape size).
    Value,
    /// E0700: assertion failed.
    Assert,
    /// E0701: `raise` in user code.
    Raise,
    /// E0800: division by zero in Python-scalar arithmetic.
    ZeroDivision,
    /// E0900: allocation too large or failed.
    Alloc,
    /// E0901: recursion too deep.
    Recursion,
    /// E0902: file error.
    File,
    /// E0950: a known gap: a construct or function that is not supported yet.
    Unsupported,
    /// E0990: the computation was interrupted (Ctrl-C); the session is intact.
    Interrupted,
    /// E9999: an internal error (a bug in hpxl), naming the pass.
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "E0001",
            Code::Indent => "E0002",
            Code::UnknownName => "E0100",
            Code::UnknownAttr => "E0101",
            Code::Type => "E0200",
            Code::Shape => "E0300",
            Code::DType => "E0400",
            Code::Index => "E0500",
            Code::Value => "E0600",
            Code::Assert => "E0700",
            Code::Raise => "E0701",
            Code::ZeroDivision => "E0800",
            Code::Alloc => "E0900",
            Code::Recursion => "E0901",
            Code::File => "E0902",
            Code::Unsupported => "E0950",
            Code::Interrupted => "E0990",
            Code::Internal => "E9999",
        }
    }

    /// The category word shown before the message ("syntax error", "shape error", ...).
    pub fn title(self) -> &'static str {
        match self {
            Code::Syntax => "syntax error",
            Code::Indent => "indentation error",
            Code::UnknownName => "unknown name",
            Code::UnknownAttr => "unknown attribute",
            Code::Type => "type error",
            Code::Shape => "shape error",
            Code::DType => "dtype error",
            Code::Index => "index error",
            Code::Value => "value error",
            Code::Assert => "assertion failed",
            Code::Raise => "exception raised",
            Code::ZeroDivision => "division by zero",
            Code::Alloc => "allocation error",
            Code::Recursion => "recursion error",
            Code::File => "file error",
            Code::Unsupported => "not supported yet",
            Code::Interrupted => "interrupted",
            Code::Internal => "internal error",
        }
    }

    pub fn all() -> &'static [Code] {
        &[
            Code::Syntax,
            Code::Indent,
            Code::UnknownName,
            Code::UnknownAttr,
            Code::Type,
            Code::Shape,
            Code::DType,
            Code::Index,
            Code::Value,
            Code::Assert,
            Code::Raise,
            Code::ZeroDivision,
            Code::Alloc,
            Code::Recursion,
            Code::File,
            Code::Unsupported,
            Code::Interrupted,
            Code::Internal,
        ]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// A user-facing error: code, message, labelled spans (the first is primary), and notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, message: message.into(), labels: Vec::new(), help: None, notes: Vec::new() }
    }

    /// Adds the primary label (or a secondary one if a primary already exists).
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { span, text: text.into() });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Attaches `span` as the primary label if the diagnostic has none yet.
    pub fn at(mut self, span: Span) -> Diagnostic {
        if self.labels.is_empty() {
            self.labels.push(Label { span, text: String::new() });
        }
        self
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// Renders the diagnostic with source snippets and carets, without colour.
    pub fn render(&self, sources: &SourceMap) -> String {
        use codespan_reporting::diagnostic as cd;
        use codespan_reporting::files::SimpleFiles;
        use codespan_reporting::term;

        let mut files = SimpleFiles::new();
        for id in 0..sources.len() {
            files.add(sources.name(id as u32).to_string(), sources.text(id as u32).to_string());
        }
        let mut labels = Vec::new();
        for (i, label) in self.labels.iter().enumerate() {
            let file = label.span.file as usize;
            if file >= sources.len() {
                continue;
            }
            let len = sources.text(label.span.file).len();
            let lo = (label.span.lo as usize).min(len);
            let hi = (label.span.hi as usize).clamp(lo, len);
            let l = if i == 0 { cd::Label::primary(file, lo..hi) } else { cd::Label::secondary(file, lo..hi) };
            labels.push(l.with_message(label.text.clone()));
        }
        let mut notes: Vec<String> = self.notes.clone();
        if let Some(h) = &self.help {
            notes.push(format!("help: {h}"));
        }
        let diag = cd::Diagnostic::error()
            .with_code(self.code.as_str())
            .with_message(format!("{}: {}", self.code.title(), self.message))
            .with_labels(labels)
            .with_notes(notes);
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        let config = term::Config::default();
        if term::emit(&mut out, &config, &files, &diag).is_err() {
            return format!("error[{}]: {}: {}\n", self.code.as_str(), self.code.title(), self.message);
        }
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// The closest candidate to `name` (Levenshtein-like), for "did you mean" hints.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for cand in candidates {
        let score = strsim::jaro_winkler(name, cand);
        let dist = strsim::levenshtein(name, cand);
        let max_len = name.len().max(cand.len());
        let close = dist <= 2.max(max_len / 3) && score > 0.7;
        if close && best.is_none_or(|(_, s)| score > s) {
            best = Some((cand, score));
        }
    }
    best.map(|(c, _)| c)
}
