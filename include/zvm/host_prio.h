/*
 * What the host keeps for itself on its console pCPU: the shell, `zvm
 * look` and the restart worker run there (thread priorities: 0 highest),
 * and a vCPU above them would starve the one way to stop it. So on
 * HOST_CPU the priorities 0..HOST_PRIO_RESERVED belong to the host; a
 * template asking for one there is refused by the pack checker
 * (lib/pack_template.c, hence mkpack too) and by vm_create(). Other pCPUs
 * run no host thread: any priority goes there (the real-time VM at 2).
 */
#ifndef ZVM_HOST_PRIO_H
#define ZVM_HOST_PRIO_H

#include <zvm/types.h>

#define HOST_CPU 0			/* the console's pCPU */
#define HOST_PRIO_SHELL 10		/* the shell and `zvm look` */
#define HOST_PRIO_RESTART 12		/* vm-restart: below the shell, it waits on vCPUs */
#define HOST_PRIO_RESERVED HOST_PRIO_RESTART	/* the host's lowest on HOST_CPU */

_Static_assert(HOST_PRIO_SHELL <= HOST_PRIO_RESERVED, "the shell's priority is reserved");

/* Would a vCPU at prio on pcpu preempt the shell or its helpers? */
static inline bool host_prio_reserved(unsigned int pcpu, unsigned int prio)
{
	return pcpu == HOST_CPU && prio <= HOST_PRIO_RESERVED;
}

/* The rule, for error messages: printf with HOST_PRIO_RULE_ARGS(max),
 * max being the lowest priority a VM may have (PACK_PRIO_MAX). */
#define HOST_PRIO_RULE "priorities 0..%u on pCPU %u are the host's (use %u..%u or another pCPU)"
#define HOST_PRIO_RULE_ARGS(max) HOST_PRIO_RESERVED, HOST_CPU, HOST_PRIO_RESERVED + 1, (max)

#endif
