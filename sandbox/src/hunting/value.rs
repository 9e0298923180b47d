//! KQL scalar values and column types, and how they read and compare.

use std::cmp::Ordering;

use serde_json::{json, Value as Json};

use crate::clock::iso;

/// A column type of the advanced hunting schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    /// `bool`.
    Bool,
    /// `int`.
    Int,
    /// `long`.
    Long,
    /// `real`.
    Real,
    /// `string`.
    String,
    /// `datetime`.
    DateTime,
    /// `timespan`.
    TimeSpan,
}

impl Type {
    /// The name runHuntingQuery's `schema` gives the type (the .NET name, as in Microsoft's examples).
    pub(crate) fn schema_name(self) -> &'static str {
        match self {
            Type::Bool => "Boolean",
            Type::Int => "Int32",
            Type::Long => "Int64",
            Type::Real => "Double",
            Type::String => "String",
            Type::DateTime => "DateTime",
            Type::TimeSpan => "TimeSpan",
        }
    }

    /// The KQL name (`getschema`'s `ColumnType`).
    pub(crate) fn kql_name(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Int => "int",
            Type::Long => "long",
            Type::Real => "real",
            Type::String => "string",
            Type::DateTime => "datetime",
            Type::TimeSpan => "timespan",
        }
    }

    pub(crate) fn is_number(self) -> bool {
        matches!(self, Type::Int | Type::Long | Type::Real)
    }
}

/// A scalar value. Times are epoch milliseconds, spans milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Long(i64),
    Real(f64),
    Str(String),
    Date(i64),
    Span(i64),
}

impl Value {
    /// The type of a non-null value.
    pub(crate) fn type_of(&self) -> Option<Type> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => Type::Bool,
            Value::Long(_) => Type::Long,
            Value::Real(_) => Type::Real,
            Value::Str(_) => Type::String,
            Value::Date(_) => Type::DateTime,
            Value::Span(_) => Type::TimeSpan,
        })
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Long(n) => Some(*n as f64),
            Value::Real(x) => Some(*x),
            _ => None,
        }
    }

    /// Text for string operators (`contains`, `has`, …): strings as they are, other values as KQL prints them.
    pub(crate) fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => if *b { "true" } else { "false" }.into(),
            Value::Long(n) => n.to_string(),
            Value::Real(x) => x.to_string(),
            Value::Str(s) => s.clone(),
            Value::Date(ms) => iso(*ms),
            Value::Span(ms) => span_text(*ms),
        }
    }

    /// The JSON of a result cell.
    pub(crate) fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => json!(b),
            Value::Long(n) => json!(n),
            Value::Real(x) => json!(x),
            Value::Str(s) => json!(s),
            Value::Date(_) | Value::Span(_) => json!(self.text()),
        }
    }

    /// KQL ordering of two values of comparable types (numbers with numbers); None when incomparable or null.
    pub(crate) fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Long(a), Value::Long(b)) | (Value::Date(a), Value::Date(b)) | (Value::Span(a), Value::Span(b)) => {
                Some(a.cmp(b))
            }
            (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (a, b) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        }
    }

    /// Total order for sorting: nulls first, then by [`Value::compare`], incomparable values equal.
    pub(crate) fn sort_cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Less,
            (_, Value::Null) => Ordering::Greater,
            (a, b) => a.compare(b).unwrap_or(Ordering::Equal),
        }
    }

    /// A key for grouping and `distinct` (numbers of either kind group together).
    pub(crate) fn key(&self) -> String {
        match self {
            Value::Null => "\0null".into(),
            Value::Str(s) => format!("s{s}"),
            Value::Long(n) => format!("n{n}"),
            Value::Real(x) if x.fract() == 0.0 && x.abs() < 9e15 => format!("n{}", *x as i64),
            other => format!("{:?}", other),
        }
    }
}

/// KQL's timespan text: `[d.]hh:mm:ss[.fffffff]`.
pub(crate) fn span_text(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let (d, h, m, s, f) = (ms / 86_400_000, ms / 3_600_000 % 24, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let days = if d > 0 { format!("{d}.") } else { String::new() };
    let frac = if f > 0 { format!(".{f:03}0000") } else { String::new() };
    format!("{sign}{days}{h:02}:{m:02}:{s:02}{frac}")
}

/// Milliseconds in one unit of a timespan literal suffix (`1d`, `2h`, `30m`, `10s`, `100ms`).
pub(crate) fn span_unit(suffix: &str) -> Option<i64> {
    Some(match suffix {
        "d" | "day" | "days" => 86_400_000,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000,
        "m" | "min" | "minute" | "minutes" => 60_000,
        "s" | "sec" | "second" | "seconds" => 1000,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_print_like_kql() {
        assert_eq!(span_text(90 * 60_000), "01:30:00");
        assert_eq!(span_text(86_400_000 + 1000), "1.00:00:01");
        assert_eq!(span_text(-1500), "-00:00:01.5000000");
    }

    #[test]
    fn numbers_compare_across_kinds_and_nulls_sort_first() {
        assert_eq!(Value::Long(2).compare(&Value::Real(2.5)), Some(Ordering::Less));
        assert_eq!(Value::Str("a".into()).compare(&Value::Long(1)), None);
        assert_eq!(Value::Null.sort_cmp(&Value::Long(-5)), Ordering::Less);
        assert_eq!(Value::Long(3).key(), Value::Real(3.0).key());
    }
}
