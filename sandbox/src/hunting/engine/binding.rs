//! Scalar expressions bound to column positions and typed, before any row is read: a wrong name, function or
//! operand type is refused here, at its place in the query.

use std::collections::HashMap;

use super::aggregation::agg_kind;
use super::operators::unknown_name;
use super::Column;
use crate::hunting::syntax::{BinOp, Expr, KqlError};
use crate::hunting::value::{Type, Value};

/// Scalar functions of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Func {
    Ago,
    Now,
    Bin,
    StartOfDay,
    ToLower,
    ToUpper,
    StrLen,
    ToStr,
    ToLong,
    IsEmpty,
    IsNotEmpty,
    IsNull,
    IsNotNull,
    Not,
    Iff,
}

fn func(name: &str) -> Option<(Func, usize)> {
    Some(match name {
        "ago" => (Func::Ago, 1),
        "now" => (Func::Now, 0),
        "bin" | "floor" => (Func::Bin, 2),
        "startofday" => (Func::StartOfDay, 1),
        "tolower" => (Func::ToLower, 1),
        "toupper" => (Func::ToUpper, 1),
        "strlen" => (Func::StrLen, 1),
        "tostring" => (Func::ToStr, 1),
        "tolong" | "toint" => (Func::ToLong, 1),
        "isempty" => (Func::IsEmpty, 1),
        "isnotempty" => (Func::IsNotEmpty, 1),
        "isnull" => (Func::IsNull, 1),
        "isnotnull" => (Func::IsNotNull, 1),
        "not" => (Func::Not, 1),
        "iff" | "iif" => (Func::Iff, 3),
        _ => return None,
    })
}

/// An expression bound to column positions.
#[derive(Debug, Clone)]
pub(super) enum Bound {
    Lit(Value),
    Col(usize),
    Neg(Box<Bound>),
    Bin(BinOp, Box<Bound>, Box<Bound>),
    In(Box<Bound>, Vec<Bound>, bool),
    Between(Box<Bound>, Box<Bound>, Box<Bound>, bool),
    Call(Func, Vec<Bound>),
}

fn arith_type(op: BinOp, l: Type, r: Type) -> Option<Type> {
    use Type::*;
    Some(match (op, l, r) {
        (BinOp::Add, DateTime, TimeSpan) | (BinOp::Add, TimeSpan, DateTime) | (BinOp::Sub, DateTime, TimeSpan) => {
            DateTime
        }
        (BinOp::Sub, DateTime, DateTime) | (BinOp::Add | BinOp::Sub, TimeSpan, TimeSpan) => TimeSpan,
        (BinOp::Mul | BinOp::Div, TimeSpan, r) if r.is_number() => TimeSpan,
        (BinOp::Div, TimeSpan, TimeSpan) => Real,
        (_, l, r) if l.is_number() && r.is_number() => {
            if l == Real || r == Real {
                Real
            } else {
                Long
            }
        }
        _ => return None,
    })
}

fn op_text(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        _ => "%",
    }
}

pub(super) fn bind(e: &Expr, cols: &[Column], lets: &HashMap<String, Value>) -> Result<(Bound, Type), KqlError> {
    let pos_of = |e: &Expr| match e {
        Expr::Name(_, p) | Expr::Call(_, _, p) => Some(*p),
        _ => None,
    };
    Ok(match e {
        Expr::Lit(v) => (Bound::Lit(v.clone()), v.type_of().unwrap_or(Type::String)),
        Expr::Star(p) => return Err(KqlError::semantic(*p, "'*' is only allowed in arg_max() and arg_min()")),
        Expr::Name(n, p) => {
            if let Some(i) = cols.iter().position(|c| c.name == *n) {
                (Bound::Col(i), cols[i].ty)
            } else if let Some(v) = lets.get(n) {
                (Bound::Lit(v.clone()), v.type_of().unwrap_or(Type::String))
            } else {
                return Err(unknown_name(n, *p));
            }
        }
        Expr::Neg(inner) => {
            let (b, ty) = bind(inner, cols, lets)?;
            (Bound::Neg(Box::new(b)), ty)
        }
        Expr::Bin(op, l, r) => {
            let (lb, lt) = bind(l, cols, lets)?;
            let (rb, rt) = bind(r, cols, lets)?;
            let ty = match op {
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                    arith_type(*op, lt, rt).ok_or_else(|| {
                        KqlError::semantic(
                            pos_of(l).or(pos_of(r)).unwrap_or_default(),
                            format!("cannot apply '{}' to {} and {}", op_text(*op), lt.kql_name(), rt.kql_name()),
                        )
                    })?
                }
                _ => Type::Bool,
            };
            (Bound::Bin(*op, Box::new(lb), Box::new(rb)), ty)
        }
        Expr::In { expr, list, negated } => {
            let (b, _) = bind(expr, cols, lets)?;
            let mut items = Vec::new();
            for x in list {
                items.push(bind(x, cols, lets)?.0);
            }
            (Bound::In(Box::new(b), items, *negated), Type::Bool)
        }
        Expr::Between { expr, lo, hi, negated } => {
            let b = bind(expr, cols, lets)?.0;
            let l = bind(lo, cols, lets)?.0;
            let h = bind(hi, cols, lets)?.0;
            (Bound::Between(Box::new(b), Box::new(l), Box::new(h), *negated), Type::Bool)
        }
        Expr::Call(name, args, p) => {
            if agg_kind(name).is_some() && func(name).is_none() {
                return Err(KqlError::semantic(
                    *p,
                    format!("'{name}' is an aggregation and is only allowed in summarize"),
                ));
            }
            let Some((f, arity)) = func(name) else {
                return Err(KqlError::semantic(*p, format!("Failed to resolve function named '{name}'")));
            };
            if args.len() != arity {
                return Err(KqlError::semantic(
                    *p,
                    format!("'{name}' expects {arity} argument(s), got {}", args.len()),
                ));
            }
            let mut bound = Vec::new();
            let mut types = Vec::new();
            for a in args {
                let (b, t) = bind(a, cols, lets)?;
                bound.push(b);
                types.push(t);
            }
            let ty = match f {
                Func::Ago | Func::Now | Func::StartOfDay => Type::DateTime,
                Func::Bin => types.first().copied().unwrap_or(Type::Long),
                Func::ToLower | Func::ToUpper | Func::ToStr => Type::String,
                Func::StrLen | Func::ToLong => Type::Long,
                Func::IsEmpty | Func::IsNotEmpty | Func::IsNull | Func::IsNotNull | Func::Not => Type::Bool,
                Func::Iff => types.get(1).copied().unwrap_or(Type::String),
            };
            if f == Func::Ago && types.first() != Some(&Type::TimeSpan) {
                return Err(KqlError::semantic(*p, "ago() expects a timespan such as 1d, 2h or 30m"));
            }
            (Bound::Call(f, bound), ty)
        }
    })
}
