//! The tabular operators after `|`: each takes the table so far and gives the next one.

use std::collections::HashMap;

use super::aggregation::summarize;
use super::binding::{bind, Bound};
use super::evaluation::eval;
use super::{pipeline, Column, Context, HuntError, Table, MAX_INTERMEDIATE_ROWS};
use crate::hunting::syntax::{Expr, Item, KqlError, Op, Pos};
use crate::hunting::value::{Type, Value};

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Where(_) => "where",
        Op::Project(_) => "project",
        Op::ProjectAway(_) => "project-away",
        Op::Extend(_) => "extend",
        Op::Summarize { .. } => "summarize",
        Op::Order(_) => "order",
        Op::Top { .. } => "top",
        Op::Take(_) => "take",
        Op::Distinct(_) => "distinct",
        Op::Count => "count",
        Op::Join { .. } => "join",
        Op::GetSchema => "getschema",
    }
}

pub(super) fn apply(op: &Op, t: Table, cx: &Context<'_>, lets: &HashMap<String, Value>) -> Result<Table, HuntError> {
    // Semantic errors say which operator they come from, as advanced hunting does.
    let name = op_name(op);
    let tag = |e: KqlError| -> HuntError {
        if e.syntax {
            HuntError::Query(e)
        } else {
            HuntError::Query(KqlError::semantic(e.pos, format!("'{name}' operator: {}", e.message)))
        }
    };
    let now = cx.now_ms;
    let bind_here = |e: &Expr, t: &Table| bind(e, &t.columns, lets).map_err(tag);
    Ok(match op {
        Op::Where(e) => {
            let (b, _) = bind_here(e, &t)?;
            let rows = t.rows.into_iter().filter(|r| eval(&b, r, now) == Value::Bool(true)).collect();
            Table { columns: t.columns, rows }
        }
        Op::Project(items) | Op::Distinct(items) => {
            let distinct = matches!(op, Op::Distinct(_));
            let mut out = if items.is_empty() {
                t
            } else {
                let (columns, bound) = bind_items(items, &t, lets).map_err(tag)?;
                let rows = t.rows.iter().map(|r| bound.iter().map(|b| eval(b, r, now)).collect()).collect();
                Table { columns, rows }
            };
            if distinct {
                let mut seen = std::collections::HashSet::new();
                out.rows.retain(|r| seen.insert(r.iter().map(Value::key).collect::<Vec<_>>()));
            }
            out
        }
        Op::ProjectAway(cols) => {
            let mut drop = Vec::new();
            for (c, p) in cols {
                match t.index(c) {
                    Some(i) => drop.push(i),
                    None => return Err(tag(unknown_name(c, *p))),
                }
            }
            let keep: Vec<usize> = (0..t.columns.len()).filter(|i| !drop.contains(i)).collect();
            Table {
                columns: keep.iter().map(|i| t.columns[*i].clone()).collect(),
                rows: t.rows.iter().map(|r| keep.iter().map(|i| r[*i].clone()).collect()).collect(),
            }
        }
        Op::Extend(items) => {
            let mut t = t;
            for (k, item) in items.iter().enumerate() {
                let (b, ty) = bind_here(&item.expr, &t)?;
                let name = item_name(item, k);
                let values: Vec<Value> = t.rows.iter().map(|r| eval(&b, r, now)).collect();
                let slot = match t.index(&name) {
                    Some(i) => {
                        t.columns[i].ty = ty;
                        i
                    }
                    None => {
                        t.columns.push(Column { name, ty });
                        t.columns.len() - 1
                    }
                };
                for (r, v) in t.rows.iter_mut().zip(values) {
                    if slot < r.len() {
                        r[slot] = v;
                    } else {
                        r.push(v);
                    }
                }
            }
            t
        }
        Op::Summarize { aggs, by } => summarize(t, aggs, by, cx, lets).map_err(tag)?,
        Op::Order(keys) => {
            let mut bound = Vec::new();
            for (e, desc) in keys {
                bound.push((bind_here(e, &t)?.0, *desc));
            }
            sort(t, &bound, now)
        }
        Op::Top { n, key, desc } => {
            let b = bind_here(key, &t)?.0;
            let mut t = sort(t, &[(b, *desc)], now);
            t.rows.truncate(*n);
            t
        }
        Op::Take(n) => {
            let mut t = t;
            t.rows.truncate(*n);
            t
        }
        Op::Count => {
            Table { columns: vec![col("Count", Type::Long)], rows: vec![vec![Value::Long(t.rows.len() as i64)]] }
        }
        Op::GetSchema => {
            let mut s = Table::new(&[
                ("ColumnName", Type::String),
                ("ColumnOrdinal", Type::Int),
                ("DataType", Type::String),
                ("ColumnType", Type::String),
            ]);
            for (i, c) in t.columns.iter().enumerate() {
                s.rows.push(vec![
                    Value::Str(c.name.clone()),
                    Value::Long(i as i64),
                    Value::Str(format!("System.{}", c.ty.schema_name())),
                    Value::Str(c.ty.kql_name().into()),
                ]);
            }
            s
        }
        Op::Join { inner_unique, right, on } => {
            let r = pipeline(right, cx, lets)?;
            join(t, r, on, *inner_unique).map_err(|e| match e {
                HuntError::Query(k) => tag(k),
                other => other,
            })?
        }
    })
    .and_then(|t: Table| if t.rows.len() > MAX_INTERMEDIATE_ROWS { Err(HuntError::TooLarge) } else { Ok(t) })
}

fn col(name: &str, ty: Type) -> Column {
    Column { name: name.into(), ty }
}

pub(super) fn unknown_name(name: &str, pos: Pos) -> KqlError {
    KqlError::semantic(pos, format!("Failed to resolve scalar expression named '{name}'"))
}

/// The output name of a `project`/`extend`/`by` item: its `Name =`, the column it is, the column a `bin()` rounds,
/// or `Column{k+1}`.
fn item_name(item: &Item, k: usize) -> String {
    if let Some(n) = &item.name {
        return n.clone();
    }
    match &item.expr {
        Expr::Name(n, _) => n.clone(),
        Expr::Call(f, args, _) if f == "bin" || f == "startofday" => match args.first() {
            Some(Expr::Name(n, _)) => n.clone(),
            _ => format!("Column{}", k + 1),
        },
        _ => format!("Column{}", k + 1),
    }
}

pub(super) fn bind_items(
    items: &[Item],
    t: &Table,
    lets: &HashMap<String, Value>,
) -> Result<(Vec<Column>, Vec<Bound>), KqlError> {
    let mut columns = Vec::new();
    let mut bound = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let (b, ty) = bind(&item.expr, &t.columns, lets)?;
        columns.push(Column { name: item_name(item, k), ty });
        bound.push(b);
    }
    Ok((columns, bound))
}

fn sort(mut t: Table, keys: &[(Bound, bool)], now: i64) -> Table {
    let mut keyed: Vec<(Vec<Value>, Vec<Value>)> =
        t.rows.into_iter().map(|r| (keys.iter().map(|(b, _)| eval(b, &r, now)).collect(), r)).collect();
    keyed.sort_by(|(a, _), (b, _)| {
        for (k, (_, desc)) in keys.iter().enumerate() {
            let o = a[k].sort_cmp(&b[k]);
            let o = if *desc { o.reverse() } else { o };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
    t.rows = keyed.into_iter().map(|(_, r)| r).collect();
    t
}

fn join(l: Table, r: Table, on: &[(String, Pos)], inner_unique: bool) -> Result<Table, HuntError> {
    let mut keys = Vec::new();
    for (c, p) in on {
        match (l.index(c), r.index(c)) {
            (Some(a), Some(b)) => keys.push((a, b)),
            _ => return Err(HuntError::Query(unknown_name(c, *p))),
        }
    }
    let key = |row: &[Value], pick: fn(&(usize, usize)) -> usize| -> Option<Vec<String>> {
        keys.iter()
            .map(|k| match &row[pick(k)] {
                Value::Null => None,
                v => Some(v.key()),
            })
            .collect()
    };
    let mut index: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (i, row) in r.rows.iter().enumerate() {
        if let Some(k) = key(row, |k| k.1) {
            index.entry(k).or_default().push(i);
        }
    }
    let mut columns = l.columns.clone();
    for c in &r.columns {
        let mut name = c.name.clone();
        let mut n = 1;
        while columns.iter().any(|x| x.name == name) {
            name = format!("{}{n}", c.name);
            n += 1;
        }
        columns.push(Column { name, ty: c.ty });
    }
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    for lrow in &l.rows {
        let Some(k) = key(lrow, |k| k.0) else { continue };
        if inner_unique && !seen.insert(k.clone()) {
            continue;
        }
        for &ri in index.get(&k).map(Vec::as_slice).unwrap_or(&[]) {
            if rows.len() >= MAX_INTERMEDIATE_ROWS {
                return Err(HuntError::TooLarge);
            }
            let mut row = lrow.clone();
            row.extend(r.rows[ri].iter().cloned());
            rows.push(row);
        }
    }
    Ok(Table { columns, rows })
}
