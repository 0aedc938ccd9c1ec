/* test-stay.c: the short-stay rule against hand-worked cases and a
 * day-by-day reference model. */

#include <glib.h>
#include <string.h>

#include "bd-stay.h"

static guint32
jd (int year,
    int month,
    int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  g_assert_true (g_date_valid (&date));
  return g_date_get_julian (&date);
}

#define IN(y, m, d)  ((BdStayEvent) { jd (y, m, d), TRUE })
#define OUT(y, m, d) ((BdStayEvent) { jd (y, m, d), FALSE })

static BdStayResult
compute (const BdStayRule  *rule,
         const BdStayEvent *events,
         gsize              n_events,
         guint32            on)
{
  BdStayResult result;

  bd_stay_compute (rule, events, n_events, on, &result);
  return result;
}

static void
assert_result (const BdStayResult *result,
               int                 used,
               int                 remaining,
               int                 overstay,
               guint32             latest_exit)  /* 0: none */
{
  g_assert_cmpint (result->days_used, ==, used);
  g_assert_cmpint (result->days_remaining, ==, remaining);
  g_assert_cmpint (result->overstay_days, ==, overstay);
  if (latest_exit == 0)
    {
      g_assert_false (result->has_latest_exit);
    }
  else
    {
      g_assert_true (result->has_latest_exit);
      g_assert_cmpuint (result->latest_exit, ==, latest_exit);
    }
}

/* The reference model, written for obviousness rather than speed: a
 * traveller is present on a day when in the country at its start or when
 * any crossing happens on it; the days after @on are then filled in one by
 * one and every window is counted from scratch. */
static void
reference_compute (const BdStayRule  *rule,
                   const BdStayEvent *events,
                   gsize              n_events,
                   guint32            on,
                   BdStayResult      *result)
{
  gint64 base = (gint64) on - rule->window;
  for (gsize i = 0; i < n_events; i++)
    base = MIN (base, (gint64) events[i].day);
  gint64 end = (gint64) on + rule->window;
  g_autofree gboolean *present = g_new0 (gboolean, end - base + 1);
#define PRESENT(d) present[(d) - base]

  gboolean inside = FALSE;
  gsize next = 0;
  for (gint64 d = base; d <= on; d++)
    {
      gboolean today = inside;

      for (; next < n_events && events[next].day == d; next++)
        {
          today = TRUE;
          inside = events[next].is_entry;
        }
      PRESENT (d) = today;
    }
  PRESENT (on) = TRUE;

  int used = 0;
  for (gint64 d = on - rule->window + 1; d <= on; d++)
    used += PRESENT (d);

  memset (result, 0, sizeof *result);
  result->days_used = used;
  result->days_remaining = MAX (0, rule->days - used);
  result->overstay_days = MAX (0, used - rule->days);

  for (gint64 last = on; last <= end; last++)
    {
      int count = 0;

      PRESENT (last) = TRUE;
      for (gint64 d = last - rule->window + 1; d <= last; d++)
        count += PRESENT (d);
      if (count > rule->days)
        break;
      result->has_latest_exit = TRUE;
      result->latest_exit = (guint32) last;
    }
#undef PRESENT
}

static void
test_stay_first_visit (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  BdStayEvent events[] = { IN (2026, 5, 1) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 5, 1));
  assert_result (&r, 1, 89, 0, jd (2026, 7, 29));

  /* No history at all: arriving today is the same first visit. */
  r = compute (&rule, NULL, 0, jd (2026, 5, 1));
  assert_result (&r, 1, 89, 0, jd (2026, 7, 29));
}

static void
test_stay_same_day (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  BdStayEvent earlier[] = { IN (2026, 3, 10), OUT (2026, 3, 10) };
  BdStayEvent today[] = { IN (2026, 5, 1), OUT (2026, 5, 1) };
  BdStayResult r;

  /* One day in March, plus today. */
  r = compute (&rule, earlier, G_N_ELEMENTS (earlier), jd (2026, 5, 1));
  assert_result (&r, 2, 88, 0, jd (2026, 7, 28));

  /* In and out on @on itself: one day, and still taken to be present. */
  r = compute (&rule, today, G_N_ELEMENTS (today), jd (2026, 5, 1));
  assert_result (&r, 1, 89, 0, jd (2026, 7, 29));
}

static void
test_stay_exactly_limit (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* 2 Jan - 31 Mar 2026: 30 + 28 + 31 = 89 days, plus 10 Apr = 90. */
  BdStayEvent events[] = { IN (2026, 1, 2), OUT (2026, 3, 31) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 4, 10));
  /* 2 Jan leaves the window only on 1 Jul, so today is the last day. */
  assert_result (&r, 90, 0, 0, jd (2026, 4, 10));
}

static void
test_stay_over_limit (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* 1 Jan - 31 Mar 2026: 90 days, plus 10 Apr = 91. */
  BdStayEvent events[] = { IN (2026, 1, 1), OUT (2026, 3, 31) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 4, 10));
  assert_result (&r, 91, 0, 1, 0);
}

static void
test_stay_sliding (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* 1 Jan - 1 Mar 2026: 31 + 28 + 1 = 60 days; with 1 Jun, 61 used.
   * Staying on, the count reaches 89 on 29 Jun (on + 28); from 30 Jun
   * (1 Jan + 180) to 28 Aug (1 Mar + 180) each new day pushes one day of
   * that stay out, so the count holds at 89; 29 Aug makes 90, 30 Aug 91.
   * A naive on + remaining would say 30 Jun. */
  BdStayEvent events[] = { IN (2026, 1, 1), OUT (2026, 3, 1) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 6, 1));
  assert_result (&r, 61, 29, 0, jd (2026, 8, 29));
}

static void
test_stay_open (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* Entered 1 Apr, still here on 1 May: 31 days. */
  BdStayEvent events[] = { IN (2026, 4, 1) };
  BdStayEvent long_ago[] = { IN (2025, 1, 1) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 5, 1));
  assert_result (&r, 31, 59, 0, jd (2026, 6, 29));

  /* Open since before the window: every day of the window is used. */
  r = compute (&rule, long_ago, G_N_ELEMENTS (long_ago), jd (2026, 5, 1));
  assert_result (&r, 180, 0, 90, 0);
}

static void
test_stay_exit_without_entry (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  BdStayEvent events[] = { OUT (2026, 4, 10) };
  BdStayEvent two[] = { OUT (2026, 4, 10), OUT (2026, 4, 20) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 5, 1));
  assert_result (&r, 2, 88, 0, jd (2026, 7, 28));

  r = compute (&rule, two, G_N_ELEMENTS (two), jd (2026, 5, 1));
  assert_result (&r, 3, 87, 0, jd (2026, 7, 27));
}

static void
test_stay_consecutive_entries (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* The second entry continues the stay opened on 1 Apr: 1-20 Apr. */
  BdStayEvent entries[] = { IN (2026, 4, 1), IN (2026, 4, 10), OUT (2026, 4, 20) };
  /* 1-5 Apr, then a lone exit on 10 Apr. */
  BdStayEvent exits[] = { IN (2026, 4, 1), OUT (2026, 4, 5), OUT (2026, 4, 10) };
  BdStayResult r;

  r = compute (&rule, entries, G_N_ELEMENTS (entries), jd (2026, 5, 1));
  assert_result (&r, 21, 69, 0, jd (2026, 7, 9));

  r = compute (&rule, exits, G_N_ELEMENTS (exits), jd (2026, 5, 1));
  assert_result (&r, 7, 83, 0, jd (2026, 7, 23));
}

static void
test_stay_leap_year (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* 1 Feb - 31 Mar 2028: 29 + 31 = 60 days; with 1 May, 61.  The count
   * reaches 90 on 30 May (on + 29); 1 Feb leaves the window only in July. */
  BdStayEvent spring[] = { IN (2028, 2, 1), OUT (2028, 3, 31) };
  BdStayEvent across[] = { IN (2028, 2, 28) };
  BdStayEvent feb28[] = { OUT (2028, 2, 28) };
  BdStayEvent feb29[] = { OUT (2028, 2, 29) };
  BdStayResult r;

  r = compute (&rule, spring, G_N_ELEMENTS (spring), jd (2028, 5, 1));
  assert_result (&r, 61, 29, 0, jd (2028, 5, 30));

  /* 28 Feb, 29 Feb, 1 Mar. */
  r = compute (&rule, across, G_N_ELEMENTS (across), jd (2028, 3, 1));
  assert_result (&r, 3, 87, 0, jd (2028, 5, 27));

  /* The 180-day window ending 26 Aug 2028 starts on 29 Feb 2028. */
  r = compute (&rule, feb28, G_N_ELEMENTS (feb28), jd (2028, 8, 26));
  g_assert_cmpint (r.days_used, ==, 1);
  r = compute (&rule, feb29, G_N_ELEMENTS (feb29), jd (2028, 8, 26));
  g_assert_cmpint (r.days_used, ==, 2);
  /* ...and on 27 Aug, 29 Feb has left it. */
  r = compute (&rule, feb29, G_N_ELEMENTS (feb29), jd (2028, 8, 27));
  g_assert_cmpint (r.days_used, ==, 1);
}

static void
test_stay_after_on_ignored (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* The exit of 1 Jun is in the future of 1 May: the stay is open. */
  BdStayEvent exit_later[] = { IN (2026, 4, 1), OUT (2026, 6, 1) };
  BdStayEvent later[] = { IN (2026, 6, 1), OUT (2026, 6, 20) };
  /* An exit on @on closes the stay; the traveller still counts as present. */
  BdStayEvent exit_today[] = { IN (2026, 4, 1), OUT (2026, 5, 1), IN (2026, 5, 2) };
  BdStayResult r;

  r = compute (&rule, exit_later, G_N_ELEMENTS (exit_later), jd (2026, 5, 1));
  assert_result (&r, 31, 59, 0, jd (2026, 6, 29));

  r = compute (&rule, later, G_N_ELEMENTS (later), jd (2026, 5, 1));
  assert_result (&r, 1, 89, 0, jd (2026, 7, 29));

  r = compute (&rule, exit_today, G_N_ELEMENTS (exit_today), jd (2026, 5, 1));
  assert_result (&r, 31, 59, 0, jd (2026, 6, 29));
}

static void
test_stay_custom_rule (void)
{
  BdStayRule rule = { 30, 60 };
  /* 10-29 Mar 2026: 20 days; the 60-day window ending 1 May starts 3 Mar,
   * so 21 used.  The count reaches 28 on 8 May; 9-28 May each push a day
   * of that stay out (10-29 Mar + 60); 29 May makes 29, 30 May 30. */
  BdStayEvent events[] = { IN (2026, 3, 10), OUT (2026, 3, 29) };
  BdStayEvent edge[] = { OUT (2026, 3, 2), OUT (2026, 3, 3) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 5, 1));
  assert_result (&r, 21, 9, 0, jd (2026, 5, 30));

  r = compute (&rule, edge, G_N_ELEMENTS (edge), jd (2026, 5, 1));
  g_assert_cmpint (r.days_used, ==, 2);
}

static void
test_stay_contract_shape (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  /* 1 Mar - 5 Apr 2026: 36 days; with 1 May, 37, as in CONTRACT.md's
   * example.  Nothing leaves the window before late August, so the count
   * is 37 + k on 1 May + k and reaches 90 at k = 53: 23 Jun.  (The
   * example's "2026-06-22" is on + 52, one day short of its own rule; the
   * first-visit case, 89 remaining and latest exit on + 89, agrees with
   * on + remaining.) */
  BdStayEvent events[] = { IN (2026, 3, 1), OUT (2026, 4, 5) };
  BdStayResult r;

  r = compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 5, 1));
  assert_result (&r, 37, 53, 0, jd (2026, 6, 23));
  g_assert_cmpuint (r.latest_exit, ==, jd (2026, 5, 1) + r.days_remaining);
}

static void
test_stay_window_edges (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  guint32 on = jd (2026, 5, 1);
  BdStayEvent inside[] = { { on - 179, FALSE } };
  BdStayEvent outside[] = { { on - 180, FALSE } };
  /* A stay that ends on the first day of the window counts that one day. */
  BdStayEvent straddle[] = { { on - 250, TRUE }, { on - 179, FALSE } };
  BdStayResult r;

  r = compute (&rule, inside, 1, on);
  g_assert_cmpint (r.days_used, ==, 2);
  r = compute (&rule, outside, 1, on);
  g_assert_cmpint (r.days_used, ==, 1);
  r = compute (&rule, straddle, G_N_ELEMENTS (straddle), on);
  g_assert_cmpint (r.days_used, ==, 2);
  /* That day leaves the window tomorrow, so the count holds for one day. */
  g_assert_cmpuint (r.latest_exit, ==, on + 89);
}

static void
test_stay_long_history (void)
{
  BdStayRule rule = BD_STAY_RULE_DEFAULT;
  guint32 on = jd (2030, 1, 1);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (BdStayEvent));

  /* Ten years of weekly commuting: in on Monday, out on Wednesday. */
  for (guint32 day = on - 3650; day < on; day += 7)
    {
      BdStayEvent in = { day, TRUE };
      BdStayEvent out = { day + 2, FALSE };

      g_array_append_val (events, in);
      g_array_append_val (events, out);
    }
  g_assert_cmpuint (events->len, >, 1000);

  BdStayResult r, ref;
  bd_stay_compute (&rule, (BdStayEvent *) events->data, events->len, on, &r);
  reference_compute (&rule, (BdStayEvent *) events->data, events->len, on, &ref);
  g_assert_cmpmem (&r, sizeof r, &ref, sizeof ref);
  g_assert_cmpint (r.days_used, >, 70);
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const BdStayEvent *x = a, *y = b;

  return (x->day > y->day) - (x->day < y->day);
}

/* Random histories against the reference.  Seeded by g_test (--seed to
 * replay); rules, window lengths and event densities vary so that the
 * edges (open stays, lone exits, same-day pairs, events after @on,
 * stays leaving the window) all come up. */
static void
test_stay_random (void)
{
  for (int iter = 0; iter < 4000; iter++)
    {
      BdStayRule rule = BD_STAY_RULE_DEFAULT;
      if (g_test_rand_bit ())
        {
          rule.window = g_test_rand_int_range (2, 200);
          rule.days = g_test_rand_int_range (1, rule.window);
        }

      guint32 on = jd (2026, 1, 1) + (guint32) g_test_rand_int_range (0, 2000);
      int span = rule.window * g_test_rand_int_range (1, 4) + 10;
      int n = g_test_rand_int_range (0, 8) == 0 ? g_test_rand_int_range (20, 300)
                                                : g_test_rand_int_range (0, 12);
      g_autofree BdStayEvent *events = g_new0 (BdStayEvent, MAX (n, 1));

      for (int i = 0; i < n; i++)
        events[i].day = on - (guint32) span + (guint32) g_test_rand_int_range (0, span + 30);
      qsort (events, (gsize) n, sizeof *events, compare_events);

      /* Mostly alternating, as real crossings are, with noise. */
      gboolean entry = g_test_rand_bit ();
      for (int i = 0; i < n; i++)
        {
          events[i].is_entry = g_test_rand_int_range (0, 4) == 0 ? g_test_rand_bit () : entry;
          entry = !events[i].is_entry;
        }

      BdStayResult r, ref;
      bd_stay_compute (&rule, events, (gsize) n, on, &r);
      reference_compute (&rule, events, (gsize) n, on, &ref);

      if (memcmp (&r, &ref, sizeof r) != 0)
        {
          g_test_message ("rule %d/%d, on %u, %d events", rule.days, rule.window, on, n);
          for (int i = 0; i < n; i++)
            g_test_message ("  on - %d: %s", (int) on - (int) events[i].day,
                            events[i].is_entry ? "entry" : "exit");
        }
      g_assert_cmpint (r.days_used, ==, ref.days_used);
      g_assert_cmpint (r.days_remaining, ==, ref.days_remaining);
      g_assert_cmpint (r.overstay_days, ==, ref.overstay_days);
      g_assert_cmpint (r.has_latest_exit, ==, ref.has_latest_exit);
      g_assert_cmpuint (r.latest_exit, ==, ref.latest_exit);

      /* Invariants of the rule itself. */
      g_assert_cmpint (r.days_used, >=, 1);
      g_assert_cmpint (r.days_used, <=, rule.window);
      g_assert_cmpint (r.has_latest_exit, ==, r.days_used <= rule.days);
      if (r.has_latest_exit)
        {
          g_assert_cmpuint (r.latest_exit, >=, on + (guint32) r.days_remaining);
          g_assert_cmpuint (r.latest_exit, <, on + (guint32) rule.window - 1);
        }
    }
}

static void
test_stay_rule_validity (void)
{
  BdStayRule good[] = { { 90, 180 }, { 1, 2 }, { 30, 60 }, { 1, BD_STAY_WINDOW_MAX } };
  BdStayRule bad[] = { { 0, 180 }, { 180, 180 }, { 200, 180 }, { -1, 180 },
                       { 90, BD_STAY_WINDOW_MAX + 1 }, { 1, G_MAXINT } };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (bd_stay_rule_is_valid (&good[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (bd_stay_rule_is_valid (&bad[i]));

  /* The widest rule still works, one byte per window day. */
  BdStayRule wide = { BD_STAY_WINDOW_MAX - 1, BD_STAY_WINDOW_MAX };
  BdStayResult r = compute (&wide, NULL, 0, jd (2026, 5, 1));
  assert_result (&r, 1, BD_STAY_WINDOW_MAX - 2, 0,
                 jd (2026, 5, 1) + (guint32) BD_STAY_WINDOW_MAX - 2);
}

/* An invalid rule or unsorted history is a programmer error: a critical,
 * and a zeroed result rather than a read out of bounds. */
static void
test_stay_invalid_input (void)
{
  if (g_test_subprocess ())
    {
      BdStayRule rule = { 180, 180 };
      BdStayResult r;

      bd_stay_compute (&rule, NULL, 0, jd (2026, 5, 1), &r);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*bd_stay_rule_is_valid*");
}

static void
test_stay_unsorted (void)
{
  if (g_test_subprocess ())
    {
      BdStayRule rule = BD_STAY_RULE_DEFAULT;
      BdStayEvent events[] = { OUT (2026, 4, 20), IN (2026, 4, 1) };
      BdStayResult r;

      bd_stay_compute (&rule, events, G_N_ELEMENTS (events), jd (2026, 5, 1), &r);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*events_are_sorted*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stay/first-visit", test_stay_first_visit);
  g_test_add_func ("/stay/same-day", test_stay_same_day);
  g_test_add_func ("/stay/exactly-limit", test_stay_exactly_limit);
  g_test_add_func ("/stay/over-limit", test_stay_over_limit);
  g_test_add_func ("/stay/sliding", test_stay_sliding);
  g_test_add_func ("/stay/open", test_stay_open);
  g_test_add_func ("/stay/exit-without-entry", test_stay_exit_without_entry);
  g_test_add_func ("/stay/consecutive-entries", test_stay_consecutive_entries);
  g_test_add_func ("/stay/leap-year", test_stay_leap_year);
  g_test_add_func ("/stay/after-on-ignored", test_stay_after_on_ignored);
  g_test_add_func ("/stay/custom-rule", test_stay_custom_rule);
  g_test_add_func ("/stay/contract-shape", test_stay_contract_shape);
  g_test_add_func ("/stay/window-edges", test_stay_window_edges);
  g_test_add_func ("/stay/long-history", test_stay_long_history);
  g_test_add_func ("/stay/random", test_stay_random);
  g_test_add_func ("/stay/rule-validity", test_stay_rule_validity);
  g_test_add_func ("/stay/invalid-input", test_stay_invalid_input);
  g_test_add_func ("/stay/unsorted", test_stay_unsorted);

  return g_test_run ();
}
