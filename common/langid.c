/*
** langid.c -- kq_lang_detect(): the Snowball language a text is written in,
** for kq-index --detect-lang.
**
** Method (script first, then stop words; no statistics to train or ship):
**
**  1. Only the first KQ_LANGID_MAX_BYTES bytes are read (a character cut at
**     that limit, and bytes that are not UTF-8, separate words).  A *word*
**     is a run of letters and combining marks (general categories L*, M*;
**     format characters such as ZWJ/ZWNJ inside a run are skipped); digits,
**     punctuation, spaces and symbols separate words.  A single letter
**     followed by "." is an initial ("U.S.", "N.Y."), not a word.
**  2. Every letter counts for its script, by code-point range (script_of()
**     below: Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari,
**     Tamil; any other letter counts as "other").  The script with the most
**     letters must hold more than half of them, and must be written by a
**     Snowball language: otherwise (Chinese, Thai, Korean, a jumble of
**     scripts) the answer is NULL.  So is a text of fewer than
**     LANGID_MIN_WORDS words.
**  3. A script with one Snowball language and no other language commonly
**     written in it decides alone: Greek -> greek, Armenian -> armenian,
**     Tamil -> tamil.
**  4. Otherwise (Latin: 19 languages and serbian; Cyrillic: russian and
**     serbian; Devanagari: hindi and nepali; Hebrew: yiddish, against
**     Hebrew; Arabic: arabic, against Persian) stop-word profiles decide.
**     A profile is a hand-written list of 40-95 of the language's most
**     frequent function words, lower case with their accents, in NFC
**     (scripts/langid-words.py holds the lists and writes them below as
**     one table sorted by bytes, each word with a bit for every profile
**     listing it; t_langid.c checks order and folding).  Each word of the
**     text is folded the same way -- Unicode case folding, then NFC
**     (Turkish dotted capital I folds to "i") -- and looked up (one binary
**     search).  A word found in k profiles adds LANGID_UNIT/k to each: a
**     word that only one language uses ("the", "und", "och") counts
**     fully, one that many share ("de", "a", "la") little.
**  5. The best profile of the majority script wins if at least
**     LANGID_MIN_HITS different words of the text are in its list and its
**     score leads the runner-up's by LANGID_MIN_LEAD; otherwise NULL.  A few
**     decoy profiles of languages without a Snowball stemmer (Polish,
**     Czech, Ukrainian, Bulgarian, Hebrew, Persian) take part: when one of
**     them wins, the answer is NULL too.
**
** kq_lang_detect() reads only its arguments and constant tables and
** allocates nothing (the folding scratch is on the stack): it is
** thread-safe, and its time is linear in min(nText, KQ_LANGID_MAX_BYTES).
** tests/bench/langid-accuracy.sh measures it on real text.
*/
#include "kq_int.h"

#include <string.h>
#include <utf8proc.h>

/* Fewer words than this is too little text to tell a language by (a
** title, a name, a date line): NULL.  Four still lets a short sentence of
** a single-language script (Greek, Arabic, ...) through. */
#define LANGID_MIN_WORDS 4
/* The score of a word only one profile lists: divisible by 1..10, so that
** LANGID_UNIT/k is exact for words shared by up to ten profiles (the
** eleven or twelve that list "a" or "de" get it rounded down). */
#define LANGID_UNIT 2520
/* A winner needs at least this many different words of the text in its
** list: one short word ("a", "i", "o") is a coincidence in most languages,
** and so is one repeated (a table of months has "Mar" for Irish "mar"). */
#define LANGID_MIN_HITS 2
/* ... and must lead the runner-up by at least this score: half a word
** that only it lists, i.e. one word that it shares with one other
** language at most.  Close relatives (danish/norwegian, spanish/catalan/
** portuguese) share most function words, so a smaller lead is noise.
** (Measured with tests/bench/langid-accuracy.sh: this did better than a
** lead of one whole word, than any lead at all, and than a lead of 25% of
** the runner-up's score.) */
#define LANGID_MIN_LEAD (LANGID_UNIT / 2)

/* Scripts, as far as Snowball languages are concerned. */
/* clang-format off */
enum {
    SC_NONE,        /* letters of no particular script (modifier letters) */
    SC_LATIN, SC_GREEK, SC_CYRILLIC, SC_ARMENIAN, SC_HEBREW, SC_ARABIC,
    SC_DEVANAGARI, SC_TAMIL,
    SC_OTHER,       /* a script no Snowball language writes (Han, Thai...) */
    N_SCRIPT
};

/* Code-point ranges of the letters of each script (Unicode's Scripts.txt
** blocks for them, presentation forms and extensions included). */
static const struct script_range {
    utf8proc_int32_t lo, hi;
    int eScript;
} aRange[] = {
    {0x0041, 0x024F, SC_LATIN},      /* ASCII to Latin Extended-B */
    {0x0250, 0x02AF, SC_LATIN},      /* IPA extensions */
    {0x02B0, 0x02FF, SC_NONE},       /* modifier letters (ʼ) */
    {0x0370, 0x03FF, SC_GREEK},
    {0x0400, 0x052F, SC_CYRILLIC},
    {0x0530, 0x058F, SC_ARMENIAN},
    {0x0590, 0x05FF, SC_HEBREW},
    {0x0600, 0x06FF, SC_ARABIC},
    {0x0750, 0x077F, SC_ARABIC},
    {0x0870, 0x08FF, SC_ARABIC},
    {0x0900, 0x097F, SC_DEVANAGARI},
    {0x0B80, 0x0BFF, SC_TAMIL},
    {0x1C80, 0x1C8F, SC_CYRILLIC},
    {0x1E00, 0x1EFF, SC_LATIN},
    {0x1F00, 0x1FFF, SC_GREEK},
    {0x2C60, 0x2C7F, SC_LATIN},
    {0x2DE0, 0x2DFF, SC_CYRILLIC},
    {0xA640, 0xA69F, SC_CYRILLIC},
    {0xA720, 0xA7FF, SC_LATIN},
    {0xA8E0, 0xA8FF, SC_DEVANAGARI},
    {0xAB30, 0xAB6F, SC_LATIN},
    {0xFB00, 0xFB06, SC_LATIN},      /* ligatures ﬁ ﬂ */
    {0xFB13, 0xFB17, SC_ARMENIAN},
    {0xFB1D, 0xFB4F, SC_HEBREW},
    {0xFB50, 0xFDFF, SC_ARABIC},
    {0xFE70, 0xFEFF, SC_ARABIC},
    {0xFF21, 0xFF5A, SC_LATIN},      /* full-width A-Z, a-z */
};
/* clang-format on */

/* The script of letter c (SC_OTHER outside every range above). */
static int
script_of(utf8proc_int32_t c)
{
    size_t lo = 0, hi = sizeof aRange / sizeof aRange[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c < aRange[mid].lo) {
            hi = mid;
        } else if (c > aRange[mid].hi) {
            lo = mid + 1;
        } else {
            return aRange[mid].eScript;
        }
    }
    return SC_OTHER;
}

/* The language of a script that only one Snowball language writes. */
static const char *const azScriptLang[N_SCRIPT] = {
    [SC_GREEK] = "greek",
    [SC_ARMENIAN] = "armenian",
    [SC_TAMIL] = "tamil",
};

/* The stop-word profiles (see the method above), one bit each, and the
** table of their words. */
/* clang-format off */
/* BEGIN generated by scripts/langid-words.py from its word lists: edit
** them there and run it. */
enum {
    P_EU, P_CA, P_DA, P_NL, P_EN, P_FI, P_FR, P_DE, P_HU, P_ID, P_GA, P_IT,
    P_LT, P_NO, P_PT, P_RO, P_SR, P_ES, P_SV, P_TR, P_YI, P_HE, P_AR, P_FA,
    P_PL, P_CS, P_RU, P_SR_CYRL, P_UK, P_BG, P_HI, P_NE,
    N_PROFILE
};
_Static_assert(N_PROFILE <= 32, "a profile is a bit of a uint32_t");

static const struct profile {
    const char *zLang;   /* as sb_stemmer_list() spells it; NULL: a decoy */
    int eScript;
} aProfile[N_PROFILE] = {
    [P_EU] = {"basque", SC_LATIN},
    [P_CA] = {"catalan", SC_LATIN},
    [P_DA] = {"danish", SC_LATIN},
    [P_NL] = {"dutch", SC_LATIN},
    [P_EN] = {"english", SC_LATIN},
    [P_FI] = {"finnish", SC_LATIN},
    [P_FR] = {"french", SC_LATIN},
    [P_DE] = {"german", SC_LATIN},
    [P_HU] = {"hungarian", SC_LATIN},
    [P_ID] = {"indonesian", SC_LATIN},
    [P_GA] = {"irish", SC_LATIN},
    [P_IT] = {"italian", SC_LATIN},
    [P_LT] = {"lithuanian", SC_LATIN},
    [P_NO] = {"norwegian", SC_LATIN},
    [P_PT] = {"portuguese", SC_LATIN},
    [P_RO] = {"romanian", SC_LATIN},
    [P_SR] = {"serbian", SC_LATIN},
    [P_ES] = {"spanish", SC_LATIN},
    [P_SV] = {"swedish", SC_LATIN},
    [P_TR] = {"turkish", SC_LATIN},
    [P_YI] = {"yiddish", SC_HEBREW},
    [P_HE] = {NULL, SC_HEBREW},
    [P_AR] = {"arabic", SC_ARABIC},
    [P_FA] = {NULL, SC_ARABIC},
    [P_PL] = {NULL, SC_LATIN},
    [P_CS] = {NULL, SC_LATIN},
    [P_RU] = {"russian", SC_CYRILLIC},
    [P_SR_CYRL] = {"serbian", SC_CYRILLIC},
    [P_UK] = {NULL, SC_CYRILLIC},
    [P_BG] = {NULL, SC_CYRILLIC},
    [P_HI] = {"hindi", SC_DEVANAGARI},
    [P_NE] = {"nepali", SC_DEVANAGARI},
};
#define L_EU (1u << P_EU)
#define L_CA (1u << P_CA)
#define L_DA (1u << P_DA)
#define L_NL (1u << P_NL)
#define L_EN (1u << P_EN)
#define L_FI (1u << P_FI)
#define L_FR (1u << P_FR)
#define L_DE (1u << P_DE)
#define L_HU (1u << P_HU)
#define L_ID (1u << P_ID)
#define L_GA (1u << P_GA)
#define L_IT (1u << P_IT)
#define L_LT (1u << P_LT)
#define L_NO (1u << P_NO)
#define L_PT (1u << P_PT)
#define L_RO (1u << P_RO)
#define L_SR (1u << P_SR)
#define L_ES (1u << P_ES)
#define L_SV (1u << P_SV)
#define L_TR (1u << P_TR)
#define L_YI (1u << P_YI)
#define L_HE (1u << P_HE)
#define L_AR (1u << P_AR)
#define L_FA (1u << P_FA)
#define L_PL (1u << P_PL)
#define L_CS (1u << P_CS)
#define L_RU (1u << P_RU)
#define L_SR_CYRL (1u << P_SR_CYRL)
#define L_UK (1u << P_UK)
#define L_BG (1u << P_BG)
#define L_HI (1u << P_HI)
#define L_NE (1u << P_NE)

/* Every word of every profile, sorted by bytes, with its profiles. */
static const struct stopword {
    const char *z;
    uint32_t mProfile;
} aWord[] = {
    {"a", L_CA | L_EN | L_FR | L_HU | L_GA | L_PT | L_RO | L_SR | L_ES | L_PL |
        L_CS}, {"aan", L_NL}, {"aber", L_DE}, {"about", L_EN},
    {"această", L_RO}, {"acest", L_RO}, {"aceste", L_RO}, {"ach", L_GA},
    {"ada", L_ID}, {"adalah", L_ID}, {"af", L_DA}, {"after", L_EN},
    {"ag", L_GA}, {"against", L_EN}, {"agar", L_ID}, {"agus", L_GA},
    {"ai", L_IT | L_RO}, {"això", L_CA}, {"akan", L_ID}, {"aki", L_HU},
    {"akkor", L_HU}, {"ako", L_SR}, {"al", L_CA | L_NL | L_IT | L_RO | L_ES},
    {"ala", L_EU}, {"alatt", L_HU}, {"ale", L_RO | L_PL | L_CS}, {"ali", L_SR},
    {"all", L_EN | L_IT}, {"alla", L_IT | L_SV}, {"alle", L_IT},
    {"als", L_CA | L_NL | L_DE}, {"also", L_EN}, {"am", L_DE | L_RO},
    {"ama", L_TR}, {"amb", L_CA}, {"amely", L_HU}, {"amelyek", L_HU},
    {"ami", L_HU}, {"an", L_EN | L_DE | L_GA}, {"ancak", L_TR},
    {"anche", L_IT}, {"ancora", L_IT}, {"and", L_EN}, {"annak", L_HU},
    {"anni", L_IT}, {"ano", L_PT}, {"anos", L_PT}, {"antara", L_ID},
    {"anul", L_RO}, {"anului", L_RO}, {"any", L_CA}, {"anys", L_CA},
    {"ao", L_PT}, {"aos", L_PT}, {"apie", L_LT}, {"après", L_FR},
    {"aquest", L_CA}, {"aquesta", L_CA}, {"ar", L_GA | L_LT | L_RO},
    {"arabera", L_EU}, {"arasında", L_TR}, {"are", L_EN}, {"arte", L_EU},
    {"artean", L_EU}, {"as", L_EN | L_PT}, {"at", L_DA | L_EN | L_NO},
    {"atau", L_ID}, {"att", L_SV}, {"atá", L_GA}, {"até", L_PT},
    {"au", L_FR | L_RO}, {"auch", L_DE}, {"auf", L_DE}, {"aus", L_DE},
    {"aussi", L_FR}, {"aux", L_FR}, {"av", L_NO | L_SV}, {"avait", L_FR},
    {"avec", L_FR}, {"az", L_HU}, {"azonban", L_HU}, {"azt", L_HU},
    {"año", L_ES}, {"años", L_ES}, {"ba", L_GA}, {"bagi", L_ID}, {"bai", L_EU},
    {"baina", L_EU}, {"baino", L_EU}, {"baita", L_EU}, {"banyak", L_ID},
    {"bara", L_SV}, {"bardzo", L_PL}, {"bare", L_NO}, {"bat", L_EU},
    {"batean", L_EU}, {"be", L_EN | L_HU | L_LT}, {"been", L_EN},
    {"behar", L_EU}, {"bei", L_DE}, {"beidh", L_GA}, {"being", L_EN},
    {"belum", L_ID}, {"ben", L_TR}, {"bere", L_EU}, {"beren", L_EU},
    {"berre", L_NO}, {"beste", L_EU}, {"bet", L_LT}, {"bez", L_SR},
    {"bezala", L_EU}, {"bhfuil", L_GA}, {"bhliain", L_GA}, {"bhí", L_GA},
    {"bi", L_EU | L_SR}, {"bidez", L_EU}, {"bij", L_NL}, {"bila", L_SR},
    {"bio", L_SR}, {"bir", L_TR}, {"bis", L_DE}, {"bisa", L_ID}, {"biz", L_TR},
    {"ble", L_NO}, {"blei", L_NO}, {"blev", L_DA | L_SV}, {"bli", L_NO},
    {"bliain", L_GA}, {"blir", L_NO | L_SV}, {"blive", L_DA}, {"bliver", L_DA},
    {"bu", L_TR}, {"bude", L_CS}, {"bunu", L_TR}, {"bunun", L_TR},
    {"bus", L_LT}, {"but", L_EN}, {"buvo", L_LT}, {"by", L_EN | L_CS},
    {"byl", L_CS}, {"byla", L_CS}, {"bylo", L_CS}, {"być", L_PL},
    {"był", L_PL}, {"była", L_PL}, {"było", L_PL}, {"být", L_CS},
    {"būti", L_LT}, {"c", L_FR}, {"ca", L_RO}, {"cada", L_ES}, {"can", L_EN},
    {"care", L_RO}, {"ce", L_FR | L_RO}, {"cea", L_RO}, {"cei", L_RO},
    {"cel", L_RO}, {"ces", L_FR}, {"cette", L_FR}, {"che", L_IT},
    {"chun", L_GA}, {"co", L_PL}, {"com", L_CA | L_PT}, {"come", L_IT},
    {"comme", L_FR}, {"como", L_PT | L_ES}, {"con", L_IT | L_ES},
    {"could", L_EN}, {"csak", L_HU}, {"cu", L_RO}, {"cual", L_ES},
    {"cuando", L_ES}, {"czy", L_PL}, {"când", L_RO}, {"cé", L_GA},
    {"că", L_RO}, {"d", L_CA | L_FR | L_IT},
    {"da", L_EU | L_IT | L_PT | L_SR | L_TR}, {"dago", L_EU}, {"daha", L_TR},
    {"dal", L_IT}, {"dalam", L_ID}, {"dalla", L_IT}, {"dan", L_NL | L_ID},
    {"dans", L_FR}, {"dar", L_LT | L_RO}, {"dari", L_ID}, {"das", L_DE | L_PT},
    {"dass", L_DE}, {"dat", L_NL}, {"daude", L_EU},
    {"de", L_CA | L_DA | L_NL | L_FR | L_HU | L_GA | L_NO | L_PT | L_RO |
        L_ES | L_SV | L_TR}, {"debe", L_ES}, {"deg", L_NO}, {"degli", L_IT},
    {"dei", L_IT | L_NO}, {"del", L_CA | L_IT | L_ES}, {"dela", L_EU},
    {"dell", L_IT}, {"della", L_IT}, {"delle", L_IT}, {"dels", L_CA},
    {"dem", L_DA | L_DE | L_NO}, {"den", L_DA | L_DE | L_GA | L_NO | L_SV},
    {"dengan", L_ID}, {"denne", L_DA | L_NO}, {"depois", L_PT},
    {"der", L_DA | L_DE}, {"deras", L_SV}, {"dere", L_NO},
    {"deres", L_DA | L_NO}, {"des", L_FR | L_DE}, {"desde", L_ES},
    {"despre", L_RO}, {"det", L_DA | L_NO | L_SV}, {"detta", L_SV},
    {"dette", L_DA | L_NO}, {"deux", L_FR}, {"deze", L_NL}, {"değil", L_TR},
    {"di", L_ID | L_IT}, {"did", L_EN}, {"die", L_NL | L_DE}, {"diese", L_DE},
    {"dieser", L_DE}, {"dig", L_DA}, {"din", L_RO}, {"dira", L_EU},
    {"disse", L_DA | L_NO | L_PT}, {"dit", L_NL}, {"diye", L_TR},
    {"dla", L_PL}, {"do", L_EN | L_GA | L_PT | L_SR | L_PL | L_CS},
    {"doar", L_RO}, {"dok", L_SR}, {"don", L_GA}, {"donde", L_ES},
    {"dont", L_FR}, {"door", L_NL}, {"dopo", L_IT},
    {"dos", L_CA | L_PT | L_ES}, {"du", L_EU | L_FR}, {"duela", L_EU},
    {"dues", L_CA}, {"după", L_RO}, {"durante", L_ES}, {"durch", L_DE},
    {"dute", L_EU}, {"där", L_SV}, {"då", L_SV}, {"déjà", L_FR},
    {"dúirt", L_GA}, {"dėl", L_LT}, {"e", L_IT | L_PT}, {"ea", L_RO},
    {"ed", L_IT}, {"edo", L_EU}, {"een", L_NL}, {"efter", L_DA | L_SV},
    {"eftersom", L_SV}, {"eg", L_NO}, {"egin", L_EU}, {"egiten", L_EU},
    {"egy", L_HU}, {"ei", L_FI | L_RO}, {"eikä", L_FI}, {"ein", L_DE | L_NO},
    {"eine", L_DE}, {"einem", L_DE}, {"einen", L_DE}, {"einer", L_DE},
    {"eit", L_NO}, {"el", L_CA | L_HU | L_RO | L_ES}, {"ela", L_PT},
    {"ele", L_PT | L_RO}, {"eles", L_PT}, {"elle", L_FR}, {"ellen", L_HU},
    {"eller", L_DA | L_NO | L_SV}, {"els", L_CA}, {"em", L_PT},
    {"en", L_CA | L_DA | L_NL | L_FR | L_NO | L_ES | L_SV | L_TR},
    {"end", L_DA}, {"endnu", L_DA}, {"enn", L_NO}, {"ennek", L_HU},
    {"ennå", L_NO}, {"entre", L_CA | L_FR | L_PT | L_ES},
    {"er", L_DA | L_NL | L_DE | L_NO}, {"era", L_CA | L_IT | L_ES},
    {"ere", L_EU}, {"es", L_CA | L_DE | L_ES}, {"esa", L_ES}, {"ese", L_ES},
    {"essere", L_IT}, {"est", L_FR}, {"esta", L_PT | L_ES},
    {"este", L_PT | L_RO | L_ES}, {"esto", L_ES}, {"está", L_PT | L_ES},
    {"están", L_ES}, {"et", L_DA | L_FR | L_NO}, {"eta", L_EU}, {"ett", L_SV},
    {"etter", L_NO}, {"että", L_FI}, {"ez", L_EU | L_HU}, {"ezin", L_EU},
    {"ezt", L_HU}, {"fa", L_CA}, {"fait", L_FR}, {"faoi", L_GA}, {"fel", L_HU},
    {"fi", L_RO}, {"findes", L_DA}, {"finnes", L_NO}, {"fins", L_CA},
    {"first", L_EN}, {"fleire", L_NO}, {"flere", L_DA | L_NO},
    {"foarte", L_RO}, {"foi", L_PT}, {"for", L_DA | L_EN | L_NO},
    {"foram", L_PT}, {"fost", L_RO}, {"fra", L_DA | L_IT | L_NO},
    {"freisin", L_GA}, {"from", L_EN}, {"frå", L_NO}, {"från", L_SV},
    {"fue", L_ES}, {"fueron", L_ES}, {"för", L_SV}, {"für", L_DE},
    {"fără", L_RO}, {"gabe", L_EU}, {"gde", L_SR}, {"gdy", L_PL},
    {"geen", L_NL}, {"gegen", L_DE}, {"gehiago", L_EU}, {"gennem", L_DA},
    {"gero", L_EU}, {"gibi", L_TR}, {"già", L_IT}, {"gjennom", L_NO},
    {"gli", L_IT}, {"go", L_GA}, {"godine", L_SR}, {"government", L_EN},
    {"gur", L_GA}, {"guztiak", L_EU}, {"göre", L_TR},
    {"ha", L_CA | L_HU | L_IT | L_ES}, {"haar", L_NL}, {"haben", L_DE},
    {"had", L_NL | L_EN}, {"hadde", L_NO}, {"hade", L_SV}, {"hainbat", L_EU},
    {"hal", L_ID}, {"ham", L_DA | L_NO},
    {"han", L_CA | L_DA | L_NO | L_ES | L_SV}, {"hanno", L_IT},
    {"har", L_DA | L_NO | L_SV}, {"harus", L_ID}, {"has", L_EN},
    {"hasta", L_ES}, {"hat", L_DE}, {"hatte", L_DE}, {"hau", L_EU},
    {"havde", L_DA}, {"have", L_EN}, {"hay", L_ES}, {"he", L_EN | L_FI},
    {"hebben", L_NL}, {"heeft", L_NL}, {"hende", L_DA}, {"henne", L_NO},
    {"her", L_EN | L_TR}, {"het", L_NL}, {"hi", L_CA}, {"hij", L_NL},
    {"hingga", L_ID}, {"hiru", L_EU}, {"his", L_EN}, {"ho", L_CA | L_NO},
    {"hogy", L_HU}, {"hon", L_SV}, {"honek", L_EU}, {"hori", L_EU},
    {"horrek", L_EU}, {"hun", L_DA | L_NL | L_NO}, {"hura", L_EU},
    {"hva", L_NO}, {"hvad", L_DA}, {"hvis", L_DA | L_NO},
    {"hvor", L_DA | L_NO}, {"há", L_PT}, {"hän", L_FI}, {"hänen", L_FI},
    {"i", L_CA | L_DA | L_EN | L_GA | L_IT | L_NO | L_SR | L_SV | L_PL | L_CS},
    {"ia", L_ID}, {"iad", L_GA}, {"iar", L_RO}, {"ich", L_PL}, {"idir", L_GA},
    {"if", L_EN}, {"igen", L_DA}, {"igjen", L_NO}, {"ihr", L_DE},
    {"ihre", L_DE}, {"iki", L_LT | L_TR}, {"ikke", L_DA | L_NO},
    {"ikkje", L_NO}, {"il", L_FR | L_IT}, {"ile", L_TR}, {"ili", L_SR},
    {"ilk", L_TR}, {"ils", L_FR}, {"im", L_DE}, {"ima", L_SR},
    {"in", L_NL | L_EN | L_DE | L_IT}, {"ina", L_GA}, {"ingen", L_DA | L_NO},
    {"ini", L_ID}, {"inom", L_SV}, {"inte", L_SV}, {"into", L_EN},
    {"ir", L_LT}, {"is", L_NL | L_EN | L_HU | L_GA}, {"ise", L_TR},
    {"isso", L_PT}, {"ist", L_DE}, {"it", L_EN}, {"its", L_EN}, {"itu", L_ID},
    {"iz", L_SR}, {"izan", L_EU}, {"između", L_SR}, {"için", L_TR},
    {"iš", L_LT}, {"j", L_FR}, {"ja", L_CA | L_FI}, {"jaar", L_NL},
    {"jag", L_SV}, {"jahr", L_DE}, {"jahren", L_DE}, {"jak", L_PL},
    {"jako", L_PL | L_CS}, {"jaren", L_NL}, {"jau", L_LT}, {"je", L_SR | L_CS},
    {"jednak", L_PL}, {"jeg", L_DA | L_NO}, {"jego", L_PL}, {"jeho", L_CS},
    {"jej", L_PL}, {"jejich", L_CS}, {"jen", L_CS}, {"jer", L_DA | L_SR},
    {"jest", L_PL}, {"ji", L_LT}, {"jie", L_LT}, {"jis", L_LT}, {"již", L_CS},
    {"jo", L_FI | L_LT}, {"joita", L_FI}, {"joka", L_FI}, {"jonka", L_FI},
    {"jos", L_LT}, {"jossa", L_FI}, {"jotka", L_FI}, {"još", L_SR},
    {"jsem", L_CS}, {"jsme", L_CS}, {"jsou", L_CS}, {"juga", L_ID},
    {"już", L_PL}, {"já", L_PT}, {"jälkeen", L_FI}, {"kad", L_LT | L_SR},
    {"kada", L_SR}, {"kadar", L_TR}, {"kai", L_LT}, {"kaikki", L_FI},
    {"kaip", L_LT}, {"kami", L_ID}, {"kan", L_DA | L_NL | L_NO | L_SV},
    {"kann", L_DE}, {"kanssa", L_FI}, {"kao", L_SR}, {"karena", L_ID},
    {"karşı", L_TR}, {"kata", L_ID}, {"kde", L_CS}, {"když", L_CS},
    {"ke", L_ID}, {"kell", L_HU}, {"kendi", L_TR}, {"kepada", L_ID},
    {"ki", L_HU | L_TR}, {"kita", L_ID}, {"kitų", L_LT}, {"koja", L_SR},
    {"koje", L_SR}, {"koji", L_SR}, {"koska", L_FI}, {"kroz", L_SR},
    {"která", L_CS}, {"které", L_CS}, {"který", L_CS}, {"która", L_PL},
    {"które", L_PL}, {"który", L_PL}, {"kuin", L_FI}, {"kun", L_DA | L_FI},
    {"kunne", L_DA | L_NO}, {"kuri", L_LT}, {"kurie", L_LT}, {"kurios", L_LT},
    {"kuris", L_LT}, {"kva", L_NO}, {"között", L_HU},
    {"l", L_CA | L_FR | L_IT}, {"la", L_CA | L_FR | L_IT | L_RO | L_ES},
    {"labai", L_LT}, {"lain", L_ID}, {"las", L_ES}, {"last", L_EN},
    {"le", L_FR | L_HU | L_GA | L_IT | L_RO | L_ES}, {"lebih", L_ID},
    {"lehen", L_EU}, {"leis", L_GA}, {"les", L_CA | L_FR | L_ES},
    {"lesz", L_HU}, {"lett", L_HU}, {"leur", L_FR}, {"leurs", L_FR},
    {"li", L_CA}, {"lo", L_IT | L_ES}, {"loro", L_IT}, {"los", L_ES},
    {"lub", L_PL}, {"lui", L_FR | L_RO}, {"ma", L_IT}, {"maar", L_NL},
    {"mai", L_RO}, {"mais", L_FR | L_PT}, {"man", L_SV}, {"many", L_EN},
    {"mar", L_GA}, {"mas", L_PT}, {"masih", L_ID}, {"me", L_FI},
    {"med", L_DA | L_NO | L_SV}, {"meer", L_NL}, {"meg", L_HU | L_NO},
    {"meget", L_DA}, {"mehr", L_DE}, {"mellan", L_SV}, {"mellem", L_DA},
    {"mellett", L_HU}, {"mellom", L_NO}, {"men", L_DA | L_NO | L_SV},
    {"menjadi", L_ID}, {"mer", L_NO}, {"mere", L_DA}, {"mereka", L_ID},
    {"mert", L_HU}, {"met", L_NL}, {"metais", L_LT}, {"metų", L_LT},
    {"mezi", L_CS}, {"među", L_SR}, {"mi", L_TR}, {"mig", L_DA},
    {"mikä", L_FI}, {"minden", L_HU}, {"mint", L_HU}, {"minä", L_FI},
    {"mismo", L_ES}, {"mit", L_DE}, {"mitä", L_FI}, {"mod", L_DA},
    {"molt", L_CA}, {"mora", L_SR}, {"more", L_EN}, {"most", L_EN | L_HU},
    {"mot", L_NO | L_SV}, {"może", L_PL}, {"može", L_SR}, {"možete", L_SR},
    {"mr", L_EN}, {"muid", L_GA}, {"muito", L_PT}, {"mukaan", L_FI},
    {"mutta", L_FI}, {"muy", L_ES}, {"mye", L_NO}, {"myös", L_FI},
    {"már", L_HU}, {"más", L_HU | L_ES}, {"mé", L_GA}, {"még", L_HU},
    {"més", L_CA}, {"même", L_FR}, {"mı", L_TR}, {"n", L_CA | L_FR},
    {"na", L_NL | L_GA | L_PT | L_SR | L_PL | L_CS}, {"naar", L_NL},
    {"nach", L_DE | L_GA}, {"nagyon", L_HU}, {"nahiz", L_EU}, {"nakon", L_SR},
    {"namun", L_ID}, {"nas", L_PT}, {"ne", L_FI | L_FR | L_LT | L_SR | L_TR},
    {"nebo", L_CS}, {"nego", L_SR}, {"nei", L_IT}, {"nel", L_IT},
    {"nell", L_IT}, {"nella", L_IT}, {"nem", L_HU}, {"nema", L_SR},
    {"nes", L_LT}, {"new", L_EN}, {"neće", L_SR}, {"ni", L_SR},
    {"nicht", L_DE}, {"nie", L_PL}, {"niet", L_NL}, {"nieuwe", L_NL},
    {"niin", L_FI}, {"nije", L_SR}, {"nisu", L_SR},
    {"no", L_CA | L_EN | L_PT | L_ES}, {"noch", L_DE}, {"noen", L_NO},
    {"nog", L_NL}, {"nogle", L_DA}, {"noin", L_FI}, {"non", L_IT},
    {"nos", L_PT}, {"not", L_EN}, {"nous", L_FR}, {"nu", L_DA | L_RO | L_SV},
    {"nueva", L_ES}, {"nuevo", L_ES}, {"num", L_PT}, {"numa", L_PT},
    {"nuo", L_LT}, {"nur", L_DE}, {"nyt", L_FI}, {"não", L_PT}, {"nämä", L_FI},
    {"när", L_SV}, {"nå", L_NO}, {"når", L_DA | L_NO}, {"níl", L_GA},
    {"nó", L_GA},
    {"o", L_CA | L_IT | L_LT | L_PT | L_RO | L_SR | L_ES | L_TR | L_PL | L_CS},
    {"och", L_SV}, {"också", L_SV}, {"od", L_SR | L_PL | L_CS}, {"oder", L_DE},
    {"of", L_NL | L_EN}, {"og", L_DA | L_NO}, {"også", L_DA | L_NO},
    {"olan", L_TR}, {"olarak", L_TR}, {"olduğu", L_TR}, {"ole", L_FI},
    {"oleh", L_ID}, {"oli", L_FI}, {"olivat", L_FI}, {"olla", L_FI},
    {"ollut", L_FI}, {"om", L_DA | L_NL | L_NO | L_SV},
    {"on", L_EN | L_FI | L_FR | L_SR}, {"ona", L_SR}, {"onder", L_NL},
    {"ondoren", L_EU}, {"one", L_EN}, {"oni", L_SR}, {"onlar", L_TR},
    {"only", L_EN}, {"ont", L_FR}, {"onun", L_TR}, {"ook", L_NL}, {"op", L_NL},
    {"or", L_EN}, {"oraz", L_PL}, {"ordea", L_EU}, {"os", L_PT}, {"oso", L_EU},
    {"other", L_EN}, {"otra", L_ES}, {"otro", L_ES}, {"otros", L_ES},
    {"ou", L_FR | L_PT}, {"out", L_EN}, {"ova", L_SR}, {"ovaj", L_SR},
    {"ovat", L_FI}, {"over", L_DA | L_NL | L_EN | L_NO}, {"ovo", L_SR},
    {"où", L_FR}, {"pada", L_ID}, {"par", L_FR}, {"para", L_ID | L_PT | L_ES},
    {"parte", L_ES}, {"pas", L_FR}, {"pat", L_LT}, {"pe", L_RO},
    {"pedig", L_HU}, {"pel", L_CA}, {"pela", L_PT}, {"pelo", L_PT},
    {"pelos", L_PT}, {"pels", L_CA}, {"pentru", L_RO}, {"people", L_EN},
    {"per", L_CA | L_IT | L_LT}, {"pero", L_ES}, {"perquè", L_CA},
    {"però", L_CA}, {"più", L_IT}, {"plus", L_FR},
    {"po", L_LT | L_SR | L_PL | L_CS}, {"pod", L_PL}, {"podle", L_CS},
    {"por", L_PT | L_ES}, {"porque", L_ES}, {"posle", L_SR}, {"pour", L_FR},
    {"pre", L_SR}, {"prema", L_SR}, {"prie", L_LT}, {"prin", L_RO},
    {"pro", L_CS}, {"przez", L_PL}, {"przy", L_PL}, {"puede", L_ES},
    {"pueden", L_ES}, {"până", L_RO}, {"på", L_DA | L_NO | L_SV},
    {"před", L_CS}, {"při", L_CS}, {"qu", L_FR}, {"quale", L_IT},
    {"quan", L_CA}, {"quando", L_IT | L_PT},
    {"que", L_CA | L_FR | L_PT | L_ES}, {"questa", L_IT}, {"questo", L_IT},
    {"qui", L_FR}, {"raibh", L_GA}, {"rekao", L_SR}, {"roku", L_PL | L_CS},
    {"s", L_CA | L_FR | L_CS}, {"sa", L_FR | L_GA | L_SR}, {"saat", L_ID},
    {"said", L_EN}, {"saja", L_ID}, {"sam", L_SR}, {"samo", L_SR},
    {"sangat", L_ID}, {"sans", L_FR}, {"sau", L_RO}, {"savo", L_LT},
    {"se", L_FI | L_FR | L_IT | L_PT | L_RO | L_SR | L_ES | L_CS},
    {"sebagai", L_ID}, {"seg", L_NO}, {"segons", L_CA}, {"segundo", L_PT},
    {"según", L_ES}, {"sein", L_DE}, {"seine", L_DE}, {"sejak", L_ID},
    {"sekä", L_FI}, {"selon", L_FR}, {"selv", L_DA | L_NO},
    {"sem", L_HU | L_PT}, {"sen", L_FI | L_TR}, {"sense", L_CA}, {"seo", L_GA},
    {"seperti", L_ID}, {"ser", L_CA | L_PT | L_ES}, {"serta", L_ID},
    {"ses", L_FR}, {"setelah", L_ID}, {"seu", L_CA | L_PT},
    {"seus", L_CA | L_PT}, {"seva", L_CA}, {"seves", L_CA}, {"she", L_EN},
    {"should", L_EN}, {"si", L_IT | L_ES}, {"siad", L_GA}, {"sich", L_DE},
    {"sido", L_ES}, {"sie", L_DE}, {"sier", L_NO}, {"sig", L_DA | L_SV},
    {"siger", L_DA}, {"siinä", L_FI}, {"siitä", L_FI},
    {"sin", L_DA | L_GA | L_NO | L_ES | L_SV}, {"sina", L_SV}, {"sind", L_DE},
    {"sine", L_DA | L_NO}, {"sinä", L_FI}, {"sitä", L_FI}, {"się", L_PL},
    {"skal", L_DA | L_NO}, {"skulle", L_SV}, {"smo", L_SR},
    {"so", L_EN | L_DE}, {"sobre", L_CA | L_PT | L_ES}, {"sok", L_HU},
    {"soll", L_DE}, {"som", L_DA | L_NO | L_SV}, {"some", L_EN}, {"son", L_FR},
    {"sono", L_IT}, {"sonra", L_TR}, {"sous", L_FR}, {"spre", L_RO},
    {"stata", L_IT}, {"stato", L_IT}, {"su", L_LT | L_SR | L_ES},
    {"sua", L_IT | L_PT}, {"suas", L_PT}, {"sudah", L_ID}, {"sul", L_IT},
    {"sull", L_IT}, {"sulla", L_IT}, {"sunt", L_RO}, {"suo", L_IT},
    {"suoi", L_IT}, {"sur", L_FR}, {"sus", L_ES}, {"sve", L_SR},
    {"svoj", L_SR}, {"svoje", L_SR}, {"svou", L_CS}, {"své", L_CS},
    {"szerint", L_HU}, {"são", L_PT}, {"säger", L_SV},
    {"så", L_DA | L_NO | L_SV}, {"sé", L_GA}, {"sí", L_GA}, {"són", L_CA},
    {"să", L_RO}, {"są", L_PL}, {"tahun", L_ID}, {"tai", L_FI | L_LT},
    {"taip", L_LT}, {"taj", L_SR}, {"tak", L_PL | L_CS}, {"tako", L_SR},
    {"takođe", L_SR}, {"také", L_CS}, {"także", L_PL}, {"también", L_ES},
    {"també", L_CA}, {"também", L_PT}, {"tar", L_GA}, {"tarafından", L_TR},
    {"tarp", L_LT}, {"tato", L_CS}, {"tačiau", L_LT},
    {"te", L_NL | L_FI | L_PL}, {"tegen", L_NL}, {"tego", L_PL},
    {"telah", L_ID}, {"tem", L_PT}, {"ten", L_PL}, {"tento", L_CS},
    {"tersebut", L_ID}, {"też", L_PL}, {"than", L_EN}, {"that", L_EN},
    {"the", L_EN}, {"their", L_EN}, {"them", L_EN}, {"there", L_EN},
    {"they", L_EN}, {"this", L_EN}, {"tidak", L_ID}, {"tiene", L_ES},
    {"tienen", L_ES}, {"tik", L_LT}, {"til", L_DA | L_NO}, {"tilbage", L_DA},
    {"tilbake", L_NO}, {"till", L_SV},
    {"to", L_DA | L_EN | L_NO | L_SR | L_PL | L_CS}, {"todo", L_ES},
    {"tot", L_NL}, {"tout", L_FR}, {"tra", L_IT}, {"tras", L_ES},
    {"très", L_FR}, {"två", L_SV}, {"twee", L_NL}, {"two", L_EN},
    {"tylko", L_PL}, {"tym", L_PL}, {"tá", L_GA}, {"tämä", L_FI},
    {"tätä", L_FI}, {"této", L_CS}, {"u", L_SR}, {"ud", L_DA}, {"uit", L_NL},
    {"um", L_DE | L_PT}, {"uma", L_PT},
    {"un", L_CA | L_FR | L_IT | L_RO | L_ES}, {"una", L_CA | L_IT | L_ES},
    {"und", L_DE}, {"under", L_DA | L_NO | L_SV}, {"une", L_FR}, {"uno", L_IT},
    {"unter", L_DE}, {"untuk", L_ID}, {"up", L_EN}, {"upp", L_SV},
    {"urte", L_EU}, {"urtean", L_EU}, {"usted", L_ES}, {"ut", L_NO | L_SV},
    {"utan", L_SV}, {"után", L_HU}, {"už", L_LT | L_CS}, {"v", L_CS},
    {"va", L_CA | L_RO}, {"vagy", L_HU}, {"vain", L_FI},
    {"van", L_CA | L_NL | L_HU}, {"vannak", L_HU},
    {"var", L_DA | L_NO | L_SV | L_TR}, {"vara", L_SV}, {"vart", L_NO},
    {"vaš", L_SR}, {"vaša", L_SR}, {"ve", L_TR | L_CS}, {"veel", L_NL},
    {"veya", L_TR}, {"već", L_SR}, {"vi", L_SV}, {"vid", L_SV},
    {"vielä", L_FI}, {"vil", L_DA | L_NO}, {"ville", L_DA | L_NO},
    {"vis", L_LT}, {"visi", L_LT}, {"voi", L_FI}, {"volt", L_HU},
    {"voltak", L_HU}, {"von", L_DE}, {"voor", L_NL}, {"vor", L_DE | L_RO},
    {"vores", L_DA}, {"vous", L_FR}, {"vuoden", L_FI}, {"vuonna", L_FI},
    {"vår", L_NO}, {"våre", L_NO}, {"være", L_DA | L_NO}, {"však", L_CS},
    {"w", L_PL}, {"war", L_DE}, {"was", L_NL | L_EN}, {"wat", L_NL},
    {"we", L_NL | L_EN}, {"według", L_PL}, {"wel", L_NL}, {"werd", L_NL},
    {"werden", L_DE}, {"were", L_EN}, {"what", L_EN}, {"when", L_EN},
    {"which", L_EN}, {"while", L_EN}, {"who", L_EN}, {"wie", L_DE},
    {"wij", L_NL}, {"will", L_EN}, {"wird", L_DE}, {"with", L_EN},
    {"worden", L_NL}, {"wordt", L_NL}, {"would", L_EN}, {"wurde", L_DE},
    {"wurden", L_DE}, {"y", L_FR | L_ES}, {"ya", L_ES | L_TR}, {"yang", L_ID},
    {"yapılan", L_TR}, {"year", L_EN}, {"years", L_EN}, {"yeni", L_TR},
    {"yli", L_FI}, {"yok", L_TR}, {"you", L_EN}, {"yra", L_LT},
    {"yılında", L_TR}, {"z", L_PL | L_CS}, {"za", L_SR | L_PL | L_CS},
    {"zal", L_NL}, {"zbog", L_SR}, {"ze", L_NL | L_PL}, {"zela", L_EU},
    {"zen", L_EU}, {"zij", L_NL}, {"zijn", L_NL}, {"został", L_PL},
    {"została", L_PL}, {"zou", L_NL}, {"zu", L_DE}, {"zuen", L_EU},
    {"zum", L_DE}, {"zur", L_DE}, {"zuten", L_EU}, {"à", L_FR | L_PT},
    {"às", L_PT}, {"által", L_HU}, {"är", L_SV}, {"å", L_NO},
    {"år", L_DA | L_NO | L_SV}, {"çok", L_TR}, {"è", L_IT}, {"é", L_GA | L_PT},
    {"éis", L_GA}, {"és", L_CA | L_HU}, {"était", L_FR}, {"été", L_FR},
    {"év", L_HU}, {"évben", L_HU}, {"être", L_FR}, {"í", L_GA}, {"így", L_HU},
    {"în", L_RO}, {"încă", L_RO}, {"însă", L_RO}, {"între", L_RO}, {"ó", L_GA},
    {"ón", L_GA}, {"över", L_SV}, {"újabb", L_HU}, {"über", L_DE},
    {"üzere", L_TR}, {"će", L_SR}, {"į", L_LT}, {"şey", L_TR}, {"şi", L_RO},
    {"şu", L_TR}, {"ši", L_LT}, {"šis", L_LT}, {"šiuo", L_LT}, {"šių", L_LT},
    {"što", L_SR}, {"że", L_PL}, {"že", L_CS}, {"și", L_RO},
    {"а", L_RU | L_SR_CYRL}, {"або", L_UK}, {"ако", L_SR_CYRL}, {"але", L_UK},
    {"али", L_SR_CYRL}, {"без", L_RU | L_SR_CYRL}, {"беше", L_BG},
    {"би", L_SR_CYRL}, {"била", L_SR_CYRL}, {"био", L_SR_CYRL},
    {"более", L_RU}, {"був", L_UK}, {"будет", L_RU}, {"будут", L_RU},
    {"були", L_UK}, {"було", L_UK}, {"бъде", L_BG}, {"бы", L_RU},
    {"был", L_RU}, {"была", L_RU}, {"были", L_RU}, {"было", L_RU},
    {"быть", L_RU}, {"бяха", L_BG}, {"в", L_RU | L_UK | L_BG},
    {"ваш", L_SR_CYRL}, {"ваша", L_SR_CYRL}, {"већ", L_SR_CYRL}, {"ви", L_UK},
    {"во", L_RU}, {"вона", L_UK}, {"вони", L_UK}, {"время", L_RU},
    {"все", L_RU}, {"всего", L_RU}, {"всех", L_RU}, {"вы", L_RU},
    {"від", L_UK}, {"він", L_UK}, {"где", L_RU | L_SR_CYRL}, {"года", L_RU},
    {"година", L_BG}, {"године", L_SR_CYRL}, {"году", L_RU},
    {"да", L_SR_CYRL | L_BG}, {"даже", L_RU}, {"для", L_RU},
    {"до", L_RU | L_SR_CYRL | L_UK | L_BG}, {"док", L_SR_CYRL},
    {"должен", L_RU}, {"е", L_BG}, {"его", L_RU}, {"ее", L_RU}, {"если", L_RU},
    {"есть", L_RU}, {"еще", L_RU}, {"ещё", L_RU}, {"её", L_RU}, {"же", L_RU},
    {"з", L_UK}, {"за", L_RU | L_SR_CYRL | L_UK | L_BG}, {"због", L_SR_CYRL},
    {"и", L_RU | L_SR_CYRL | L_BG}, {"из", L_RU | L_SR_CYRL},
    {"између", L_SR_CYRL}, {"или", L_RU | L_SR_CYRL | L_BG},
    {"има", L_SR_CYRL | L_BG}, {"их", L_RU}, {"й", L_UK}, {"його", L_UK},
    {"к", L_RU}, {"кад", L_SR_CYRL}, {"када", L_SR_CYRL}, {"как", L_RU},
    {"као", L_SR_CYRL}, {"като", L_BG}, {"когда", L_RU}, {"които", L_BG},
    {"който", L_BG}, {"коли", L_UK}, {"которая", L_RU}, {"которые", L_RU},
    {"который", L_RU}, {"която", L_BG}, {"која", L_SR_CYRL},
    {"које", L_SR_CYRL}, {"који", L_SR_CYRL}, {"кроз", L_SR_CYRL},
    {"към", L_BG}, {"ли", L_RU}, {"между", L_RU | L_BG}, {"међу", L_SR_CYRL},
    {"ми", L_UK}, {"може", L_SR_CYRL | L_UK}, {"может", L_RU},
    {"можете", L_SR_CYRL}, {"можно", L_RU}, {"мора", L_SR_CYRL}, {"мы", L_RU},
    {"між", L_UK}, {"на", L_RU | L_SR_CYRL | L_UK | L_BG}, {"над", L_RU},
    {"након", L_SR_CYRL}, {"не", L_RU | L_SR_CYRL | L_UK | L_BG},
    {"него", L_RU | L_SR_CYRL}, {"нема", L_SR_CYRL}, {"нет", L_RU},
    {"неће", L_SR_CYRL}, {"ни", L_RU | L_SR_CYRL}, {"нису", L_SR_CYRL},
    {"није", L_SR_CYRL}, {"но", L_RU | L_BG}, {"нужно", L_RU},
    {"о", L_RU | L_SR_CYRL}, {"об", L_RU}, {"ова", L_SR_CYRL},
    {"овај", L_SR_CYRL}, {"ово", L_SR_CYRL}, {"од", L_SR_CYRL}, {"один", L_RU},
    {"он", L_RU | L_SR_CYRL}, {"она", L_RU | L_SR_CYRL},
    {"они", L_RU | L_SR_CYRL}, {"от", L_RU | L_BG}, {"още", L_BG},
    {"по", L_RU | L_SR_CYRL | L_BG}, {"под", L_RU},
    {"после", L_RU | L_SR_CYRL}, {"пре", L_SR_CYRL}, {"през", L_BG},
    {"према", L_SR_CYRL}, {"при", L_RU | L_BG}, {"про", L_UK}, {"під", L_UK},
    {"після", L_UK}, {"рекао", L_SR_CYRL}, {"року", L_UK}, {"році", L_UK},
    {"с", L_RU | L_BG}, {"са", L_SR_CYRL | L_BG}, {"сам", L_SR_CYRL},
    {"само", L_SR_CYRL | L_BG}, {"све", L_SR_CYRL}, {"своих", L_RU},
    {"свой", L_RU}, {"свої", L_UK}, {"свој", L_SR_CYRL}, {"своје", L_SR_CYRL},
    {"се", L_SR_CYRL | L_BG}, {"себя", L_RU}, {"сказал", L_RU}, {"след", L_BG},
    {"сме", L_BG}, {"смо", L_SR_CYRL}, {"со", L_RU}, {"су", L_SR_CYRL},
    {"съм", L_BG}, {"със", L_BG}, {"та", L_UK}, {"тази", L_BG}, {"так", L_RU},
    {"также", L_RU}, {"тако", L_SR_CYRL}, {"також", L_UK},
    {"такође", L_SR_CYRL}, {"тај", L_SR_CYRL}, {"те", L_BG}, {"тези", L_BG},
    {"теперь", L_RU}, {"то", L_RU | L_SR_CYRL}, {"това", L_BG}, {"того", L_RU},
    {"този", L_BG}, {"той", L_BG}, {"только", L_RU}, {"тому", L_UK},
    {"тя", L_BG}, {"у", L_RU | L_SR_CYRL | L_UK}, {"уже", L_RU}, {"це", L_UK},
    {"цей", L_UK}, {"ця", L_UK}, {"че", L_BG}, {"чем", L_RU}, {"через", L_RU},
    {"что", L_RU}, {"чтобы", L_RU}, {"што", L_SR_CYRL}, {"ще", L_UK | L_BG},
    {"що", L_UK}, {"щоб", L_UK}, {"эта", L_RU}, {"эти", L_RU}, {"этих", L_RU},
    {"это", L_RU}, {"этого", L_RU}, {"этой", L_RU}, {"этом", L_RU},
    {"этот", L_RU}, {"як", L_UK}, {"яка", L_UK}, {"який", L_UK}, {"які", L_UK},
    {"є", L_UK}, {"і", L_UK}, {"їх", L_UK}, {"її", L_UK}, {"је", L_SR_CYRL},
    {"јер", L_SR_CYRL}, {"још", L_SR_CYRL}, {"ће", L_SR_CYRL}, {"א", L_YI},
    {"אַ", L_YI}, {"אַז", L_YI}, {"אַלע", L_YI}, {"אָבער", L_YI},
    {"אבל", L_HE}, {"אבער", L_YI}, {"או", L_HE}, {"אויך", L_YI},
    {"אויף", L_YI}, {"אויפֿ", L_YI}, {"און", L_YI}, {"אונדז", L_YI},
    {"אותה", L_HE}, {"אותו", L_HE}, {"אז", L_YI}, {"אחרי", L_HE},
    {"איז", L_YI}, {"איך", L_YI}, {"אין", L_YI | L_HE}, {"אל", L_HE},
    {"אלה", L_HE}, {"אלע", L_YI}, {"אם", L_HE}, {"אני", L_HE}, {"אשר", L_HE},
    {"את", L_HE}, {"בו", L_HE}, {"ביותר", L_HE}, {"ביז", L_YI}, {"בין", L_HE},
    {"בשנת", L_HE}, {"גם", L_HE}, {"געוואָרן", L_YI}, {"געווארן", L_YI},
    {"געווען", L_YI}, {"דאָס", L_YI}, {"דאס", L_YI}, {"די", L_YI},
    {"דעם", L_YI}, {"דער", L_YI}, {"האָבן", L_YI}, {"האָט", L_YI},
    {"האבן", L_YI}, {"האט", L_YI}, {"הוא", L_HE}, {"הזאת", L_HE},
    {"הזה", L_HE}, {"היא", L_HE}, {"היה", L_HE}, {"היום", L_HE},
    {"היינט", L_YI}, {"הייתה", L_HE}, {"הם", L_HE}, {"הן", L_HE},
    {"הײַנט", L_YI}, {"וואָס", L_YI}, {"וואס", L_YI}, {"ווי", L_YI},
    {"ווייל", L_YI}, {"וועט", L_YI}, {"וועלן", L_YI}, {"ווען", L_YI},
    {"ווערן", L_YI}, {"זה", L_HE}, {"זו", L_HE}, {"זי", L_YI}, {"זיין", L_YI},
    {"זיינען", L_YI}, {"זיך", L_YI}, {"זענען", L_YI}, {"זײַן", L_YI},
    {"זײַנען", L_YI}, {"יותר", L_HE}, {"יש", L_HE}, {"כבר", L_HE},
    {"כדי", L_HE}, {"כי", L_HE}, {"כך", L_HE}, {"כל", L_HE}, {"כמו", L_HE},
    {"לא", L_HE}, {"לאחר", L_HE}, {"לו", L_HE}, {"לפי", L_HE}, {"מאוד", L_HE},
    {"מה", L_HE}, {"מיט", L_YI}, {"מיר", L_YI}, {"ממשלת", L_HE}, {"מער", L_YI},
    {"נאָך", L_YI}, {"נאך", L_YI}, {"נגד", L_HE}, {"ניט", L_YI},
    {"נישט", L_YI}, {"עד", L_HE}, {"עוד", L_HE}, {"על", L_HE}, {"עם", L_HE},
    {"ער", L_YI}, {"פֿאַר", L_YI}, {"פֿון", L_YI}, {"פאר", L_YI},
    {"פון", L_YI}, {"צו", L_YI}, {"קען", L_YI}, {"רק", L_HE}, {"שבו", L_HE},
    {"שהוא", L_HE}, {"שוין", L_YI}, {"של", L_HE}, {"שלא", L_HE}, {"שלה", L_HE},
    {"שלו", L_HE}, {"שם", L_HE}, {"װאָס", L_YI}, {"װי", L_YI}, {"װעט", L_YI},
    {"װעלן", L_YI}, {"װען", L_YI}, {"װערן", L_YI}, {"װײַל", L_YI},
    {"آن", L_FA}, {"أكثر", L_AR}, {"أن", L_AR}, {"أنه", L_AR}, {"أو", L_AR},
    {"أي", L_AR}, {"أيضا", L_AR}, {"إذا", L_AR}, {"إلى", L_AR}, {"إن", L_AR},
    {"از", L_FA}, {"است", L_FA}, {"التى", L_AR}, {"التي", L_AR},
    {"الذي", L_AR}, {"الذين", L_AR}, {"الى", L_AR}, {"اما", L_FA},
    {"ان", L_AR}, {"اند", L_FA}, {"انه", L_AR}, {"او", L_FA}, {"ایران", L_FA},
    {"این", L_FA}, {"با", L_FA}, {"باید", L_FA}, {"بر", L_FA}, {"برای", L_FA},
    {"بعد", L_AR}, {"به", L_FA}, {"بود", L_FA}, {"بودند", L_FA}, {"بين", L_AR},
    {"بین", L_FA}, {"تا", L_FA}, {"تلك", L_AR}, {"ثم", L_AR}, {"حتى", L_AR},
    {"حول", L_AR}, {"خلال", L_AR}, {"خود", L_FA}, {"دارد", L_FA}, {"در", L_FA},
    {"دیگر", L_FA}, {"ذلك", L_AR}, {"را", L_FA}, {"روز", L_FA}, {"سال", L_FA},
    {"شد", L_FA}, {"شده", L_FA}, {"شود", L_FA}, {"ضد", L_AR}, {"عام", L_AR},
    {"على", L_AR}, {"عن", L_AR}, {"عند", L_AR}, {"غير", L_AR}, {"في", L_AR},
    {"قال", L_AR}, {"قد", L_AR}, {"كان", L_AR}, {"كانت", L_AR}, {"كل", L_AR},
    {"كما", L_AR}, {"لا", L_AR}, {"لدى", L_AR}, {"لم", L_AR}, {"لن", L_AR},
    {"ما", L_AR | L_FA}, {"مع", L_AR}, {"من", L_AR}, {"منذ", L_AR},
    {"می", L_FA}, {"نمی", L_FA}, {"نیز", L_FA}, {"ها", L_FA}, {"های", L_FA},
    {"هذا", L_AR}, {"هذه", L_AR}, {"هر", L_FA}, {"هم", L_FA}, {"همه", L_FA},
    {"هو", L_AR}, {"هي", L_AR}, {"وأن", L_AR}, {"وعلى", L_AR}, {"وفي", L_AR},
    {"وقال", L_AR}, {"وقد", L_AR}, {"ومن", L_AR}, {"وهو", L_AR}, {"وهي", L_AR},
    {"وی", L_FA}, {"يوم", L_AR}, {"پس", L_FA}, {"چه", L_FA}, {"کرد", L_FA},
    {"کردند", L_FA}, {"کرده", L_FA}, {"کند", L_FA}, {"کنند", L_FA},
    {"که", L_FA}, {"گفت", L_FA}, {"یک", L_FA}, {"अनि", L_NE}, {"अपने", L_HI},
    {"अब", L_HI}, {"अहिले", L_NE}, {"आफ्नो", L_NE}, {"इस", L_HI},
    {"उनको", L_NE}, {"उनले", L_NE}, {"उनी", L_NE}, {"उस", L_HI},
    {"एक", L_HI | L_NE}, {"और", L_HI}, {"कर", L_HI}, {"करने", L_HI},
    {"कहा", L_HI}, {"का", L_HI}, {"कि", L_HI | L_NE}, {"किया", L_HI},
    {"की", L_HI}, {"कुछ", L_HI}, {"के", L_HI}, {"केही", L_NE},
    {"को", L_HI | L_NE}, {"गई", L_HI}, {"गए", L_HI}, {"गया", L_HI},
    {"गरी", L_NE}, {"गरे", L_NE}, {"गरेका", L_NE}, {"गरेको", L_NE},
    {"गर्न", L_NE}, {"गर्ने", L_NE}, {"छ", L_NE}, {"छन्", L_NE}, {"जना", L_NE},
    {"जा", L_HI}, {"जो", L_HI}, {"तक", L_HI}, {"तथा", L_NE}, {"तर", L_NE},
    {"तो", L_HI}, {"त्यो", L_NE}, {"था", L_HI}, {"थिए", L_NE}, {"थियो", L_NE},
    {"थी", L_HI}, {"थे", L_HI}, {"दिए", L_NE}, {"दिया", L_HI}, {"देखि", L_NE},
    {"नहीं", L_HI}, {"ने", L_HI}, {"नै", L_NE}, {"पछि", L_NE}, {"पनि", L_NE},
    {"पर", L_HI}, {"बाट", L_NE}, {"बाद", L_HI}, {"भए", L_NE}, {"भएको", L_NE},
    {"भने", L_NE}, {"भन्दा", L_NE}, {"भयो", L_NE}, {"भी", L_HI}, {"मा", L_NE},
    {"में", L_HI}, {"यस", L_NE}, {"यह", L_HI}, {"या", L_HI}, {"ये", L_HI},
    {"यो", L_NE}, {"र", L_NE}, {"रहा", L_HI}, {"रही", L_HI}, {"रहे", L_HI},
    {"रहेको", L_NE}, {"रूपमा", L_NE}, {"लागि", L_NE}, {"लिए", L_HI},
    {"लेकिन", L_HI}, {"वर्ष", L_NE}, {"वह", L_HI}, {"वा", L_NE}, {"वे", L_HI},
    {"सकता", L_HI}, {"सक्ने", L_NE}, {"सबसे", L_HI}, {"सबै", L_NE},
    {"सम्म", L_NE}, {"साथ", L_HI}, {"साथै", L_NE}, {"से", L_HI}, {"ही", L_HI},
    {"हुआ", L_HI}, {"हुई", L_HI}, {"हुने", L_NE}, {"हुन्", L_NE}, {"है", L_HI},
    {"हैं", L_HI}, {"हो", L_HI | L_NE}, {"होता", L_HI}, {"होने", L_HI},
};

/* aWord[aByte0[b]] to aWord[aByte0[b + 1] - 1] start with byte b. */
static const uint16_t aByte0[257] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 84,
    148, 176, 253, 309, 335, 353, 401, 442, 481, 524, 545, 608, 662, 709, 750,
    758, 761, 858, 916, 938, 974, 999, 999, 1011, 1028, 1028, 1028, 1028, 1028,
    1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028,
    1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028,
    1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028,
    1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028,
    1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028,
    1028, 1028, 1028, 1028, 1028, 1028, 1028, 1028, 1056, 1058, 1068, 1068,
    1068, 1069, 1069, 1069, 1069, 1069, 1069, 1069, 1069, 1204, 1280, 1280,
    1280, 1280, 1280, 1280, 1403, 1460, 1498, 1506, 1507, 1507, 1507, 1507,
    1507, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609,
    1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609,
    1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609, 1609,
};
/* The longest word, in bytes. */
#define LANGID_LONGEST 16
/* END generated */
/* clang-format on */
#define N_WORD (sizeof aWord / sizeof aWord[0])

int
kqi_langid_profile(size_t i, const char **pzLang)
{
    if (i >= N_PROFILE) {
        return 0;
    }
    *pzLang = aProfile[i].zLang;
    return 1;
}

const char *
kqi_langid_word(size_t i, uint32_t *pmProfile)
{
    if (i >= N_WORD) {
        return NULL;
    }
    *pmProfile = aWord[i].mProfile;
    return aWord[i].z;
}

/* The index + 1 of the word z[0..n) (no NUL inside) in aWord[], or 0 if
** it is not there. */
static size_t
word_find(const char *z, size_t n)
{
    if (n > LANGID_LONGEST) {
        return 0;
    }
    size_t lo = aByte0[(unsigned char)z[0]];
    size_t hi = aByte0[(unsigned char)z[0] + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const unsigned char *w = (const unsigned char *)aWord[mid].z;
        size_t i = 0;
        while (i < n && w[i] != 0 && (unsigned char)z[i] == w[i]) {
            i++;
        }
        int c; /* z against w, as strcmp() would */
        if (i == n) {
            c = w[i] != 0 ? -1 : 0;
        } else {
            c = (int)(unsigned char)z[i] - (int)w[i];
        }
        if (c == 0) {
            return mid + 1;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return 0;
}

/* The state of one detection (on the caller's stack). */
typedef struct langid {
    size_t aLetter[N_SCRIPT];      /* letters per script */
    size_t nWord;                  /* words seen */
    unsigned aScore[N_PROFILE];    /* stop-word scores */
    unsigned aHits[N_PROFILE];     /* distinct words found in each profile */
    u64 aSeen[(N_WORD + 63) / 64]; /* the words of aWord[] found */
    /* The word being read: its script (that of its first letter), its
    ** letters, its folded code points, and whether it outgrew aCp or has
    ** code points other than ASCII. */
    int eScript;
    int bInWord, bLong, bAscii;
    size_t nLetter, nCp;
    /* The folding buffer, KQI_LANGID_MAX_CP + 1 code points: +1 because
    ** utf8proc_reencode() writes a NUL after up to 4 bytes per code point,
    ** in place.  (An array of its own on kq_lang_detect()'s stack, not a
    ** member, so that ASan sees a write past its end.) */
    utf8proc_int32_t *aCp;
} langid;

/* Score the word of p, which has ended on code point cNext (-1: on a byte
** that is not UTF-8, or the end), against the profiles. */
static void
word_end(langid *p, utf8proc_int32_t cNext)
{
    if (!p->bInWord) {
        return;
    }
    p->bInWord = 0;
    if (p->eScript == SC_NONE) {
        return; /* modifier letters and marks only */
    }
    if (p->nLetter == 1 && cNext == '.') {
        return; /* an initial: "U.S.", "N.Y.", "J. Smith" */
    }
    p->nWord++;
    if (p->bLong || p->nCp == 0) {
        return;
    }
    char aAscii[KQI_LANGID_MAX_CP];
    const char *z = aAscii;
    size_t n = p->nCp;
    if (p->bAscii) {
        for (size_t i = 0; i < n; i++) {
            aAscii[i] = (char)p->aCp[i];
        }
    } else {
        utf8proc_ssize_t m = utf8proc_reencode(
            p->aCp, (utf8proc_ssize_t)p->nCp, UTF8PROC_COMPOSE);
        if (m <= 0) {
            return;
        }
        z = (const char *)p->aCp;
        n = (size_t)m;
    }
    size_t j = word_find(z, n);
    if (j == 0) {
        return;
    }
    j--;
    uint32_t m = aWord[j].mProfile;
    int bFirst = !(p->aSeen[j / 64] & ((u64)1 << (j % 64)));
    p->aSeen[j / 64] |= (u64)1 << (j % 64);
    unsigned k = 0; /* the profiles listing it */
    for (uint32_t x = m; x; x &= x - 1) {
        k++;
    }
    for (size_t i = 0; i < N_PROFILE; i++) {
        if (m & ((uint32_t)1 << i)) {
            p->aScore[i] += LANGID_UNIT / k;
            p->aHits[i] += (unsigned)bFirst;
        }
    }
}

/* Add code point c (a letter, mark or format character of category cat)
** to the word. */
static void
word_add(langid *p, utf8proc_int32_t c, utf8proc_category_t cat)
{
    int bLetter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
    if (!p->bInWord) {
        p->bInWord = 1;
        p->bLong = 0;
        p->bAscii = 1;
        p->nLetter = 0;
        p->nCp = 0;
        p->eScript = SC_NONE;
    }
    if (cat == UTF8PROC_CATEGORY_CF) {
        return; /* ZWJ, ZWNJ, soft hyphen: not in the word */
    }
    if (bLetter) {
        int e = c < 0x80 ? SC_LATIN : script_of(c);
        p->aLetter[e]++;
        p->nLetter++;
        if (p->eScript == SC_NONE) {
            p->eScript = e;
        }
    }
    if (p->bLong) {
        return;
    }
    if (c < 0x80) { /* an ASCII letter: its case fold */
        if (p->nCp == KQI_LANGID_MAX_CP) {
            p->bLong = 1;
        } else {
            p->aCp[p->nCp++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
        }
        return;
    }
    p->bAscii = 0;
    if (c == 0x130) {
        c = 'i'; /* Turkish İ: "i", not "i" + U+0307 */
    }
    utf8proc_ssize_t m = utf8proc_decompose_char(
        c, p->aCp + p->nCp, (utf8proc_ssize_t)(KQI_LANGID_MAX_CP - p->nCp),
        UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE, NULL);
    if (m < 0 || (size_t)m > KQI_LANGID_MAX_CP - p->nCp) {
        p->bLong = 1;
    } else {
        p->nCp += (size_t)m;
    }
}

/* The language the counts and scores of p point to, or NULL. */
static const char *
decide(const langid *p)
{
    if (p->nWord < LANGID_MIN_WORDS) {
        return NULL;
    }
    size_t nAll = 0;
    int eBest = SC_NONE; /* no letter of any script */
    for (int e = SC_NONE + 1; e < N_SCRIPT; e++) {
        nAll += p->aLetter[e];
        if (eBest == SC_NONE || p->aLetter[e] > p->aLetter[eBest]) {
            eBest = e;
        }
    }
    if (nAll == 0 || eBest == SC_OTHER || p->aLetter[eBest] * 2 <= nAll) {
        return NULL;
    }
    if (azScriptLang[eBest]) {
        return azScriptLang[eBest];
    }
    size_t iBest = N_PROFILE;
    unsigned nBest = 0, nSecond = 0;
    for (size_t i = 0; i < N_PROFILE; i++) {
        if (aProfile[i].eScript != eBest) {
            continue;
        }
        if (iBest == N_PROFILE || p->aScore[i] > nBest) {
            nSecond = nBest;
            nBest = p->aScore[i];
            iBest = i;
        } else if (p->aScore[i] > nSecond) {
            nSecond = p->aScore[i];
        }
    }
    if (iBest == N_PROFILE || p->aHits[iBest] < LANGID_MIN_HITS ||
        nBest - nSecond < LANGID_MIN_LEAD) {
        return NULL;
    }
    return aProfile[iBest].zLang;
}

const char *
kq_lang_detect(const char *zText, size_t nText)
{
    if (zText == NULL) {
        return NULL;
    }
    const utf8proc_uint8_t *z = (const utf8proc_uint8_t *)zText;
    size_t n = nText < KQ_LANGID_MAX_BYTES ? nText : KQ_LANGID_MAX_BYTES;
    langid s;
    utf8proc_int32_t aCp[KQI_LANGID_MAX_CP + 1];
    memset(&s, 0, sizeof s);
    s.aCp = aCp;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t l;
        if (z[i] < 0x80) { /* ASCII: letter or separator */
            c = z[i++];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                word_add(&s, c, UTF8PROC_CATEGORY_LL);
            } else {
                word_end(&s, c);
            }
            continue;
        }
        l = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i), &c);
        if (l <= 0) {
            word_end(&s, -1); /* not UTF-8, or cut at the limit */
            i++;
            continue;
        }
        i += (size_t)l;
        utf8proc_category_t cat = utf8proc_category(c);
        if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
            (cat == UTF8PROC_CATEGORY_CF && s.bInWord)) {
            word_add(&s, c, cat);
        } else {
            word_end(&s, c);
        }
    }
    word_end(&s, -1);
    return decide(&s);
}
