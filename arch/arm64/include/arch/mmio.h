/*
 * MMIO accessors. Each is one LDR/STR with a plain base register: no
 * writeback, no pair, no offset arithmetic folded into the access. When the
 * kernel runs as a guest, an access to an emulated device traps to the
 * hypervisor as a stage-2 data abort, and only such single loads/stores
 * report a valid instruction syndrome (ESR_ELx.ISV = 1: register, size,
 * direction; ARM ARM D13.2.39, ISS encoding for a Data Abort). A compiler
 * left alone may emit post-indexed or paired accesses (ISV = 0), which a
 * hypervisor cannot emulate.
 */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H

#include <zvm/types.h>

static inline u32 mmio_read32(const volatile void *addr)
{
	u32 v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(volatile void *addr, u32 v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline u64 mmio_read64(const volatile void *addr)
{
	u64 v;

	__asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write64(volatile void *addr, u64 v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

#endif
