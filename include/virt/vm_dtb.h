/*
 * Guest device trees (virt/vm_dtb.c, virt/vm_dtb_patch.c).
 *
 * vm_dtb_build() describes a VM shaped like QEMU's "virt" machine with
 * GICv3, so that stock kernels configured for QEMU boot unchanged:
 *
 *   RAM          mem_base (0x4000_0000), mem_size
 *   GICv3        distributor 0x0800_0000 (64 KiB),
 *                redistributors 0x080A_0000, 128 KiB per vCPU
 *   PL011 UART   0x0900_0000 (4 KiB), SPI 1 (INTID 33), 24 MHz apb_pclk
 *   timer        PPIs 13 (secure), 14 (non-secure), 11 (virtual), 10 (hyp)
 *   PSCI 1.0     through HVC; vCPUs are started with CPU_ON
 *   PCIe         only with nr_pci: pci-host-ecam-generic, ECAM 0x3f00_0000
 *                (1 MiB, bus 0), MMIO 0x1000_0000..0x3eff_ffff, INTx to
 *                SPIs 3..6; BARs fixed (/chosen linux,pci-probe-only)
 *
 * vCPU n is cpu@<mpidr> with reg = vm_dtb_vcpu_mpidr(n): Aff0 = n % 16,
 * Aff1 = n / 16, QEMU's layout for GICv3 (16 CPUs per cluster, which
 * GICv3 SGIs address without range selectors); it is plain n below 16.
 * The VM core must program VMPIDR_EL2 with the same value.
 *
 * Both functions write a DTB into buf (8-byte aligned, size bytes) and
 * return its total size, or a negative error: -EINVAL (bad parameters),
 * -ENOSPC (buf too small), -EBADMSG (vm_dtb_patch: src is not a valid DTB),
 * -ERANGE (a value does not fit the source DTB's cell sizes).
 */
#ifndef VIRT_VM_DTB_H
#define VIRT_VM_DTB_H

#include <zvm/types.h>

struct pack_dev;

#define VM_DTB_RAM_BASE 0x40000000ULL
#define VM_DTB_GICD_BASE 0x08000000ULL
#define VM_DTB_GICD_SIZE 0x10000ULL
#define VM_DTB_GICR_BASE 0x080a0000ULL
#define VM_DTB_GICR_STRIDE 0x20000ULL	/* RD_base + SGI_base frames */
#define VM_DTB_UART_BASE 0x09000000ULL
#define VM_DTB_UART_SIZE 0x1000ULL
#define VM_DTB_UART_SPI 1		/* DT SPI number: INTID 33 */
#define VM_DTB_CLOCK_HZ 24000000U
/* Redistributors must end below the UART: 0xF60000 / 128 KiB = 123. */
#define VM_DTB_MAX_VCPUS 123

/*
 * Entropy for a guest kernel, in /chosen as a boot loader leaves it:
 * rng-seed (Linux credits it to its pool before anything runs, with
 * CONFIG_RANDOM_TRUST_BOOTLOADER) and kaslr-seed (randomizes where the
 * kernel runs). Fresh for every boot of every VM.
 */
#define VM_DTB_RNG_SEED_SIZE 32
struct vm_dtb_seed {
	u8 rng[VM_DTB_RNG_SEED_SIZE];
	u64 kaslr;
};

struct vm_dtb_params {
	u64 mem_base;		/* guest RAM IPA, normally VM_DTB_RAM_BASE */
	u64 mem_size;		/* > 0 */
	u32 nr_vcpus;		/* 1 .. VM_DTB_MAX_VCPUS */
	const char *bootargs;	/* NULL or "": no bootargs (patch: keep the DTB's) */
	u64 initrd_start;	/* IPA range of the initrd; none when */
	u64 initrd_end;		/*   initrd_end <= initrd_start */
	/* Passthrough devices (template `device` lines): vm_dtb_build()
	 * describes each with a copy of host_dtb's node for it (see
	 * virt/vm_dtb_devs.c); none when host_dtb is NULL. */
	const struct pack_dev *devs;
	u32 nr_devs;
	const void *host_dtb;	/* a valid DTB of host_dtb_size bytes */
	u32 host_dtb_size;
	/* /chosen rng-seed and kaslr-seed (replacing a patched DTB's own);
	 * none when NULL. */
	const struct vm_dtb_seed *seed;
	/* Devices on the virtual PCI host bridge (ivshmem, one per shared
	 * region): when non-zero, the host bridge node is added. */
	u32 nr_pci;
};

/* The host's device tree for vm_dtb_params.host_dtb, provided by what the
 * build links: the hypervisor's (platform.c), none in tools (NULL). */
const void *vm_dtb_host(u32 *size);

/* Fresh seeds for one guest DTB, from what the build links: the
 * hypervisor's random pool (false until the host itself got a seed), none
 * in tools (false: their DTBs must be reproducible). */
bool vm_dtb_seed(struct vm_dtb_seed *s);

/* Affinity value (MPIDR_EL1 Aff1:Aff0) and cpu@ reg of vCPU n. */
u64 vm_dtb_vcpu_mpidr(u32 n);

int vm_dtb_build(const struct vm_dtb_params *p, void *buf, size_t size);

/*
 * For templates that bring their own DTB: copy src (size src_size) with
 * every memory node (named memory/memory@... or device_type "memory")
 * replaced by one /memory@<base> for p's RAM, and /chosen rewritten:
 * bootargs replaced when p->bootargs is non-empty, linux,initrd-start/end
 * removed and set from p, rng-seed/kaslr-seed removed and set from
 * p->seed when there is one, everything else kept. nr_vcpus is not used: the
 * DTB's /cpus is the template author's business. Reservations are copied.
 */
int vm_dtb_patch(const struct vm_dtb_params *p, const void *src, size_t src_size, void *buf,
		 size_t size);

#endif
