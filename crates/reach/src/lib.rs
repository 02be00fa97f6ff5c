//! Reachability of control objectives (in progress).
