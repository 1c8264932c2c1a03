// AXI4-Lite slave front end of irq_ctrl: turns bus beats into one-cycle register
// accesses. Every output is a flop, so the block has no combinational path from
// bus inputs to bus outputs. AW and W are buffered independently (the protocol lets
// them arrive in any order); a write executes once both are held and no response
// is outstanding. A read executes in its AR handshake cycle.
module irq_ctrl_axil #(
  parameter int unsigned AW = 17
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  // AXI4-Lite, 64-bit data
  input  logic          awvalid_i,
  output logic          awready_o,
  input  logic [AW-1:0] awaddr_i,
  input  logic [2:0]    awprot_i,   // [0] = privileged (the host's VF management path)
  input  logic          wvalid_i,
  output logic          wready_o,
  input  logic [63:0]   wdata_i,
  input  logic [7:0]    wstrb_i,
  output logic          bvalid_o,
  input  logic          bready_i,
  output logic [1:0]    bresp_o,
  input  logic          arvalid_i,
  output logic          arready_o,
  input  logic [AW-1:0] araddr_i,
  output logic          rvalid_o,
  input  logic          rready_i,
  output logic [63:0]   rdata_o,
  output logic [1:0]    rresp_o,
  // register access: qword address, which dwords (lanes) of it are written
  output logic          wr_o,       // commit this cycle
  output logic [AW-1:0] wr_addr_o,
  output logic [1:0]    wr_lanes_o,
  output logic [63:0]   wr_data_o,
  output logic          wr_priv_o,  // the write's AWPROT[0]
  input  logic          wr_err_i,   // decoder refuses the access
  output logic          rd_o,
  output logic [AW-1:0] rd_addr_o,
  input  logic [63:0]   rd_data_i,
  output logic          idle_o      // no beat held, no response pending
);
  localparam logic [1:0] RESP_OKAY   = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;

  logic          aw_full_q, w_full_q, bvalid_q, rvalid_q;
  logic [AW-1:0] awaddr_q;
  logic          awpriv_q;
  logic [63:0]   wdata_q, rdata_q;
  logic [7:0]    wstrb_q;
  logic [1:0]    bresp_q;

  // Only whole aligned dwords or the whole qword may be written (PCI spec 6.8.2).
  logic strb_ok;
  assign strb_ok = (wstrb_q == 8'h0F) || (wstrb_q == 8'hF0) || (wstrb_q == 8'hFF);

  logic do_write;
  assign do_write   = aw_full_q && w_full_q && !bvalid_q;
  assign wr_o       = do_write && strb_ok && !wr_err_i;
  assign wr_addr_o  = {awaddr_q[AW-1:3], 3'b000};
  assign wr_lanes_o = {wstrb_q[4], wstrb_q[0]};
  assign wr_data_o  = wdata_q;
  assign wr_priv_o  = awpriv_q;

  assign rd_o      = arvalid_i && !rvalid_q;
  assign rd_addr_o = {araddr_i[AW-1:3], 3'b000};

  // Address bits 2:0 carry nothing on a 64-bit bus: write lanes come from the strobes
  // and a read returns the whole qword.
  logic unused_addr_lsbs;
  assign unused_addr_lsbs = ^{araddr_i[2:0], awaddr_q[2:0]};
  // AWPROT[1] (secure) and [2] (instruction) mean nothing to a register block.
  logic unused_prot;
  assign unused_prot = ^awprot_i[2:1];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_full_q <= 1'b0;
      w_full_q  <= 1'b0;
      bvalid_q  <= 1'b0;
      rvalid_q  <= 1'b0;
      awaddr_q  <= '0;
      awpriv_q  <= 1'b0;
      wdata_q   <= '0;
      wstrb_q   <= '0;
      bresp_q   <= RESP_OKAY;
      rdata_q   <= '0;
    end else begin
      if (!aw_full_q && awvalid_i) begin
        aw_full_q <= 1'b1;
        awaddr_q  <= awaddr_i;
        awpriv_q  <= awprot_i[0];
      end else if (do_write) begin
        aw_full_q <= 1'b0;
      end
      if (!w_full_q && wvalid_i) begin
        w_full_q <= 1'b1;
        wdata_q  <= wdata_i;
        wstrb_q  <= wstrb_i;
      end else if (do_write) begin
        w_full_q <= 1'b0;
      end
      if (do_write) begin
        bvalid_q <= 1'b1;
        bresp_q  <= (strb_ok && !wr_err_i) ? RESP_OKAY : RESP_SLVERR;
      end else if (bready_i) begin
        bvalid_q <= 1'b0;
      end
      if (rd_o) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rd_data_i;
      end else if (rready_i) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  assign awready_o = !aw_full_q;
  assign wready_o  = !w_full_q;
  assign bvalid_o  = bvalid_q;
  assign bresp_o   = bresp_q;
  assign arready_o = !rvalid_q;
  assign rvalid_o  = rvalid_q;
  assign rdata_o   = rdata_q;
  assign rresp_o   = RESP_OKAY;  // reads never fail: unmapped dwords read 0
  assign idle_o    = !aw_full_q && !w_full_q && !bvalid_q && !rvalid_q;
endmodule
