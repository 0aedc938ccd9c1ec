/* bd-name-variants.c: groups of spellings of one name across scripts.
 *
 * Each line is one name as Arabic, Cyrillic, Greek, Chinese and Latin
 * writers romanise it; the first spelling is the group's canonical one.
 * A token belongs to a group when it is one of the spellings, or when its
 * fold (bd_name_fold) equals a spelling's fold and is at least five
 * characters long: so MOHAMMAD, which folds like MOHAMMED, joins without
 * being listed, while short folds (MOREAU and MARIE both fold to MARA) do
 * not join by accident.
 *
 * The generic rules of the fold already cover most variation (doubled
 * letters, OU/U, KH/H, J/Y/I, -OFF/-OV ...); a group is needed where
 * consonants differ: GIUSEPPE / YUSUF, SERHII / SERGEI, MICHAEL / MIKHAIL.
 */
#include "config.h"

#include <string.h>

#include "bd-name.h"

#define MIN_FOLD 5

static const char *const groups[] = {
  /* Arabic, Persian, Turkish, West African */
  "MUHAMMAD MOHAMMED MOHAMED MOHAMAD MOHAMMAD MUHAMMED MUHAMED MUHAMAD MOHAMMET MEHMET MEHMED "
    "MAHOMET MOUHAMED MOUHAMMAD MOHAMMADOU MAMADOU MAHAMAT MOHD MUHAMMET",
  "AHMAD AHMED AHMET ACHMED ACHMAD AHAMAD",
  "MAHMUD MAHMOUD MAHMOOD MAHMUT MACHMUD",
  "MUSTAFA MUSTAPHA MOSTAFA MOUSTAFA MUSTAFFA",
  "YUSUF YOUSSEF YOUSEF YUSEF YOSSEF JUSUF JOSEPH JOSEF IOSIF YOSEF JOZEF GIUSEPPE JOSE JOSIP",
  "IBRAHIM EBRAHIM IBRAGIM ABRAHAM AVRAHAM IBROHIM BRAHIM",
  "HUSAYN HUSSEIN HUSSAIN HUSAIN HOSSEIN HOSEIN HUSEYIN HUSEIN GUSEIN",
  "HASAN HASSAN HACAN GASAN",
  "UMAR OMAR OMER UMER",
  "UTHMAN OSMAN USMAN OTHMAN OUSMANE OUSMAN",
  "ABD ABDUL ABDEL ABDAL ABDOUL ABDOL ABDU",
  "ABDULLAH ABDALLAH ABDULLA ABDULA ABDALLA ABDOULLAH ABDULLOH",
  "KHALID KHALED HALID CHALID CHALED XALID KHALIT",
  "SULAYMAN SULEIMAN SULEYMAN SOLIMAN SLIMANE SULAIMAN SULEMAN SOLEIMAN",
  "YAQUB YAKUB JAKUB JACOB JAKOB IAKOV YAKOV YAAKOV JACQUES GIACOMO",
  "ISMAIL ISMAEL ESMAIL SMAIL",
  "YAHYA YAHIA JAHJA",
  "JAFAR JAAFAR DJAFAR DZHAFAR",
  "FATIMA FATIMAH FATMA FATEMA FATOUMATA FATIMATA",
  "AISHA AICHA AYSHA AYESHA AISCHA AICHATOU",
  "KHADIJA KHADIJAH HADIJA KHADIDJA CHADIDJA",
  "HAMID HAMEED HAMED CHAMID",
  "RASHID RACHID RASCHID RASHEED RASHIT",
  "SAID SAYED SAEED SAYYID SAEID SAIED",
  /* Slavic (9303 for Russian, Ukrainian, Belarusian; Polish, Czech, German
   * and French spellings) and their Western counterparts */
  "ALEKSANDR ALEXANDER ALEKSANDER ALEXANDR OLEKSANDR OLEXANDR ALIAKSANDR ALEKSANDAR "
    "ALEXANDRE ALESSANDRO ALEJANDRO ALEKSANDRS ALEKSANDRAS ALEKSANDRE",
  "ALEKSEI ALEXEI ALEKSEY ALEXEY OLEKSII OLEKSIY ALIAKSEI ALEKSEJ ALEXEJ",
  "YURI YURIY IURII JURIJ JURI YURIJ YOURI IOURI JURIY",
  "GEORGII GEORGIY GEORGI HEORHII GEORGE GIORGI JURGEN JORGE GEORG GIORGIO JERZY GYORGY",
  "SERGEI SERGEY SERHII SERHIY SERGIY SERGEJ SERGUEI SIARHEI SERGIU SERGIO",
  "ANDREI ANDREY ANDRII ANDRIY ANDRZEJ ANDREJ ANDRIJ ANDREW ANDREAS ANDRES ANDRE",
  "DMITRI DMITRY DMITRIY DMYTRO DIMITRI DIMITRIJ DMITRIJ DZMITRY DIMITRIS DIMITAR",
  "MIKHAIL MIHAIL MYKHAILO MICHAIL MIKHAYLO MICHAEL MICHAL MIKHAL MICHEL MIGUEL MIKAEL "
    "MICHELE MIHAI MIKHEIL",
  "NIKOLAI NIKOLAY MYKOLA MIKOLAJ NICOLAI NIKOLAJ MIKALAI NICOLAS NIKOLAOS NICHOLAS NIKOLA",
  "PAVEL PAVLO PAWEL PAUL PAULO PABLO PAOLO PAVOL PAVLOS PAVAL",
  "PETR PYOTR PETRO PETER PIOTR PIETRO PEDRO PIERRE PETAR PETRU PETROS PIOTRE",
  "IVAN IWAN IOAN IOANNIS IVANO JAN JOHN JUAN JOHANN JOHANNES GIOVANNI JOAO JEAN YAN",
  "VLADIMIR VOLODYMYR WLADIMIR WLODZIMIERZ ULADZIMIR VLADIMIRS",
  "YEVGENI EVGENI EVGENY EVGENIY YEVGENIY YEVHEN IEVGEN IEVGENII EUGENE EUGEN JEWGENI "
    "EUGENIO EUGENIUSZ YEVGENY",
  "KONSTANTIN KOSTIANTYN KONSTANTYN CONSTANTIN CONSTANTINE KONSTANTINOS COSTANTINO",
  "VIKTOR VICTOR WIKTOR VIKTAR",
  "GRIGORI GRIGORY GRIGORIY HRYHORII GRZEGORZ GREGORY GREGOR GREGORIO",
  "ILYA ILIA ILLIA ILJA ELIJAH",
  "MAKSIM MAXIM MAKSYM MAKSIMS MAXIME",
  "OLGA OLHA VOLHA",
  "ELENA YELENA OLENA ALENA HELENA HELENE JELENA ELENI",
  "NATALIA NATALYA NATALIYA NATALIIA NATALJA NATALIE NATHALIE",
  "MARIA MARIYA MARIIA MARIJA MARYAM MARIAM MIRIAM MARIE MARY",
  "EKATERINA YEKATERINA KATERYNA CATHERINE KATHARINA CATARINA CATERINA KATARZYNA KATERINA "
    "KATHERINE KATSIARYNA",
  "ANNA HANNA GANNA HANNAH",
  "TATIANA TATYANA TETIANA TATSIANA TATJANA",
  "SVETLANA SVITLANA SVIATLANA",
  "YULIA YULIYA IULIIA JULIA JULIJA YULIJA",
  "ANASTASIA ANASTASIYA ANASTASIIA NASTASIA",
  "VALENTIN VALENTYN VALENTINE VALENTINO",
  "OLEG OLEH ALEH",
  "IGOR IHOR IHAR",
  "GENNADI GENNADIY HENNADII GENADIJ",
  "VASILI VASILY VASYL VASILIY VASILIJ VASSILI VASILE",
  "SHCHERBAKOV SCHTSCHERBAKOW SZCZERBAKOW STCHERBAKOV SHERBAKOV",
  "KHRUSHCHEV CHRUSCHTSCHOW KHROUCHTCHEV CHRUSZCZOW HRUSHCHEV",
  /* Chinese: Pinyin and Wade-Giles */
  "ZHANG CHANG",
  "ZHOU CHOU",
  "ZHAO CHAO",
  "XU HSU",
  "XIAO HSIAO",
  "QIAN CHIEN",
  "ZHENG CHENG",
  "JIANG CHIANG",
};

typedef struct {
  GHashTable *by_text;   /* spelling -> canonical */
  GHashTable *by_fold;   /* fold (>= 4 characters) -> canonical */
} Tables;

static gpointer
build_tables (gpointer data)
{
  Tables *t = g_new0 (Tables, 1);

  t->by_text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t->by_fold = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_auto(GStrv) names = g_strsplit (groups[g], " ", -1);

      for (guint i = 0; names[i] != NULL; i++)
        {
          char *fold = bd_name_fold (names[i]);

          /* The first group to claim a spelling keeps it. */
          if (!g_hash_table_contains (t->by_text, names[i]))
            g_hash_table_insert (t->by_text, g_strdup (names[i]), g_strdup (names[0]));
          if (strlen (fold) >= MIN_FOLD && !g_hash_table_contains (t->by_fold, fold))
            g_hash_table_insert (t->by_fold, fold, g_strdup (names[0]));
          else
            g_free (fold);
        }
    }
  return t;
}

/* The tables live for the process, like a static table would. */
const char *
bd_name_variants_lookup (const char *text, const char *fold)
{
  static GOnce once = G_ONCE_INIT;
  Tables *t = g_once (&once, build_tables, NULL);
  const char *canonical = g_hash_table_lookup (t->by_text, text);

  if (canonical == NULL && fold != NULL && strlen (fold) >= MIN_FOLD)
    canonical = g_hash_table_lookup (t->by_fold, fold);
  return canonical;
}
