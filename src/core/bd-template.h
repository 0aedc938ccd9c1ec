/* bd-template.h: fingerprint templates and exemptions at rest.
 *
 * A template is the serialised print bd-fingerprint.h returns.  It is kept
 * sealed (AES-256-GCM under the desk data key, associated data: the
 * traveller id and the finger), one per traveller and finger, with its
 * capture time, reader driver and quality outcome.  Plaintext lives only
 * in GBytes that wipe themselves (bd_secret_bytes_new).  Templates are
 * purged once HQ has acknowledged the crossing that carried them and the
 * retention period has passed since the traveller was last seen here.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_TEMPLATE_ERROR (bd_template_error_quark ())
GQuark bd_template_error_quark (void);

typedef enum {
  BD_TEMPLATE_ERROR_KEY,       /* data.key unreadable, wrong size or readable by others */
  BD_TEMPLATE_ERROR_CRYPTO,    /* OpenSSL failed, or a sealed template does not open */
  BD_TEMPLATE_ERROR_INVALID,   /* a request that is not what was asked for */
  BD_TEMPLATE_ERROR_NOT_FOUND, /* no such document, or no template on file */
} BdTemplateError;

#define BD_DATA_KEY_SIZE 32

/* The retention period in days after the last crossing (default 180, the
 * stay window); templates of crossings HQ has not acknowledged stay. */
#define BD_SETTING_FINGER_RETENTION_DAYS "fingerprint.retention_days"
/* At most this many templates in a 1:N search (default 1000). */
#define BD_SETTING_FINGER_GALLERY_MAX "fingerprint.gallery_max"

/* The desk data key, `data.key` beside the database at @db_path: 32 random
 * bytes, created 0600 when @create and absent.  Refused when the file is
 * readable by group or others, or is not 32 bytes.  Wipe @key after use
 * (OPENSSL_cleanse). */
gboolean   bd_data_key_load        (const char *db_path, gboolean create,
                                    guint8 key[BD_DATA_KEY_SIZE], GError **error);

/* Seals and opens one template; @traveller_id and @finger are the
 * associated data. */
GBytes    *bd_template_seal        (const guint8 *key, gint64 traveller_id, const char *finger,
                                    GBytes *plain, GError **error);
GBytes    *bd_template_open        (const guint8 *key, gint64 traveller_id, const char *finger,
                                    GBytes *sealed, GError **error);

/* Finds the document's traveller; with @create, makes a record for an
 * unknown document (no other details known yet).  Inside or outside a
 * transaction.  FALSE with NOT_FOUND when unknown and not @create. */
gboolean   bd_document_resolve     (BdDb *db, const char *issuer, const char *number,
                                    gboolean create, gint64 *traveller_id, gint64 *document_id,
                                    GError **error);

typedef struct {
  gint64 traveller_id;
  gint64 document_id;
  const char *finger;      /* bd_finger_to_string () */
  GBytes *plain;           /* the serialised print */
  const char *driver;
  const char *quality;     /* "clean", "retried N" */
  gint64 crossing_id;      /* 0: none (CLI enrolment) */
} BdTemplateRecord;

/* Seals and stores @record (replacing the traveller's template for that
 * finger) and audits it as @actor.  Its own transaction, or a savepoint
 * in the caller's. */
gboolean   bd_template_store       (BdDb *db, const BdActor *actor, const guint8 *key,
                                    const BdTemplateRecord *record, GError **error);

/* The traveller's template for @finger, opened, or NULL: with @error
 * NOT_FOUND when there is none.  @driver (out, nullable). */
GBytes    *bd_template_load        (BdDb *db, const guint8 *key, gint64 traveller_id,
                                    const char *finger, char **driver, GError **error);

/* Whether the traveller has any template on file. */
gboolean   bd_template_exists      (BdDb *db, gint64 traveller_id, GError **error);

typedef struct {
  gint64 traveller_id;
  char *document;          /* "ISSUER:NUMBER" of the document at enrolment */
  char *finger;
  GBytes *plain;
} BdGalleryEntry;

void       bd_gallery_entry_free   (BdGalleryEntry *entry);

/* The desk gallery for 1:N search: the most recently captured templates
 * made by @driver (a print only matches on its own driver), at most the
 * setting BD_SETTING_FINGER_GALLERY_MAX, opened.  Of BdGalleryEntry. */
GPtrArray *bd_template_gallery     (BdDb *db, const guint8 *key, const char *driver,
                                    GError **error);

typedef enum {
  BD_EXEMPT_UNDER_12,
  BD_EXEMPT_MISSING,     /* finger missing for good */
  BD_EXEMPT_INJURED,     /* finger injured for good */
  BD_EXEMPT_TEMPORARY,   /* temporarily impossible: capture next time */
} BdExemptKind;

const char *bd_exempt_kind_to_string   (BdExemptKind kind);
gboolean    bd_exempt_kind_from_string (const char *text, BdExemptKind *kind);

/* Records an exemption instead of a capture, with its reason and whether
 * the traveller consented to the record; audited as @actor. */
gboolean   bd_exemption_record     (BdDb *db, const BdActor *actor, gint64 traveller_id,
                                    BdExemptKind kind, const char *reason, gboolean consent,
                                    gint64 crossing_id, GError **error);

/* Deletes the templates whose carrying crossing HQ has acknowledged and
 * whose traveller has not crossed here for the retention period; one
 * audit event with the count.  Returns the count, or -1 with @error. */
gint64     bd_template_purge       (BdDb *db, const BdActor *actor, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdGalleryEntry, bd_gallery_entry_free)

G_END_DECLS
