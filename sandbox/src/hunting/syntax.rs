//! The KQL subset's tokens and grammar: a hand-written lexer and recursive-descent parser whose errors name the
//! line and column they stopped at.

use std::fmt;

use super::value::{span_unit, Value};
use crate::clock::parse_iso;

/// A place in the query text (1-based line and column, in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) col: usize,
}

/// Why a query was refused: a syntax error (the parser) or a semantic one (names, types), at a place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KqlError {
    pub(crate) syntax: bool,
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

impl KqlError {
    pub(crate) fn syntax(pos: Pos, message: impl Into<String>) -> Self {
        KqlError { syntax: true, pos, message: message.into() }
    }

    pub(crate) fn semantic(pos: Pos, message: impl Into<String>) -> Self {
        KqlError { syntax: false, pos, message: message.into() }
    }
}

impl fmt::Display for KqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.syntax { "Syntax error" } else { "Semantic error" };
        write!(f, "{kind} at line {}, column {}: {}", self.pos.line, self.pos.col, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Lit(Value),
    Sym(&'static str),
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "'{s}'"),
            Tok::Lit(Value::Str(s)) => write!(f, "string \"{s}\""),
            Tok::Lit(v) => write!(f, "'{}'", v.text()),
            Tok::Sym(s) => write!(f, "'{s}'"),
            Tok::End => write!(f, "the end of the query"),
        }
    }
}

const SYMBOLS: [&str; 22] = [
    "==", "!=", "=~", "!~", "<=", ">=", "..", "|", "(", ")", ",", "=", "<", ">", "+", "-", "*", "/", "%", ";", "!", ".",
];

fn lex(src: &str) -> Result<Vec<(Tok, Pos)>, KqlError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut line_start) = (0usize, 1usize, 0usize);
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col: i - line_start + 1 };
        if c == '\n' {
            i += 1;
            line += 1;
            line_start = i;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '"' || c == '\'' || (c == '@' && matches!(chars.get(i + 1), Some('"' | '\''))) {
            let verbatim = c == '@';
            let quote = if verbatim { chars[i + 1] } else { c };
            i += if verbatim { 2 } else { 1 };
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None | Some('\n') => return Err(KqlError::syntax(pos, "the string literal is not closed")),
                    Some(&q) if q == quote => {
                        i += 1;
                        break;
                    }
                    Some('\\') if !verbatim => {
                        let e = chars.get(i + 1).copied().unwrap_or('\\');
                        s.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                        i += 2;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push((Tok::Lit(Value::Str(s)), pos));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let mut real = false;
            if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                real = true;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let num: String = chars[start..i].iter().collect();
            let suffix_start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let suffix: String = chars[suffix_start..i].iter().collect();
            let bad = || KqlError::syntax(pos, format!("'{num}{suffix}' is not a number or a timespan"));
            let value = if suffix.is_empty() {
                if real {
                    Value::Real(num.parse().map_err(|_| bad())?)
                } else {
                    Value::Long(num.parse().map_err(|_| bad())?)
                }
            } else {
                let unit = span_unit(&suffix).ok_or_else(bad)?;
                let n: f64 = num.parse().map_err(|_| bad())?;
                Value::Span((n * unit as f64).round() as i64)
            };
            out.push((Tok::Lit(value), pos));
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$' || chars[i] == '-')
            {
                // `project-away` style names: a dash belongs to the word only when a letter follows it.
                if chars[i] == '-' && !chars.get(i + 1).is_some_and(|n| n.is_alphabetic()) {
                    break;
                }
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // A dash inside a word is only kept for operator names (`project-away`); elsewhere it is a minus.
            let word = if word.contains('-') && !word.starts_with("project-") {
                i = start + word.find('-').unwrap_or(word.len());
                chars[start..i].iter().collect()
            } else {
                word
            };
            if matches!(word.as_str(), "datetime" | "timespan") && next_non_space(&chars, i) == Some('(') {
                let open = chars[i..].iter().position(|&ch| ch == '(').map_or(i, |p| i + p);
                let Some(close) = chars[open..].iter().position(|&ch| ch == ')').map(|p| open + p) else {
                    return Err(KqlError::syntax(pos, format!("'{word}(' is not closed")));
                };
                let inner: String = chars[open + 1..close].iter().collect::<String>().trim().to_string();
                let value = if word == "datetime" {
                    parse_iso(&inner).map(Value::Date)
                } else {
                    lex(&inner).ok().and_then(|t| match t.as_slice() {
                        [(Tok::Lit(v @ Value::Span(_)), _)] => Some(v.clone()),
                        _ => None,
                    })
                };
                let Some(value) = value else {
                    return Err(KqlError::syntax(pos, format!("'{inner}' is not a valid {word} literal")));
                };
                out.push((Tok::Lit(value), pos));
                i = close + 1;
                continue;
            }
            out.push((
                match word.as_str() {
                    "true" => Tok::Lit(Value::Bool(true)),
                    "false" => Tok::Lit(Value::Bool(false)),
                    _ => Tok::Ident(word),
                },
                pos,
            ));
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        match SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            Some(s) => {
                out.push((Tok::Sym(s), pos));
                i += s.len();
            }
            None => return Err(KqlError::syntax(pos, format!("unexpected character '{c}'"))),
        }
    }
    let end = Pos { line, col: chars.len() - line_start + 1 };
    out.push((Tok::End, end));
    Ok(out)
}

fn next_non_space(chars: &[char], from: usize) -> Option<char> {
    chars[from..].iter().copied().find(|c| !c.is_whitespace())
}

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

/// Parses a query of the subset.
pub(crate) fn parse(src: &str) -> Result<Query, KqlError> {
    let toks = lex(src)?;
    let mut p = Parser { toks, i: 0, nesting: 0, operators: 0 };
    let mut lets = Vec::new();
    while p.is_word("let") {
        let pos = p.pos();
        p.i += 1;
        let name = p.ident("a name after 'let'")?;
        p.expect("=")?;
        let expr = p.expr()?;
        p.expect(";")?;
        lets.push((name, expr, pos));
    }
    let body = p.pipeline()?;
    while p.eat(";") {}
    match p.peek() {
        Tok::End => Ok(Query { lets, body }),
        t => Err(KqlError::syntax(p.pos(), format!("unexpected {t}; expected '|' or the end of the query"))),
    }
}

/// Deepest nesting of parentheses, calls, signs and joins, and most binary operators, in one query: the tree is
/// walked recursively, so its depth must stay far from the stack's limit.
const MAX_NESTING: usize = 64;
const MAX_OPERATORS: usize = 1000;

struct Parser {
    toks: Vec<(Tok, Pos)>,
    i: usize,
    nesting: usize,
    operators: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.i).map_or(&Tok::End, |t| &t.0)
    }

    fn peek_at(&self, k: usize) -> &Tok {
        self.toks.get(self.i + k).map_or(&Tok::End, |t| &t.0)
    }

    fn pos(&self) -> Pos {
        self.toks.get(self.i).or(self.toks.last()).map(|t| t.1).unwrap_or_default()
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.i += 1;
        t
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == s)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(x) if x == w)
    }

    fn eat(&mut self, s: &str) -> bool {
        let hit = self.is_sym(s) || self.is_word(s);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn expect(&mut self, s: &str) -> Result<(), KqlError> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{s}'")))
        }
    }

    fn unexpected(&self, wanted: &str) -> KqlError {
        KqlError::syntax(self.pos(), format!("unexpected {}; expected {wanted}", self.peek()))
    }

    fn ident(&mut self, wanted: &str) -> Result<String, KqlError> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.unexpected(wanted)),
        }
    }

    fn count(&mut self) -> Result<usize, KqlError> {
        match self.peek().clone() {
            Tok::Lit(Value::Long(n)) if n >= 0 => {
                self.i += 1;
                Ok(n as usize)
            }
            _ => Err(self.unexpected("a row count")),
        }
    }

    /// Runs `inner` one nesting level deeper, refusing a query nested past [`MAX_NESTING`].
    fn nested<T>(&mut self, inner: impl FnOnce(&mut Self) -> Result<T, KqlError>) -> Result<T, KqlError> {
        if self.nesting >= MAX_NESTING {
            // Point at the token that opened the level too many (the one just read).
            let at = self.i.checked_sub(1).and_then(|k| self.toks.get(k)).map_or_else(|| self.pos(), |t| t.1);
            return Err(KqlError::syntax(at, format!("the query nests more than {MAX_NESTING} levels deep")));
        }
        self.nesting += 1;
        let out = inner(self);
        self.nesting -= 1;
        out
    }

    /// A binary node, counted against [`MAX_OPERATORS`].
    fn binary(&mut self, op: BinOp, l: Expr, r: Expr) -> Result<Expr, KqlError> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(KqlError::syntax(self.pos(), format!("the query has more than {MAX_OPERATORS} operators")));
        }
        Ok(Expr::Bin(op, Box::new(l), Box::new(r)))
    }

    fn pipeline(&mut self) -> Result<Pipeline, KqlError> {
        let table_pos = self.pos();
        let table = self.ident("a table name")?;
        let mut ops = Vec::new();
        while self.eat("|") {
            let pos = self.pos();
            ops.push((self.op()?, pos));
        }
        Ok(Pipeline { table, table_pos, ops })
    }

    fn op(&mut self) -> Result<Op, KqlError> {
        let name = self.ident("an operator after '|'")?;
        Ok(match name.as_str() {
            "where" | "filter" => Op::Where(self.expr()?),
            "project" => Op::Project(self.items()?),
            "project-away" => {
                let mut cols = vec![(self.pos(), self.ident("a column name")?)];
                while self.eat(",") {
                    cols.push((self.pos(), self.ident("a column name")?));
                }
                Op::ProjectAway(cols.into_iter().map(|(p, c)| (c, p)).collect())
            }
            "extend" => Op::Extend(self.items()?),
            "summarize" => {
                let aggs = if self.is_word("by") { Vec::new() } else { self.items()? };
                let by = if self.eat("by") { self.items()? } else { Vec::new() };
                if aggs.is_empty() && by.is_empty() {
                    return Err(self.unexpected("an aggregate or 'by'"));
                }
                Op::Summarize { aggs, by }
            }
            "order" | "sort" => {
                self.expect("by")?;
                let mut keys = vec![self.sort_key()?];
                while self.eat(",") {
                    keys.push(self.sort_key()?);
                }
                Op::Order(keys)
            }
            "top" => {
                let n = self.count()?;
                self.expect("by")?;
                let (key, desc) = self.sort_key()?;
                Op::Top { n, key, desc }
            }
            "take" | "limit" => Op::Take(self.count()?),
            "distinct" => {
                if self.eat("*") {
                    Op::Distinct(Vec::new())
                } else {
                    Op::Distinct(self.items()?)
                }
            }
            "count" => Op::Count,
            "getschema" => Op::GetSchema,
            "join" => {
                let mut inner_unique = true;
                if self.is_word("kind") {
                    self.i += 1;
                    self.expect("=")?;
                    let kind_pos = self.pos();
                    inner_unique = match self.ident("a join kind")?.as_str() {
                        "inner" => false,
                        "innerunique" => true,
                        other => {
                            return Err(KqlError::syntax(
                                kind_pos,
                                format!("join kind '{other}' is not supported here (inner, innerunique)"),
                            ))
                        }
                    };
                }
                self.expect("(")?;
                let right = self.nested(Self::pipeline)?;
                self.expect(")")?;
                self.expect("on")?;
                let mut on = vec![(self.ident("a column name after 'on'")?, self.toks[self.i - 1].1)];
                while self.eat(",") {
                    on.push((self.ident("a column name")?, self.toks[self.i - 1].1));
                }
                Op::Join { inner_unique, right, on }
            }
            _ => {
                let pos = self.toks[self.i - 1].1;
                return Err(KqlError::syntax(pos, format!("'{name}' is not an operator this sandbox supports")));
            }
        })
    }

    fn sort_key(&mut self) -> Result<(Expr, bool), KqlError> {
        let e = self.expr()?;
        let desc = if self.eat("asc") {
            false
        } else {
            self.eat("desc");
            true
        };
        Ok((e, desc))
    }

    fn items(&mut self) -> Result<Vec<Item>, KqlError> {
        let mut out = vec![self.item()?];
        while self.eat(",") {
            out.push(self.item()?);
        }
        Ok(out)
    }

    fn item(&mut self) -> Result<Item, KqlError> {
        let pos = self.pos();
        if let (Tok::Ident(name), Tok::Sym("=")) = (self.peek().clone(), self.peek_at(1).clone()) {
            self.i += 2;
            return Ok(Item { name: Some(name), expr: self.expr()?, pos });
        }
        Ok(Item { name: None, expr: self.expr()?, pos })
    }

    fn expr(&mut self) -> Result<Expr, KqlError> {
        let mut l = self.and()?;
        while self.eat("or") {
            let r = self.and()?;
            l = self.binary(BinOp::Or, l, r)?;
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Expr, KqlError> {
        let mut l = self.comparison()?;
        while self.eat("and") {
            let r = self.comparison()?;
            l = self.binary(BinOp::And, l, r)?;
        }
        Ok(l)
    }

    fn comparison(&mut self) -> Result<Expr, KqlError> {
        let l = self.additive()?;
        let negated = matches!((self.peek(), self.peek_at(1)), (Tok::Sym("!"), Tok::Ident(_)));
        if negated {
            self.i += 1;
        }
        let op = match self.peek().clone() {
            Tok::Sym(s) if !negated => match s {
                "==" => BinOp::Eq,
                "!=" => BinOp::Ne,
                "=~" => BinOp::EqCi,
                "!~" => BinOp::NeCi,
                "<" => BinOp::Lt,
                ">" => BinOp::Gt,
                "<=" => BinOp::Le,
                ">=" => BinOp::Ge,
                _ => return Ok(l),
            },
            Tok::Ident(w) => match (w.as_str(), negated) {
                ("contains", false) => BinOp::Contains,
                ("contains", true) => BinOp::NotContains,
                ("has", false) => BinOp::Has,
                ("has", true) => BinOp::NotHas,
                ("startswith", false) => BinOp::StartsWith,
                ("startswith", true) => BinOp::NotStartsWith,
                ("in", _) => {
                    self.i += 1;
                    self.expect("(")?;
                    let mut list = vec![self.expr()?];
                    while self.eat(",") {
                        list.push(self.expr()?);
                    }
                    self.expect(")")?;
                    return Ok(Expr::In { expr: Box::new(l), list, negated });
                }
                ("between", _) => {
                    self.i += 1;
                    self.expect("(")?;
                    let lo = self.additive()?;
                    self.expect("..")?;
                    let hi = self.additive()?;
                    self.expect(")")?;
                    return Ok(Expr::Between { expr: Box::new(l), lo: Box::new(lo), hi: Box::new(hi), negated });
                }
                _ if negated => return Err(self.unexpected("'contains', 'has', 'startswith', 'in' or 'between'")),
                _ => return Ok(l),
            },
            _ => return Ok(l),
        };
        self.i += 1;
        let r = self.additive()?;
        self.binary(op, l, r)
    }

    fn additive(&mut self) -> Result<Expr, KqlError> {
        let mut l = self.multiplicative()?;
        loop {
            let op = if self.eat("+") {
                BinOp::Add
            } else if self.eat("-") {
                BinOp::Sub
            } else {
                return Ok(l);
            };
            let r = self.multiplicative()?;
            l = self.binary(op, l, r)?;
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, KqlError> {
        let mut l = self.unary()?;
        loop {
            let op = if self.eat("*") {
                BinOp::Mul
            } else if self.eat("/") {
                BinOp::Div
            } else if self.eat("%") {
                BinOp::Mod
            } else {
                return Ok(l);
            };
            let r = self.unary()?;
            l = self.binary(op, l, r)?;
        }
    }

    fn unary(&mut self) -> Result<Expr, KqlError> {
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.nested(Self::unary)?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, KqlError> {
        let pos = self.pos();
        match self.next() {
            Tok::Lit(v) => Ok(Expr::Lit(v)),
            Tok::Sym("(") => {
                let e = self.nested(Self::expr)?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Sym("*") => Ok(Expr::Star(pos)),
            Tok::Ident(name) => {
                if self.eat("(") {
                    let args = self.nested(|p| {
                        let mut args = Vec::new();
                        if !p.eat(")") {
                            args.push(p.expr()?);
                            while p.eat(",") {
                                args.push(p.expr()?);
                            }
                            p.expect(")")?;
                        }
                        Ok(args)
                    })?;
                    Ok(Expr::Call(name, args, pos))
                } else {
                    Ok(Expr::Name(name, pos))
                }
            }
            t => {
                self.i -= 1;
                Err(KqlError::syntax(pos, format!("unexpected {t}; expected an expression")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(q: &str) -> String {
        parse(q).unwrap_err().to_string()
    }

    #[test]
    fn literals() {
        let q = parse("T | where a > ago(1d) and b == 2.5 and c == datetime(2024-01-02) and d < 30m").unwrap();
        let Op::Where(e) = &q.body.ops[0].0 else { panic!("where") };
        let text = format!("{e:?}");
        assert!(text.contains("Span(86400000)"), "{text}");
        assert!(text.contains("Real(2.5)"));
        assert!(text.contains("Date(1704153600000)"));
        assert!(text.contains("Span(1800000)"));
    }

    #[test]
    fn errors_name_their_place() {
        assert_eq!(
            err("DeviceProcessEvents\n| where FileName == \"a\"\n| frobnicate"),
            "Syntax error at line 3, column 3: 'frobnicate' is not an operator this sandbox supports"
        );
        assert_eq!(
            err("T\n| where A ==\n"),
            "Syntax error at line 3, column 1: unexpected the end of the query; expected an expression"
        );
        assert_eq!(err("T | where A == \"x"), "Syntax error at line 1, column 16: the string literal is not closed");
        assert_eq!(err("T | take x"), "Syntax error at line 1, column 10: unexpected 'x'; expected a row count");
        assert_eq!(err("T | where A # 1"), "Syntax error at line 1, column 13: unexpected character '#'");
        assert_eq!(
            err("T | where datetime(yesterday) < A"),
            "Syntax error at line 1, column 11: 'yesterday' is not a valid datetime literal"
        );
        assert_eq!(
            err("T | join kind=leftouter (U) on A"),
            "Syntax error at line 1, column 15: join kind 'leftouter' is not supported here (inner, innerunique)"
        );
        assert_eq!(err("let x = 1 T"), "Syntax error at line 1, column 11: unexpected 'T'; expected ';'");
    }

    #[test]
    fn deep_or_long_queries_are_refused_not_overflowed() {
        let deep = format!("T | where {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(err(&deep), "Syntax error at line 1, column 75: the query nests more than 64 levels deep");
        let long = format!("T | where A == 1{}", " or A == 1".repeat(5_000));
        assert!(err(&long).ends_with("the query has more than 1000 operators"));
        assert!(err(&format!("T | where {}1", "-".repeat(10_000))).ends_with("levels deep"));
    }

    #[test]
    fn words_with_dashes() {
        let q = parse("T | project-away A | extend B = C-1").unwrap();
        assert!(matches!(q.body.ops[0].0, Op::ProjectAway(_)));
        let Op::Extend(items) = &q.body.ops[1].0 else { panic!("extend") };
        assert!(matches!(items[0].expr, Expr::Bin(BinOp::Sub, _, _)));
    }
}
