/* Temporary: replaced by the delete-file implementation being merged. */
#include "scan/deletes.h"
#include "supertable/errors.h"
int st_posset_new(st_posset **out) { *out = NULL; return ST_EUNSUPPORTED; }
void st_posset_free(st_posset *s) { (void)s; }
int st_posset_union(st_posset *dst, const st_posset *src) { (void)dst; (void)src; return ST_EUNSUPPORTED; }
int st_posset_seal(st_posset *s) { (void)s; return 0; }
void st_posset_clear(const st_posset *s, int64_t first, int64_t n, uint8_t *keep) { (void)s; (void)first; (void)n; (void)keep; }
int st_dv_read(st_posset **out, const char *p, int64_t o, int64_t l) { (void)p; (void)o; (void)l; *out = NULL; return st_error_set(ST_EUNSUPPORTED, ST_ERROR_TABLE, "deletion vectors: not yet"); }
int st_posdel_read(const char *p, const char *const *paths, st_posset **sets, int n) { (void)p; (void)paths; (void)sets; (void)n; return st_error_set(ST_EUNSUPPORTED, ST_ERROR_TABLE, "position deletes: not yet"); }
int st_eqset_new(st_eqset **out, st_type *k) { (void)k; *out = NULL; return st_error_set(ST_EUNSUPPORTED, ST_ERROR_TABLE, "equality deletes: not yet"); }
void st_eqset_free(st_eqset *s) { (void)s; }
int st_eqset_add_file(st_eqset *s, const char *p, const char *m) { (void)s; (void)p; (void)m; return ST_EUNSUPPORTED; }
int st_eqset_apply(const st_eqset *s, const st_batch *b, uint8_t *keep) { (void)s; (void)b; (void)keep; return ST_EUNSUPPORTED; }
