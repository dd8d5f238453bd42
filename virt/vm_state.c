/* The VM state machine: names and the legal transitions (pure: unit-tested). */
#include <virt/vm_state.h>
#include <zvm/compiler.h>

static const char *const state_names[] = {
	"created", "running", "paused", "halted", "crashed", "deleted",
};

const char *vm_state_name(enum vm_state s)
{
	return s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

bool vm_transition_ok(enum vm_state from, enum vm_state to)
{
	static const u8 allowed[] = {
		[VM_CREATED] = BIT(VM_RUNNING) | BIT(VM_DELETED),
		[VM_RUNNING] = BIT(VM_PAUSED) | BIT(VM_HALTED) | BIT(VM_CRASHED) | BIT(VM_DELETED),
		[VM_PAUSED] = BIT(VM_RUNNING) | BIT(VM_HALTED) | BIT(VM_CRASHED) | BIT(VM_DELETED),
		/* halted/crashed -> running: restarted from its images */
		[VM_HALTED] = BIT(VM_RUNNING) | BIT(VM_DELETED),
		[VM_CRASHED] = BIT(VM_RUNNING) | BIT(VM_DELETED),
		[VM_DELETED] = 0,
	};

	return from < ARRAY_SIZE(allowed) && (allowed[from] & BIT(to));
}
