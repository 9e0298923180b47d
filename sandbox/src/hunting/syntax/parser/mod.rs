//! The recursive-descent parser: `let` statements, the pipeline and its operators, over a cursor on the tokens.
//! The scalar-expression grammar is in `expressions`, a child module so it shares the cursor's private helpers.

mod expressions;

use super::ast::{BinOp, Expr, Item, Op, Pipeline, Query};
use super::errors::{KqlError, Pos};
use super::lexer::{lex, Tok};
use crate::hunting::value::Value;

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
}
