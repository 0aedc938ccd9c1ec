/* bd-password.h: officer password hashes (scrypt through OpenSSL 3).
 *
 * Stored form: "$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>", so the cost can
 * rise later without breaking old hashes.  Comparison is constant-time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BD_PASSWORD_ERROR (bd_password_error_quark ())
GQuark bd_password_error_quark (void);

typedef enum {
  BD_PASSWORD_ERROR_MALFORMED,  /* stored hash not in our format */
  BD_PASSWORD_ERROR_CRYPTO,     /* OpenSSL failed; message from ERR_error_string_n */
  BD_PASSWORD_ERROR_WEAK,       /* empty or too long a password */
} BdPasswordError;

/* Returns a newly allocated stored form, or NULL with @error set. */
char     *bd_password_hash  (const char *password, GError **error);

/* Sets *match.  Returns FALSE only when the check itself could not run. */
gboolean  bd_password_check (const char *password,
                             const char *stored,
                             gboolean   *match,
                             GError    **error);

G_END_DECLS
