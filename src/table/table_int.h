/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table layer (internal): loaded tables, transactions and their commit
 * loop, snapshot production (manifests, manifest lists), the data writer.
 */
#ifndef ST_TABLE_TABLE_INT_H
#define ST_TABLE_TABLE_INT_H

#include "catalog/catalog.h"
#include "spec/spec.h"
#include "spec/update.h"
#include "supertable/table.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/location.h"
#include "util/random.h"

/* ---------------------------------------------------------------- tables */

struct st_table {
    st_catalog *cat;            /* borrowed; NULL for a path table */
    char *ns, *name;            /* catalog tables */
    char *path_dir;             /* path tables: the table folder */
    char *display;              /* "ns.name" or the folder */
    st_location_map locmap;
    st_table_metadata *md;
    /* st_table_property() hands out st_property views of md->properties */
    st_property *props_view;
    st_property *summary_view;  /* per snapshot views, built lazily */
    int *summary_off;
};

/* Reads the metadata at `location` (after the location map), into t->md. */
int st_table_load_metadata(st_table *t, const char *location);
/* The table's current metadata location from its catalog (or folder). */
int st_table_current_location(st_table *t, char **out);
/* Creates the st_table for a catalog entry (copies names). */
int st_table_new(st_table **out, st_catalog *cat, const char *ns, const char *name,
                 const char *path_dir, const st_location_map *lm);
/* Replaces t->md (takes ownership) and drops derived views. */
void st_table_set_metadata(st_table *t, st_table_metadata *md);

/* Splits "a.b.t" into namespace "a.b" and name "t" (st_free both). */
int st_split_table_name(const char *full, char **ns, char **name);

/* Metadata folder of a table: write.metadata.path or <location>/metadata. */
int st_table_metadata_dir(char **out, const st_table_metadata *md);
/* Data folder: write.data.path or <location>/data. */
int st_table_data_dir(char **out, const st_table_metadata *md);

/*
 * Publishes a new metadata version: serializes `md`, then swaps the catalog's
 * pointer (or creates the next vN file of a path table) from `base_location`
 * (NULL for a create). ST_ECONFLICT when another commit won; ST_EUNKNOWN when
 * the outcome is unknown. @param[out] new_location st_free() it.
 */
int st_table_publish(st_table *t, const char *base_location, const st_table_metadata *md,
                     char **new_location);

/* ----------------------------------------------------------- data files */

/*
 * The file metrics of a written Parquet file as Iceberg column stats, with the
 * table's metrics modes (write.metadata.metrics.default / .column.<name>:
 * none, counts, truncate(N), full; default truncate(16)) applied.
 * Strings and bytes are allocated in `arena`.
 */
struct st_parquet_file_metrics;
int st_data_file_from_parquet(st_data_file *out, st_arena *arena, const char *path,
                              const struct st_parquet_file_metrics *m,
                              const st_table_metadata *md, const st_schema *schema);

/* ----------------------------------------------------------- data writer */

typedef struct st_data_writer st_data_writer;

/*
 * Writes batches of the table's schema into partitioned, sorted Parquet files
 * under the data folder, rolled at write.target-file-size-bytes. Files are
 * named <partition path>/<NNNNN>-<k>-<txn uuid>-<NNNNN>.parquet.
 */
int st_data_writer_open(st_data_writer **out, const st_table_metadata *md, const char *txn_uuid,
                        const st_location_map *lm);
int st_data_writer_write(st_data_writer *w, const st_batch *b);
/*
 * Closes every open file and hands out the data files written (in `arena`).
 * Frees the writer. On failure the files already written are left for the
 * caller to delete: *files/n hold them either way.
 */
int st_data_writer_close(st_data_writer *w, st_arena *arena, st_data_file **files, int *n);
void st_data_writer_abort(st_data_writer *w);

/* A deep copy of a data file (path, stats, partition values, offsets) into `a`. */
int st_data_file_copy(st_data_file *dst, const st_data_file *src, st_arena *a);

/* Partition path "ts_day=2024-03-01/id_bucket=3" of a tuple (Java's human strings). */
int st_partition_path(st_buf *out, const st_partition_spec *spec, const st_value *tuple);


#endif
