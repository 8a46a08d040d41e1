//! The error index (`docs/errors.md`) is data: every ```hx example in it must fail with
//! exactly its section's code, with a rendered diagnostic that points into the source,
//! and every `Code` in `Code::all()` must have a section.

use hpxl::Code;
use std::path::Path;

/// Codes whose diagnostics legitimately carry no source span (a bug report, or a
/// file error that is about a path rather than a place in the program).
const NO_SPAN: &[Code] = &[Code::Internal, Code::File];

/// Codes documented without an example, with the reason printed when they are skipped.
const NO_EXAMPLE: &[(Code, &str)] = &[
    (Code::Internal, "E9999 is a bug in hpxl; a program that triggers it must be fixed, not documented"),
    (Code::Interrupted, "E0990 comes from Ctrl-C at the prompt (tested in tests/repl_pty.rs)"),
];

/// One `## E0300: shape error` section: its code, heading line and ```hx examples.
struct Section {
    code: String,
    line: usize,
    examples: Vec<String>,
}

fn parse_index(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_example: Option<String> = None;
    let mut in_other_fence = false;
    for (i, line) in text.lines().enumerate() {
        if let Some(buf) = in_example.as_mut() {
            if line.trim_end() == "```" {
                let example = in_example.take().unwrap_or_default();
                if let Some(s) = sections.last_mut() {
                    s.examples.push(example);
                }
            } else {
                buf.push_str(line);
                buf.push('\n');
            }
        } else if in_other_fence {
            in_other_fence = line.trim_end() != "```";
        } else if line.trim_end() == "```hx" {
            in_example = Some(String::new());
        } else if line.starts_with("```") {
            in_other_fence = true;
        } else if let Some(rest) = line.strip_prefix("## ") {
            let code = rest.split(':').next().unwrap_or("").trim().to_string();
            sections.push(Section { code, line: i + 1, examples: Vec::new() });
        }
    }
    sections
}

fn code_of(name: &str) -> Option<Code> {
    Code::all().iter().copied().find(|c| c.as_str() == name)
}

#[test]
fn every_code_has_a_section_and_every_example_fails_with_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let sections = parse_index(&text);
    let mut problems: Vec<String> = Vec::new();

    for code in Code::all() {
        if !sections.iter().any(|s| s.code == code.as_str()) {
            problems.push(format!(
                "{}: no `## {}: {}` section in docs/errors.md",
                code.as_str(),
                code.as_str(),
                code.title()
            ));
        }
    }

    let mut checked = 0;
    for section in &sections {
        let Some(code) = code_of(&section.code) else {
            problems.push(format!("line {}: section `{}` is not a code in Code::all()", section.line, section.code));
            continue;
        };
        if let Some((_, why)) = NO_EXAMPLE.iter().find(|(c, _)| *c == code) {
            println!("skipped {}: {why}", code.as_str());
            if !section.examples.is_empty() {
                problems.push(format!("{}: documented as having no example, but has one", code.as_str()));
            }
            continue;
        }
        if section.examples.is_empty() {
            problems.push(format!("{} (line {}): no ```hx example", code.as_str(), section.line));
        }
        for (k, example) in section.examples.iter().enumerate() {
            let name = format!("errors.md/{}#{k}", code.as_str());
            let outcome = hpxl::run_capture(&name, example);
            checked += 1;
            let Some(d) = &outcome.error else {
                problems.push(format!("{name}: expected {}, but the program succeeded:\n{example}", code.as_str()));
                continue;
            };
            if d.code != code {
                problems.push(format!(
                    "{name}: expected {}, got {}:\n{}",
                    code.as_str(),
                    d.code.as_str(),
                    outcome.rendered
                ));
                continue;
            }
            let r = &outcome.rendered;
            let has_span = r.contains("┌─") && r.lines().any(|l| l.contains('│') && l.contains('^'));
            if !r.contains(code.as_str()) || (!NO_SPAN.contains(&code) && !has_span) {
                problems.push(format!("{name}: the rendered diagnostic lacks the code or a source span:\n{r}"));
            }
        }
    }
    println!("error index: {} sections, {checked} examples run", sections.len());
    assert!(problems.is_empty(), "docs/errors.md problems:\n{}", problems.join("\n"));
}
