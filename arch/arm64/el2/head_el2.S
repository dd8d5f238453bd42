/*
 * boot_el_setup for the EL2 (hypervisor) build: nothing to do. head.S then
 * checks CurrentEL and refuses anything but EL2 (boot_el2.c explains why).
 */
	.text
	.global boot_el_setup
boot_el_setup:
	ret
