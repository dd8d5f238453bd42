/* Internal to tools/mkpack/manifest*.c: the parser state. */
#ifndef TOOLS_MKPACK_MANIFEST_H
#define TOOLS_MKPACK_MANIFEST_H

#include "mkpack.h"

struct mk_parser {
	struct mk_pack *mp;
	const char *fname, *basedir;
	int line;
	struct mk_template *tmpl;	/* section being read: a template, */
	struct mk_entry *entry;		/* an entry, */
	struct mk_shm *shm;		/* a shm region, or none */
	unsigned int entry_seen;	/* keys given in the current [entry] */
	char *err;
	size_t errlen;
};

/* "fname:line: message" into ps->err (line 0: "fname: message"); -1. */
int mk_perr(struct mk_parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* malloc'd path of file name val, relative to the manifest's folder unless
 * absolute; NULL after reporting an error. */
char *mk_resolve_path(struct mk_parser *ps, const char *val);

/* One "key = value" line inside a [template] / [entry] section. */
int mk_template_key(struct mk_parser *ps, const char *key, char *val);
int mk_entry_key(struct mk_parser *ps, const char *key, char *val);
int mk_shm_key(struct mk_parser *ps, const char *key, char *val);
/* After the whole text: member names to template indices, sizes given. */
int mk_finish_shm(struct mk_parser *ps, struct mk_shm *s);

#endif
