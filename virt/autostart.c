/*
 * Boot-time start of the templates marked `autostart = yes` in the image
 * pack (docs/image-pack.md), in pack order, before the shell comes up. A
 * template that cannot start is reported and skipped; the host goes on.
 */
#include <kernel/init.h>
#include <kernel/printk.h>
#include <lib/pack.h>
#include <virt/images.h>
#include <virt/vm.h>

static void autostart_one(const struct pack *pk, const struct pack_template *t)
{
	struct vm_config cfg = { pk, t, 0, 0 };
	char err[VM_ERR_LEN] = "";
	struct vm *vm;
	int r = vm_create(&cfg, &vm, err, sizeof(err));

	if (!r)
		r = vm_start(vm);
	if (r)
		pr_err("autostart: template '%s' not started: %s", t->name, err[0] ? err : "error");
	else
		pr_info("autostart: vm %u (%s) running", vm->id, t->name);
}

static int autostart(void)
{
	const struct pack *pk = images_pack();
	struct pack_template t;

	for (u32 i = 0; pk && !pack_get_template(pk, i, &t); i++)
		if (t.autostart)
			autostart_one(pk, &t);
	return 0;
}
/* After the images (level 5), before the shell (level 9). */
INITCALL_LEVEL(autostart, 8);
