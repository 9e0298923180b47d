//! The small `$filter` subset both incident APIs document: comparisons joined by
//! `and`/`or`, with parentheses; strings single-quoted, datetimes unquoted ISO-8601.

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

/// A literal on the right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    /// `'text'`
    Str(String),
    /// An unquoted ISO-8601 datetime, as epoch milliseconds.
    DateTime(i64),
    /// `null`
    Null,
}

/// Whether a field holds text or a datetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// Compared as strings (enums, UPNs).
    Text,
    /// Compared as instants.
    DateTime,
}

/// A parsed filter expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// `field op literal`
    Cmp(String, Op, Literal),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
}

/// A field value of one incident.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldValue {
    /// Text (or null).
    Text(Option<String>),
    /// Instant in epoch ms (or null).
    DateTime(Option<i64>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Bare(String),
    LParen,
    RParen,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == '\'' {
            let mut v = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("unterminated string literal".into()),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        v.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        v.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(v));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '/') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() || c == '-' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || ":.+-".contains(chars[i])) {
                i += 1;
            }
            out.push(Tok::Bare(chars[start..i].iter().collect()));
        } else {
            return Err(format!("unexpected character '{c}'"));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    fields: &'a [(&'a str, FieldKind)],
}

impl Parser<'_> {
    fn peek_keyword(&self, kw: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Ident(s)) if s == kw)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek_keyword("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.primary()?;
        while self.peek_keyword("and") {
            self.pos += 1;
            let right = self.primary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.or()?;
                if self.toks.get(self.pos) != Some(&Tok::RParen) {
                    return Err("missing ')'".into());
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Ident(field)) => {
                let kind = self
                    .fields
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, k)| *k)
                    .ok_or_else(|| format!("could not find a property named '{field}' that supports filtering"))?;
                self.pos += 1;
                let op = match self.toks.get(self.pos) {
                    Some(Tok::Ident(o)) => match o.as_str() {
                        "eq" => Op::Eq,
                        "ne" => Op::Ne,
                        "gt" => Op::Gt,
                        "ge" => Op::Ge,
                        "lt" => Op::Lt,
                        "le" => Op::Le,
                        other => return Err(format!("unsupported operator '{other}'")),
                    },
                    _ => return Err(format!("expected an operator after '{field}'")),
                };
                self.pos += 1;
                let lit = match (self.toks.get(self.pos), kind) {
                    (Some(Tok::Ident(n)), _) if n == "null" => Literal::Null,
                    (Some(Tok::Str(s)), FieldKind::Text) => Literal::Str(s.clone()),
                    (Some(Tok::Bare(b)), FieldKind::DateTime) => Literal::DateTime(
                        crate::clock::parse_iso(b).ok_or_else(|| format!("'{b}' is not a valid DateTimeOffset"))?,
                    ),
                    (Some(_), FieldKind::DateTime) => {
                        return Err(format!("'{field}' must be compared with an unquoted DateTimeOffset"))
                    }
                    (Some(_), FieldKind::Text) => {
                        return Err(format!("'{field}' must be compared with a quoted string"))
                    }
                    (None, _) => return Err("expected a literal".into()),
                };
                self.pos += 1;
                Ok(Expr::Cmp(field, op, lit))
            }
            Some(t) => Err(format!("unexpected token {t:?}")),
            None => Err("unexpected end of expression".into()),
        }
    }
}

/// Parses `$filter` against the allowed `fields`; the error text goes into the 400 body.
pub(crate) fn parse(filter: &str, fields: &[(&str, FieldKind)]) -> Result<Expr, String> {
    let toks = tokenize(filter)?;
    let mut p = Parser { toks, pos: 0, fields };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(format!("syntax error at token {}", p.pos + 1));
    }
    Ok(e)
}

fn compare<T: PartialOrd>(a: &Option<T>, op: Op, b: &Option<T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => match op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Lt => a < b,
            Op::Le => a <= b,
        },
        // OData null semantics: null eq null, anything ne null; ordering with null is false.
        (None, None) => matches!(op, Op::Eq | Op::Ge | Op::Le),
        _ => op == Op::Ne,
    }
}

/// Evaluates the expression; `get` returns the value of a (validated) field.
pub(crate) fn eval(e: &Expr, get: &dyn Fn(&str) -> FieldValue) -> bool {
    match e {
        Expr::And(a, b) => eval(a, get) && eval(b, get),
        Expr::Or(a, b) => eval(a, get) || eval(b, get),
        Expr::Cmp(field, op, lit) => match (get(field), lit) {
            (FieldValue::Text(v), Literal::Str(s)) => compare(&v, *op, &Some(s.clone())),
            (FieldValue::Text(v), Literal::Null) => compare(&v, *op, &None),
            (FieldValue::DateTime(v), Literal::DateTime(t)) => compare(&v, *op, &Some(*t)),
            (FieldValue::DateTime(v), Literal::Null) => compare(&v, *op, &None),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: [(&str, FieldKind); 2] = [("status", FieldKind::Text), ("lastUpdateTime", FieldKind::DateTime)];

    #[test]
    fn parses_and_evaluates() {
        let e = parse("(status eq 'Active' or status eq 'InProgress') and lastUpdateTime ge 2024-01-01T00:00:00Z", &F)
            .unwrap();
        let get = |f: &str| match f {
            "status" => FieldValue::Text(Some("Active".into())),
            _ => FieldValue::DateTime(Some(1_714_558_272_345)),
        };
        assert!(eval(&e, &get));
        assert!(parse("severity eq 'High'", &F).is_err());
        assert!(parse("status has 'Active'", &F).is_err());
        assert!(parse("status eq Active", &F).is_err());
        assert!(parse("lastUpdateTime ge '2024-01-01'", &F).is_err());
        assert!(parse("status eq 'Active' and", &F).is_err());
        assert!(parse("status eq 'O''Brien'", &F).is_ok());
    }
}
