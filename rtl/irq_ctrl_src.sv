// Source side of irq_ctrl: latches engine/display/page-fault pulses into the W1C
// status register, captures the fence each pulse carries in the same cycle, applies
// enables and the master enable, and turns newly pending sources into per-vector
// triggers through the ROUTE registers. Owns the CTRL register region.
//
// Timing: a pulse in cycle t is visible in INTR_STATUS and the fence registers from
// cycle t+1; its trigger reaches the MSI-X engine (vec_trig_o) in cycle t+1.
module irq_ctrl_src
  import irq_ctrl_reg_pkg::*;
#(
  parameter int unsigned NUM_NODES   = NUM_NODES_DEFAULT,
  parameter int unsigned NUM_HEADS   = NUM_HEADS_DEFAULT,
  parameter int unsigned NUM_VECTORS = NUM_VECTORS_DEFAULT,
  parameter int unsigned AW          = BUS_ADDR_BITS,
  parameter int unsigned VIW         = (NUM_VECTORS > 1) ? $clog2(NUM_VECTORS) : 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // source pulses
  input  logic [NUM_NODES-1:0]      dma_completed_i,
  input  logic [NUM_NODES-1:0][31:0] dma_completed_fence_i,
  input  logic [NUM_NODES-1:0]      dma_preempted_i,
  input  logic [NUM_NODES-1:0][31:0] dma_preempted_fence_i,
  input  logic [NUM_NODES-1:0]      dma_faulted_i,
  input  logic [NUM_NODES-1:0][31:0] dma_faulted_fence_i,
  input  logic [NUM_HEADS-1:0]      vsync_i,
  input  logic                      pf_i,
  input  logic [31:0]               pf_fence_i,
  input  logic [2:0]                pf_node_i,
  input  logic [63:0]               pf_va_i,
  // register access (see irq_ctrl_axil)
  input  logic                      wr_i,
  input  logic [AW-1:0]             wr_addr_i,
  input  logic [1:0]                wr_lanes_i,
  input  logic [63:0]               wr_data_i,
  input  logic                      wr_priv_i, // privileged write (AWPROT[0])
  output logic [1:0]                wr_hit_o,  // lane addresses a CTRL register
  output logic [1:0]                wr_bad_o,  // ...that refuses this write
  input  logic [AW-1:0]             rd_addr_i,
  output logic [63:0]               rd_data_o,
  // to the MSI-X engine and INTx
  output logic [NUM_VECTORS-1:0]    vec_trig_o,
  // vectors whose last enabled, set status bit was cleared this cycle: the events behind a
  // masked vector's Pending bit are serviced, so the MSI-X engine clears that bit
  output logic [NUM_VECTORS-1:0]    vec_serviced_o,
  output logic                      pending_o,
  output logic [SOURCES_WIDTH-1:0]  status_o,   // INTR_STATUS, observed (not a bus path)
  // live migration: MIG_CTRL.PAUSE, and the MSI-X engine's "nothing in flight"
  output logic                      paused_o,
  input  logic                      drained_i,
  output logic                      idle_o      // nothing changes until an input does
);
  localparam int unsigned SW  = SOURCES_WIDTH;
  localparam int unsigned SIW = $clog2(SW);
  localparam int unsigned NIW = (NUM_NODES > 1) ? $clog2(NUM_NODES) : 1;
  localparam int unsigned HIW = (NUM_HEADS > 1) ? $clog2(NUM_HEADS) : 1;

  // Status bits that exist in this instance.
  logic [SW-1:0] impl;
  always_comb begin
    impl = '0;
    for (int n = 0; n < NUM_NODES; n++) begin
      impl[SOURCES_DMA_COMPLETED_LSB + n] = 1'b1;
      impl[SOURCES_DMA_PREEMPTED_LSB + n] = 1'b1;
      impl[SOURCES_DMA_FAULTED_LSB + n]   = 1'b1;
    end
    for (int h = 0; h < NUM_HEADS; h++) impl[SOURCES_CRTC_VSYNC_LSB + h] = 1'b1;
    impl[SOURCES_PAGE_FAULT_LSB] = 1'b1;
  end

  logic [SW-1:0] evt;
  always_comb begin
    evt = '0;
    for (int n = 0; n < NUM_NODES; n++) begin
      evt[SOURCES_DMA_COMPLETED_LSB + n] = dma_completed_i[n];
      evt[SOURCES_DMA_PREEMPTED_LSB + n] = dma_preempted_i[n];
      evt[SOURCES_DMA_FAULTED_LSB + n]   = dma_faulted_i[n];
    end
    for (int h = 0; h < NUM_HEADS; h++) evt[SOURCES_CRTC_VSYNC_LSB + h] = vsync_i[h];
    evt[SOURCES_PAGE_FAULT_LSB] = pf_i;
  end

  logic [SW-1:0]            status_q, status_d, en_q, en_d, evt_q, seen_q;
  logic                     master_q, master_d;
  logic                     pause_q, pause_d;
  logic [VIW-1:0]           route_q [SW];
  logic [VIW-1:0]           route_d [SW];
  logic [31:0]              cmpl_fence_q [NUM_NODES];
  logic [31:0]              pre_fence_q [NUM_NODES];
  logic [31:0]              flt_fence_q [NUM_NODES];
  logic [31:0]              vsync_cnt_q [NUM_HEADS];
  logic [31:0]              pf_fence_q;
  logic [2:0]               pf_node_q;
  logic [63:0]              pf_va_q;

  // pend: what INTR_PENDING shows. A source triggers its vector when it becomes
  // pending, and again on every new event while it stays pending (seen_q remembers
  // last cycle's pend, evt_q flags an event latched at the last edge).
  logic [SW-1:0] pend, trig;
  assign pend      = status_q & en_q & {SW{master_q}};
  assign trig      = pend & (evt_q | ~seen_q);
  assign pending_o = |pend;
  assign paused_o  = pause_q;
  assign status_o  = status_q;

  // live: vectors with at least one enabled, set status bit routed to them.
  logic [NUM_VECTORS-1:0] live, live_q;
  always_comb begin
    vec_trig_o = '0;
    live       = '0;
    for (int s = 0; s < SW; s++) begin
      if (trig[s]) vec_trig_o[route_q[s]] = 1'b1;
      if (pend[s]) live[route_q[s]] = 1'b1;
    end
  end
  assign vec_serviced_o = live_q & ~live;
  assign idle_o         = (evt_q == '0) && (pend == seen_q) && (live == live_q);

  // ---- register decode, one dword lane at a time -------------------------------
  function automatic logic in_array(logic [AW-1:0] a, logic [AW-1:0] base, int unsigned stride,
                                    int unsigned count);
    logic [AW-1:0] rel;
    rel = a - base;
    return (a >= base) && (32'(rel) < stride * count) && (32'(rel) % stride == 0);
  endfunction

  function automatic int unsigned array_idx(logic [AW-1:0] a, logic [AW-1:0] base,
                                            int unsigned stride);
    logic [AW-1:0] rel;
    rel = a - base;
    return 32'(rel) / stride;
  endfunction

  // Decode is kept apart from the write itself: the bus commits a write only when no
  // lane refuses it, so the refusal must not depend on the commit.
  typedef enum logic [3:0] {K_NONE, K_STATUS, K_ENABLE, K_MASTER, K_ROUTE, K_RO, K_MIG_CTRL, K_STATUS_SET,
                            K_CMPL_FENCE, K_PRE_FENCE, K_FLT_FENCE, K_VSYNC_CNT, K_PF_FENCE, K_PF_NODE,
                            K_PF_VA_LO, K_PF_VA_HI} kind_e;
  kind_e          kind [2];
  logic [1:0]     lane_hit, lane_bad;
  logic [SIW-1:0] route_idx [2];
  logic [7:0]     arr_idx [2];  // node or head of an array register
  logic           restore_ok;   // migration restore: privileged and paused
  assign restore_ok = wr_priv_i && pause_q;
  always_comb begin
    for (int l = 0; l < 2; l++) begin
      logic [AW-1:0] wa;
      wa = wr_addr_i + AW'(4 * l);
      route_idx[l] = SIW'(array_idx(wa, ROUTE_OFFSET, ROUTE_STRIDE));
      arr_idx[l]   = '0;
      lane_bad[l]  = 1'b0;
      if (wa == INTR_STATUS_OFFSET) kind[l] = K_STATUS;
      else if (wa == INTR_ENABLE_OFFSET) kind[l] = K_ENABLE;
      else if (wa == INTR_MASTER_OFFSET) kind[l] = K_MASTER;
      else if (in_array(wa, ROUTE_OFFSET, ROUTE_STRIDE, ROUTE_COUNT)) begin
        kind[l] = K_ROUTE;
        // A vector beyond the table would lose the interrupt: refuse it.
        lane_bad[l] = 32'(wr_data_i[32*l + ROUTE_VECTOR_LSB +: ROUTE_VECTOR_WIDTH]) >= NUM_VECTORS;
      end else if (wa == MIG_CTRL_OFFSET) begin
        kind[l]     = K_MIG_CTRL;
        lane_bad[l] = !wr_priv_i;
      end else if (wa == MIG_STATUS_SET_OFFSET) begin
        kind[l]     = K_STATUS_SET;
        lane_bad[l] = !restore_ok;
      end else if (in_array(wa, NODE_COMPLETED_FENCE_OFFSET, NODE_COMPLETED_FENCE_STRIDE, NUM_NODES)) begin
        kind[l]     = K_CMPL_FENCE;
        arr_idx[l]  = 8'(array_idx(wa, NODE_COMPLETED_FENCE_OFFSET, NODE_COMPLETED_FENCE_STRIDE));
        lane_bad[l] = !restore_ok;
      end else if (in_array(wa, NODE_PREEMPTED_FENCE_OFFSET, NODE_PREEMPTED_FENCE_STRIDE, NUM_NODES)) begin
        kind[l]     = K_PRE_FENCE;
        arr_idx[l]  = 8'(array_idx(wa, NODE_PREEMPTED_FENCE_OFFSET, NODE_PREEMPTED_FENCE_STRIDE));
        lane_bad[l] = !restore_ok;
      end else if (in_array(wa, NODE_FAULTED_FENCE_OFFSET, NODE_FAULTED_FENCE_STRIDE, NUM_NODES)) begin
        kind[l]     = K_FLT_FENCE;
        arr_idx[l]  = 8'(array_idx(wa, NODE_FAULTED_FENCE_OFFSET, NODE_FAULTED_FENCE_STRIDE));
        lane_bad[l] = !restore_ok;
      end else if (in_array(wa, HEAD_VSYNC_COUNT_OFFSET, HEAD_VSYNC_COUNT_STRIDE, NUM_HEADS)) begin
        kind[l]     = K_VSYNC_CNT;
        arr_idx[l]  = 8'(array_idx(wa, HEAD_VSYNC_COUNT_OFFSET, HEAD_VSYNC_COUNT_STRIDE));
        lane_bad[l] = !restore_ok;
      end else if (wa == PF_FENCE_OFFSET || wa == PF_NODE_OFFSET || wa == PF_VA_LO_OFFSET ||
                   wa == PF_VA_HI_OFFSET) begin
        kind[l]     = wa == PF_FENCE_OFFSET ? K_PF_FENCE : wa == PF_NODE_OFFSET ? K_PF_NODE :
                      wa == PF_VA_LO_OFFSET ? K_PF_VA_LO : K_PF_VA_HI;
        lane_bad[l] = !restore_ok;
      end else if (wa == ID_OFFSET || wa == HWCFG_OFFSET || wa == INTR_PENDING_OFFSET ||
                   in_array(wa, NODE_COMPLETED_FENCE_OFFSET, NODE_COMPLETED_FENCE_STRIDE,
                            NODE_COMPLETED_FENCE_COUNT) ||
                   in_array(wa, NODE_PREEMPTED_FENCE_OFFSET, NODE_PREEMPTED_FENCE_STRIDE,
                            NODE_PREEMPTED_FENCE_COUNT) ||
                   in_array(wa, NODE_FAULTED_FENCE_OFFSET, NODE_FAULTED_FENCE_STRIDE,
                            NODE_FAULTED_FENCE_COUNT) ||
                   in_array(wa, HEAD_VSYNC_COUNT_OFFSET, HEAD_VSYNC_COUNT_STRIDE,
                            HEAD_VSYNC_COUNT_COUNT)) begin
        kind[l]     = K_RO;  // read-only register (or one of an absent node/head): refused
        lane_bad[l] = 1'b1;
      end else kind[l] = K_NONE;
      lane_hit[l] = kind[l] != K_NONE;
    end
  end

  // Restored capture registers: a privileged write while paused (migration destination).
  logic             rs_we [2];
  always_comb begin
    for (int l = 0; l < 2; l++) rs_we[l] = wr_i && wr_lanes_i[l] && kind[l] >= K_CMPL_FENCE;
  end

  logic [SW-1:0] w1c, set;
  always_comb begin
    w1c      = '0;
    set      = '0;
    en_d     = en_q;
    master_d = master_q;
    pause_d  = pause_q;
    route_d  = route_q;
    for (int l = 0; l < 2; l++) begin
      logic [31:0] wd;
      wd = wr_data_i[32*l +: 32];
      if (wr_i && wr_lanes_i[l]) begin
        case (kind[l])
          K_STATUS:     w1c = w1c | wd[SW-1:0];
          K_ENABLE:     en_d = wd[SW-1:0] & impl;
          K_MASTER:     master_d = wd[INTR_MASTER_ENABLE_LSB];
          K_ROUTE:      route_d[route_idx[l]] = wd[ROUTE_VECTOR_LSB +: VIW];
          K_MIG_CTRL:   pause_d = wd[MIG_CTRL_PAUSE_LSB];
          K_STATUS_SET: set = set | (wd[SW-1:0] & impl);
          default:      ;
        endcase
      end
    end
    // An event in the cycle its bit is cleared wins: it is never lost.
    status_d = (status_q & ~w1c) | (evt & impl) | set;
  end

  always_comb begin
    rd_data_o = '0;
    for (int l = 0; l < 2; l++) begin
      logic [AW-1:0] ra;
      logic [31:0]   rd;
      ra = rd_addr_i + AW'(4 * l);
      rd = '0;
      if (ra == ID_OFFSET) rd = ID_RESET;
      else if (ra == HWCFG_OFFSET) begin
        rd[HWCFG_NUM_NODES_LSB +: HWCFG_NUM_NODES_WIDTH]     = HWCFG_NUM_NODES_WIDTH'(NUM_NODES);
        rd[HWCFG_NUM_HEADS_LSB +: HWCFG_NUM_HEADS_WIDTH]     = HWCFG_NUM_HEADS_WIDTH'(NUM_HEADS);
        rd[HWCFG_NUM_VECTORS_LSB +: HWCFG_NUM_VECTORS_WIDTH] = HWCFG_NUM_VECTORS_WIDTH'(NUM_VECTORS);
      end
      else if (ra == INTR_STATUS_OFFSET) rd[SW-1:0] = status_q;
      else if (ra == INTR_ENABLE_OFFSET) rd[SW-1:0] = en_q;
      else if (ra == INTR_PENDING_OFFSET) rd[SW-1:0] = pend;
      else if (ra == INTR_MASTER_OFFSET) rd[INTR_MASTER_ENABLE_LSB] = master_q;
      else if (ra == MIG_CTRL_OFFSET) begin
        rd[MIG_CTRL_PAUSE_LSB]    = pause_q;
        rd[MIG_CTRL_QUIESCED_LSB] = pause_q && drained_i;
      end
      else if (in_array(ra, ROUTE_OFFSET, ROUTE_STRIDE, ROUTE_COUNT))
        rd[ROUTE_VECTOR_LSB +: VIW] = route_q[array_idx(ra, ROUTE_OFFSET, ROUTE_STRIDE)];
      else if (ra == PF_FENCE_OFFSET) rd = pf_fence_q;
      else if (ra == PF_NODE_OFFSET) rd[PF_NODE_NODE_LSB +: PF_NODE_NODE_WIDTH] = pf_node_q;
      else if (ra == PF_VA_LO_OFFSET) rd = pf_va_q[31:0];
      else if (ra == PF_VA_HI_OFFSET) rd = pf_va_q[63:32];
      else begin
        for (int n = 0; n < NUM_NODES; n++) begin
          if (ra == NODE_COMPLETED_FENCE_OFFSET + AW'(n * NODE_COMPLETED_FENCE_STRIDE))
            rd = cmpl_fence_q[n];
          if (ra == NODE_PREEMPTED_FENCE_OFFSET + AW'(n * NODE_PREEMPTED_FENCE_STRIDE))
            rd = pre_fence_q[n];
          if (ra == NODE_FAULTED_FENCE_OFFSET + AW'(n * NODE_FAULTED_FENCE_STRIDE))
            rd = flt_fence_q[n];
        end
        for (int h = 0; h < NUM_HEADS; h++) begin
          if (ra == HEAD_VSYNC_COUNT_OFFSET + AW'(h * HEAD_VSYNC_COUNT_STRIDE))
            rd = vsync_cnt_q[h];
        end
      end
      rd_data_o[32*l +: 32] = rd;
    end
  end
  assign wr_hit_o = lane_hit;
  assign wr_bad_o = lane_bad;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      status_q   <= '0;
      live_q     <= '0;
      en_q       <= '0;
      evt_q      <= '0;
      seen_q     <= '0;
      master_q   <= 1'b0;
      pause_q    <= 1'b0;
      pf_fence_q <= '0;
      pf_node_q  <= '0;
      pf_va_q    <= '0;
      for (int s = 0; s < SW; s++) route_q[s] <= '0;
      for (int n = 0; n < NUM_NODES; n++) begin
        cmpl_fence_q[n] <= '0;
        pre_fence_q[n]  <= '0;
        flt_fence_q[n]  <= '0;
      end
      for (int h = 0; h < NUM_HEADS; h++) vsync_cnt_q[h] <= '0;
    end else begin
      status_q <= status_d;
      live_q   <= live;
      en_q     <= en_d;
      master_q <= master_d;
      pause_q  <= pause_d;
      route_q  <= route_d;
      evt_q    <= evt & impl;
      seen_q   <= pend | (set & en_q & {SW{master_q}});  // restored bits: already signalled
      // Restores first, so a pulse in the same cycle (which migration never causes) wins.
      for (int l = 0; l < 2; l++) begin
        if (rs_we[l]) begin
          logic [31:0] wd;
          wd = wr_data_i[32*l +: 32];
          case (kind[l])
            K_CMPL_FENCE: cmpl_fence_q[arr_idx[l][NIW-1:0]] <= wd;
            K_PRE_FENCE:  pre_fence_q[arr_idx[l][NIW-1:0]] <= wd;
            K_FLT_FENCE:  flt_fence_q[arr_idx[l][NIW-1:0]] <= wd;
            K_VSYNC_CNT:  vsync_cnt_q[arr_idx[l][HIW-1:0]] <= wd;
            K_PF_FENCE:   pf_fence_q <= wd;
            K_PF_NODE:    pf_node_q <= wd[PF_NODE_NODE_LSB +: PF_NODE_NODE_WIDTH];
            K_PF_VA_LO:   pf_va_q[31:0] <= wd;
            default:      pf_va_q[63:32] <= wd;
          endcase
        end
      end
      for (int n = 0; n < NUM_NODES; n++) begin
        if (dma_completed_i[n]) cmpl_fence_q[n] <= dma_completed_fence_i[n];
        if (dma_preempted_i[n]) pre_fence_q[n] <= dma_preempted_fence_i[n];
        if (dma_faulted_i[n]) flt_fence_q[n] <= dma_faulted_fence_i[n];
      end
      for (int h = 0; h < NUM_HEADS; h++) begin
        if (vsync_i[h]) vsync_cnt_q[h] <= vsync_cnt_q[h] + 32'd1;
      end
      if (pf_i) begin
        pf_fence_q <= pf_fence_i;
        pf_node_q  <= pf_node_i;
        pf_va_q    <= pf_va_i;
      end
    end
  end
endmodule
