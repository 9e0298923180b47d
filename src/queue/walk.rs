//! Walking the queue from an incident: where it sits in the queue's current order, and its neighbours. An
//! incident a write moved out of the view (resolved in a view of active ones) keeps the place it had: its
//! neighbours still in the view, so the walk goes on from where the analyst was (issue 21).

use std::collections::HashMap;

/// A neighbour to walk to: its id and its position in the current order (which page of the queue it is on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The incident's id.
    pub id: String,
    /// Its position in the current order, from 0.
    pub index: usize,
}

/// An incident's place in the queue's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its position, from 0; for an incident that left the view, the position it would take.
    pub index: usize,
    /// How many incidents the view holds.
    pub of: usize,
    /// The incident before it, if any.
    pub previous: Option<Step>,
    /// The incident after it, if any.
    pub next: Option<Step>,
    /// The view holds it; `false` once it left the view (its neighbours are the ones it had).
    pub in_view: bool,
}

/// Where `id` sits in `order` (the ids in the queue's order); `None` when the view does not hold it.
pub fn place(order: &[String], id: &str) -> Option<Place> {
    let index = order.iter().position(|x| x == id)?;
    let at = |i: Option<usize>| i.and_then(|i| order.get(i).map(|id| Step { id: id.clone(), index: i }));
    Some(Place {
        index,
        of: order.len(),
        previous: at(index.checked_sub(1)),
        next: at(index.checked_add(1)),
        in_view: true,
    })
}

/// The place of `id`, which `order` no longer holds but `held` (an earlier order) did: its nearest
/// neighbours in `held` that `order` still holds. `None` when `held` never held it either.
pub fn place_after_leaving(order: &[String], held: &[String], id: &str) -> Option<Place> {
    let at = held.iter().position(|x| x == id)?;
    let now: HashMap<&str, usize> = order.iter().enumerate().map(|(i, x)| (x.as_str(), i)).collect();
    let step = |x: &String| now.get(x.as_str()).map(|&index| Step { id: x.clone(), index });
    let previous = held.get(..at).and_then(|before| before.iter().rev().find_map(step));
    let next = held.get(at + 1..).and_then(|after| after.iter().find_map(step));
    let index = match (&previous, &next) {
        (Some(p), _) => p.index + 1,
        (None, Some(n)) => n.index,
        (None, None) => 0,
    };
    Some(Place { index, of: order.len(), previous, next, in_view: false })
}

/// The walk from one open incident. It remembers the order of the last view that held the incident, so
/// when a write moves the incident out of the view, Previous / Next (and `j` / `k`) still lead to the
/// neighbours it had instead of disappearing.
#[derive(Debug, Default)]
pub struct Walk {
    /// The order the last time it held the incident.
    held: Vec<String>,
}

impl Walk {
    /// The incident's place in `order` (the view's order now), or the place it kept on leaving it.
    pub fn place(&mut self, order: Vec<String>, id: &str) -> Option<Place> {
        match place(&order, id) {
            Some(p) => {
                self.held = order;
                Some(p)
            }
            None => place_after_leaving(&order, &self.held, id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn step(id: &str, index: usize) -> Option<Step> {
        Some(Step { id: id.into(), index })
    }

    #[test]
    fn an_incident_in_the_middle_has_both_neighbours() {
        let p = place(&ids(&["9", "7", "5"]), "7").unwrap();
        assert_eq!(p, Place { index: 1, of: 3, previous: step("9", 0), next: step("5", 2), in_view: true });
    }

    #[test]
    fn the_ends_have_one_neighbour_and_a_lone_incident_none() {
        let order = ids(&["9", "7", "5"]);
        assert_eq!(place(&order, "9").unwrap().previous, None);
        assert_eq!(place(&order, "5").unwrap().next, None);
        let lone = place(&ids(&["1"]), "1").unwrap();
        assert_eq!((lone.previous, lone.next, lone.of), (None, None, 1));
    }

    #[test]
    fn an_incident_outside_the_view_has_no_place() {
        assert_eq!(place(&ids(&["9", "7"]), "1874"), None);
        assert_eq!(place(&[], "1"), None);
        assert_eq!(Walk::default().place(ids(&["9", "7"]), "1874"), None, "never held: a deep link");
    }

    #[test]
    fn an_incident_that_left_the_view_keeps_its_neighbours() {
        let mut walk = Walk::default();
        let here = walk.place(ids(&["9", "7", "5", "3"]), "7").unwrap();
        assert_eq!(here.index, 1);
        // Resolved in a view of active incidents: the view no longer holds it.
        let left = walk.place(ids(&["9", "5", "3"]), "7").unwrap();
        assert_eq!(left, Place { index: 1, of: 3, previous: step("9", 0), next: step("5", 1), in_view: false });
    }

    #[test]
    fn neighbours_that_left_too_are_skipped_and_the_ends_stay_ends() {
        let held = ids(&["9", "8", "7", "6", "5"]);
        // A bulk write took 8, 7 and 6 out of the view.
        let left = place_after_leaving(&ids(&["9", "5"]), &held, "7").unwrap();
        assert_eq!((left.previous, left.next, left.index, left.of), (step("9", 0), step("5", 1), 1, 2));
        let first = place_after_leaving(&ids(&["8", "7"]), &held, "9").unwrap();
        assert_eq!((first.previous, first.next, first.index), (None, step("8", 0), 0));
        let last = place_after_leaving(&ids(&["9", "8"]), &held, "5").unwrap();
        assert_eq!((last.previous, last.next, last.index), (step("8", 1), None, 2));
        let alone = place_after_leaving(&[], &held, "7").unwrap();
        assert_eq!((alone.previous, alone.next, alone.of, alone.in_view), (None, None, 0, false));
    }

    #[test]
    fn neighbours_are_found_where_the_current_order_has_them() {
        // The queue re-sorted after the write: the neighbours' positions (their pages) are today's.
        let held = ids(&["1", "2", "3", "4"]);
        let left = place_after_leaving(&ids(&["4", "3", "1"]), &held, "2").unwrap();
        assert_eq!((left.previous, left.next), (step("1", 2), step("3", 1)));
    }

    #[test]
    fn back_in_the_view_it_has_its_place_again() {
        let mut walk = Walk::default();
        walk.place(ids(&["9", "7", "5"]), "7");
        assert!(!walk.place(ids(&["9", "5"]), "7").unwrap().in_view);
        let again = walk.place(ids(&["7", "9", "5"]), "7").unwrap();
        assert_eq!((again.in_view, again.index, again.next), (true, 0, step("9", 1)));
    }
}
