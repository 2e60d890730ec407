"""Evidence from names. Foreign names are written in Hangul by sound, so "존슨" and "Johnson"
share a consonant skeleton (JNSN). Both sides are reduced to coarse consonant classes:
K (k, g, c, q), T (t, d), P (p, b, f, v), S (s, sh, th), J (j, ch, z), L (l, r), M, N, H."""

import re

HANGUL_WORD = re.compile(r"[가-힣]+")
CAPITALISED_WORD = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")
# Initial consonants of a Hangul syllable, in Unicode order; "" is the silent ㅇ.
HANGUL_INITIALS = ("K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "J", "J", "J",
                   "K", "T", "P", "H")  # fmt: skip
# Final consonants; in loanwords a final ㅅ stands for t, and ㅇ for ng.
HANGUL_FINALS = ("", "K", "K", "K", "N", "N", "N", "T", "L", "L", "L", "L", "L", "L", "L", "L",
                 "M", "P", "P", "T", "T", "N", "J", "J", "K", "T", "P", "H")  # fmt: skip
ENGLISH_DIGRAPHS = {"ph": "P", "th": "S", "sh": "S", "ch": "J", "ck": "K", "gh": "", "ng": "N",
                    "qu": "K", "wh": ""}  # fmt: skip
ENGLISH_LETTERS = {"b": "P", "p": "P", "f": "P", "v": "P", "d": "T", "t": "T", "k": "K",
                   "q": "K", "l": "L", "m": "M", "n": "N", "s": "S", "j": "J", "z": "J",
                   "x": "KS"}  # fmt: skip
VOWELS = frozenset("aeiouy")
# Skeletons shorter than this match too many Korean words by chance.
MIN_NAME_SKELETON = 3


def _squeeze(classes) -> str:
    """Join consonant classes, dropping immediate repeats ("밀라노" and "Milan": MLN)."""
    out = []
    for symbol in classes:
        if symbol and (not out or out[-1] != symbol):
            out.append(symbol)
    return "".join(out)


def hangul_skeleton(word: str) -> str:
    classes = []
    for char in word:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            classes.append(HANGUL_INITIALS[code // 588])
            classes.append(HANGUL_FINALS[code % 28])
    return _squeeze(classes)


def english_skeleton(word: str) -> str:
    word = word.lower()
    classes = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        letter = word[i]
        following = word[i + 1] if i + 1 < len(word) else ""
        if pair in ENGLISH_DIGRAPHS:
            classes.append(ENGLISH_DIGRAPHS[pair])
            i += 2
            continue
        if letter in ENGLISH_LETTERS:
            classes.append(ENGLISH_LETTERS[letter])
        elif letter == "c":
            classes.append("S" if following in ("e", "i", "y") else "K")
        elif letter == "g":
            classes.append("J" if following in ("e", "y") else "K")
        elif letter == "r":
            # Korean drops an r that closes a syllable: "Ford" is 포드.
            if not (i and word[i - 1] in VOWELS and following not in VOWELS):
                classes.append("L")
        elif letter == "h" and i == 0:
            classes.append("H")
        i += 1
    return _squeeze(classes)


def _prefix_distances(a: str, b: str) -> list[int]:
    """Edit distances from `a` to each prefix of `b`: b[:0], b[:1], ... b[:len(b)]."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous


def sounds_alike(english: str, hangul: str) -> bool:
    """Whether a Hangul word (perhaps with a particle after it, as in "존슨의") starts with
    the sound of an English name. Both are skeletons; the first consonant must agree, and
    a few differences are allowed in longer names."""
    if hangul[:1] != english[:1]:
        return False
    size = len(english)
    allowed = 0 if size <= 3 else 1 if size <= 6 else 2
    # The Hangul word's first size-1, size or size+1 consonants, as far as it has them.
    distances = _prefix_distances(english, hangul[: size + 1])
    return min(distances[min(size - 1, len(distances) - 1) :]) <= allowed
