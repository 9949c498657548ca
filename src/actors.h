/* actors.h -- actor classes for stance features: a small gazetteer, written for tasnif, of the
 * kinds of actor that news sentences accuse and that deny (states and their capitals used as
 * metonyms, demonyms, armies and forces, ministries, agencies, armed groups, companies,
 * officials), so that "اتهمت <state> <state> بـ…" generalizes past the names seen in training.
 *
 * Words are looked up bare: normalized, clitics split off (tsn_clitic_split), teh marbuta
 * folded to heh. The table is static data; nothing to create or free.
 */
#ifndef TSN_ACTORS_H
#define TSN_ACTORS_H

#include <stddef.h>

/* The class of the bare word w[0..len) ("state", "capital", "demonym", "army", "ministry",
 * "agency", "group", "company", "official"), or NULL when it names no actor class. */
const char *tsn_actor_class(const char *w, size_t len);

#endif
