/* config.h -- the pipeline and training configuration, its defaults, and its JSON form.
 *
 * One table of options (config.c) drives everything: defaults, JSON configs under training/,
 * the command-line flags (--word-ngram-max 3 sets "word_ngram_max"), `info` output and the copy
 * stored in every model. tsn_config is plain data: copy it by assignment.
 * Ownership: tsn_config_to_json() returns a heap string the caller frees with free().
 */
#ifndef TSN_CONFIG_H
#define TSN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum { TSN_UNITS_STEM, TSN_UNITS_SURFACE, TSN_UNITS_BOTH, TSN_UNITS_LIGHT };
/* claim_features and pair_features: "auto" is resolved when a corpus is built (a model
 * records true or false). When the claims recur -- a few targets, as in target-specific
 * stance -- the claim's own features are on and the relation features off; when the claims
 * are mostly distinct sentences, whose words say nothing about stance by themselves, the
 * other way round. */
enum { TSN_CLAIM_OFF, TSN_CLAIM_ON, TSN_CLAIM_AUTO };
enum { TSN_CLASS_WEIGHT_NONE, TSN_CLASS_WEIGHT_BALANCED, TSN_CLASS_WEIGHT_SQRT };
/* Solvers, in the order of their names in the option table; model.c maps them to liblinear. */
enum {
    TSN_SOLVER_LR,         /* L2-regularized logistic regression, primal (probabilities) */
    TSN_SOLVER_LR_DUAL,    /* the same, dual */
    TSN_SOLVER_SVM,        /* L2-regularized L2-loss linear SVM, dual */
    TSN_SOLVER_SVM_PRIMAL, /* the same, primal */
    TSN_SOLVER_SVM_L1LOSS, /* L2-regularized L1-loss (hinge) SVM, dual */
    TSN_SOLVER_MCSVM,      /* Crammer-Singer multi-class SVM */
    TSN_SOLVER_L1_SVM,     /* L1-regularized L2-loss SVM (sparse weights) */
    TSN_SOLVER_L1_LR       /* L1-regularized logistic regression */
};

#define TSN_PATH_MAX 512

/* prune_weights' default: 0.01 for a model of TSN_PRUNE_AUTO_LABELS labels or more, else 0. A
 * fit records what auto became when it pruned; otherwise the value stays -1. */
#define TSN_PRUNE_AUTO (-1.0)
#define TSN_PRUNE_AUTO_LABELS 100
#define TSN_PRUNE_AUTO_FRACTION 0.01

/* char_max_df drops only character n-grams found in more than TSN_CHAR_MAX_DF_DOCS documents
 * as well: in a small corpus a share says little, and common n-grams cost memory only in a
 * large one. */
#define TSN_CHAR_MAX_DF_DOCS 1000

typedef struct {
    /* normalize (applied in this order after NFKC) */
    bool nfkc;              /* Unicode NFKC (UAX #15) before folding */
    bool drop_tashkeel;     /* harakat, tanween, shadda, sukun, dagger alef, Quranic marks */
    bool drop_tatweel;      /* U+0640 */
    bool fold_alef;         /* U+0622/0623/0625/0671 -> U+0627 */
    bool fold_alef_maqsura; /* U+0649 -> U+064A */
    bool fold_teh_marbuta;  /* U+0629 -> U+0647 */
    bool fold_digits;       /* Arabic-Indic and Persian digits -> ASCII */
    bool fold_case;         /* Unicode case folding (Latin etc.) */
    /* tokenize */
    bool number_class; /* numbers become one class token */
    bool url_class;    /* URLs, e-mail addresses and @mentions become class tokens */
    bool punctuation;  /* keep punctuation marks as tokens */
    bool emoji;        /* keep emoji as tokens */
    /* lexical */
    char stopwords[TSN_PATH_MAX]; /* "default" (built-in list), "none", or a file path */
    int units;                    /* TSN_UNITS_*: what word n-grams are built from */
    int word_ngram_min;           /* >= 1 */
    int word_ngram_max;           /* >= word_ngram_min */
    int char_ngram_min;           /* character n-grams inside words, boundary-marked */
    int char_ngram_max;           /* 0 disables character n-grams */
    /* vectorize */
    int min_df;       /* features seen in fewer training documents are dropped */
    double char_max_df; /* character n-grams seen in more than this share of training
                         * documents, and in more than TSN_CHAR_MAX_DF_DOCS, are dropped;
                         * 1 = none */
    int max_features; /* keep the most frequent ones; 0 = no limit */
    int hash_buckets; /* 0 = vocabulary; > 0 = feature hashing into this many ids */
    bool sublinear_tf; /* tf -> 1 + log(tf) */
    bool use_idf;      /* multiply by smoothed idf */
    /* pair inputs */
    int claim_features;  /* TSN_CLAIM_*: the claim of pair examples in its own feature space */
    int pair_features;   /* TSN_CLAIM_*: claim-text relation features for pair examples */
    bool stance_features; /* main-clause lead and actor-class features (sentence stance) */
    /* model */
    int solver;        /* TSN_SOLVER_* */
    double C;          /* liblinear cost, > 0 */
    double eps;        /* stopping tolerance; 0 = liblinear's default for the solver */
    double bias;       /* bias feature value; < 0 = no bias term */
    int class_weight;  /* TSN_CLASS_WEIGHT_* */
    double prune_weights; /* drop |w| < this x its label's largest; TSN_PRUNE_AUTO: by labels */
    bool calibrate;    /* fit a probability temperature by 3-fold CV when training */
    bool multi_label;  /* several labels per example: one-vs-rest with per-label thresholds */
} tsn_config;

typedef enum { TSN_OPT_BOOL, TSN_OPT_INT, TSN_OPT_DOUBLE, TSN_OPT_ENUM, TSN_OPT_STRING } tsn_opt_type;

/* One configurable option, as listed by tsn_config_option(). */
typedef struct {
    const char *name;            /* JSON key; the CLI flag is "--" + name with '_' -> '-' */
    tsn_opt_type type;
    size_t offset;               /* into tsn_config */
    double min, max;             /* range for INT and DOUBLE */
    const char *const *choices;  /* NULL-terminated names for ENUM */
    const char *help;
} tsn_option;

/* Fills *c with the defaults. */
void tsn_config_init(tsn_config *c);

/* The number of options, and option i (0 <= i < n), or NULL when out of range. */
size_t tsn_config_n_options(void);
const tsn_option *tsn_config_option(size_t i);
/* Finds an option by JSON key or flag spelling ('-' and '_' are equivalent); NULL if none. */
const tsn_option *tsn_config_find(const char *name);

/* Sets option `name` from its text form ("true"/"false", a number, a choice, a path).
 * TSN_ERR_ARG for an unknown name or an invalid or out-of-range value. */
tsn_status tsn_config_set(tsn_config *c, const char *name, const char *value, tsn_error *err);

/* Applies a JSON object of options to *c (keys not present keep their value). Unknown keys
 * and wrong types are errors. `origin` names the source in messages. */
tsn_status tsn_config_parse(tsn_config *c, const char *json, size_t len, const char *origin,
                            tsn_error *err);
/* Reads a JSON config file and applies it with tsn_config_parse(). */
tsn_status tsn_config_load(tsn_config *c, const char *path, tsn_error *err);

/* Checks cross-option constraints (n-gram ranges, ...). */
tsn_status tsn_config_check(const tsn_config *c, tsn_error *err);

/* The whole config as a JSON object text, keys in table order (deterministic); pretty adds
 * newlines and indentation. NULL on allocation failure. Free with free(). */
char *tsn_config_to_json(const tsn_config *c, bool pretty);

/* The text form of option o's value in c (for reports), written into buf. */
void tsn_config_format(const tsn_config *c, const tsn_option *o, char *buf, size_t size);

#endif
