/* test_actors.c -- the actor gazetteer's lookup (actors.h): teh marbuta folded to heh before
 * the lookup, only the given length read, a lone lead byte at the end, and a word too long
 * for any entry refused without reading past it. */
#include "actors.h"

#include "check.h"

static void teh_marbuta_is_folded_to_heh(void)
{
    CHECK_STR(tsn_actor_class("القاهرة", strlen("القاهرة")), "capital");
    CHECK_STR(tsn_actor_class("القاهره", strlen("القاهره")), "capital");
    CHECK_STR(tsn_actor_class("سورية", strlen("سورية")), "state");
    CHECK(tsn_actor_class("كلمة", strlen("كلمة")) == NULL);
}

static void only_the_given_length_is_looked_up(void)
{
    /* "موسكو" followed by more bytes that are not part of the word */
    CHECK_STR(tsn_actor_class("موسكوXYZ", strlen("موسكو")), "capital");
    CHECK(tsn_actor_class("موسكو", strlen("موسكو") - 2) == NULL);
    CHECK(tsn_actor_class("", 0) == NULL);
}

static void a_lead_byte_at_the_end_is_kept_as_it_is(void)
{
    /* D8 without the A9 after it (cut off by the length) is no teh marbuta */
    CHECK(tsn_actor_class("القاهرة", strlen("القاهرة") - 1) == NULL);
}

static void a_word_longer_than_any_entry_is_no_actor(void)
{
    char w[200];
    size_t n = 0;
    while (n + 2 <= 150) {
        memcpy(w + n, "\xd9\x85", 2); /* meem, 75 times */
        n += 2;
    }
    CHECK(tsn_actor_class(w, n) == NULL);
    /* a known word padded past the key's size is no match either */
    memcpy(w, "موسكو", strlen("موسكو"));
    CHECK(tsn_actor_class(w, 120) == NULL);
}

int main(void)
{
    RUN(teh_marbuta_is_folded_to_heh);
    RUN(only_the_given_length_is_looked_up);
    RUN(a_lead_byte_at_the_end_is_kept_as_it_is);
    RUN(a_word_longer_than_any_entry_is_no_actor);
    DONE();
}
