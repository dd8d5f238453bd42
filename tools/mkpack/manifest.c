/*
 * Manifest reader: INI-like text, see docs/image-pack.md.
 *
 *   # comment                    (whole lines only: bootargs may hold '#')
 *   [template NAME]              a VM template; keys: manifest_keys.c
 *   [entry NAME]                 an explicitly named file (file =, kind =)
 *   [shm NAME]                   an inter-VM shared memory region
 *                                (size =, members =; manifest_shm.c)
 *
 * Parsing collects values; files are read and references resolved once the
 * whole text is in, so an [entry] may come after the template using it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include <lib/fdt.h>
#include <lib/loader.h>
#include <lib/byteorder.h>

int mk_perr(struct mk_parser *ps, const char *fmt, ...)
{
	int n = ps->line ? snprintf(ps->err, ps->errlen, "%s:%d: ", ps->fname, ps->line) :
			   snprintf(ps->err, ps->errlen, "%s: ", ps->fname);
	va_list ap;

	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void mk_init(struct mk_pack *mp)
{
	memset(mp, 0, sizeof(*mp));
}

void mk_free(struct mk_pack *mp)
{
	u32 i, r;

	for (i = 0; i < mp->nentries; i++) {
		free(mp->entries[i].path);
		free(mp->entries[i].data);
	}
	for (i = 0; i < mp->ntemplates; i++)
		for (r = 0; r < MK_ROLES; r++)
			free(mp->tmpl[i].src[r]);
	mk_init(mp);
}

/* ---- lines and sections ---------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static struct mk_entry *find_entry(struct mk_pack *mp, const char *name)
{
	u32 i;

	for (i = 0; i < mp->nentries; i++)
		if (!strcmp(mp->entries[i].name, name))
			return &mp->entries[i];
	return NULL;
}

static struct mk_entry *new_entry(struct mk_parser *ps, const char *name)
{
	struct mk_pack *mp = ps->mp;
	struct mk_entry *e;

	if (find_entry(mp, name)) {
		mk_perr(ps, "entry name '%s' is already used", name);
		return NULL;
	}
	if (mp->nentries == PACK_MAX_ENTRIES) {
		mk_perr(ps, "more than %d entries", PACK_MAX_ENTRIES);
		return NULL;
	}
	e = &mp->entries[mp->nentries++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->line = ps->line;
	return e;
}

static int new_template(struct mk_parser *ps, const char *name)
{
	struct mk_pack *mp = ps->mp;
	struct mk_template *t;
	u32 i;

	for (i = 0; i < mp->ntemplates; i++)
		if (!strcmp(mp->tmpl[i].name, name))
			return mk_perr(ps, "template '%s' is defined twice (first on line %d)",
				       name, mp->tmpl[i].line);
	if (mp->ntemplates == PACK_MAX_TEMPLATES)
		return mk_perr(ps, "more than %d templates", PACK_MAX_TEMPLATES);
	t = &mp->tmpl[mp->ntemplates++];
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->line = ps->line;
	t->vcpus = 1;
	t->priority = MK_DEFAULT_PRIORITY;
	memset(t->pin, PACK_PIN_NONE, sizeof(t->pin));
	ps->tmpl = t;
	return 0;
}

static int new_shm(struct mk_parser *ps, const char *name)
{
	struct mk_pack *mp = ps->mp;
	u32 i;

	for (i = 0; i < mp->nshm; i++)
		if (!strcmp(mp->shm[i].name, name))
			return mk_perr(ps, "shm '%s' is defined twice (first on line %d)", name,
				       mp->shm[i].line);
	if (mp->nshm == PACK_MAX_SHM)
		return mk_perr(ps, "more than %d shm regions", PACK_MAX_SHM);
	ps->shm = &mp->shm[mp->nshm++];
	snprintf(ps->shm->name, sizeof(ps->shm->name), "%s", name);
	ps->shm->line = ps->line;
	return 0;
}

/* "[template NAME]", "[entry NAME]" or "[shm NAME]" (s has its brackets). */
static int section(struct mk_parser *ps, char *s)
{
	char *end = strchr(s, ']'), *kind, *name;

	if (!end || *trim(end + 1))
		return mk_perr(ps, "section header must be [template NAME], [entry NAME] or [shm NAME]");
	*end = '\0';
	kind = trim(s + 1);
	name = kind + strcspn(kind, " \t");
	if (*name)
		*name++ = '\0';
	name = trim(name);
	if (!pack_name_ok(name))
		return mk_perr(ps, "bad name '%s': use 1 to %d of A-Z a-z 0-9 . _ + -", name,
			       PACK_NAME_LEN - 1);
	ps->tmpl = NULL;
	ps->entry = NULL;
	ps->shm = NULL;
	ps->entry_seen = 0;
	if (!strcmp(kind, "shm"))
		return new_shm(ps, name);
	if (!strcmp(kind, "template"))
		return new_template(ps, name);
	if (!strcmp(kind, "entry")) {
		ps->entry = new_entry(ps, name);
		return ps->entry ? 0 : -1;
	}
	return mk_perr(ps, "unknown section '%s' (template, entry or shm)", kind);
}

static int parse_line(struct mk_parser *ps, char *line)
{
	char *s = trim(line), *eq, *key;

	if (!*s || *s == '#')
		return 0;
	if (*s == '[')
		return section(ps, s);
	eq = strchr(s, '=');
	if (!eq)
		return mk_perr(ps, "expected 'key = value', a [section] or a # comment");
	*eq = '\0';
	key = trim(s);
	if (ps->tmpl)
		return mk_template_key(ps, key, trim(eq + 1));
	if (ps->entry)
		return mk_entry_key(ps, key, trim(eq + 1));
	if (ps->shm)
		return mk_shm_key(ps, key, trim(eq + 1));
	return mk_perr(ps, "'%s' outside a [template], [entry] or [shm] section", key);
}

char *mk_resolve_path(struct mk_parser *ps, const char *val)
{
	size_t len = strlen(ps->basedir) + strlen(val) + 2;
	char *path;

	if (!*val) {
		mk_perr(ps, "empty file name");
		return NULL;
	}
	path = malloc(len);
	if (!path)
		mk_perr(ps, "out of memory");
	else if (val[0] == '/')
		snprintf(path, len, "%s", val);
	else
		snprintf(path, len, "%s/%s", ps->basedir, val);
	return path;
}

/* ---- files and references ---------------------------------------------- */

static int load_entry_file(struct mk_parser *ps, struct mk_entry *e)
{
	int ret = mk_read_file(e->path, &e->data, &e->size);

	ps->line = e->line;
	if (ret)
		return mk_perr(ps, "cannot read '%s': %s", e->path, strerror(errno));
	if (!e->size)
		return mk_perr(ps, "'%s' is empty", e->path);
	return 0;
}

/* Kind from the contents: what a kernel / dtb / declared entry must be. */
static u32 detect_kind(const struct mk_entry *e)
{
	switch (loader_detect(e->data, e->size)) {
	case LOADER_FMT_ELF:
		return PACK_KIND_ELF;
	case LOADER_FMT_IMAGE:
		return PACK_KIND_IMAGE;
	default:
		return e->size >= 4 && ld_be32(e->data) == FDT_MAGIC ? PACK_KIND_DTB : 0;
	}
}

static int load_declared(struct mk_parser *ps, struct mk_entry *e)
{
	int ret;

	ps->line = e->line;
	if (!e->path)
		return mk_perr(ps, "entry '%s' has no 'file ='", e->name);
	ret = load_entry_file(ps, e);
	if (!ret && !e->kind)
		e->kind = detect_kind(e);
	if (!ret && !e->kind)
		return mk_perr(ps, "cannot tell what '%s' is: set kind = raw, initrd or blob",
			       e->path);
	return ret;
}

/* 0 for a dtb that is not one: it used to be the detected kind, so that
 * "dtb = kernel.elf" silently shared the kernel's entry and the error
 * came late, from lib/pack, without the dtb line. */
static u32 kind_for_role(const struct mk_entry *e, enum mk_role role)
{
	u32 k = detect_kind(e);

	if (role == MK_KERNEL)
		return k == PACK_KIND_ELF || k == PACK_KIND_IMAGE ? k : PACK_KIND_RAW;
	if (role == MK_INITRD)
		return PACK_KIND_INITRD;
	return k == PACK_KIND_DTB ? k : 0;
}

/* An entry for a path given directly: shared between templates that name
 * the same file for the same role, else called "<template>.<role>". */
static struct mk_entry *path_entry(struct mk_parser *ps, struct mk_template *t,
				   enum mk_role role, const char *path)
{
	static const char *const suffix[] = { "kernel", "initrd", "dtb" };
	struct mk_entry *e;
	char name[64];
	u32 i;

	for (i = 0; i < ps->mp->nentries; i++) {
		e = &ps->mp->entries[i];
		if (e->from_path && !strcmp(e->path, path) && e->kind == kind_for_role(e, role))
			return e;
	}
	snprintf(name, sizeof(name), "%s.%s", t->name, suffix[role]);
	if (!pack_name_ok(name)) {
		mk_perr(ps, "entry name '%s' is too long: declare the file in an [entry] section",
			name);
		return NULL;
	}
	e = new_entry(ps, name);
	if (!e)
		return NULL;
	e->path = strdup(path);
	if (!e->path || load_entry_file(ps, e))
		return NULL;
	e->from_path = true;
	e->kind = kind_for_role(e, role);
	if (role == MK_DTB && e->kind != PACK_KIND_DTB) {
		mk_perr(ps, "'%s' is not a device tree blob (no FDT magic)", path);
		return NULL;
	}
	return e;
}

static int resolve_ref(struct mk_parser *ps, struct mk_template *t, enum mk_role role)
{
	const char *src = t->src[role];
	struct mk_entry *e;

	if (!src)
		return 0;
	ps->line = t->src_line[role];
	if (src[0] == '@') {
		e = find_entry(ps->mp, src + 1);
		if (!e || e->from_path)
			return mk_perr(ps, "no [entry %s] in the manifest", src + 1);
	} else {
		e = path_entry(ps, t, role, src);
		if (!e)
			return -1;
	}
	snprintf(t->ref[role], sizeof(t->ref[role]), "%s", e->name);
	return 0;
}

/*
 * pcpus pins vCPUs, pcpu_mask restricts the VM: without a mask the pins
 * make it; with one, every pin must lie inside it. (key_pcpus used to OR
 * the pins into the mask, so "pcpu_mask = 0x4" then "pcpus = 1" failed
 * while the other order silently widened the mask to 0x6.)
 */
static int reconcile_pins(struct mk_parser *ps, struct mk_template *t)
{
	u64 pins = 0;
	u32 v;

	for (v = 0; v < t->npins; v++)
		pins |= 1ULL << t->pin[v];
	if (!t->pcpu_mask)
		t->pcpu_mask = pins;
	for (v = 0; v < t->npins; v++)
		if (!(t->pcpu_mask & (1ULL << t->pin[v])))
			return mk_perr(ps, "template '%s': pcpus puts vCPU %u on pCPU %u, outside pcpu_mask 0x%llx",
				       t->name, v, t->pin[v], (unsigned long long)t->pcpu_mask);
	return 0;
}

/* Keys that the pack cannot express as missing, and cross-key rules. */
static int finish_template(struct mk_parser *ps, struct mk_template *t)
{
	const struct mk_entry *k;
	int r, ret = 0;

	ps->line = t->line;
	if (!t->os || !t->src[MK_KERNEL] || !t->mem_size)
		return mk_perr(ps, "template '%s' needs os, kernel and memory", t->name);
	if (t->npins && t->npins != t->vcpus)
		return mk_perr(ps, "template '%s': pcpus lists %u pCPUs for %u vCPUs", t->name,
			       t->npins, t->vcpus);
	if (reconcile_pins(ps, t))
		return -1;
	for (r = 0; r < MK_ROLES && !ret; r++)
		ret = resolve_ref(ps, t, (enum mk_role)r);
	if (ret)
		return ret;
	k = find_entry(ps->mp, t->ref[MK_KERNEL]);
	ps->line = t->line;
	if (k->kind == PACK_KIND_RAW && !t->load_addr)
		return mk_perr(ps, "template '%s': kernel '%s' is a raw binary: set load_addr",
			       t->name, k->path);
	if (k->kind != PACK_KIND_RAW && t->load_addr)
		return mk_perr(ps, "template '%s': load_addr is only for raw kernels, '%s' is %s",
			       t->name, k->path, pack_kind_name(k->kind));
	return 0;
}

static int finish(struct mk_parser *ps)
{
	u32 i, n = ps->mp->nentries;	/* the declared ones, before any path_entry() */
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = load_declared(ps, &ps->mp->entries[i]);
	for (i = 0; i < ps->mp->ntemplates && !ret; i++)
		ret = finish_template(ps, &ps->mp->tmpl[i]);
	for (i = 0; i < ps->mp->nshm && !ret; i++)
		ret = mk_finish_shm(ps, &ps->mp->shm[i]);
	if (!ret && !ps->mp->ntemplates) {
		ps->line = 0;
		return mk_perr(ps, "no [template] in the manifest");
	}
	return ret;
}

int mk_parse_text(struct mk_pack *mp, const char *fname, const char *basedir, const char *text,
		  char *err, size_t errlen)
{
	struct mk_parser ps = { .mp = mp, .fname = fname, .basedir = basedir,
				.err = err, .errlen = errlen };
	char *copy = strdup(text), *line, *next;
	int ret = copy ? 0 : mk_perr(&ps, "out of memory");

	mp->fname = fname;
	for (line = copy; !ret && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ps.line++;
		ret = parse_line(&ps, line);
	}
	free(copy);
	return ret ? ret : finish(&ps);
}

int mk_parse_file(struct mk_pack *mp, const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	u8 *text;
	size_t size;
	int ret;

	if (mk_read_file(path, &text, &size)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (memchr(text, '\0', size)) {
		free(text);
		snprintf(err, errlen, "%s: not a text file (has a NUL byte)", path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	ret = mk_parse_text(mp, path, dir, (const char *)text, err, errlen);
	free(text);
	return ret;
}
