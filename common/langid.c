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
**     punctuation, spaces and symbols separate words.
**  2. Every letter counts for its script, by code-point range (script_of()
**     below: Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari,
**     Tamil; any other letter counts as "other").  The script with the most
**     letters must hold more than half of them, and must be written by a
**     Snowball language: otherwise (Chinese, Thai, Korean, a jumble of
**     scripts) the answer is NULL.  So is a text of fewer than
**     LANGID_MIN_WORDS words.
**  3. A script with one Snowball language decides alone: Greek -> greek,
**     Armenian -> armenian, Hebrew -> yiddish, Arabic -> arabic,
**     Tamil -> tamil.
**  4. Otherwise (Latin: 19 languages and serbian; Cyrillic: russian and
**     serbian; Devanagari: hindi and nepali) stop-word profiles decide.
**     Each profile below is a hand-written list of 50-95 of the language's
**     most frequent function words, lower case with their accents, in NFC,
**     sorted by bytes (t_langid.c checks all three).  Each word of the text
**     is folded the same way -- Unicode case folding, then NFC (Turkish
**     dotted capital I folds to "i") -- and looked up (binary search) in the
**     profiles of its script.  A word found in k profiles adds LANGID_UNIT/k
**     to each: a word that only one language uses ("the", "und", "och")
**     counts fully, one that many share ("de", "a", "la") little.
**  5. The best profile of the majority script wins if at least
**     LANGID_MIN_HITS words of the text are in its list and its score
**     leads the runner-up's by LANGID_MIN_LEAD; otherwise NULL.  A few
**     decoy profiles of languages without a Snowball stemmer (Polish,
**     Czech, Ukrainian, Bulgarian) take part: when one of them wins, the
**     answer is NULL too.
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
/* Longest word looked up in the profiles, in code points after case
** folding and canonical decomposition: over twice the longest profile
** word ("government", "tarafından": 10).  A longer word still
** counts as a word, but is no function word of any profile. */
#define LANGID_MAX_CP 24
/* The score of a word only one profile lists: divisible by 1..10, so that
** LANGID_UNIT/k is exact for words shared by up to ten languages. */
#define LANGID_UNIT 2520
/* A winner needs at least this many words of the text in its list: one
** short word ("a", "i", "o") is a coincidence in most languages. */
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
    [SC_GREEK] = "greek",     [SC_ARMENIAN] = "armenian",
    [SC_HEBREW] = "yiddish",  [SC_ARABIC] = "arabic",
    [SC_TAMIL] = "tamil",
};

/* The stop-word profiles (see the method above: folded, sorted by bytes). */
static const char *const azEnglish[] = {
    "a", "about", "after", "against", "all", "also", "an", "and", "are", "as",
    "at", "be", "been", "being", "but", "by", "can", "could", "did", "do",
    "first", "for", "from", "government", "had", "has", "have", "he", "her",
    "his", "i", "if", "in", "into", "is", "it", "its", "last", "many", "more",
    "most", "mr", "new", "no", "not", "of", "on", "one", "only", "or", "other",
    "out", "over", "people", "said", "she", "should", "so", "some", "than",
    "that", "the", "their", "them", "there", "they", "this", "to", "two", "up",
    "was", "we", "were", "what", "when", "which", "while", "who", "will",
    "with", "would", "year", "years", "you",
};
static const char *const azFrench[] = {
    "a", "après", "au", "aussi", "aux", "avait", "avec", "c", "ce", "ces",
    "cette", "comme", "d", "dans", "de", "des", "deux", "dont", "du", "déjà",
    "elle", "en", "entre", "est", "et", "fait", "il", "ils", "j", "l", "la",
    "le", "les", "leur", "leurs", "lui", "mais", "même", "n", "ne", "nous",
    "on", "ont", "ou", "où", "par", "pas", "plus", "pour", "qu", "que", "qui",
    "s", "sa", "sans", "se", "selon", "ses", "son", "sous", "sur", "tout",
    "très", "un", "une", "vous", "y", "à", "était", "été", "être",
};
static const char *const azSpanish[] = {
    "a", "al", "año", "años", "cada", "como", "con", "cual", "cuando", "de",
    "debe", "del", "desde", "donde", "dos", "durante", "el", "en", "entre",
    "era", "es", "esa", "ese", "esta", "este", "esto", "está", "están", "fue",
    "fueron", "ha", "han", "hasta", "hay", "la", "las", "le", "les", "lo",
    "los", "mismo", "muy", "más", "no", "nueva", "nuevo", "o", "otra", "otro",
    "otros", "para", "parte", "pero", "por", "porque", "puede", "pueden",
    "que", "se", "según", "ser", "si", "sido", "sin", "sobre", "su", "sus",
    "también", "tiene", "tienen", "todo", "tras", "un", "una", "usted", "y",
    "ya",
};
static const char *const azPortuguese[] = {
    "a", "ano", "anos", "ao", "aos", "as", "até", "com", "como", "da", "das",
    "de", "depois", "disse", "do", "dos", "e", "ela", "ele", "eles", "em",
    "entre", "esta", "este", "está", "foi", "foram", "há", "isso", "já",
    "mais", "mas", "muito", "na", "nas", "no", "nos", "num", "numa", "não",
    "o", "os", "ou", "para", "pela", "pelo", "pelos", "por", "quando", "que",
    "se", "segundo", "sem", "ser", "seu", "seus", "sobre", "sua", "suas",
    "são", "também", "tem", "um", "uma", "à", "às", "é",
};
static const char *const azItalian[] = {
    "ai", "al", "all", "alla", "alle", "anche", "ancora", "anni", "che",
    "come", "con", "d", "da", "dal", "dalla", "degli", "dei", "del", "dell",
    "della", "delle", "di", "dopo", "e", "ed", "era", "essere", "fra", "già",
    "gli", "ha", "hanno", "i", "il", "in", "l", "la", "le", "lo", "loro", "ma",
    "nei", "nel", "nell", "nella", "non", "o", "per", "più", "quale", "quando",
    "questa", "questo", "se", "si", "sono", "stata", "stato", "sua", "sul",
    "sull", "sulla", "suo", "suoi", "tra", "un", "una", "uno", "è",
};
static const char *const azCatalan[] = {
    "a", "això", "al", "als", "amb", "any", "anys", "aquest", "aquesta", "com",
    "d", "de", "del", "dels", "dos", "dues", "el", "els", "en", "entre", "era",
    "es", "fa", "fins", "ha", "han", "hi", "ho", "i", "ja", "l", "la", "les",
    "li", "molt", "més", "n", "no", "o", "pel", "pels", "per", "perquè",
    "però", "quan", "que", "s", "segons", "sense", "ser", "seu", "seus",
    "seva", "seves", "sobre", "són", "també", "un", "una", "va", "van", "és",
};
static const char *const azDutch[] = {
    "aan", "al", "als", "bij", "dan", "dat", "de", "deze", "die", "dit",
    "door", "een", "en", "er", "geen", "haar", "had", "hebben", "heeft", "het",
    "hij", "hun", "in", "is", "jaar", "jaren", "kan", "maar", "meer", "met",
    "na", "naar", "niet", "nieuwe", "nog", "of", "om", "onder", "ook", "op",
    "over", "te", "tegen", "tot", "twee", "uit", "van", "veel", "voor", "was",
    "wat", "we", "wel", "werd", "wij", "worden", "wordt", "zal", "ze", "zij",
    "zijn", "zou",
};
static const char *const azGerman[] = {
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "das",
    "dass", "dem", "den", "der", "des", "die", "diese", "dieser", "durch",
    "ein", "eine", "einem", "einen", "einer", "er", "es", "für", "gegen",
    "haben", "hat", "hatte", "ihr", "ihre", "im", "in", "ist", "jahr",
    "jahren", "kann", "mehr", "mit", "nach", "nicht", "noch", "nur", "oder",
    "sein", "seine", "sich", "sie", "sind", "so", "soll", "um", "und", "unter",
    "von", "vor", "war", "werden", "wie", "wird", "wurde", "wurden", "zu",
    "zum", "zur", "über",
};
static const char *const azDanish[] = {
    "af", "at", "blev", "blive", "bliver", "de", "dem", "den", "denne", "der",
    "deres", "det", "dette", "dig", "disse", "efter", "eller", "en", "end",
    "endnu", "er", "et", "findes", "flere", "for", "fra", "gennem", "ham",
    "han", "har", "havde", "hende", "hun", "hvad", "hvis", "hvor", "i", "igen",
    "ikke", "ingen", "jeg", "jer", "kan", "kun", "kunne", "med", "meget",
    "mellem", "men", "mere", "mig", "mod", "nogle", "nu", "når", "og", "også",
    "om", "over", "på", "selv", "sig", "siger", "sin", "sine", "skal", "som",
    "så", "til", "tilbage", "to", "ud", "under", "var", "vil", "ville",
    "vores", "være", "år",
};
static const char *const azNorwegian[] = {
    "at", "av", "bare", "berre", "ble", "blei", "bli", "blir", "de", "deg",
    "dei", "dem", "den", "denne", "dere", "deres", "det", "dette", "disse",
    "eg", "ein", "eit", "eller", "en", "enn", "ennå", "er", "et", "etter",
    "finnes", "fleire", "flere", "for", "fra", "frå", "gjennom", "hadde",
    "ham", "han", "har", "henne", "ho", "hun", "hva", "hvis", "hvor", "i",
    "igjen", "ikke", "ikkje", "ingen", "jeg", "kan", "kunne", "kva", "med",
    "meg", "mellom", "men", "mer", "mot", "mye", "noen", "nå", "når", "og",
    "også", "om", "over", "på", "seg", "selv", "sier", "sin", "sine", "skal",
    "som", "så", "til", "tilbake", "to", "under", "ut", "var", "vart", "vil",
    "ville", "vår", "våre", "være", "å", "år",
};
static const char *const azSwedish[] = {
    "alla", "att", "av", "bara", "blev", "blir", "de", "den", "deras", "det",
    "detta", "där", "då", "efter", "eftersom", "eller", "en", "ett", "från",
    "för", "hade", "han", "har", "hon", "i", "inom", "inte", "jag", "kan",
    "man", "med", "mellan", "men", "mot", "nu", "när", "och", "också", "om",
    "på", "sig", "sin", "sina", "skulle", "som", "säger", "så", "till", "två",
    "under", "upp", "ut", "utan", "var", "vara", "vi", "vid", "är", "år",
    "över",
};
static const char *const azFinnish[] = {
    "ei", "eikä", "että", "he", "hän", "hänen", "ja", "jo", "joita", "joka",
    "jonka", "jossa", "jotka", "jälkeen", "kaikki", "kanssa", "koska", "kuin",
    "kun", "me", "mikä", "minä", "mitä", "mukaan", "mutta", "myös", "ne",
    "niin", "noin", "nyt", "nämä", "ole", "oli", "olivat", "olla", "ollut",
    "on", "ovat", "se", "sekä", "sen", "siinä", "siitä", "sinä", "sitä", "tai",
    "te", "tämä", "tätä", "vain", "vielä", "voi", "vuoden", "vuonna", "yli",
};
static const char *const azHungarian[] = {
    "a", "aki", "akkor", "alatt", "amely", "amelyek", "ami", "annak", "az",
    "azonban", "azt", "be", "csak", "de", "egy", "el", "ellen", "ennek", "ez",
    "ezt", "fel", "ha", "hogy", "is", "kell", "ki", "között", "le", "lesz",
    "lett", "meg", "mellett", "mert", "minden", "mint", "most", "már", "más",
    "még", "nagyon", "nem", "pedig", "sem", "sok", "szerint", "után", "vagy",
    "van", "vannak", "volt", "voltak", "által", "és", "év", "évben", "így",
    "újabb",
};
static const char *const azTurkish[] = {
    "ama", "ancak", "arasında", "ben", "bir", "biz", "bu", "bunu", "bunun",
    "da", "daha", "de", "değil", "diye", "en", "gibi", "göre", "her", "iki",
    "ile", "ilk", "ise", "için", "kadar", "karşı", "kendi", "ki", "mi", "mı",
    "ne", "o", "olan", "olarak", "olduğu", "onlar", "onun", "sen", "sonra",
    "tarafından", "var", "ve", "veya", "ya", "yapılan", "yeni", "yok",
    "yılında", "çok", "üzere", "şey", "şu",
};
static const char *const azRomanian[] = {
    "a", "această", "acest", "aceste", "ai", "al", "ale", "am", "anul",
    "anului", "ar", "au", "ca", "care", "ce", "cea", "cei", "cel", "cu",
    "când", "că", "dar", "de", "despre", "din", "doar", "după", "ea", "ei",
    "el", "ele", "este", "fi", "foarte", "fost", "fără", "iar", "la", "le",
    "lui", "mai", "nu", "o", "pe", "pentru", "prin", "până", "sau", "se",
    "spre", "sunt", "să", "un", "va", "vor", "în", "încă", "însă", "între",
    "şi", "și",
};
static const char *const azLithuanian[] = {
    "apie", "ar", "be", "bet", "bus", "buvo", "būti", "dar", "dėl", "iki",
    "ir", "iš", "jau", "ji", "jie", "jis", "jo", "jos", "kad", "kai", "kaip",
    "kitų", "kuri", "kurie", "kurios", "kuris", "labai", "metais", "metų",
    "ne", "nes", "net", "nuo", "o", "pat", "per", "po", "prie", "savo", "su",
    "tai", "taip", "tarp", "tačiau", "tik", "už", "vis", "visi", "yra", "į",
    "ši", "šis", "šiuo", "šių",
};
static const char *const azBasque[] = {
    "ala", "arabera", "arte", "artean", "bai", "baina", "baino", "baita",
    "bat", "batean", "behar", "bere", "beren", "beste", "bezala", "bi",
    "bidez", "da", "dago", "daude", "dela", "dira", "du", "duela", "dute",
    "edo", "egin", "egiten", "ere", "eta", "ez", "ezin", "gabe", "gehiago",
    "gero", "guztiak", "hainbat", "hau", "hiru", "honek", "hori", "horrek",
    "hura", "izan", "lehen", "nahiz", "ondoren", "ordea", "oso", "urte",
    "urtean", "zela", "zen", "zuen", "zuten",
};
static const char *const azIrish[] = {
    "a", "ach", "ag", "agus", "an", "ar", "atá", "ba", "beidh", "bhfuil",
    "bhliain", "bhí", "bliain", "chun", "cé", "de", "den", "do", "don",
    "dúirt", "faoi", "freisin", "go", "gur", "i", "iad", "idir", "ina", "is",
    "le", "leis", "mar", "muid", "mé", "na", "nach", "níl", "nó", "raibh",
    "sa", "seo", "siad", "sin", "sé", "sí", "tar", "tá", "é", "éis", "í", "ó",
    "ón",
};
static const char *const azIndonesian[] = {
    "ada", "adalah", "agar", "akan", "antara", "atau", "bagi", "banyak",
    "belum", "bisa", "dalam", "dan", "dari", "dengan", "di", "hal", "harus",
    "hingga", "ia", "ini", "itu", "juga", "kami", "karena", "kata", "ke",
    "kepada", "kita", "lain", "lebih", "masih", "menjadi", "mereka", "namun",
    "oleh", "pada", "para", "saat", "saja", "sangat", "sebagai", "sejak",
    "seperti", "serta", "setelah", "sudah", "tahun", "telah", "tersebut",
    "tidak", "untuk", "yang",
};
static const char *const azSerbianLatin[] = {
    "a", "ako", "ali", "bez", "bi", "bila", "bio", "da", "do", "dok", "gde",
    "godine", "i", "ili", "ima", "iz", "između", "je", "jer", "još", "kad",
    "kada", "kao", "koja", "koje", "koji", "kroz", "među", "mora", "može",
    "možete", "na", "nakon", "ne", "nego", "nema", "neće", "ni", "nije",
    "nisu", "o", "od", "on", "ona", "oni", "ova", "ovaj", "ovo", "po", "posle",
    "pre", "prema", "rekao", "sa", "sam", "samo", "se", "smo", "su", "sve",
    "svoj", "svoje", "taj", "tako", "takođe", "to", "u", "vaš", "vaša", "već",
    "za", "zbog", "će", "što",
};
static const char *const azRussian[] = {
    "а", "без", "более", "будет", "будут", "бы", "был", "была", "были", "было",
    "быть", "в", "во", "время", "все", "всего", "всех", "вы", "где", "года",
    "году", "даже", "для", "до", "должен", "его", "ее", "если", "есть", "еще",
    "ещё", "её", "же", "за", "и", "из", "или", "их", "к", "как", "когда",
    "которая", "которые", "который", "ли", "между", "может", "можно", "мы",
    "на", "над", "не", "него", "нет", "ни", "но", "нужно", "о", "об", "один",
    "он", "она", "они", "от", "по", "под", "после", "при", "с", "своих",
    "свой", "себя", "сказал", "со", "так", "также", "теперь", "то", "того",
    "только", "у", "уже", "чем", "через", "что", "чтобы", "эта", "эти", "этих",
    "это", "этого", "этой", "этом", "этот",
};
static const char *const azSerbianCyrillic[] = {
    "а", "ако", "али", "без", "би", "била", "био", "ваш", "ваша", "већ", "где",
    "године", "да", "до", "док", "за", "због", "и", "из", "између", "или",
    "има", "кад", "када", "као", "која", "које", "који", "кроз", "међу",
    "може", "можете", "мора", "на", "након", "не", "него", "нема", "неће",
    "ни", "нису", "није", "о", "ова", "овај", "ово", "од", "он", "она", "они",
    "по", "после", "пре", "према", "рекао", "са", "сам", "само", "све", "свој",
    "своје", "се", "смо", "су", "тако", "такође", "тај", "то", "у", "што",
    "је", "јер", "још", "ће",
};
static const char *const azHindi[] = {
    "अपने", "अब", "इस", "उस", "एक", "और", "कर", "करने", "कहा", "का", "कि",
    "किया", "की", "कुछ", "के", "को", "गई", "गए", "गया", "जा", "जो", "तक", "तो",
    "था", "थी", "थे", "दिया", "नहीं", "ने", "पर", "बाद", "भी", "में", "यह",
    "या", "ये", "रहा", "रही", "रहे", "लिए", "लेकिन", "वह", "वे", "सकता",
    "सबसे", "साथ", "से", "ही", "हुआ", "हुई", "है", "हैं", "हो", "होता", "होने",
};
static const char *const azNepali[] = {
    "अनि", "अहिले", "आफ्नो", "उनको", "उनले", "उनी", "एक", "कि", "केही", "को",
    "गरी", "गरे", "गरेका", "गरेको", "गर्न", "गर्ने", "छ", "छन्", "जना", "तथा",
    "तर", "त्यो", "थिए", "थियो", "दिए", "देखि", "नै", "पछि", "पनि", "बाट",
    "भए", "भएको", "भने", "भन्दा", "भयो", "मा", "यस", "यो", "र", "रहेको",
    "रूपमा", "लागि", "वर्ष", "वा", "सक्ने", "सबै", "सम्म", "साथै", "हुने",
    "हुन्", "हो",
};
/* Decoys: languages with no Snowball stemmer whose texts would otherwise
** look like a relative's (Polish and Czech like serbian, Ukrainian like
** russian, Bulgarian like both Cyrillic ones).  When one wins the answer
** is NULL: no stemming is better than a wrong stemmer. */
static const char *const azPolish[] = {
    "a", "ale", "bardzo", "być", "był", "była", "było", "co", "czy", "dla",
    "do", "gdy", "i", "ich", "jak", "jako", "jednak", "jego", "jej", "jest",
    "już", "która", "które", "który", "lub", "może", "na", "nie", "o", "od",
    "oraz", "po", "pod", "przez", "przy", "roku", "się", "są", "tak", "także",
    "te", "tego", "ten", "też", "to", "tylko", "tym", "w", "według", "z", "za",
    "ze", "został", "została", "że",
};
static const char *const azCzech[] = {
    "a", "ale", "bude", "by", "byl", "byla", "bylo", "být", "do", "i", "jako",
    "je", "jeho", "jejich", "jen", "již", "jsem", "jsme", "jsou", "kde",
    "když", "která", "které", "který", "mezi", "na", "nebo", "o", "od", "po",
    "podle", "pro", "před", "při", "roku", "s", "se", "svou", "své", "tak",
    "také", "tato", "tento", "to", "této", "už", "v", "ve", "však", "z", "za",
    "že",
};
static const char *const azUkrainian[] = {
    "або", "але", "був", "були", "було", "в", "ви", "вона", "вони", "від",
    "він", "до", "з", "за", "й", "його", "коли", "ми", "може", "між", "на",
    "не", "про", "під", "після", "року", "році", "свої", "та", "також", "тому",
    "у", "це", "цей", "ця", "ще", "що", "щоб", "як", "яка", "який", "які", "є",
    "і", "їх", "її",
};
static const char *const azBulgarian[] = {
    "беше", "бъде", "бяха", "в", "година", "да", "до", "е", "за", "и", "или",
    "има", "като", "които", "който", "която", "към", "между", "на", "не", "но",
    "от", "още", "по", "през", "при", "с", "са", "само", "се", "след", "сме",
    "съм", "със", "тази", "те", "тези", "това", "този", "той", "тя", "че",
    "ще",
};

#define PROFILE(zLang, eScript, az) {zLang, eScript, az, sizeof az / sizeof az[0]}
static const struct profile {
    const char *zLang;           /* as sb_stemmer_list() spells it; NULL
                                 ** for a decoy */
    int eScript;
    const char *const *azWord;
    size_t nWord;
} aProfile[] = {
    PROFILE("basque", SC_LATIN, azBasque),
    PROFILE("catalan", SC_LATIN, azCatalan),
    PROFILE("danish", SC_LATIN, azDanish),
    PROFILE("dutch", SC_LATIN, azDutch),
    PROFILE("english", SC_LATIN, azEnglish),
    PROFILE("finnish", SC_LATIN, azFinnish),
    PROFILE("french", SC_LATIN, azFrench),
    PROFILE("german", SC_LATIN, azGerman),
    PROFILE("hungarian", SC_LATIN, azHungarian),
    PROFILE("indonesian", SC_LATIN, azIndonesian),
    PROFILE("irish", SC_LATIN, azIrish),
    PROFILE("italian", SC_LATIN, azItalian),
    PROFILE("lithuanian", SC_LATIN, azLithuanian),
    PROFILE("norwegian", SC_LATIN, azNorwegian),
    PROFILE("portuguese", SC_LATIN, azPortuguese),
    PROFILE("romanian", SC_LATIN, azRomanian),
    PROFILE("serbian", SC_LATIN, azSerbianLatin),
    PROFILE("spanish", SC_LATIN, azSpanish),
    PROFILE("swedish", SC_LATIN, azSwedish),
    PROFILE("turkish", SC_LATIN, azTurkish),
    PROFILE("russian", SC_CYRILLIC, azRussian),
    PROFILE("serbian", SC_CYRILLIC, azSerbianCyrillic),
    PROFILE("hindi", SC_DEVANAGARI, azHindi),
    PROFILE("nepali", SC_DEVANAGARI, azNepali),
    PROFILE(NULL, SC_LATIN, azPolish),
    PROFILE(NULL, SC_LATIN, azCzech),
    PROFILE(NULL, SC_CYRILLIC, azUkrainian),
    PROFILE(NULL, SC_CYRILLIC, azBulgarian),
};
#define N_PROFILE (sizeof aProfile / sizeof aProfile[0])

int
kqi_langid_profile(size_t i, const char **pzLang, const char *const **pazWord,
                   size_t *pnWord)
{
    if (i >= N_PROFILE) {
        return 0;
    }
    *pzLang = aProfile[i].zLang;
    *pazWord = aProfile[i].azWord;
    *pnWord = aProfile[i].nWord;
    return 1;
}

/* Is the word z[0..n) (no NUL inside) in the sorted list az[0..nList)? */
static int
in_list(const char *const *az, size_t nList, const char *z, size_t n)
{
    size_t lo = 0, hi = nList;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *w = az[mid];
        size_t nW = strlen(w);
        int c = memcmp(z, w, n < nW ? n : nW);
        if (c == 0) {
            c = n < nW ? -1 : n > nW ? 1 : 0;
        }
        if (c == 0) {
            return 1;
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
    size_t aLetter[N_SCRIPT];    /* letters per script */
    size_t nWord;                /* words seen */
    unsigned aScore[N_PROFILE];  /* stop-word scores */
    unsigned aHits[N_PROFILE];   /* words found in each profile */
    /* The word being read: its script (that of its first letter), its
    ** folded code points, and whether it outgrew aCp. */
    int eScript;
    int bInWord, bLong;
    size_t nCp;
    /* +1: utf8proc_reencode() writes a NUL after up to 4 bytes per code
    ** point, in place. */
    utf8proc_int32_t aCp[LANGID_MAX_CP + 1];
} langid;

/* Score the finished word of p against the profiles of its script. */
static void
word_end(langid *p)
{
    if (!p->bInWord) {
        return;
    }
    p->bInWord = 0;
    if (p->eScript == SC_NONE) {
        return;                  /* modifier letters and marks only */
    }
    p->nWord++;
    if (p->bLong || p->nCp == 0) {
        return;
    }
    utf8proc_ssize_t n = utf8proc_reencode(p->aCp, (utf8proc_ssize_t)p->nCp,
                                           UTF8PROC_COMPOSE);
    if (n <= 0) {
        return;
    }
    const char *z = (const char *)p->aCp;
    int aHit[N_PROFILE];
    unsigned k = 0;
    for (size_t i = 0; i < N_PROFILE; i++) {
        aHit[i] = aProfile[i].eScript == p->eScript &&
                  in_list(aProfile[i].azWord, aProfile[i].nWord, z, (size_t)n);
        k += (unsigned)aHit[i];
    }
    for (size_t i = 0; i < N_PROFILE && k > 0; i++) {
        if (aHit[i]) {
            p->aScore[i] += LANGID_UNIT / k;
            p->aHits[i]++;
        }
    }
}

/* Add code point c (a letter, mark or format character) to the word. */
static void
word_add(langid *p, utf8proc_int32_t c, utf8proc_category_t cat)
{
    int bLetter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
    if (!p->bInWord) {
        p->bInWord = 1;
        p->bLong = 0;
        p->nCp = 0;
        p->eScript = SC_NONE;
    }
    if (cat == UTF8PROC_CATEGORY_CF) {
        return;                  /* ZWJ, ZWNJ, soft hyphen: not in the word */
    }
    if (bLetter) {
        int e = script_of(c);
        p->aLetter[e]++;
        if (p->eScript == SC_NONE) {
            p->eScript = e;
        }
    }
    if (p->bLong) {
        return;
    }
    if (c == 0x130) {
        c = 'i';                 /* Turkish İ: "i", not "i" + U+0307 */
    }
    utf8proc_ssize_t m = utf8proc_decompose_char(
        c, p->aCp + p->nCp, (utf8proc_ssize_t)(LANGID_MAX_CP - p->nCp),
        UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE, NULL);
    if (m < 0 || (size_t)m > LANGID_MAX_CP - p->nCp) {
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
    int eBest = SC_NONE;
    for (int e = SC_NONE + 1; e < N_SCRIPT; e++) {
        nAll += p->aLetter[e];
        if (p->aLetter[e] > p->aLetter[eBest]) {
            eBest = e;
        }
    }
    if (eBest == SC_NONE || eBest == SC_OTHER ||
        p->aLetter[eBest] * 2 <= nAll) {
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
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t l;
        if (z[i] < 0x80) {
            c = z[i];
            l = 1;
        } else {
            l = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i), &c);
            if (l <= 0) {
                word_end(&s);    /* not UTF-8, or cut at the limit */
                i++;
                continue;
            }
        }
        i += (size_t)l;
        utf8proc_category_t cat = utf8proc_category(c);
        if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
            (cat == UTF8PROC_CATEGORY_CF && s.bInWord)) {
            word_add(&s, c, cat);
        } else {
            word_end(&s);
        }
    }
    word_end(&s);
    return decide(&s);
}
