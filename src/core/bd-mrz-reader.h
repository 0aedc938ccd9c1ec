/* bd-mrz-reader.h: a serial or USB-CDC document reader.
 *
 * Readers send the zone as text lines (CR, LF or CRLF).  The reader object
 * reads them asynchronously on the thread-default main context (never
 * blocking it), joins lines until they make a complete zone, and emits
 * "zone" with the text.  Garbage and half zones are dropped with a state
 * message; an unplugged reader is reopened every few seconds.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BD_TYPE_MRZ_READER (bd_mrz_reader_get_type ())
G_DECLARE_FINAL_TYPE (BdMrzReader, bd_mrz_reader, BD, MRZ_READER, GObject)

typedef enum {
  BD_MRZ_READER_CLOSED,
  BD_MRZ_READER_READY,
  BD_MRZ_READER_ERROR,     /* see the state text; retrying */
} BdMrzReaderState;

BdMrzReader      *bd_mrz_reader_new            (const char *device_path);
/* Opens the device (raw mode for a tty) and starts reading.  A device that
 * is missing now is not an error: the reader keeps trying to open it. */
void              bd_mrz_reader_start          (BdMrzReader *self);
void              bd_mrz_reader_stop           (BdMrzReader *self);
BdMrzReaderState  bd_mrz_reader_get_state      (BdMrzReader *self);
/* "ready", or what is wrong, for the status bar. */
const char       *bd_mrz_reader_get_state_text (BdMrzReader *self);

G_END_DECLS
