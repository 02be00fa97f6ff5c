//! Cutting a large file down to a window the model can read, centred on the
//! line that matters, with the cuts marked so the model knows text is missing.

/// Put before a window that does not start at the beginning.
pub const TRUNCATED_BEFORE: &str = "[... earlier text omitted ...]\n";
/// Put after a window that does not reach the end.
pub const TRUNCATED_AFTER: &str = "\n[... later text omitted ...]";

/// At most `max_chars` characters of `text` (plus the markers), around
/// `focus_line` (1-based) when given, else from the start. A quarter of the
/// window goes before the focus line and the rest after it, since what a
/// definition does follows it. Cuts fall on character boundaries, and on line
/// boundaries where that only shortens the window.
pub fn excerpt(text: &str, focus_line: Option<usize>, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let focus = focus_line.map_or(0, |line| line_start(text, line));
    let (start, end) = window(text, focus, max_chars);
    let (start, end) = snap_to_lines(text, focus, start, end);
    let mut out = String::with_capacity(end - start + TRUNCATED_BEFORE.len() + TRUNCATED_AFTER.len());
    if start > 0 {
        out.push_str(TRUNCATED_BEFORE);
    }
    out.push_str(&text[start..end]);
    if end < text.len() {
        out.push_str(TRUNCATED_AFTER);
    }
    out
}

/// Byte offset where 1-based `line` starts; past the last line, the end.
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line - 2).map_or(text.len(), |(at, _)| at + 1)
}

/// Byte range of `max_chars` characters around `focus`.
fn window(text: &str, focus: usize, max_chars: usize) -> (usize, usize) {
    let before = max_chars / 4;
    let mut start = back_by_chars(text, focus, before);
    let end = text[start..].char_indices().nth(max_chars).map_or(text.len(), |(at, _)| start + at);
    // Near the end the window would be short: give the room to earlier text.
    let taken = text[start..end].chars().count();
    if taken < max_chars {
        start = back_by_chars(text, start, max_chars - taken);
    }
    (start, end)
}

/// The byte offset `count` characters before `from` (or 0).
fn back_by_chars(text: &str, from: usize, count: usize) -> usize {
    if count == 0 {
        return from;
    }
    text[..from].char_indices().rev().take(count).last().map_or(from, |(at, _)| at)
}

/// Moves a cut start forward to the next line start before the focus, and a
/// cut end back to the last line end after it, so no line is shown half.
fn snap_to_lines(text: &str, focus: usize, start: usize, end: usize) -> (usize, usize) {
    let focus = focus.clamp(start, end);
    let start = if start > 0 { text[start..focus].find('\n').map_or(start, |at| start + at + 1) } else { start };
    let end = if end < text.len() { text[focus..end].rfind('\n').map_or(end, |at| focus + at) } else { end };
    (start, end.max(start))
}
