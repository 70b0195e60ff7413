/* ---------------------------------------------------------------- exception table bounds */

        .pushsection .rt_extable, 0, "a"
        .balign 8
        .globl ex_table_start
ex_table_start:
        .popsection
        .pushsection .rt_extable, 2, "a"
        .globl ex_table_end
ex_table_end:
        .popsection
