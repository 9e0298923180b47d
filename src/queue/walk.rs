//! Walking the queue from an incident: where it sits in the queue's current order, and its neighbours.

/// An incident's place in the queue's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its position, from 0.
    pub index: usize,
    /// How many incidents the view holds.
    pub of: usize,
    /// The incident before it, if any.
    pub previous: Option<String>,
    /// The incident after it, if any.
    pub next: Option<String>,
}

/// Where `id` sits in `order` (the ids in the queue's order); `None` when the view does not hold it.
pub fn place(order: &[String], id: &str) -> Option<Place> {
    let index = order.iter().position(|x| x == id)?;
    let at = |i: Option<usize>| i.and_then(|i| order.get(i)).cloned();
    Some(Place { index, of: order.len(), previous: at(index.checked_sub(1)), next: at(index.checked_add(1)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_incident_in_the_middle_has_both_neighbours() {
        let p = place(&ids(&["9", "7", "5"]), "7").unwrap();
        assert_eq!(p, Place { index: 1, of: 3, previous: Some("9".into()), next: Some("5".into()) });
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
    }
}
