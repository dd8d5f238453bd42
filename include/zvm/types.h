/* Basic fixed-width types shared by the kernel, the hypervisor and host tools. */
#ifndef ZVM_TYPES_H
#define ZVM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 paddr_t;	/* physical (or intermediate physical) address */
typedef u64 vaddr_t;	/* virtual address in the current translation regime */

#endif
