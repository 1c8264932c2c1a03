// Fixed-priority pick: the lowest-numbered set request wins. Lowest-first keeps the
// winner a pure function of the request vector, which the C++ reference model mirrors.
module irq_prio_arb #(
  parameter int unsigned N  = 64,
  parameter int unsigned IW = (N > 1) ? $clog2(N) : 1
) (
  input  logic [N-1:0]  req_i,
  output logic          valid_o,
  output logic [IW-1:0] idx_o
);
  always_comb begin
    idx_o = '0;
    for (int i = N - 1; i >= 0; i--) begin
      if (req_i[i]) idx_o = IW'(i);
    end
  end
  assign valid_o = |req_i;
endmodule
