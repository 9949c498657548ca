/* actors.c -- the actor gazetteer behind tsn_actor_class(), written for tasnif.
 * Forms are bare (no article, conjunction or preposition), alef-folded, with teh marbuta as
 * heh and alef maqsura as yeh; lookups fold the word the same way first. */
#include "actors.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *word, *cls;
} entry;

/* clang-format off */
static const entry table[] = {
    /* states */
    {"روسيا", "state"}, {"امريكا", "state"}, {"ايران", "state"}, {"اسرائيل", "state"},
    {"الصين", "state"}, {"صين", "state"}, {"سوريا", "state"}, {"سوريه", "state"}, {"تركيا", "state"},
    {"مصر", "state"}, {"السعوديه", "state"}, {"سعوديه", "state"}, {"قطر", "state"},
    {"الامارات", "state"}, {"امارات", "state"}, {"العراق", "state"}, {"عراق", "state"},
    {"لبنان", "state"}, {"اليمن", "state"}, {"يمن", "state"}, {"ليبيا", "state"},
    {"الاردن", "state"}, {"اردن", "state"}, {"فرنسا", "state"}, {"بريطانيا", "state"},
    {"المانيا", "state"}, {"اوكرانيا", "state"}, {"باكستان", "state"}, {"الهند", "state"},
    {"هند", "state"}, {"افغانستان", "state"}, {"كوريا", "state"}, {"اليابان", "state"},
    {"يابان", "state"}, {"السودان", "state"}, {"سودان", "state"}, {"الجزائر", "state"},
    {"المغرب", "state"}, {"تونس", "state"}, {"البحرين", "state"}, {"الكويت", "state"},
    {"عمان", "state"}, {"اثيوبيا", "state"}, {"الصومال", "state"}, {"نيجيريا", "state"},
    {"فنزويلا", "state"}, {"ميانمار", "state"}, {"فلسطين", "state"}, {"ايطاليا", "state"},
    {"اسبانيا", "state"}, {"بلجيكا", "state"}, {"هولندا", "state"}, {"كندا", "state"},
    {"استراليا", "state"}, {"البرازيل", "state"}, {"المكسيك", "state"}, {"الولايات", "state"},
    {"واشنطن", "capital"}, {"موسكو", "capital"}, {"طهران", "capital"}, {"بكين", "capital"},
    {"دمشق", "capital"}, {"انقره", "capital"}, {"القاهره", "capital"}, {"قاهره", "capital"},
    {"الرياض", "capital"}, {"رياض", "capital"}, {"الدوحه", "capital"}, {"دوحه", "capital"},
    {"ابوظبي", "capital"}, {"بغداد", "capital"}, {"بيروت", "capital"}, {"صنعاء", "capital"},
    {"طرابلس", "capital"}, {"لندن", "capital"}, {"باريس", "capital"}, {"برلين", "capital"},
    {"كييف", "capital"}, {"كابول", "capital"}, {"بيونغ", "capital"}, {"بيونغيانغ", "capital"},
    {"سول", "capital"}, {"طوكيو", "capital"}, {"الخرطوم", "capital"}, {"خرطوم", "capital"},
    {"تل", "capital"}, {"القدس", "capital"}, {"اسلام", "capital"}, {"المنامه", "capital"},
    {"الكرملين", "capital"}, {"كرملين", "capital"}, {"البيت", "capital"},
    /* demonyms (masculine, feminine, plurals) */
    {"روسي", "demonym"}, {"روسيه", "demonym"}, {"روس", "demonym"}, {"امريكي", "demonym"},
    {"امريكيه", "demonym"}, {"امريكيون", "demonym"}, {"امريكيين", "demonym"},
    {"اميركي", "demonym"}, {"اميركيه", "demonym"}, {"ايراني", "demonym"}, {"ايرانيه", "demonym"},
    {"ايرانيون", "demonym"}, {"ايرانيين", "demonym"}, {"اسرائيلي", "demonym"},
    {"اسرائيليه", "demonym"}, {"اسرائيليون", "demonym"}, {"اسرائيليين", "demonym"},
    {"صيني", "demonym"}, {"صينيه", "demonym"}, {"سوري", "demonym"}, {"سوريون", "demonym"},
    {"سوريين", "demonym"}, {"تركي", "demonym"}, {"تركيه", "demonym"}, {"اتراك", "demonym"},
    {"مصري", "demonym"}, {"مصريه", "demonym"}, {"سعودي", "demonym"}, {"قطري", "demonym"},
    {"قطريه", "demonym"}, {"اماراتي", "demonym"}, {"اماراتيه", "demonym"}, {"عراقي", "demonym"},
    {"عراقيه", "demonym"}, {"لبناني", "demonym"}, {"لبنانيه", "demonym"}, {"يمني", "demonym"},
    {"يمنيه", "demonym"}, {"ليبي", "demonym"}, {"ليبيه", "demonym"}, {"فرنسي", "demonym"},
    {"فرنسيه", "demonym"}, {"بريطاني", "demonym"}, {"بريطانيه", "demonym"}, {"الماني", "demonym"},
    {"المانيه", "demonym"}, {"اوكراني", "demonym"}, {"اوكرانيه", "demonym"},
    {"فلسطيني", "demonym"}, {"فلسطينيه", "demonym"}, {"فلسطينيون", "demonym"},
    {"فلسطينيين", "demonym"}, {"كوري", "demonym"}, {"كوريه", "demonym"}, {"باكستاني", "demonym"},
    {"افغاني", "demonym"}, {"اردني", "demonym"}, {"سوداني", "demonym"}, {"سودانيه", "demonym"},
    {"كردي", "demonym"}, {"كرديه", "demonym"}, {"اكراد", "demonym"}, {"غربي", "demonym"},
    {"غربيه", "demonym"}, {"اوروبي", "demonym"}, {"اوروبيه", "demonym"},
    /* armies and forces */
    {"جيش", "army"}, {"قوات", "army"}, {"قوه", "army"}, {"عسكري", "army"}, {"عسكريه", "army"},
    {"طائرات", "army"}, {"طيران", "army"}, {"مقاتلات", "army"}, {"جنود", "army"},
    {"التحالف", "army"}, {"تحالف", "army"}, {"البحريه", "army"}, {"بحريه", "army"},
    {"الحرس", "army"}, {"حرس", "army"}, {"الشرطه", "army"}, {"شرطه", "army"},
    {"الامن", "army"}, {"امن", "army"}, {"الناتو", "army"}, {"ناتو", "army"},
    /* ministries and governments */
    {"وزاره", "ministry"}, {"الخارجيه", "ministry"}, {"خارجيه", "ministry"},
    {"الدفاع", "ministry"}, {"دفاع", "ministry"}, {"الداخليه", "ministry"}, {"داخليه", "ministry"},
    {"حكومه", "ministry"}, {"الحكومه", "ministry"}, {"النظام", "ministry"}, {"نظام", "ministry"},
    {"السلطات", "ministry"}, {"سلطات", "ministry"}, {"الادعاء", "ministry"}, {"ادعاء", "ministry"},
    {"النيابه", "ministry"}, {"نيابه", "ministry"}, {"محكمه", "ministry"}, {"المحكمه", "ministry"},
    /* agencies */
    {"الاستخبارات", "agency"}, {"استخبارات", "agency"}, {"المخابرات", "agency"},
    {"مخابرات", "agency"}, {"وكاله", "agency"}, {"مكتب", "agency"}, {"جهاز", "agency"},
    {"الامم", "agency"}, {"منظمه", "agency"}, {"المنظمه", "agency"}, {"لجنه", "agency"},
    /* armed groups */
    {"داعش", "group"}, {"حزب", "group"}, {"حماس", "group"}, {"الحوثيون", "group"},
    {"حوثيون", "group"}, {"الحوثيين", "group"}, {"حوثيين", "group"}, {"الحوثي", "group"},
    {"حوثي", "group"}, {"طالبان", "group"}, {"القاعده", "group"}, {"قاعده", "group"},
    {"النصره", "group"}, {"نصره", "group"}, {"الحشد", "group"}, {"حشد", "group"},
    {"ميليشيا", "group"}, {"ميليشيات", "group"}, {"مليشيا", "group"}, {"مليشيات", "group"},
    {"مسلحون", "group"}, {"مسلحين", "group"}, {"مسلحي", "group"}, {"تنظيم", "group"},
    {"التنظيم", "group"}, {"جماعه", "group"}, {"الجماعه", "group"}, {"فصائل", "group"},
    {"فصيل", "group"}, {"المعارضه", "group"}, {"معارضه", "group"}, {"متمردون", "group"},
    {"متمردين", "group"}, {"الجهاد", "group"}, {"بوكو", "group"}, {"الشباب", "group"},
    {"قراصنه", "group"}, {"متسللون", "group"},
    /* companies */
    {"شركه", "company"}, {"الشركه", "company"}, {"شركات", "company"}, {"مجموعه", "company"},
    {"بنك", "company"}, {"مصرف", "company"},
    /* officials */
    {"الرئيس", "official"}, {"رئيس", "official"}, {"وزير", "official"}, {"الوزير", "official"},
    {"المتحدث", "official"}, {"متحدث", "official"}, {"سفير", "official"}, {"السفير", "official"},
    {"مسؤول", "official"}, {"مسؤولون", "official"}, {"مسؤولين", "official"},
    {"زعيم", "official"}, {"قائد", "official"}, {"ولي", "official"}, {"الملك", "official"},
    {"ملك", "official"}, {"امير", "official"}, {"نائب", "official"},
};
/* clang-format on */

#define N_ENTRIES (sizeof table / sizeof table[0])

static int by_word(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->word, ((const entry *)b)->word);
}

/* A sorted copy of the table for bsearch, made once by whichever thread looks up first. */
static entry sorted[N_ENTRIES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void sort_table(void)
{
    memcpy(sorted, table, sizeof table);
    qsort(sorted, N_ENTRIES, sizeof *sorted, by_word);
}

const char *tsn_actor_class(const char *w, size_t len)
{
    /* fold teh marbuta (U+0629, D8 A9) to heh (U+0647, D9 87) */
    char key[64];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (k + 2 >= sizeof key)
            return NULL;
        if ((unsigned char)w[i] == 0xD8 && i + 1 < len && (unsigned char)w[i + 1] == 0xA9) {
            key[k++] = (char)0xD9;
            key[k++] = (char)0x87;
            i++;
        } else {
            key[k++] = w[i];
        }
    }
    key[k] = '\0';
    pthread_once(&once, sort_table);
    entry probe = {key, NULL};
    const entry *e = bsearch(&probe, sorted, N_ENTRIES, sizeof *sorted, by_word);
    return e != NULL ? e->cls : NULL;
}
