//! Inputs built to be slow (`tidings::synth::worst_cases`): each must load
//! in time that grows with its size, not faster. The bound is generous (these
//! are debug builds on a shared machine): a step whose cost grows with the
//! square of the items or the nesting takes minutes at this size.

use std::time::{Duration, Instant};

use crate::temp_dir;

/// Each case's size.
const BYTES: usize = 1 << 20;
/// Far above what the linear steps take here in a debug build.
const BOUND: Duration = Duration::from_secs(60);

#[test]
fn every_worst_case_loads_in_time_proportional_to_its_size() {
    let root = temp_dir("worst");
    let mut slow = Vec::new();
    for (name, text) in tidings::synth::worst_cases(BYTES) {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).expect("create");
        std::fs::write(dir.join(format!("{name}.md")), &text).expect("write");
        let start = Instant::now();
        let site = tidings::load(&dir, &Default::default())
            .unwrap_or_else(|e| panic!("{name} does not load: {e}"));
        let took = start.elapsed();
        let items: usize = site.digests.iter().map(|p| p.digest.items.len()).sum();
        eprintln!("{name}: {} bytes, {items} items, {took:?}", text.len());
        match name {
            // One story per heading, ids made unique.
            "many-items" | "same-titles" => assert!(items > 10_000, "{name}: {items} items"),
            _ => assert_eq!(items, 1, "{name}"),
        }
        if name == "same-titles" {
            let d = &site.digests[0].digest;
            let ids: std::collections::HashSet<&str> =
                d.items.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(ids.len(), d.items.len(), "ids are unique");
        }
        if took > BOUND {
            slow.push(format!("{name} took {took:?}"));
        }
    }
    assert!(slow.is_empty(), "{slow:?}");
}

#[test]
fn nesting_beyond_the_cap_keeps_its_text_but_not_its_depth() {
    let root = temp_dir("deep");
    let (_, text) = tidings::synth::worst_cases(20_000)
        .into_iter()
        .find(|(name, _)| *name == "deep-quotes")
        .expect("deep-quotes");
    std::fs::write(root.join("deep.md"), text).expect("write");
    let site = tidings::load(&root, &Default::default()).expect("loads");
    let html = &site.digests[0].digest.items[0].body_html;
    assert_eq!(
        html.matches("<blockquote>").count(),
        tidings::extract::MAX_NESTING
    );
    assert_eq!(
        html.matches("</blockquote>").count(),
        tidings::extract::MAX_NESTING
    );
    assert!(html.contains('x'));
}
