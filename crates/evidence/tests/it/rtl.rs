//! RTL types over Verilog/SystemVerilog.

use rampart_evidence::Outcome;
use serde_json::json;

use crate::support::{assert_outcome, check, project, verifier};

const SV: &[u8] = br#"// module ghost(input a); endmodule
/* wire phantom; */
module top #(parameter WIDTH = 8, parameter DEPTH = 16) (
    input  wire clk,
    input  wire rst_n,
    input  logic [WIDTH-1:0] din, din2,
    output reg  [WIDTH-1:0] q
);
    localparam KEY_BITS = 256;
    wire [7:0] bus_a, bus_b;
    logic ready = 1'b0;
    fifo #(.DEPTH(DEPTH)) u_fifo (.clk(clk));
    counter u_cnt (.clk(clk), .q());
    initial $display("q <= 0 lock_state");
    always_ff @(posedge clk or negedge rst_n) begin
        if (!rst_n) q <= '0;
        else q <= din;
    end
    always @(posedge clk) lock_state <= 1'b1;
    property p_no_overflow; @(posedge clk) !(full && push); endproperty
    a_no_overflow: assert property (p_no_overflow);
endmodule
"#;

#[test]
fn rtl_types() {
    let dir = project(&[("top.sv", SV)]);
    let v = verifier(dir.path());
    let c = |ty: &str, p| check(&v, ty, p);
    assert_outcome(&c("module_exists", json!({"file": "top.sv", "name": "top"})), Outcome::Pass);
    assert_outcome(&c("module_exists", json!({"file": "top.sv", "name": "ghost"})), Outcome::Fail);
    assert_outcome(
        &c("module_instantiated", json!({"file": "top.sv", "parent": "top", "child": "fifo"})),
        Outcome::Pass,
    );
    assert_outcome(
        &c("module_instantiated", json!({"file": "top.sv", "parent": "top", "child": "counter"})),
        Outcome::Pass,
    );
    assert_outcome(
        &c("module_instantiated", json!({"file": "top.sv", "parent": "top", "child": "clk"})),
        Outcome::Fail,
    );
    let port = |p: &str, d: Option<&str>| {
        let mut params = json!({"file": "top.sv", "module": "top", "port": p});
        if let Some(d) = d {
            params["direction"] = json!(d);
        }
        c("port_exists", params)
    };
    assert_outcome(&port("din2", Some("input")), Outcome::Pass);
    assert_outcome(&port("q", Some("output")), Outcome::Pass);
    assert_outcome(&port("q", Some("input")), Outcome::Fail);
    assert_outcome(&port("WIDTH", None), Outcome::Fail);
    assert_outcome(
        &c("parameter_defined", json!({"file": "top.sv", "parameter": "DEPTH", "module": "top", "pattern": "^16$"})),
        Outcome::Pass,
    );
    assert_outcome(
        &c("parameter_defined", json!({"file": "top.sv", "parameter": "KEY_BITS", "pattern": "^(256|512)$"})),
        Outcome::Pass,
    );
    assert_outcome(
        &c("parameter_defined", json!({"file": "top.sv", "parameter": "WIDTH", "pattern": "^16$"})),
        Outcome::Fail,
    );
    assert_outcome(&c("signal_exists", json!({"file": "top.sv", "name": "bus_b", "kind": "wire"})), Outcome::Pass);
    assert_outcome(&c("signal_exists", json!({"file": "top.sv", "name": "ready"})), Outcome::Pass);
    assert_outcome(&c("signal_exists", json!({"file": "top.sv", "name": "phantom"})), Outcome::Fail);
    assert_outcome(&c("signal_exists", json!({"file": "top.sv", "name": "ready", "kind": "wire"})), Outcome::Fail);
    assert_outcome(&c("sva_assertion_present", json!({"file": "top.sv", "name": "a_no_overflow"})), Outcome::Pass);
    assert_outcome(&c("sva_assertion_present", json!({"file": "top.sv", "name": "p_no_overflow"})), Outcome::Pass);
    assert_outcome(&c("sva_assertion_present", json!({"file": "top.sv", "name": "p_other"})), Outcome::Fail);
    assert_outcome(&c("register_reset", json!({"file": "top.sv", "signal": "q", "reset": "rst_n"})), Outcome::Pass);
    assert_outcome(&c("register_reset", json!({"file": "top.sv", "signal": "q"})), Outcome::Pass);
    assert_outcome(&c("register_reset", json!({"file": "top.sv", "signal": "lock_state"})), Outcome::Fail);
}
