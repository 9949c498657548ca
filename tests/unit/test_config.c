/* test_config.c -- defaults, flags, JSON configs and their errors. */
#include "config.h"

#include <stdlib.h>

#include "check.h"

static void defaults_pass_their_own_check(void)
{
    tsn_config c;
    tsn_config_init(&c);
    CHECK(tsn_config_check(&c, NULL) == TSN_OK);
    CHECK(c.word_ngram_min == 1 && c.word_ngram_max >= 2);
}

static void flags_accept_dashes_and_underscores(void)
{
    tsn_config c;
    tsn_config_init(&c);
    CHECK(tsn_config_set(&c, "word-ngram-max", "3", NULL) == TSN_OK && c.word_ngram_max == 3);
    CHECK(tsn_config_set(&c, "fold_teh_marbuta", "false", NULL) == TSN_OK &&
          !c.fold_teh_marbuta);
    CHECK(tsn_config_set(&c, "solver", "lr", NULL) == TSN_OK && c.solver == TSN_SOLVER_LR);
    CHECK(tsn_config_set(&c, "C", "2.5", NULL) == TSN_OK && c.C == 2.5);
}

static void bad_values_are_refused_with_a_reason(void)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    CHECK(tsn_config_set(&c, "C", "-1", &err) == TSN_ERR_ARG && strstr(err.msg, "C") != NULL);
    CHECK(tsn_config_set(&c, "word_ngram_max", "2.5", &err) == TSN_ERR_ARG);
    CHECK(tsn_config_set(&c, "solver", "forest", &err) == TSN_ERR_ARG &&
          strstr(err.msg, "lr") != NULL);
    CHECK(tsn_config_set(&c, "nfkc", "maybe", &err) == TSN_ERR_ARG);
    CHECK(tsn_config_set(&c, "no_such_option", "1", &err) == TSN_ERR_ARG);
    CHECK(tsn_config_set(&c, "C", "1e400", &err) == TSN_ERR_ARG);
}

static void json_round_trips(void)
{
    tsn_config a, b;
    tsn_config_init(&a);
    a.C = 0.125;
    a.char_ngram_max = 0;
    a.units = TSN_UNITS_SURFACE;
    char *j = tsn_config_to_json(&a, false);
    CHECK(j != NULL);
    tsn_config_init(&b);
    CHECK(tsn_config_parse(&b, j, strlen(j), "test", NULL) == TSN_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    free(j);
}

static void json_errors_name_the_origin(void)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    const char *bad[] = {"{\"C\": \"high\"}", "{\"nope\": 1}", "[1,2]", "{\"C\": 1,\n",
                         "{\"word_ngram_min\": 3, \"word_ngram_max\": 2}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.msg[0] = '\0';
        CHECK(tsn_config_parse(&c, bad[i], strlen(bad[i]), "cfg.json", &err) != TSN_OK);
        CHECK(strncmp(err.msg, "cfg.json", 8) == 0);
    }
}

static void comments_are_allowed_in_json(void)
{
    tsn_config c;
    tsn_config_init(&c);
    const char *j = "{\"_comment\": \"why\", \"min_df\": 3}";
    CHECK(tsn_config_parse(&c, j, strlen(j), "x", NULL) == TSN_OK && c.min_df == 3);
}

int main(void)
{
    RUN(defaults_pass_their_own_check);
    RUN(flags_accept_dashes_and_underscores);
    RUN(bad_values_are_refused_with_a_reason);
    RUN(json_round_trips);
    RUN(json_errors_name_the_origin);
    RUN(comments_are_allowed_in_json);
    DONE();
}
