/* modelformat.h -- the model file format, which modelsave.c writes and modelfile.c reads: the
 * layout, the magic, the section names and the varint coding, each written down once here.
 * Private to the model's files, as model_internal.h is; no other module includes it.
 *
 * Model file layout (format version 1), every section introduced by a text line:
 *   tasnif-model 1\n
 *   meta <bytes>\n<JSON: versions, config, labels, supports, liblinear layout>\n
 *   stopwords <bytes>\n<the stop-word list text>\n
 *   vocab <bytes>\n<feature strings in id order, each NUL-terminated>\n   (empty when hashing)
 *   idf <count>\n<count little-endian IEEE-754 doubles>\n
 *   weights <count>\n<count little-endian doubles: liblinear's w, feature-major>\n
 *     or, when it is smaller,
 *   sparse-weights <bytes>\n<for each row of w (feature 1, 2, ..., the bias last): the count
 *     of its non-zero weights, their columns as gaps (column - previous column - 1, the first
 *     from -1), both LEB128 varints, then the weights as little-endian doubles>\n
 *   checksum <16 hex digits>\n     FNV-1a 64 of every byte before this line
 * Doubles are stored as bits, so a model loads to exactly the weights that were trained and
 * the same data and config give the same bytes. The checksum's verdict comes before any other
 * (modelfile.c), so truncation and bit flips are reported as such.
 *
 * Dense or sparse: a model of a few labels has nearly all its weights non-zero and stays
 * dense (the shipped models keep their bytes); a model of many labels, its small weights
 * pruned by the fit, is mostly zeros and goes sparse, and loads sparse (score.c never
 * expands it). Rejected: per-row bitmaps (a row of 1,000 labels with 20 non-zero weights
 * takes 125 bytes of bitmap against about 25 of gaps) and float32 values (pruning already
 * takes the file under a tenth; halving what is left is not worth a lossy format).
 * TASNIF_MODEL_LAYOUT=dense or sparse forces one, for comparisons.
 */
#ifndef TSN_MODELFORMAT_H
#define TSN_MODELFORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The first line: the magic, then the format version (TSN_MODEL_FORMAT_VERSION) and '\n'. */
#define TSN_MODEL_MAGIC "tasnif-model "

/* The sections, in file order; each opens with the line "<name> <size>\n". */
#define TSN_SECTION_META "meta"
#define TSN_SECTION_STOPWORDS "stopwords"
#define TSN_SECTION_VOCAB "vocab"
#define TSN_SECTION_IDF "idf"
#define TSN_SECTION_WEIGHTS "weights"
#define TSN_SECTION_SPARSE "sparse-weights" /* in place of "weights" when smaller */

/* The last line: this prefix, the checksum in lower-case hex digits, '\n'. */
#define TSN_CHECKSUM_PREFIX "checksum "
#define TSN_CHECKSUM_DIGITS 16

/* ---- LEB128 varints (sparse weights) ---- */

/* The bytes tsn_varint_put() writes for v: at most 10. */
static inline size_t tsn_varint_len(size_t v)
{
    size_t n = 1;
    for (; v >= 0x80; v >>= 7)
        n++;
    return n;
}

/* Writes v at buf, seven bits a byte, the low bits first; returns the bytes written. */
static inline size_t tsn_varint_put(unsigned char *buf, size_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        buf[n++] = (unsigned char)(v | 0x80);
    buf[n++] = (unsigned char)v;
    return n;
}

/* Reads a LEB128 varint below 2^32 at *p (< end); false when cut or too large. */
static inline bool tsn_varint_get(const unsigned char **p, const unsigned char *end,
                                  size_t *out)
{
    size_t v = 0;
    for (unsigned shift = 0; *p < end && shift < 35; shift += 7) {
        unsigned char b = *(*p)++;
        v |= (size_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return v <= UINT32_MAX;
        }
    }
    return false;
}

/* ---- doubles (idf, weights): their IEEE-754 bits, little-endian, whatever the host's order ---- */

/* Writes v's 8 bytes at buf. */
static inline void tsn_double_put(unsigned char *buf, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    for (int b = 0; b < 8; b++)
        buf[b] = (unsigned char)(bits >> (8 * b));
}

/* The double whose 8 bytes are at p. */
static inline double tsn_double_get(const unsigned char *p)
{
    uint64_t bits = 0;
    for (int b = 0; b < 8; b++)
        bits |= (uint64_t)p[b] << (8 * b);
    double v;
    memcpy(&v, &bits, 8);
    return v;
}

#endif
