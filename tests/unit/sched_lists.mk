UNIT_TESTS += sched_lists
sched_lists_SRCS := kernel/runq.c kernel/timeout_list.c
