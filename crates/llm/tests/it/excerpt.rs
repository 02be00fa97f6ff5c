//! Windowing large sources around the line that matters.

use proptest::prelude::*;
use rampart_llm::{TRUNCATED_AFTER, TRUNCATED_BEFORE, excerpt};

fn numbered_lines(count: usize) -> String {
    (1..=count).map(|n| format!("line {n:04}\n")).collect()
}

fn marker_chars() -> usize {
    TRUNCATED_BEFORE.chars().count() + TRUNCATED_AFTER.chars().count()
}

#[test]
fn text_that_fits_is_returned_whole() {
    assert_eq!(excerpt("short", Some(1), 5), "short");
    assert_eq!(excerpt("", None, 0), "");
}

#[test]
fn without_a_focus_the_head_is_kept() {
    let text = numbered_lines(100);
    let cut = excerpt(&text, None, 100);
    assert!(cut.starts_with("line 0001\n"));
    assert!(cut.ends_with(TRUNCATED_AFTER));
    assert!(!cut.contains(TRUNCATED_BEFORE));
}

#[test]
fn the_window_keeps_the_focus_line_with_more_after_than_before() {
    let text = numbered_lines(1000); // 10 characters per line
    let cut = excerpt(&text, Some(500), 400);

    assert!(cut.starts_with(TRUNCATED_BEFORE) && cut.ends_with(TRUNCATED_AFTER));
    let body = &cut[TRUNCATED_BEFORE.len()..cut.len() - TRUNCATED_AFTER.len()];
    assert!(body.chars().count() <= 400);
    let lines: Vec<&str> = body.lines().collect();
    let focus = lines.iter().position(|l| *l == "line 0500").expect("focus line kept");
    assert!(lines.len() - focus > focus * 2, "{focus} lines before, {} after", lines.len() - focus);
    assert!(lines.iter().all(|l| l.len() == 9), "only whole lines: {lines:?}");
}

#[test]
fn a_focus_near_the_end_uses_the_room_for_earlier_text() {
    let text = numbered_lines(1000);
    let cut = excerpt(&text, Some(999), 400);
    assert!(!cut.ends_with(TRUNCATED_AFTER));
    assert!(cut.ends_with("line 1000\n"));
    assert!(cut.chars().count() >= 380, "the window is nearly full: {}", cut.chars().count());
}

#[test]
fn a_focus_past_the_end_shows_the_end() {
    let text = numbered_lines(100);
    let cut = excerpt(&text, Some(10_000), 50);
    assert!(cut.ends_with("line 0100\n"));
}

#[test]
fn multi_byte_text_is_cut_on_character_boundaries() {
    let text = "é漢🙂\n".repeat(500);
    let cut = excerpt(&text, Some(250), 101);
    assert!(cut.chars().count() <= 101 + marker_chars());
    assert!(cut.contains("é漢🙂"));
    let one_line = "é漢🙂".repeat(1000);
    let cut = excerpt(&one_line, Some(1), 7);
    assert_eq!(cut, format!("é漢🙂é漢🙂é{TRUNCATED_AFTER}"));
}

proptest! {
    #[test]
    fn excerpt_never_panics_and_stays_within_bounds(
        text in "(\\PC|\n){0,400}",
        focus in proptest::option::of(0_usize..120),
        max_chars in 0_usize..300,
    ) {
        let cut = excerpt(&text, focus, max_chars);
        prop_assert!(cut.chars().count() <= max_chars + marker_chars());
        if text.chars().count() <= max_chars {
            prop_assert_eq!(&cut, &text);
        } else {
            let body = cut.strip_prefix(TRUNCATED_BEFORE).unwrap_or(&cut);
            let body = body.strip_suffix(TRUNCATED_AFTER).unwrap_or(body);
            prop_assert!(text.contains(body), "the window is a piece of the text");
        }
    }
}
