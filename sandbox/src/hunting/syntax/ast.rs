//! The parsed query: a pipeline of tabular operators over scalar expressions, as the engine binds them.

use super::errors::Pos;
use crate::hunting::value::Value;

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    EqCi,
    NeCi,
    Lt,
    Gt,
    Le,
    Ge,
    Contains,
    NotContains,
    Has,
    NotHas,
    StartsWith,
    NotStartsWith,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// A scalar expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Lit(Value),
    /// A column or a `let` name.
    Name(String, Pos),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        lo: Box<Expr>,
        hi: Box<Expr>,
        negated: bool,
    },
    /// A function call (also aggregates, which only `summarize` accepts).
    Call(String, Vec<Expr>, Pos),
    /// `*` as an argument (`arg_max(Timestamp, *)`).
    Star(Pos),
}

/// `Name = expr` or a bare expression (named after itself later).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) name: Option<String>,
    pub(crate) expr: Expr,
    pub(crate) pos: Pos,
}

/// A tabular operator after `|`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    Where(Expr),
    Project(Vec<Item>),
    ProjectAway(Vec<(String, Pos)>),
    Extend(Vec<Item>),
    Summarize {
        aggs: Vec<Item>,
        by: Vec<Item>,
    },
    /// Sort keys, `true` when descending.
    Order(Vec<(Expr, bool)>),
    Top {
        n: usize,
        key: Expr,
        desc: bool,
    },
    Take(usize),
    Distinct(Vec<Item>),
    Count,
    Join {
        inner_unique: bool,
        right: Pipeline,
        on: Vec<(String, Pos)>,
    },
    GetSchema,
}

/// A table and the operators piped after it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pipeline {
    pub(crate) table: String,
    pub(crate) table_pos: Pos,
    pub(crate) ops: Vec<(Op, Pos)>,
}

/// `let` statements and the one tabular expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub(crate) lets: Vec<(String, Expr, Pos)>,
    pub(crate) body: Pipeline,
}
