/* gen-node.c: write a node XML for libvirt's test driver with N domains.
 *
 *     gen-node N OUT.xml [--host NAME]
 *
 * The file is opened as test:///ABSOLUTE/PATH/OUT.xml and stands for one
 * large host in the benchmarks and the smoke tests: a 2 x 8 x 2 CPU, 256 GiB
 * of memory, a network, a storage pool and N domains, each with a disk and
 * a NIC.  Per ten domains, five run, one is paused and four are shut off
 * (test:runstate 1, 3, 5), interleaved so that any slice of the list holds
 * all three states.  UUIDs and MAC addresses are derived from the host name
 * and the index, so the same arguments always give the same file and
 * several hosts can be generated without clashes.  OUT may be "-" for
 * standard output.
 *
 * Plain libc on purpose: the benchmark must not depend on the code it
 * measures.  For the same reason names are escaped here by hand rather than
 * through libxml2. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_MAX_DOMAINS 1000000L
#define GEN_VOLUMES 5

static const char *progname = "gen-node";

static void
usage(void)
{
    fprintf(stderr, "usage: %s N OUT.xml [--host NAME]\n"
            "  N: number of domains, 1 .. %ld; OUT.xml may be '-'\n",
            progname, GEN_MAX_DOMAINS);
}

/* FNV-1a over a string, continued from h. */
static uint64_t
hash_str(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* splitmix64's finaliser: spreads every input bit over the output. */
static uint64_t
mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* A bijection on the low `bits` bits (xorshift and an odd multiplier are
 * both invertible modulo 2^bits): distinct indexes give distinct results,
 * which is what keeps UUIDs and MACs unique within one host. */
static uint64_t
mix_bits(uint64_t x, unsigned bits)
{
    uint64_t mask = (1ULL << bits) - 1;

    x &= mask;
    x ^= x >> (bits / 2);
    x = (x * 0x9e3779b97f4a7c15ULL) & mask;
    x ^= x >> (bits / 2);
    x = (x * 0xc2b2ae3d27d4eb4fULL) & mask;
    x ^= x >> (bits / 2);
    return x;
}

/* A version 4, variant 1 UUID for (host, what, idx).  The last 48 bits
 * are a bijection of idx, so UUIDs of one host never collide; the other
 * bits come from the hash and keep hosts apart. */
static void
make_uuid(char out[37], uint64_t host_hash, const char *what, uint64_t idx)
{
    uint64_t h = hash_str(host_hash, what);
    uint64_t hi = mix64(h ^ mix64(idx + 1));
    uint64_t node = mix_bits(idx ^ h, 48);
    unsigned seq = (unsigned)(mix64(hi) & 0x3fff) | 0x8000;

    snprintf(out, 37, "%08" PRIx32 "-%04x-4%03x-%04x-%012" PRIx64,
             (uint32_t)(hi >> 32), (unsigned)((hi >> 16) & 0xffff),
             (unsigned)(hi & 0xfff), seq, node);
}

/* 52:54:00 (QEMU's prefix) and 24 bits unique within the host for up to
 * 2^24 domains. */
static void
make_mac(char out[18], uint64_t host_hash, uint64_t idx)
{
    uint64_t m = mix_bits(idx ^ (host_hash >> 7), 24);

    snprintf(out, 18, "52:54:00:%02x:%02x:%02x", (unsigned)(m >> 16) & 0xff,
             (unsigned)(m >> 8) & 0xff, (unsigned)m & 0xff);
}

/* Write s escaped for XML text and for attributes in either quote. */
static void
put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '"': fputs("&quot;", f); break;
        default: putc(*s, f); break;
        }
    }
}

static void
write_domain(FILE *f, const char *host, uint64_t host_hash, long i)
{
    char uuid[37], mac[18];
    int state = i % 10 < 5 ? 1 : i % 10 == 5 ? 3 : 5;
    long mem_kib = 65536L * (1 + i % 8);

    make_uuid(uuid, host_hash, "dom", (uint64_t)i);
    make_mac(mac, host_hash, (uint64_t)i);

    fputs("  <domain type='test' "
          "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
          "    <name>", f);
    put_escaped(f, host);
    fprintf(f, "-vm%05ld</name>\n"
            "    <uuid>%s</uuid>\n"
            "    <memory unit='KiB'>%ld</memory>\n"
            "    <currentMemory unit='KiB'>%ld</currentMemory>\n"
            "    <vcpu>%ld</vcpu>\n"
            "    <os><type arch='x86_64'>hvm</type></os>\n"
            "    <devices>\n"
            "      <disk type='file' device='disk'><source file='/pool/",
            i, uuid, mem_kib, mem_kib, 1 + i % 4);
    put_escaped(f, host);
    fprintf(f, "-vm%05ld.qcow2'/><target dev='vda' bus='virtio'/></disk>\n"
            "      <interface type='network'><mac address='%s'/>"
            "<source network='default'/><model type='virtio'/></interface>\n"
            "    </devices>\n"
            "    <test:runstate>%d</test:runstate>\n"
            "  </domain>\n", i, mac, state);
}

static void
write_node(FILE *f, const char *host, long n)
{
    uint64_t host_hash = hash_str(0xcbf29ce484222325ULL, host);
    char uuid[37];
    long i;
    int v;

    fputs("<node>\n"
          "  <cpu><nodes>1</nodes><sockets>2</sockets><cores>8</cores>"
          "<threads>2</threads><active>32</active><mhz>2400</mhz>"
          "<model>x86_64</model></cpu>\n"
          "  <memory>268435456</memory>\n", f);
    for (i = 0; i < n; i++)
        write_domain(f, host, host_hash, i);

    make_uuid(uuid, host_hash, "net", 0);
    fprintf(f, "  <network>\n"
            "    <name>default</name>\n"
            "    <uuid>%s</uuid>\n"
            "    <bridge name='virbr0'/>\n"
            "  </network>\n", uuid);

    make_uuid(uuid, host_hash, "pool", 0);
    fprintf(f, "  <pool type='dir'>\n"
            "    <name>default</name>\n"
            "    <uuid>%s</uuid>\n"
            "    <capacity unit='GiB'>4096</capacity>\n"
            "    <allocation unit='GiB'>100</allocation>\n"
            "    <available unit='GiB'>3996</available>\n"
            "    <source/>\n"
            "    <target><path>/pool</path></target>\n", uuid);
    for (v = 0; v < GEN_VOLUMES; v++)
        fprintf(f, "    <volume><name>disk%d.qcow2</name>"
                "<capacity unit='GiB'>%d</capacity>"
                "<allocation unit='GiB'>1</allocation>"
                "<target><path>/pool/disk%d.qcow2</path>"
                "<format type='qcow2'/></target></volume>\n",
                v, 10 + v, v);
    fputs("  </pool>\n</node>\n", f);
}

int
main(int argc, char **argv)
{
    const char *out, *host = "fakehost1";
    char *end;
    long n;
    FILE *f;
    int to_stdout, i;

    if (argc > 0 && argv[0][0])
        progname = argv[0];
    if (argc < 3) {
        usage();
        return 2;
    }
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
            host = argv[++i];
        } else {
            usage();
            return 2;
        }
    }
    if (!host[0]) {
        fprintf(stderr, "%s: the host name must not be empty\n", progname);
        return 2;
    }

    errno = 0;
    n = strtol(argv[1], &end, 10);
    if (errno || end == argv[1] || *end || n < 1 || n > GEN_MAX_DOMAINS) {
        fprintf(stderr, "%s: '%s' is not a domain count between 1 and %ld\n",
                progname, argv[1], GEN_MAX_DOMAINS);
        return 2;
    }

    out = argv[2];
    to_stdout = strcmp(out, "-") == 0;
    f = to_stdout ? stdout : fopen(out, "w");
    if (!f) {
        fprintf(stderr, "%s: cannot create '%s': %s\n",
                progname, out, strerror(errno));
        return 1;
    }
    /* ~600 bytes a domain: a large buffer keeps 10000 domains to a few
     * dozen write(2) calls. */
    setvbuf(f, NULL, _IOFBF, 1 << 20);

    write_node(f, host, n);

    if (ferror(f) | (to_stdout ? fflush(f) : fclose(f))) {
        fprintf(stderr, "%s: cannot write '%s': %s\n",
                progname, out, strerror(errno));
        return 1;
    }
    return 0;
}
