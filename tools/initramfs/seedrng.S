// zvm-seedrng: credit the guest kernel's RNG with a fixed 256-bit seed.
//
// Writing to /dev/urandom mixes bytes in but credits no entropy; the
// RNDADDENTROPY ioctl does both (it needs CAP_SYS_ADMIN: /init is root).
// The seed is public: this is for test/benchmark guests, so that getrandom()
// never blocks, not for anything that needs secrecy.
// Built by tools/fetch-guests with aarch64-linux-gnu-as/ld (no libc).

	.equ	AT_FDCWD, -100
	.equ	O_WRONLY, 1
	.equ	RNDADDENTROPY, 0x40085203	// _IOW('R', 3, int[2])
	.equ	SYS_openat, 56
	.equ	SYS_close, 57
	.equ	SYS_ioctl, 29
	.equ	SYS_exit, 93

	.text
	.global	_start
_start:
	mov	x0, #AT_FDCWD
	adr	x1, path
	mov	x2, #O_WRONLY
	mov	x3, #0
	mov	x8, #SYS_openat
	svc	#0
	cmp	x0, #0
	b.lt	fail
	mov	x19, x0
	movz	x1, #(RNDADDENTROPY & 0xffff)
	movk	x1, #(RNDADDENTROPY >> 16), lsl #16
	adr	x2, pool
	mov	x8, #SYS_ioctl
	svc	#0
	mov	x20, x0
	mov	x0, x19
	mov	x8, #SYS_close
	svc	#0
	cmp	x20, #0
	b.ne	fail
	mov	x0, #0
	b	out
fail:
	mov	x0, #1
out:
	mov	x8, #SYS_exit
	svc	#0

path:	.asciz	"/dev/urandom"
	.balign	4
pool:	// struct rand_pool_info { int entropy_count; int buf_size; __u32 buf[]; }
	.word	256			// bits credited
	.word	32			// bytes in buf
	.ascii	"ZVM fixed test seed, not secret!"	// 32 bytes
