//! The keyboard: which key does what, as the app reads them and its `?`
//! sheet lists them.

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The next item or digest.
    Next,
    /// The previous item or digest.
    Prev,
    /// Open the one in focus.
    Open,
    /// Star or unstar it.
    Star,
    /// Mark it read or unread.
    Read,
    /// Into the search box.
    Search,
    /// To the list of digests (`g` then `h`).
    Home,
    /// One level up: item to digest, digest to list; out of a box.
    Back,
    /// Show or hide the keys.
    Help,
}

/// The keys in the order the `?` sheet lists them.
pub const KEYS: [(&str, Action); 9] = [
    ("j", Action::Next),
    ("k", Action::Prev),
    ("o / Enter", Action::Open),
    ("s", Action::Star),
    ("m", Action::Read),
    ("/", Action::Search),
    ("g h", Action::Home),
    ("Esc", Action::Back),
    ("?", Action::Help),
];

/// The action of `key` (a `KeyboardEvent.key`), given whether `g` was the
/// key before; and whether this key starts a `g` sequence.
pub fn action(key: &str, after_g: bool) -> (Option<Action>, bool) {
    if after_g {
        return (matches!(key, "h").then_some(Action::Home), false);
    }
    let a = match key {
        "j" => Action::Next,
        "k" => Action::Prev,
        "o" | "Enter" => Action::Open,
        "s" => Action::Star,
        "m" => Action::Read,
        "/" => Action::Search,
        "Escape" => Action::Back,
        "?" => Action::Help,
        "g" => return (None, true),
        _ => return (None, false),
    };
    (Some(a), false)
}

/// The row to focus after `action` among `len` rows, from `current` (the
/// row in focus, if any): `j` from nowhere is the first, `k` the last;
/// both stop at the ends.
pub fn step(current: Option<usize>, len: usize, action: Action) -> Option<usize> {
    if len == 0 {
        return None;
    }
    match (action, current) {
        (Action::Next, None) => Some(0),
        (Action::Prev, None) => Some(len - 1),
        (Action::Next, Some(i)) => Some((i + 1).min(len - 1)),
        (Action::Prev, Some(i)) => Some(i.saturating_sub(1)),
        _ => current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_the_g_sequence() {
        assert_eq!(action("j", false), (Some(Action::Next), false));
        assert_eq!(action("g", false), (None, true));
        assert_eq!(action("h", true), (Some(Action::Home), false));
        assert_eq!(action("j", true), (None, false));
        assert_eq!(action("x", false), (None, false));
        assert_eq!(action("Escape", false), (Some(Action::Back), false));
        for (_, a) in KEYS {
            assert!(a != Action::Home || KEYS.iter().any(|(k, _)| *k == "g h"));
        }
    }

    #[test]
    fn focus_steps_stop_at_the_ends() {
        assert_eq!(step(None, 3, Action::Next), Some(0));
        assert_eq!(step(None, 3, Action::Prev), Some(2));
        assert_eq!(step(Some(2), 3, Action::Next), Some(2));
        assert_eq!(step(Some(0), 3, Action::Prev), Some(0));
        assert_eq!(step(Some(1), 3, Action::Next), Some(2));
        assert_eq!(step(None, 0, Action::Next), None);
    }
}
