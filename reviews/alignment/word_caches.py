"""The aligner's caches of pure functions of one word.

An article repeats its words, and each paragraph's words and the whole document's are read
several times (skeletons for names, stems and lexicon keys, loanword readings), so each
answer is kept in an lru_cache. Each entry holds about 220 bytes (the word, the answer and
the cache's own bookkeeping, measured with tracemalloc over the dev sets and 200 bench
uploads). These caches live as long as the worker: at 65,536 entries each the eleven of
them could grow to about 126 MB per worker, most of the 150 MB a worker may use. At
WORDS_KEPT entries each they hold at most about 10 MB, and still hold every distinct word
of a news article several times over (about 1,000), so an upload reads each word once.
A document with more distinct words than that reads some words twice: slower, never
different.
"""

import functools

WORDS_KEPT = 4_096


def word_cache(function):
    """`function`, its last WORDS_KEPT answers kept."""
    return functools.lru_cache(maxsize=WORDS_KEPT)(function)
