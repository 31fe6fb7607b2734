/* eBPF instructions written out as struct bpf_insn, under the names the
 * kernel's own macros have (include/linux/filter.h, which is not part of the
 * UAPI headers): each expands to one instruction. See the kernel's
 * Documentation/bpf/standardization/instruction-set.rst for their meaning. */
#pragma once

#include <linux/bpf.h>

/* DST = IMM (64-bit move). */
#define BPF_MOV64_IMM(DST, IMM)                                                                    \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = (DST), .imm = (IMM) })
/* DST = SRC (32-bit move: the upper half becomes zero). */
#define BPF_MOV32_REG(DST, SRC)                                                                    \
	((struct bpf_insn){ .code = BPF_ALU | BPF_MOV | BPF_X, .dst_reg = (DST), .src_reg = (SRC) })
/* DST OP= IMM, 32-bit: OP is BPF_AND, BPF_RSH, ... */
#define BPF_ALU32_IMM(OP, DST, IMM)                                                                \
	((struct bpf_insn){ .code = BPF_ALU | (OP) | BPF_K, .dst_reg = (DST), .imm = (IMM) })
/* DST = *(SIZE *)(SRC + OFF): SIZE is BPF_W (32 bits), BPF_H, BPF_B, BPF_DW. */
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF)                                                           \
	((struct bpf_insn){ .code = BPF_LDX | (SIZE) | BPF_MEM,                                    \
			    .dst_reg = (DST),                                                      \
			    .src_reg = (SRC),                                                      \
			    .off = (OFF) })
/* if (DST OP IMM) skip the next OFF instructions: OP is BPF_JNE, BPF_JEQ... */
#define BPF_JMP_IMM(OP, DST, IMM, OFF)                                                             \
	((struct bpf_insn){                                                                        \
		.code = BPF_JMP | (OP) | BPF_K, .dst_reg = (DST), .off = (OFF), .imm = (IMM) })
/* return r0 */
#define BPF_EXIT_INSN() ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })
