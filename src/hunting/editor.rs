//! What the KQL editor needs besides a textarea: which bracket closes the one at the caret, where a character
//! offset is as (line, column), and the pivots' window (a look-back or an incident's span) rewritten in place. Offsets are in characters
//! (what `selectionStart` counts for text without surrogate pairs).

/// Where the caret's bracket and its partner are: `(bracket, partner)`, partner `None` when unmatched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BracketMatch {
    /// Offset of the bracket next to the caret.
    pub at: usize,
    /// Offset of the bracket that closes (or opens) it; `None` when there is none.
    pub partner: Option<usize>,
}

fn partner_of(c: char) -> Option<(char, bool)> {
    match c {
        '(' => Some((')', true)),
        '[' => Some((']', true)),
        '{' => Some(('}', true)),
        ')' => Some(('(', false)),
        ']' => Some(('[', false)),
        '}' => Some(('{', false)),
        _ => None,
    }
}

/// The bracket just before the caret (as editors do), else just after it, and its partner. Brackets inside
/// string literals (`"…"`, `'…'`) are not counted.
pub fn match_bracket(text: &str, caret: usize) -> Option<BracketMatch> {
    let chars: Vec<char> = text.chars().collect();
    let in_string = string_mask(&chars);
    let is_bracket =
        |i: usize| chars.get(i).and_then(|c| partner_of(*c)).is_some() && !in_string.get(i).copied().unwrap_or(true);
    let at = [caret.checked_sub(1), Some(caret)].into_iter().flatten().find(|&i| is_bracket(i))?;
    let me = *chars.get(at)?;
    let (other, forward) = partner_of(me)?;
    let mut depth = 0usize;
    let step = |i: usize| if forward { i.checked_add(1) } else { i.checked_sub(1) };
    let mut i = step(at);
    while let Some(j) = i.filter(|j| *j < chars.len()) {
        if !in_string.get(j).copied().unwrap_or(false) {
            let c = chars.get(j).copied().unwrap_or(' ');
            if c == me {
                depth += 1;
            } else if c == other {
                if depth == 0 {
                    return Some(BracketMatch { at, partner: Some(j) });
                }
                depth -= 1;
            }
        }
        i = step(j);
    }
    Some(BracketMatch { at, partner: None })
}

/// For each character: inside a string literal (its quotes included). A `\` escapes the next character.
fn string_mask(chars: &[char]) -> Vec<bool> {
    let mut out = Vec::with_capacity(chars.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for &c in chars {
        match quote {
            Some(q) => {
                out.push(true);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q || c == '\n' {
                    quote = None;
                }
            }
            None => {
                let opens = c == '"' || c == '\'';
                out.push(opens);
                if opens {
                    quote = Some(c);
                }
            }
        }
    }
    out
}

/// (line, column) of a character offset, both from 1.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 1;
    for c in text.chars().take(offset) {
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

/// Lines in the editor (at least one), for the line-number gutter.
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// Where the query's first `Timestamp > ago(<n>d)` (as the pivots and examples write it) keeps its `<n>`: the
/// byte offset of the digits and the digits themselves. `None` when the query has no such condition.
fn ago_days(query: &str) -> Option<(usize, &str)> {
    const HEAD: &str = "Timestamp > ago(";
    let start = query.find(HEAD)? + HEAD.len();
    let rest = query.get(start..)?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && rest.get(digits..digits + 2) == Some("d)")).then(|| rest.get(..digits).map(|d| (start, d)))?
}

/// The query with its look-back rewritten: the first `Timestamp > ago(<n>d)` becomes `ago(<days>d)`, days
/// clamped to 1..=30. `None` when the query has no such condition.
pub fn with_lookback(query: &str, days: u32) -> Option<String> {
    let (start, digits) = ago_days(query)?;
    let days = super::Lookback::days(days).get();
    Some(format!("{}{days}{}", query.get(..start)?, query.get(start + digits.len()..)?))
}

/// The look-back (days) the query's `Timestamp > ago(<n>d)` names, if it has one (and it has at most 4 digits).
pub fn lookback_of(query: &str) -> Option<u32> {
    let (_, digits) = ago_days(query)?;
    if digits.len() > 4 {
        return None;
    }
    digits.parse().ok()
}

/// Where the query's first `Timestamp between (datetime(<from>) .. datetime(<to>))` (as the pivots write it)
/// is: the byte range of the condition and its two instants. `None` when there is none, or a time in it is not
/// an RFC 3339 instant.
fn between_at(query: &str) -> Option<(std::ops::Range<usize>, i64, i64)> {
    const HEAD: &str = "Timestamp between (datetime(";
    const MID: &str = ") .. datetime(";
    const TAIL: &str = "))";
    let start = query.find(HEAD)?;
    let a_at = start + HEAD.len();
    let a_len = query.get(a_at..)?.find(')')?;
    let a = query.get(a_at..a_at + a_len)?;
    let b_at = a_at + a_len + MID.len();
    if query.get(a_at + a_len..b_at)? != MID {
        return None;
    }
    let b_len = query.get(b_at..)?.find(')')?;
    let b = query.get(b_at..b_at + b_len)?;
    let end = b_at + b_len + TAIL.len();
    if query.get(b_at + b_len..end)? != TAIL {
        return None;
    }
    let parse = crate::incidents::query::parse_rfc3339;
    Some((start..end, parse(a)?, parse(b)?))
}

/// The span (Unix seconds, from and to) the query's `Timestamp between (datetime(…) .. datetime(…))` names.
pub fn between_of(query: &str) -> Option<(i64, i64)> {
    between_at(query).map(|(_, a, b)| (a, b))
}

/// The query with its span rewritten: the first `Timestamp between (…)` becomes `from .. to` (swapped when
/// reversed). `None` when the query has no such condition.
pub fn with_between(query: &str, from: i64, to: i64) -> Option<String> {
    let (range, _, _) = between_at(query)?;
    let condition = super::Window::between(from, to).condition();
    Some(format!("{}{condition}{}", query.get(..range.start)?, query.get(range.end..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bracket_before_the_caret_finds_its_partner() {
        let q = "T | where x in (\"a\", (1)) | take 1";
        let open = q.find('(').unwrap();
        let close = q.rfind(')').unwrap();
        assert_eq!(match_bracket(q, open + 1), Some(BracketMatch { at: open, partner: Some(close) }));
        assert_eq!(match_bracket(q, close + 1), Some(BracketMatch { at: close, partner: Some(open) }));
        assert_eq!(match_bracket(q, open), Some(BracketMatch { at: open, partner: Some(close) }), "after the caret");
        assert_eq!(match_bracket(q, 2), None, "no bracket at the caret");
    }

    #[test]
    fn brackets_in_strings_do_not_count_and_unmatched_is_said() {
        let q = "T | where a == \")\" and b in (1, 2";
        let open = q.rfind('(').unwrap();
        assert_eq!(match_bracket(q, open + 1), Some(BracketMatch { at: open, partner: None }));
        let q = "f(\"(\\\")\", 'x)')";
        assert_eq!(match_bracket(q, 2), Some(BracketMatch { at: 1, partner: Some(q.chars().count() - 1) }));
        assert_eq!(match_bracket(q, 4), None, "a bracket inside a string is text");
        assert_eq!(match_bracket("", 0), None);
        assert_eq!(match_bracket("(", 99), None, "a caret past the end");
    }

    #[test]
    fn lines_and_columns_from_one() {
        let q = "ab\ncd\n\né";
        assert_eq!(line_col(q, 0), (1, 1));
        assert_eq!(line_col(q, 4), (2, 2));
        assert_eq!(line_col(q, 7), (4, 1));
        assert_eq!(line_count(q), 4);
        assert_eq!(line_count(""), 1);
    }

    #[test]
    fn the_lookback_is_rewritten_in_place() {
        let q = "T\n| where Timestamp > ago(7d)\n| where Timestamp > ago(3d)";
        assert_eq!(with_lookback(q, 14).unwrap(), "T\n| where Timestamp > ago(14d)\n| where Timestamp > ago(3d)");
        assert_eq!(with_lookback(q, 90).unwrap(), "T\n| where Timestamp > ago(30d)\n| where Timestamp > ago(3d)");
        assert_eq!(lookback_of(q), Some(7));
        assert_eq!(with_lookback("T | where Timestamp > ago(2h)", 3), None);
        assert_eq!(with_lookback("T | take 1", 3), None);
        assert_eq!(lookback_of("T | where Timestamp > ago(d)"), None);
        let p = &super::super::pivots(super::super::EntityKind::Ip, "1.2.3.4", super::super::Lookback::DEFAULT)[0];
        assert_eq!(lookback_of(&with_lookback(&p.query, 1).unwrap()), Some(1));
    }

    #[test]
    fn the_span_is_read_and_rewritten_in_place() {
        let w = super::super::Window::between(1_795_000_000, 1_795_200_000);
        let p = &super::super::pivots(super::super::EntityKind::Device, "ws-1", w)[0];
        assert_eq!(between_of(&p.query), Some((1_795_000_000, 1_795_200_000)));
        let q = with_between(&p.query, 1_795_300_000, 1_795_100_000).unwrap();
        assert_eq!(between_of(&q), Some((1_795_100_000, 1_795_300_000)), "reversed is swapped");
        assert_eq!(
            q.replace(&super::super::Window::between(1_795_100_000, 1_795_300_000).condition(), "W"),
            p.query.replace(&w.condition(), "W"),
            "only the condition changed"
        );
        assert_eq!(lookback_of(&p.query), None, "a span is not a look-back");
        let typed = "T | where Timestamp between (datetime(2026-11-01T00:00:00.5Z) .. datetime(2026-11-02T00:00:00+01:00)) | take 1";
        assert_eq!(between_of(typed), Some((1_793_491_200, 1_793_574_000)));
        assert!(with_between(typed, 0, 86_400).unwrap().ends_with("datetime(1970-01-02T00:00:00Z)) | take 1"));
        for no in [
            "T | take 1",
            "T | where Timestamp between (datetime(x) .. datetime(2026-11-02T00:00:00Z))",
            "T | where Timestamp between (datetime(2026-11-01T00:00:00Z) .. now())",
            "Timestamp between (datetime(",
        ] {
            assert_eq!(between_of(no), None, "{no}");
            assert_eq!(with_between(no, 0, 1), None, "{no}");
        }
    }
}
