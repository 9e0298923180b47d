//! What the incident page's walk through the queue says.

/// The link to the incident before this one in the queue's order.
pub(crate) const PREVIOUS: &str = "‹ Previous";
/// The link to the incident after it.
pub(crate) const NEXT: &str = "Next ›";

/// Where the open incident stands: "3 of 120", or, once a write moved it out of the view (resolved in a view
/// of active incidents), that it left, with how many the view still holds; Previous / Next then lead to the
/// neighbours it had.
pub(crate) fn position(index: usize, of: usize, in_view: bool) -> String {
    if in_view {
        format!("{} of {of}", index + 1)
    } else {
        format!("Not in this view any more (the view holds {of})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_counts_from_one_and_says_when_the_incident_left() {
        assert_eq!(position(0, 120, true), "1 of 120");
        assert_eq!(position(4, 119, false), "Not in this view any more (the view holds 119)");
    }
}
