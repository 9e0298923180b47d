//! A bound expression's value on one row: operators, comparisons, text matching and the scalar functions.

use super::binding::{Bound, Func};
use crate::hunting::syntax::BinOp;
use crate::hunting::value::Value;

fn truth(v: &Value) -> bool {
    *v == Value::Bool(true)
}

fn lower(v: &Value) -> String {
    v.text().to_lowercase()
}

/// KQL `has`: the needle appears as a whole term (bounded by non-alphanumeric characters), ignoring case.
fn has_term(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    hay.match_indices(needle).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        let glued_before = alnum(before) && needle.starts_with(char::is_alphanumeric);
        let glued_after = alnum(after) && needle.ends_with(char::is_alphanumeric);
        !(glued_before || glued_after)
    })
}

fn arith(op: BinOp, l: &Value, r: &Value) -> Value {
    use Value::*;
    match (op, l, r) {
        (_, Null, _) | (_, _, Null) => Null,
        (BinOp::Add, Date(d), Span(s)) | (BinOp::Add, Span(s), Date(d)) => Date(d.saturating_add(*s)),
        (BinOp::Sub, Date(d), Span(s)) => Date(d.saturating_sub(*s)),
        (BinOp::Sub, Date(a), Date(b)) => Span(a.saturating_sub(*b)),
        (BinOp::Add, Span(a), Span(b)) => Span(a.saturating_add(*b)),
        (BinOp::Sub, Span(a), Span(b)) => Span(a.saturating_sub(*b)),
        (BinOp::Div, Span(a), Span(b)) if *b != 0 => Real(*a as f64 / *b as f64),
        (BinOp::Mul, Span(a), n) => n.as_f64().map_or(Null, |n| Span((*a as f64 * n) as i64)),
        (BinOp::Div, Span(a), n) => n.as_f64().filter(|n| *n != 0.0).map_or(Null, |n| Span((*a as f64 / n) as i64)),
        (op, Long(a), Long(b)) => match op {
            BinOp::Add => Long(a.wrapping_add(*b)),
            BinOp::Sub => Long(a.wrapping_sub(*b)),
            BinOp::Mul => Long(a.wrapping_mul(*b)),
            BinOp::Div if *b != 0 => Long(a.wrapping_div(*b)),
            BinOp::Mod if *b != 0 => Long(a.wrapping_rem(*b)),
            _ => Null,
        },
        (op, a, b) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => match op {
                BinOp::Add => Real(a + b),
                BinOp::Sub => Real(a - b),
                BinOp::Mul => Real(a * b),
                BinOp::Div if b != 0.0 => Real(a / b),
                BinOp::Mod if b != 0.0 => Real(a % b),
                _ => Null,
            },
            _ => Null,
        },
    }
}

fn floor_to(v: &Value, size: &Value) -> Value {
    match (v, size) {
        (Value::Date(d), Value::Span(s)) | (Value::Span(d), Value::Span(s)) if *s > 0 => {
            match d.div_euclid(*s).checked_mul(*s) {
                Some(f) if matches!(v, Value::Date(_)) => Value::Date(f),
                Some(f) => Value::Span(f),
                None => Value::Null,
            }
        }
        (Value::Long(n), Value::Long(s)) if *s > 0 => n.div_euclid(*s).checked_mul(*s).map_or(Value::Null, Value::Long),
        (a, b) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) if b > 0.0 => Value::Real((a / b).floor() * b),
            _ => Value::Null,
        },
    }
}

pub(super) fn eval(b: &Bound, row: &[Value], now: i64) -> Value {
    let ev = |x: &Bound| eval(x, row, now);
    match b {
        Bound::Lit(v) => v.clone(),
        Bound::Col(i) => row.get(*i).cloned().unwrap_or(Value::Null),
        Bound::Neg(x) => match ev(x) {
            Value::Long(n) => Value::Long(n.wrapping_neg()),
            Value::Real(x) => Value::Real(-x),
            Value::Span(s) => Value::Span(s.wrapping_neg()),
            _ => Value::Null,
        },
        Bound::Bin(op, l, r) => {
            let l = ev(l);
            match op {
                BinOp::And => return Value::Bool(truth(&l) && truth(&ev(r))),
                BinOp::Or => return Value::Bool(truth(&l) || truth(&ev(r))),
                _ => {}
            }
            let r = ev(r);
            let cmp = l.compare(&r);
            let text_op = |f: fn(&str, &str) -> bool| Value::Bool(l != Value::Null && f(&lower(&l), &lower(&r)));
            match op {
                BinOp::Eq => Value::Bool(cmp.is_some_and(|o| o.is_eq())),
                BinOp::Ne => Value::Bool(cmp.is_some_and(|o| o.is_ne())),
                BinOp::EqCi => Value::Bool(l != Value::Null && lower(&l) == lower(&r)),
                BinOp::NeCi => Value::Bool(l != Value::Null && lower(&l) != lower(&r)),
                BinOp::Lt => Value::Bool(cmp.is_some_and(|o| o.is_lt())),
                BinOp::Gt => Value::Bool(cmp.is_some_and(|o| o.is_gt())),
                BinOp::Le => Value::Bool(cmp.is_some_and(|o| o.is_le())),
                BinOp::Ge => Value::Bool(cmp.is_some_and(|o| o.is_ge())),
                BinOp::Contains => text_op(|h, n| h.contains(n)),
                BinOp::NotContains => text_op(|h, n| !h.contains(n)),
                BinOp::Has => text_op(has_term),
                BinOp::NotHas => text_op(|h, n| !has_term(h, n)),
                BinOp::StartsWith => text_op(|h, n| h.starts_with(n)),
                BinOp::NotStartsWith => text_op(|h, n| !h.starts_with(n)),
                _ => arith(*op, &l, &r),
            }
        }
        Bound::In(x, list, negated) => {
            let v = ev(x);
            let found = list.iter().any(|i| v.compare(&ev(i)).is_some_and(|o| o.is_eq()));
            Value::Bool(v != Value::Null && found != *negated)
        }
        Bound::Between(x, lo, hi, negated) => {
            let v = ev(x);
            let inside = v.compare(&ev(lo)).is_some_and(|o| o.is_ge()) && v.compare(&ev(hi)).is_some_and(|o| o.is_le());
            Value::Bool(v != Value::Null && inside != *negated)
        }
        Bound::Call(f, args) => {
            let a = |k: usize| args.get(k).map_or(Value::Null, ev);
            match f {
                Func::Ago => match a(0) {
                    Value::Span(s) => Value::Date(now.saturating_sub(s)),
                    _ => Value::Null,
                },
                Func::Now => Value::Date(now),
                Func::Bin => floor_to(&a(0), &a(1)),
                Func::StartOfDay => floor_to(&a(0), &Value::Span(86_400_000)),
                Func::ToLower => Value::Str(a(0).text().to_lowercase()),
                Func::ToUpper => Value::Str(a(0).text().to_uppercase()),
                Func::StrLen => Value::Long(a(0).text().chars().count() as i64),
                Func::ToStr => Value::Str(a(0).text()),
                Func::ToLong => match a(0) {
                    Value::Long(n) => Value::Long(n),
                    Value::Real(x) => Value::Long(x as i64),
                    Value::Bool(b) => Value::Long(b as i64),
                    Value::Str(s) => s.trim().parse().map_or(Value::Null, Value::Long),
                    _ => Value::Null,
                },
                Func::IsEmpty => Value::Bool(a(0).text().is_empty()),
                Func::IsNotEmpty => Value::Bool(!a(0).text().is_empty()),
                Func::IsNull => Value::Bool(a(0) == Value::Null),
                Func::IsNotNull => Value::Bool(a(0) != Value::Null),
                Func::Not => Value::Bool(!truth(&a(0))),
                Func::Iff => {
                    if truth(&a(0)) {
                        a(1)
                    } else {
                        a(2)
                    }
                }
            }
        }
    }
}
