"""Evidence from names. Foreign names are written in Hangul by sound, so "존슨" and "Johnson"
share a consonant skeleton (JNSN). Both sides are reduced to coarse consonant classes:
K (k, g, c, q), T (t, d), P (p, b, f, v), S (s, sh, th), J (j, ch, z), L (l, r), M, N, H."""

import re
from collections import deque

from reviews.alignment.word_caches import word_cache

HANGUL_WORD = re.compile(r"[가-힣]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
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


@word_cache
def hangul_skeleton(word: str) -> str:
    classes = []
    for char in word:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            classes.append(HANGUL_INITIALS[code // 588])
            classes.append(HANGUL_FINALS[code % 28])
    return _squeeze(classes)


@word_cache
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


def distance_rows(a: str, b: str):
    """The rows of the edit-distance table of `a` against the prefixes of `b`, one after
    each letter of `a`: row i holds the distances from a[:i] to b[:0], b[:1], ... b[:len(b)]."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        yield current
        previous = current


def _prefix_distances(a: str, b: str) -> list[int]:
    """Edit distances from `a` to each prefix of `b`: b[:0], b[:1], ... b[:len(b)]."""
    rows = deque(distance_rows(a, b), maxlen=1)  # the last row is the answer
    return rows[0] if rows else list(range(len(b) + 1))


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


# Names that Korean writes by meaning, not by sound: an English word of the left, in lower
# case, is heard in a Korean document that contains any of the words on the right.
EXONYMS = {
    "korea": ("한국", "북한", "남한", "조선", "한반도"), "korean": ("한국", "북한", "조선"),
    "koreans": ("한국", "북한"), "north": ("북",), "south": ("남",),
    "america": ("미국",), "american": ("미국",), "americans": ("미국",),
    "united": ("미국", "유엔", "영국", "연합"), "states": ("미국",),
    "china": ("중국",), "chinese": ("중국",), "japan": ("일본",), "japanese": ("일본",),
    "britain": ("영국",), "british": ("영국",), "england": ("영국",), "english": ("영어", "영국"),
    "germany": ("독일",), "german": ("독일",), "australia": ("호주",), "australian": ("호주",),
    "europe": ("유럽",), "european": ("유럽",), "pyongyang": ("평양",), "washington": ("미국",),
    "taiwan": ("대만",), "netherlands": ("네덜란드",), "dutch": ("네덜란드",),
    "turkey": ("터키", "튀르키예"), "greece": ("그리스",), "swiss": ("스위스",),
    # Titles and institutions of news text, which Korean writes by meaning.
    "president": ("대통령", "회장", "총장", "대표"), "minister": ("장관", "총리"),
    "ministry": ("부",), "department": ("부", "국", "과"), "secretary": ("장관", "총장", "비서"),
    "senate": ("상원",), "congress": ("의회",), "parliament": ("의회",),
    "democrat": ("민주",), "democrats": ("민주",), "democratic": ("민주",),
    "republican": ("공화",), "republicans": ("공화",), "committee": ("위원회",),
    "council": ("이사회", "위원회", "의회"), "university": ("대학",), "national": ("국",),
    "court": ("법원", "재판"), "police": ("경찰",), "government": ("정부",), "party": ("당",),
    "army": ("군",), "military": ("군",), "authorities": ("당국",), "officials": ("관계자", "당국"),
}  # fmt: skip


def unheard_names(korean_text: str, english_names: dict) -> frozenset:
    """The skeletons of the English names (a dict of skeleton -> the words it came from)
    that no Hangul word of the whole Korean document sounds like, and that Korean does not
    write by meaning either. A translator keeps names: an English paragraph that carries
    one the Korean never mentions is likely to have been added."""
    by_start = {}
    # Each distinct word once: an article repeats most of its words.
    stems = {_without_particle(word) for word in set(HANGUL_WORD.findall(korean_text))}
    for skeleton in {hangul_skeleton(stem) for stem in stems}:
        by_start.setdefault(skeleton[:1], []).append(skeleton)
    latin = {word.lower() for word in LATIN_WORD.findall(korean_text)}
    unheard = set()
    for skeleton, words in english_names.items():
        if any(
            word.lower() in latin
            or any(hangul in korean_text for hangul in EXONYMS.get(word.lower(), ()))
            for word in words
        ):
            continue
        candidates = by_start.get(skeleton[:1], ())
        if not any(_sounds_the_same(skeleton, hangul) for hangul in candidates):
            unheard.add(skeleton)
    return frozenset(unheard)


# Particles and titles written after a name ("존슨의", "존슨 대변인은" is two words).
PARTICLES = sorted(
    ("의", "은", "는", "이", "가", "을", "를", "에", "에게", "와", "과", "도", "로", "으로",
     "에서", "씨", "측", "이다", "라는", "이라는", "만", "께서", "부터", "까지", "처럼", "보다"),
    key=len, reverse=True,
)  # fmt: skip


def _without_particle(word: str) -> str:
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word


def _sounds_the_same(english: str, hangul: str) -> bool:
    """Stricter than sounds_alike, for judging a whole document: the Hangul word (less its
    particle) must sound like the whole name, not merely start like it."""
    if hangul[:1] != english[:1] or abs(len(hangul) - len(english)) > 2:
        return False
    size = len(english)
    allowed = 0 if size <= 3 else 1 if size <= 6 else 2
    return _prefix_distances(english, hangul)[-1] <= allowed
