// MSI-X engine of one PCIe function: the vector table, the Pending Bit Array, per-vector
// moderation and the message output register. Each function (PF or VF) instantiates
// its own copy, so nothing here assumes a single function.
//
// Per cycle, for every vector v (masked = entry mask | Function Mask | !MSI-X Enable):
//   - a trigger sets req[v];
//   - a masked request moves to the PBA (pending, nothing sent);
//   - an unmasked pending bit clears and becomes a request (the replay on unmask);
//   - the lowest unmasked request whose moderation counter is 0 is issued into the
//     output register when that register is free or being emptied; issuing reloads
//     the counter so the next message of v is issued at least VEC_MOD[v] cycles later.
// Triggers that arrive while req[v] is set merge into the one message.
module irq_msix
  import irq_ctrl_reg_pkg::*;
#(
  parameter int unsigned NUM_VECTORS = NUM_VECTORS_DEFAULT,
  parameter int unsigned AW          = BUS_ADDR_BITS,
  parameter int unsigned VIW         = (NUM_VECTORS > 1) ? $clog2(NUM_VECTORS) : 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   cfg_enable_i,     // Message Control.MSI-X Enable
  input  logic                   cfg_func_mask_i,  // Message Control.Function Mask
  // MSI capability (used while MSI-X is disabled)
  input  logic                   cfg_msi_enable_i,
  input  logic [2:0]             cfg_msi_mme_i,    // log2 of the vectors allocated
  input  logic [63:0]            cfg_msi_addr_i,
  input  logic [15:0]            cfg_msi_data_i,
  input  logic [31:0]            cfg_msi_mask_i,
  output logic [31:0]            msi_pending_o,
  output logic                   enabled_o,        // sampled MSI-X Enable
  input  logic                   paused_i,         // MIG_CTRL.PAUSE: every vector held
  output logic                   drained_o,        // no request and no message in flight
  input  logic                   wr_priv_i,        // privileged write (MIG_PBA_SET)
  input  logic [NUM_VECTORS-1:0] vec_trig_i,
  input  logic [NUM_VECTORS-1:0] vec_serviced_i,   // the events behind a vector were serviced
  // register access (see irq_ctrl_axil)
  input  logic                   wr_i,
  input  logic [AW-1:0]          wr_addr_i,
  input  logic [1:0]             wr_lanes_i,
  input  logic [63:0]            wr_data_i,
  output logic [1:0]             wr_hit_o,
  output logic [1:0]             wr_bad_o,
  input  logic [AW-1:0]          rd_addr_i,
  output logic [63:0]            rd_data_o,
  // messages: posted 4-byte write of data to addr
  output logic                   msg_valid_o,
  input  logic                   msg_ready_i,
  output logic [63:0]            msg_addr_o,
  output logic [31:0]            msg_data_o,
  output logic [10:0]            msg_vector_o,
  output logic                   idle_o  // no request, replay, countdown or message in flight
);
  localparam int unsigned NV    = NUM_VECTORS;
  localparam int unsigned PBA_W = ((NV + 63) / 64) * 64;
  localparam int unsigned MODW  = VEC_MOD_INTERVAL_WIDTH;

  // Table RAM: address and data words are not reset (the spec leaves them undefined).
  logic [31:0]     addr_lo_q [NV];
  logic [31:0]     addr_hi_q [NV];
  logic [31:0]     data_q [NV];
  logic [NV-1:0]   mask_q, mask_d;
  logic [NV-1:0]   req_q, req_d, pba_q, pba_d;
  logic [MODW-1:0] ivl_q [NV];
  logic [MODW-1:0] ivl_d [NV];
  logic [MODW-1:0] cnt_q [NV];
  logic            cfg_en_q, cfg_fm_q;
  logic            msi_en_q;
  logic [2:0]      msi_mme_q;
  logic [63:2]     msi_addr_q;  // DWORD aligned
  logic [15:0]     msi_data_q;
  logic [31:0]     msi_mask_q;
  logic            msg_valid_q;
  logic [63:0]     msg_addr_q;
  logic [31:0]     msg_data_q;
  logic [VIW-1:0]  msg_vec_q;

  // ---- message engine ------------------------------------------------------------
  logic [NV-1:0] masked, eligible, granted;
  logic          slot_free, gvalid;
  logic [VIW-1:0] gidx;

  // cfg_msi_addr_i[1:0] must be 0 (DWORD aligned) and is ignored.
  logic unused_msi_addr_lsbs;
  assign unused_msi_addr_lsbs = ^cfg_msi_addr_i[1:0];

  // MSI-X (its own masks and Function Mask) when enabled; otherwise MSI, where vector v is
  // MSI vector v mod 2^MME with that vector's mask bit; with neither, everything is masked.
  logic [4:0] msi_vmask, msi_vec;
  assign msi_vmask = 5'((32'd1 << msi_mme_q) - 32'd1);
  assign msi_vec   = 5'(gidx) & msi_vmask;
  always_comb begin
    for (int v = 0; v < NV; v++) begin
      if (paused_i) masked[v] = 1'b1;  // live migration: hold, collect in the PBA
      else if (cfg_en_q) masked[v] = mask_q[v] || cfg_fm_q;
      else if (msi_en_q) masked[v] = msi_mask_q[5'(v) & msi_vmask];
      else masked[v] = 1'b1;
    end
  end
  always_comb begin
    msi_pending_o = '0;
    for (int v = 0; v < NV; v++) begin
      if (pba_q[v]) msi_pending_o[5'(v) & msi_vmask] = 1'b1;
    end
  end
  assign slot_free = !msg_valid_q || msg_ready_i;
  always_comb begin
    for (int v = 0; v < NV; v++) eligible[v] = req_q[v] && !masked[v] && (cnt_q[v] == '0);
  end

  irq_prio_arb #(.N(NV), .IW(VIW)) u_arb (
    .req_i  (eligible),
    .valid_o(gvalid),
    .idx_o  (gidx)
  );

  always_comb begin
    granted = '0;
    if (slot_free && gvalid) granted[gidx] = 1'b1;
  end

  assign req_d = (req_q & ~masked & ~granted) | vec_trig_i | (pba_q & ~masked);
  logic [NV-1:0] pba_set;  // MIG_PBA_SET restores
  // PCIe Base spec, MSI-X per-vector masking: when software has serviced the events behind
  // a masked vector's Pending bit, the function clears the bit, so unmasking sends no
  // spurious message. Restores (MIG_PBA_SET) always set it.
  assign pba_d = (masked & (pba_q | req_q) & ~vec_serviced_i) | pba_set;

  // ---- register decode -----------------------------------------------------------
  localparam logic [AW-1:0] TABLE_END = MSIX_TABLE_OFFSET + AW'(NV * MSIX_ENTRY_BYTES);
  localparam logic [AW-1:0] PBA_END   = MSIX_PBA_OFFSET + AW'(PBA_W / 8);
  localparam logic [AW-1:0] MOD_END   = VEC_MOD_OFFSET + AW'(NV * VEC_MOD_STRIDE);
  localparam logic [AW-1:0] PSET_END  = MIG_PBA_SET_OFFSET + AW'(((NV + 31) / 32) * MIG_PBA_SET_STRIDE);

  logic [PBA_W-1:0] pba_pad;
  assign pba_pad = PBA_W'(pba_q);

  // Decode (which lane hits what) is kept apart from the write, which the bus commits
  // only when no lane refuses it.
  typedef enum logic [2:0] {K_NONE, K_TABLE, K_PBA, K_MOD, K_PSET} kind_e;
  kind_e          kind [2];
  logic [VIW-1:0] widx [2];
  logic [1:0]     tbl_word [2];
  always_comb begin
    for (int l = 0; l < 2; l++) begin
      logic [AW-1:0] wa;
      wa = wr_addr_i + AW'(4 * l);
      tbl_word[l] = 2'((wa - MSIX_TABLE_OFFSET) >> 2);
      if (wa >= MSIX_TABLE_OFFSET && wa < TABLE_END) begin
        kind[l] = K_TABLE;
        widx[l] = VIW'((wa - MSIX_TABLE_OFFSET) >> 4);
      end else if (wa >= MSIX_PBA_OFFSET && wa < PBA_END) begin
        kind[l] = K_PBA;
        widx[l] = '0;
      end else if (wa >= VEC_MOD_OFFSET && wa < MOD_END) begin
        kind[l] = K_MOD;
        widx[l] = VIW'((wa - VEC_MOD_OFFSET) >> 2);
      end else if (wa >= MIG_PBA_SET_OFFSET && wa < PSET_END) begin
        kind[l] = K_PSET;
        widx[l] = '0;
      end else begin
        kind[l] = K_NONE;
        widx[l] = '0;
      end
      wr_hit_o[l] = kind[l] != K_NONE;
      // The PBA is read-only; its restore path needs privilege and a paused function.
      wr_bad_o[l] = kind[l] == K_PBA || (kind[l] == K_PSET && !(wr_priv_i && paused_i));
    end
  end

  int unsigned pset_word [2];  // MIG_PBA_SET register index of each lane
  always_comb begin
    for (int l = 0; l < 2; l++) begin
      logic [AW-1:0] rel;
      rel          = wr_addr_i + AW'(4 * l) - MIG_PBA_SET_OFFSET;
      pset_word[l] = 32'(rel) / 4;
    end
  end

  logic tbl_we [2];
  always_comb begin
    mask_d  = mask_q;
    ivl_d   = ivl_q;
    pba_set = '0;
    for (int l = 0; l < 2; l++) begin
      logic [31:0] wd;
      wd = wr_data_i[32*l +: 32];
      tbl_we[l] = 1'b0;
      if (wr_i && wr_lanes_i[l]) begin
        if (kind[l] == K_TABLE) begin
          if (32'(tbl_word[l]) * 4 == MSIX_VECTOR_CTRL_OFFSET)
            mask_d[widx[l]] = wd[MSIX_VECTOR_CTRL_MASK_LSB];
          else tbl_we[l] = 1'b1;
        end else if (kind[l] == K_MOD) begin
          ivl_d[widx[l]] = wd[VEC_MOD_INTERVAL_LSB +: MODW];
        end else if (kind[l] == K_PSET) begin
          for (int b = 0; b < 32; b++) begin
            if (wd[b] && 32 * pset_word[l] + b < NV) pba_set[VIW'(32 * pset_word[l] + b)] = 1'b1;
          end
        end
      end
    end
  end

  always_comb begin
    rd_data_o = '0;
    for (int l = 0; l < 2; l++) begin
      logic [AW-1:0] ra, rel;
      logic [31:0]   rd;
      logic [VIW-1:0] i;
      ra = rd_addr_i + AW'(4 * l);
      rd = '0;
      if (ra >= MSIX_TABLE_OFFSET && ra < TABLE_END) begin
        rel = ra - MSIX_TABLE_OFFSET;
        i   = rel[4 +: VIW];
        case (32'(rel[3:0]))
          MSIX_MSG_ADDR_LO_OFFSET: rd = addr_lo_q[i];
          MSIX_MSG_ADDR_HI_OFFSET: rd = addr_hi_q[i];
          MSIX_MSG_DATA_OFFSET:    rd = data_q[i];
          default:                 rd[MSIX_VECTOR_CTRL_MASK_LSB] = mask_q[i];
        endcase
      end else if (ra >= MSIX_PBA_OFFSET && ra < PBA_END) begin
        rel = ra - MSIX_PBA_OFFSET;
        rd  = pba_pad[32*rel[AW-1:2] +: 32];
      end else if (ra >= VEC_MOD_OFFSET && ra < MOD_END) begin
        rel = ra - VEC_MOD_OFFSET;
        rd[VEC_MOD_INTERVAL_LSB +: MODW] = ivl_q[rel[2 +: VIW]];
      end
      rd_data_o[32*l +: 32] = rd;
    end
  end

  // Moderation counters: reload on issue, else count down to 0.
  logic [MODW-1:0] cnt_d [NV];
  always_comb begin
    for (int v = 0; v < NV; v++) begin
      if (granted[v]) cnt_d[v] = (ivl_q[v] > MODW'(1)) ? ivl_q[v] - MODW'(1) : '0;
      else if (cnt_q[v] != '0) cnt_d[v] = cnt_q[v] - MODW'(1);
      else cnt_d[v] = '0;
    end
  end

  // ---- state -----------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    for (int l = 0; l < 2; l++) begin
      if (tbl_we[l]) begin
        case (32'(tbl_word[l]) * 4)
          MSIX_MSG_ADDR_LO_OFFSET:
            addr_lo_q[widx[l]] <= wr_data_i[32*l +: 32] & ~32'(2'b11);  // DWORD aligned
          MSIX_MSG_ADDR_HI_OFFSET: addr_hi_q[widx[l]] <= wr_data_i[32*l +: 32];
          default:                 data_q[widx[l]] <= wr_data_i[32*l +: 32];
        endcase
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mask_q      <= '1;  // every vector masked after reset (PCI spec)
      req_q       <= '0;
      pba_q       <= '0;
      cfg_en_q    <= 1'b0;
      cfg_fm_q    <= 1'b0;
      msi_en_q    <= 1'b0;
      msi_mme_q   <= '0;
      msi_addr_q  <= '0;
      msi_data_q  <= '0;
      msi_mask_q  <= '0;
      msg_valid_q <= 1'b0;
      msg_addr_q  <= '0;
      msg_data_q  <= '0;
      msg_vec_q   <= '0;
      ivl_q       <= '{default: '0};
      cnt_q       <= '{default: '0};
    end else begin
      mask_q   <= mask_d;
      req_q    <= req_d;
      pba_q    <= pba_d;
      ivl_q    <= ivl_d;
      cfg_en_q <= cfg_enable_i;
      cfg_fm_q <= cfg_func_mask_i;
      msi_en_q   <= cfg_msi_enable_i;
      msi_mme_q  <= (cfg_msi_mme_i > 3'd5) ? 3'd5 : cfg_msi_mme_i;  // at most 32 vectors
      msi_addr_q <= cfg_msi_addr_i[63:2];
      msi_data_q <= cfg_msi_data_i;
      msi_mask_q <= cfg_msi_mask_i;
      cnt_q    <= cnt_d;
      if (slot_free) begin
        msg_valid_q <= gvalid;
        if (gvalid && cfg_en_q) begin
          msg_addr_q <= {addr_hi_q[gidx], addr_lo_q[gidx]};
          msg_data_q <= data_q[gidx];
          msg_vec_q  <= gidx;
        end else if (gvalid) begin  // MSI: the vector number in the data's low MME bits
          msg_addr_q <= {msi_addr_q, 2'b00};
          msg_data_q <= {16'b0, (msi_data_q & ~16'(msi_vmask)) | 16'(msi_vec)};
          msg_vec_q  <= gidx;
        end
      end
    end
  end

  logic counting;
  always_comb begin
    counting = 1'b0;
    for (int v = 0; v < NV; v++) counting |= cnt_q[v] != '0;
  end
  assign idle_o = !msg_valid_q && (req_q == '0) && ((pba_q & ~masked) == '0) && !counting;

  assign enabled_o    = cfg_en_q;
  assign drained_o    = !msg_valid_q && (req_q == '0);
  assign msg_valid_o  = msg_valid_q;
  assign msg_addr_o   = msg_addr_q;
  assign msg_data_o   = msg_data_q;
  assign msg_vector_o = 11'(msg_vec_q);
endmodule
