//! Runs a parsed query over in-memory tables: names are bound to columns (with their types) before any row is
//! read, so a wrong name fails at its place even on an empty table.

use std::collections::HashMap;

use super::syntax::{parse, BinOp, Expr, Item, KqlError, Op, Pipeline, Pos, Query};
use super::value::{Type, Value};

/// A named, typed column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// A table: columns and rows of values in column order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Vec<Value>>,
}

impl Table {
    /// An empty table with these columns.
    pub(crate) fn new(columns: &[(&str, Type)]) -> Self {
        Table {
            columns: columns.iter().map(|(n, t)| Column { name: (*n).to_string(), ty: *t }).collect(),
            rows: Vec::new(),
        }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// Why a query produced no result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HuntError {
    /// The query is outside the subset or names something that does not exist.
    Query(KqlError),
    /// An intermediate result (a join) grew past what the service would hold.
    TooLarge,
}

impl From<KqlError> for HuntError {
    fn from(e: KqlError) -> Self {
        HuntError::Query(e)
    }
}

/// Largest intermediate table (a join's output) before the query is refused as too large.
const MAX_INTERMEDIATE_ROWS: usize = 1_000_000;

/// What a query runs against: the tables, the clock, and the time window rows must fall in (the `Timespan`).
pub(crate) struct Context<'a> {
    pub(crate) tables: &'a HashMap<String, Table>,
    pub(crate) now_ms: i64,
    pub(crate) window: (i64, i64),
}

/// Parses and runs `text`.
pub(crate) fn run(text: &str, cx: &Context<'_>) -> Result<Table, HuntError> {
    let q = parse(text)?;
    run_query(&q, cx)
}

fn run_query(q: &Query, cx: &Context<'_>) -> Result<Table, HuntError> {
    let mut lets: HashMap<String, Value> = HashMap::new();
    for (name, expr, _) in &q.lets {
        let (b, _) = bind(expr, &[], &lets)?;
        let v = eval(&b, &[], cx.now_ms);
        lets.insert(name.clone(), v);
    }
    pipeline(&q.body, cx, &lets)
}

fn source(name: &str, pos: Pos, cx: &Context<'_>) -> Result<Table, KqlError> {
    let Some(t) = cx.tables.get(name) else {
        return Err(KqlError::semantic(pos, format!("Failed to resolve table or column expression named '{name}'")));
    };
    let mut t = t.clone();
    if let Some(ts) = t.index("Timestamp") {
        let (from, to) = cx.window;
        t.rows.retain(|r| matches!(r.get(ts), Some(Value::Date(d)) if *d >= from && *d <= to));
    }
    Ok(t)
}

fn pipeline(p: &Pipeline, cx: &Context<'_>, lets: &HashMap<String, Value>) -> Result<Table, HuntError> {
    let mut t = source(&p.table, p.table_pos, cx)?;
    for (op, _) in &p.ops {
        t = apply(op, t, cx, lets)?;
    }
    Ok(t)
}

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

fn apply(op: &Op, t: Table, cx: &Context<'_>, lets: &HashMap<String, Value>) -> Result<Table, HuntError> {
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

fn unknown_name(name: &str, pos: Pos) -> KqlError {
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

fn bind_items(items: &[Item], t: &Table, lets: &HashMap<String, Value>) -> Result<(Vec<Column>, Vec<Bound>), KqlError> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AggKind {
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

fn agg_kind(name: &str) -> Option<AggKind> {
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

fn summarize(
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

/// Scalar functions of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
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
enum Bound {
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

fn bind(e: &Expr, cols: &[Column], lets: &HashMap<String, Value>) -> Result<(Bound, Type), KqlError> {
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

fn eval(b: &Bound, row: &[Value], now: i64) -> Value {
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
