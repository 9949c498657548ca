/* stance.c -- libtasnif from a program of your own: classify each line of standard input
 * with a model (a path or a shipped model's name): the best label and its probability, then
 * the same as JSON with the two best labels and the three features that weighed most.
 *
 *   cc stance.c $(pkg-config --cflags --libs tasnif) -o stance
 *   echo 'نفت موسكو الاتهامات البريطانية' | ./stance stance
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tasnif.h>

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "stance";
    tasnif_error err;
    tasnif_model *m = tasnif_load(name, &err);
    if (m == NULL) {
        fprintf(stderr, "stance: %s\n", err.message);
        return 1;
    }
    printf("libtasnif %s, model %s: %zu labels\n", tasnif_version(), name,
           tasnif_model_n_labels(m));
    char line[65536];
    int rc = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t len = strcspn(line, "\n");
        tasnif_label_prob top[2];
        size_t n;
        if (tasnif_classify(m, line, len, NULL, 0, top, 2, &n, &err) != TASNIF_OK) {
            fprintf(stderr, "stance: %s\n", err.message);
            rc = 1;
            break;
        }
        printf("%s %.4f\n", top[0].label, top[0].prob);
        char *json = tasnif_classify_json(m, line, len, NULL, 0, 2, 3, &err);
        if (json == NULL) {
            fprintf(stderr, "stance: %s\n", err.message);
            rc = 1;
            break;
        }
        printf("%s\n", json);
        tasnif_free(json);
    }
    tasnif_model_free(m);
    return rc;
}
