//! Runs a parsed query over in-memory tables: names are bound to columns (with their types) before any row is
//! read, so a wrong name fails at its place even on an empty table.
//!
//! Here: the tables, the context and the pipeline's driver. Each tabular operator is in `operators`
//! (`summarize` in `aggregation`); scalar expressions are bound to columns in `binding` and computed row by row in
//! `evaluation`.

mod aggregation;
mod binding;
mod evaluation;
mod operators;

use std::collections::HashMap;

use super::syntax::{parse, KqlError, Pipeline, Pos, Query};
use super::value::{Type, Value};
use binding::bind;
use evaluation::eval;
use operators::apply;

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
