/*
 * Image pack reader: the shared memory regions ([shm NAME] in a manifest).
 * A region names the templates that join it; a member's peer id is its
 * position in that list, so it is fixed by the pack, not by the order in
 * which VMs are created (docs/image-pack.md, docs/virtualization.md).
 */
#include "pack_priv.h"
#include <lib/byteorder_le.h>
#include <lib/string.h>
#include <zvm/errno.h>

static void decode_shm(const u8 *r, struct pack_shm *s)
{
	s->name = (const char *)r + PACK_SHM_NAME;
	s->size = ld_le64(r + PACK_SHM_SIZE);
	s->nmembers = ld_le32(r + PACK_SHM_NMEMBERS);
	memcpy(s->member, r + PACK_SHM_MEMBERS, PACK_SHM_MAX_PEERS);
}

static const char *tmpl_name(const struct pack *p, u32 t)
{
	return (const char *)pack_tmpl_rec(p, t) + PACK_TPL_NAME;
}

static int check_fields(struct pack_ctx *c, const struct pack_shm *s, const u8 *r)
{
	if (ld_le32(r + PACK_SHM_FLAGS))
		return pack_bad(c, "shm '%s': unknown flags 0x%x", s->name,
				ld_le32(r + PACK_SHM_FLAGS));
	if (!pack_all_zero(r + PACK_SHM_RESERVED, PACK_SHM_REC_SIZE - PACK_SHM_RESERVED))
		return pack_bad(c, "shm '%s': reserved bytes are not zero", s->name);
	if (s->size < PACK_SHM_MIN || s->size > PACK_SHM_MAX || (s->size & (s->size - 1)))
		return pack_bad(c, "shm '%s': size 0x%llx is not a power of two from 4 KiB to 128 MiB",
				s->name, (unsigned long long)s->size);
	if (s->nmembers == 0 || s->nmembers > PACK_SHM_MAX_PEERS)
		return pack_bad(c, "shm '%s': %u members, must be 1 to %u", s->name, s->nmembers,
				PACK_SHM_MAX_PEERS);
	return 0;
}

static int check_members(struct pack_ctx *c, const struct pack_shm *s)
{
	u32 i, j;

	for (i = 0; i < PACK_SHM_MAX_PEERS; i++) {
		if (i >= s->nmembers) {
			if (s->member[i] != PACK_SHM_NO_MEMBER)
				return pack_bad(c, "shm '%s': unused member slot %u is not 0x%x",
						s->name, i, PACK_SHM_NO_MEMBER);
			continue;
		}
		if (s->member[i] >= c->p->ntemplates)
			return pack_bad(c, "shm '%s': member %u is template %u, the pack has %u",
					s->name, i, s->member[i], c->p->ntemplates);
		for (j = 0; j < i; j++)
			if (s->member[j] == s->member[i])
				return pack_bad(c, "shm '%s': template '%s' is a member twice",
						s->name, tmpl_name(c->p, s->member[i]));
	}
	return 0;
}

static int check_shm(struct pack_ctx *c, u32 i)
{
	const u8 *r = pack_shm_rec(c->p, i);
	const char *why = pack_name_problem(r + PACK_SHM_NAME, false);
	struct pack_shm s;
	u32 j;
	int err;

	if (why)
		return pack_bad(c, "shm %u: name %s", i, why);
	decode_shm(r, &s);
	for (j = 0; j < i; j++)
		if (!strcmp(s.name, (const char *)pack_shm_rec(c->p, j) + PACK_SHM_NAME))
			return pack_bad(c, "duplicate shm name '%s' (regions %u and %u)", s.name, j,
					i);
	err = check_fields(c, &s, r);
	return err ? err : check_members(c, &s);
}

/* Whether region r lists template t, and where (its peer id). */
static bool shm_has_member(const struct pack *p, u32 r, u32 t, u32 *peer)
{
	struct pack_shm s;

	decode_shm(pack_shm_rec(p, r), &s);
	for (u32 i = 0; i < s.nmembers; i++)
		if (s.member[i] == t) {
			*peer = i;
			return true;
		}
	return false;
}

static u32 shms_of(const struct pack *p, u32 t, struct pack_shm_ref *refs, u32 max)
{
	u32 n = 0, peer;

	for (u32 r = 0; r < p->nshm; r++)
		if (shm_has_member(p, r, t, &peer)) {
			if (refs && n < max)
				refs[n] = (struct pack_shm_ref){ r, peer };
			n++;
		}
	return n;
}

int pack_check_shms(struct pack_ctx *c)
{
	u32 i, n;
	int err = 0;

	for (i = 0; !err && i < c->p->nshm; i++)
		err = check_shm(c, i);
	for (i = 0; !err && i < c->p->ntemplates; i++) {
		n = shms_of(c->p, i, NULL, 0);
		if (n > PACK_SHM_MAX_PER_TPL)
			err = pack_bad(c, "template '%s': joins %u shm regions, at most %u",
				       tmpl_name(c->p, i), n, PACK_SHM_MAX_PER_TPL);
	}
	return err;
}

u32 pack_shm_count(const struct pack *p)
{
	return p->nshm;
}

int pack_get_shm(const struct pack *p, u32 index, struct pack_shm *s)
{
	if (index >= p->nshm)
		return -ENOENT;
	decode_shm(pack_shm_rec(p, index), s);
	return 0;
}

u32 pack_template_shms(const struct pack *p, const char *name,
		       struct pack_shm_ref refs[PACK_SHM_MAX_PER_TPL])
{
	for (u32 t = 0; t < p->ntemplates; t++)
		if (!strcmp(name, tmpl_name(p, t)))
			return shms_of(p, t, refs, PACK_SHM_MAX_PER_TPL);
	return 0;
}
