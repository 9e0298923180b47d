//! A hunt's answer as a typed table: columns from the response's schema, rows of typed cells (bounded), sorting
//! by a column per its type, and the CSV/JSON export.

use crate::incidents::model::cap;
use crate::incidents::query::parse_rfc3339;
use crate::queue::export::{CsvWriter, Separator};
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// The API's row cap: no answer has more, so more is not kept.
pub const MAX_ROWS: usize = 100_000;
/// The most cells an answer keeps (rows × columns): 2,000,000 is 100,000 rows of 20 columns, and at about 32
/// bytes a cell plus its text some 100 MB at worst. Without it a 0.3 MB answer of 500 columns and 100,000 `{}`
/// rows became 50 million cells (~1.2 GB). Rows past the budget are not kept, and the page says so.
pub const MAX_CELLS: usize = 2_000_000;
/// A cell's text is cut here (a hostile or huge value must not exhaust the tab).
pub const MAX_CELL_CHARS: usize = 2_000;
/// Columns beyond this are dropped.
const MAX_COLUMNS: usize = 500;
/// Column names are cut here.
const MAX_NAME_CHARS: usize = 200;

/// A column's type as the schema names it (Kusto's names or .NET's: `long`/`Int64`, `real`/`Double`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    /// `string`, `String`.
    Text,
    /// `int`, `long`, `Int32`, `Int64`, `SByte`, ...
    Integer,
    /// `real`, `double`, `decimal`, `Double`, ...
    Real,
    /// `datetime`, `DateTime`.
    DateTime,
    /// `bool`, `Boolean`.
    Bool,
    /// `dynamic`, `Object`: JSON arrays and objects.
    Dynamic,
    /// `guid`, `Guid`.
    Guid,
    /// `timespan`, `TimeSpan`.
    Timespan,
    /// A name not known here, kept as the API spelled it (shown as text).
    Unknown(String),
}

impl ColumnType {
    /// Reads a schema type name (case and punctuation ignored).
    pub fn from_api(name: &str) -> ColumnType {
        match crate::incidents::model::norm(name).as_str() {
            "string" => ColumnType::Text,
            "int" | "long" | "int16" | "int32" | "int64" | "uint16" | "uint32" | "uint64" | "sbyte" | "byte" => {
                ColumnType::Integer
            }
            "real" | "double" | "float" | "single" | "decimal" => ColumnType::Real,
            "datetime" | "date" | "datetimeoffset" => ColumnType::DateTime,
            "bool" | "boolean" => ColumnType::Bool,
            "dynamic" | "object" | "array" => ColumnType::Dynamic,
            "guid" | "uniqueid" => ColumnType::Guid,
            "timespan" | "time" => ColumnType::Timespan,
            _ => ColumnType::Unknown(cap(name, 50)),
        }
    }

    /// The Kusto name, for the export's schema and for people.
    pub fn kusto_name(&self) -> &str {
        match self {
            ColumnType::Text => "string",
            ColumnType::Integer => "long",
            ColumnType::Real => "real",
            ColumnType::DateTime => "datetime",
            ColumnType::Bool => "bool",
            ColumnType::Dynamic => "dynamic",
            ColumnType::Guid => "guid",
            ColumnType::Timespan => "timespan",
            ColumnType::Unknown(n) => n,
        }
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Name (capped).
    pub name: String,
    /// Type from the schema.
    pub kind: ColumnType,
}

/// One typed value. A value that does not fit its column's type is kept as text rather than lost.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Absent or null.
    Null,
    /// Text (strings, guids, timespans, and values that did not fit their type), capped.
    Text(String),
    /// Whole number.
    Integer(i64),
    /// Number with a fraction (never NaN: JSON has none).
    Real(f64),
    /// A point in time: unix seconds (for sorting) and the API's text (for showing, to the sub-second).
    Time(i64, String),
    /// True or false.
    Bool(bool),
    /// JSON array or object, as compact JSON text (capped).
    Dynamic(String),
}

impl Cell {
    fn read(v: &Value, kind: &ColumnType) -> Cell {
        match (v, kind) {
            (Value::Null, _) => Cell::Null,
            (Value::Bool(b), _) => Cell::Bool(*b),
            (Value::Number(n), ColumnType::Real) => n.as_f64().map_or_else(|| Cell::Text(n.to_string()), Cell::Real),
            (Value::Number(n), _) => match n.as_i64() {
                Some(i) => Cell::Integer(i),
                None => n.as_f64().map_or_else(|| Cell::Text(cap(&n.to_string(), 100)), Cell::Real),
            },
            // A real instant is under 40 characters; a longer "time" is shown as the text it is.
            (Value::String(s), ColumnType::DateTime) => match parse_rfc3339(s) {
                Some(ts) if s.len() <= 100 => Cell::Time(ts, s.clone()),
                _ => text(s),
            },
            (Value::String(s), ColumnType::Integer) => s.trim().parse().map_or_else(|_| text(s), Cell::Integer),
            (Value::String(s), ColumnType::Real) => {
                s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).map_or_else(|| text(s), Cell::Real)
            }
            (Value::String(s), ColumnType::Bool) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Cell::Bool(true),
                "false" => Cell::Bool(false),
                _ => text(s),
            },
            // Kusto serialises a dynamic column's value as JSON text or as JSON: either way, JSON text here.
            (Value::String(s), _) => text(s),
            (v, _) => Cell::Dynamic(cap(&v.to_string(), MAX_CELL_CHARS)),
        }
    }

    /// The cell as the table and the CSV show it.
    pub fn display(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) | Cell::Time(_, s) | Cell::Dynamic(s) => s.clone(),
            Cell::Integer(i) => i.to_string(),
            Cell::Real(f) => f.to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }

    /// The cell as JSON, for the export.
    fn to_json(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Text(s) | Cell::Time(_, s) => Value::String(s.clone()),
            Cell::Integer(i) => Value::from(*i),
            Cell::Real(f) => Value::from(*f),
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Dynamic(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
        }
    }

    /// Orders cells of kinds that may meet in one column (a value that did not fit its type is text).
    fn rank(&self) -> u8 {
        match self {
            Cell::Bool(_) => 0,
            Cell::Integer(_) | Cell::Real(_) => 1,
            Cell::Time(..) => 2,
            Cell::Text(_) => 3,
            Cell::Dynamic(_) => 4,
            Cell::Null => 5,
        }
    }

    /// Value order within a type: numbers by value, times by instant then text, text case-insensitively.
    fn compare(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Bool(a), Cell::Bool(b)) => a.cmp(b),
            (Cell::Integer(a), Cell::Integer(b)) => a.cmp(b),
            (Cell::Real(a), Cell::Real(b)) => cmp_reals(*a, *b),
            (Cell::Integer(a), Cell::Real(b)) => cmp_int_real(*a, *b),
            (Cell::Real(a), Cell::Integer(b)) => cmp_int_real(*b, *a).reverse(),
            (Cell::Time(a, sa), Cell::Time(b, sb)) => a.cmp(b).then_with(|| sa.cmp(sb)),
            (Cell::Text(a), Cell::Text(b)) | (Cell::Dynamic(a), Cell::Dynamic(b)) => {
                a.to_lowercase().cmp(&b.to_lowercase()).then_with(|| a.cmp(b))
            }
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

/// Reals by value, exactly: `-0.0` equals `0.0` (as it equals the integer 0), NaN after every number. (JSON has
/// no NaN; the rule only keeps the order total whatever a cell holds.)
fn cmp_reals(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// An integer against a real, exactly (issue 23.8): converting the integer to f64 rounds above 2^53, and then
/// 2^53+1 equalled the real 2^53 which equalled the integer 2^53 — not an order, and `sort_by` panics on that
/// since Rust 1.81. Here the real's whole part (which fits an i64 once the range is checked) is compared with
/// the integer, then its fraction decides.
fn cmp_int_real(a: i64, b: f64) -> Ordering {
    // 2^63, exactly representable: every i64 is below it, and at least -2^63.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if b.is_nan() || b >= TWO_63 {
        return Ordering::Less;
    }
    if b < -TWO_63 {
        return Ordering::Greater;
    }
    let whole = b.trunc();
    // In range: -2^63 <= whole < 2^63, so the cast is exact.
    match a.cmp(&(whole as i64)) {
        Ordering::Equal => cmp_reals(0.0, b - whole),
        o => o,
    }
}

fn text(s: &str) -> Cell {
    Cell::Text(cap(s, MAX_CELL_CHARS))
}

/// A cell as a column sorts it: a total order (`Ord`), values per their type, empty cells last in either
/// direction.
struct SortKey<'a> {
    cell: &'a Cell,
    desc: bool,
}

impl Ord for SortKey<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.cell, other.cell) {
            (Cell::Null, Cell::Null) => Ordering::Equal,
            (Cell::Null, _) => Ordering::Greater,
            (_, Cell::Null) => Ordering::Less,
            (x, y) if self.desc => y.compare(x),
            (x, y) => x.compare(y),
        }
    }
}

impl PartialOrd for SortKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SortKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SortKey<'_> {}

/// A hunt's answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HuntResult {
    /// Columns in the schema's order.
    pub columns: Vec<Column>,
    /// Rows; each has one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// More rows came than were kept ([`MAX_ROWS`], or fewer under the cell budget).
    pub truncated: bool,
    /// The most rows this answer could keep: [`MAX_ROWS`], or fewer when its columns would exceed [`MAX_CELLS`].
    pub row_limit: usize,
}

impl HuntResult {
    /// The rows were cut by the page's cell budget, not by the API's row cap.
    pub fn cut_by_cells(&self) -> bool {
        self.truncated && self.row_limit < MAX_ROWS
    }
}

/// How many rows of `columns` columns fit the cell budget (at most [`MAX_ROWS`]).
pub fn row_limit(columns: usize) -> usize {
    MAX_CELLS.checked_div(columns).map_or(MAX_ROWS, |n| n.min(MAX_ROWS))
}

/// The first of `keys` present in `o` (the API spells its properties in more than one case).
fn any_key<'a>(o: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| o.get(*k))
}

fn read_columns(schema: Option<&Value>, first_row: Option<&Value>) -> Vec<Column> {
    let mut out: Vec<Column> = vec![];
    let mut push = |name: &str, kind: ColumnType| {
        let name = cap(name, MAX_NAME_CHARS);
        if !name.is_empty() && out.len() < MAX_COLUMNS && !out.iter().any(|c| c.name == name) {
            out.push(Column { name, kind });
        }
    };
    match schema {
        Some(Value::Array(cols)) => {
            for c in cols.iter().filter_map(Value::as_object) {
                let name = any_key(c, &["name", "Name", "ColumnName"]).and_then(Value::as_str).unwrap_or("");
                let kind = any_key(c, &["type", "Type", "DataType", "ColumnType"]).and_then(Value::as_str);
                push(name, kind.map_or(ColumnType::Unknown(String::new()), ColumnType::from_api));
            }
        }
        // No schema: the first row's keys, as text.
        _ => {
            for k in first_row.and_then(Value::as_object).into_iter().flat_map(Map::keys) {
                push(k, ColumnType::Unknown(String::new()));
            }
        }
    }
    out
}

/// Reads a `runHuntingQuery` answer (`schema` + `results`, in any of the documented spellings). Never panics;
/// rows that are not objects are skipped; at most [`MAX_ROWS`] rows, [`MAX_CELLS`] cells and [`MAX_CELL_CHARS`]
/// per cell are kept.
pub fn parse_hunt_result(body: &str) -> Result<HuntResult, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON ({})", cap(&e.to_string(), 120)))?;
    let o = v.as_object().ok_or_else(|| "not a JSON object".to_string())?;
    let results = match any_key(o, &["results", "Results"]) {
        Some(Value::Array(r)) => r.as_slice(),
        Some(Value::Null) | None if any_key(o, &["schema", "Schema"]).is_some() => &[],
        _ => return Err("no results list".into()),
    };
    let columns = read_columns(any_key(o, &["schema", "Schema"]), results.first());
    let limit = row_limit(columns.len());
    let rows = results
        .iter()
        .filter_map(Value::as_object)
        .take(limit)
        .map(|r| columns.iter().map(|c| r.get(&c.name).map_or(Cell::Null, |v| Cell::read(v, &c.kind))).collect())
        .collect();
    let truncated = results.iter().filter(|r| r.is_object()).nth(limit).is_some();
    Ok(HuntResult { columns, rows, truncated, row_limit: limit })
}

impl HuntResult {
    /// Sorts the rows by column `col` per its type, ascending or descending; empty cells last either way; ties
    /// keep the API's order. An unknown column leaves the rows as they are. The order is total ([`SortKey`]), so
    /// the sort cannot panic whatever the cells hold.
    pub fn sort_by_column(&mut self, col: usize, desc: bool) {
        if col >= self.columns.len() {
            return;
        }
        fn key(row: &[Cell], col: usize, desc: bool) -> SortKey<'_> {
            SortKey { cell: row.get(col).unwrap_or(&Cell::Null), desc }
        }
        self.rows.sort_by(|a, b| key(a, col, desc).cmp(&key(b, col, desc)));
    }

    /// CSV with commas (see [`HuntResult::to_csv_with`]).
    pub fn to_csv(&self) -> String {
        self.to_csv_with(Separator::Comma)
    }

    /// CSV: a header of column names, then one line per row, through the one CSV writer (byte-order mark,
    /// quoting, formula defusing). Numbers and booleans this page formatted itself are written bare.
    pub fn to_csv_with(&self, sep: Separator) -> String {
        let mut w = CsvWriter::new(sep);
        let head: Vec<String> = self.columns.iter().map(|c| w.field(&c.name)).collect();
        w.line(head);
        for row in &self.rows {
            let line: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Integer(_) | Cell::Real(_) | Cell::Bool(_) => c.display(),
                    _ => w.field(&c.display()),
                })
                .collect();
            w.line(line);
        }
        w.finish()
    }

    /// JSON in the API's own shape (`schema` + `results`), so an export reads back with [`parse_hunt_result`].
    pub fn to_json(&self) -> String {
        let schema: Vec<Value> =
            self.columns.iter().map(|c| serde_json::json!({"name": c.name, "type": c.kind.kusto_name()})).collect();
        let results: Vec<Value> = self
            .rows
            .iter()
            .map(|r| Value::Object(self.columns.iter().zip(r).map(|(c, v)| (c.name.clone(), v.to_json())).collect()))
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({"schema": schema, "results": results}))
            .unwrap_or_else(|_| "{}".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Graph's documented example answer (security-security-runhuntingquery.md, example 1).
    const GRAPH_SAMPLE: &str = r#"{
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
        "schema": [
            {"name": "Timestamp", "type": "DateTime"},
            {"name": "FileName", "type": "String"},
            {"name": "InitiatingProcessFileName", "type": "String"}
        ],
        "results": [
            {"Timestamp": "2024-03-26T09:39:50.7688641Z", "FileName": "cmd.exe", "InitiatingProcessFileName": "powershell.exe"},
            {"Timestamp": "2024-03-26T09:39:49.4353788Z", "FileName": "cmd.exe", "InitiatingProcessFileName": "powershell.exe"}
        ]
    }"#;

    #[test]
    fn reads_graphs_documented_answer() {
        let r = parse_hunt_result(GRAPH_SAMPLE).unwrap();
        assert_eq!(
            r.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["Timestamp", "FileName", "InitiatingProcessFileName"]
        );
        assert_eq!(r.columns[0].kind, ColumnType::DateTime);
        assert_eq!(r.columns[1].kind, ColumnType::Text);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(
            r.rows[0][0],
            Cell::Time(parse_rfc3339("2024-03-26T09:39:50Z").unwrap(), "2024-03-26T09:39:50.7688641Z".into())
        );
        assert_eq!(r.rows[1][2], Cell::Text("powershell.exe".into()));
        assert!(!r.truncated);
    }

    #[test]
    fn reads_the_other_documented_spellings_and_types() {
        // The page's second sample spells Name/Type; the Defender API spells Schema/Results.
        let body = r#"{"Schema":[{"Name":"N","Type":"Int64"},{"Name":"R","Type":"Double"},{"Name":"B","Type":"Boolean"},
            {"Name":"D","Type":"Object"},{"Name":"G","Type":"Guid"},{"Name":"S","Type":"TimeSpan"},{"Name":"X","Type":"Weird"}],
            "Results":[{"N":5,"R":1.5,"B":true,"D":{"a":[1]},"G":"0f0e","S":"00:01:00","X":"x"},
                       {"N":"7","R":"2","B":"False","D":"[1,2]","G":null,"S":3}]}"#;
        let r = parse_hunt_result(body).unwrap();
        let kinds: Vec<&str> = r.columns.iter().map(|c| c.kind.kusto_name()).collect();
        assert_eq!(kinds, ["long", "real", "bool", "dynamic", "guid", "timespan", "Weird"]);
        assert_eq!(
            r.rows[0][..4],
            [Cell::Integer(5), Cell::Real(1.5), Cell::Bool(true), Cell::Dynamic(r#"{"a":[1]}"#.into())]
        );
        assert_eq!(
            r.rows[1][..5],
            [Cell::Integer(7), Cell::Real(2.0), Cell::Bool(false), Cell::Text("[1,2]".into()), Cell::Null]
        );
        assert_eq!(r.rows[1][6], Cell::Null, "a missing key is empty");
        assert_eq!(ColumnType::from_api("long"), ColumnType::Integer);
        assert_eq!(ColumnType::from_api("datetime"), ColumnType::DateTime);
        assert_eq!(ColumnType::from_api("real"), ColumnType::Real);
    }

    #[test]
    fn malformed_answers_are_errors_or_are_bounded() {
        for bad in ["", "[]", "null", "{\"results\": 5}", "{}", "<html>"] {
            assert!(parse_hunt_result(bad).is_err(), "{bad}");
        }
        // No results key with a schema: an empty table. No schema: columns from the first row.
        assert_eq!(parse_hunt_result(r#"{"schema":[{"name":"A","type":"string"}]}"#).unwrap().rows.len(), 0);
        let r = parse_hunt_result(r#"{"results":[{"b":1,"a":"x"}, 7, "s", {"a":"y"}]}"#).unwrap();
        assert_eq!(r.columns.len(), 2);
        assert_eq!(r.rows.len(), 2, "non-object rows are skipped");
        // Duplicate and empty column names are dropped; long text is capped.
        let long = "x".repeat(MAX_CELL_CHARS + 50);
        let body = serde_json::json!({"schema":[{"name":"A","type":"string"},{"name":"A","type":"long"},{"name":"","type":"long"},{"type":"x"}],
            "results":[{"A": long}]});
        let r = parse_hunt_result(&body.to_string()).unwrap();
        assert_eq!(r.columns, vec![Column { name: "A".into(), kind: ColumnType::Text }]);
        assert_eq!(r.rows[0][0].display().chars().count(), MAX_CELL_CHARS + 1, "capped with an ellipsis");
    }

    #[test]
    fn rows_are_capped_at_the_apis_limit() {
        let rows: Vec<Value> = (0..MAX_ROWS + 3).map(|i| serde_json::json!({"n": i})).collect();
        let body = serde_json::json!({"schema":[{"name":"n","type":"long"}],"results":rows}).to_string();
        let r = parse_hunt_result(&body).unwrap();
        assert_eq!(r.rows.len(), MAX_ROWS);
        assert!(r.truncated);
        assert_eq!(r.rows[MAX_ROWS - 1][0], Cell::Integer(MAX_ROWS as i64 - 1));
    }

    fn table() -> HuntResult {
        parse_hunt_result(
            r#"{"schema":[{"name":"T","type":"datetime"},{"name":"N","type":"long"},{"name":"S","type":"string"}],
            "results":[{"T":"2024-01-02T00:00:00.5Z","N":10,"S":"beta"},{"T":null,"N":-3,"S":"Alpha"},
                       {"T":"2024-01-02T00:00:00.1Z","N":2.5,"S":null},{"T":"2023-12-31T23:59:59Z","N":null,"S":"alpha"}]}"#,
        )
        .unwrap()
    }

    fn column(r: &HuntResult, c: usize) -> Vec<String> {
        r.rows.iter().map(|row| row[c].display()).collect()
    }

    #[test]
    fn sorting_follows_the_columns_type_and_puts_empty_cells_last() {
        let mut r = table();
        r.sort_by_column(1, false);
        assert_eq!(column(&r, 1), ["-3", "2.5", "10", ""], "numbers by value, not as text");
        r.sort_by_column(1, true);
        assert_eq!(column(&r, 1), ["10", "2.5", "-3", ""]);
        r.sort_by_column(0, false);
        assert_eq!(
            column(&r, 0),
            ["2023-12-31T23:59:59Z", "2024-01-02T00:00:00.1Z", "2024-01-02T00:00:00.5Z", ""],
            "sub-second order kept"
        );
        r.sort_by_column(2, false);
        assert_eq!(column(&r, 2), ["Alpha", "alpha", "beta", ""], "text case-insensitively, ties stable");
        let before = r.clone();
        r.sort_by_column(99, true);
        assert_eq!(r, before);
    }

    #[test]
    fn csv_reuses_the_export_rule_and_json_reads_back() {
        let body = serde_json::json!({"schema":[{"name":"=Name","type":"string"},{"name":"N","type":"long"},{"name":"D","type":"dynamic"}],
            "results":[{"=Name":"=HYPERLINK(\"http://evil\"), x","N":-5,"D":{"k":"v,w"}}]});
        let r = parse_hunt_result(&body.to_string()).unwrap();
        let csv = r.to_csv();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("\u{FEFF}'=Name,N,D"));
        assert_eq!(lines.next(), Some(r#""'=HYPERLINK(""http://evil""), x",-5,"{""k"":""v,w""}""#));
        let back = parse_hunt_result(&r.to_json()).unwrap();
        assert_eq!(back, r);
        let t = table();
        assert_eq!(parse_hunt_result(&t.to_json()).unwrap(), t);
    }

    #[test]
    fn integers_and_reals_sort_exactly_and_the_sort_cannot_panic() {
        // Issue 23.8: as f64, 2^53+1 == 2^53 (real) == 2^53 (int) but 2^53+1 > 2^53 (int): not an order.
        let p = 1i64 << 53;
        let (big, real, int) = (Cell::Integer(p + 1), Cell::Real(p as f64), Cell::Integer(p));
        assert_eq!(big.compare(&real), Ordering::Greater);
        assert_eq!(real.compare(&int), Ordering::Equal);
        assert_eq!(big.compare(&int), Ordering::Greater);
        assert_eq!(Cell::Integer(i64::MAX).compare(&Cell::Real(2f64.powi(63))), Ordering::Less, "2^63");
        assert_eq!(Cell::Integer(i64::MIN).compare(&Cell::Real(-(2f64.powi(63)))), Ordering::Equal);
        assert_eq!(Cell::Integer(-3).compare(&Cell::Real(-2.5)), Ordering::Less);
        assert_eq!(Cell::Integer(-2).compare(&Cell::Real(-2.5)), Ordering::Greater);
        assert_eq!(Cell::Integer(0).compare(&Cell::Real(-0.0)), Ordering::Equal);
        assert_eq!(Cell::Real(-0.0).compare(&Cell::Real(0.0)), Ordering::Equal, "as the integer 0 equals both");
        let mut r = HuntResult {
            columns: vec![Column { name: "N".into(), kind: ColumnType::Integer }],
            rows: [
                big.clone(),
                real.clone(),
                int.clone(),
                Cell::Null,
                Cell::Real(f64::INFINITY),
                Cell::Integer(i64::MIN),
            ]
            .into_iter()
            .cycle()
            .take(600)
            .map(|c| vec![c])
            .collect(),
            ..Default::default()
        };
        r.sort_by_column(0, false);
        assert_eq!(r.rows[0][0], Cell::Integer(i64::MIN));
        assert_eq!((&r.rows[100][0], &r.rows[101][0]), (&real, &int), "equal values keep the API's order");
        assert_eq!(r.rows[299][0], int);
        assert_eq!(r.rows[300][0], big);
        assert_eq!(r.rows[400][0], Cell::Real(f64::INFINITY));
        assert_eq!(r.rows[599][0], Cell::Null);
    }

    /// Cells of every kind a column can hold, with the numbers near the edges where f64 rounds.
    #[cfg(not(target_arch = "wasm32"))]
    fn any_cell() -> impl proptest::strategy::Strategy<Value = Cell> {
        use proptest::prelude::*;
        let p = 1i64 << 53;
        let edge_int = prop_oneof![Just(p - 1), Just(p), Just(p + 1), Just(i64::MAX), Just(i64::MIN), -5i64..5];
        let edge_real = prop_oneof![
            Just(p as f64),
            Just((p + 2) as f64),
            Just(2f64.powi(63)),
            Just(-(2f64.powi(63))),
            Just(-0.0),
            Just(0.5),
            Just(f64::INFINITY),
            Just(f64::NAN),
            -5.0f64..5.0
        ];
        prop_oneof![
            Just(Cell::Null),
            edge_int.clone().prop_map(Cell::Integer),
            any::<i64>().prop_map(Cell::Integer),
            edge_real.prop_map(Cell::Real),
            any::<f64>().prop_map(Cell::Real),
            any::<bool>().prop_map(Cell::Bool),
            "[aAbB]{0,2}".prop_map(Cell::Text),
            (edge_int, "[0-9]{0,1}").prop_map(|(t, s)| Cell::Time(t, s)),
        ]
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// The comparison is a total order on any three cells (antisymmetric, transitive), so `sort_by` has
        /// nothing to panic about; before, (2^53+1, 2^53 real, 2^53 int) broke transitivity.
        #[test]
        fn the_cell_order_is_total(a in any_cell(), b in any_cell(), c in any_cell()) {
            use Ordering::*;
            let key = |x| SortKey { cell: x, desc: false };
            let (ab, bc, ac) = (key(&a).cmp(&key(&b)), key(&b).cmp(&key(&c)), key(&a).cmp(&key(&c)));
            proptest::prop_assert_eq!(ab, key(&b).cmp(&key(&a)).reverse());
            if ab != Greater && bc != Greater {
                proptest::prop_assert!(ac != Greater, "{a:?} <= {b:?} <= {c:?} but {ac:?}");
            }
            if ab == Equal && bc == Equal {
                proptest::prop_assert_eq!(ac, Equal);
            }
        }
    }

    #[test]
    fn a_wide_answer_keeps_only_the_cell_budget() {
        // Issue 23.9: 500 columns × 100,000 empty rows would be 50 million cells.
        let schema: Vec<Value> =
            (0..500).map(|i| serde_json::json!({"name": format!("c{i}"), "type": "string"})).collect();
        let body = format!(r#"{{"schema":{},"results":[{}]}}"#, Value::Array(schema), vec!["{}"; 100_000].join(","));
        assert!(body.len() < 400_000, "a small answer");
        let r = parse_hunt_result(&body).unwrap();
        assert_eq!(r.columns.len(), 500);
        assert_eq!(r.rows.len(), MAX_CELLS / 500);
        assert!(r.truncated && r.cut_by_cells());
        assert!(r.rows.len() * r.columns.len() <= MAX_CELLS);
        // A narrow answer still keeps the API's 100,000 rows, and says nothing about cells.
        assert_eq!(row_limit(20), MAX_ROWS);
        assert_eq!(row_limit(0), MAX_ROWS);
        assert_eq!(row_limit(21), MAX_CELLS / 21);
        let r = parse_hunt_result(r#"{"schema":[{"name":"a","type":"long"}],"results":[{"a":1}]}"#).unwrap();
        assert!(!r.truncated && !r.cut_by_cells() && r.row_limit == MAX_ROWS);
    }
}
