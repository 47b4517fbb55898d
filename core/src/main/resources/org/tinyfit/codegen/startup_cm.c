/* Cortex-M startup for QEMU's MPS2 boards: vector table, .data copied from flash, .bss zeroed,
 * main(), then a semihosting exit with main's status. */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

int tf_semihost(int op, const void *arg) {
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void tf_exit(int status) {
    /* SYS_EXIT: ADP_Stopped_ApplicationExit ends QEMU with 0, ADP_Stopped_RunTimeErrorUnknown with 1 */
    tf_semihost(0x18, (const void *)(uintptr_t)(status == 0 ? 0x20026 : 0x20023));
    for (;;) {}
}

void Reset_Handler(void) {
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;) *dst++ = 0;
    tf_exit(main());
}

void Fault_Handler(void) { tf_exit(1); }

__attribute__((weak)) void SysTick_Handler(void) {}

__attribute__((section(".isr_vector"), used))
const uintptr_t tf_vectors[16] = {
    (uintptr_t)&_estack, (uintptr_t)Reset_Handler,
    (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler,
    0, 0, 0, 0,
    (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler, 0, (uintptr_t)Fault_Handler, (uintptr_t)SysTick_Handler,
};
