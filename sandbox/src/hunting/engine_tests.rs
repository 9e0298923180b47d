//! The KQL subset operator by operator, against results computed by hand on a small fixed data set.

use std::collections::HashMap;

use super::engine::{run, Context, HuntError, Table};
use super::value::{Type, Value};
use crate::clock::parse_iso;

fn at(s: &str) -> Value {
    Value::Date(parse_iso(s).unwrap())
}

fn text(s: &str) -> Value {
    Value::Str(s.into())
}

const NOW: &str = "2024-05-10T00:00:00Z";

/// Five processes on three devices and four connections (one from a device with no processes).
fn tables() -> HashMap<String, Table> {
    let mut proc = Table::new(&[
        ("Timestamp", Type::DateTime),
        ("Device", Type::String),
        ("File", Type::String),
        ("Pid", Type::Long),
        ("Cmd", Type::String),
    ]);
    for (t, d, f, p, c) in [
        ("2024-05-09T10:00:00Z", "ws-1", "powershell.exe", 10, Some("powershell -enc AAA")),
        ("2024-05-09T11:30:00Z", "ws-1", "cmd.exe", 20, Some("cmd /c whoami")),
        ("2024-05-08T09:00:00Z", "ws-2", "PowerShell.exe", 30, Some("powershell Get-Process")),
        ("2024-05-01T00:00:00Z", "srv-1", "svchost.exe", 40, None),
        ("2024-05-09T23:00:00Z", "ws-2", "cmd.exe", 50, Some("cmd.exe /c dir")),
    ] {
        proc.rows.push(vec![at(t), text(d), text(f), Value::Long(p), c.map_or(Value::Null, text)]);
    }
    let mut net = Table::new(&[("Timestamp", Type::DateTime), ("Device", Type::String), ("RemoteIP", Type::String)]);
    for (t, d, ip) in [
        ("2024-05-09T10:05:00Z", "ws-1", "10.0.0.5"),
        ("2024-05-09T12:00:00Z", "ws-2", "52.1.2.3"),
        ("2024-05-09T13:00:00Z", "ws-2", "10.0.0.5"),
        ("2024-05-02T00:00:00Z", "lab-9", "1.1.1.1"),
    ] {
        net.rows.push(vec![at(t), text(d), text(ip)]);
    }
    HashMap::from([("Proc".to_string(), proc), ("Net".to_string(), net)])
}

fn exec_in(query: &str, window: (i64, i64)) -> Result<Table, HuntError> {
    let tables = tables();
    let now = parse_iso(NOW).unwrap();
    run(query, &Context { tables: &tables, now_ms: now, window })
}

fn exec(query: &str) -> Table {
    let now = parse_iso(NOW).unwrap();
    exec_in(query, (now - 30 * 86_400_000, now)).unwrap_or_else(|e| panic!("{query}: {e:?}"))
}

/// Rows as text, one string per row, cells joined by `|`.
fn rows(query: &str) -> Vec<String> {
    exec(query).rows.iter().map(|r| r.iter().map(Value::text).collect::<Vec<_>>().join("|")).collect()
}

fn columns(query: &str) -> Vec<String> {
    exec(query).columns.iter().map(|c| format!("{}:{}", c.name, c.ty.kql_name())).collect()
}

fn error(query: &str) -> String {
    match exec_in(query, (0, i64::MAX)) {
        Err(HuntError::Query(e)) => e.to_string(),
        other => panic!("{query}: expected an error, got {other:?}"),
    }
}

fn pids(filter: &str) -> Vec<String> {
    rows(&format!("Proc | where {filter} | project Pid"))
}

#[test]
fn where_equality_is_case_sensitive_and_tilde_is_not() {
    assert_eq!(pids("File == \"cmd.exe\""), ["20", "50"]);
    assert_eq!(pids("File == \"powershell.exe\""), ["10"]);
    assert_eq!(pids("File =~ \"POWERSHELL.EXE\""), ["10", "30"]);
    assert_eq!(pids("Device != \"ws-1\""), ["30", "40", "50"]);
    assert_eq!(pids("File !~ \"powershell.exe\""), ["20", "40", "50"]);
}

#[test]
fn where_ordering_comparisons() {
    assert_eq!(pids("Pid > 20 and Pid <= 40"), ["30", "40"]);
    assert_eq!(pids("Pid < 20 or Pid >= 50"), ["10", "50"]);
    assert_eq!(pids("Timestamp < datetime(2024-05-08)"), ["40"]);
}

#[test]
fn where_string_operators() {
    assert_eq!(pids("Cmd contains \"POWERSHELL\""), ["10", "30"]);
    assert_eq!(pids("Cmd has \"c\""), ["20", "50"]);
    assert_eq!(pids("Cmd has \"whoami\""), ["20"]);
    assert_eq!(pids("Cmd has \"who\""), Vec::<String>::new());
    assert_eq!(pids("Cmd contains \"who\""), ["20"]);
    assert_eq!(pids("File startswith \"PowerShell\""), ["10", "30"]);
    assert_eq!(pids("Cmd !contains \"cmd\""), ["10", "30"]);
    // A null cell matches no string operator.
    assert_eq!(pids("isempty(Cmd)"), ["40"]);
}

#[test]
fn where_in_between_ago_and_not() {
    assert_eq!(pids("Device in (\"ws-2\", \"srv-1\")"), ["30", "40", "50"]);
    assert_eq!(pids("Device !in (\"ws-2\", \"srv-1\")"), ["10", "20"]);
    assert_eq!(pids("Pid between (20 .. 40)"), ["20", "30", "40"]);
    assert_eq!(pids("Timestamp between (datetime(2024-05-09) .. datetime(2024-05-09T12:00:00Z))"), ["10", "20"]);
    assert_eq!(pids("Timestamp > ago(1d)"), ["10", "20", "50"]);
    assert_eq!(pids("Timestamp > ago(30m)"), Vec::<String>::new());
    assert_eq!(pids("not(Device == \"ws-1\") and (Pid < 35 or File == \"cmd.exe\")"), ["30", "50"]);
}

#[test]
fn project_renames_and_computes() {
    let q = "Proc | where Pid == 10 | project Device, Next = Pid + 1, Age = now() - Timestamp";
    assert_eq!(rows(q), ["ws-1|11|14:00:00"]);
    assert_eq!(columns(q), ["Device:string", "Next:long", "Age:timespan"]);
    assert_eq!(columns("Net | project-away Timestamp, Device"), ["RemoteIP:string"]);
}

#[test]
fn extend_adds_and_replaces_columns() {
    assert_eq!(rows("Proc | extend Big = Pid * 2 | where Big > 60 | project Pid, Big"), ["40|80", "50|100"]);
    assert_eq!(rows("Proc | take 1 | extend Pid = Pid / 4.0 | project Pid"), ["2.5"]);
    assert_eq!(rows("Proc | take 1 | extend Day = bin(Timestamp, 1d) | project Day"), ["2024-05-09T00:00:00.0000000Z"]);
    assert_eq!(
        rows("Proc | take 1 | extend Lower = tolower(File), Len = strlen(File) | project Lower, Len"),
        ["powershell.exe|14"]
    );
}

#[test]
fn summarize_count_dcount_min_max() {
    assert_eq!(rows("Proc | summarize count() by Device"), ["ws-1|2", "ws-2|2", "srv-1|1"]);
    let q = "Proc | summarize dcount(File), min(Pid), max(Timestamp) by Device | order by Device asc";
    assert_eq!(columns(q), ["Device:string", "dcount_File:long", "min_Pid:long", "max_Timestamp:datetime"]);
    assert_eq!(
        rows(q),
        [
            "srv-1|1|40|2024-05-01T00:00:00.0000000Z",
            "ws-1|2|10|2024-05-09T11:30:00.0000000Z",
            "ws-2|2|30|2024-05-09T23:00:00.0000000Z"
        ]
    );
    assert_eq!(rows("Proc | where Pid > 100 | summarize count()"), ["0"]);
    assert_eq!(rows("Proc | summarize Total = sum(Pid), Mean = avg(Pid)"), ["150|30"]);
}

#[test]
fn summarize_by_bin() {
    let q = "Proc | summarize n = count() by bin(Timestamp, 1d) | order by Timestamp asc";
    assert_eq!(columns(q), ["Timestamp:datetime", "n:long"]);
    assert_eq!(
        rows(q),
        ["2024-05-01T00:00:00.0000000Z|1", "2024-05-08T00:00:00.0000000Z|1", "2024-05-09T00:00:00.0000000Z|3"]
    );
}

#[test]
fn summarize_arg_max() {
    let q = "Proc | summarize arg_max(Timestamp, Pid, File) by Device | order by Device asc";
    assert_eq!(columns(q), ["Device:string", "Timestamp:datetime", "Pid:long", "File:string"]);
    assert_eq!(
        rows(q),
        [
            "srv-1|2024-05-01T00:00:00.0000000Z|40|svchost.exe",
            "ws-1|2024-05-09T11:30:00.0000000Z|20|cmd.exe",
            "ws-2|2024-05-09T23:00:00.0000000Z|50|cmd.exe"
        ]
    );
    let star = "Proc | summarize arg_max(Pid, *) by Device";
    assert_eq!(columns(star), ["Device:string", "Pid:long", "Timestamp:datetime", "File:string", "Cmd:string"]);
    assert_eq!(rows(star)[0], "ws-1|20|2024-05-09T11:30:00.0000000Z|cmd.exe|cmd /c whoami");
}

#[test]
fn order_and_sort_default_to_descending() {
    assert_eq!(rows("Proc | order by Pid | project Pid"), ["50", "40", "30", "20", "10"]);
    assert_eq!(rows("Proc | sort by Pid asc | project Pid"), ["10", "20", "30", "40", "50"]);
    assert_eq!(rows("Proc | order by Device asc, Pid desc | project Pid"), ["40", "20", "10", "50", "30"]);
    // Nulls come first ascending, last descending.
    assert_eq!(rows("Proc | order by Cmd asc | project Pid | take 1"), ["40"]);
    assert_eq!(rows("Proc | order by Cmd desc | project Pid")[4], "40");
}

#[test]
fn top_take_limit() {
    assert_eq!(rows("Proc | top 2 by Timestamp | project Pid"), ["50", "20"]);
    assert_eq!(rows("Proc | top 1 by Pid asc | project Pid"), ["10"]);
    assert_eq!(rows("Proc | take 2 | project Pid"), ["10", "20"]);
    assert_eq!(rows("Proc | limit 0 | project Pid"), Vec::<String>::new());
}

#[test]
fn distinct_and_count() {
    assert_eq!(rows("Proc | distinct Device"), ["ws-1", "ws-2", "srv-1"]);
    assert_eq!(rows("Proc | distinct Device, File").len(), 5);
    assert_eq!(rows("Proc | project Device | distinct *").len(), 3);
    assert_eq!(rows("Proc | count"), ["5"]);
}

#[test]
fn join_inner_and_innerunique() {
    let q = "Proc | where File == \"cmd.exe\" | join kind=inner (Net) on Device | project Pid, RemoteIP";
    assert_eq!(rows(q), ["20|10.0.0.5", "50|52.1.2.3", "50|10.0.0.5"]);
    assert_eq!(
        columns("Proc | join kind=inner (Net) on Device"),
        [
            "Timestamp:datetime",
            "Device:string",
            "File:string",
            "Pid:long",
            "Cmd:string",
            "Timestamp1:datetime",
            "Device1:string",
            "RemoteIP:string"
        ]
    );
    // The default kind keeps one left row per key (the first).
    assert_eq!(
        rows("Proc | join (Net) on Device | project Pid, RemoteIP"),
        ["10|10.0.0.5", "30|52.1.2.3", "30|10.0.0.5"]
    );
    assert_eq!(
        rows("Proc | join kind=inner (Net | where RemoteIP startswith \"52.\") on Device | project Pid"),
        ["30", "50"]
    );
}

#[test]
fn let_scalars() {
    let q = "let since = ago(1d);\nlet dev = \"ws-2\";\nProc | where Timestamp > since and Device == dev | project Pid";
    assert_eq!(rows(q), ["50"]);
}

#[test]
fn getschema_lists_columns_and_types() {
    assert_eq!(
        rows("Net | getschema"),
        ["Timestamp|0|System.DateTime|datetime", "Device|1|System.String|string", "RemoteIP|2|System.String|string"]
    );
}

#[test]
fn the_timespan_window_filters_every_table() {
    let now = parse_iso(NOW).unwrap();
    let t = exec_in("Proc | count", (parse_iso("2024-05-09T00:00:00Z").unwrap(), now)).unwrap();
    assert_eq!(t.rows, [[Value::Long(3)]]);
}

#[test]
fn extreme_values_give_nulls_or_saturate_instead_of_overflowing() {
    // Without saturation these would overflow (a panic in debug builds).
    assert_eq!(rows("Proc | take 1 | project isnotnull(ago(-9223372036854775807ms)), Timestamp - ago(-9223372036854775807ms) < 0s"), ["true|true"]);
    assert_eq!(
        rows("Proc | take 1 | project -9223372036854775807 - 1, 5 / 0, bin(-9223372036854775807 - 1, 10)"),
        ["-9223372036854775808||"]
    );
}

#[test]
fn semantic_errors_name_the_operator_and_place() {
    assert_eq!(
        error("Proc | where Nope == 1"),
        "Semantic error at line 1, column 14: 'where' operator: Failed to resolve scalar expression named 'Nope'"
    );
    assert_eq!(
        error("Nope | take 1"),
        "Semantic error at line 1, column 1: Failed to resolve table or column expression named 'Nope'"
    );
    assert_eq!(
        error("Proc\n| summarize foo(Pid)"),
        "Semantic error at line 2, column 13: 'summarize' operator: 'foo' is not an aggregation function this sandbox supports"
    );
    assert_eq!(
        error("Proc | extend x = File + 1"),
        "Semantic error at line 1, column 19: 'extend' operator: cannot apply '+' to string and long"
    );
    assert_eq!(
        error("Proc | where count() > 1"),
        "Semantic error at line 1, column 14: 'where' operator: 'count' is an aggregation and is only allowed in summarize"
    );
    assert_eq!(
        error("Proc | join kind=inner (Net) on Pid"),
        "Semantic error at line 1, column 33: 'join' operator: Failed to resolve scalar expression named 'Pid'"
    );
}

#[test]
fn syntax_errors_name_the_place() {
    assert_eq!(
        error("Proc\n| where Pid > \n| take 1"),
        "Syntax error at line 3, column 1: unexpected '|'; expected an expression"
    );
    assert_eq!(
        error("Proc | summarize"),
        "Syntax error at line 1, column 17: unexpected the end of the query; expected an expression"
    );
    assert_eq!(
        error("Proc | mv-expand Cmd"),
        "Syntax error at line 1, column 8: 'mv' is not an operator this sandbox supports"
    );
}
