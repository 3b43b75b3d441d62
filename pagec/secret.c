/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * secret.c - the pagec-secret command: draws the 8-byte key of the ISN
 * function (struct pagec_server's secret) from the operating system's
 * random source, and writes it as a device is provisioned with it: an
 * Intel HEX image for an EEPROM programmer, a C header, raw bytes, or hex
 * digits. One per device, never shared, never committed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_LEN 8
#define EXIT_INPUT 1
#define EXIT_USAGE 2

enum format { F_HEX, F_IHEX, F_C, F_BIN };

static void usage(FILE *f)
{
    fputs("usage: pagec-secret [options]\n"
          "\n"
          "Draws an ISN secret, 8 bytes from the operating system's random\n"
          "source, and writes it in the chosen format: one per device.\n"
          "\n"
          "options:\n"
          "  -f, --format FORMAT  hex (16 hex digits, the default), ihex\n"
          "                       (Intel HEX, for an EEPROM programmer), c\n"
          "                       (a C header), bin (the 8 bytes)\n"
          "  -o, --output FILE    the file to write, readable by its owner\n"
          "                       only (default: standard output)\n"
          "  --address N          ihex: the address of the first byte\n"
          "                       (default 0; 0x prefix for hex)\n"
          "  --name NAME          c: the macro's name (default PAGEC_SECRET)\n"
          "  --from FILE          take the 8 bytes of FILE ('-': standard\n"
          "                       input) instead of drawing them\n"
          "  -h, --help           print this help and exit\n"
          "  --version            print the version and exit\n"
          "\n"
          "exit status: 0 success, 1 the secret cannot be read or written,\n"
          "2 usage error\n",
          f);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("pagec-secret: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'pagec-secret --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static void error(const char *path, const char *what)
{
    fprintf(stderr, "pagec-secret: %s: %s\n", path, what);
}

static int is_identifier(const char *s)
{
    const char *p;

    if (!*s || (*s >= '0' && *s <= '9')) {
        return 0;
    }
    for (p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_')) {
            return 0;
        }
    }
    return 1;
}

/* Reads exactly SECRET_LEN bytes from path ("-": standard input), and
 * no more when exact; returns 0, or -1 after printing an error. */
static int read_secret(const char *path, int exact, unsigned char *key)
{
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    size_t got = 0;
    ssize_t n = 0;

    if (fd < 0) {
        error(path, strerror(errno));
        return -1;
    }
    while (got < SECRET_LEN) {
        n = read(fd, key + got, SECRET_LEN - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    if (n >= 0 && got == SECRET_LEN && exact) {
        unsigned char extra;

        do {
            n = read(fd, &extra, 1);
        } while (n < 0 && errno == EINTR);
        if (n > 0) {
            got++;
        }
    }
    if (n < 0) {
        error(path, strerror(errno));
    } else if (got != SECRET_LEN) {
        error(path, exact ? "not 8 bytes long" : "fewer than 8 bytes");
        n = -1;
    }
    if (fd != 0) {
        close(fd);
    }
    return n < 0 || got != SECRET_LEN ? -1 : 0;
}

/* 1 when every byte is 0xff: what an erased EEPROM reads, which the
 * firmware takes for "no secret provisioned". */
static int erased(const unsigned char *key)
{
    size_t i;

    for (i = 0; i < SECRET_LEN; i++) {
        if (key[i] != 0xff) {
            return 0;
        }
    }
    return 1;
}

/* Writes the key in format f to out. */
static void write_key(FILE *out, enum format f, const unsigned char *key,
                      unsigned long address, const char *name)
{
    unsigned sum;
    size_t i;

    switch (f) {
    case F_HEX:
        for (i = 0; i < SECRET_LEN; i++) {
            fprintf(out, "%02x", key[i]);
        }
        fputc('\n', out);
        break;
    case F_IHEX:
        /* one data record, then the end-of-file record; the checksum
         * makes the bytes of a record sum to 0 modulo 256 */
        sum = SECRET_LEN + (unsigned)(address >> 8) +
              (unsigned)(address & 0xff);
        fprintf(out, ":%02X%04lX00", SECRET_LEN, address);
        for (i = 0; i < SECRET_LEN; i++) {
            fprintf(out, "%02X", key[i]);
            sum += key[i];
        }
        fprintf(out, "%02X\n:00000001FF\n",
                (0x100u - (sum & 0xffu)) & 0xffu);
        break;
    case F_C:
        fprintf(out,
                "/* Generated by pagec-secret: the ISN secret of one device. "
                "Keep it\n * secret: never commit it, never share it. */\n"
                "#define %s ",
                name);
        for (i = 0; i < SECRET_LEN; i++) {
            fprintf(out, "0x%02x%s", key[i], i + 1 < SECRET_LEN ? ", " : "\n");
        }
        break;
    case F_BIN:
        fwrite(key, 1, SECRET_LEN, out);
        break;
    }
}

/* Writes the key to path through a temporary file of mode 0600 renamed
 * into place; returns 0, or -1 after printing an error. */
static int write_file(const char *path, enum format f,
                      const unsigned char *key, unsigned long address,
                      const char *name)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 8);
    FILE *out = NULL;
    int fd;
    int rc = -1;

    if (!tmp) {
        error(path, "out of memory");
        return -1;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", 8);
    fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0) {
        error(path, strerror(errno));
        free(tmp);
        return -1;
    }
    out = fdopen(fd, "wb");
    if (!out) {
        error(path, strerror(errno));
        close(fd);
    } else {
        write_key(out, f, key, address, name);
        if (fflush(out) != 0 || ferror(out) || fsync(fd) != 0) {
            error(path, strerror(errno));
            fclose(out);
        } else if (fclose(out) != 0) {
            error(path, strerror(errno));
        } else if (rename(tmp, path) != 0) {
            error(path, strerror(errno));
        } else {
            rc = 0;
        }
    }
    if (rc != 0) {
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

int main(int argc, char **argv)
{
    enum { O_ADDRESS = 256, O_NAME, O_FROM, O_VERSION };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"address", required_argument, NULL, O_ADDRESS},
        {"name", required_argument, NULL, O_NAME},
        {"from", required_argument, NULL, O_FROM},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0},
    };
    static const char *const formats[] = {"hex", "ihex", "c", "bin"};
    enum format f = F_HEX;
    const char *out_path = NULL;
    const char *from = NULL;
    const char *name = "PAGEC_SECRET";
    unsigned long address = 0;
    unsigned char key[SECRET_LEN];
    int tries;
    int c;
    size_t i;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:o:h", longopts, NULL)) != -1) {
        char *end;

        switch (c) {
        case 'f':
            for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
                if (strcmp(optarg, formats[i]) == 0) {
                    break;
                }
            }
            if (i == sizeof formats / sizeof formats[0]) {
                return usage_error("--format: '%s' is not hex, ihex, c or "
                                   "bin",
                                   optarg);
            }
            f = (enum format)i;
            break;
        case 'o':
            out_path = optarg;
            break;
        case O_ADDRESS:
            errno = 0;
            address = strtoul(optarg, &end, 0);
            if (errno || end == optarg || *end || optarg[0] == '-' ||
                address > 0x10000ul - SECRET_LEN) {
                return usage_error("--address: '%s' is not an address from 0 "
                                   "to 0xfff8",
                                   optarg);
            }
            break;
        case O_NAME:
            if (!is_identifier(optarg)) {
                return usage_error("--name: '%s' is not a C identifier",
                                   optarg);
            }
            name = optarg;
            break;
        case O_FROM:
            from = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case O_VERSION:
            printf("pagec-secret %s\n", PAGEC_VERSION);
            return 0;
        case ':':
            return usage_error("option '%s' needs an argument",
                               argv[optind - 1]);
        default:
            if (optopt) {
                char opt[3] = {'-', (char)optopt, '\0'};

                return usage_error("unknown option '%s'", opt);
            }
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return usage_error("unexpected argument '%s'", argv[optind]);
    }
    if (f == F_BIN && !out_path && isatty(1)) {
        return usage_error("%s", "binary output to a terminal: give -o FILE");
    }

    if (from) {
        if (read_secret(from, 1, key) != 0) {
            return EXIT_INPUT;
        }
        if (erased(key)) {
            error(from, "all 8 bytes are 0xff, what an erased EEPROM holds: "
                        "the firmware would take it for no secret");
            return EXIT_INPUT;
        }
    } else {
        /* an all-0xff draw (one in 2^64) is drawn again */
        for (tries = 0; tries < 4; tries++) {
            if (read_secret("/dev/urandom", 0, key) != 0) {
                return EXIT_INPUT;
            }
            if (!erased(key)) {
                break;
            }
        }
    }
    if (out_path) {
        return write_file(out_path, f, key, address, name) ? EXIT_INPUT : 0;
    }
    write_key(stdout, f, key, address, name);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        error("standard output", strerror(errno));
        return EXIT_INPUT;
    }
    return 0;
}
