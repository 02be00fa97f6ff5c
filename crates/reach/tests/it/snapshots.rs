//! The full reports of the worked example, pinned. A change here is a change
//! in what users and auditors see: review the diff, then accept it.

use rampart_reach::{coherence_report, reachability};

use crate::fixture::{now, uploads};

#[test]
fn reachability_report_of_the_example() {
    insta::assert_json_snapshot!("reachability_uploads", reachability(&uploads(), now()));
}

#[test]
fn coherence_report_of_the_example() {
    insta::assert_json_snapshot!("coherence_uploads", coherence_report(&uploads(), now()));
}
