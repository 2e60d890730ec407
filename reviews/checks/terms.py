"""The desk's glossary in one row, and the same name written two ways across the document."""

import difflib
import re

from reviews.checks.findings import ERROR, WARNING, Finding
from reviews.korean import find_term, stem

# An approved English term may take an ending: "sanction" covers "sanctions", "North Korea"
# covers "North Korean" and "North Korea's".
ENGLISH_ENDINGS = r"(?:'s|’s|s|es|n|an|ns|ans|ese)?\b"


def english_pattern(term: str, endings: str = ENGLISH_ENDINGS) -> re.Pattern:
    words = [re.escape(word) for word in re.split(r"[\s-]+", term.strip()) if word]
    lead = r"\b" if term[:1].isalnum() else ""
    return re.compile(lead + r"[\s-]+".join(words) + endings, re.IGNORECASE)


def entries(glossary):
    """(korean, [approved English], [forbidden English]) from (korean, english[, forbidden])
    rows; several approved renderings are separated by "/" or ";"."""
    for entry in glossary:
        korean, english = entry[0], entry[1]
        forbidden = entry[2] if len(entry) > 2 else ()
        if isinstance(forbidden, str):
            forbidden = re.split(r"[;/|\n]", forbidden)
        approved = [e.strip() for e in re.split(r"[;/|]", english or "") if e.strip()]
        yield korean.strip(), approved, [f.strip() for f in forbidden if f and f.strip()]


def check_glossary(source: str, target: str, glossary) -> list[Finding]:
    findings = []
    for korean, approved, forbidden in entries(glossary):
        if not korean:
            continue
        spans = find_term(source, korean)
        if not spans:
            continue
        for variant in forbidden:
            match = english_pattern(variant, r"\b").search(target)
            if match:
                findings.append(
                    Finding(
                        "glossary",
                        ERROR,
                        f"{korean}: the glossary forbids “{variant}”; "
                        f"use “{' / '.join(approved)}”.",
                        match.span(),
                        spans[0],
                    )
                )
                break
        else:
            if approved and not any(english_pattern(e).search(target) for e in approved):
                findings.append(
                    Finding(
                        "glossary",
                        ERROR,
                        f"{korean} should be “{' / '.join(approved)}” (the desk's glossary).",
                        None,
                        spans[0],
                    )
                )
    return findings


# A name of two to four parts: "Lee Jae-myung", "Yoon Suk Yeol", "Park Geun-hye".
NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+|-[A-Za-z][a-z]*){1,3}\b")
HANGUL_WORD = re.compile(r"[가-힣]{2,}")


def squeezed(name: str) -> str:
    return re.sub(r"[\s-]", "", name.lower())


def consistency_names(target: str) -> set[str]:
    """The names in one row's English that the consistency check compares across rows: an
    edit that leaves this set alone cannot change what check_consistency finds."""
    return {
        name for name in NAME.findall(target) if re.search(r"[A-Z].*[A-Z]", name) or "-" in name
    }


def check_consistency(rows: list[tuple[str, str]]) -> list[Finding]:
    """Names written two ways across the rows ("Lee Jae-myung", "Lee Jae-myeong") where the
    rows share the Korean they stand for; reported once, with the places (row indices)."""
    places: dict[str, list[int]] = {}
    for index, (_, target) in enumerate(rows):
        for name in consistency_names(target):
            places.setdefault(name, []).append(index)
    return consistency_findings(places, lambda index: rows[index][0])


def name_group(name: str) -> str:
    """Names are compared only with names of the same first word: a change to one group's
    places cannot change another group's findings."""
    return name.split()[0]


def consistency_findings(places: dict[str, list[int]], source_of) -> list[Finding]:
    """check_consistency's findings from the rows (indices, in order) each name is in and
    `source_of(index)`, a row's Korean; read only for rows in `places`."""
    names = sorted(places)
    findings = []
    reported = set()
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = squeezed(first), squeezed(second)
            if (first, second) in reported or name_group(first) != name_group(second):
                continue
            if a != b and difflib.SequenceMatcher(None, a, b).ratio() < 0.85:
                continue
            if a != b and (a in b or b in a):
                continue  # "Kim Jong" inside "Kim Jong-un"
            together = sorted(set(places[first]) | set(places[second]))
            shared = common_korean(source_of(k) for k in together)
            if not shared:
                continue
            reported.add((first, second))
            where = "; ".join(
                f"“{name}” in row{'s' if len(places[name]) > 1 else ''} "
                + ", ".join(str(k + 1) for k in places[name])
                for name in (first, second)
            )
            findings.append(
                Finding(
                    "consistency",
                    WARNING,
                    f"{shared} is written two ways: {where}.",
                    None,
                    None,
                    tuple(together),
                )
            )
    return findings


def common_korean(sources) -> str:
    """The longest Hangul noun every one of the sources contains, or ""."""
    common = None
    for source in sources:
        stems = {stem(word) for word in HANGUL_WORD.findall(source)}
        common = stems if common is None else common & stems
    return max(common or (), key=len, default="")
