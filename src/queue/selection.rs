//! The queue's selection for a bulk action: rows ticked one by one, a shift-click ticking (or unticking) every
//! row between the last plain click and this one, or all rows on the screen at once. Kept in the order the
//! analyst selected them (the bulk action walks them in that order).

/// Selected incidents, and the row a shift-click ranges from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    ids: Vec<String>,
    /// The last row clicked without shift.
    anchor: Option<String>,
}

impl Selection {
    /// A selection of exactly `ids` (as a consent redirect brings it back).
    pub fn of(ids: Vec<String>) -> Selection {
        Selection { ids, anchor: None }
    }

    /// The selected ids, in the order they were selected.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// How many are selected.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Nothing selected.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// `id` is selected.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.iter().any(|x| x == id)
    }

    /// Every row of `screen` is selected (and there is one).
    pub fn has_all(&self, screen: &[String]) -> bool {
        !screen.is_empty() && screen.iter().all(|i| self.contains(i))
    }

    /// A click on `id`'s checkbox, leaving it `on`: a plain click sets that row and becomes the anchor; a
    /// shift-click sets every row of `screen` from the anchor to `id` (just `id` when the anchor is not on it).
    pub fn click(&mut self, screen: &[String], id: &str, on: bool, shift: bool) {
        let range = match (shift, self.anchor.as_ref()) {
            (true, Some(anchor)) => {
                let from = screen.iter().position(|x| x == anchor);
                let to = screen.iter().position(|x| x == id);
                match (from, to) {
                    (Some(f), Some(t)) => screen.get(f.min(t)..=f.max(t)).map(<[String]>::to_vec),
                    _ => None,
                }
            }
            _ => None,
        };
        self.set(range.unwrap_or_else(|| vec![id.to_string()]), on);
        if !shift {
            self.anchor = Some(id.to_string());
        }
    }

    /// Selects (or unselects) every row on `screen`.
    pub fn set_screen(&mut self, screen: &[String], on: bool) {
        self.set(screen.to_vec(), on);
    }

    /// Forgets the selection.
    pub fn clear(&mut self) {
        *self = Selection::default();
    }

    fn set(&mut self, ids: Vec<String>, on: bool) {
        for i in ids {
            let has = self.contains(&i);
            if on && !has {
                self.ids.push(i);
            } else if !on && has {
                self.ids.retain(|x| *x != i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen() -> Vec<String> {
        (1..=6).map(|i| i.to_string()).collect()
    }

    #[test]
    fn a_plain_click_toggles_one_row_and_keeps_the_order_of_selection() {
        let mut s = Selection::default();
        s.click(&screen(), "4", true, false);
        s.click(&screen(), "2", true, false);
        assert_eq!(s.ids(), ["4", "2"]);
        s.click(&screen(), "4", false, false);
        assert_eq!(s.ids(), ["2"]);
        s.click(&screen(), "2", true, false);
        assert_eq!(s.len(), 1, "selecting twice keeps one");
    }

    #[test]
    fn a_shift_click_ranges_from_the_last_plain_click_either_way() {
        let mut s = Selection::default();
        s.click(&screen(), "2", true, false);
        s.click(&screen(), "5", true, true);
        assert_eq!(s.ids(), ["2", "3", "4", "5"]);
        // The anchor stays at 2: a shift-click upwards unticks 1..=2.
        s.click(&screen(), "1", false, true);
        assert_eq!(s.ids(), ["3", "4", "5"]);
        // No anchor on this screen (it scrolled away): only the clicked row.
        let mut s = Selection::default();
        s.click(&screen(), "3", true, true);
        assert_eq!(s.ids(), ["3"]);
        s.click(&["9".to_string()], "9", true, false);
        s.click(&screen(), "5", true, true);
        assert_eq!(s.ids(), ["3", "9", "5"]);
    }

    #[test]
    fn the_whole_screen_at_once() {
        let mut s = Selection::of(vec!["99".into()]);
        assert!(!s.has_all(&screen()));
        s.set_screen(&screen(), true);
        assert!(s.has_all(&screen()) && s.contains("99") && s.len() == 7);
        s.set_screen(&screen(), false);
        assert_eq!(s.ids(), ["99"]);
        assert!(!Selection::default().has_all(&[]), "an empty screen is not all selected");
        s.clear();
        assert!(s.is_empty());
    }
}
