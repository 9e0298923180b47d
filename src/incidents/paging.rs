//! How a view's incidents are paged in: a small first page so the first screen arrives as soon as it can,
//! then the largest pages the API allows, up to a cap per view.

use crate::incidents::model::{parse_defender_page, parse_graph_page, Incident};
use crate::incidents::query::{list_url, next_link_for, IncidentQuery};
use crate::incidents::source::Source;
use crate::incidents::source::{api, Paging};
use crate::request::error::ApiError;

/// Where the next page of incidents comes from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NextPage {
    /// `$skip` offset.
    Skip(u32),
    /// The server's `@odata.nextLink` (already checked to point at the configured API).
    Link(String),
}

/// One page of a view as the API answered it.
#[derive(Debug)]
pub(crate) struct Page {
    /// The incidents on it.
    pub items: Vec<Incident>,
    /// Where the rest is, if there is more.
    pub next: Option<NextPage>,
    /// The view's total, when the API says.
    pub total: Option<u64>,
}

/// The URL of the page after `next` (the first when `None`), asking for `top` incidents.
pub(crate) fn page_url(
    source: Source,
    api_base: &str,
    filter: Option<&str>,
    next: Option<&NextPage>,
    top: u32,
) -> String {
    let filter = filter.map(str::to_string);
    match next {
        Some(NextPage::Link(link)) => link.clone(),
        Some(NextPage::Skip(skip)) => list_url(source, api_base, &IncidentQuery { top, skip: *skip, filter }),
        None => list_url(source, api_base, &IncidentQuery { top, skip: 0, filter }),
    }
}

/// Reads the answer to `page_url(.., next, top)`. A next link is followed only on the API's own origin: the
/// token must never go elsewhere.
pub(crate) fn read_page(
    source: Source,
    api_base: &str,
    body: &str,
    next: Option<&NextPage>,
    top: u32,
) -> Result<Page, ApiError> {
    match api(source).paging {
        Paging::Skip => {
            let skip = match next {
                Some(NextPage::Skip(s)) => *s,
                _ => 0,
            };
            let items = parse_defender_page(body)?;
            let next = may_have_more(top, items.len()).then(|| NextPage::Skip(skip + items.len() as u32));
            Ok(Page { items, next, total: None })
        }
        Paging::NextLink => {
            let total = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("@odata.count").and_then(|c| c.as_u64()));
            let (items, link) = parse_graph_page(body)?;
            let next = link.and_then(|l| next_link_for(api_base, &l)).map(NextPage::Link);
            Ok(Page { items, next, total })
        }
    }
}

/// One screen of the queue: the rows the page holds at a time, and the first request's size.
pub const PAGE_SIZE: usize = 50;

/// The first request asks for one screen of rows: the first row paints after the smallest response the
/// API can give (a full Defender page with alerts is ~1 MB of JSON to transfer and parse).
pub const FIRST_PAGE: u32 = PAGE_SIZE as u32;

/// A view loads at most this many incidents; narrower views are the way past it.
pub const MAX_INCIDENTS: usize = 10_000;

/// The largest `$top` the API accepts (`source::Api::max_page`).
pub fn max_page(source: Source) -> u32 {
    crate::incidents::source::api(source).max_page
}

/// Requests one view may make: enough for the cap in full pages, and a bound on a server that pages in
/// dribbles (a next link after every few items).
fn max_pages(source: Source) -> usize {
    1 + (MAX_INCIDENTS - FIRST_PAGE as usize).div_ceil(max_page(source) as usize)
}

/// How many incidents to ask for next when `pages` requests brought `loaded` in: `None` once the cap is
/// reached.
pub fn next_top(source: Source, loaded: usize, pages: usize) -> Option<u32> {
    if pages >= max_pages(source) {
        return None;
    }
    if pages == 0 {
        return Some(FIRST_PAGE.min(max_page(source)));
    }
    let left = MAX_INCIDENTS.checked_sub(loaded).filter(|n| *n > 0)?;
    Some(max_page(source).min(u32::try_from(left).unwrap_or(u32::MAX)))
}

/// Whether a `$skip`-paged response of `got` items for `$top=asked` may have more after it: only a full
/// page does (the API has no total count).
fn may_have_more(asked: u32, got: usize) -> bool {
    asked > 0 && got >= asked as usize
}

/// Where a view's load stands, for the progress line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadState {
    /// Pages are being fetched.
    pub loading: bool,
    /// At least one page arrived.
    pub loaded: bool,
    /// Incidents loaded.
    pub count: usize,
    /// The server's total, when it says.
    pub total: Option<u64>,
    /// More pages exist (at the cap: there may be more than the view loads).
    pub more: bool,
    /// A 429 holds every request until this Unix second.
    pub paused_until: Option<u64>,
    /// A page repeated incidents already loaded: the queue's order moved while it loaded.
    pub moved: bool,
}

/// The progress line's words for a load held by a 429, before its countdown.
pub const PAUSED: &str = "Paused by the API's rate limit — ";

/// "resuming in 18 s": the countdown of a pause.
pub fn resuming_in(left: u64) -> String {
    format!("resuming in {}", crate::format::wait(left))
}

/// Seconds a 429 still holds the load, when the progress line counts them down. The progress line is then the
/// one countdown of that wait: the banner about the same 429 shows none (issue #13, one countdown per wait).
pub fn pause_left(s: &LoadState, now: u64) -> Option<u64> {
    s.paused_until.filter(|t| *t > now && s.loading).map(|t| t - now)
}

/// The progress line: "Loaded 300 of 1,200…" while pages arrive, the rate-limit pause with its countdown
/// while one holds the load, and whether the order moved under the load.
pub fn progress_text(s: &LoadState, now: u64) -> String {
    let n = s.count;
    let text = match pause_left(s, now) {
        Some(left) => format!("{PAUSED}{}", resuming_in(left)),
        _ => match (s.loading, s.total) {
            (true, Some(t)) if s.loaded => format!("Loaded {n} of {t}…"),
            (true, None) if s.loaded => format!("Loaded {n}…"),
            (true, _) => String::new(),
            // At the cap we can't tell "exactly 10,000" from "more": say what is true either way.
            (false, _) if s.loaded && s.more => {
                format!("{n} loaded, the most one view loads; narrow the view if there may be more")
            }
            (false, _) if s.loaded => format!("{n} loaded"),
            _ => String::new(),
        },
    };
    if s.moved && !text.is_empty() {
        format!("{text} — the queue changed while loading (repeats skipped); refresh to be sure none was missed")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_says_what_holds_the_load() {
        let s = LoadState { loading: true, loaded: true, count: 150, ..LoadState::default() };
        assert_eq!(progress_text(&s, 100), "Loaded 150…");
        assert_eq!(progress_text(&LoadState { total: Some(900), ..s.clone() }, 100), "Loaded 150 of 900…");
        // A 429 holds the load: the countdown, not "Loaded 150…".
        let paused = LoadState { paused_until: Some(118), ..s.clone() };
        assert_eq!(progress_text(&paused, 100), "Paused by the API's rate limit — resuming in 18 s");
        assert_eq!(progress_text(&paused, 118), "Loaded 150…", "the pause is over");
        assert_eq!(pause_left(&paused, 100), Some(18));
        assert_eq!(pause_left(&paused, 118), None);
        assert_eq!(pause_left(&LoadState { loading: false, ..paused.clone() }, 100), None, "no load held");
        let done = LoadState { loading: false, ..paused.clone() };
        assert_eq!(progress_text(&done, 100), "150 loaded");
        assert!(progress_text(&LoadState { more: true, ..done.clone() }, 100).contains("the most one view loads"));
        let moved = LoadState { moved: true, ..done };
        assert_eq!(
            progress_text(&moved, 100),
            "150 loaded — the queue changed while loading (repeats skipped); refresh to be sure none was missed"
        );
        assert_eq!(progress_text(&LoadState::default(), 100), "");
    }

    #[test]
    fn skip_pages_follow_offsets_and_stop_on_a_short_page() {
        let url = page_url(Source::Defender, "https://api.example", None, Some(&NextPage::Skip(50)), 100);
        assert!(url.starts_with("https://api.example/api/incidents?") && url.contains("$skip=50"), "{url}");
        let one = r#"{"value":[{"incidentId":7,"incidentName":"x"}]}"#;
        let p = read_page(Source::Defender, "https://api.example", one, Some(&NextPage::Skip(50)), 1).unwrap();
        assert_eq!((p.items.len(), p.next, p.total), (1, Some(NextPage::Skip(51)), None));
        let p = read_page(Source::Defender, "https://api.example", one, None, 2).unwrap();
        assert_eq!(p.next, None, "a short page is the last");
    }

    #[test]
    fn next_links_are_followed_only_on_the_api_origin() {
        let first = page_url(Source::Graph, "https://graph.example", Some("status eq 'active'"), None, 50);
        assert!(first.starts_with("https://graph.example/v1.0/security/incidents?$expand=alerts&"), "{first}");
        let link = NextPage::Link("https://graph.example/v1.0/security/incidents?$skiptoken=a".into());
        assert_eq!(
            page_url(Source::Graph, "https://graph.example", None, Some(&link), 50),
            "https://graph.example/v1.0/security/incidents?$skiptoken=a"
        );
        let body = |next: &str| format!(r#"{{"@odata.count":3,"@odata.nextLink":"{next}","value":[]}}"#);
        let own = read_page(
            Source::Graph,
            "https://graph.example",
            &body("https://graph.example/v1.0/x?$skiptoken=b"),
            None,
            50,
        )
        .unwrap();
        assert_eq!(
            (own.next, own.total),
            (Some(NextPage::Link("https://graph.example/v1.0/x?$skiptoken=b".into())), Some(3))
        );
        let foreign =
            read_page(Source::Graph, "https://graph.example", &body("https://evil.example/steal"), None, 50).unwrap();
        assert_eq!(foreign.next, None);
    }

    #[test]
    fn first_page_is_one_screen_then_full_pages_up_to_the_cap() {
        assert_eq!(next_top(Source::Defender, 0, 0), Some(50));
        assert_eq!(next_top(Source::Defender, 50, 1), Some(100));
        assert_eq!(next_top(Source::Graph, 50, 1), Some(50));
        assert_eq!(next_top(Source::Defender, 9_950, 100), Some(50), "the last page stops exactly at the cap");
        assert_eq!(next_top(Source::Defender, 9_990, 100), Some(10));
        assert_eq!(next_top(Source::Defender, 10_000, 100), None);
        assert_eq!(next_top(Source::Defender, 12_345, 5), None, "past the cap");
    }

    #[test]
    fn a_page_loads_the_whole_cap_in_a_bounded_number_of_requests() {
        for (source, pages) in [(Source::Defender, 101), (Source::Graph, 200)] {
            let (mut loaded, mut requests) = (0usize, 0);
            while let Some(top) = next_top(source, loaded, requests) {
                loaded += top as usize;
                requests += 1;
            }
            assert_eq!((loaded, requests), (MAX_INCIDENTS, pages), "{source:?}");
            assert_eq!(max_pages(source), pages);
        }
    }

    #[test]
    fn a_server_that_pages_in_dribbles_is_still_bounded() {
        let mut requests = 0;
        while next_top(Source::Graph, requests, requests).is_some() {
            requests += 1;
        }
        assert_eq!(requests, max_pages(Source::Graph));
    }

    #[test]
    fn only_a_full_page_may_have_more() {
        assert!(may_have_more(50, 50));
        assert!(!may_have_more(50, 49));
        assert!(!may_have_more(100, 0));
        assert!(!may_have_more(0, 0));
    }
}
