//! Builtin documentation as data: `stdlib/docs/builtins.toml` holds one table per
//! builtin (`[linspace]`, `["linalg.norm"]`, `["ndarray.sum"]` for methods) with
//! `signature`, `summary` and `example` strings. This is the TOML subset that file uses
//! (tables and basic strings, `#` comments), parsed without a TOML dependency so the
//! binary starts fast; `tests/builtin_docs.rs` checks that every registered builtin
//! has an entry whose example runs.

/// One builtin's documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Doc {
    pub name: String,
    pub signature: String,
    pub summary: String,
    pub example: String,
}

impl Doc {
    /// Parameter names from the signature (`*args`, `/` and `*` markers dropped).
    pub fn parameters(&self) -> Vec<String> {
        let Some(open) = self.signature.find('(') else { return Vec::new() };
        let inner = self.signature[open + 1..].trim_end().trim_end_matches(')');
        let mut out = Vec::new();
        let mut depth = 0;
        let mut current = String::new();
        for c in inner.chars().chain(std::iter::once(',')) {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ',' if depth == 0 => {
                    let name = current.split('=').next().unwrap_or("").trim().to_string();
                    if !name.is_empty() && !name.starts_with('*') && name != "/" && name != "..." {
                        out.push(name);
                    }
                    current.clear();
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        out
    }

    /// The text `:help name` prints.
    pub fn render(&self) -> String {
        let mut s = format!("{}\n\n    {}\n", self.signature, self.summary.replace('\n', "\n    "));
        if !self.example.is_empty() {
            s.push_str("\nexample:\n");
            for line in self.example.lines() {
                s.push_str(&format!("    >>> {line}\n"));
            }
        }
        s
    }
}

/// Parses the documentation file; errors name the line.
pub fn parse(text: &str) -> Result<Vec<Doc>, String> {
    let mut docs: Vec<Doc> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("line {}", i + 1);
        if let Some(header) = line.strip_prefix('[') {
            let name = header.strip_suffix(']').ok_or_else(|| format!("{}: unclosed table header", at()))?;
            let name = match name.strip_prefix('"') {
                Some(q) => unquote(&format!("\"{q}"), &at())?,
                None => name.to_string(),
            };
            docs.push(Doc { name, ..Doc::default() });
            continue;
        }
        let (key, value) = line.split_once('=').ok_or_else(|| format!("{}: expected `key = \"value\"`", at()))?;
        let value = unquote(value.trim(), &at())?;
        let doc = docs.last_mut().ok_or_else(|| format!("{}: a key before the first table", at()))?;
        match key.trim() {
            "signature" => doc.signature = value,
            "summary" => doc.summary = value,
            "example" => doc.example = value,
            other => return Err(format!("{}: unknown key `{other}`", at())),
        }
    }
    Ok(docs)
}

/// A TOML basic string (`"..."` with `\"`, `\\`, `\n`, `\t` escapes).
fn unquote(s: &str, at: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(|| format!("{at}: expected a \"quoted\" string"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            other => return Err(format!("{at}: unknown escape `\\{}`", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tables_and_escapes() {
        let docs = parse(
            "# c\n[linspace]\nsignature = \"linspace(start, stop, num=50, *, dtype=None)\"\nsummary = \"Evenly spaced.\"\nexample = \"linspace(0, 1, 5)\\nprint(\\\"x\\\")\"\n[\"linalg.norm\"]\nsignature = \"linalg.norm(x, ord=None)\"\n",
        )
        .expect("parse");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].example, "linspace(0, 1, 5)\nprint(\"x\")");
        assert_eq!(docs[0].parameters(), vec!["start", "stop", "num", "dtype"]);
        assert_eq!(docs[1].name, "linalg.norm");
        assert!(parse("[x]\nnope = \"1\"").is_err());
    }
}
