/* test-valid.c: what operators may type as names, URIs and file names. */
#include <config.h>
#include <locale.h>
#include <string.h>
#include "src/util/err.h"
#include "src/valid.h"
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
    return tap_done();
}
