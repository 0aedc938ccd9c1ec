/* bd-bench-people.c: synthetic persons and their spellings (bd-bench-people.h). */
#include "config.h"

#include <string.h>

#include "bd-bench-people.h"
#include "bd-name.h"

static const char *const surnames =
  "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter "
  "Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Köhler "
  "Jäger Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
  "Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright "
  "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Díaz "
  "Hernández "
  "Álvarez Jiménez Moreno Muñoz Romero Navarro Ruiz de_la_Cruz de_los_Santos del_Río Rossi "
  "Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco De_Luca Costa Dubois "
  "Lefèvre Moreau Laurent Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Guérin "
  "van_der_Berg van_Dijk de_Vries van_den_Bosch Jansen de_Jong Bakker Visser Mulder Nowak "
  "Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
  "Dąbrowski Kozłowski Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov "
  "Novikov Fedorov Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov "
  "Nikolaev Orlov Andreev Makarov Zakharov Shevchenko Bondarenko Kovalenko Boyko Tkachenko "
  "Kravchenko Oliynyk Shevchuk Koval Polishchuk Savchenko Rudenko Lysenko Petrenko Yılmaz "
  "Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin "
  "Kurt "
  "Mohammed Ahmed Ali Hassan Hussein Ibrahim Mahmoud Abdullah Al-Rashid Al-Masri Al-Hashimi "
  "El-Sayed Abdel-Rahman Haddad Khalil Mansour Nasser Saleh Yousef Hamdan Karimi Hosseini "
  "Ahmadi Rezaei Moradi Mohammadi Rahimi Kazemi Khan Hussain Shah Akhtar Malik Iqbal Qureshi "
  "Nguyen Tran Pham Hoang Phan Dang Bui Wang Zhang Liu Chen Yang Huang Zhao Zhou Kim Lee Park "
  "Choi Jung Kang Silva Santos Oliveira Souza Pereira Carvalho Ferreira Rodrigues Almeida "
  "Nascimento Araújo Ribeiro Okafor Adeyemi Okonkwo Mensah Boateng Diallo Traoré Koné Camara "
  "Keita Ndiaye Diop Mwangi Otieno Kamau Nielsen Jensen Hansen Pedersen Andersen Sørensen "
  "Rasmussen Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Virtanen "
  "Korhonen Mäkinen Nieminen Hämäläinen O'Brien O'Connor Murphy Kelly O'Sullivan Walsh "
  "McCarthy O'Neill Papadopoulos Papadakis Georgiou Nikolaou Horváth Nagy Kovács Tóth Szabó "
  "Novák Dvořák Černý Procházka Popescu Ionescu Dumitru Jovanović Petrović Nikolić "
  "Marković "
  "Đorđević Stojanović Pavlović Kovačević Garcia-Lopez Schmidt-Weber Ruiz-Navarro";

/* Syllables for the long tail of surnames, and endings by region. */
static const char *const syllables =
  "ka ro mi ta ne so lu ri ba de fo gu hi jo ke la mo nu pe ra se ti vo wa ya zo an el in or "
  "us ber dor gan lin mar nov par sal ten vik ash bel cor dra fen gal hor ist jan kol lev mun";
static const char *const endings =
  "- - - ov ova enko ski ska ez son sen ini ou ian ic er ani oglu ides escu ovic berg mann";


static const char *const given_names =
  "Mohammed Ahmed Ali Omar Youssef Ibrahim Hassan Hussein Khalid Mustafa Abdullah Mahmoud "
  "Fatima Aisha Khadija Maryam Zainab Layla Nour Sara Yuri Aleksandr Sergei Dmitri Andrei "
  "Mikhail Nikolai Ivan Vladimir Pavel Alexei Igor Oleg Viktor Yevgeni Konstantin Olga Elena "
  "Natalia Tatiana Svetlana Ekaterina Anastasia Yulia Maria Anna Irina Hans Peter Klaus Jürgen "
  "Jörg Günter Uwe Stefan Thomas Michael Andreas Wolfgang Ursula Monika Sabine Petra Renate "
  "Karin Søren Åsa Björn Lars Erik Anders Nils Ingrid Astrid John James Robert William David "
  "Richard Joseph Charles Christopher Daniel Matthew Mary Patricia Jennifer Linda Elizabeth "
  "Barbara Susan Jessica Sarah Karen José Juan Luis Carlos Jesús Antonio Manuel Francisco "
  "Javier Miguel Pablo Alejandro Carmen Lucía Isabel Pilar Rosa Dolores Giuseppe Giovanni "
  "Marco Luca Francesco Alessandro Matteo Paolo Giulia Francesca Chiara Jean Pierre François "
  "Michel Philippe Nicolas Marie Françoise Sophie Nathalie Jan Piotr Krzysztof Andrzej Tomasz "
  "Paweł Michał Katarzyna Małgorzata Agnieszka Mehmet Ahmet Hüseyin Emine Ayşe Fatma Zeynep "
  "Wei Fang Min Jing Minh Lan Hung Joao Gabriel Lucas Ana Beatriz Chinedu Chidi Ngozi Kwame "
  "Mamadou Moussa Aminata Fatoumata Seán Siobhán Niamh Giorgos Dimitris Eleni László Zoltán "
  "Jiří Ion Vasile Nikola Dragan Milica Oleksandr Volodymyr Mykola Olena Yusuf Suleiman Yahya";

/* Russian and Ukrainian persons are listed in Cyrillic one time in four. */
static const char *const cyrillic_surnames =
  "Иванов Смирнов Кузнецов Попов Петров Соколов "
  "Михайлов Новиков Фёдоров Морозов Волков "
  "Шевченко Бондаренко Коваленко Ткаченко Щербаков "
  "Журавлёв Хрущёв";
static const char *const cyrillic_given =
  "Юрий Александр Сергей Дмитрий Андрей Михаил "
  "Николай Иван Владимир Ольга Елена Наталья "
  "Татьяна Юлия Мария Анна Евгений Олександр Жанна "
  "Юлиана";

static const char *const nationalities =
  "DEU FRA ESP ITA NLD POL RUS UKR TUR EGY SYR IRQ IRN PAK AFG VNM CHN KOR BRA NGA SEN SWE "
  "NOR FIN IRL GRC HUN CZE ROU SRB GBR USA";

/* Spellings a traveller's document may use for a listed name: the
 * bench's own table, independent of the core's. */
static const char *const alternatives[] = {
  "MOHAMMED MUHAMMAD MOHAMED MOHAMAD MOHAMMAD MUHAMMED MOUHAMED",
  "AHMED AHMAD ACHMED", "YOUSSEF YUSUF YOUSEF JOUSSEF", "HUSSEIN HUSSAIN HUSEIN HOSSEIN",
  "HASSAN HASAN", "KHALID KHALED HALID", "MUSTAFA MOSTAFA MOUSTAFA MUSTAPHA",
  "ABDULLAH ABDALLAH ABDULLA", "MAHMOUD MAHMUD MAHMOOD", "FATIMA FATIMAH FATMA",
  "AISHA AICHA AYSHA", "KHADIJA KHADIDJA HADIJA", "MARYAM MARIAM", "OMAR UMAR",
  "IBRAHIM EBRAHIM IBRAGIM", "YURI YURIY IURII JURIJ", "ALEKSANDR ALEXANDER OLEKSANDR ALEXANDR",
  "SERGEI SERGEY SERHII", "DMITRI DMITRY DMYTRO DMITRIJ", "ANDREI ANDREY ANDRII",
  "MIKHAIL MYKHAILO MIHAIL", "NIKOLAI NIKOLAY MYKOLA", "VLADIMIR VOLODYMYR WLADIMIR",
  "ALEXEI ALEKSEI ALEKSEY OLEKSII", "YEVGENI EVGENY YEVHEN EVGENIY", "OLGA OLHA",
  "ELENA YELENA OLENA", "NATALIA NATALYA NATALIIA", "TATIANA TATYANA TETIANA",
  "YULIA YULIYA IULIIA JULIA", "EKATERINA YEKATERINA KATERYNA", "ANASTASIA ANASTASIYA",
  "IVANOV IVANOFF IWANOW", "PETROV PETROFF", "SMIRNOV SMIRNOFF", "POPOV POPOFF",
  "SHEVCHENKO SCHEWTSCHENKO SHEVTCHENKO", "KOVALENKO KOWALENKO", "MIKHAILOV MICHAILOW",
  "KUZNETSOV KUZNECOV KUSNEZOW", "ZHANG CHANG", "ZHOU CHOU", "ZHAO CHAO",
  "KOWALSKI KOVALSKI", "WOJCIK VOJCIK", "MCCARTHY MACCARTHY", "GEORGIOU YEORYIOU",
  "JOSEPH JOSEF YOSEF GIUSEPPE", "MEHMET MEHMED", "YUSUF YOUSOUF", "SULEIMAN SULEYMAN SULAYMAN",
  "NGUYEN NGUEN",
};

static char **pool_surnames, **pool_given, **pool_cyr_s, **pool_cyr_g, **pool_nat;
static char **pool_syllables, **pool_endings;
static guint n_surnames, n_given, n_cyr_s, n_cyr_g, n_nat, n_syllables, n_endings;

static char **
split_pool (const char *text, guint *n)
{
  char **v = g_strsplit (text, " ", -1);

  for (guint i = 0; v[i] != NULL; i++)
    g_strdelimit (v[i], "_", ' ');  /* de_la_Cruz: one pool word, three tokens */
  *n = g_strv_length (v);
  return v;
}

static const char *
pick (GRand *r, char **pool, guint n)
{
  return pool[g_rand_int_range (r, 0, (gint32) n)];
}

char *
bd_bench_random_date (GRand *r, int from, int to)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_rand_int_range (r, from, to + 1),
                          g_rand_int_range (r, 1, 13), g_rand_int_range (r, 1, 29));
}

static char *
syllable_surname (GRand *r)
{
  GString *s = g_string_new (NULL);
  int n = g_rand_int_range (r, 2, 4);
  const char *ending = pick (r, pool_endings, n_endings);

  for (int k = 0; k < n; k++)
    g_string_append (s, pick (r, pool_syllables, n_syllables));
  if (strcmp (ending, "-") != 0)
    g_string_append (s, ending);
  s->str[0] = g_ascii_toupper (s->str[0]);
  return g_string_free (s, FALSE);
}

char *
bd_bench_given_name (GRand *r)
{
  return bd_name_transliterate (pick (r, pool_given, n_given), FALSE);
}

BdWatchlistEntry *
bd_bench_make_person (GRand *r, guint i)
{
  BdWatchlistEntry *e = bd_watchlist_entry_new ();
  const char *nat = pick (r, pool_nat, n_nat);
  gboolean cyr = (strcmp (nat, "RUS") == 0 || strcmp (nat, "UKR") == 0) &&
                 g_rand_int_range (r, 0, 4) == 0;
  char *birth = bd_bench_random_date (r, 1940, 2008);
  int shape = g_rand_int_range (r, 0, 100);

  e->list = BD_WATCHLIST_PERSONS;
  e->action = (BdWatchlistAction) g_rand_int_range (r, 0, 3);
  g_free (e->surname);
  g_free (e->given_names);
  if (cyr)
    {
      e->surname = g_strdup (pick (r, pool_cyr_s, n_cyr_s));
      e->given_names = g_strdup (pick (r, pool_cyr_g, n_cyr_g));
    }
  else
    {
      e->surname = g_rand_boolean (r) ? g_strdup (pick (r, pool_surnames, n_surnames))
                                       : syllable_surname (r);
      e->given_names = g_rand_int_range (r, 0, 3) == 0
                       ? g_strdup_printf ("%s %s", pick (r, pool_given, n_given),
                                          pick (r, pool_given, n_given))
                       : g_strdup (pick (r, pool_given, n_given));
    }
  g_free (e->birth_date);
  if (shape < 85)
    e->birth_date = birth;
  else
    {
      e->birth_date = shape < 93 ? g_strndup (birth, 4) : shape < 97 ? g_strndup (birth, 7)
                                                                      : g_strdup ("");
      g_free (birth);
    }
  g_free (e->nationality);
  e->nationality = g_strdup (nat);
  g_free (e->reference);
  e->reference = g_strdup_printf ("B%07u", i);
  return e;
}

GPtrArray *
bd_bench_make_people (guint from, guint n, guint32 seed)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_watchlist_entry_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (a, bd_bench_make_person (r, from + i));
  return a;
}

void
bd_bench_people_init (void)
{
  pool_surnames = split_pool (surnames, &n_surnames);
  pool_given = split_pool (given_names, &n_given);
  pool_cyr_s = split_pool (cyrillic_surnames, &n_cyr_s);
  pool_cyr_g = split_pool (cyrillic_given, &n_cyr_g);
  pool_nat = split_pool (nationalities, &n_nat);
  pool_syllables = split_pool (syllables, &n_syllables);
  pool_endings = split_pool (endings, &n_endings);
}

void
bd_bench_query_clear (BdBenchQuery *q)
{
  g_strfreev (q->surname);
  g_strfreev (q->given);
  g_free (q->birth);
  g_free (q->nationality);
}

char *
bd_bench_joined (char **tokens)
{
  return g_strjoinv (" ", tokens);
}

/* Variants: what a traveller's document may say about a listed person. */

static const char *const kind_names[BD_BENCH_N_KINDS] = {
  "as listed (9303 MRZ form)", "umlauts as one letter (MULLER)", "surname and given swapped",
  "a given name missing", "an extra given name", "particles and spacing",
  "transliteration variant", "generic spelling rule", "typing error", "OCR misreading",
  "truncated MRZ name", "variant plus a typo elsewhere",
};

static const char *const spelling_rules[][2] = {
  { "KH", "H" }, { "PH", "F" }, { "OU", "U" }, { "SCH", "SH" }, { "SH", "SCH" }, { "W", "V" },
  { "V", "W" }, { "CK", "K" }, { "C", "K" }, { "EI", "EY" }, { "J", "Y" }, { "Y", "J" },
  { "SS", "S" }, { "LL", "L" }, { "MM", "M" }, { "NN", "N" }, { "TT", "T" }, { "FF", "F" },
  { "OV", "OFF" }, { "EV", "EFF" }, { "SKI", "SKY" }, { "IY", "I" }, { "EE", "I" },
  { "OO", "U" }, { "TCH", "CH" }, { "X", "KS" }, { "KS", "X" }, { "Q", "K" }, { "AE", "E" },
};

/* Letters an OCR engine mistakes for others in an MRZ font. */
static const char *const ocr_confusions[] = {
  "OQ", "QO", "OD", "DO", "IL", "LI", "IJ", "EF", "FE", "MN", "NM", "NH", "HN", "UV", "VU",
  "BR", "RB", "CG", "GC", "KX", "O0", "I1", "S5", "B8", "Z2",
};

static char **
field_of (BdBenchQuery *q, gboolean given)
{
  return given ? q->given : q->surname;
}

/* A random token of at least @min letters: field and index, FALSE if none. */
static gboolean
pick_token (BdBenchQuery *q, GRand *r, gsize min, gboolean *given, guint *index)
{
  guint n = 0, k;

  for (int f = 0; f < 2; f++)
    for (char **t = field_of (q, f); *t != NULL; t++)
      n += strlen (*t) >= min;
  if (n == 0)
    return FALSE;
  k = g_rand_int_range (r, 0, (gint32) n);
  for (int f = 0; f < 2; f++)
    for (guint i = 0; field_of (q, f)[i] != NULL; i++)
      if (strlen (field_of (q, f)[i]) >= min && k-- == 0)
        {
          *given = f;
          *index = i;
          return TRUE;
        }
  return FALSE;
}

static void
set_token (BdBenchQuery *q, gboolean given, guint index, char *value)
{
  char **field = field_of (q, given);

  g_free (field[index]);
  field[index] = value;
}

static char *
typo (const char *token, GRand *r)
{
  GString *s = g_string_new (token);
  guint pos = g_rand_int_range (r, 0, (gint32) s->len);
  char letter = (char) g_rand_int_range (r, 'A', 'Z' + 1);

  switch (g_rand_int_range (r, 0, 4))
    {
    case 0:
      s->str[pos] = letter != s->str[pos] ? letter : (char) ('A' + (letter - 'A' + 1) % 26);
      break;
    case 1:
      g_string_erase (s, pos, 1);
      break;
    case 2:
      g_string_insert_c (s, pos, letter);
      break;
    default:
      if (pos + 1 < s->len && s->str[pos] != s->str[pos + 1])
        {
          char c = s->str[pos];
          s->str[pos] = s->str[pos + 1];
          s->str[pos + 1] = c;
        }
      else
        g_string_erase (s, pos, 1);
    }
  return g_string_free (s, FALSE);
}

static gboolean
variant (BdBenchQuery *q, GRand *r, gboolean *given, guint *index)
{
  for (int tries = 0; tries < 2; tries++)
    for (int f = tries == 0 ? 0 : 1; f < 2; f++)
      for (guint i = 0; field_of (q, f)[i] != NULL; i++)
        for (guint a = 0; a < G_N_ELEMENTS (alternatives); a++)
          {
            g_auto(GStrv) names = g_strsplit (alternatives[a], " ", -1);
            guint n = g_strv_length (names), k;

            if (!g_strv_contains ((const char *const *) names, field_of (q, f)[i]))
              continue;
            do
              k = g_rand_int_range (r, 0, (gint32) n);
            while (strcmp (names[k], field_of (q, f)[i]) == 0);
            set_token (q, f, i, g_strdup (names[k]));
            *given = f;
            *index = i;
            return TRUE;
          }
  return FALSE;
}

static gboolean
spelling (BdBenchQuery *q, GRand *r, gboolean *given, guint *index)
{
  guint rules = G_N_ELEMENTS (spelling_rules), start = g_rand_int_range (r, 0, (gint32) rules);

  for (guint k = 0; k < rules; k++)
    {
      const char *from = spelling_rules[(start + k) % rules][0];
      const char *to = spelling_rules[(start + k) % rules][1];

      for (int f = 0; f < 2; f++)
        for (guint i = 0; field_of (q, f)[i] != NULL; i++)
          {
            const char *t = field_of (q, f)[i];
            const char *at = strstr (t, from);

            if (at == NULL)
              continue;
            set_token (q, f, i, g_strdup_printf ("%.*s%s%s", (int) (at - t), t, to,
                                                 at + strlen (from)));
            *given = f;
            *index = i;
            return TRUE;
          }
    }
  return FALSE;
}

gboolean
bd_bench_apply_kind (BdBenchKind kind, BdBenchQuery *q, const char *raw_surname, GRand *r)
{
  gboolean given;
  guint index, n_given = g_strv_length (q->given), n_surname = g_strv_length (q->surname);

  switch (kind)
    {
    case BD_BENCH_AS_LISTED:
      return TRUE;
    case BD_BENCH_UMLAUT:
      {
        g_autofree char *full = bd_name_transliterate (raw_surname, FALSE);
        g_autofree char *brief = bd_name_transliterate (raw_surname, TRUE);

        if (strcmp (full, brief) == 0)
          return FALSE;
        g_strfreev (q->surname);
        q->surname = g_strsplit (brief, " ", -1);
        return TRUE;
      }
    case BD_BENCH_ORDER:
      {
        char **t = q->surname;

        if (n_given == 0)
          return FALSE;
        q->surname = q->given;
        q->given = t;
        return TRUE;
      }
    case BD_BENCH_MIDDLE_MISSING:
      if (n_given < 2)
        return FALSE;
      index = g_rand_int_range (r, 0, (gint32) n_given);
      g_free (q->given[index]);
      memmove (q->given + index, q->given + index + 1, (n_given - index) * sizeof (char *));
      return TRUE;
    case BD_BENCH_MIDDLE_EXTRA:
      {
        g_autofree char *extra = bd_bench_given_name (r);

        q->given = g_renew (char *, q->given, n_given + 2);
        q->given[n_given] = g_steal_pointer (&extra);
        q->given[n_given + 1] = NULL;
        return TRUE;
      }
    case BD_BENCH_SPACING:
      {
        static const char *const particles[] = {
          "DE", "LA", "LOS", "DEL", "VAN", "DER", "DEN", "AL", "EL", "O", NULL,
        };
        g_autofree char *all = NULL;
        GPtrArray *kept;

        if (n_surname < 2)
          return FALSE;
        all = g_strjoinv ("", q->surname);
        kept = g_ptr_array_new_with_free_func (g_free);
        /* Particles dropped (DE LA CRUZ as CRUZ), or everything written
         * together (DELACRUZ, GARCIALOPEZ, OBRIEN). */
        for (guint i = 0; i < n_surname; i++)
          if (!g_strv_contains (particles, q->surname[i]))
            g_ptr_array_add (kept, g_strdup (q->surname[i]));
        if (kept->len == n_surname || g_rand_boolean (r))
          {
            g_ptr_array_set_size (kept, 0);
            g_ptr_array_add (kept, g_steal_pointer (&all));
          }
        g_ptr_array_add (kept, NULL);
        g_strfreev (q->surname);
        q->surname = (char **) g_ptr_array_free (kept, FALSE);
        return TRUE;
      }
    case BD_BENCH_VARIANT:
      return variant (q, r, &given, &index);
    case BD_BENCH_SPELLING:
      return spelling (q, r, &given, &index);
    case BD_BENCH_TYPO:
      if (!pick_token (q, r, 4, &given, &index))
        return FALSE;
      set_token (q, given, index, typo (field_of (q, given)[index], r));
      return TRUE;
    case BD_BENCH_OCR:
      {
        guint start = g_rand_int_range (r, 0, (gint32) G_N_ELEMENTS (ocr_confusions));

        if (!pick_token (q, r, 4, &given, &index))
          return FALSE;
        for (guint k = 0; k < G_N_ELEMENTS (ocr_confusions); k++)
          {
            const char *c = ocr_confusions[(start + k) % G_N_ELEMENTS (ocr_confusions)];
            char *at = strchr (field_of (q, given)[index], c[0]);

            if (at != NULL)
              {
                *at = c[1];
                return TRUE;
              }
          }
        return FALSE;
      }
    case BD_BENCH_TRUNCATED:
      {
        char **field = n_given > 0 ? q->given : q->surname;
        guint last = g_strv_length (field) - 1;
        gsize len = strlen (field[last]);

        if (len < 6)
          return FALSE;
        field[last][g_rand_int_range (r, 4, (gint32) len)] = '\0';
        return TRUE;
      }
    case BD_BENCH_TWO:
      {
        gboolean g2;
        guint i2;

        if (!variant (q, r, &given, &index) && !spelling (q, r, &given, &index))
          return FALSE;
        for (int tries = 0; tries < 8; tries++)
          if (pick_token (q, r, 4, &g2, &i2) && (g2 != given || i2 != index))
            {
              set_token (q, g2, i2, typo (field_of (q, g2)[i2], r));
              return TRUE;
            }
        return FALSE;
      }
    case BD_BENCH_N_KINDS:
    default:
      return FALSE;
    }
}

const char *
bd_bench_kind_name (BdBenchKind kind)
{
  return kind < BD_BENCH_N_KINDS ? kind_names[kind] : "?";
}

void
bd_bench_typo_everywhere (BdBenchQuery *q, GRand *r)
{
  for (int f = 0; f < 2; f++)
    for (guint k = 0; field_of (q, f)[k] != NULL; k++)
      if (strlen (field_of (q, f)[k]) >= 4)
        set_token (q, f, k, typo (field_of (q, f)[k], r));
}
