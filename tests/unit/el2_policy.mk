# EL2 register and PMU filter decisions from ID register values (arch/arm64/el2/el2_policy.c).
UNIT_TESTS += el2_policy
el2_policy_SRCS := arch/arm64/el2/el2_policy.c
