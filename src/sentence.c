/* sentence.c -- ICU sentence segmentation over UTF-8, with trimming. */
#include "sentence.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

/* An open quotation holds the sentences inside it together for at most QUOTE_REACH bytes
 * (about 55 Arabic words); a quotation still open after that, or at the end of a paragraph,
 * is taken for a stray mark (an inch sign, an unmatched "), and the boundaries it held are
 * breaks again. A sentence longer than MAX_SENTENCE bytes (text with no punctuation) is cut at
 * the last white space before each MAX_SENTENCE bytes. */
#define QUOTE_REACH 600
#define MAX_SENTENCE 1200

struct tsn_splitter {
    UBreakIterator *bi;
    tsn_span *v;
    size_t n, cap;
    size_t *held; /* ICU boundaries an open quotation is holding back */
    size_t nheld, heldcap;
    bool para; /* the next unit opens a paragraph: the text starts or a line ended before it */
};

tsn_splitter *tsn_splitter_new(tsn_error *err)
{
    tsn_splitter *s = calloc(1, sizeof *s);
    if (s == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "sentence splitter: out of memory");
        return NULL;
    }
    UErrorCode st = U_ZERO_ERROR;
    s->bi = ubrk_open(UBRK_SENTENCE, "ar", NULL, 0, &st);
    if (U_FAILURE(st)) {
        tsn_error_set(err, TSN_ERR_UNICODE, "sentence splitter: ICU: %s", u_errorName(st));
        tsn_splitter_free(s);
        return NULL;
    }
    return s;
}

void tsn_splitter_free(tsn_splitter *s)
{
    if (s == NULL)
        return;
    if (s->bi != NULL)
        ubrk_close(s->bi);
    free(s->v);
    free(s->held);
    free(s);
}

/* True when the code point starting at text[i] (of len bytes) is white space; *next gets the
 * offset after it. Invalid bytes count as one non-space byte. */
static bool space_at(const char *text, size_t len, size_t i, size_t *next)
{
    UChar32 c;
    int32_t k = (int32_t)i;
    U8_NEXT((const uint8_t *)text, k, (int32_t)len, c);
    *next = (size_t)k;
    return c >= 0 && (u_isUWhiteSpace(c) || c == 0xFEFF || c == 0x200F || c == 0x200E);
}

/* Trims [a, b) of leading and trailing white space; returns false when nothing is left. */
static bool trim(const char *text, size_t len, size_t *a, size_t *b)
{
    size_t next;
    while (*a < *b && space_at(text, len, *a, &next))
        *a = next;
    while (*b > *a) {
        size_t p = *b - 1; /* back to the start of the last code point */
        while (p > *a && ((unsigned char)text[p] & 0xC0) == 0x80)
            p--;
        if (!space_at(text, len, p, &next) || next != *b)
            break;
        *b = p;
    }
    return *b > *a;
}

/* True when text[a..b) ends with a hard line break (ICU always breaks there). */
static bool ends_with_newline(const char *text, size_t a, size_t b)
{
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'))
        b--;
    if (b > a && (text[b - 1] == '\n' || text[b - 1] == '\r'))
        return true;
    /* U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, U+0085 NEXT LINE */
    return (b >= a + 3 && (unsigned char)text[b - 3] == 0xE2 && (unsigned char)text[b - 2] == 0x80 &&
            ((unsigned char)text[b - 1] == 0xA8 || (unsigned char)text[b - 1] == 0xA9)) ||
           (b >= a + 2 && (unsigned char)text[b - 2] == 0xC2 && (unsigned char)text[b - 1] == 0x85);
}

/* Updates the quotation depth over text[a..b): guillemets and curly quotes (U+201C opens,
 * U+201D closes) nest, ASCII double quotes toggle. */
static void track_quotes(const char *text, size_t a, size_t b, int *nested, bool *dquote)
{
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)text[i];
        unsigned char c1 = i + 1 < b ? (unsigned char)text[i + 1] : 0;
        unsigned char c2 = i + 2 < b ? (unsigned char)text[i + 2] : 0;
        if (c == '"')
            *dquote = !*dquote;
        else if ((c == 0xC2 && c1 == 0xAB) || (c == 0xE2 && c1 == 0x80 && c2 == 0x9C))
            (*nested)++;
        else if (((c == 0xC2 && c1 == 0xBB) || (c == 0xE2 && c1 == 0x80 && c2 == 0x9D)) &&
                 *nested > 0)
            (*nested)--;
    }
}

/* True when s[0..n) is one of the count words of list. */
static bool one_of(const char *s, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
            return true;
    return false;
}

#define AR_WAW 0x0648 /* the conjunction "and" that opens most Arabic news sentences */

/* True when the word that ends at text[e] (after spaces) is a number or one of the nouns a
 * letter designates ("المجموعة ب", "الخطة ب"): the lone letter after it is then a group's,
 * a plan's or, after a year, the era (1998 م), not a title. */
static bool designates(const char *text, size_t a, size_t e)
{
    static const char *const nouns[] = {"المجموعة", "مجموعة", "الخطة", "خطة", "الفئة",
                                        "فئة", "البند", "بند", "النقطة", "الدرجة", "القسم"};
    while (e > a && (text[e - 1] == ' ' || text[e - 1] == '\t'))
        e--;
    size_t w = e;
    while (w > a && text[w - 1] != ' ' && text[w - 1] != '\t' && text[w - 1] != '\n')
        w--;
    if (w == e)
        return false;
    int32_t k = (int32_t)e;
    UChar32 last;
    U8_PREV((const uint8_t *)text, (int32_t)w, k, last);
    if (last >= 0 && u_isdigit(last))
        return true;
    return one_of(text + w, e - w, nouns, sizeof nouns / sizeof nouns[0]);
}

/* True when text[a..b) ends with a period after a lone letter that is an initial or an
 * abbreviation, as in a news agency's initials ("أ.ف.ب.", "U.S.") or the title in "D. Name",
 * so the period ends no sentence. A lone letter also ends a sentence as a group's or a plan's
 * letter ("المجموعة ب.", "group F.") or the era after a year ("1998 م."): it is an initial when
 * another initial comes just before it; when it is a title's letter (د. doctor, أ. professor,
 * م. engineer) not after a number or a noun it designates ("المجموعة د."), since a name
 * may open with waw ("د. وليد"); or when the next word, at text[b..len), does not open a
 * clause with the conjunction waw. */
static bool ends_with_initial(const char *text, size_t len, size_t a, size_t b)
{
    size_t e = b;
    while (e > a && (text[e - 1] == ' ' || text[e - 1] == '\t'))
        e--;
    if (e < a + 2 || text[e - 1] != '.')
        return false;
    size_t p = e - 2; /* start of the code point before the period */
    while (p > a && ((unsigned char)text[p] & 0xC0) == 0x80)
        p--;
    UChar32 c;
    int32_t k = (int32_t)p;
    U8_NEXT((const uint8_t *)text, k, (int32_t)e, c);
    if (c < 0 || !u_isalpha(c) || (size_t)k != e - 1)
        return false;
    unsigned char before = p > 0 ? (unsigned char)text[p - 1] : ' '; /* ICU may break at it */
    if (before == '.')
        return true;
    if (before != ' ' && before != '\t' && before != '\n' && before != '\r' && before != '(')
        return false;
    if ((c == 0x062F || c == 0x0623 || c == 0x0645) && !designates(text, a, p))
        return true; /* د. أ. م. before a name */
    size_t next;
    while (b < len && space_at(text, len, b, &next))
        b = next;
    k = (int32_t)b;
    if (b < len)
        U8_NEXT((const uint8_t *)text, k, (int32_t)len, c);
    return b == len || c != AR_WAW;
}

/* True when text[a..b) ends with a Latin abbreviation that rarely ends a sentence: a company
 * form ("Apple Inc.") or a title before a name ("Mr."). ICU's "ar" rules know none of them. */
static bool ends_with_abbreviation(const char *text, size_t a, size_t b)
{
    static const char *const abbr[] = {"Inc", "Ltd", "Corp", "Co", "Mr", "Mrs", "Ms",
                                       "Dr",  "Jr",  "Sr",   "St", "vs", "Prof"};
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'))
        b--;
    if (b == a || text[b - 1] != '.')
        return false;
    size_t w = b - 1;
    while (w > a && ((text[w - 1] >= 'A' && text[w - 1] <= 'Z') ||
                     (text[w - 1] >= 'a' && text[w - 1] <= 'z')))
        w--;
    if (w > a && text[w - 1] != ' ' && text[w - 1] != '\t' && text[w - 1] != '(')
        return false;
    return one_of(text + w, b - 1 - w, abbr, sizeof abbr / sizeof abbr[0]);
}

/* True when text[a..b), white space aside, is only a list item's number: one to three digits
 * and a period or a closing parenthesis ("1.", "٢)"). ICU ends a sentence after "1."; the
 * item's number belongs to the item's text that follows it. */
static bool is_list_number(const char *text, size_t len, size_t a, size_t b)
{
    if (!trim(text, len, &a, &b) || (text[b - 1] != '.' && text[b - 1] != ')'))
        return false;
    size_t digits = 0;
    for (int32_t k = (int32_t)a; (size_t)k < b - 1;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)text, k, (int32_t)(b - 1), c);
        if (c < 0 || !u_isdigit(c))
            return false;
        digits++;
    }
    return digits >= 1 && digits <= 3;
}

/* The first sentence boundary in text[a..b) that ICU misses: after a horizontal ellipsis
 * (U+2026) that closes a word and the white space after it, as ICU breaks after "...". An
 * ellipsis between spaces or before a closing mark ("(…)", "…»") is an omission: no break.
 * Returns b when there is none. */
static size_t ellipsis_break(const char *text, size_t len, size_t a, size_t b)
{
    for (size_t i = a; i + 3 <= b; i++) {
        if ((unsigned char)text[i] != 0xE2 || (unsigned char)text[i + 1] != 0x80 ||
            (unsigned char)text[i + 2] != 0xA6)
            continue;
        size_t next, j = i + 3;
        if (i == 0 || space_at(text, len, i - 1, &next))
            continue;
        while (j < b && space_at(text, len, j, &next) && next <= b)
            j = next;
        if (j > i + 3 && j < b)
            return j;
    }
    return b;
}

static bool push_span(tsn_splitter *s, size_t a, size_t b)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        tsn_span *v = realloc(s->v, cap * sizeof *v);
        if (v == NULL)
            return false;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = (tsn_span){a, b};
    return true;
}

/* The number of words (runs of bytes other than space and tab) in text[a..b). */
static size_t count_words(const char *text, size_t a, size_t b)
{
    size_t words = 0;
    for (size_t k = a; k < b; k++)
        words += text[k] != ' ' && text[k] != '\t' && (k == a || text[k - 1] == ' ' ||
                                                        text[k - 1] == '\t');
    return words;
}

/* True when the place before a dateline's tag, text[a..b), can be one: at most three words
 * ("لندن", "الدار البيضاء"), or a city of at most two words, an Arabic comma and a country of
 * at most three ("دبي، الإمارات العربية المتحدة"). Three words with no comma are also the
 * opening of a clause (conjunction, verb, subject: "و... وزارة الصحة"), so three are taken only
 * when the first does not begin with the conjunction waw; a waw-initial place name of one or two
 * words ("واشنطن") still is one. */
static bool is_dateline_place(const char *text, size_t a, size_t b)
{
    for (size_t k = a; k + 1 < b; k++) {
        if ((unsigned char)text[k] == 0xD8 && (unsigned char)text[k + 1] == 0x8C) {
            size_t city = count_words(text, a, k), country = count_words(text, k + 2, b);
            return city <= 2 && country >= 1 && country <= 3;
        }
    }
    size_t words = count_words(text, a, b);
    bool waw = b - a >= 2 && (unsigned char)text[a] == 0xD9 && (unsigned char)text[a + 1] == 0x88;
    return words <= 2 || (words == 3 && !waw);
}

/* Finds a news dateline opening the unit text[a..b): a place (see is_dateline_place), an
 * agency or outlet tag of 1 to 24 characters, without digits, in parentheses, and a dash
 * ("لندن (وكالات) -", "دبي، الإمارات العربية المتحدة (CNN)--", "(CNN) –"). A dateline is a
 * unit of its own, so it neither colours the first sentence nor joins the headline before
 * it when that ends at a line break. Only the opening of a unit is searched: a parenthesis
 * and a dash later in a sentence are an aside ("ونفى صندوق النقد الدولي (IMF) - في بيان -
 * التقارير"), and a headline run into the dateline with no line break cannot be told from
 * such a sentence. *d1 gets the end of the dateline (the dashes included); false when there is
 * none. */
static bool find_dateline(const char *text, size_t len, size_t a, size_t b, size_t *d1)
{
    size_t next;
    while (a < b && space_at(text, len, a, &next))
        a = next;
    size_t open = a;
    while (open < b && text[open] != '(' && text[open] != ')')
        open++;
    if (open == b || text[open] != '(' || !is_dateline_place(text, a, open))
        return false;
    size_t i = open + 1, chars = 0; /* "(5 نقاط) -" is a list heading, not an agency */
    for (; i < b && text[i] != ')' && text[i] != '(' && chars <= 24; i++) {
        if (text[i] >= '0' && text[i] <= '9')
            return false;
        chars += ((unsigned char)text[i] & 0xC0) != 0x80; /* code points, not bytes */
    }
    if (i == b || text[i] != ')' || chars < 1 || chars > 24)
        return false;
    size_t j = i + 1;
    while (j < b && text[j] == ' ')
        j++;
    size_t dashes = j;
    for (;;) {
        if (j < b && text[j] == '-')
            j++;
        else if (j + 3 <= b && (unsigned char)text[j] == 0xE2 && (unsigned char)text[j + 1] == 0x80 &&
                 ((unsigned char)text[j + 2] == 0x93 || (unsigned char)text[j + 2] == 0x94))
            j += 3; /* en dash, em dash */
        else
            break;
    }
    if (j == dashes)
        return false;
    *d1 = j;
    return true;
}

static bool emit_piece(tsn_splitter *s, const char *text, size_t len, size_t a, size_t b);

/* Adds the sentence text[a..b), with a dateline opening it split off as a unit of its own
 * when it opens a paragraph: after another sentence of the paragraph, "وأكد المسؤول (...) -"
 * is a clause, not a place. */
static bool emit(tsn_splitter *s, const char *text, size_t len, size_t a, size_t b)
{
    size_t d1, n = s->n;
    if (s->para && find_dateline(text, len, a, b, &d1)) {
        if (!emit_piece(s, text, len, a, d1))
            return false;
        a = d1;
    }
    bool ok = emit_piece(s, text, len, a, b);
    s->para = s->para && s->n == n;
    return ok;
}

/* Adds the sentence text[a..b), trimmed, cut into pieces of at most MAX_SENTENCE bytes at
 * white space (or, in a run with none, at a code point boundary). */
static bool emit_piece(tsn_splitter *s, const char *text, size_t len, size_t a, size_t b)
{
    if (!trim(text, len, &a, &b))
        return true;
    while (b - a > MAX_SENTENCE) {
        size_t cut = a + MAX_SENTENCE, next;
        while (cut > a && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--;
        size_t p = cut;
        while (p > a + MAX_SENTENCE / 2 && !(space_at(text, len, p, &next) && next <= b)) {
            p--;
            while (p > a && ((unsigned char)text[p] & 0xC0) == 0x80)
                p--;
        }
        if (p > a + MAX_SENTENCE / 2)
            cut = p;
        size_t x = a, y = cut;
        if (trim(text, len, &x, &y) && !push_span(s, x, y))
            return false;
        a = cut;
        if (!trim(text, len, &a, &b))
            return true;
    }
    return push_span(s, a, b);
}

static bool hold(tsn_splitter *s, size_t at)
{
    if (s->nheld == s->heldcap) {
        size_t cap = s->heldcap ? s->heldcap * 2 : 16;
        size_t *v = realloc(s->held, cap * sizeof *v);
        if (v == NULL)
            return false;
        s->held = v;
        s->heldcap = cap;
    }
    s->held[s->nheld++] = at;
    return true;
}

/* Emits text[from..b) as the sentences the held boundaries separate. */
static bool release(tsn_splitter *s, const char *text, size_t len, size_t from, size_t b)
{
    for (size_t i = 0; i < s->nheld; i++) {
        if (!emit(s, text, len, from, s->held[i]))
            return false;
        from = s->held[i];
    }
    s->nheld = 0;
    return emit(s, text, len, from, b);
}

tsn_status tsn_splitter_run(tsn_splitter *s, const char *text, size_t len,
                            const tsn_span **spans, size_t *n, tsn_error *err)
{
    s->n = 0;
    s->nheld = 0;
    s->para = true;
    *spans = s->v;
    *n = 0;
    if (len == 0)
        return TSN_OK;
    if (len > INT32_MAX)
        return tsn_error_set(err, TSN_ERR_ARG, "article too long to split (%zu bytes)", len);
    UErrorCode st = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, text, (int64_t)len, &st);
    ubrk_setUText(s->bi, ut, &st);
    if (U_FAILURE(st)) {
        utext_close(ut);
        return tsn_error_set(err, TSN_ERR_UNICODE, "sentence splitter: ICU: %s",
                             u_errorName(st));
    }
    bool ok = true;
    /* ICU's boundaries are refined: no break inside an open quotation (a quoted statement of
     * several sentences stays with its speaker, within QUOTE_REACH), after an initial, a
     * Latin abbreviation or a list item's number, unless a line ends. */
    int nested = 0; /* open guillemets and curly quotes */
    bool dquote = false;
    size_t from = (size_t)ubrk_first(s->bi), prev = from;
    int32_t end = ubrk_next(s->bi);
    while (ok && end != UBRK_DONE) {
        size_t a = prev, b = ellipsis_break(text, len, prev, (size_t)end);
        prev = b;
        if (b == (size_t)end)
            end = ubrk_next(s->bi);
        track_quotes(text, a, b, &nested, &dquote);
        bool quoted = nested > 0 || dquote;
        bool hard = ends_with_newline(text, a, b) || b == len;
        if (quoted && (hard || b - from > QUOTE_REACH)) {
            /* a stray mark, not a quotation: the boundaries it held are breaks */
            nested = 0;
            dquote = false;
            ok = release(s, text, len, from, b);
            from = b;
            s->para = true;
            continue;
        }
        if (hard) {
            nested = 0;
            dquote = false;
        } else if (ends_with_initial(text, len, a, b) || ends_with_abbreviation(text, a, b) ||
                   is_list_number(text, len, from, b)) {
            continue;
        } else if (quoted) {
            ok = hold(s, b);
            continue;
        }
        s->nheld = 0; /* the quotation closed: what it held was inside it */
        ok = emit(s, text, len, from, b);
        from = b;
        s->para = s->para || hard;
    }
    /* The iterator keeps a pointer to the UText: detach it before closing. */
    ubrk_setText(s->bi, NULL, 0, &st);
    utext_close(ut);
    *spans = s->v;
    *n = s->n;
    if (!ok)
        return tsn_error_set(err, TSN_ERR_NOMEM, "sentence splitter: out of memory");
    return TSN_OK;
}
