//! Keyboard shortcuts: which key does what, on which page. Pure: the page hands in the key and where focus
//! is, and carries out the answer.

/// What a key press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// `/` on the queue: focus the search box.
    FocusSearch,
    /// `j` or ↓ on the queue: focus the next row (the first when no row has focus).
    NextRow,
    /// `k` or ↑ on the queue: focus the previous row (the first when no row has focus).
    PreviousRow,
    /// Escape on an incident: back to the queue.
    BackToQueue,
    /// `j` on an incident: the next incident in the queue's order.
    NextIncident,
    /// `k` on an incident: the previous incident in the queue's order.
    PreviousIncident,
}

/// One key press and where it happened.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPress<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    /// Ctrl, Alt or Meta is held: the browser's and the system's shortcuts, never ours.
    pub modifier: bool,
    /// Focus is in a text field, a select or editable content: keys type there.
    pub in_field: bool,
    /// Focus is on a queue row.
    pub on_row: bool,
    /// The incident page shows (not the queue).
    pub on_incident: bool,
}

/// The shortcut `k` asks for, if any. Keys typed into a field and keys with Ctrl/Alt/Meta are never taken;
/// the arrow keys are taken only on a row, so they still scroll the page elsewhere.
pub fn shortcut(k: &KeyPress) -> Option<Shortcut> {
    if k.modifier || k.in_field {
        return None;
    }
    if k.on_incident {
        return match k.key {
            "Escape" => Some(Shortcut::BackToQueue),
            "j" => Some(Shortcut::NextIncident),
            "k" => Some(Shortcut::PreviousIncident),
            _ => None,
        };
    }
    match k.key {
        "/" => Some(Shortcut::FocusSearch),
        "j" => Some(Shortcut::NextRow),
        "k" => Some(Shortcut::PreviousRow),
        "ArrowDown" if k.on_row => Some(Shortcut::NextRow),
        "ArrowUp" if k.on_row => Some(Shortcut::PreviousRow),
        _ => None,
    }
}

/// Does an `<input type=…>` take key presses as text? A checkbox, radio or button does not, so j/k still move
/// between rows after ticking a row's checkbox.
pub fn input_types_text(input_type: &str) -> bool {
    !matches!(
        input_type.to_ascii_lowercase().as_str(),
        "checkbox" | "radio" | "button" | "submit" | "reset" | "image" | "range" | "color" | "file"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_queue(key: &str) -> Option<Shortcut> {
        shortcut(&KeyPress { key, ..KeyPress::default() })
    }

    #[test]
    fn slash_focuses_search_and_j_k_walk_rows_on_the_queue() {
        assert_eq!(on_queue("/"), Some(Shortcut::FocusSearch));
        assert_eq!(on_queue("j"), Some(Shortcut::NextRow));
        assert_eq!(on_queue("k"), Some(Shortcut::PreviousRow));
        assert_eq!(on_queue("x"), None);
        assert_eq!(on_queue("Escape"), None);
    }

    #[test]
    fn arrows_move_between_rows_only_from_a_row() {
        let on_row = |key| shortcut(&KeyPress { key, on_row: true, ..KeyPress::default() });
        assert_eq!(on_row("ArrowDown"), Some(Shortcut::NextRow));
        assert_eq!(on_row("ArrowUp"), Some(Shortcut::PreviousRow));
        // Elsewhere the arrows scroll the page as usual.
        assert_eq!(on_queue("ArrowDown"), None);
        assert_eq!(on_queue("ArrowUp"), None);
    }

    #[test]
    fn typing_in_a_field_or_with_a_modifier_is_never_a_shortcut() {
        for key in ["/", "j", "k", "ArrowDown", "Escape"] {
            let typing = KeyPress { key, in_field: true, on_row: true, ..KeyPress::default() };
            assert_eq!(shortcut(&typing), None, "{key} in a field");
            let chord = KeyPress { key, modifier: true, on_row: true, ..KeyPress::default() };
            assert_eq!(shortcut(&chord), None, "{key} with a modifier");
            let on_incident = KeyPress { on_incident: true, ..typing };
            assert_eq!(shortcut(&on_incident), None, "{key} in a field on an incident");
        }
    }

    #[test]
    fn on_an_incident_escape_goes_back_and_j_k_walk_the_queue() {
        let here = |key| shortcut(&KeyPress { key, on_incident: true, ..KeyPress::default() });
        assert_eq!(here("Escape"), Some(Shortcut::BackToQueue));
        assert_eq!(here("j"), Some(Shortcut::NextIncident));
        assert_eq!(here("k"), Some(Shortcut::PreviousIncident));
        // There is no search box on the incident page.
        assert_eq!(here("/"), None);
        assert_eq!(here("ArrowDown"), None);
    }

    #[test]
    fn only_text_like_inputs_take_keys() {
        for t in ["text", "search", "email", "", "number", "date", "TEXT", "unknown-type"] {
            assert!(input_types_text(t), "{t}");
        }
        for t in ["checkbox", "radio", "button", "submit", "reset", "image", "range", "color", "file", "Checkbox"] {
            assert!(!input_types_text(t), "{t}");
        }
    }
}
