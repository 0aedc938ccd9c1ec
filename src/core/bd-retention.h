/* bd-retention.h: personal data leaves the desk once its retention has passed.
 *
 * The desk is a working copy: HQ is the system of record and keeps what it
 * has acknowledged for the legal period.  So the desk keeps a crossing only
 * while it is of use here (the stay rule, a supervisor's review) and until
 * HQ has a receipted copy; then the crossing goes, with its amendments, and
 * so does every record about a traveller that nothing refers to any more.
 * The audit log stays whole (it holds ids and codes, never names or
 * document numbers), so the chain still verifies after a purge.
 *
 * What goes, each time the purge runs, with the cutoff C = today minus the
 * period (BD_SETTING_RETENTION_CROSSING_DAYS, never less than the post's
 * stay window):
 * - a crossing made before C that HQ has acknowledged (its outbox row is
 *   in a batch with a verified receipt; imported history, which is not
 *   this desk's to report, counts as acknowledged), whose amendments HQ has
 *   acknowledged too, and which is not the entry of a stay still open.  An
 *   admitted entry or exit goes only with the whole stay it belongs to: a
 *   traveller's admitted crossings (here and HQ's answers, merged as the
 *   stay rule merges them) go up to their last exit before C, and none
 *   after an admitted crossing that has to stay.  So every stay the rule
 *   can still see is kept whole, and its result on any day from today on is
 *   the same after a purge as before;
 * - the amendments of those crossings, and their outbox rows;
 * - HQ's history answers (remote_crossings) by the same rule, and an
 *   answer older than C with nothing left in it (remote_history);
 * - fingerprint exemptions recorded before C of travellers not seen here
 *   since C (an exemption carried by a kept crossing stays);
 * - documents and travellers nothing refers to any more (no crossing,
 *   template, exemption, HQ answer or open stay), made before C;
 * - the signed copies of acknowledged batches made before C (the batch row,
 *   its hash and receipt stay: the batch chain needs only the hash).
 *
 * What stays: everything HQ has not acknowledged, whatever its age; the
 * open-stays feed (HQ's word that someone is in the country, withdrawn by
 * HQ when they leave); shifts, officers and the audit log.  A shift keeps
 * its counts: what the purge takes is added to per-shift tallies
 * (shift_tallies, migration 006) that the shift report and list add in.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

/* Days a crossing is kept after it was made (default and floor: the
 * post's stay window, 180 days by default). */
#define BD_SETTING_RETENTION_CROSSING_DAYS "retention.crossing_days"

typedef struct {
  gint64 retention_days;    /* the period applied */
  gint64 templates;         /* bd_retention_run only: bd_template_purge's count */
  gint64 crossings;
  gint64 amendments;
  gint64 exemptions;
  gint64 documents;
  gint64 travellers;
  gint64 remote_crossings;  /* from HQ's history answers */
  gint64 remote_answers;    /* HQ's answers left empty */
  gint64 batch_payloads;    /* signed copies of acknowledged batches */
} BdRetentionCounts;

/* The personal-data purge.  Needs BD_PERM_PURGE (checked before anything
 * is read or written).  One transaction (a savepoint inside a caller's),
 * with one audit event, "retention.purge", whose details are the counts,
 * the period and the cutoff day.  @counts (out). */
gboolean    bd_retention_purge          (BdDb *db, const BdActor *actor,
                                         BdRetentionCounts *counts, GError **error);

/* Everything past retention: bd_template_purge, then bd_retention_purge,
 * in one transaction, recorded as the last run.  With @only_when_due it
 * does nothing (*@ran FALSE) when the last run was less than a day ago, so
 * that a desk syncing every minute purges once a day and does not fill the
 * audit log with empty purges.  Needs BD_PERM_PURGE and
 * BD_PERM_FINGERPRINT.  @ran (out, nullable), @counts (out). */
gboolean    bd_retention_run            (BdDb *db, const BdActor *actor, gboolean only_when_due,
                                         gboolean *ran, BdRetentionCounts *counts,
                                         GError **error);

/* {"retention_days", "templates", "crossings", ...}: the counts by name. */
JsonObject *bd_retention_counts_to_json (const BdRetentionCounts *counts);

G_END_DECLS
