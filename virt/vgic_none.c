/* Interim: no vGIC linked yet, so a guest cannot send SGIs (UNDEF). */
#include <virt/vgic_hooks.h>

bool vgic_hook_sgi(struct vcpu *v, u64 sgi1r)
{
	return false;
}
