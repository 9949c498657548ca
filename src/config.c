/* config.c -- the option table, defaults, and JSON (cJSON) reading and writing.
 *
 * Every option is declared once, in `options` below. The JSON reader, the CLI flag parser and
 * the model header all go through the table, so an option can never exist in one and not the
 * others. Keys are flat (no nesting): a key is also a flag name.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

static const char *const claim_names[] = {"false", "true", "auto", NULL};
static const char *const units_names[] = {"stem", "surface", "both", "light", NULL};
static const char *const weight_names[] = {"none", "balanced", "sqrt", NULL};
static const char *const solver_names[] = {"lr",         "lr-dual", "svm",    "svm-primal",
                                           "svm-l1loss", "mcsvm",   "l1-svm", "l1-lr",
                                           NULL};

#define OFF(f) offsetof(tsn_config, f)
#define BOOL(f, h) {#f, TSN_OPT_BOOL, OFF(f), 0, 1, NULL, h}
#define DOCS_STR(n) DOCS_STR2(n)
#define DOCS_STR2(n) #n
#define INT(f, lo, hi, h) {#f, TSN_OPT_INT, OFF(f), lo, hi, NULL, h}

static const tsn_option options[] = {
    BOOL(nfkc, "apply Unicode NFKC normalization"),
    BOOL(drop_tashkeel, "remove Arabic diacritics (harakat, tanween, shadda, sukun)"),
    BOOL(drop_tatweel, "remove tatweel (kashida)"),
    BOOL(fold_alef, "fold alef with hamza/madda/wasla to bare alef"),
    BOOL(fold_alef_maqsura, "fold alef maqsura to yeh"),
    BOOL(fold_teh_marbuta, "fold teh marbuta to heh"),
    BOOL(fold_digits, "map Arabic-Indic and Persian digits to ASCII"),
    BOOL(fold_case, "case-fold Latin and other cased scripts"),
    BOOL(number_class, "replace every number by one class token"),
    BOOL(url_class, "replace URLs, e-mail addresses and @mentions by class tokens"),
    BOOL(punctuation, "keep punctuation marks as tokens"),
    BOOL(emoji, "keep emoji as tokens"),
    {"stopwords", TSN_OPT_STRING, OFF(stopwords), 0, 0, NULL,
     "stop-word list: \"default\", \"none\", or a file (one word per line)"},
    {"units", TSN_OPT_ENUM, OFF(units), 0, 0, units_names,
     "word n-grams over stems, surface forms, stems plus surface unigrams, or clitic-split forms plus surface unigrams"},
    INT(word_ngram_min, 1, 8, "shortest word n-gram"),
    INT(word_ngram_max, 1, 8, "longest word n-gram"),
    INT(char_ngram_min, 1, 10, "shortest character n-gram within a word"),
    INT(char_ngram_max, 0, 10, "longest character n-gram within a word (0: none)"),
    INT(min_df, 1, 1000000, "drop features found in fewer training documents"),
    {"char_max_df", TSN_OPT_DOUBLE, OFF(char_max_df), 1e-6, 1, NULL,
     "drop character n-grams found in more than this share of training documents and in "
     "more than " DOCS_STR(TSN_CHAR_MAX_DF_DOCS) " (1: none; not with hash_buckets)"},
    INT(max_features, 0, 100000000, "keep only the most frequent features (0: all)"),
    INT(hash_buckets, 0, 1 << 28, "hash features into this many ids instead of a vocabulary"),
    BOOL(sublinear_tf, "use 1 + log(tf) instead of raw term frequency"),
    BOOL(use_idf, "weight features by inverse document frequency"),
    {"claim_features", TSN_OPT_ENUM, OFF(claim_features), 0, 0, claim_names,
     "featurize the claim of pair examples in its own feature space: true, false, or auto "
     "(on when few distinct claims recur, as targets do)"},
    {"pair_features", TSN_OPT_ENUM, OFF(pair_features), 0, 0, claim_names,
     "relate the text of pair examples to its claim (words dropped and added, negation, "
     "swaps, overlap): true, false, or auto (on when the claims are mostly distinct)"},
    BOOL(stance_features, "sentence stance features: the main clause's first words marked as "
                          "such, and actor classes (state, army, armed group...) beside the words"),
    {"solver", TSN_OPT_ENUM, OFF(solver), 0, 0, solver_names,
     "liblinear solver: lr, lr-dual, svm, svm-primal, svm-l1loss, mcsvm, l1-svm, l1-lr"},
    {"C", TSN_OPT_DOUBLE, OFF(C), 1e-6, 1e6, NULL, "regularization cost"},
    {"eps", TSN_OPT_DOUBLE, OFF(eps), 0, 10, NULL, "stopping tolerance (0: solver default)"},
    {"bias", TSN_OPT_DOUBLE, OFF(bias), -1, 1000, NULL, "bias feature value (< 0: none)"},
    {"class_weight", TSN_OPT_ENUM, OFF(class_weight), 0, 0, weight_names,
     "\"balanced\" weighs classes inversely to their frequency, \"sqrt\" to its square root"},
    {"prune_weights", TSN_OPT_DOUBLE, OFF(prune_weights), -1, 0.5, NULL,
     "drop each label's weights smaller than this fraction of its largest (0: keep all; -1: "
     "auto, 0.01 from 100 labels up, else 0)"},
    BOOL(calibrate, "calibrate probabilities (a temperature fitted by 3-fold cross-validation)"),
    BOOL(multi_label, "examples may carry several labels (TSV a,b; JSONL \"labels\"; repeated "
                      "__label__): one binary classifier per label, with probabilities and "
                      "thresholds fitted by 3-fold cross-validation"),
};

#define N_OPTIONS (sizeof options / sizeof options[0])

void tsn_config_init(tsn_config *c)
{
    memset(c, 0, sizeof *c);
    c->nfkc = true;
    c->drop_tashkeel = true;
    c->drop_tatweel = true;
    c->fold_alef = true;
    c->fold_alef_maqsura = true;
    c->fold_teh_marbuta = true;
    c->fold_digits = true;
    c->fold_case = true;
    c->number_class = true;
    c->url_class = true;
    c->punctuation = true;
    c->emoji = true;
    snprintf(c->stopwords, sizeof c->stopwords, "%s", "default");
    c->units = TSN_UNITS_BOTH;
    c->word_ngram_min = 1;
    c->word_ngram_max = 2;
    c->char_ngram_min = 2;
    c->char_ngram_max = 5;
    c->min_df = 2;
    c->char_max_df = 0.1;
    c->max_features = 0;
    c->hash_buckets = 0;
    c->sublinear_tf = true;
    c->use_idf = true;
    c->claim_features = TSN_CLAIM_AUTO;
    c->pair_features = TSN_CLAIM_AUTO;
    c->solver = TSN_SOLVER_SVM;
    c->C = 0.5;
    c->eps = 0;
    c->bias = 1;
    c->class_weight = TSN_CLASS_WEIGHT_BALANCED;
    c->prune_weights = TSN_PRUNE_AUTO;
}

size_t tsn_config_n_options(void)
{
    return N_OPTIONS;
}

const tsn_option *tsn_config_option(size_t i)
{
    return i < N_OPTIONS ? &options[i] : NULL;
}

/* Compares names treating '-' and '_' as the same character. */
static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

const tsn_option *tsn_config_find(const char *name)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (same_name(options[i].name, name))
            return &options[i];
    return NULL;
}

static int find_choice(const char *const *choices, const char *v)
{
    for (int i = 0; choices[i] != NULL; i++)
        if (strcmp(choices[i], v) == 0)
            return i;
    return -1;
}

static void list_choices(const char *const *choices, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; choices[i] != NULL && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", choices[i]);
}

static tsn_status set_number(tsn_config *c, const tsn_option *o, double v, tsn_error *err)
{
    char *field = (char *)c + o->offset;
    if (!isfinite(v) || v < o->min || v > o->max)
        return tsn_error_set(err, TSN_ERR_ARG, "%s must be between %g and %g, not %g", o->name,
                             o->min, o->max, v);
    if (o->type == TSN_OPT_INT) {
        if (v != floor(v))
            return tsn_error_set(err, TSN_ERR_ARG, "%s must be an integer, not %g", o->name, v);
        *(int *)field = (int)v;
    } else {
        *(double *)field = v;
    }
    return TSN_OK;
}

static tsn_status set_string(tsn_config *c, const tsn_option *o, const char *v, tsn_error *err)
{
    char *field = (char *)c + o->offset;
    if (o->type == TSN_OPT_ENUM) {
        int k = find_choice(o->choices, v);
        if (k < 0) {
            char list[256];
            list_choices(o->choices, list, sizeof list);
            return tsn_error_set(err, TSN_ERR_ARG, "%s must be one of %s, not \"%s\"", o->name,
                                 list, v);
        }
        *(int *)field = k;
        return TSN_OK;
    }
    size_t n = strlen(v);
    if (n == 0 || n >= TSN_PATH_MAX)
        return tsn_error_set(err, TSN_ERR_ARG, "%s: value must be 1 to %d bytes long", o->name,
                             TSN_PATH_MAX - 1);
    memcpy(field, v, n + 1);
    return TSN_OK;
}

tsn_status tsn_config_set(tsn_config *c, const char *name, const char *value, tsn_error *err)
{
    const tsn_option *o = tsn_config_find(name);
    if (o == NULL)
        return tsn_error_set(err, TSN_ERR_ARG, "unknown option \"%s\"", name);
    switch (o->type) {
    case TSN_OPT_BOOL:
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0)
            *(bool *)((char *)c + o->offset) = true;
        else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
                 strcmp(value, "no") == 0)
            *(bool *)((char *)c + o->offset) = false;
        else
            return tsn_error_set(err, TSN_ERR_ARG, "%s must be true or false, not \"%s\"",
                                 o->name, value);
        return TSN_OK;
    case TSN_OPT_INT:
    case TSN_OPT_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        if (errno != 0 || end == value || *end != '\0')
            return tsn_error_set(err, TSN_ERR_ARG, "%s must be a number, not \"%s\"", o->name,
                                 value);
        return set_number(c, o, v, err);
    }
    case TSN_OPT_ENUM:
    case TSN_OPT_STRING:
        return set_string(c, o, value, err);
    }
    return tsn_error_set(err, TSN_ERR_ARG, "%s: bad option type", o->name);
}

static tsn_status apply_item(tsn_config *c, const cJSON *item, const char *origin, tsn_error *err)
{
    const tsn_option *o = tsn_config_find(item->string);
    if (o == NULL)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s: unknown option \"%s\"", origin,
                             item->string);
    tsn_status st = TSN_OK;
    switch (o->type) {
    case TSN_OPT_BOOL:
        if (!cJSON_IsBool(item))
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s: \"%s\" must be true or false", origin,
                                 o->name);
        *(bool *)((char *)c + o->offset) = cJSON_IsTrue(item);
        return TSN_OK;
    case TSN_OPT_INT:
    case TSN_OPT_DOUBLE:
        if (!cJSON_IsNumber(item))
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s: \"%s\" must be a number", origin,
                                 o->name);
        st = set_number(c, o, item->valuedouble, err);
        break;
    case TSN_OPT_ENUM:
    case TSN_OPT_STRING:
        /* an enum whose first choices are "false" and "true" was once a plain switch */
        if (o->type == TSN_OPT_ENUM && cJSON_IsBool(item) && strcmp(o->choices[0], "false") == 0)
            return set_string(c, o, cJSON_IsTrue(item) ? "true" : "false", err);
        if (!cJSON_IsString(item))
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s: \"%s\" must be a string", origin,
                                 o->name);
        st = set_string(c, o, item->valuestring, err);
        break;
    }
    if (st != TSN_OK)
        tsn_error_prefix(err, "%s", origin);
    return st;
}

tsn_status tsn_config_parse(tsn_config *c, const char *json, size_t len, const char *origin,
                            tsn_error *err)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (root == NULL) {
        size_t off = end != NULL && end >= json ? (size_t)(end - json) : 0;
        size_t line = 1;
        for (size_t i = 0; i < off && i < len; i++)
            line += json[i] == '\n';
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: invalid JSON", origin, line);
    }
    tsn_status st = TSN_OK;
    size_t rest = (size_t)(end - json);
    while (rest < len && (json[rest] == ' ' || json[rest] == '\t' || json[rest] == '\n' ||
                          json[rest] == '\r'))
        rest++;
    if (rest < len) {
        size_t line = 1;
        for (size_t i = 0; i < rest; i++)
            line += json[i] == '\n';
        st = tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: trailing data after the JSON object",
                           origin, line);
        goto done;
    }
    if (!cJSON_IsObject(root)) {
        st = tsn_error_set(err, TSN_ERR_FORMAT, "%s: a config must be a JSON object", origin);
        goto done;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, root)
    {
        if (item->string != NULL && item->string[0] == '_')
            continue; /* "_comment" and other annotations */
        if ((st = apply_item(c, item, origin, err)) != TSN_OK)
            goto done;
    }
    st = tsn_config_check(c, err);
    if (st != TSN_OK)
        tsn_error_prefix(err, "%s", origin);
done:
    cJSON_Delete(root);
    return st;
}

tsn_status tsn_config_load(tsn_config *c, const char *path, tsn_error *err)
{
    char *buf;
    size_t len;
    tsn_status st = tsn_read_path(path, (size_t)1 << 24, &buf, &len, err);
    if (st == TSN_ERR_FORMAT)
        return tsn_error_set(err, st, "%s: config file too large", path);
    if (st != TSN_OK)
        return st;
    st = tsn_config_parse(c, buf, len, path, err);
    free(buf);
    return st;
}

tsn_status tsn_config_check(const tsn_config *c, tsn_error *err)
{
    if (c->word_ngram_max < c->word_ngram_min)
        return tsn_error_set(err, TSN_ERR_ARG, "word_ngram_max (%d) is below word_ngram_min (%d)",
                             c->word_ngram_max, c->word_ngram_min);
    if (c->char_ngram_max != 0 && c->char_ngram_max < c->char_ngram_min)
        return tsn_error_set(err, TSN_ERR_ARG, "char_ngram_max (%d) is below char_ngram_min (%d)",
                             c->char_ngram_max, c->char_ngram_min);
    if (c->multi_label && c->solver == TSN_SOLVER_MCSVM)
        return tsn_error_set(err, TSN_ERR_ARG,
                             "multi_label needs a one-vs-rest solver (not mcsvm)");
    if (c->prune_weights < 0 && c->prune_weights != TSN_PRUNE_AUTO)
        return tsn_error_set(err, TSN_ERR_ARG,
                             "prune_weights is a fraction from 0 to 0.5, or -1 for auto");
    return TSN_OK;
}

void tsn_config_format(const tsn_config *c, const tsn_option *o, char *buf, size_t size)
{
    const char *field = (const char *)c + o->offset;
    switch (o->type) {
    case TSN_OPT_BOOL: snprintf(buf, size, "%s", *(const bool *)field ? "true" : "false"); break;
    case TSN_OPT_INT: snprintf(buf, size, "%d", *(const int *)field); break;
    case TSN_OPT_DOUBLE: {
        /* the shortest of 15 or 17 digits that reads back as the same value (0.1, not
         * 0.10000000000000001), as cJSON writes numbers */
        double v = *(const double *)field;
        snprintf(buf, size, "%.15g", v);
        if (strtod(buf, NULL) != v)
            snprintf(buf, size, "%.17g", v);
        break;
    }
    case TSN_OPT_ENUM: snprintf(buf, size, "%s", o->choices[*(const int *)field]); break;
    case TSN_OPT_STRING: snprintf(buf, size, "%s", field); break;
    }
}

char *tsn_config_to_json(const tsn_config *c, bool pretty)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const tsn_option *o = &options[i];
        const char *field = (const char *)c + o->offset;
        cJSON *v = NULL;
        if (field == (const char *)&c->multi_label && !c->multi_label)
            continue; /* single-label configs (and models) read as they always have */
        if (field == (const char *)&c->prune_weights && c->prune_weights == TSN_PRUNE_AUTO)
            continue; /* so do configs, and models, that auto did not prune */
        switch (o->type) {
        case TSN_OPT_BOOL: v = cJSON_CreateBool(*(const bool *)field); break;
        case TSN_OPT_INT: v = cJSON_CreateNumber(*(const int *)field); break;
        case TSN_OPT_DOUBLE: v = cJSON_CreateNumber(*(const double *)field); break;
        case TSN_OPT_ENUM: v = cJSON_CreateString(o->choices[*(const int *)field]); break;
        case TSN_OPT_STRING: v = cJSON_CreateString(field); break;
        }
        if (v == NULL || !cJSON_AddItemToObject(root, o->name, v)) {
            cJSON_Delete(v);
            cJSON_Delete(root);
            return NULL;
        }
    }
    char *s = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}
