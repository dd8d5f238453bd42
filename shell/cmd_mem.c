/* `mem`: physical pages (per order) and kernel heap usage. */
#include <kernel/heap.h>
#include <kernel/kstack.h>
#include <kernel/mm.h>
#include <shell/shell.h>
#include <zvm/errno.h>

static int cmd_mem(struct shell *sh, int argc, char **argv)
{
	struct pa_stats st;
	struct heap_stats hs;

	if (argc > 1) {
		shell_printf(sh, "mem: takes no arguments\n");
		return -EINVAL;
	}
	pages_stats(&st);
	kheap_stats(&hs);
	shell_printf(sh, "pages: %llu total, %llu free, %llu used (4 KiB each)\n",
		     (unsigned long long)st.total_pages, (unsigned long long)st.free_pages,
		     (unsigned long long)(st.total_pages - st.free_pages));
	shell_printf(sh, "free blocks by order:");
	for (unsigned int o = 0; o < PA_NR_ORDERS; o++)
		if (st.free_blocks[o])
			shell_printf(sh, " %u:%llu", o, (unsigned long long)st.free_blocks[o]);
	shell_printf(sh, "\nheap: %zu used, %zu free, largest free %zu, %zu allocations\n",
		     hs.used_bytes, hs.free_bytes, hs.largest_free, hs.nallocs);
	shell_printf(sh, "thread stacks: %u mapped\n", kstack_in_use());
	return 0;
}
SHELL_CMD(mem, "mem", "page allocator and heap usage", cmd_mem);
