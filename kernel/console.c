/* Console input: the UART interrupt fills a ring, readers block on a semaphore. */
#include <kernel/console.h>
#include <kernel/sync.h>
#include <lib/ringbuf.h>

static u8 rx_mem[1024];
static struct ringbuf rx_ring;
static struct semaphore rx_sem;
static u64 rx_dropped;
static bool rx_ready;

void console_init_input(void)
{
	ringbuf_init(&rx_ring, rx_mem, sizeof(rx_mem));
	sem_init(&rx_sem, 0, 0);
	rx_ready = true;
}

void console_rx_push(char c)
{
	if (!rx_ready)
		return;
	if (!ringbuf_put(&rx_ring, (u8)c)) {
		rx_dropped++;	/* reader too slow: the newest byte is lost */
		return;
	}
	sem_give(&rx_sem);
}

int console_trygetc(void)
{
	u8 c;

	return ringbuf_get(&rx_ring, &c) ? c : -1;
}

int console_getc(void)
{
	int c;

	while ((c = console_trygetc()) < 0)
		sem_take(&rx_sem, K_FOREVER);
	return c;
}

u64 console_rx_dropped(void)
{
	return rx_dropped;
}
