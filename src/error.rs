//! `hpxl::Error`: a diagnostic as a value, rendered with its source when it is created,
//! so it outlives the session and crosses threads.

use hpxl_grammar::{Code, Diagnostic, SourceMap};

/// An error from a session: a diagnostic of the user's program (a syntax, shape or
/// dtype error...), a refused host request (a wrong shape for the data, an unknown
/// variable), or a failure of a registered Rust function.
///
/// `Display` prints the diagnostic exactly as the `hpxl` command does, with the source
/// line and a caret under the span:
///
/// ```
/// let mut s = hpxl::Session::builder().build()?;
/// let e = s.exec("x = zeros(3) + ones(4)").unwrap_err();
/// assert_eq!(e.code(), "E0300");
/// assert_eq!(e.line(), Some(1));
/// assert!(e.to_string().contains("x = zeros(3) + ones(4)"));
/// # Ok::<(), hpxl::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    diagnostic: Diagnostic,
    rendered: String,
    line: Option<usize>,
}

impl Error {
    /// An error for a diagnostic raised while running source held in `sources`.
    pub(crate) fn from_diagnostic(diagnostic: Diagnostic, sources: &SourceMap) -> Error {
        let rendered = diagnostic.render(sources);
        let line = diagnostic
            .primary_span()
            .filter(|s| (s.file as usize) < sources.len())
            .map(|s| sources.line_of(s.file, s.lo));
        Error { diagnostic, rendered, line }
    }

    /// An error about a host request (no source span).
    pub(crate) fn host(code: Code, message: impl Into<String>) -> Error {
        let diagnostic = Diagnostic::new(code, message);
        let rendered = format!("error[{}]: {}: {}\n", code.as_str(), code.title(), diagnostic.message);
        Error { diagnostic, rendered, line: None }
    }

    /// The error code, e.g. `"E0300"` (see `docs/error-index.md`).
    pub fn code(&self) -> &'static str {
        self.diagnostic.code.as_str()
    }

    /// The error's kind.
    pub fn kind(&self) -> Code {
        self.diagnostic.code
    }

    /// The message without the source snippet.
    pub fn message(&self) -> &str {
        &self.diagnostic.message
    }

    /// The 1-based line of the primary span in the source it came from, if it has one.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The underlying diagnostic (labels, help, notes).
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }

    /// The rendered diagnostic (the same text as `Display`).
    pub fn rendered(&self) -> &str {
        &self.rendered
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.rendered.trim_end())
    }
}

impl std::error::Error for Error {}
