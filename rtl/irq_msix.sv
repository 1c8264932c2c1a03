// MSI-X engine of one PCIe function: the vector table, the Pending Bit Array, per-vector
// moderation and the message output register. Each function (PF or VF) instantiates
// its own copy, so nothing here assumes a single function.
//
// Per cycle, for every vector v (masked = entry mask | Function Mask | !MSI-X Enable):
//   - a trigger sets req[v];
//   - a masked request moves to the PBA (pending, nothing sent);
//   - an unmasked pending bit clears and becomes a request (the replay on unmask);
//   - the lowest unmasked request whose moderation interval has ended is issued into
//     the output register when that register is free or being emptied; issuing at
//     timer T sets the vector's deadline to T + VEC_MOD[v], so the next message of v is
//     issued at least VEC_MOD[v] cycles later.
// Triggers that arrive while req[v] is set merge into the one message.
//
// Moderation compares the GPU's global timer with a deadline per vector instead of
// counting every vector down every cycle: nothing changes while an interval runs, so a
// simulator may skip to wake_o exactly, and the per-vector work is done only in cycles
// with a request (loops are guarded by |req_q). The 64-bit timer does not wrap in any
// run (2^64 cycles at 1.6 GHz is 365 years).
module irq_msix
  import irq_ctrl_reg_pkg::*;
#(
  parameter int unsigned NUM_VECTORS = NUM_VECTORS_DEFAULT,
  parameter int unsigned AW          = BUS_ADDR_BITS,
  parameter int unsigned VIW         = (NUM_VECTORS > 1) ? $clog2(NUM_VECTORS) : 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic [63:0]            timer_i,          // GPU global timer: cycles since reset
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
  // Nothing can change until an input changes or timer_i reaches wake_o: no message,
  // replay or masked request; unmasked requests wait for wake_o (both from state only).
  output logic                   idle_o,
  output logic [63:0]            wake_o  // earliest deadline of an unmasked request; all ones: none
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
  logic [63:0]     deadline_q [NV];  // timer value at which the vector's interval ends
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
  // MSI vector v is vector v mod 2^MME: its mask pattern repeats every 2^MME vectors.
  localparam int unsigned NW = (NV + 31) / 32;  // 32-bit words covering the vectors
  logic [31:0] msi_mask_rep;
  always_comb begin
    case (msi_mme_q)
      3'd0:    msi_mask_rep = {32{msi_mask_q[0]}};
      3'd1:    msi_mask_rep = {16{msi_mask_q[1:0]}};
      3'd2:    msi_mask_rep = {8{msi_mask_q[3:0]}};
      3'd3:    msi_mask_rep = {4{msi_mask_q[7:0]}};
      3'd4:    msi_mask_rep = {2{msi_mask_q[15:0]}};
      default: msi_mask_rep = msi_mask_q;
    endcase
  end
  logic [NV-1:0] msi_masked;
  assign msi_masked = NV'({NW{msi_mask_rep}});
  always_comb begin
    if (paused_i) masked = '1;  // live migration: hold, collect in the PBA
    else if (cfg_en_q) masked = mask_q | {NV{cfg_fm_q}};
    else if (msi_en_q) masked = msi_masked;
    else masked = '1;
  end

  // MSI Pending Bits: the PBA folded onto the 2^MME MSI vectors.
  logic [NW*32-1:0] pba_words;
  logic [31:0] p32;
  logic [15:0] p16;
  logic [7:0]  p8;
  logic [3:0]  p4;
  logic [1:0]  p2;
  assign pba_words = (NW * 32)'(pba_q);
  always_comb begin
    p32 = '0;
    if (pba_q != '0) begin
      for (int w = 0; w < NW; w++) p32 |= pba_words[32*w +: 32];
    end
  end
  assign p16 = p32[31:16] | p32[15:0];
  assign p8  = p16[15:8] | p16[7:0];
  assign p4  = p8[7:4] | p8[3:0];
  assign p2  = p4[3:2] | p4[1:0];
  always_comb begin
    case (msi_mme_q)
      3'd0:    msi_pending_o = {31'b0, p2[1] | p2[0]};
      3'd1:    msi_pending_o = {30'b0, p2};
      3'd2:    msi_pending_o = {28'b0, p4};
      3'd3:    msi_pending_o = {24'b0, p8};
      3'd4:    msi_pending_o = {16'b0, p16};
      default: msi_pending_o = p32;
    endcase
  end

  assign slot_free = !msg_valid_q || msg_ready_i;
  // Per-vector deadlines matter only for requests: the loop runs in cycles that have one.
  logic [NV-1:0] ended;  // the request's moderation interval has ended
  always_comb begin
    ended = '0;
    if (req_q != '0) begin
      for (int v = 0; v < NV; v++) begin
        if (req_q[v]) ended[v] = timer_i >= deadline_q[v];
      end
    end
  end
  // wake_o depends on state only (not on timer_i): a request whose interval has ended has
  // wake_o at or before the timer, which tells a simulator to step now.
  always_comb begin
    wake_o = '1;
    if (req_q != '0) begin
      for (int v = 0; v < NV; v++) begin
        if (req_q[v] && !masked[v] && deadline_q[v] < wake_o) wake_o = deadline_q[v];
      end
    end
  end
  assign eligible = req_q & ~masked & ended;

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

  logic tbl_we [2], mod_we [2];
  always_comb begin
    mask_d  = mask_q;
    pba_set = '0;
    for (int l = 0; l < 2; l++) begin
      logic [31:0] wd;
      wd = wr_data_i[32*l +: 32];
      tbl_we[l] = 1'b0;
      mod_we[l] = 1'b0;
      if (wr_i && wr_lanes_i[l]) begin
        if (kind[l] == K_TABLE) begin
          if (32'(tbl_word[l]) * 4 == MSIX_VECTOR_CTRL_OFFSET)
            mask_d[widx[l]] = wd[MSIX_VECTOR_CTRL_MASK_LSB];
          else tbl_we[l] = 1'b1;
        end else if (kind[l] == K_MOD) begin
          mod_we[l] = 1'b1;
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

  // ---- state -----------------------------------------------------------------------
  // Written one entry at a time, never copied whole: the table, the intervals and the
  // deadlines are RAMs (the intervals reset to 0, the deadlines to "ended").
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ivl_q      <= '{default: '0};
      deadline_q <= '{default: '0};
    end else begin
      for (int l = 0; l < 2; l++) begin
        if (mod_we[l]) ivl_q[widx[l]] <= wr_data_i[32*l+VEC_MOD_INTERVAL_LSB +: MODW];
      end
      if (slot_free && gvalid) deadline_q[gidx] <= timer_i + 64'(ivl_q[gidx]);
    end
  end

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
    end else begin
      mask_q   <= mask_d;
      req_q    <= req_d;
      pba_q    <= pba_d;
      cfg_en_q <= cfg_enable_i;
      cfg_fm_q <= cfg_func_mask_i;
      msi_en_q   <= cfg_msi_enable_i;
      msi_mme_q  <= (cfg_msi_mme_i > 3'd5) ? 3'd5 : cfg_msi_mme_i;  // at most 32 vectors
      msi_addr_q <= cfg_msi_addr_i[63:2];
      msi_data_q <= cfg_msi_data_i;
      msi_mask_q <= cfg_msi_mask_i;
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

  // An unmasked request changes nothing until its interval ends (wake_o); a masked one
  // moves to the PBA and an unmasked pending bit replays, so those are not idle.
  assign idle_o = !msg_valid_q && ((req_q & masked) == '0) && ((pba_q & ~masked) == '0);

  assign enabled_o    = cfg_en_q;
  assign drained_o    = !msg_valid_q && (req_q == '0);
  assign msg_valid_o  = msg_valid_q;
  assign msg_addr_o   = msg_addr_q;
  assign msg_data_o   = msg_data_q;
  assign msg_vector_o = 11'(msg_vec_q);
endmodule
