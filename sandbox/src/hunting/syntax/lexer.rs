//! The query text as tokens, each with its place; literals (numbers, timespans, strings, `datetime(…)`) are read
//! here whole.

use std::fmt;

use super::errors::{KqlError, Pos};
use crate::clock::parse_iso;
use crate::hunting::value::{span_unit, Value};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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

pub(super) fn lex(src: &str) -> Result<Vec<(Tok, Pos)>, KqlError> {
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
