// Fixed-priority pick: the lowest-numbered set request wins. Lowest-first keeps the
// winner a pure function of the request vector, which the C++ reference model mirrors.
// Two levels (the lowest non-empty 32-bit word, then the lowest bit in it) so a 2048-entry
// table costs 64 + 32 steps rather than 2048, and nothing at all without a request.
module irq_prio_arb #(
  parameter int unsigned N  = 64,
  parameter int unsigned IW = (N > 1) ? $clog2(N) : 1
) (
  input  logic [N-1:0]  req_i,
  output logic          valid_o,
  output logic [IW-1:0] idx_o
);
  localparam int unsigned NW = (N + 31) / 32;
  logic [NW*32-1:0] req;
  logic [31:0]      word;
  int unsigned      wsel, bsel;
  assign req = (NW * 32)'(req_i);
  always_comb begin
    wsel = 0;
    bsel = 0;
    word = '0;
    if (valid_o) begin
      for (int w = NW - 1; w >= 0; w--) begin
        if (req[32*w +: 32] != '0) wsel = w;
      end
      word = req[32*wsel +: 32];
      for (int b = 31; b >= 0; b--) begin
        if (word[b]) bsel = b;
      end
    end
  end
  assign idx_o   = IW'(32 * wsel + bsel);
  assign valid_o = |req_i;
endmodule
