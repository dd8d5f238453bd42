/* VM states and the legal transitions between them (virt/vm_state.c). */
#ifndef VIRT_VM_STATE_H
#define VIRT_VM_STATE_H

#include <zvm/types.h>

enum vm_state {
	VM_CREATED,
	VM_RUNNING,
	VM_PAUSED,
	VM_HALTED,
	VM_CRASHED,
	VM_DELETED,
};

const char *vm_state_name(enum vm_state s);
/* created -> running <-> paused -> halted/crashed -> deleted; created and
 * every live state may also go straight to deleted; a halted or crashed VM
 * may be restarted (-> running) from its images. */
bool vm_transition_ok(enum vm_state from, enum vm_state to);

#endif
