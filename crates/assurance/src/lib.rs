//! Assurance (in progress).
