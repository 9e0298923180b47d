//! `summarize`: rows grouped by the `by` items, and the aggregates computed over each group.

use std::collections::HashMap;

use super::binding::{bind, Bound};
use super::evaluation::eval;
use super::operators::{bind_items, unknown_name};
use super::{Column, Context, Table};
use crate::hunting::syntax::{Expr, Item, KqlError};
use crate::hunting::value::{Type, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AggKind {
    Count,
    CountIf,
    DCount,
    Min,
    Max,
    Sum,
    Avg,
    ArgMax,
    ArgMin,
}

pub(super) fn agg_kind(name: &str) -> Option<AggKind> {
    Some(match name {
        "count" => AggKind::Count,
        "countif" => AggKind::CountIf,
        "dcount" => AggKind::DCount,
        "min" => AggKind::Min,
        "max" => AggKind::Max,
        "sum" => AggKind::Sum,
        "avg" => AggKind::Avg,
        "arg_max" => AggKind::ArgMax,
        "arg_min" => AggKind::ArgMin,
        _ => return None,
    })
}

struct Agg {
    kind: AggKind,
    arg: Option<Bound>,
    /// For arg_max/arg_min: the columns carried from the chosen row.
    carry: Vec<usize>,
}

pub(super) fn summarize(
    t: Table,
    aggs: &[Item],
    by: &[Item],
    cx: &Context<'_>,
    lets: &HashMap<String, Value>,
) -> Result<Table, KqlError> {
    let now = cx.now_ms;
    let (mut columns, by_bound) = bind_items(by, &t, lets)?;
    let mut plan = Vec::new();
    for item in aggs {
        let Expr::Call(fname, args, fpos) = &item.expr else {
            return Err(KqlError::semantic(
                item.pos,
                "expected an aggregate such as count(), dcount(), min(), max() or arg_max()",
            ));
        };
        let Some(kind) = agg_kind(fname) else {
            return Err(KqlError::semantic(
                *fpos,
                format!("'{fname}' is not an aggregation function this sandbox supports"),
            ));
        };
        let arity_ok = match kind {
            AggKind::Count => args.is_empty(),
            AggKind::ArgMax | AggKind::ArgMin => args.len() >= 2,
            _ => args.len() == 1,
        };
        if !arity_ok {
            return Err(KqlError::semantic(*fpos, format!("'{fname}': wrong number of arguments")));
        }
        let arg_name = match args.first() {
            Some(Expr::Name(n, _)) => n.clone(),
            _ => String::new(),
        };
        let arg = match args.first() {
            Some(e) => Some(bind(e, &t.columns, lets)?),
            None => None,
        };
        let default_name = |prefix: &str| {
            if arg_name.is_empty() {
                format!("{prefix}_")
            } else {
                format!("{prefix}_{arg_name}")
            }
        };
        let mut carry = Vec::new();
        match kind {
            AggKind::ArgMax | AggKind::ArgMin => {
                let ty = arg.as_ref().map_or(Type::String, |a| a.1);
                let first = item.name.clone().unwrap_or_else(|| {
                    if arg_name.is_empty() {
                        format!("{}_", if kind == AggKind::ArgMax { "max" } else { "min" })
                    } else {
                        arg_name.clone()
                    }
                });
                columns.push(Column { name: first.clone(), ty });
                let mut wanted: Vec<usize> = Vec::new();
                for a in &args[1..] {
                    match a {
                        Expr::Star(_) => wanted.extend(0..t.columns.len()),
                        Expr::Name(n, p) => wanted.push(t.index(n).ok_or_else(|| unknown_name(n, *p))?),
                        _ => return Err(KqlError::semantic(*fpos, format!("'{fname}': expected column names or *"))),
                    }
                }
                for i in wanted {
                    let c = &t.columns[i];
                    if columns.iter().any(|x| x.name == c.name) {
                        continue;
                    }
                    columns.push(c.clone());
                    carry.push(i);
                }
            }
            _ => {
                let (name, ty) = match kind {
                    AggKind::Count => ("count_".to_string(), Type::Long),
                    AggKind::CountIf => (default_name("countif"), Type::Long),
                    AggKind::DCount => (default_name("dcount"), Type::Long),
                    AggKind::Min => (default_name("min"), arg.as_ref().map_or(Type::Long, |a| a.1)),
                    AggKind::Max => (default_name("max"), arg.as_ref().map_or(Type::Long, |a| a.1)),
                    AggKind::Sum => (default_name("sum"), arg.as_ref().map_or(Type::Long, |a| a.1)),
                    _ => (default_name("avg"), Type::Real),
                };
                columns.push(Column { name: item.name.clone().unwrap_or(name), ty });
            }
        }
        plan.push(Agg { kind, arg: arg.map(|a| a.0), carry });
    }
    let mut order: Vec<Vec<Value>> = Vec::new();
    let mut groups: HashMap<Vec<String>, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        let vals: Vec<Value> = by_bound.iter().map(|b| eval(b, r, now)).collect();
        let key: Vec<String> = vals.iter().map(Value::key).collect();
        let g = *groups.entry(key).or_insert_with(|| {
            order.push(vals);
            members.push(Vec::new());
            order.len() - 1
        });
        members[g].push(i);
    }
    // With no `by`, an empty input still gives one row (count() = 0), as KQL does.
    if by.is_empty() && order.is_empty() {
        order.push(Vec::new());
        members.push(Vec::new());
    }
    let mut rows = Vec::new();
    for (vals, idx) in order.into_iter().zip(members) {
        let mut row = vals;
        for a in &plan {
            let values = || idx.iter().map(|i| a.arg.as_ref().map_or(Value::Null, |b| eval(b, &t.rows[*i], now)));
            match a.kind {
                AggKind::Count => row.push(Value::Long(idx.len() as i64)),
                AggKind::CountIf => row.push(Value::Long(values().filter(|v| *v == Value::Bool(true)).count() as i64)),
                AggKind::DCount => {
                    let set: std::collections::HashSet<String> =
                        values().filter(|v| *v != Value::Null).map(|v| v.key()).collect();
                    row.push(Value::Long(set.len() as i64));
                }
                AggKind::Min => {
                    row.push(values().filter(|v| *v != Value::Null).min_by(|a, b| a.sort_cmp(b)).unwrap_or(Value::Null))
                }
                AggKind::Max => {
                    row.push(values().filter(|v| *v != Value::Null).max_by(|a, b| a.sort_cmp(b)).unwrap_or(Value::Null))
                }
                AggKind::Sum => row.push(sum(values())),
                AggKind::Avg => {
                    let nums: Vec<f64> = values().filter_map(|v| v.as_f64()).collect();
                    row.push(if nums.is_empty() {
                        Value::Null
                    } else {
                        Value::Real(nums.iter().sum::<f64>() / nums.len() as f64)
                    });
                }
                AggKind::ArgMax | AggKind::ArgMin => {
                    let mut best: Option<(Value, usize)> = None;
                    for (v, i) in values().zip(idx.iter().copied()) {
                        if v == Value::Null {
                            continue;
                        }
                        let better = match &best {
                            None => true,
                            Some((b, _)) => {
                                let o = v.sort_cmp(b);
                                if a.kind == AggKind::ArgMax {
                                    o.is_gt()
                                } else {
                                    o.is_lt()
                                }
                            }
                        };
                        if better {
                            best = Some((v, i));
                        }
                    }
                    match best {
                        Some((v, i)) => {
                            row.push(v);
                            row.extend(a.carry.iter().map(|c| t.rows[i][*c].clone()));
                        }
                        None => row.extend(std::iter::repeat_n(Value::Null, 1 + a.carry.len())),
                    }
                }
            }
        }
        rows.push(row);
    }
    Ok(Table { columns, rows })
}

fn sum(values: impl Iterator<Item = Value>) -> Value {
    let (mut long, mut real, mut any_real, mut any) = (0i64, 0f64, false, false);
    for v in values {
        match v {
            Value::Long(n) => {
                long = long.wrapping_add(n);
                real += n as f64;
                any = true;
            }
            Value::Real(x) => {
                real += x;
                any_real = true;
                any = true;
            }
            _ => {}
        }
    }
    match (any, any_real) {
        (false, _) => Value::Null,
        (true, true) => Value::Real(real),
        (true, false) => Value::Long(long),
    }
}
