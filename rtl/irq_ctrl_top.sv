// irq_ctrl: the GPU interrupt controller of one PCIe function.
//   irq_ctrl_axil  bus front end          irq_ctrl_src  sources, status, routing
//   irq_msix       table, PBA, moderation, message output
// Config-space bits (MSI-X Enable, Function Mask, Interrupt Disable) come from the
// PCIe core that owns config space; Interrupt Status goes back to it.
module irq_ctrl_top
  import irq_ctrl_reg_pkg::*;
#(
  parameter int unsigned NUM_NODES   = NUM_NODES_DEFAULT,
  parameter int unsigned NUM_HEADS   = NUM_HEADS_DEFAULT,
  parameter int unsigned NUM_VECTORS = NUM_VECTORS_DEFAULT,
  localparam int unsigned AW         = BUS_ADDR_BITS
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [63:0]                timer_i,  // GPU global timer (cycles since reset)
  // GPU engines, display heads, MMU: one-cycle pulses with their payload
  input  logic [NUM_NODES-1:0]       dma_completed_i,
  input  logic [NUM_NODES-1:0][31:0] dma_completed_fence_i,
  input  logic [NUM_NODES-1:0]       dma_preempted_i,
  input  logic [NUM_NODES-1:0][31:0] dma_preempted_fence_i,
  input  logic [NUM_NODES-1:0]       dma_faulted_i,
  input  logic [NUM_NODES-1:0][31:0] dma_faulted_fence_i,
  input  logic [NUM_HEADS-1:0]       vsync_i,
  input  logic                       pf_i,
  input  logic [31:0]                pf_fence_i,
  input  logic [2:0]                 pf_node_i,
  input  logic [63:0]                pf_va_i,
  // from PCI configuration space
  input  logic                       cfg_msix_enable_i,
  input  logic                       cfg_msix_func_mask_i,
  input  logic                       cfg_intx_disable_i,
  input  logic                       cfg_msi_enable_i,
  input  logic [2:0]                 cfg_msi_mme_i,
  input  logic [63:0]                cfg_msi_addr_i,
  input  logic [15:0]                cfg_msi_data_i,
  input  logic [31:0]                cfg_msi_mask_i,
  output logic [31:0]                msi_pending_o,   // config MSI Pending Bits
  // AXI4-Lite register port (BAR0)
  input  logic                       awvalid_i,
  output logic                       awready_o,
  input  logic [AW-1:0]              awaddr_i,
  input  logic [2:0]                 awprot_i,  // [0]: privileged (migration registers)
  input  logic                       wvalid_i,
  output logic                       wready_o,
  input  logic [63:0]                wdata_i,
  input  logic [7:0]                 wstrb_i,
  output logic                       bvalid_o,
  input  logic                       bready_i,
  output logic [1:0]                 bresp_o,
  input  logic                       arvalid_i,
  output logic                       arready_o,
  input  logic [AW-1:0]              araddr_i,
  output logic                       rvalid_o,
  input  logic                       rready_i,
  output logic [63:0]                rdata_o,
  output logic [1:0]                 rresp_o,
  // MSI-X messages
  output logic                       msg_valid_o,
  input  logic                       msg_ready_i,
  output logic [63:0]                msg_addr_o,
  output logic [31:0]                msg_data_o,
  output logic [10:0]                msg_vector_o,
  // INTx
  output logic                       intx_o,         // level, to Assert_INTx/Deassert_INTx
  output logic                       intx_status_o,  // config Status.Interrupt Status
  output logic [31:0]                intr_status_o,  // INTR_STATUS, observed (for the dismiss check)
  // For simulators: the state cannot change until an input other than timer_i changes
  // or timer_i reaches wake_o (a moderation interval holding a request ends), so cycles
  // before that with unchanged inputs may be skipped without changing any later output.
  output logic                       idle_o,
  output logic [63:0]                wake_o
);
  logic          wr, rd;
  logic [AW-1:0] wr_addr, rd_addr;
  logic [1:0]    wr_lanes, src_hit, src_bad, msix_hit, msix_bad;
  logic [63:0]   wr_data, src_rdata, msix_rdata;
  logic          wr_err, wr_priv;
  logic          paused, drained;
  logic          axil_idle, src_idle, msix_idle;

  irq_ctrl_axil #(.AW(AW)) u_axil (
    .clk_i, .rst_ni,
    .awvalid_i, .awready_o, .awaddr_i, .awprot_i, .wvalid_i, .wready_o, .wdata_i, .wstrb_i,
    .bvalid_o, .bready_i, .bresp_o, .arvalid_i, .arready_o, .araddr_i,
    .rvalid_o, .rready_i, .rdata_o, .rresp_o,
    .wr_o      (wr),
    .wr_addr_o (wr_addr),
    .wr_lanes_o(wr_lanes),
    .wr_data_o (wr_data),
    .wr_priv_o (wr_priv),
    .wr_err_i  (wr_err),
    .rd_o      (rd),
    .rd_addr_o (rd_addr),
    .rd_data_i (src_rdata | msix_rdata),
    .idle_o    (axil_idle)
  );

  // A written lane must hit a register that accepts the value; otherwise the whole
  // access is refused, so a 64-bit write is never half done.
  assign wr_err = |(wr_lanes & (~(src_hit | msix_hit) | src_bad | msix_bad));

  logic [NUM_VECTORS-1:0] vec_trig, vec_serviced;
  logic                   src_pending, msix_enabled;
  logic [SOURCES_WIDTH-1:0] src_status;

  irq_ctrl_src #(.NUM_NODES(NUM_NODES), .NUM_HEADS(NUM_HEADS), .NUM_VECTORS(NUM_VECTORS)) u_src (
    .clk_i, .rst_ni,
    .dma_completed_i, .dma_completed_fence_i, .dma_preempted_i, .dma_preempted_fence_i,
    .dma_faulted_i, .dma_faulted_fence_i, .vsync_i, .pf_i, .pf_fence_i, .pf_node_i, .pf_va_i,
    .wr_i      (wr),
    .wr_addr_i (wr_addr),
    .wr_lanes_i(wr_lanes),
    .wr_data_i (wr_data),
    .wr_priv_i (wr_priv),
    .wr_hit_o  (src_hit),
    .wr_bad_o  (src_bad),
    .rd_addr_i (rd_addr),
    .rd_data_o (src_rdata),
    .vec_trig_o(vec_trig),
    .vec_serviced_o(vec_serviced),
    .pending_o (src_pending),
    .status_o  (src_status),
    .paused_o  (paused),
    .drained_i (drained),
    .idle_o    (src_idle)
  );

  irq_msix #(.NUM_VECTORS(NUM_VECTORS)) u_msix (
    .clk_i, .rst_ni, .timer_i,
    .cfg_enable_i   (cfg_msix_enable_i),
    .cfg_func_mask_i(cfg_msix_func_mask_i),
    .cfg_msi_enable_i, .cfg_msi_mme_i, .cfg_msi_addr_i, .cfg_msi_data_i, .cfg_msi_mask_i, .msi_pending_o,
    .enabled_o      (msix_enabled),
    .paused_i       (paused),
    .drained_o      (drained),
    .wr_priv_i      (wr_priv),
    .vec_trig_i     (vec_trig),
    .vec_serviced_i (vec_serviced),
    .wr_i           (wr),
    .wr_addr_i      (wr_addr),
    .wr_lanes_i     (wr_lanes),
    .wr_data_i      (wr_data),
    .wr_hit_o       (msix_hit),
    .wr_bad_o       (msix_bad),
    .rd_addr_i      (rd_addr),
    .rd_data_o      (msix_rdata),
    .msg_valid_o, .msg_ready_i, .msg_addr_o, .msg_data_o, .msg_vector_o,
    .idle_o         (msix_idle),
    .wake_o
  );

  // INTx: level while any enabled source is pending and MSI-X is off (enabling MSI-X
  // disables INTx), gated by Command.Interrupt Disable. Interrupt Status ignores
  // Interrupt Disable so a line-based ISR can still tell that this device asks.
  logic intx_disable_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) intx_disable_q <= 1'b0;
    else intx_disable_q <= cfg_intx_disable_i;
  end
  assign intx_status_o = src_pending;
  assign intr_status_o = 32'(src_status);
  assign intx_o        = src_pending && !msix_enabled && !intx_disable_q;
  assign idle_o        = axil_idle && src_idle && msix_idle;

  // rd is consumed inside u_axil; nothing else needs it.
  logic unused_rd;
  assign unused_rd = rd;
endmodule
