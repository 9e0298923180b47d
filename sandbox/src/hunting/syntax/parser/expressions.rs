//! Scalar expressions, one method per precedence level: `or`, `and`, comparisons, `+ -`, `* / %`, unary minus,
//! then literals, names, calls and parentheses.

use super::Parser;
use crate::hunting::syntax::ast::{BinOp, Expr};
use crate::hunting::syntax::errors::KqlError;
use crate::hunting::syntax::lexer::Tok;

impl Parser {
    pub(super) fn expr(&mut self) -> Result<Expr, KqlError> {
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
