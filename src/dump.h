/* dump.h: the inventory tree with states and stats as text or JSON, for
 * scripts and as the oracle of the tests (`virtdeck --dump [--json]`).
 * Numbers a host does not report are printed as "-" (text) or null (JSON),
 * never invented. */
#ifndef VD_DUMP_H
#define VD_DUMP_H
#include <stdbool.h>

struct model;
struct strbuf;

void dump_text(const struct model *m, bool demo, struct strbuf *out);
void dump_json(const struct model *m, bool demo, struct strbuf *out);

#endif
