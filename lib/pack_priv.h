/* Internal to lib/pack*.c: the validation context shared by its parts. */
#ifndef LIB_PACK_PRIV_H
#define LIB_PACK_PRIV_H

#include <lib/errmsg.h>
#include <lib/pack.h>
#include <zvm/errno.h>
#include <zvm/compiler.h>

struct pack_ctx {
	struct pack *p;
	char *err;
	size_t errlen;
};

/* Format the reason into c->err; evaluates to -EBADMSG. */
#define pack_bad(c, ...) errmsg_set((c)->err, (c)->errlen, -EBADMSG, __VA_ARGS__)

/* NULL if the PACK_NAME_LEN field at f is a valid name (or "" when
 * may_be_empty), else what is wrong with it. */
const char *pack_name_problem(const u8 *f, bool may_be_empty);

/* Address of entry / template record i (the tables were bounds-checked). */
const u8 *pack_entry_rec(const struct pack *p, u32 i);
const u8 *pack_tmpl_rec(const struct pack *p, u32 i);
const u8 *pack_shm_rec(const struct pack *p, u32 i);

/* Index of the entry called name, or -ENOENT. */
int pack_entry_index(const struct pack *p, const char *name);

/* True when the n bytes at b are all zero (reserved fields). */
bool pack_all_zero(const u8 *b, size_t n);

/* Validate the template table (after the entries). */
int pack_check_templates(struct pack_ctx *c);
/* Validate the shm table (after the templates it names). */
int pack_check_shms(struct pack_ctx *c);

#endif
