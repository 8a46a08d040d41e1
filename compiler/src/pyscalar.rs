//! Python-scalar arithmetic on the host (`n // 4`, `2 * k + 1`, `1.0 / 3`), with
//! Python's semantics: floor division, exceptions on division by zero, int → float for
//! true division and negative powers.

use crate::arrays::{err, R};
use crate::ops::BinaryOp;
use crate::value::Value;
use hpxl_grammar::ast::BinOp;
use hpxl_grammar::{Code, Span};

enum Num {
    I(i64),
    F(f64),
}

fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::I(*b as i64)),
        Value::Int(i) => Some(Num::I(*i)),
        Value::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

fn overflow(span: Span) -> crate::arrays::R<Value> {
    Err(err(Code::Value, span, "integer overflow in Python-int arithmetic (beyond 64 bits)"))
}

/// Python's float `divmod`.
pub fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(a / b)
    };
    (floordiv, m)
}

pub fn binary(op: BinOp, a: &Value, b: &Value, span: Span) -> R<Value> {
    let (Some(x), Some(y)) = (num(a), num(b)) else {
        return Err(err(Code::Internal, span, "pyscalar::binary on non-numbers"));
    };
    let both_bool = matches!((a, b), (Value::Bool(_), Value::Bool(_)));
    match (x, y) {
        (Num::I(x), Num::I(y)) => {
            let r = match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                BinOp::Div => {
                    if y == 0 {
                        return Err(err(Code::ZeroDivision, span, "division by zero"));
                    }
                    return Ok(Value::Float(x as f64 / y as f64));
                }
                BinOp::FloorDiv | BinOp::Mod => {
                    if y == 0 {
                        return Err(err(Code::ZeroDivision, span, "integer division or modulo by zero"));
                    }
                    let (Some(q), Some(r)) = (x.checked_div(y), x.checked_rem(y)) else { return overflow(span) };
                    let (q, r) = if r != 0 && ((r < 0) != (y < 0)) { (q - 1, r + y) } else { (q, r) };
                    Some(if op == BinOp::FloorDiv { q } else { r })
                }
                BinOp::Pow => {
                    if y < 0 {
                        if x == 0 {
                            return Err(err(Code::ZeroDivision, span, "0.0 cannot be raised to a negative power"));
                        }
                        return Ok(Value::Float((x as f64).powf(y as f64)));
                    }
                    u32::try_from(y).ok().and_then(|e| x.checked_pow(e))
                }
                BinOp::LShift => {
                    if y < 0 {
                        return Err(err(Code::Value, span, "negative shift count"));
                    }
                    if y >= 64 {
                        if x == 0 {
                            Some(0)
                        } else {
                            None
                        }
                    } else {
                        x.checked_shl(y as u32).filter(|r| r >> y == x)
                    }
                }
                BinOp::RShift => {
                    if y < 0 {
                        return Err(err(Code::Value, span, "negative shift count"));
                    }
                    Some(if y >= 64 {
                        if x < 0 {
                            -1
                        } else {
                            0
                        }
                    } else {
                        x >> y
                    })
                }
                BinOp::BitAnd => {
                    if both_bool {
                        return Ok(Value::Bool(x & y != 0));
                    }
                    Some(x & y)
                }
                BinOp::BitOr => {
                    if both_bool {
                        return Ok(Value::Bool(x | y != 0));
                    }
                    Some(x | y)
                }
                BinOp::BitXor => {
                    if both_bool {
                        return Ok(Value::Bool(x ^ y != 0));
                    }
                    Some(x ^ y)
                }
                BinOp::MatMul => {
                    return Err(err(Code::Type, span, "unsupported operand type(s) for @: 'int' and 'int'"));
                }
            };
            match r {
                Some(v) => Ok(Value::Int(v)),
                None => overflow(span),
            }
        }
        (x, y) => {
            let xf = match x {
                Num::I(i) => i as f64,
                Num::F(f) => f,
            };
            let yf = match y {
                Num::I(i) => i as f64,
                Num::F(f) => f,
            };
            let r = match op {
                BinOp::Add => xf + yf,
                BinOp::Sub => xf - yf,
                BinOp::Mul => xf * yf,
                BinOp::Div => {
                    if yf == 0.0 {
                        return Err(err(Code::ZeroDivision, span, "float division by zero"));
                    }
                    xf / yf
                }
                BinOp::FloorDiv => {
                    if yf == 0.0 {
                        return Err(err(Code::ZeroDivision, span, "float floor division by zero"));
                    }
                    float_divmod(xf, yf).0
                }
                BinOp::Mod => {
                    if yf == 0.0 {
                        return Err(err(Code::ZeroDivision, span, "float modulo by zero"));
                    }
                    float_divmod(xf, yf).1
                }
                BinOp::Pow => {
                    if xf == 0.0 && yf < 0.0 {
                        return Err(err(Code::ZeroDivision, span, "zero to a negative power"));
                    }
                    if xf < 0.0 && yf.fract() != 0.0 && yf.is_finite() {
                        return Err(err(
                            Code::Unsupported,
                            span,
                            "a negative number to a fractional power is complex; complex numbers are not supported yet",
                        ));
                    }
                    xf.powf(yf)
                }
                _ => {
                    return Err(err(
                        Code::Type,
                        span,
                        format!(
                            "unsupported operand type(s) for {}: '{}' and '{}'",
                            op.symbol(),
                            a.type_name(),
                            b.type_name()
                        ),
                    ))
                }
            };
            Ok(Value::Float(r))
        }
    }
}

pub fn compare(op: BinaryOp, a: &Value, b: &Value) -> R<Value> {
    let ord = match (num(a), num(b)) {
        (Some(Num::I(x)), Some(Num::I(y))) => x.partial_cmp(&y),
        (Some(x), Some(y)) => {
            let f = |n: Num| match n {
                Num::I(i) => i as f64,
                Num::F(f) => f,
            };
            f(x).partial_cmp(&f(y))
        }
        _ => None,
    };
    use std::cmp::Ordering::*;
    let r = match op {
        BinaryOp::Lt => ord == Some(Less),
        BinaryOp::Le => matches!(ord, Some(Less | Equal)),
        BinaryOp::Gt => ord == Some(Greater),
        BinaryOp::Ge => matches!(ord, Some(Greater | Equal)),
        BinaryOp::Eq => ord == Some(Equal),
        BinaryOp::Ne => ord != Some(Equal),
        _ => false,
    };
    Ok(Value::Bool(r))
}
