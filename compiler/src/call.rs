//! Call arguments for builtins and a small binder that checks counts and keywords with
//! Python-style messages.

use crate::arrays::{err, R};
use crate::value::Value;
use hpxl_grammar::{did_you_mean, Code, Span};
use std::rc::Rc;

/// Arguments of one call, after `*xs` / `**kw` were spread.
pub struct CallArgs {
    pub name: Rc<str>,
    pub pos: Vec<Value>,
    pub pos_spans: Vec<Span>,
    pub kw: Vec<(String, Value, Span)>,
    /// The span of the whole call expression.
    pub span: Span,
}

impl CallArgs {
    pub fn new(name: &str, span: Span) -> CallArgs {
        CallArgs::named(Rc::from(name), span)
    }

    /// Arguments of a call of the function named `name` (shared, not copied).
    pub fn named(name: Rc<str>, span: Span) -> CallArgs {
        CallArgs { name, pos: Vec::new(), pos_spans: Vec::new(), kw: Vec::new(), span }
    }

    pub fn push(&mut self, v: Value, span: Span) {
        self.pos.push(v);
        self.pos_spans.push(span);
    }

    /// Span of positional argument `i` (the call's span if out of range).
    pub fn arg_span(&self, i: usize) -> Span {
        self.pos_spans.get(i).copied().unwrap_or(self.span)
    }

    /// Binds the arguments to a signature. Each entry of `params` is a name, optionally
    /// prefixed with `*` (collects the remaining positionals into a tuple) or suffixed
    /// with `=` (optional). Keyword-only parameters follow a `*` entry. Returns one slot
    /// per parameter, in order.
    pub fn bind(&self, params: &[&str]) -> R<Vec<Option<Value>>> {
        let mut slots: Vec<Option<Value>> = vec![None; params.len()];
        let names: Vec<&str> = params.iter().map(|p| p.trim_start_matches('*').trim_end_matches('=')).collect();
        let mut pi = 0;
        let mut star_seen = false;
        for (i, p) in params.iter().enumerate() {
            if p.starts_with('*') {
                let rest: Vec<Value> = self.pos.get(pi..).map(|s| s.to_vec()).unwrap_or_default();
                pi = self.pos.len();
                slots[i] = Some(Value::tuple(rest));
                star_seen = true;
                continue;
            }
            if star_seen {
                break;
            }
            if pi < self.pos.len() {
                slots[i] = Some(self.pos[pi].clone());
                pi += 1;
            }
        }
        if pi < self.pos.len() {
            let max = params.iter().take_while(|p| !p.starts_with('*')).count();
            return Err(err(
                Code::Type,
                self.arg_span(pi),
                format!(
                    "{}() takes at most {} positional argument{} but {} were given",
                    self.name,
                    max,
                    if max == 1 { "" } else { "s" },
                    self.pos.len()
                ),
            ));
        }
        for (k, v, span) in &self.kw {
            match (0..params.len()).find(|&i| names[i] == k && !params[i].starts_with('*')) {
                Some(i) => {
                    if slots[i].is_some() {
                        return Err(err(
                            Code::Type,
                            *span,
                            format!("{}() got multiple values for argument '{}'", self.name, k),
                        ));
                    }
                    slots[i] = Some(v.clone());
                }
                None => {
                    let mut d =
                        err(Code::Type, *span, format!("{}() got an unexpected keyword argument '{}'", self.name, k));
                    if let Some(s) = did_you_mean(k, names.iter().copied()) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    return Err(d);
                }
            }
        }
        for (i, p) in params.iter().enumerate() {
            if slots[i].is_none() && !p.ends_with('=') && !p.starts_with('*') {
                return Err(err(
                    Code::Type,
                    self.span,
                    format!("{}() missing required argument '{}'", self.name, names[i]),
                ));
            }
        }
        Ok(slots)
    }
}
