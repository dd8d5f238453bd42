/* Unit tests of the emulated PL011 (virt/vdev/vpl011.c) as a guest driver
 * sees it through the MMIO bus: the RX FIFO and its backlog, the RX/RT/TX
 * interrupt sources and the level told to the vGIC, acknowledging before
 * draining, access widths, TX into the console history, the `zvm look`
 * sink and a restart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <kernel/mm.h>
#include <virt/mmio.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vpl011.h>

#define BASE 0x09000000UL
#define INTID 33
#define DR 0x000
#define FR 0x018
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define ICR 0x044
#define CR 0x030
#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)

/* ---- stubs of what the device calls outside its file ---- */
static int line_level = -1;	/* last level told to the vGIC */
static int line_changes;

int virq_set_level(struct vm *vm, u32 intid, bool level)
{
	assert_int_equal(intid, INTID);
	line_level = level;
	line_changes++;
	return 0;
}


/* ---- the VM and guest accesses ---- */
static struct vm *new_vm(void)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	mmio_bus_init(&vm->mmio);
	ringbuf_init(&vm->console, vm->console_mem, sizeof(vm->console_mem));
	assert_int_equal(vpl011_create(vm, BASE, INTID), 0);
	line_level = -1;
	line_changes = 0;
	return vm;
}

static void free_vm(struct vm *vm)
{
	vpl011_destroy(vm);
	free(vm);
}

static u32 rd(struct vm *vm, u32 off)
{
	u64 v = 0xdeadbeef;

	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + off, 4, false, &v), MMIO_OK);
	return (u32)v;
}

static void wr(struct vm *vm, u32 off, u32 val)
{
	u64 v = val;

	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + off, 4, true, &v), MMIO_OK);
}

static void push(struct vm *vm, const char *s)
{
	while (*s)
		assert_true(vpl011_rx_push(vm, *s++));
}

/* What a driver reads until RXFE. */
static size_t drain(struct vm *vm, char *buf, size_t max)
{
	size_t n = 0;

	while (!(rd(vm, FR) & FR_RXFE) && n < max)
		buf[n++] = (char)rd(vm, DR);
	return n;
}

/* ---- tests ---- */
static void test_rx_raises_and_drain_lowers_line(void **state)
{
	struct vm *vm = new_vm();
	char buf[8];

	assert_true(rd(vm, FR) & FR_RXFE);
	wr(vm, IMSC, INT_RX | INT_RT);
	assert_int_equal(line_level, -1);	/* nothing pending: no change told */
	push(vm, "ab");
	assert_int_equal(line_level, 1);
	assert_int_equal(rd(vm, MIS), INT_RX | INT_RT);
	assert_int_equal(drain(vm, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(line_level, 0);
	assert_int_equal(rd(vm, RIS) & (INT_RX | INT_RT), 0);
	free_vm(vm);
}

static void test_masked_source_keeps_line_low(void **state)
{
	struct vm *vm = new_vm();

	push(vm, "x");
	assert_int_equal(rd(vm, RIS) & INT_RX, INT_RX);
	assert_int_equal(rd(vm, MIS), 0);
	assert_int_not_equal(line_level, 1);
	wr(vm, IMSC, INT_RX);		/* unmasking a pending source raises it */
	assert_int_equal(line_level, 1);
	free_vm(vm);
}

/* Acknowledging with data still in the FIFO lowers the line (a driver
 * may drain later with interrupts on; re-raising at once would storm it),
 * and the next byte raises it again, so input is never stranded while it
 * keeps arriving. */
static void test_ack_before_drain_lowers_line_next_byte_raises(void **state)
{
	struct vm *vm = new_vm();
	char buf[4];

	wr(vm, IMSC, INT_RX | INT_RT);
	push(vm, "a");
	assert_int_equal(line_level, 1);
	wr(vm, ICR, 0x7ff);
	assert_int_equal(rd(vm, MIS), 0);
	assert_int_equal(line_level, 0);
	assert_false(rd(vm, FR) & FR_RXFE);	/* the byte waits to be read */
	push(vm, "b");
	assert_int_equal(line_level, 1);
	assert_int_equal(drain(vm, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(line_level, 0);
	free_vm(vm);
}

/* A pasted line longer than the FIFO reaches the guest whole and in order
 * through the backlog, as the guest reads. */
static void test_backlog_refills_fifo_in_order(void **state)
{
	struct vm *vm = new_vm();
	char in[200], out[256];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)('!' + i % 90);
	for (size_t i = 0; i < sizeof(in); i++)
		assert_true(vpl011_rx_push(vm, in[i]));
	assert_true(rd(vm, FR) & FR_RXFF);
	assert_int_equal(drain(vm, out, sizeof(out)), sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
	free_vm(vm);
}

static void test_backlog_full_refuses_input(void **state)
{
	struct vm *vm = new_vm();
	size_t accepted = 0;

	while (vpl011_rx_push(vm, 'z') && accepted < 10000)
		accepted++;
	assert_true(accepted >= 1024 && accepted < 10000);
	free_vm(vm);
}

static void test_tx_goes_to_history_and_sets_txis(void **state)
{
	struct vm *vm = new_vm();
	char buf[8];

	wr(vm, DR, 'h');
	wr(vm, DR, 'i');
	assert_int_equal(ringbuf_peek(&vm->console, 0, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "hi", 2);
	assert_true(rd(vm, RIS) & INT_TX);
	wr(vm, IMSC, INT_TX);
	assert_int_equal(line_level, 1);
	wr(vm, ICR, INT_TX);
	assert_int_equal(line_level, 0);
	free_vm(vm);
}

static char sunk[64];
static size_t sunk_len;

static void sink(void *ctx, const char *s, size_t n)
{
	assert_ptr_equal(ctx, sunk);
	assert_true(sunk_len + n <= sizeof(sunk));
	memcpy(sunk + sunk_len, s, n);
	sunk_len += n;
}

static void test_sink_replays_history_then_live(void **state)
{
	struct vm *vm = new_vm();

	sunk_len = 0;
	wr(vm, DR, 'o');
	wr(vm, DR, 'l');
	vpl011_set_sink(vm, sink, sunk);
	wr(vm, DR, 'd');
	assert_int_equal(sunk_len, 3);
	assert_memory_equal(sunk, "old", 3);
	vpl011_set_sink(vm, NULL, NULL);
	wr(vm, DR, '!');
	assert_int_equal(sunk_len, 3);
	free_vm(vm);
}

static void test_restart_resets_registers_and_marks_history(void **state)
{
	struct vm *vm = new_vm();
	char buf[64];
	size_t n;

	wr(vm, IMSC, INT_RX);
	push(vm, "pending");
	assert_int_equal(line_level, 1);
	vpl011_restart(vm);
	assert_int_equal(rd(vm, IMSC), 0);
	assert_int_equal(rd(vm, CR), 0x300);
	assert_true(rd(vm, FR) & FR_RXFE);
	n = ringbuf_peek(&vm->console, 0, buf, sizeof(buf) - 1);
	buf[n] = 0;
	assert_non_null(strstr(buf, "[zvm: vm restarting]"));
	free_vm(vm);
}

static void test_bad_widths_and_offsets_refused(void **state)
{
	struct vm *vm = new_vm();
	u64 v = 0;

	/* IMSC takes 16/32-bit accesses only; nothing takes 64-bit. */
	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + IMSC, 1, false, &v),
			 MMIO_BAD_ACCESS);
	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + DR, 8, false, &v),
			 MMIO_BAD_ACCESS);
	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + FR + 2, 4, false, &v),
			 MMIO_BAD_ACCESS);
	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + 0x800, 4, false, &v),
			 MMIO_BAD_ACCESS);
	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + 0xffe, 4, false, &v),
			 MMIO_BAD_ACCESS);
	/* A byte read of DR is what Zephyr's driver does. */
	push(vm, "q");
	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, BASE + DR, 1, false, &v), MMIO_OK);
	assert_int_equal(v, 'q');
	free_vm(vm);
}

static void test_peripheral_id_is_pl011(void **state)
{
	struct vm *vm = new_vm();

	assert_int_equal(rd(vm, 0xfe0), 0x11);
	assert_int_equal(rd(vm, 0xfe4), 0x10);
	assert_int_equal(rd(vm, 0xff0), 0x0d);
	assert_int_equal(rd(vm, 0xffc), 0xb1);
	free_vm(vm);
}

static int atomic(struct vm *vm, u32 off, bool write, u64 *v)
{
	return mmio_bus_access_atomic(&vm->mmio, NULL, BASE + off, 4, write, v);
}

/*
 * The exception-vector path (mmio_ops.access_atomic): FR reads and DR
 * writes complete there; a DR write that would change the interrupt line
 * (the vGIC flush runs only on the full exit) or feed an attached `zvm look`
 * (its sink prints), and every other register, is declined untouched.
 */
static void test_atomic_path_takes_only_what_needs_no_exit(void **state)
{
	struct vm *vm = new_vm();
	char hist[8];
	u64 v = 'a';

	assert_int_equal(atomic(vm, DR, true, &v), MMIO_OK);
	assert_int_equal(ringbuf_count(&vm->console), 1);
	v = 0;
	assert_int_equal(atomic(vm, FR, false, &v), MMIO_OK);
	assert_true(v & FR_RXFE);
	assert_int_equal(atomic(vm, IMSC, true, &v), MMIO_DECLINED);
	assert_int_equal(atomic(vm, RIS, false, &v), MMIO_DECLINED);
	assert_int_equal(mmio_bus_access_atomic(&vm->mmio, NULL, BASE + DR, 8, true, &v),
			 MMIO_DECLINED);	/* a bad width: the full exit reports it */
	assert_int_equal(mmio_bus_access_atomic(&vm->mmio, NULL, BASE + 0x1000, 4, true, &v),
			 MMIO_DECLINED);	/* no device */
	/* TX unmasked, line low: the write would raise it. */
	wr(vm, ICR, INT_TX);
	wr(vm, IMSC, INT_TX);
	assert_int_not_equal(line_level, 1);	/* still low */
	v = 'b';
	assert_int_equal(atomic(vm, DR, true, &v), MMIO_DECLINED);
	assert_int_equal(ringbuf_count(&vm->console), 1);
	wr(vm, DR, 'b');		/* the full exit raises it */
	assert_int_equal(line_level, 1);
	v = 'c';			/* now high already: no change */
	assert_int_equal(atomic(vm, DR, true, &v), MMIO_OK);
	assert_int_equal(line_level, 1);
	vpl011_set_sink(vm, sink, sunk);
	assert_int_equal(atomic(vm, DR, true, &v), MMIO_DECLINED);
	vpl011_set_sink(vm, NULL, NULL);
	assert_int_equal(ringbuf_peek(&vm->console, 0, hist, sizeof(hist)), 3);
	assert_memory_equal(hist, "abc", 3);
	free_vm(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rx_raises_and_drain_lowers_line),
		cmocka_unit_test(test_masked_source_keeps_line_low),
		cmocka_unit_test(test_ack_before_drain_lowers_line_next_byte_raises),
		cmocka_unit_test(test_backlog_refills_fifo_in_order),
		cmocka_unit_test(test_backlog_full_refuses_input),
		cmocka_unit_test(test_tx_goes_to_history_and_sets_txis),
		cmocka_unit_test(test_sink_replays_history_then_live),
		cmocka_unit_test(test_restart_resets_registers_and_marks_history),
		cmocka_unit_test(test_bad_widths_and_offsets_refused),
		cmocka_unit_test(test_peripheral_id_is_pl011),
		cmocka_unit_test(test_atomic_path_takes_only_what_needs_no_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
