/* ---------------------------------------------------------------- paging helpers */

/*
 * pte_lookup(virt %rdi) -> %rax = linear address of the PTE for virt, creating missing
 * paging-structure pages (P|RW|US) from the pool. Clobbers rcx, rdx, r8, r9.
 */
        .globl pte_lookup
pte_lookup:
        mov $pml4, %r8d
        mov $39, %ecx
1:      mov %rdi, %rax
        shr %cl, %rax
        and $511, %eax
        lea (%r8,%rax,8), %r9           // entry address
        mov (%r9), %rax
        test $PTE_P, %al
        jnz 2f
        mov pt_pool_next, %rax          // fresh zeroed table from .bss
        addq $4096, pt_pool_next
        mov %rax, %rdx
        or $PTE_USER, %rdx
        mov %rdx, (%r9)
        jmp 3f
2:      movabs $0x000ffffffffff000, %rdx
        and %rdx, %rax
3:      mov %rax, %r8                   // next table (identity-mapped: phys == linear)
        sub $9, %ecx
        cmp $12, %ecx
        ja 1b
        mov %rdi, %rax
        shr $12, %rax
        and $511, %eax
        lea (%r8,%rax,8), %rax
        ret

/* map_page(virt %rdi, phys %rsi, flags %rdx): PTE = phys | flags, then INVLPG virt. */
        .globl map_page
map_page:
        push %rdx
        call pte_lookup
        pop %rdx
        or %rsi, %rdx
        mov %rdx, (%rax)
        invlpg (%rdi)
        ret

/* map_page_noflush(virt, phys, flags): the same without INVLPG (a stale TLB entry may survive). */
        .globl map_page_noflush
map_page_noflush:
        push %rdx
        call pte_lookup
        pop %rdx
        or %rsi, %rdx
        mov %rdx, (%rax)
        ret

/* unmap_page(virt %rdi): PTE = 0, then INVLPG virt. */
        .globl unmap_page
unmap_page:
        call pte_lookup
        movq $0, (%rax)
        invlpg (%rdi)
        ret

/* map_user(start %rdi, end %rsi): identity-map [start, end) as user RW pages (page-granular). */
        .globl map_user
map_user:
        push %rbx
        push %r12
        mov %rdi, %rbx
        and $-4096, %rbx
        mov %rsi, %r12
1:      cmp %r12, %rbx
        jae 2f
        mov %rbx, %rdi
        mov %rbx, %rsi
        mov $PTE_USER, %edx
        call map_page
        add $4096, %rbx
        jmp 1b
2:      pop %r12
        pop %rbx
        ret

/* demand_register(start %rdi, end %rsi, flags %rdx): not-present faults in [start, end) get a
 * fresh zeroed page mapped with `flags`, and the faulting instruction restarts. */
        .globl demand_register
demand_register:
        mov %rdi, demand_start
        mov %rsi, demand_end
        mov %rdx, demand_flags
        ret

/* rt_demand_fault(addr %rdi, error %rsi) -> %rax = 1 if handled */
rt_demand_fault:
        xor %eax, %eax
        test $PF_P, %sil                // only not-present faults
        jnz 1f
        cmp demand_start, %rdi
        jb 1f
        cmp demand_end, %rdi
        jae 1f
        and $-4096, %rdi
        mov demand_phys_next, %rsi
        addq $4096, demand_phys_next
        mov demand_flags, %rdx
        call map_page
        incq demand_count
        mov $1, %eax
1:      ret
