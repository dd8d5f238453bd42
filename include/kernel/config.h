/* Kernel-wide tunables. CONFIG_MAX_CPUS and CONFIG_LOAD_ADDR come from the Makefile. */
#ifndef KERNEL_CONFIG_H
#define KERNEL_CONFIG_H

#ifndef CONFIG_MAX_CPUS
#define CONFIG_MAX_CPUS 8
#endif

#define CONFIG_NUM_PRIO 32		/* 0 = highest, CONFIG_NUM_PRIO-1 = idle */
#define PRIO_IDLE (CONFIG_NUM_PRIO - 1)
#define PRIO_LOWEST_USER (CONFIG_NUM_PRIO - 2)
#define CONFIG_TIMESLICE_US 10000	/* round-robin slice among equal priorities */
#define CONFIG_THREAD_STACK_SIZE (16 * 1024)
#define CONFIG_HEAP_SIZE (8UL << 20)
#define CONFIG_LOG_BUF_SIZE (64 * 1024)
#define CONFIG_MAX_IRQS 1024

#endif
