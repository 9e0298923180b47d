//! The KQL subset's tokens and grammar: a hand-written lexer and recursive-descent parser whose errors name the
//! line and column they stopped at.
//!
//! `lexer` turns the text into tokens, `parser` the tokens into the tree of `ast`; `errors` is what either
//! refuses with, and what the engine's semantic errors share.

mod ast;
mod errors;
mod lexer;
mod parser;

pub(crate) use ast::{BinOp, Expr, Item, Op, Pipeline, Query};
pub(crate) use errors::{KqlError, Pos};
pub(crate) use parser::parse;

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
