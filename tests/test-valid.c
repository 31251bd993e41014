/* test-valid.c: what operators may type as names, URIs and file names. */
#include <config.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "src/util/err.h"
#include "src/util/text.h"
#include "src/valid.h"
#include "src/vmspec.h"
#include "tests/tap.h"

int
main(void)
{
    char long_name[301];

    setlocale(LC_ALL, "C.UTF-8");
    ok(valid_name("host", "kvm-01.example_2") == 0, "plain ASCII name");
    ok(valid_name("host", "서울-데이터센터") == 0, "Korean name");
    ok(valid_name("host", "") < 0, "empty name refused");
    ok(strstr(err_msg(), "empty") != NULL, "message says it is empty");
    ok(valid_name("data center", "a'<b>&") < 0, "a'<b>& refused");
    ok(strstr(err_msg(), "'''") != NULL || strstr(err_msg(), "contains") != NULL,
       "message names the character: %s", err_msg());
    ok(valid_name("host", "../x") < 0, "../x refused");
    ok(valid_name("host", ".hidden") < 0, "leading dot refused");
    ok(valid_name("host", "-rf") < 0, "leading dash refused");
    ok(valid_name("host", "a b") < 0, "space refused");
    ok(valid_name("host", "tab\there") < 0, "control character refused");
    ok(strstr(err_msg(), "\\x09") != NULL, "control character shown escaped: %s",
       err_msg());
    /* found by fuzz_names: a C1 control (U+009B, CSI) was echoed raw */
    ok(valid_name("VM", "vm\xc2\x9bx") < 0, "C1 control character refused");
    ok(strstr(err_msg(), "\xc2\x9b") == NULL && strstr(err_msg(), "control"),
       "and not echoed: %s", err_msg());
    ok(valid_name("host", "bad\xff") < 0, "invalid UTF-8 refused");
    memset(long_name, 'a', 300);
    long_name[300] = '\0';
    ok(valid_name("host", long_name) < 0, "300 characters refused");
    ok(strstr(err_msg(), "300") != NULL, "message gives the length");
    long_name[64] = '\0';
    ok(valid_name("host", long_name) == 0, "64 characters accepted");

    ok(valid_uri("qemu+ssh://root@kvm1.example/system") == 0, "ssh URI");
    ok(valid_uri("qemu+tcp://127.0.0.11/system") == 0, "tcp URI");
    ok(valid_uri("test:///default") == 0, "test URI");
    ok(valid_uri("qemu+unix:///system?socket=/tmp/x/libvirt-sock") == 0,
       "unix socket URI");
    ok(valid_uri("") < 0, "empty URI refused");
    ok(valid_uri("not a uri") < 0, "spaces refused");
    ok(valid_uri("hostname-only") < 0, "no scheme refused");
    ok(strstr(err_msg(), "driver") != NULL, "message shows the form: %s",
       err_msg());
    ok(valid_uri("qe'mu://x/system") < 0, "quote in scheme refused");

    ok(valid_file_name("debian-12.iso") == 0, "plain file name");
    ok(valid_file_name("../etc/passwd") < 0, "path refused");
    ok(valid_file_name("..") < 0, ".. refused");
    ok(valid_file_name(".hidden.iso") < 0, "leading dot refused");
    ok(valid_file_name("a\nb.iso") < 0, "newline refused");
    ok(valid_file_name("") < 0, "empty refused");

    /* Found by fuzz_domxml_build: text that is not valid UTF-8 passed the
     * checks and made domain XML that no parser reads. */
    ok(valid_file_name("\xea\xb0\x80\xeb\x82\x98.iso") == 0,
       "Korean file name");
    ok(valid_file_name("\xed\xb5\x9c.iso") < 0, "UTF-16 surrogate refused");
    ok(valid_file_name("x\xff.iso") < 0, "invalid UTF-8 refused");
    ok(valid_file_name("x\xc2\x85.iso") < 0, "C1 control refused");
    ok(!text_valid("\xc0\xaf") && !text_valid("\xef\xbf\xbf") &&
       !text_valid("\xf4\x90\x80\x80") && text_valid("a'<b>&"),
       "text_valid: overlong, U+FFFF and past U+10FFFF refused");
    {
        struct vm_spec sp;
        vm_spec_init(&sp);
        sp.name = strdup("web1");
        sp.cluster = strdup("Default");
        sp.kernel = strdup("/boot/vmlinuz");
        ok(vm_spec_check(&sp) == 0, "a spec with a kernel passes");
        sp.password = strdup("se\xd4\xd4" "E");
        ok(vm_spec_check(&sp) < 0, "a password that is not UTF-8 refused: %s",
           err_msg());
        free(sp.password);
        sp.password = strdup("pw");
        sp.cmdline = strdup("console=ttyS0\x01");
        ok(vm_spec_check(&sp) < 0, "a control character in the kernel "
           "command line refused: %s", err_msg());
        free(sp.cmdline);
        sp.cmdline = strdup("console=ttyS0 \xed\xa0\x80");
        ok(vm_spec_check(&sp) < 0, "a surrogate in it refused");
        free(sp.kernel);
        sp.kernel = strdup("/boot/vmlinuz-\xff");
        free(sp.cmdline);
        sp.cmdline = NULL;
        ok(vm_spec_check(&sp) < 0, "a kernel path that is not UTF-8 refused");
        vm_spec_clear(&sp);
    }
    return tap_done();
}
