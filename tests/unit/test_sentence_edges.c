/* test_sentence_edges.c -- the sentence splitter at its edges: every line ending it knows
 * (CR, U+2029), invisible marks trimmed (BOM, LRM), stops after odd or invalid bytes, the
 * limits of a dateline's agency tag and place, guillemets that nest, a quotation holding many
 * sentences, a run with no white space at all, and an article too long to split. Each case
 * states the sentences it must give (joined by " || "). */
#include "sentence.h"

#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static tsn_splitter *sp;

/* The sentences of text[0..len) joined by " || " (static buffer), or NULL on failure. */
static const char *split_n(const char *text, size_t len)
{
    static char got[16384];
    const tsn_span *s;
    size_t n, k = 0;
    tsn_error err = {0};
    if (tsn_splitter_run(sp, text, len, &s, &n, &err) != TSN_OK) {
        fprintf(stderr, "  split failed: %s\n", err.msg);
        return NULL;
    }
    got[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (s[i].start >= s[i].end || s[i].end > len || (i > 0 && s[i].start < s[i - 1].end))
            return "(span out of order or out of bounds)";
        k += (size_t)snprintf(got + k, sizeof got - k, "%s%.*s", i ? " || " : "",
                              (int)(s[i].end - s[i].start), text + s[i].start);
    }
    return got;
}

static const char *split(const char *text)
{
    return split_n(text, strlen(text));
}

static void a_carriage_return_and_a_paragraph_separator_end_a_sentence(void)
{
    CHECK_STR(split("سطر أول\rسطر ثان."), "سطر أول || سطر ثان.");
    CHECK_STR(split("سطر أول\xe2\x80\xa9سطر ثان."), "سطر أول || سطر ثان.");
    /* a closing quote (E2 80 9D) is no line separator: the stop before it still ends it */
    CHECK_STR(split("He said it.\xe2\x80\x9d Then left."), "He said it.\xe2\x80\x9d || Then left.");
}

static void a_byte_order_mark_and_a_left_to_right_mark_are_trimmed(void)
{
    CHECK_STR(split("\xef\xbb\xbfجملة أولى.\xe2\x80\x8e جملة ثانية.\xef\xbb\xbf"),
              "جملة أولى. || جملة ثانية.");
    /* EM SPACE then a stray continuation byte: the space is not the end, so it stays */
    CHECK_STR(split("كلمة.\xe2\x80\x83\x80"), "كلمة. || \x80");
}

static void a_lone_stop_or_a_cut_lead_byte_is_a_sentence_of_its_own(void)
{
    CHECK_STR(split("? ثم ذهب."), "? || ثم ذهب.");
    CHECK_STR(split("قال الوزير. \xc2"), "قال الوزير. || \xc2");
}

static void a_stop_after_a_tab_separated_initial_does_not_end_the_sentence(void)
{
    CHECK_STR(split("وقال د.\tمحمد إن الوضع مستقر."), "وقال د.\tمحمد إن الوضع مستقر.");
    CHECK_STR(split("قال\tد. محمد إن."), "قال\tد. محمد إن.");
    CHECK_STR(split("قال (د. محمد) إن."), "قال (د. محمد) إن.");
    CHECK_STR(split("أ.ب. ثم ذهب."), "أ.ب. ثم ذهب.");
}

/* A lone letter before a stop is an initial only after another initial or when no clause
 * opens after it: a group's letter or the era after a year can end a sentence. */
static void a_lone_letter_before_a_new_clause_ends_the_sentence(void)
{
    CHECK_STR(split("وجاء الأهلي ثانيا في المجموعة ب. ونفى النادي تقارير عن إقالة المدرب."),
              "وجاء الأهلي ثانيا في المجموعة ب. || ونفى النادي تقارير عن إقالة المدرب.");
    CHECK_STR(split("تأسست الشركة عام 1998 م. وقال مديرها إن الأرباح ارتفعت."),
              "تأسست الشركة عام 1998 م. || وقال مديرها إن الأرباح ارتفعت.");
    CHECK_STR(split("تأهل المنتخب متصدرا المجموعة F. وقال المدرب إن الفريق جاهز."),
              "تأهل المنتخب متصدرا المجموعة F. || وقال المدرب إن الفريق جاهز.");
    /* initials in a row, a title before a name, a year's era before a phrase */
    CHECK_STR(split("ذكرت أ.ف.ب. وقال المسؤول إن."), "ذكرت أ.ف.ب. وقال المسؤول إن.");
    CHECK_STR(split("وقال د. محمد إن الوضع مستقر."), "وقال د. محمد إن الوضع مستقر.");
    CHECK_STR(split("تأسست عام 1998 م. في القاهرة."), "تأسست عام 1998 م. في القاهرة.");
    /* a title's letter before a name that opens with waw; the same letter after a noun it
     * designates, or the era after a year in Arabic-Indic digits, before a clause */
    CHECK_STR(split("وقال د. وليد الخطيب إن الوضع مستقر."), "وقال د. وليد الخطيب إن الوضع مستقر.");
    CHECK_STR(split("وأوضح م. وائل سعيد أن الجسر آمن."), "وأوضح م. وائل سعيد أن الجسر آمن.");
    CHECK_STR(split("وحل الفريق ثالثا في المجموعة د. وقال المدرب إن."),
              "وحل الفريق ثالثا في المجموعة د. || وقال المدرب إن.");
    CHECK_STR(split("تأسست عام ١٩٩٨ م. وقال مديرها إن."), "تأسست عام ١٩٩٨ م. || وقال مديرها إن.");
}

/* A Latin company form or title before a stop ends no sentence; another word does. */
static void a_latin_abbreviation_does_not_end_the_sentence(void)
{
    CHECK_STR(split("وقالت شركة Apple Inc. إنها ستستثمر."), "وقالت شركة Apple Inc. إنها ستستثمر.");
    CHECK_STR(split("said Mr. Smith. Then left."), "said Mr. Smith. || Then left.");
    CHECK_STR(split("وقالت شركة Apple. إنها ستستثمر."), "وقالت شركة Apple. || إنها ستستثمر.");
    CHECK_STR(split("بلغت XInc. ثم غادر."), "بلغت XInc. || ثم غادر.");
}

/* A stop after an invalid or non-letter sequence is no initial: the sentence ends there. */
static void a_stop_after_invalid_bytes_ends_the_sentence(void)
{
    CHECK_STR(split("قال a\x80. ثم ذهب."), "قال a\x80. || ثم ذهب.");
    CHECK_STR(split("قال \xe0\x80. ثم ذهب."), "قال \xe0\x80. || ثم ذهب.");
    CHECK_STR(split("قال \xf4\x90. ثم ذهب."), "قال \xf4\x90. || ثم ذهب.");
    CHECK_STR(split("قال \xed\xa0. ثم."), "قال \xed\xa0. || ثم.");
    CHECK_STR(split("قال \xc0. ثم."), "قال \xc0. || ثم.");
    CHECK_STR(split("قال \xf0\x80\x80. ثم."), "قال \xf0\x80\x80. || ثم.");
    CHECK_STR(split("قال x\xf0\x9f\x98\x80. ثم."), "قال x\xf0\x9f\x98\x80. || ثم.");
}

static void a_parenthesis_that_is_no_agency_tag_is_no_dateline(void)
{
    /* no opening parenthesis, an empty pair, a tag of 25 letters or more, no dash after it */
    CHECK_STR(split("قال الوزير) - أعلنت الحكومة."), "قال الوزير) - أعلنت الحكومة.");
    CHECK_STR(split("دبي () - أعلنت."), "دبي () - أعلنت.");
    CHECK_STR(split("دبي (abcdefghijklmnopqrstuvwxy) - أعلنت."),
              "دبي (abcdefghijklmnopqrstuvwxy) - أعلنت.");
    CHECK_STR(split("دبي (وكالة الأنباء الفرنسية العالمية) - أعلنت."),
              "دبي (وكالة الأنباء الفرنسية العالمية) - أعلنت.");
    CHECK_STR(split("دبي (رويترز) \xe2\x80\x90 أعلنت."), "دبي (رويترز) \xe2\x80\x90 أعلنت.");
    CHECK_STR(split("دبي (رويترز) \xe2\x82\xaa أعلنت."), "دبي (رويترز) \xe2\x82\xaa أعلنت.");
    CHECK_STR(split("قال الوزير (رويترز) \nثم غادر."), "قال الوزير (رويترز) || ثم غادر.");
}

static void datelines_at_their_limits_are_split_off(void)
{
    /* a tag of 24 letters, an en dash, a dash that ends the text */
    CHECK_STR(split("دبي (abcdefghijklmnopqrstuvwx) - أعلنت."),
              "دبي (abcdefghijklmnopqrstuvwx) - || أعلنت.");
    CHECK_STR(split("دبي (رويترز) \xe2\x80\x93 أعلنت الحكومة."),
              "دبي (رويترز) \xe2\x80\x93 || أعلنت الحكومة.");
    CHECK_STR(split("دبي (رويترز) -"), "دبي (رويترز) -");
    /* a place of three words; four, or a headline run into the place, open no dateline */
    CHECK_STR(split("مدينة دبي الكبرى (رويترز) - أعلنت."), "مدينة دبي الكبرى (رويترز) - || أعلنت.");
    CHECK_STR(split("مدينة دبي الكبرى الجديدة (رويترز) - أعلنت."),
              "مدينة دبي الكبرى الجديدة (رويترز) - أعلنت.");
    CHECK_STR(split("سوريا تعلن الهدنة بعد أشهر طويلة من القتال العنيف في المدن الشمالية "
                    "والجنوبية (رويترز) - أعلنت الحكومة."),
              "سوريا تعلن الهدنة بعد أشهر طويلة من القتال العنيف في المدن الشمالية والجنوبية"
              " (رويترز) - أعلنت الحكومة.");
    CHECK_STR(split("سوريا تعلن الهدنة\nدبي (رويترز) - أعلنت."),
              "سوريا تعلن الهدنة || دبي (رويترز) - || أعلنت.");
    /* a space before the comma, a comma opening the text, leading and doubled spaces, a tag
     * with no place */
    CHECK_STR(split("دبي ، الإمارات (CNN)-- أعلنت."), "دبي ، الإمارات (CNN)-- || أعلنت.");
    CHECK_STR(split("سوريا تعلن دبي ، الإمارات (CNN)-- أعلنت."),
              "سوريا تعلن دبي ، الإمارات (CNN)-- أعلنت.");
    CHECK_STR(split("،الإمارات (CNN)-- أعلنت."), "،الإمارات (CNN)-- || أعلنت.");
    CHECK_STR(split("  دبي (رويترز) - أعلنت."), "دبي (رويترز) - || أعلنت.");
    CHECK_STR(split("(CNN) \xe2\x80\x93 أعلنت."), "(CNN) \xe2\x80\x93 || أعلنت.");
    CHECK_STR(split("دبي  الكبرى (رويترز) - أعلنت."), "دبي  الكبرى (رويترز) - || أعلنت.");
}

/* A parenthesis and a dash inside a sentence are an aside, not a dateline: the sentence stays
 * whole, and it is never cut inside a name before a comma. */
static void a_parenthesis_and_a_dash_inside_a_sentence_are_no_dateline(void)
{
    CHECK_STR(split("ونفى صندوق النقد الدولي (IMF) - في بيان أصدره الثلاثاء - التقارير."),
              "ونفى صندوق النقد الدولي (IMF) - في بيان أصدره الثلاثاء - التقارير.");
    CHECK_STR(split("وقالت منظمة الصحة العالمية، في بيان صادر عن مكتبها الإقليمي (EMRO) - إن "
                    "الوضع خطير."),
              "وقالت منظمة الصحة العالمية، في بيان صادر عن مكتبها الإقليمي (EMRO) - إن الوضع "
              "خطير.");
    CHECK_STR(split("وقالت منظمة الصحة العالمية، في بيانها (EMRO) - إن الوضع خطير."),
              "وقالت منظمة الصحة العالمية، في بيانها (EMRO) - إن الوضع خطير.");
    CHECK_STR(split("وأعلنت وزارة الصحة (الفلسطينية) - في حصيلة جديدة - ارتفاع عدد القتلى."),
              "وأعلنت وزارة الصحة (الفلسطينية) - في حصيلة جديدة - ارتفاع عدد القتلى.");
    /* after another sentence of its paragraph a unit opens no dateline */
    CHECK_STR(split("قال الوزير. وأكد المسؤول (رويترز) - أن الوضع مستقر."),
              "قال الوزير. || وأكد المسؤول (رويترز) - أن الوضع مستقر.");
    CHECK_STR(split("قال الوزير.\nوأكد المسؤول (رويترز) - أن."),
              "قال الوزير. || وأكد المسؤول (رويترز) - || أن.");
    /* a place that opens with waw is still a place */
    CHECK_STR(split("واشنطن (رويترز) - قال مسؤول."), "واشنطن (رويترز) - || قال مسؤول.");
}

/* An agency tag's length is counted in characters: Arabic agency names of 20 letters and more
 * (40 bytes and more) are tags. */
static void an_arabic_agency_name_of_many_letters_is_a_dateline_tag(void)
{
    CHECK_STR(split("أنقرة (وكالة الأناضول) - نفت الوزارة التقارير."),
              "أنقرة (وكالة الأناضول) - || نفت الوزارة التقارير.");
    CHECK_STR(split("أبوظبي (سكاي نيوز عربية) - اتهمت الحكومة الحوثيين."),
              "أبوظبي (سكاي نيوز عربية) - || اتهمت الحكومة الحوثيين.");
    CHECK_STR(split("جنيف، سويسرا (وكالة الأنباء الفرنسية) - قالت الأمم المتحدة."),
              "جنيف، سويسرا (وكالة الأنباء الفرنسية) - || قالت الأمم المتحدة.");
}

static void nested_guillemets_hold_the_quotation_until_the_outer_one_closes(void)
{
    CHECK_STR(split("قال: «قال «نعم. لا» ثم. سكت». ثم غادر."),
              "قال: «قال «نعم. لا» ثم. سكت». || ثم غادر.");
}

/* A list item's number is no unit of its own: it joins the item's text. */
static void a_list_number_joins_the_item_after_it(void)
{
    CHECK_STR(split("وأشار التقرير إلى:\n1. تراجع الصادرات.\n2. ارتفاع الأسعار."),
              "وأشار التقرير إلى: || 1. تراجع الصادرات. || 2. ارتفاع الأسعار.");
    CHECK_STR(split("تراجعت الصادرات. 12. ارتفعت الأسعار. \xd9\xa3) هبط الدينار."),
              "تراجعت الصادرات. || 12. ارتفعت الأسعار. || \xd9\xa3) هبط الدينار.");
    /* a number on a line of its own, and a year, stay as they are */
    CHECK_STR(split("قال:\n1.\nتراجع."), "قال: || 1. || تراجع.");
    CHECK_STR(split("قال: 2023. ثم غادر."), "قال: 2023. || ثم غادر.");
}

/* A horizontal ellipsis closing a word ends a sentence as "..." does; one between spaces or
 * inside parentheses marks an omission. */
static void an_ellipsis_character_ends_a_sentence(void)
{
    CHECK_STR(split("إن الوضع صعب\xe2\x80\xa6  ولم يوضح."), "إن الوضع صعب\xe2\x80\xa6 || ولم يوضح.");
    CHECK_STR(split("إن الوضع صعب... ولم يوضح."), "إن الوضع صعب... || ولم يوضح.");
    CHECK_STR(split("قال إن \xe2\x80\xa6 الوضع (\xe2\x80\xa6) صعب\xe2\x80\xa6\xe2\x80\xa6"),
              "قال إن \xe2\x80\xa6 الوضع (\xe2\x80\xa6) صعب\xe2\x80\xa6\xe2\x80\xa6");
    CHECK_STR(split("قال: \xc2\xabصعب\xe2\x80\xa6 جدا\xc2\xbb. ثم غادر."),
              "قال: \xc2\xabصعب\xe2\x80\xa6 جدا\xc2\xbb. || ثم غادر.");
}

/* Curly quotes hold a quotation together as guillemets do. */
static void curly_quotes_hold_the_quotation_together(void)
{
    CHECK_STR(split("قال الوزير: \xe2\x80\x9cلن نتراجع. سنواصل العمل\xe2\x80\x9d. ثم غادر."),
              "قال الوزير: \xe2\x80\x9cلن نتراجع. سنواصل العمل\xe2\x80\x9d. || ثم غادر.");
    CHECK_STR(split("قال: \xe2\x80\x9cنعم. \xc2\xabلا. ربما\xc2\xbb. حسنا\xe2\x80\x9d. ثم غادر."),
              "قال: \xe2\x80\x9cنعم. \xc2\xabلا. ربما\xc2\xbb. حسنا\xe2\x80\x9d. || ثم غادر.");
}

/* A quotation of many short sentences (more boundaries held than the first allocation) is
 * still one unit. */
static void a_quotation_of_forty_sentences_is_one_unit(void)
{
    char buf[2048];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s", "قال: «");
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", "نعم. ");
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", "لا». ثم غادر.");
    CHECK(len < 600);
    const char *got = split_n(buf, len);
    CHECK(got != NULL && strstr(got, " || ") != NULL && strcmp(strstr(got, " || "), " || ثم غادر.") == 0);
}

/* 3,001 bytes without white space (one ASCII letter, then Arabic letters: cuts land inside a
 * letter) are cut at code point boundaries into pieces of at most 1,200 bytes. */
static void a_run_without_white_space_is_cut_at_code_points(void)
{
    static char buf[4096];
    size_t len = 0;
    buf[len++] = 'x';
    for (int i = 0; i < 1500; i++) {
        memcpy(buf + len, "\xd9\x83", 2);
        len += 2;
    }
    const tsn_span *s;
    size_t n, covered = 0;
    CHECK(tsn_splitter_run(sp, buf, len, &s, &n, NULL) == TSN_OK);
    CHECK(n == 3);
    for (size_t i = 0; i < n; i++) {
        CHECK(s[i].end - s[i].start <= 1200);
        CHECK(((unsigned char)buf[s[i].start] & 0xC0) != 0x80); /* never inside a letter */
        CHECK(i == 0 || s[i].start == s[i - 1].end);
        covered += s[i].end - s[i].start;
    }
    CHECK(covered == len);
}

static void an_article_over_2_gib_is_refused_with_its_size(void)
{
    const tsn_span *s;
    size_t n = 7;
    tsn_error err = {0};
    /* refused before a byte is read: the text need not be that long */
    CHECK(tsn_splitter_run(sp, "x", (size_t)INT32_MAX + 1, &s, &n, &err) == TSN_ERR_ARG);
    CHECK(n == 0);
    CHECK(strstr(err.msg, "article too long to split (2147483648 bytes)") != NULL);
    /* and the splitter still works */
    CHECK_STR(split("أولا. ثانيا."), "أولا. || ثانيا.");
    tsn_splitter_free(NULL);
}

int main(void)
{
    tsn_error err = {0};
    if ((sp = tsn_splitter_new(&err)) == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    RUN(a_carriage_return_and_a_paragraph_separator_end_a_sentence);
    RUN(a_byte_order_mark_and_a_left_to_right_mark_are_trimmed);
    RUN(a_lone_stop_or_a_cut_lead_byte_is_a_sentence_of_its_own);
    RUN(a_stop_after_a_tab_separated_initial_does_not_end_the_sentence);
    RUN(a_lone_letter_before_a_new_clause_ends_the_sentence);
    RUN(a_latin_abbreviation_does_not_end_the_sentence);
    RUN(a_stop_after_invalid_bytes_ends_the_sentence);
    RUN(a_parenthesis_that_is_no_agency_tag_is_no_dateline);
    RUN(datelines_at_their_limits_are_split_off);
    RUN(a_parenthesis_and_a_dash_inside_a_sentence_are_no_dateline);
    RUN(an_arabic_agency_name_of_many_letters_is_a_dateline_tag);
    RUN(nested_guillemets_hold_the_quotation_until_the_outer_one_closes);
    RUN(a_list_number_joins_the_item_after_it);
    RUN(an_ellipsis_character_ends_a_sentence);
    RUN(curly_quotes_hold_the_quotation_together);
    RUN(a_quotation_of_forty_sentences_is_one_unit);
    RUN(a_run_without_white_space_is_cut_at_code_points);
    RUN(an_article_over_2_gib_is_refused_with_its_size);
    tsn_splitter_free(sp);
    DONE();
}
