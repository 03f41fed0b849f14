// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest images for vmctl run: flat binaries, ELF32/ELF64 executables and
 * Multiboot (v1) kernels. Parsing only describes what goes where; nothing
 * touches guest memory until everything has been checked, so a bad image
 * never half-loads.
 */
#include <assert.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

#define FLAT_LOAD_REAL		0x7c00
#define FLAT_LOAD_OTHER		0x100000
#define REAL_MODE_ENTRY_MAX	0xfffff	/* CS = entry >> 4 must fit 16 bits */

#define MULTIBOOT_HEADER_MAGIC	0x1badb002
#define MULTIBOOT_SEARCH	8192	/* the header lies within these bytes */
#define MB_FLAG_VIDEO		BIT(2)
#define MB_FLAGS_KNOWN		0x0003u	/* page-aligned modules, memory info */
#define MB_FLAGS_REQUIRED	0xffffu	/* bits a loader must honour or refuse */
#define MB_FLAG_ADDRESSES	BIT(16)

static const char *const mode_names[] = {
	[MODE_REAL] = "real", [MODE_PROT] = "prot", [MODE_LONG] = "long",
};

static const char *const format_names[] = {
	[FORMAT_AUTO] = "auto", [FORMAT_FLAT] = "flat",
	[FORMAT_ELF] = "elf", [FORMAT_MULTIBOOT] = "multiboot",
};

const char *mode_name(enum guest_mode mode)
{
	return mode_names[mode];
}

const char *format_name(enum image_format format)
{
	return format_names[format];
}

/* "vmctl: IMAGE: what is wrong"; a macro so that printf checks the format. */
#define image_error(img, fmt, ...) \
	fprintf(stderr, "%s: %s: " fmt "\n", progname, (img)->path, ##__VA_ARGS__)

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));	/* x86 hosts only: little endian */
	return v;
}

int image_read(struct image *img, const char *path)
{
	struct stat st;
	ssize_t n;
	size_t done = 0;
	int fd;

	memset(img, 0, sizeof(*img));
	img->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		warn_errno(path);
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		image_error(img, "not a regular file");
		goto err_close;
	}
	if (st.st_size == 0) {
		image_error(img, "empty image");
		goto err_close;
	}
	/* Nothing larger can fit in the RAM vmctl gives a guest. */
	if ((uint64_t)st.st_size > BOOT_IDENTITY_MAP_SIZE) {
		image_error(img, "too large (%lld bytes)", (long long)st.st_size);
		goto err_close;
	}
	img->size = st.st_size;
	img->data = malloc(img->size);
	if (!img->data) {
		warn_errno("malloc");
		goto err_close;
	}
	while (done < img->size) {
		n = read(fd, img->data + done, img->size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				image_error(img, "file shrank while being read");
			else
				warn_errno(path);
			goto err_free;
		}
		done += n;
	}
	close(fd);
	return 0;

err_free:
	free(img->data);
	img->data = NULL;
err_close:
	if (fd >= 0)
		close(fd);
	return -1;
}

void image_free(struct image *img)
{
	unsigned int i;

	for (i = 0; i < img->nr_modules; i++) {
		free(img->modules[i].data);
		free((char *)img->modules[i].path);
	}
	img->nr_modules = 0;
	free(img->data);
	img->data = NULL;
}

static int add_seg(struct image *img, uint64_t gpa, uint64_t off, uint64_t filesz,
		   uint64_t memsz)
{
	if (memsz == 0) {
		image_error(img, "nothing to load at %#llx", (unsigned long long)gpa);
		return -1;
	}
	if (img->nr_segs == IMAGE_MAX_SEGS) {
		image_error(img, "more than %d segments to load", IMAGE_MAX_SEGS);
		return -1;
	}
	img->segs[img->nr_segs++] = (struct image_seg){
		.gpa = gpa, .file_off = off, .filesz = filesz, .memsz = memsz,
	};
	return 0;
}

/* --- flat binaries -------------------------------------------------------- */

static int parse_flat(struct image *img, const struct load_opts *o)
{
	uint64_t load;

	img->mode = o->mode >= 0 ? (enum guest_mode)o->mode : MODE_REAL;
	load = img->mode == MODE_REAL ? FLAT_LOAD_REAL : FLAT_LOAD_OTHER;
	if (o->has_load)
		load = o->load;
	img->entry = o->has_entry ? o->entry : load;
	return add_seg(img, load, 0, img->size, img->size);
}

/* --- ELF ------------------------------------------------------------------ */

/*
 * The ELF file and program headers, laid out as in the System V ABI; our
 * own names rather than <elf.h>'s typedefs. <elf.h> gives the constants.
 */
struct elf32_ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");
static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");
static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

/* What vmctl needs of a header, whatever the class. */
struct elf_info {
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
};

struct elf_seg {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static bool is_elf(const struct image *img)
{
	return img->size >= SELFMAG && !memcmp(img->data, ELFMAG, SELFMAG);
}

static int elf_header_get(const struct image *img, bool is64, struct elf_info *eh)
{
	struct elf64_ehdr h64;
	struct elf32_ehdr h32;

	if (img->size < (is64 ? sizeof(h64) : sizeof(h32))) {
		image_error(img, "ELF: truncated header");
		return -1;
	}
	if (is64) {
		memcpy(&h64, img->data, sizeof(h64));
		*eh = (struct elf_info){ h64.type, h64.machine, h64.phentsize, h64.phnum,
					 h64.entry, h64.phoff };
	} else {
		memcpy(&h32, img->data, sizeof(h32));
		*eh = (struct elf_info){ h32.type, h32.machine, h32.phentsize, h32.phnum,
					 h32.entry, h32.phoff };
	}
	return 0;
}

static void elf_seg_get(const struct image *img, bool is64, uint64_t off, struct elf_seg *seg)
{
	struct elf64_phdr p64;
	struct elf32_phdr p32;

	if (is64) {
		memcpy(&p64, img->data + off, sizeof(p64));
		*seg = (struct elf_seg){ p64.type, p64.offset, p64.paddr, p64.filesz, p64.memsz };
	} else {
		memcpy(&p32, img->data + off, sizeof(p32));
		*seg = (struct elf_seg){ p32.type, p32.offset, p32.paddr, p32.filesz, p32.memsz };
	}
}

/*
 * PT_LOAD segments go to their physical address (p_paddr): the guest starts
 * with paging off or identity mapped, so that is where it finds them.
 * ELF32 starts in protected mode, ELF64 in long mode.
 */
static int parse_elf(struct image *img)
{
	const unsigned char *id = img->data;
	struct elf_info eh;
	struct elf_seg seg;
	uint64_t i;
	bool is64;

	if (img->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG)) {
		image_error(img, "not an ELF file");
		return -1;
	}
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) {
		image_error(img, "ELF: unknown class %u", id[EI_CLASS]);
		return -1;
	}
	is64 = id[EI_CLASS] == ELFCLASS64;
	if (id[EI_DATA] != ELFDATA2LSB || id[EI_VERSION] != EV_CURRENT) {
		image_error(img, "ELF: not a little-endian, version 1 file");
		return -1;
	}
	if (elf_header_get(img, is64, &eh))
		return -1;
	if (eh.type != ET_EXEC || eh.machine != (is64 ? EM_X86_64 : EM_386)) {
		image_error(img, "ELF%d: not an %s executable (type %u, machine %u)",
			    is64 ? 64 : 32, is64 ? "x86-64" : "i386", eh.type, eh.machine);
		return -1;
	}
	if (eh.phentsize != (is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr)) ||
	    eh.phnum == 0 || eh.phoff > img->size ||
	    (uint64_t)eh.phnum * eh.phentsize > img->size - eh.phoff) {
		image_error(img, "ELF: bad program header table (offset %#llx, %u x %u bytes)",
			    (unsigned long long)eh.phoff, eh.phnum, eh.phentsize);
		return -1;
	}
	img->entry = eh.entry;
	img->mode = is64 ? MODE_LONG : MODE_PROT;
	for (i = 0; i < eh.phnum; i++) {
		elf_seg_get(img, is64, eh.phoff + i * eh.phentsize, &seg);
		if (seg.type != PT_LOAD || seg.memsz == 0)
			continue;
		if (seg.filesz > seg.memsz || seg.offset > img->size ||
		    seg.filesz > img->size - seg.offset) {
			image_error(img,
				    "ELF: segment %llu: file range %#llx+%#llx or memory size %#llx invalid",
				    (unsigned long long)i, (unsigned long long)seg.offset,
				    (unsigned long long)seg.filesz, (unsigned long long)seg.memsz);
			return -1;
		}
		if (add_seg(img, seg.paddr, seg.offset, seg.filesz, seg.memsz))
			return -1;
	}
	if (!img->nr_segs) {
		image_error(img, "ELF: no PT_LOAD segment");
		return -1;
	}
	return 0;
}

/* --- Multiboot ------------------------------------------------------------ */

/*
 * Offset of a valid header (magic, flags, checksum) or -1; *bad is the
 * offset of a magic with a wrong checksum, if one came first.
 */
static long find_multiboot(const struct image *img, long *bad)
{
	size_t end = img->size < MULTIBOOT_SEARCH ? img->size : MULTIBOOT_SEARCH;
	size_t off;

	*bad = -1;
	for (off = 0; off + 12 <= end; off += 4) {
		const unsigned char *h = img->data + off;

		if (get32(h) != MULTIBOOT_HEADER_MAGIC)
			continue;
		if ((uint32_t)(get32(h) + get32(h + 4) + get32(h + 8)) == 0)
			return off;
		if (*bad < 0)
			*bad = off;
	}
	return -1;
}

/*
 * With flag 16 the header says where the file goes (the "a.out kludge"):
 * header_addr is where the header itself lands, which fixes the file offset
 * that load_addr corresponds to.
 */
static int parse_multiboot_addresses(struct image *img, size_t hdr)
{
	const unsigned char *h = img->data + hdr;
	uint32_t header_addr, load_addr, load_end, bss_end;
	uint64_t start, filesz, memsz;

	if (hdr + 32 > img->size || hdr + 32 > MULTIBOOT_SEARCH) {
		image_error(img, "multiboot: header with addresses (flag 16) is truncated");
		return -1;
	}
	header_addr = get32(h + 12);
	load_addr = get32(h + 16);
	load_end = get32(h + 20);
	bss_end = get32(h + 24);
	img->entry = get32(h + 28);
	if (load_addr > header_addr || header_addr - load_addr > hdr) {
		image_error(img,
			    "multiboot: load_addr %#x does not fit header_addr %#x at file offset %#zx",
			    load_addr, header_addr, hdr);
		return -1;
	}
	start = hdr - (header_addr - load_addr);
	filesz = img->size - start;
	if (load_end) {
		if (load_end < load_addr || load_end - load_addr > filesz) {
			image_error(img,
				    "multiboot: load_end_addr %#x outside the file (load_addr %#x, %#llx bytes available)",
				    load_end, load_addr, (unsigned long long)filesz);
			return -1;
		}
		filesz = load_end - load_addr;
	}
	memsz = filesz;
	if (bss_end) {
		if (bss_end < load_addr + filesz) {
			image_error(img,
				    "multiboot: bss_end_addr %#x below the end of the loaded file %#llx",
				    bss_end, (unsigned long long)(load_addr + filesz));
			return -1;
		}
		memsz = bss_end - load_addr;
	}
	return add_seg(img, load_addr, start, filesz, memsz);
}

static int parse_multiboot(struct image *img, long hdr)
{
	uint32_t flags = get32(img->data + hdr + 4);
	uint32_t unknown = flags & MB_FLAGS_REQUIRED & ~MB_FLAGS_KNOWN;

	if (unknown) {
		image_error(img, "multiboot: requires %s (flags %#x), which vmctl does not provide",
			    unknown & MB_FLAG_VIDEO ? "video mode information" : "unknown features",
			    unknown);
		return -1;
	}
	img->multiboot = true;
	if (flags & MB_FLAG_ADDRESSES) {
		if (parse_multiboot_addresses(img, hdr))
			return -1;
	} else {
		if (!is_elf(img)) {
			image_error(img,
				    "multiboot: neither an ELF file nor address fields (flag 16)");
			return -1;
		}
		/* As GRUB does, ELF64 too: its code must start in 32 bits. */
		if (parse_elf(img))
			return -1;
	}
	img->mode = MODE_PROT;
	return 0;
}

/* --- checks common to all formats ---------------------------------------- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int check_layout(struct image *img, const struct load_opts *o)
{
	const uint64_t ram = o->ram_size;
	bool entry_ok = false;
	unsigned int i, j;

	for (i = 0; i < img->nr_segs; i++) {
		const struct image_seg *s = &img->segs[i];

		if (s->gpa >= ram || s->memsz > ram - s->gpa) {
			image_error(img, "%#llx-%#llx is beyond the end of RAM (%#llx, see --mem)",
				    (unsigned long long)s->gpa,
				    (unsigned long long)(s->gpa + s->memsz - 1),
				    (unsigned long long)ram);
			return -1;
		}
		if (img->mode != MODE_REAL &&
		    overlaps(s->gpa, s->memsz, BOOT_AREA_START, BOOT_AREA_END - BOOT_AREA_START)) {
			image_error(img,
				    "%#llx-%#llx overlaps %#x-%#x, where vmctl puts its GDT, page tables and stack (%s mode)",
				    (unsigned long long)s->gpa,
				    (unsigned long long)(s->gpa + s->memsz - 1),
				    BOOT_AREA_START, BOOT_AREA_END - 1, mode_name(img->mode));
			return -1;
		}
		if (overlaps(s->gpa, s->memsz, o->reserved_start,
			     o->reserved_end - o->reserved_start)) {
			image_error(img, "%#llx-%#llx overlaps %#llx-%#llx (--pc: ACPI tables)",
				    (unsigned long long)s->gpa,
				    (unsigned long long)(s->gpa + s->memsz - 1),
				    (unsigned long long)o->reserved_start,
				    (unsigned long long)(o->reserved_end - 1));
			return -1;
		}
		for (j = 0; j < i; j++) {
			const struct image_seg *t = &img->segs[j];

			if (overlaps(s->gpa, s->memsz, t->gpa, t->memsz)) {
				image_error(img, "segments at %#llx and %#llx overlap",
					    (unsigned long long)t->gpa,
					    (unsigned long long)s->gpa);
				return -1;
			}
		}
		if (img->entry >= s->gpa && img->entry - s->gpa < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok) {
		image_error(img, "entry point %#llx is not in the loaded image",
			    (unsigned long long)img->entry);
		return -1;
	}
	if (img->mode == MODE_REAL && img->entry > REAL_MODE_ENTRY_MAX) {
		image_error(img, "real-mode entry %#llx is above 1 MiB",
			    (unsigned long long)img->entry);
		return -1;
	}
	if (img->multiboot && img->entry > UINT32_MAX) {
		image_error(img, "multiboot: entry %#llx is not a 32-bit address",
			    (unsigned long long)img->entry);
		return -1;
	}
	return 0;
}

/* The whole of a module file, as image_read reads an image. */
static int read_module(struct mb_module *m)
{
	struct image file;

	if (image_read(&file, m->path))
		return -1;
	m->data = file.data;
	m->size = file.size;
	return 0;
}

#define PAGE_ALIGN(x)	(((x) + 0xfffULL) & ~0xfffULL)
#define MB_MODULE_ENTRY	16	/* mod_start, mod_end, string, reserved */

/*
 * Multiboot modules: each file page aligned (the spec's flag 0, which we
 * honour whether asked or not) from the first page above both the image
 * and 1 MiB, then one area with the module list and the strings ("FILE
 * CMDLINE", as GRUB gives them). Everything must fit in RAM.
 */
static int load_modules(struct image *img, const struct load_opts *o)
{
	uint64_t next = 0x100000, strings = 0;
	unsigned int i;

	for (i = 0; i < img->nr_segs; i++)
		if (img->segs[i].gpa + img->segs[i].memsz > next)
			next = img->segs[i].gpa + img->segs[i].memsz;
	next = PAGE_ALIGN(next);
	for (i = 0; i < o->nr_modules; i++) {
		struct mb_module *m = &img->modules[i];
		const char *comma = strchr(o->modules[i], ',');
		size_t len = comma ? (size_t)(comma - o->modules[i]) : strlen(o->modules[i]);

		m->path = strndup(o->modules[i], len);
		if (!m->path) {
			warn_errno("strndup");
			return -1;
		}
		m->cmdline = comma ? comma + 1 : NULL;
		img->nr_modules++;
		if (read_module(m))
			return -1;
		m->gpa = next;
		next = PAGE_ALIGN(next + m->size);
		strings += strlen(m->path) + 1 + (m->cmdline ? strlen(m->cmdline) + 1 : 0);
	}
	img->mb_mods_list = next;
	next += o->nr_modules * MB_MODULE_ENTRY + strings;
	if (next > o->ram_size) {
		image_error(img, "multiboot: the modules need RAM up to %#llx (see --mem)",
			    (unsigned long long)next);
		return -1;
	}
	return 0;
}

/*
 * --format auto: a valid Multiboot header wins (Multiboot kernels are often
 * ELF files too), then the ELF magic; anything else is a flat binary.
 */
int image_parse(struct image *img, const struct load_opts *o)
{
	long bad_mb, mb = find_multiboot(img, &bad_mb);
	int ret;

	img->format = o->format;
	if (img->format == FORMAT_AUTO) {
		img->format = mb >= 0 ? FORMAT_MULTIBOOT : is_elf(img) ? FORMAT_ELF : FORMAT_FLAT;
		/* Most likely a broken kernel rather than a coincidence: say so. */
		if (mb < 0 && bad_mb >= 0)
			image_error(img,
				    "note: multiboot magic at %#lx has a bad checksum, loading as %s",
				    bad_mb, format_name(img->format));
	}

	if (img->format != FORMAT_FLAT &&
	    (o->mode >= 0 || o->has_load || o->has_entry)) {
		image_error(img, "--mode, --load and --entry are for flat binaries, this is %s",
			    format_name(img->format));
		return -1;
	}
	if (img->format != FORMAT_MULTIBOOT && o->nr_modules) {
		image_error(img, "--module is for multiboot kernels, this is %s",
			    format_name(img->format));
		return -1;
	}
	if (img->format != FORMAT_MULTIBOOT && o->cmdline) {
		image_error(img, "--cmdline is for multiboot kernels, this is %s",
			    format_name(img->format));
		return -1;
	}
	if (o->cmdline && strlen(o->cmdline) >= BOOT_CMDLINE_MAX) {
		image_error(img, "--cmdline longer than %d bytes", BOOT_CMDLINE_MAX - 1);
		return -1;
	}

	switch (img->format) {
	case FORMAT_MULTIBOOT:
		if (mb < 0) {
			image_error(img,
				    "no multiboot header (magic %#x with a valid checksum) in the first %d bytes",
				    MULTIBOOT_HEADER_MAGIC, MULTIBOOT_SEARCH);
			return -1;
		}
		ret = parse_multiboot(img, mb);
		break;
	case FORMAT_ELF:
		ret = parse_elf(img);
		break;
	default:
		ret = parse_flat(img, o);
		break;
	}
	if (ret || check_layout(img, o))
		return -1;
	return img->multiboot ? load_modules(img, o) : 0;
}

/* RAM is a fresh anonymous mapping: the bss parts are zero already. */
void image_copy(const struct image *img, unsigned char *ram)
{
	unsigned int i;

	for (i = 0; i < img->nr_segs; i++)
		memcpy(ram + img->segs[i].gpa, img->data + img->segs[i].file_off,
		       img->segs[i].filesz);
	for (i = 0; i < img->nr_modules; i++)
		memcpy(ram + img->modules[i].gpa, img->modules[i].data, img->modules[i].size);
}
