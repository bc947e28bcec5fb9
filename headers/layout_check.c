/*
 * layout_check.c: prints, as the system headers and this C compiler see them, the size and
 * alignment of every type, the offset and size of every field, the bit position of every
 * bit-field, and the value of every constant that headers/sluice.h lists. LayoutTest compiles
 * and runs it and compares each record with the Java bindings.
 *
 *   cc -std=gnu11 -Wall -Werror -o layout_check headers/layout_check.c && ./layout_check
 *
 * Output, one record a line, fields separated by one space, numbers in decimal:
 *
 *   info   KEY VALUE                       about the build (header version, ABI)
 *   note   TEXT...                         for people; ignored by the parser
 *   type   NAME SIZE ALIGN                 a scalar type or typedef (pointer = void *)
 *   struct TAG SIZE ALIGN                  struct TAG
 *   field  TAG NAME OFFSET SIZE            a field of the struct last printed
 *   bits   TAG NAME BITOFFSET BITWIDTH     a bit-field: first bit counted from bit 0 of byte 0,
 *                                          bits numbered little-endian (byte * 8 + bit in byte)
 *   const  NAME VALUE                      a macro or enum constant
 *   errno  NAME VALUE                      an errno value
 *   func   NAME                            a function the headers declare
 *   end    STRUCTS FIELDS BITS TYPES CONSTS ERRNOS FUNCS   counts, last line: not truncated
 *
 * A bit-field cannot be passed to offsetof: it is found by setting it to all ones in a zeroed
 * struct and looking at which bits changed, so its bit position is checked too.
 */
#include "sluice.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned n_structs, n_fields, n_bits, n_types, n_consts, n_errnos, n_funcs;
static int failed;

/* Read through a volatile so the compiler sees no constant being truncated into a bit-field. */
static volatile unsigned long long all_ones = ~0ULL;

static void print_type(const char *name, size_t size, size_t align)
{
    printf("type %s %zu %zu\n", name, size, align);
    n_types++;
}

static void print_struct(const char *tag, size_t size, size_t align)
{
    printf("struct %s %zu %zu\n", tag, size, align);
    n_structs++;
}

static void print_field(const char *tag, const char *name, size_t offset, size_t size)
{
    printf("field %s %s %zu %zu\n", tag, name, offset, size);
    n_fields++;
}

/* The bit-field is the only bits set in the struct's bytes: report where they are. */
static void print_bits(const char *tag, const char *name, const unsigned char *bytes, size_t size)
{
    long first = -1, last = -1, count = 0;
    for (size_t i = 0; i < size * 8; i++) {
        if (bytes[i / 8] & (1u << (i % 8))) {
            if (first < 0)
                first = (long)i;
            last = (long)i;
            count++;
        }
    }
    if (count == 0 || count != last - first + 1) {
        fprintf(stderr, "layout_check: bit-field %s.%s: bits not found or not contiguous\n", tag, name);
        failed = 1;
        return;
    }
    printf("bits %s %s %ld %ld\n", tag, name, first, count);
    n_bits++;
}

static void print_const(const char *name, long long value)
{
    printf("const %s %lld\n", name, value);
    n_consts++;
}

static void print_errno(const char *name, long long value)
{
    printf("errno %s %lld\n", name, value);
    n_errnos++;
}

static void print_func(const char *name, void (*fn)(void))
{
    if (fn == NULL) {
        fprintf(stderr, "layout_check: function %s has no address\n", name);
        failed = 1;
        return;
    }
    printf("func %s\n", name);
    n_funcs++;
}

#define CHECK_TYPE(name, ...) print_type(#name, sizeof(__VA_ARGS__), _Alignof(__VA_ARGS__));

/* One block a struct: checked_t and probe are visible to the field macros inside it. */
#define CHECK_STRUCT(tag, FIELDS) \
    do { \
        typedef struct tag checked_t; \
        checked_t probe; \
        const char *tag_name = #tag; \
        memset(&probe, 0, sizeof probe); \
        print_struct(tag_name, sizeof(checked_t), _Alignof(checked_t)); \
        FIELDS \
    } while (0);
#define CHECK_FIELD(name) \
    print_field(tag_name, #name, offsetof(checked_t, name), sizeof(((checked_t *)0)->name));
#define CHECK_BITS(name) \
    memset(&probe, 0, sizeof probe); \
    probe.name = all_ones; \
    print_bits(tag_name, #name, (const unsigned char *)&probe, sizeof probe);

#define CHECK_CONST(name) print_const(#name, (long long)(name));
#define CHECK_ERRNO(name) print_errno(#name, (long long)(name));
/* (name) keeps a function-like macro of the same name from expanding. The cast to
 * void (*)(void) is the one GCC accepts from any function type. */
#define CHECK_FUNC(name) print_func(#name, (void (*)(void))(name));

int main(void)
{
#if defined(LINUX_VERSION_MAJOR) && defined(LINUX_VERSION_PATCHLEVEL) && defined(LINUX_VERSION_SUBLEVEL)
    printf("info linux_headers %d.%d.%d\n", LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, LINUX_VERSION_SUBLEVEL);
#else
    printf("info linux_headers %d.%d.%d\n", LINUX_VERSION_CODE >> 16, (LINUX_VERSION_CODE >> 8) & 0xff,
           LINUX_VERSION_CODE & 0xff);
#endif
    printf("info linux_version_code %d\n", LINUX_VERSION_CODE);
#if defined(__GLIBC__)
    printf("info glibc %d.%d\n", __GLIBC__, __GLIBC_MINOR__);
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    printf("info byte_order little\n");
#else
    printf("info byte_order big\n");
#endif
#ifdef SLUICE_SOL_TCP_IS_IPPROTO
    printf("note SOL_TCP: not defined by these headers, IPPROTO_TCP used (the level of a protocol is its number)\n");
#endif
#ifdef SLUICE_SOL_UDP_IS_IPPROTO
    printf("note SOL_UDP: not defined by these headers, IPPROTO_UDP used (the level of a protocol is its number)\n");
#endif

    SLUICE_TYPES(CHECK_TYPE)
    SLUICE_STRUCTS(CHECK_STRUCT, CHECK_FIELD, CHECK_BITS)
    SLUICE_CONSTANTS(CHECK_CONST)
    SLUICE_ERRNOS(CHECK_ERRNO)
    SLUICE_FUNCTIONS(CHECK_FUNC)

    printf("end %u %u %u %u %u %u %u\n", n_structs, n_fields, n_bits, n_types, n_consts, n_errnos, n_funcs);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("layout_check: stdout");
        return 1;
    }
    return failed ? 1 : 0;
}
