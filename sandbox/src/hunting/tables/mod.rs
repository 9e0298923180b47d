//! The seeded advanced hunting tables: events derived from the incidents' own alerts and entities (the same
//! devices, users, addresses, files and mails), over a deterministic background of ordinary activity, all within
//! the 30 days before the sandbox clock. Column names and types follow Microsoft's advanced hunting schema
//! (a useful subset of each table).
//!
//! Here: the builder and the helpers every table shares. The tables' columns are in `schema`, the rows an alert
//! leaves in `alerts`, the ordinary activity around them in `background`.

mod alerts;
mod background;
mod schema;

use std::collections::HashMap;

use serde_json::Value as Json;

use super::engine::Table;
use super::value::{Type, Value};
use crate::data::{defender_json, Incident};
use crate::rng::Rng;
use alerts::from_alert;
use background::background;
use schema::SCHEMA;

const DAY: i64 = 86_400_000;
/// How far back the tables reach, as advanced hunting does.
pub(crate) const RETENTION_MS: i64 = 30 * DAY;
/// Incidents whose alerts feed the tables (the newest ones), so the tables stay a few thousand rows.
const INCIDENTS_USED: usize = 120;
const DOMAIN: &str = "sandbox.onbehalf.test";

use Type::Long;

struct Builder {
    tables: HashMap<String, Table>,
    report: i64,
}

impl Builder {
    /// Adds a row; columns not named are null. Every row gets its own `ReportId` where the table has one.
    fn push(&mut self, table: &str, cells: &[(&str, Value)]) {
        self.report += 1;
        let report = self.report;
        let Some(t) = self.tables.get_mut(table) else { return };
        let row = t
            .columns
            .iter()
            .map(|c| match cells.iter().find(|(n, _)| *n == c.name) {
                Some((_, v)) => v.clone(),
                None if c.name == "ReportId" && c.ty == Long => Value::Long(report),
                None if c.name == "ReportId" => Value::Str(report.to_string()),
                None => Value::Null,
            })
            .collect();
        t.rows.push(row);
    }
}

fn s(v: impl Into<String>) -> Value {
    Value::Str(v.into())
}

fn js(v: &Json, k: &str) -> Value {
    match v.get(k) {
        Some(Json::String(x)) => s(x.clone()),
        Some(Json::Number(n)) => n.as_i64().map_or(Value::Null, Value::Long),
        _ => Value::Null,
    }
}

fn fqdn(host: impl std::fmt::Display) -> String {
    format!("{host}.corp.{DOMAIN}")
}

/// A device id that stays the same for a host across the background events.
fn host_id(seed: u64, host: &str) -> String {
    let h = host.bytes().fold(seed ^ 0xD5_1CE5, |a, b| a.wrapping_mul(131).wrapping_add(b as u64));
    Rng::new(h).hex(40)
}

fn ip(r: &mut Rng, internal: bool) -> String {
    if internal {
        format!("10.{}.{}.{}", r.below(255), r.below(255), r.range(1, 254))
    } else {
        format!("{}.{}.{}.{}", r.pick(&[20u8, 40, 52, 104, 13]), r.below(255), r.below(255), r.range(1, 254))
    }
}

/// The tables for these incidents, deterministic for (`seed`, incidents, `now_ms`).
pub(crate) fn generate(incidents: &[Incident], seed: u64, now_ms: i64) -> HashMap<String, Table> {
    let tables = SCHEMA.iter().map(|(name, cols)| (name.to_string(), Table::new(cols))).collect();
    let mut b = Builder { tables, report: 1000 };
    let from = now_ms - RETENTION_MS;
    let mut recent: Vec<&Incident> = incidents.iter().filter(|i| i.created >= from && i.created <= now_ms).collect();
    recent.sort_by_key(|i| std::cmp::Reverse(i.created));
    for inc in recent.into_iter().take(INCIDENTS_USED) {
        let d = defender_json(inc);
        for alert in d.get("alerts").and_then(Json::as_array).into_iter().flatten() {
            from_alert(&mut b, alert, inc.seed, from, now_ms);
        }
    }
    background(&mut b, seed, from, now_ms);
    for t in b.tables.values_mut() {
        t.rows.sort_by(|x, y| y[0].sort_cmp(&x[0]));
    }
    b.tables
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate as incidents;

    #[test]
    fn deterministic_recent_and_consistent_with_the_incidents() {
        let now = 1_714_558_272_345;
        let inc = incidents(7, 300, now, false);
        let a = generate(&inc, 7, now);
        let b = generate(&inc, 7, now);
        assert_eq!(a, b);
        let total: usize = a.values().map(|t| t.rows.len()).sum();
        assert!((1000..12_000).contains(&total), "{total} rows");
        for (name, t) in &a {
            assert!(!t.rows.is_empty(), "{name} is empty");
            assert_eq!(t.columns[0].name, "Timestamp");
            for r in &t.rows {
                let Value::Date(d) = r[0] else { panic!("{name}: Timestamp {:?}", r[0]) };
                assert!(d >= now - RETENTION_MS && d <= now, "{name}: {d}");
                assert_eq!(r.len(), t.columns.len());
            }
        }
        // An alert's evidence names a device that has events in the device tables.
        let ev = &a["AlertEvidence"];
        let dn = ev.columns.iter().position(|c| c.name == "DeviceName").unwrap();
        let device = ev
            .rows
            .iter()
            .find_map(|r| match &r[dn] {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap();
        let procs = &a["DeviceProcessEvents"];
        assert!(procs.rows.iter().any(|r| r[2] == Value::Str(device.clone())), "{device}");
    }

    #[test]
    fn hostile_incidents_feed_the_tables_without_harm() {
        let now = 1_714_558_272_345;
        let t = generate(&incidents(3, 50, now, true), 3, now);
        assert!(t.values().all(|t| t.rows.iter().all(|r| r.len() == t.columns.len())));
        assert!(!t["AlertInfo"].rows.is_empty());
    }
}
