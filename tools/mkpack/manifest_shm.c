/*
 * [shm NAME] sections: an inter-VM shared memory region.
 *
 *   [shm rtlink]
 *   size = 64K              a power of two, 4K..128M
 *   members = rt, linux     1..8 distinct template names; peer id = position
 *
 * Member names are resolved once the whole manifest is read, so a region
 * may come before its templates.
 */
#include <string.h>

#include "manifest.h"
#include <lib/parse.h>

#define SHM_KEY_SIZE 1u
#define SHM_KEY_MEMBERS 2u

static int key_size(struct mk_parser *ps, struct mk_shm *s, char *val)
{
	if (str_to_size(val, &s->size))
		return mk_perr(ps, "size must be a size such as 64K or 0x10000, not '%s'", val);
	if (s->size < PACK_SHM_MIN || s->size > PACK_SHM_MAX || (s->size & (s->size - 1)))
		return mk_perr(ps, "shm size must be a power of two from 4K to 128M, not '%s'", val);
	return 0;
}

static int add_member(struct mk_parser *ps, struct mk_shm *s, const char *name)
{
	u32 i;

	if (s->nmembers == PACK_SHM_MAX_PEERS)
		return mk_perr(ps, "members lists more than %d templates", PACK_SHM_MAX_PEERS);
	if (!pack_name_ok(name))
		return mk_perr(ps, "member '%s' is not a template name", name);
	for (i = 0; i < s->nmembers; i++)
		if (!strcmp(s->member_name[i], name))
			return mk_perr(ps, "template '%s' is listed twice in members", name);
	snprintf(s->member_name[s->nmembers++], PACK_NAME_LEN, "%s", name);
	return 0;
}

static int key_members(struct mk_parser *ps, struct mk_shm *s, char *val)
{
	char *tok, *save = NULL;

	s->members_line = ps->line;
	for (tok = strtok_r(val, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
		if (add_member(ps, s, tok))
			return -1;
	return s->nmembers ? 0 : mk_perr(ps, "members needs a list of templates such as rt, linux");
}

int mk_shm_key(struct mk_parser *ps, const char *key, char *val)
{
	struct mk_shm *s = ps->shm;
	unsigned int bit = !strcmp(key, "size") ? SHM_KEY_SIZE :
			   !strcmp(key, "members") ? SHM_KEY_MEMBERS : 0;

	if (!bit)
		return mk_perr(ps, "unknown shm key '%s' (size or members)", key);
	if (s->seen & bit)
		return mk_perr(ps, "'%s' is given twice in shm '%s'", key, s->name);
	s->seen |= bit;
	return bit == SHM_KEY_SIZE ? key_size(ps, s, val) : key_members(ps, s, val);
}

int mk_finish_shm(struct mk_parser *ps, struct mk_shm *s)
{
	const struct mk_pack *mp = ps->mp;
	u32 i, t;

	ps->line = s->line;
	if (s->seen != (SHM_KEY_SIZE | SHM_KEY_MEMBERS))
		return mk_perr(ps, "shm '%s' needs size and members", s->name);
	memset(s->member, PACK_SHM_NO_MEMBER, sizeof(s->member));
	ps->line = s->members_line;
	for (i = 0; i < s->nmembers; i++) {
		for (t = 0; t < mp->ntemplates && strcmp(mp->tmpl[t].name, s->member_name[i]); t++)
			;
		if (t == mp->ntemplates)
			return mk_perr(ps, "shm '%s': no template '%s' in the manifest", s->name,
				       s->member_name[i]);
		s->member[i] = (u8)t;
	}
	return 0;
}
