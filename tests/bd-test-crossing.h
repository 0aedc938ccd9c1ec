/* bd-test-crossing.h: a crossing request for a synthetic TD3 passport. */
#pragma once

#include <string.h>

#include "bd-crossing.h"
#include "bd-date.h"
#include "bd-demo.h"

/* Fills @req's identity and MRZ for a passport of @nat numbered @number,
 * of MUSTER ERIKA (F, born 1980-01-01), expiring @expiry (YYMMDD); the MRZ
 * (out) belongs to the caller.  Direction, decision and the rest are the
 * caller's; clear the identity with bd_identity_clear. */
static inline void
bd_test_td3_request (BdCrossingRequest *req, BdMrz **mrz, const char *nat, const char *number,
                     const char *expiry)
{
  g_autofree char *text = bd_demo_make_td3 (nat, "MUSTER", "ERIKA", number, nat, "800101", 'F',
                                            expiry);

  *mrz = bd_mrz_parse (text);
  g_assert_true ((*mrz)->valid);
  memset (req, 0, sizeof *req);
  bd_identity_from_mrz (&req->identity, *mrz, bd_today ());
  req->mrz = *mrz;
  req->source = BD_SOURCE_MRZ_READER;
}
