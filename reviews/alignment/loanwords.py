"""Evidence from loanwords: Korean writes an English word it borrows by sound ("타이밍"
timing, "에너지" energy, "캠페인" campaign), so a translation between the two languages
keeps it heard, as it keeps names (names.py). Any loanword is evidence, not a listed one:

- a Hangul word is taken for a loanword when its spelling has the marks of a transcribed
  foreign word that native and Sino-Korean words lack (`is_loanword`);
- it is heard in an English word when their consonant skeletons (names.py: "타이밍" and
  "timing" are both TMN) agree, the first consonant exactly and the rest within a small
  edit distance (`sounds_like_word`).

A loanword that no English word of the whole document sounds like is evidence that its
paragraph was dropped, as a lexicon word the other side never renders is (it joins the
unrendered terms, costs.UNRENDERED_TERM). Loanwords heard in a link's English were also
measured as shared evidence (bench/alignment.md): no link changed on the dev sets and the
signal was weak on lower-case words (names.py hears the capitalised ones), so they are not
used.
"""

import re

from reviews.alignment.lexicon import KOREAN_TO_ENGLISH
from reviews.alignment.names import distance_rows, english_skeleton, hangul_skeleton
from reviews.alignment.word_caches import word_cache
from reviews.korean import stem

HANGUL_WORD = re.compile(r"[가-힣]+")
ENGLISH_WORD = re.compile(r"[A-Za-z]+")

# Jamo indices of a syllable (Unicode order).
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"

# The marks of a transcription, from how Korean writes English sounds:
# - a consonant with the epenthetic ㅡ and nothing after it ("트럼프", "스포츠", "골드"):
#   Sino-Korean syllables never have that shape. Not ㄹ, ㅁ, ㄴ, ㅎ or the silent ㅇ, common
#   in native verb endings ("모르는", "하므로", "흐르다"), nor 그 opening a word (그들, 그것);
EPENTHETIC_INITIALS = frozenset("ㄱㄷㅂㅅㅈㅊㅋㅌㅍ")
# - English -ing, -in and the like as a syllable with ㅣ and final ㅇ ("타이밍", "킹"): Sino-
#   Korean reads those as 영/령/명, so 밍, 링, 팅, 킹, 딩, 닝, 핑 are foreign;
ING_INITIALS = frozenset("ㄴㄷㄹㅁㅋㅌㅍ")
# - /ju/ after a stop ("컴퓨터", "뉴스" is native-looking but "튜브", "큐", "듀"), and ㅋ
#   inside a word ("마이크", "이라크"), which Sino-Korean never has and native words rarely;
YU_INITIALS = frozenset("ㄷㅋㅌㅍ")
# - ㅔ after the consonants native words seldom put before it ("테러", "케이블", "페이스").
E_INITIALS = frozenset("ㅋㅌㅍㄹ")

# Syllables shorter than this are read as native: two-syllable words with a mark are many
# ("크게" big, "스님"), and a short skeleton is heard by chance in many English words.
MIN_LOANWORD_SYLLABLES = 2
# Skeletons shorter than this are heard in too many English words by chance.
MIN_LOANWORD_SKELETON = 2
# A part of a compound, and a loanword compared with the start of a longer English word,
# need this many consonants: "MN" starts too many English words.
MIN_PART_SKELETON = 3
MIN_PREFIX_SKELETON = 3
# English words shorter than this are function words, never the sound of a loanword.
MIN_ENGLISH_LETTERS = 3


def _jamo(syllable: str) -> tuple[str, str, int]:
    code = ord(syllable) - 0xAC00
    return INITIALS[code // 588], VOWELS[code % 588 // 28], code % 28


# Native words that open with a mark: 크다 (big), 드디어, 드러나다, 드리다, 그 (that) and its
# compounds; 스스로, 스승, 스님, 스물; the adjectives 슬프다, 아프다, 고프다. The suffix
# -스럽다 ("자랑스러운") and the verbs in 키/켜 (시키다, 지키다, 가리키다) are native too.
NATIVE_OPENINGS = ("크", "드", "그", "스스", "스승", "스님", "스물", "슬프", "아프", "고프")


@word_cache
def is_loanword(word: str) -> bool:
    """Whether a Hangul word (a stem, its particles off) is spelt as a transcription of a
    foreign word is: it has one of the marks above."""
    if len(word) < MIN_LOANWORD_SYLLABLES:
        return False
    native = next((len(opening) for opening in NATIVE_OPENINGS if word.startswith(opening)), 0)
    for position, syllable in enumerate(word):
        initial, vowel, final = _jamo(syllable)
        following = word[position + 1] if position + 1 < len(word) else ""
        if (
            vowel == "ㅡ"
            and not final
            and initial in EPENTHETIC_INITIALS
            and position >= native
            and not (syllable == "스" and following and _jamo(following)[:2] == ("ㄹ", "ㅓ"))
        ):
            return True
        if vowel == "ㅣ" and final == 21 and initial in ING_INITIALS:  # final 21 is ㅇ
            return True
        if vowel == "ㅠ" and initial in YU_INITIALS:
            return True
        if initial == "ㅋ" and position and vowel not in "ㅣㅕ":
            return True
        if vowel == "ㅔ" and initial in E_INITIALS:
            return True
    return False


@word_cache
def korean_loanword(word: str) -> str:
    """The loanword stem of a Hangul word, or "" if it is not one. Words of the hand-written
    lexicon are left to it (lexicon.py weighs them already)."""
    noun = stem(word)
    if noun in KOREAN_TO_ENGLISH or not is_loanword(noun):
        return ""
    if len(hangul_skeleton(noun)) < MIN_LOANWORD_SKELETON:
        return ""
    return noun


def korean_loanwords(text: str) -> frozenset:
    return frozenset(filter(None, map(korean_loanword, HANGUL_WORD.findall(text))))


def _distance(a: str, b: str, limit: int) -> int:
    """The edit distance of two skeletons, or limit + 1 once it is sure to pass `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    last = [len(b)]
    for last in distance_rows(a, b):
        if min(last) > limit:
            return limit + 1
    return last[-1]


def _within_one(a: str, b: str) -> bool:
    """Whether two skeletons are at most one edit apart, in one pass."""
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > 1:
        return False
    i = 0
    while i < len(b) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i + 1 :] == b[i:]


# Korean writes English s, z, ch and j with ㅅ, ㅈ or ㅊ as it hears them (스타즈 Stars, 타임즈
# Times): the two classes are one when a loanword is compared.
FOLD = str.maketrans("J", "S")
# English spellings Korean hears another way than names.english_skeleton reads them: th as
# t (토마스 Thomas), ch as k (마이클 Michael), g before i as j (자이언츠 Giants), ts and tz as
# one sound (츠), gn as n (캠페인 campaign), -tion as -shon (내셔널 national).
RESPELLINGS = (("th", "t"), ("ch", "k"), ("gi", "ji"), ("ts", "ch"), ("tz", "ch"),
               ("gn", "n"), ("tion", "shon"))  # fmt: skip


@word_cache
def english_word_sounds(word: str) -> frozenset:
    """The skeletons an English word (lower case) may be heard as in Korean."""
    spellings = {word}
    every = word
    for spelling, respelling in RESPELLINGS:
        if spelling in word:
            spellings.add(word.replace(spelling, respelling))
            every = every.replace(spelling, respelling)
    spellings.add(every)
    return frozenset(english_skeleton(spelling).translate(FOLD) for spelling in spellings)


@word_cache
def loanword_sound(word: str) -> str:
    """A loanword's skeleton, compared with English ones: an h inside an English word is
    silent to names.english_skeleton, so ㅎ counts only at the start (무함마드 Muhammad)."""
    skeleton = hangul_skeleton(word).translate(FOLD)
    return skeleton[:1] + skeleton[1:].replace("H", "")


def _allowed(hangul: str) -> int:
    """Differences allowed between a loanword's skeleton and an English one: none in three
    consonants or fewer, one in up to six, two beyond."""
    return 0 if len(hangul) <= 3 else 1 if len(hangul) <= 6 else 2


def _english_forms(english: str) -> list[str]:
    """An English skeleton and its starts one or two consonants shorter (at least three
    consonants): the English word may carry an ending the loanword lacks ("campaigns")."""
    shortest = max(MIN_PREFIX_SKELETON, len(english) - 2)
    return [english] + [english[:size] for size in range(shortest, len(english))]


def sounds_like_word(hangul: str, english: str) -> bool:
    """Whether a loanword's skeleton sounds like an English word's skeleton: the same first
    consonant, and within the allowed differences of the English skeleton or its start."""
    allowed = _allowed(hangul)
    return any(
        form[0] == hangul[0] and _distance(hangul, form, allowed) <= allowed
        for form in _english_forms(english)
        if abs(len(form) - len(hangul)) <= allowed
    )


def _deletions(skeleton: str) -> set:
    return {skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton))}


def heard_sounds(sounds, english: frozenset) -> frozenset:
    """The loanword skeletons of `sounds` that some English skeleton of `english` sounds
    like (sounds_like_word), found without comparing every pair: two skeletons one edit
    apart share a skeleton once each has lost at most one consonant, so the loanwords are
    indexed by those; the few of seven consonants or more are compared one by one."""
    exact, near, long = set(), {}, []
    for sound in sounds:
        allowed = _allowed(sound)
        if allowed == 0:
            exact.add(sound)
        elif allowed == 1:
            for key in _deletions(sound) | {sound}:
                near.setdefault(key, []).append(sound)
        else:
            long.append(sound)
    heard = set()
    long_by_start = {}
    for english_skeleton_ in english:
        for form in _english_forms(english_skeleton_):
            if form in exact:
                heard.add(form)
            if near:
                for key in _deletions(form) | {form}:
                    for sound in near.get(key, ()):
                        if sound not in heard and sound[0] == form[0] and _within_one(sound, form):
                            heard.add(sound)
        if long and english_skeleton_:
            long_by_start.setdefault(english_skeleton_[0], []).append(english_skeleton_)
    for sound in long:
        if any(sounds_like_word(sound, other) for other in long_by_start.get(sound[0], ())):
            heard.add(sound)
    return frozenset(heard)


def english_sounds(text: str) -> frozenset:
    """The skeletons of an English text's words, each word once, and of each two
    capitalised words in a row as one ("Ryder Cup", 라이더컵), as Korean writes a name of
    two words."""
    words = ENGLISH_WORD.findall(text)
    distinct = {word.lower() for word in words if len(word) >= MIN_ENGLISH_LETTERS}
    distinct.update(
        (first + second).lower()
        for first, second in zip(words, words[1:], strict=False)
        if first[0].isupper() and second[0].isupper()
    )
    sounds = set()
    for word in distinct:
        sounds |= english_word_sounds(word)
    return frozenset(sounds)


@word_cache
def loanword_parts(word: str) -> tuple[str, ...]:
    """The skeletons of a loanword and of its parts of two syllables or more: a compound
    joins a loanword to a Sino-Korean noun ("텍사스산", "테러공격")."""
    parts = {loanword_sound(word)}
    for size in range(2, len(word)):
        for start in range(len(word) - size + 1):
            sound = loanword_sound(word[start : start + size])
            if len(sound) >= MIN_PART_SKELETON:
                parts.add(sound)
    return tuple(part for part in parts if len(part) >= MIN_LOANWORD_SKELETON)


def unheard_loanwords(loanwords: frozenset, english_text: str) -> frozenset:
    """The loanwords of a Korean document that no word of its English sounds like, nor any
    two capitalised words in a row, even in part: evidence that their paragraph was
    dropped."""
    parts = {word: loanword_parts(word) for word in loanwords}
    heard = heard_sounds(set().union(*parts.values()), english_sounds(english_text))
    return frozenset(word for word, sounds in parts.items() if not heard.intersection(sounds))


# A switch for measuring what the loanwords add.
UNHEARD = True


def add_loanwords(ko_texts: list[str], en_texts: list[str], ko: list) -> tuple[list, frozenset]:
    """The Korean paragraphs' features with their loanwords added to their terms, and the
    loanwords no English word of the document sounds like: those count against linking
    their paragraph as the lexicon's unrendered terms do (costs.UNRENDERED_TERM)."""
    loans_by_paragraph = [korean_loanwords(text) for text in ko_texts]
    loans = frozenset().union(*loans_by_paragraph)
    if not loans or not UNHEARD:
        return ko, frozenset()
    unheard = unheard_loanwords(loans, "\n".join(en_texts))
    if not unheard:
        return ko, unheard
    ko = [
        p._replace(terms=p.terms | (found & unheard)) if found & unheard else p
        for p, found in zip(ko, loans_by_paragraph, strict=True)
    ]
    return ko, unheard
