/*
** t_langid.c -- kq_lang_detect() (common/langid.c): two or more news-style
** sentences per Snowball language that must be detected as it (every
** language of kq_languages() but the alias porter must have them); texts
** that must give NULL (too short, no letters, scripts no Snowball language
** writes, a jumble of scripts, a language with a decoy profile); the
** KQ_LANGID_MAX_BYTES limit (at it and one past it, a language change after
** it, a character cut at it, exact-size buffers); invalid UTF-8; and the
** word table of the profiles (sorted by bytes, each word its own case fold
** in NFC, as the lookup assumes).
**
** The sentences were written for this test (news style; no source).
*/
#include "tharness.h"
#include "kq_int.h"

#include <utf8proc.h>

static const struct sample {
    const char *zLang, *zText;
} aSample[] = {
    {"english", "The government said on Tuesday that it would cut interest "
     "rates by half a point, after the central bank warned that growth had "
     "slowed in the third quarter."},
    {"english", "Officials from both countries met in Geneva for a second "
     "round of talks, but they did not agree on a date for the withdrawal "
     "of troops from the border."},
    {"french", "Le gouvernement a annoncé mardi que les négociations avec les "
     "syndicats reprendraient la semaine prochaine, après une grève qui a "
     "paralysé les transports dans tout le pays."},
    {"french", "Selon le ministère de l'Intérieur, plus de deux cents "
     "personnes ont été arrêtées lors des manifestations qui se sont "
     "déroulées samedi dans les rues de Paris."},
    {"spanish", "El presidente del Gobierno anunció el martes que los precios "
     "de la electricidad bajarán un diez por ciento a partir del próximo "
     "mes, según fuentes del ministerio."},
    {"spanish", "Las autoridades sanitarias han confirmado que el número de "
     "casos ha aumentado en las últimas semanas, y piden a la población que "
     "se vacune cuanto antes."},
    {"portuguese", "O governo anunciou nesta terça-feira que os preços dos "
     "combustíveis vão cair a partir do próximo mês, segundo uma nota "
     "divulgada pelo ministério da economia."},
    {"portuguese", "Segundo a polícia, mais de duzentas pessoas foram detidas "
     "durante os protestos que aconteceram no sábado nas ruas de Lisboa e "
     "do Porto."},
    {"italian", "Il governo ha annunciato martedì che i prezzi dell'energia "
     "scenderanno del dieci per cento a partire dal prossimo mese, secondo "
     "quanto riferito dal ministero."},
    {"italian", "Secondo la polizia, più di duecento persone sono state "
     "arrestate durante le proteste che si sono svolte sabato nelle strade "
     "di Roma e di Milano."},
    {"catalan", "El govern ha anunciat aquest dimarts que els preus de "
     "l'electricitat baixaran un deu per cent a partir del mes vinent, "
     "segons fonts del departament d'economia."},
    {"catalan", "Segons la policia, més de dues-centes persones van ser "
     "detingudes durant les protestes que es van fer dissabte als carrers "
     "de Barcelona i de Girona."},
    {"dutch", "De regering heeft dinsdag bekendgemaakt dat de belasting op "
     "brandstof volgend jaar wordt verlaagd, maar de oppositie noemt het "
     "plan onvoldoende voor gezinnen met lage inkomens."},
    {"dutch", "Volgens de politie zijn bij de demonstraties in Amsterdam meer "
     "dan tweehonderd mensen opgepakt, en er werden ook enkele agenten "
     "gewond."},
    {"german", "Die Bundesregierung hat am Dienstag angekündigt, dass die "
     "Steuern auf Kraftstoff im nächsten Jahr gesenkt werden, doch die "
     "Opposition hält den Plan für unzureichend."},
    {"german", "Nach Angaben der Polizei wurden bei den Protesten in Berlin "
     "mehr als zweihundert Menschen festgenommen, mehrere Beamte wurden "
     "dabei leicht verletzt."},
    {"danish", "Regeringen meddelte tirsdag, at afgiften på benzin bliver sat "
     "ned fra næste år, men oppositionen mener ikke, at planen hjælper "
     "familier med lave indkomster."},
    {"danish", "Ifølge politiet blev mere end to hundrede personer anholdt "
     "efter demonstrationerne i København, og flere betjente blev lettere "
     "såret."},
    {"norwegian", "Regjeringen opplyste tirsdag at avgiften på bensin blir "
     "satt ned fra neste år, men opposisjonen mener at planen ikke hjelper "
     "familier med lave inntekter."},
    {"norwegian", "Ifølge politiet ble mer enn to hundre personer pågrepet "
     "etter demonstrasjonene i Oslo, og flere betjenter ble lettere "
     "skadet."},
    {"swedish", "Regeringen meddelade på tisdagen att skatten på bensin ska "
     "sänkas från och med nästa år, men oppositionen anser inte att "
     "förslaget hjälper familjer med låga inkomster."},
    {"swedish", "Enligt polisen greps mer än tvåhundra personer efter "
     "demonstrationerna i Stockholm, och flera poliser skadades "
     "lindrigt."},
    {"finnish", "Hallitus ilmoitti tiistaina, että polttoaineen veroa "
     "lasketaan ensi vuonna, mutta oppositio katsoo, että suunnitelma ei "
     "auta pienituloisia perheitä."},
    {"finnish", "Poliisin mukaan mielenosoitusten yhteydessä Helsingissä "
     "pidätettiin yli kaksisataa ihmistä, ja myös useita poliiseja "
     "loukkaantui lievästi."},
    {"hungarian", "A kormány kedden bejelentette, hogy jövőre csökkentik az "
     "üzemanyag adóját, de az ellenzék szerint a terv nem segít az alacsony "
     "jövedelmű családoknak."},
    {"hungarian", "A rendőrség szerint több mint kétszáz embert vettek "
     "őrizetbe a budapesti tüntetések után, és több rendőr is könnyebben "
     "megsérült."},
    {"turkish", "Hükümet salı günü yaptığı açıklamada akaryakıt vergisinin "
     "gelecek yıl düşürüleceğini duyurdu, ancak muhalefet bu planın düşük "
     "gelirli aileler için bir çözüm olmadığını söyledi."},
    {"turkish", "Polis, bu hafta İstanbul'daki gösterilerde iki yüzden fazla "
     "kişinin gözaltına alındığını ve birkaç polis memurunun da hafif "
     "şekilde yaralandığını açıkladı."},
    {"romanian", "Guvernul a anunțat marți că prețurile la energie vor scădea "
     "cu zece la sută de luna viitoare, potrivit unui comunicat al "
     "ministerului economiei."},
    {"romanian", "Potrivit poliției, peste două sute de persoane au fost "
     "reținute în timpul protestelor care au avut loc sâmbătă pe străzile "
     "din București."},
    {"lithuanian", "Vyriausybė antradienį paskelbė, kad kitais metais degalų "
     "mokestis bus sumažintas, tačiau opozicija teigia, kad šis planas "
     "nepadės mažas pajamas gaunančioms šeimoms."},
    {"lithuanian", "Policijos teigimu, per protestus Vilniuje buvo sulaikyta "
     "daugiau nei du šimtai žmonių, o keli pareigūnai buvo lengvai "
     "sužeisti."},
    {"basque", "Gobernuak asteartean iragarri du datorren urtean erregaien "
     "gaineko zerga jaitsiko dela, baina oposizioak dio plana ez dela "
     "nahikoa diru sarrera txikiak dituzten familientzat."},
    {"basque", "Poliziaren arabera, berrehun pertsona baino gehiago atxilotu "
     "zituzten Bilboko protestetan, eta hainbat agente ere zauritu "
     "ziren."},
    {"irish", "D'fhógair an rialtas Dé Máirt go laghdófar an cháin ar "
     "bhreosla an bhliain seo chugainn, ach deir an freasúra nach "
     "gcabhróidh an plean le teaghlaigh ar ioncam íseal."},
    {"irish", "De réir na bpóilíní, gabhadh níos mó ná dhá chéad duine le "
     "linn na n-agóidí i mBaile Átha Cliath, agus gortaíodh roinnt gardaí "
     "freisin."},
    {"indonesian", "Pemerintah mengumumkan pada hari Selasa bahwa harga bahan "
     "bakar akan turun mulai bulan depan, namun pihak oposisi menilai "
     "kebijakan itu tidak cukup untuk membantu keluarga miskin."},
    {"indonesian", "Menurut polisi, lebih dari dua ratus orang ditangkap "
     "dalam aksi unjuk rasa di Jakarta, dan beberapa petugas juga mengalami "
     "luka ringan."},
    {"serbian", "Влада је у уторак саопштила да ће цене горива бити смањене "
     "од следећег месеца, али опозиција тврди да то није довољно за "
     "породице са ниским примањима."},
    {"serbian", "Према подацима полиције, током протеста у Београду ухапшено "
     "је више од двеста људи, а неколико полицајаца је лакше повређено."},
    {"serbian", "Vlada je u utorak saopštila da će cene goriva biti smanjene "
     "od sledećeg meseca, ali opozicija tvrdi da to nije dovoljno za "
     "porodice sa niskim primanjima."},
    {"serbian", "Prema podacima policije, tokom protesta u Beogradu uhapšeno "
     "je više od dvesta ljudi, a nekoliko policajaca je lakše povređeno."},
    {"russian", "Правительство во вторник объявило, что цены на бензин будут "
     "снижены со следующего месяца, однако оппозиция считает, что этого "
     "недостаточно для семей с низкими доходами."},
    {"russian", "По данным полиции, во время протестов в Москве были "
     "задержаны более двухсот человек, а несколько полицейских получили "
     "лёгкие ранения."},
    {"hindi", "सरकार ने मंगलवार को घोषणा की कि अगले महीने से पेट्रोल की "
     "कीमतों में कमी की जाएगी, लेकिन विपक्ष का कहना है कि यह कदम गरीब "
     "परिवारों के लिए काफी नहीं है।"},
    {"hindi", "पुलिस के अनुसार दिल्ली में हुए प्रदर्शनों के दौरान दो सौ से "
     "अधिक लोगों को हिरासत में लिया गया और कई पुलिसकर्मी भी घायल हुए।"},
    {"nepali", "सरकारले मंगलबार आगामी महिनादेखि पेट्रोलको मूल्य घटाउने "
     "घोषणा गरेको छ, तर विपक्षी दलहरूले यो कदम गरिब परिवारका लागि "
     "पर्याप्त नभएको बताएका छन्।"},
    {"nepali", "प्रहरीका अनुसार काठमाडौंमा भएको प्रदर्शनका क्रममा दुई सय "
     "भन्दा बढी मानिसलाई पक्राउ गरिएको छ र केही प्रहरी पनि घाइते भएका "
     "छन्।"},
    {"greek", "Η κυβέρνηση ανακοίνωσε την Τρίτη ότι οι τιμές των καυσίμων θα "
     "μειωθούν από τον επόμενο μήνα, αλλά η αντιπολίτευση υποστηρίζει ότι "
     "το μέτρο δεν αρκεί."},
    {"greek", "Σύμφωνα με την αστυνομία, περισσότεροι από διακόσιοι άνθρωποι "
     "συνελήφθησαν κατά τη διάρκεια των διαδηλώσεων στην Αθήνα το "
     "Σάββατο."},
    {"armenian", "Կառավարությունը երեքշաբթի հայտարարեց, որ հաջորդ ամսից "
     "վառելիքի գները կնվազեն, սակայն ընդդիմությունը պնդում է, որ այդ "
     "քայլը բավարար չէ։"},
    {"armenian", "Ոստիկանության տվյալներով՝ Երևանում շաբաթ օրը անցկացված "
     "բողոքի ակցիաների ժամանակ ձերբակալվել է ավելի քան երկու հարյուր մարդ։"},
    {"arabic", "أعلنت الحكومة يوم الثلاثاء أن أسعار الوقود ستنخفض اعتبارا من "
     "الشهر المقبل، لكن المعارضة تقول إن هذه الخطوة لا تكفي لمساعدة الأسر "
     "الفقيرة."},
    {"arabic", "وقالت الشرطة إن أكثر من مئتي شخص اعتقلوا خلال الاحتجاجات التي "
     "شهدتها شوارع القاهرة يوم السبت، وأصيب عدد من رجال الأمن بجروح "
     "طفيفة."},
    {"tamil", "அடுத்த மாதம் முதல் பெட்ரோல் விலை குறைக்கப்படும் என்று அரசு "
     "செவ்வாய்க்கிழமை அறிவித்தது, ஆனால் இது போதுமானதல்ல என்று "
     "எதிர்க்கட்சிகள் கூறுகின்றன."},
    {"tamil", "சென்னையில் சனிக்கிழமை நடந்த போராட்டங்களின் போது "
     "இருநூறுக்கும் மேற்பட்டோர் கைது செய்யப்பட்டதாக காவல்துறை "
     "தெரிவித்தது, மேலும் பல காவலர்களும் லேசான காயம் அடைந்தனர் என்றும் "
     "அவர்கள் கூறினர்."},
    {"yiddish", "די רעגירונג האָט דינסטיק געמאָלדן אַז די פּרייזן פֿון "
     "בענזין וועלן פֿאַלן פֿון קומענדיקן חודש, אָבער די אָפּאָזיציע זאָגט "
     "אַז דאָס איז ניט גענוג."},
    {"yiddish", "לויט דער פּאָליציי זענען מער ווי צוויי הונדערט מענטשן "
     "אַרעסטירט געוואָרן בעת די פּראָטעסטן אין ניו יאָרק שבת."},
};
#define N_SAMPLE (sizeof aSample / sizeof aSample[0])

/* kq_lang_detect() of a NUL-terminated string, read from an exact-size
** copy (so that ASan sees a read past its end); "(null)" for NULL. */
static const char *detect(const char *z, size_t n) {
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, z, n);
    const char *zLang = kq_lang_detect(p, n);
    free(p);
    return zLang ? zLang : "(null)";
}
static const char *detect_str(const char *z) { return detect(z, strlen(z)); }

/* Every sample is detected as its language. */
static void test_samples(void **state) {
    (void)state;
    int nFail = 0;
    for (size_t i = 0; i < N_SAMPLE; i++) {
        const char *zGot = detect_str(aSample[i].zText);
        if (strcmp(zGot, aSample[i].zLang) != 0) {
            print_error("sample %zu (%s) detected as %s: %s\n", i,
                        aSample[i].zLang, zGot, aSample[i].zText);
            nFail++;
        }
    }
    assert_int_equal(nFail, 0);
}

/* The samples are what the brief promised: 15 to 40 words each. */
static void test_sample_sizes(void **state) {
    (void)state;
    for (size_t i = 0; i < N_SAMPLE; i++) {
        int nWord = 0, bIn = 0;
        for (const char *z = aSample[i].zText; *z; z++) {
            int bSpace = *z == ' ';
            nWord += !bSpace && !bIn;
            bIn = !bSpace;
        }
        if (nWord < 15 || nWord > 40) {
            fail_msg("sample %zu (%s) has %d words", i, aSample[i].zLang,
                     nWord);
        }
    }
}

/* Every Snowball language but the alias porter has two samples or more,
** and the detector names no language libstemmer does not know. */
static void test_every_language(void **state) {
    (void)state;
    const char **az = kq_languages();
    int nLang = 0;
    for (int i = 0; az[i]; i++) {
        if (strcmp(az[i], "porter") == 0) continue;
        int n = 0;
        for (size_t j = 0; j < N_SAMPLE; j++) {
            n += strcmp(aSample[j].zLang, az[i]) == 0;
        }
        if (n < 2) fail_msg("language %s has %d samples", az[i], n);
        nLang++;
    }
    assert_true(nLang >= 28);
    for (size_t j = 0; j < N_SAMPLE; j++) {
        int bKnown = 0;
        for (int i = 0; az[i]; i++) bKnown |= !strcmp(az[i], aSample[j].zLang);
        assert_true(bKnown);
    }
    /* ... and every profile's language is one of them. */
    const char *zLang;
    for (size_t p = 0; kqi_langid_profile(p, &zLang); p++) {
        if (zLang == NULL) continue;   /* a decoy */
        int bKnown = 0;
        for (int i = 0; az[i]; i++) bKnown |= !strcmp(az[i], zLang);
        if (!bKnown) fail_msg("profile %zu: unknown language %s", p, zLang);
    }
}

/* Texts the detector cannot tell: NULL. */
static void test_null(void **state) {
    (void)state;
    static const char *const azNull[] = {
        "",
        "   \t\n  ",
        "2024 15 3.5 1000 42 7 99 -- 12:30 +33 (0)1 23 45 67 89",
        "The government said",                     /* 3 words */
        "Le gouvernement a",
        "Η κυβέρνηση ανακοίνωσε",
        /* Chinese, Japanese, Thai, Korean: no Snowball language. */
        "亚美尼亚和阿塞拜疆宣布停火，双方同意从边境撤军，并将于下周在日内瓦举行新"
        "一轮谈判。",
        "アルメニアとアゼルバイジャンは停戦を発表し、両国は国境から部隊を撤退させ"
        "ることで合意した。",
        "อาร์เมเนียและอาเซอร์ไบจานประกาศหยุดยิง ทั้งสองฝ่ายตกลงถอนทหารออกจากชาย"
        "แดน และจะเจรจารอบใหม่ที่เจนีวาในสัปดาห์หน้า",
        "아르메니아와 아제르바이잔이 휴전을 선언했으며 양측은 국경에서 군대를 "
        "철수하고 제네바에서 새로운 회담을 열기로 합의했다.",
        /* A jumble of scripts: none holds most letters. */
        "Москва Paris 東京 Αθήνα القاهرة Երևան 서울 กรุงเทพ ירושלים Киев "
        "Berlin 北京 Λευκωσία بغداد",
        /* Latin letters, but no function word of any language. */
        "xq zvbrt klmno pqwst vvvv grrk zzyzx bnmw",
        /* Ukrainian: Cyrillic, but its decoy profile wins, not russian. */
        "Уряд у вівторок оголосив, що ціни на пальне будуть знижені з "
        "наступного місяця, але опозиція вважає, що цього недостатньо для "
        "родин з низькими доходами.",
        /* Hebrew: the script of yiddish, but the Hebrew decoy wins. */
        "הממשלה הודיעה ביום שלישי כי מחירי הדלק יירדו החל מהחודש הבא, אבל "
        "האופוזיציה טוענת שזה לא מספיק למשפחות עם הכנסה נמוכה.",
        /* Persian: Arabic script, the Persian decoy wins, not arabic. */
        "دولت روز سه شنبه اعلام کرد که قیمت سوخت از ماه آینده کاهش می یابد، "
        "اما مخالفان می گویند که این برای خانواده های کم درآمد کافی نیست.",
        /* Polish: Latin, its decoy wins, not serbian. */
        "Rząd ogłosił we wtorek, że ceny paliwa zostaną obniżone od przyszłego "
        "miesiąca, ale opozycja uważa, że to za mało dla rodzin o niskich "
        "dochodach.",
    };
    for (size_t i = 0; i < sizeof azNull / sizeof azNull[0]; i++) {
        const char *zGot = detect_str(azNull[i]);
        if (strcmp(zGot, "(null)") != 0) {
            fail_msg("text %zu detected as %s: %s", i, zGot, azNull[i]);
        }
    }
    assert_null(kq_lang_detect(NULL, 0));
    assert_null(kq_lang_detect(NULL, 100));
}

/* Four words are enough for a script with one Snowball language; the same
** with one of them away gives NULL (the minimum, at it and below it). */
static void test_min_words(void **state) {
    (void)state;
    assert_string_equal(detect_str("Η κυβέρνηση ανακοίνωσε σήμερα"), "greek");
    assert_string_equal(detect_str("Η κυβέρνηση ανακοίνωσε 2024"), "(null)");
    assert_string_equal(detect_str("the of and was"), "english");
    assert_string_equal(detect_str("the of and"), "(null)");
}

/* A buffer of nPad bytes of spaces and then z, cut at nTotal bytes (the
** rest spaces); caller frees. */
static char *padded(size_t nPad, const char *z, size_t nTotal) {
    char *p = malloc(nTotal);
    assert_non_null(p);
    memset(p, ' ', nTotal);
    size_t n = strlen(z);
    if (nPad < nTotal) {
        memcpy(p + nPad, z, n < nTotal - nPad ? n : nTotal - nPad);
    }
    return p;
}

/* The fourth word ends on the last byte the detector reads (english), or
** one byte later, past the limit (3 words: NULL). */
static void test_limit_exact(void **state) {
    (void)state;
    const char *zW = "the of and a";
    size_t nW = strlen(zW), nTotal = KQ_LANGID_MAX_BYTES + 100;
    char *p = padded(KQ_LANGID_MAX_BYTES - nW, zW, nTotal);
    assert_string_equal(detect(p, nTotal), "english");
    assert_string_equal(detect(p, KQ_LANGID_MAX_BYTES), "english");
    free(p);
    p = padded(KQ_LANGID_MAX_BYTES - nW + 1, zW, nTotal);
    assert_int_equal(p[KQ_LANGID_MAX_BYTES], 'a');
    assert_string_equal(detect(p, nTotal), "(null)");
    assert_string_equal(detect(p, KQ_LANGID_MAX_BYTES + 1), "(null)");
    free(p);
}

/* The language changes after the limit: the beginning decides, however
** much of the other language follows. */
static void test_limit_language_change(void **state) {
    (void)state;
    const char *zEn = aSample[0].zText, *zDe = aSample[14].zText;
    assert_string_equal(aSample[14].zLang, "german");
    size_t nEn = strlen(zEn), nDe = strlen(zDe);
    size_t nTotal = KQ_LANGID_MAX_BYTES + 20 * (nDe + 1);
    char *p = malloc(nTotal);
    assert_non_null(p);
    size_t i = 0;
    while (i + nEn + 1 <= KQ_LANGID_MAX_BYTES) {   /* English, to the limit */
        memcpy(p + i, zEn, nEn);
        p[i + nEn] = ' ';
        i += nEn + 1;
    }
    memset(p + i, ' ', KQ_LANGID_MAX_BYTES - i);
    i = KQ_LANGID_MAX_BYTES;
    while (i + nDe + 1 <= nTotal) {                /* German after it */
        memcpy(p + i, zDe, nDe);
        p[i + nDe] = ' ';
        i += nDe + 1;
    }
    memset(p + i, ' ', nTotal - i);
    assert_string_equal(detect(p, nTotal), "english");
    /* The same German inside the limit, after one English sentence,
    ** outweighs it: the test above would see a detector reading on. */
    char *q = malloc(nTotal);
    assert_non_null(q);
    memset(q, ' ', nTotal);
    memcpy(q, zEn, nEn);
    memcpy(q + nEn + 1, p + KQ_LANGID_MAX_BYTES, nTotal - KQ_LANGID_MAX_BYTES);
    assert_string_equal(detect(q, nTotal), "german");
    free(p);
    free(q);
}

/* A two-byte Greek letter straddles the limit, and an exact-size buffer
** ends in the middle of a character: no read past either, the words
** before decide. */
static void test_limit_cut_character(void **state) {
    (void)state;
    const char *zGr = "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία "
                      "ααααα";
    size_t n = strlen(zGr);
    /* The last "α" (2 bytes) starts on the last byte read. */
    char *p = padded(KQ_LANGID_MAX_BYTES + 1 - n, zGr, KQ_LANGID_MAX_BYTES + 1);
    assert_int_equal((unsigned char)p[KQ_LANGID_MAX_BYTES - 1], 0xCE);
    assert_string_equal(detect(p, KQ_LANGID_MAX_BYTES + 1), "greek");
    assert_string_equal(detect(p, KQ_LANGID_MAX_BYTES), "greek");
    free(p);
    /* Short texts that end in a cut character. */
    const char *zEn = aSample[1].zText;
    char aBuf[512];
    snprintf(aBuf, sizeof aBuf, "%s \xCE", zEn);
    assert_string_equal(detect_str(aBuf), "english");
    snprintf(aBuf, sizeof aBuf, "%s \xE0\xA4", zEn);
    assert_string_equal(detect_str(aBuf), "english");
    snprintf(aBuf, sizeof aBuf, "%s \xF0\x9F\x98", zEn);
    assert_string_equal(detect_str(aBuf), "english");
}

/* Bytes that are not UTF-8 separate words and are otherwise ignored. */
static void test_invalid_utf8(void **state) {
    (void)state;
    assert_string_equal(detect_str(
        "The \xFF government \xC0\x80 said on \x80 Tuesday that it \xED\xA0\x80"
        " would cut \xF5\x80\x80\x80 rates by half a point, after the bank "
        "warned that growth had \xFE slowed in the quarter."), "english");
    /* Invalid bytes glued to words split them: "th\xFFe" is "th" "e". */
    assert_string_equal(detect_str("th\xFF" "e o\xC0\x80" "f an\x80" "d wa\xFEs"),
                        "(null)");
    char aJunk[600];
    for (size_t i = 0; i < sizeof aJunk; i++) {
        aJunk[i] = (char)(0x80 + i % 0x80);
    }
    assert_string_equal(detect(aJunk, sizeof aJunk), "(null)");
    /* A NUL inside the text is a separator like any other. */
    static const char zNul[] = "the\0of\0and\0was";
    assert_string_equal(detect(zNul, sizeof zNul - 1), "english");
}

/* Case and normalization do not matter: upper case, NFD (combining
** accents), Turkish capital dotted I. */
static void test_folding(void **state) {
    (void)state;
    assert_string_equal(detect_str(
        "THE GOVERNMENT SAID ON TUESDAY THAT IT WOULD CUT INTEREST RATES BY "
        "HALF A POINT, AFTER THE BANK WARNED."), "english");
    /* "été", "à", "très", "déjà", "même" in NFD, and nothing else French
    ** but "a": only the accented words make the difference. */
    assert_string_equal(detect_str(
        "e\xCC\x81te\xCC\x81 a\xCC\x80 tre\xCC\x80s de\xCC\x81ja\xCC\x80 "
        "me\xCC\x82me"), "french");
    assert_string_equal(detect_str("ÉTÉ À TRÈS DÉJÀ MÊME"), "french");
    /* Every word has a capital I with a dot: case folding alone gives "i"
    ** + U+0307, and none of them would be found. */
    assert_string_equal(detect_str("İÇİN BİR DEĞİL İLE İSE İKİ"), "turkish");
}

/* Words of KQI_LANGID_MAX_CP code points (after folding and decomposition)
** and one more, in ASCII, in letters that decompose into two code points
** (é) or three (ǖ) or that fold into two (ß): they fill the folding
** buffer to its end or overflow it (ASan watches it); either way they are
** words, not function words, and the function words around them still
** decide. */
static void test_long_words(void **state) {
    (void)state;
    static const char *const azLetter[] = {"x", "\u00e9", "\u01d6",
                                           "\u00df"};
    static const size_t anCp[] = {1, 2, 3, 2};
    for (size_t i = 0; i < 4; i++) {
        for (size_t nCp = KQI_LANGID_MAX_CP - 3; nCp <= KQI_LANGID_MAX_CP + 3;
             nCp++) {
            char aText[256] = "the ";
            size_t n = strlen(aText);
            for (size_t k = 0; k < nCp / anCp[i]; k++) {
                size_t m = strlen(azLetter[i]);
                assert_true(n + m < sizeof aText - 32);
                memcpy(aText + n, azLetter[i], m);
                n += m;
            }
            snprintf(aText + n, sizeof aText - n, " of and was");
            assert_string_equal(detect_str(aText), "english");
            /* As the only words: four words, no function word. */
            char aOnly[1024] = "";
            for (int w = 0; w < 4; w++) {
                size_t nOnly = strlen(aOnly);
                snprintf(aOnly + nOnly, sizeof aOnly - nOnly, "%.*s ",
                         (int)(n - 4), aText + 4);
            }
            assert_string_equal(detect_str(aOnly), "(null)");
        }
    }
}

/* Words that two relatives share equally are no lead: NULL; one word of
** its own decides. */
static void test_lead(void **state) {
    (void)state;
    assert_string_equal(detect_str("og det er den til som med ikke kan"),
                        "(null)");
    assert_string_equal(detect_str("og det er den til som med ikke kan af"),
                        "danish");
    assert_string_equal(detect_str("og det er den til som med ikke kan av"),
                        "norwegian");
}

/* A single letter before "." is an initial, not a word: without the rule
** "s", "n", "j", "d", "c" would be French elisions (s', n', j'...). */
static void test_initials(void **state) {
    (void)state;
    assert_string_equal(detect_str(
        "U.S. talks in N.Y. and N.J. and D.C. on trade"), "english");
    assert_string_equal(detect_str("U.S. N.Y. N.J. D.C. S.A."), "(null)");
}

/* A winner needs two different words of its list: one repeated is not
** enough (a table of months: "Mar" is Irish "mar"). */
static void test_distinct_words(void **state) {
    (void)state;
    assert_string_equal(detect_str(
        "Jun 9333 Sep 9330 Dec 9322 Mar 9308 Jun 9288 Mar 9270 Mar 9260"),
        "(null)");
    /* Two different words of its own are. */
    assert_string_equal(detect_str(
        "Jun 9333 Sep 9330 Dec 9322 Mar 9308 agus 9288"), "irish");
}

/* Format characters inside a word (soft hyphen, ZWNJ, ZWJ) are not part of
** it: "the" with a soft hyphen is "the". */
static void test_format_chars(void **state) {
    (void)state;
    assert_string_equal(detect_str("th\u00ADe o\u00ADf an\u200Cd wa\u200Ds"),
                        "english");
    /* ... but do not start one. */
    assert_string_equal(detect_str("\u00AD\u200C \u200D the of and"),
                        "(null)");
}

/* The word table is what the lookup assumes: non-empty words, strictly
** increasing by bytes (binary search), each its own case fold in NFC
** (text words are folded so before the lookup), each in one profile or
** more; and every profile has 40 words or more. */
static void test_profiles(void **state) {
    (void)state;
    const char *zLang;
    size_t nProfile = 0;
    while (kqi_langid_profile(nProfile, &zLang)) nProfile++;
    assert_true(nProfile >= 24 && nProfile <= 32);
    size_t anWord[32] = {0}, nWord = 0;
    const char *zPrev = NULL, *z;
    uint32_t m;
    for (size_t i = 0; (z = kqi_langid_word(i, &m)) != NULL; i++) {
        nWord++;
        assert_true(z[0] != 0);
        if (zPrev && strcmp(zPrev, z) >= 0) {
            fail_msg("word %zu: \"%s\" before \"%s\"", i, zPrev, z);
        }
        zPrev = z;
        assert_true(m != 0 && (nProfile == 32 || m >> nProfile == 0));
        for (size_t p = 0; p < nProfile; p++) anWord[p] += (m >> p) & 1;
        utf8proc_uint8_t *zFold = NULL;
        utf8proc_ssize_t n = utf8proc_map(
            (const utf8proc_uint8_t *)z, 0, &zFold,
            UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                UTF8PROC_CASEFOLD);
        assert_true(n > 0);
        if (strcmp((const char *)zFold, z) != 0) {
            fail_msg("word \"%s\" folds to \"%s\"", z, zFold);
        }
        free(zFold);
    }
    assert_true(nWord > 1000);
    for (size_t p = 0; p < nProfile; p++) {
        if (anWord[p] < 40) {
            kqi_langid_profile(p, &zLang);
            fail_msg("profile %zu (%s) has %zu words", p,
                     zLang ? zLang : "a decoy", anWord[p]);
        }
    }
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_sample_sizes),
        cmocka_unit_test(test_every_language),
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_min_words),
        cmocka_unit_test(test_limit_exact),
        cmocka_unit_test(test_limit_language_change),
        cmocka_unit_test(test_limit_cut_character),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_format_chars),
        cmocka_unit_test(test_long_words),
        cmocka_unit_test(test_lead),
        cmocka_unit_test(test_initials),
        cmocka_unit_test(test_distinct_words),
        cmocka_unit_test(test_profiles),
    };
    return TH_RUN(tests);
}
