/* `zvm ...`: create, run, pause, inspect, attach to and delete VMs. */
#include <kernel/sched.h>
#include <lib/errmsg.h>
#include <lib/pack.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <shell/args.h>
#include <shell/shell.h>
#include <virt/images.h>
#include <virt/ivshmem.h>
#include <virt/passthrough.h>
#include <virt/vm.h>
#include <virt/vpl011.h>
#include <zvm/errno.h>

#include "cmd_zvm.h"

int zvm_parse_id(struct shell *sh, int argc, char **argv, const char *flags, u32 *set,
		 struct vm **out)
{
	char optstring[16] = "n:";
	struct args_opt st;
	u64 id = ~0ULL;
	int c;

	strlcpy(optstring + 2, flags, sizeof(optstring) - 2);
	if (set)
		*set = 0;
	args_opt_init(&st);
	while ((c = args_getopt(&st, argc, argv, optstring)) != ARGS_OPT_END) {
		if (c < 0)
			return shell_opt_error(sh, &st, c);
		if (c != 'n') {
			*set |= BIT(strchr(flags, c) - flags);
		} else if (str_to_u64(st.arg, &id)) {
			shell_printf(sh, "zvm %s: bad VM id '%s'\n", argv[0], st.arg);
			return -EINVAL;
		}
	}
	if (id == ~0ULL || st.index != argc) {
		shell_printf(sh, "zvm %s: need -n <id>\n", argv[0]);
		return -EINVAL;
	}
	*out = vm_find((unsigned int)MIN(id, (u64)VM_MAX));
	if (!*out) {
		shell_printf(sh, "zvm %s: no VM with id %llu\n", argv[0], (unsigned long long)id);
		return 1;
	}
	return 0;
}

static int parse_id(struct shell *sh, int argc, char **argv, struct vm **out)
{
	return zvm_parse_id(sh, argc, argv, "", NULL, out);
}

static int report(struct shell *sh, const char *what, struct vm *vm, int r)
{
	if (r == -EPERM)
		shell_printf(sh, "zvm %s: vm %u is %s; cannot %s it\n", what, vm->id,
			     vm_state_name(vm->state), what);
	return r == -EPERM ? 1 : r;
}

struct new_opts {
	const char *tmpl;
	u64 mem;
	u64 vcpus;
};

/* arg as the value of -m (a size) or -c (a vCPU count) into *out, or an
 * error with why. 0 is refused: in struct vm_config it means "the
 * template's". vm_create() bounds the size by the host's RAM. */
static int new_value(int c, const char *arg, u64 *out, char *why, size_t n)
{
	int r = c == 'm' ? str_to_size(arg, out) : str_to_u64(arg, out);

	if (r == -ERANGE)
		return errmsg_set(why, n, r, "does not fit in 64 bits");
	if (r)
		return errmsg_set(why, n, r, "%s", c == 'm' ? "not a size such as 256M" : "not a number");
	if (!*out)
		return errmsg_set(why, n, -EINVAL, "must not be 0");
	if (c == 'c' && *out > VM_MAX_VCPUS)
		return errmsg_set(why, n, -EINVAL, "a VM has 1 to %u vCPUs", VM_MAX_VCPUS);
	return 0;
}

static int parse_new(struct shell *sh, int argc, char **argv, struct new_opts *o)
{
	struct args_opt st;
	char why[48];
	int c;

	args_opt_init(&st);
	while ((c = args_getopt(&st, argc, argv, "t:m:c:")) != ARGS_OPT_END) {
		if (c < 0)
			return shell_opt_error(sh, &st, c);
		if (c == 't') {
			o->tmpl = st.arg;
			continue;
		}
		if (new_value(c, st.arg, c == 'm' ? &o->mem : &o->vcpus, why, sizeof(why))) {
			/* The message says what is wrong: no usage line after it. */
			shell_printf(sh, "zvm new: bad value '%s' for -%c: %s\n", st.arg, c, why);
			return 1;
		}
	}
	if (!o->tmpl || st.index != argc) {
		shell_printf(sh, "zvm new: need -t <template>\n");
		return -EINVAL;
	}
	return 0;
}

static int zvm_new(struct shell *sh, int argc, char **argv)
{
	struct new_opts o = { 0 };
	const struct pack *pk = images_pack();
	struct pack_template t;
	struct vm_config cfg;
	struct vm *vm;
	char err[VM_ERR_LEN] = "";
	int r = parse_new(sh, argc, argv, &o);

	if (r)
		return r;
	if (!pk) {
		shell_printf(sh, "zvm new: %s\n", images_error());
		return 1;
	}
	if (pack_find_template(pk, o.tmpl, &t)) {
		shell_printf(sh, "zvm new: no template '%s' (see 'zvm templates')\n", o.tmpl);
		return 1;
	}
	cfg = (struct vm_config){ pk, &t, o.mem, (unsigned int)o.vcpus };
	r = vm_create(&cfg, &vm, err, sizeof(err));
	if (r) {
		shell_printf(sh, "zvm new: %s\n", err[0] ? err : zvm_strerror(r));
		return 1;
	}
	shell_printf(sh, "vm %u created (%s, %llu MiB, %u vCPU%s)\n", vm->id, vm->name,
		     (unsigned long long)(vm->mem_size >> 20), vm->nr_vcpus,
		     vm->nr_vcpus > 1 ? "s" : "");
	return 0;
}

static int zvm_run(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	int r = parse_id(sh, argc, argv, &vm);

	if (r)
		return r;
	r = vm->state == VM_PAUSED ? vm_resume(vm) : vm_start(vm);
	if (!r)
		shell_printf(sh, "vm %u running\n", vm->id);
	return report(sh, "run", vm, r);
}

static int zvm_pause(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	int r = parse_id(sh, argc, argv, &vm);

	if (r)
		return r;
	r = vm_pause(vm);
	if (!r)
		shell_printf(sh, "vm %u paused\n", vm->id);
	return report(sh, "pause", vm, r);
}

static int zvm_delete(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	unsigned int id;
	int r = parse_id(sh, argc, argv, &vm);

	if (r)
		return r;
	id = vm->id;
	r = vm_delete(vm);
	if (!r)
		shell_printf(sh, "vm %u deleted\n", id);
	return report(sh, "delete", vm, r);
}

static const char *const exit_names[EXIT_NR] = {
	"irq", "vtimer", "wfi", "wfe", "hvc", "smc", "sysreg", "mmio", "dabt-bad", "iabt", "fp", "undef",
	"other",
};

static void info_vcpus(struct shell *sh, struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		shell_printf(sh, "  vcpu%u: pcpu %u, prio %u, %s, pc %#llx, %llu entries, exits:", i,
			     v->pcpu, v->prio, v->powered_on ? "on" : "off",
			     (unsigned long long)v->arch.ctx.pc, (unsigned long long)v->entries);
		for (unsigned int e = 0; e < EXIT_NR; e++)
			if (v->exits[e])
				shell_printf(sh, " %s=%llu", exit_names[e],
					     (unsigned long long)v->exits[e]);
		shell_printf(sh, "\n    %llu ns in the hypervisor per exit on average\n",
			     (unsigned long long)(v->entries ?
				k_ticks_to_ns(v->host_ticks) / v->entries : 0));
		zvm_latency_summary(sh, v);
	}
}

/* How long `zvm new` took, and `zvm run` -> the guest's first instruction. */
static void info_start(struct shell *sh, struct vm *vm)
{
	u64 first = READ_ONCE(vm->first_entry_at);

	shell_printf(sh, "  start: built in %llu us, run -> first guest instruction ",
		     (unsigned long long)k_ticks_to_us(vm->build_ticks));
	if (first)
		shell_printf(sh, "%llu ns\n",
			     (unsigned long long)k_ticks_to_ns(first - vm->started_at));
	else
		shell_printf(sh, "-\n");
	/* Guests stamp with CNTVCT; this turns a stamp into host time
	 * (CNTPCT), e.g. to compare two VMs' (`ivshmem lat -O`). */
	shell_printf(sh, "  counter: CNTVOFF %llu (guest CNTVCT = CNTPCT - CNTVOFF)\n",
		     (unsigned long long)READ_ONCE(vm->cntvoff));
}

/* The template's passthrough devices (in the VM's DTB when the host's
 * tree has a node for them: docs/virtualization.md, "Passthrough"). */
static void info_devices(struct shell *sh, const struct vm *vm)
{
	if (vm->identity)
		shell_printf(sh, "  RAM at 0x%llx, identity-mapped (IPA = host PA%s)\n",
			     (unsigned long long)vm->ram_ipa,
			     vm->tmpl->identity_any ? ", placed by the hypervisor" : "");
	if (passthrough_dma_trusted(vm))
		shell_printf(sh, "  TRUSTED: owns DMA masters and there is no SMMU; it can read and write all host memory\n");
	for (u32 i = 0; i < vm->tmpl->ndevs; i++) {
		const struct pack_dev *d = &vm->tmpl->devs[i];

		shell_printf(sh, "  device 0x%llx+0x%llx", (unsigned long long)d->base,
			     (unsigned long long)d->size);
		if (d->irq)
			shell_printf(sh, ", SPI %u", d->irq);
		shell_printf(sh, " (passthrough%s)\n", d->flags & PACK_DEV_F_DMA ? ", DMA" : "");
	}
}

/* Its shared regions: "shm NAME SIZE peer P, peers 0:vm1 1:-, doorbells
 * rung R received N" (docs/virtualization.md, "Inter-VM shared memory"). */
static void info_shm(struct shell *sh, struct vm *vm)
{
	struct ivshmem_info in;

	for (unsigned int i = 0; !ivshmem_get_info(vm, i, &in); i++) {
		shell_printf(sh, "  shm %s %llu KiB, peer %u, peers", in.name,
			     (unsigned long long)(in.size >> 10), in.peer);
		for (u32 p = 0; p < in.nmembers; p++) {
			if (in.member_vm[p] < 0)
				shell_printf(sh, " %u:-", p);
			else
				shell_printf(sh, " %u:vm%d", p, in.member_vm[p]);
		}
		shell_printf(sh, ", doorbells rung %llu received %llu\n",
			     (unsigned long long)in.rung, (unsigned long long)in.received);
	}
}

static const char info_header[] =
	"ID  NAME             STATE    VCPUS  MEM(MiB) UPTIME(ms) RESTARTS\n";

static void info_line(struct vm *vm, void *ctx)
{
	struct shell *sh = ctx;
	u64 up = vm->state == VM_RUNNING ? k_ticks_to_us(k_now() - vm->started_at) / 1000 : 0;

	shell_printf(sh, "%-3u %-16s %-8s %5u %8llu %10llu %8u\n", vm->id, vm->name,
		     vm_state_name(vm->state), vm->nr_vcpus,
		     (unsigned long long)(vm->mem_size >> 20), (unsigned long long)up,
		     READ_ONCE(vm->restarts));
}

static int zvm_info(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	int r;

	if (argc == 1) {
		shell_printf(sh, "%s", info_header);
		vm_for_each(info_line, sh);
		return 0;
	}
	r = parse_id(sh, argc, argv, &vm);
	if (r)
		return r;
	shell_printf(sh, "%s", info_header);
	info_line(vm, sh);
	info_start(sh, vm);
	info_devices(sh, vm);
	info_shm(sh, vm);
	info_vcpus(sh, vm);
	return 0;
}

/* Where the template's RAM goes: anywhere (stage 2 maps it at the guest's
 * IPA), at a fixed host address, or identity-mapped where the hypervisor
 * finds room at create. */
static void template_ram(struct shell *sh, const struct pack_template *t)
{
	if (t->ram_base)
		shell_printf(sh, "identity at 0x%llx\n", (unsigned long long)t->ram_base);
	else if (t->identity_any)
		shell_printf(sh, "identity, placed at create\n");
	else
		shell_printf(sh, "anywhere\n");
}

static int zvm_templates(struct shell *sh, int argc, char **argv)
{
	const struct pack *pk = images_pack();
	struct pack_template t;

	if (argc > 1)
		return -EINVAL;
	if (!pk) {
		shell_printf(sh, "zvm templates: %s\n", images_error());
		return 1;
	}
	shell_printf(sh, "NAME             OS         MEM(MiB) VCPUS PRIO AUTOSTART RAM\n");
	for (u32 i = 0; !pack_get_template(pk, i, &t); i++) {
		shell_printf(sh, "%-16s %-10s %8llu %5u %4u %-9s ", t.name, pack_os_name(t.os),
			     (unsigned long long)(t.mem_size >> 20), t.vcpus, t.priority,
			     t.autostart ? "yes" : "no");
		template_ram(sh, &t);
	}
	return 0;
}

static const struct shell_subcmd zvm_subs[] = {
	{ "new", "zvm new -t <template> [-m MEM] [-c VCPUS]", "create a VM from a template", zvm_new },
	{ "run", "zvm run -n ID", "start (or resume) a VM", zvm_run },
	{ "pause", "zvm pause -n ID", "pause a running VM", zvm_pause },
	{ "delete", "zvm delete -n ID", "stop a VM and free its memory", zvm_delete },
	{ "info", "zvm info [-n ID]", "list VMs, or one VM's vCPUs and exits", zvm_info },
	{ "look", "zvm look -n ID", "attach to a VM's console (Ctrl-] detaches)", zvm_look },
	{ "latency", "zvm latency -n ID [-c]", "timer interrupt delivery latency per vCPU (-c: clear)",
	  zvm_latency },
	{ "templates", "zvm templates", "list the templates in the image pack", zvm_templates },
};
SHELL_CMD_GROUP(zvm, "zvm <new|run|pause|delete|info|look|latency|templates> ...", "manage virtual machines",
		zvm_subs);
