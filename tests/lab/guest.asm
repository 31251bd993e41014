; guest.asm: the lab guest, a 512-byte boot sector and nothing else.
;
;   nasm -f bin -o guest.bin guest.asm
;
; guest.sh carries these bytes assembled, so building a guest disk needs no
; assembler; after a change here, reassemble and paste the new hex there
; (guest.sh --check compares the two when nasm is installed).
;
; What it does, all on COM1 (I/O port 0x3f8):
;   - prints "virtdeck lab guest" once at boot;
;   - prints "tick N" (N = 1, 2, 3 ... in decimal) about once a second;
;   - echoes every byte it receives with the case of letters swapped
;     ("Hello" comes back as "hELLO"; Return as CR LF), so a console test can
;     tell the guest's answer from a terminal's local echo;
;   - at boot fills FILL_MIB MiB above 1 MiB with non-zero bytes: QEMU
;     sends zero pages almost for free, so without this a migration would
;     be over in a blink even with a bandwidth cap; with it, a capped
;     migration lasts long enough to watch and to cancel;
;   - on each tick rewrites 64 KiB of conventional memory, a different slice
;     of 0x10000-0x8ffff each time, so a live migration always has dirty
;     pages to send.
; It sleeps in HLT between timer interrupts, so an idle lab guest costs
; almost no host CPU.  Apart from one trip to protected mode at boot (to give
; ES a 4 GiB limit for the fill: "unreal mode") it runs in real mode and uses
; only the BIOS timer count at 0040:006c and the UART.  The domain needs
; at least FILL_MIB + 2 MiB of memory (domxml.sh gives 32 MiB).  The UART is polled, so the
; firmware must not own COM1: no <bios useserial='yes'/> in the domain XML.

bits 16
org 0x7c00

COM1    equ 0x3f8
LSR     equ COM1 + 5            ; line status: bit 0 data ready, bit 5 THR empty
TICKS   equ 0x46c               ; BIOS timer count, 18.2 per second
FILL_MIB equ 24

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00
    jmp 0:init                  ; some firmware enters at 07c0:0000
init:
    cld
    mov si, uart_setup          ; pairs of (register offset, value)
.reg:
    lodsw
    cmp al, 0xff
    je .ready
    mov dx, COM1
    add dl, al
    mov al, ah
    out dx, al
    jmp .reg
.ready:
    mov si, msg_banner
    call puts
    in al, 0x92                 ; fast A20 gate: addresses above 1 MiB
    or al, 2
    and al, 0xfe                ; (bit 0 would reset the machine)
    out 0x92, al
    lgdt [gdt_desc]
    mov eax, cr0
    or al, 1
    mov cr0, eax                ; protected mode, just long enough to...
    mov bx, 8
    mov es, bx                  ; ...load ES from the flat 4 GiB descriptor
    and al, 0xfe
    mov cr0, eax                ; real mode again; ES keeps its limit
    xor bx, bx
    mov es, bx
    mov edi, 0x100000
    mov ecx, FILL_MIB * 1024 * 256
    mov eax, 0xa55a5aa5
    a32 rep stosd               ; 32-bit addresses through ES:EDI
    mov ax, [TICKS]
    mov [last], ax

main:
    sti
    hlt                         ; until the next interrupt (timer: 55 ms)
    call echo
    mov ax, [TICKS]
    mov dx, ax
    sub ax, [last]
    cmp ax, 18
    jb main
    mov [last], dx
    inc dword [count]
    mov ax, [count]             ; dirty 64 KiB at segment 0x1000 * (1 + n % 8)
    and ax, 7
    inc ax
    shl ax, 12
    mov es, ax
    xor di, di
    mov cx, 0x8000
    mov ax, [count]
    rep stosw
    mov si, msg_tick
    call puts
    mov eax, [count]
    call putdec
    mov si, msg_crlf
    call puts
    jmp main

echo:                           ; send back whatever has arrived
    mov dx, LSR
    in al, dx
    test al, 1
    jz .none
    mov dx, COM1
    in al, dx
    cmp al, 13
    jne .letter
    call putc
    mov al, 10
    jmp .send
.letter:
    mov ah, al
    or ah, 0x20
    cmp ah, 'a'
    jb .send
    cmp ah, 'z'
    ja .send
    xor al, 0x20
.send:
    call putc
    jmp echo
.none:
    ret

putdec:                         ; eax in decimal
    mov ebx, 10
    xor cx, cx
.div:
    xor edx, edx
    div ebx
    push dx
    inc cx
    test eax, eax
    jnz .div
.digit:
    pop ax
    add al, '0'
    call putc
    loop .digit
    ret

puts:                           ; the NUL-terminated string at ds:si
    lodsb
    test al, al
    jz .end
    call putc
    jmp puts
.end:
    ret

putc:                           ; al, once the transmitter is free
    push dx
    push ax
    mov dx, LSR
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

uart_setup:
    db 1, 0x00                  ; no UART interrupts: we poll
    db 3, 0x80                  ; divisor latch on
    db 0, 0x01                  ; divisor 1: 115200 baud
    db 1, 0x00
    db 3, 0x03                  ; 8 bits, no parity, 1 stop bit; latch off
    db 2, 0x07                  ; FIFOs on and cleared
    db 4, 0x03                  ; DTR and RTS
    db 0xff, 0

msg_banner: db 13, 10, "virtdeck lab guest", 13, 10, 0
gdt:        dq 0
            dq 0x00cf92000000ffff   ; data, base 0, limit 4 GiB, writable
gdt_desc:   dw gdt_desc - gdt - 1
            dd gdt
msg_tick:   db "tick ", 0
msg_crlf:   db 13, 10, 0

last:       dw 0
count:      dd 0

times 510 - ($ - $$) db 0
dw 0xaa55
