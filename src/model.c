/* model.c -- the model object itself, what the model's files share: the solver map, the
 * finishing step of a fitted or loaded model, and tsn_model_free(). The model's jobs live
 * beside it, all behind model.h (and its private model_internal.h):
 *   corpus.c     the training corpus and its feature dictionary (tsn_corpus_*)
 *   fit.c        fitting with liblinear, one-vs-rest on threads, rand(), calibration
 *   score.c      accessors, prediction, explanation, scorers
 *   modelsave.c  writing the model file (its layout: modelformat.h)
 *   modelfile.c  reading, checking and loading the model file
 */
#include "model.h"

#include <stdlib.h>

#include "features.h"
#include "model_internal.h"

const int tsn_solver_map[8] = {L2R_LR,          L2R_LR_DUAL, L2R_L2LOSS_SVC_DUAL,
                               L2R_L2LOSS_SVC,  L2R_L1LOSS_SVC_DUAL, MCSVM_CS,
                               L1R_L2LOSS_SVC,  L1R_LR};

/* Finishes a model whose config, labels, stop words and vocabulary are set: builds the
 * prediction scratch. */
tsn_status tsn_model_ready(tsn_model *m, tsn_error *err)
{
    if ((m->own = tsn_scorer_new(m, err)) == NULL)
        return err != NULL ? err->code : TSN_ERR_NOMEM;
    return TSN_OK;
}

void tsn_model_free(tsn_model *m)
{
    if (m == NULL)
        return;
    free(m->stopwords);
    for (size_t k = 0; m->names != NULL && k < m->n_labels; k++)
        free(m->names[k]);
    free(m->names);
    free(m->support);
    tsn_vocab_free(m->vocab);
    if (m->ll != NULL) {
        m->ll->param.weight_label = NULL;
        m->ll->param.weight = NULL;
        m->ll->param.init_sol = NULL;
        free_and_destroy_model(&m->ll);
    }
    tsn_scorer_free(m->own);
    free(m->wstart);
    free(m->wcol);
    free(m->wval);
    free(m->dmap);
    free(m->platt);
    free(m->thresh);
    free(m);
}
