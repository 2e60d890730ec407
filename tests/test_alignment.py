"""Tests of the paragraph aligner (reviews.alignment) and its evaluation command."""

import json
import random
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.alignment import unrelated_document
from reviews.alignment import (
    align,
    english_anchors,
    english_skeleton,
    hangul_skeleton,
    korean_anchors,
    sounds_alike,
)
from reviews.management.commands.align_eval import read_articles, score, score_sentences
from tests.conftest import shared_file

SENTENCE_GOLD = Path(__file__).resolve().parent / "data" / "sentence_gold.jsonl"


def shared_articles(name: str) -> list[dict]:
    return read_articles(shared_file("data", "alignment", name))


# A short news story about a city budget, written for these tests, one sentence per item.
KO = [
    "서울시, 내년 예산 45조 원 편성",
    "서울시는 3월 5일 2025년 예산안을 45조 원 규모로 확정했다고 밝혔다.",
    "이는 올해보다 3.5% 늘어난 것으로, 복지 예산이 가장 크게 늘었다.",
    '오세훈 시장은 기자회견에서 "시민의 삶을 먼저 챙기겠다"고 말했다.',
    "시는 청년 주택 1만2000가구를 새로 공급하기로 했다.",
    "교통 분야에는 지하철 노후 차량 교체에 1,200억 원이 배정됐다.",
    "시의회는 다음 달 예산안을 심의할 예정이다.",
]
EN = [
    "Seoul sets next year's budget at 45 trillion won",
    "The Seoul city government said on March 5 that it had finalised a 2025 budget of "
    "45 trillion won.",
    "That is 3.5% more than this year, with welfare spending rising the most.",
    'Mayor Oh Se-hoon told a news conference: "We will look after citizens\' lives first."',
    "The city will supply 12,000 new homes for young people.",
    "For transport, 120 billion won has been set aside to replace ageing subway cars.",
    "The city council will review the budget proposal next month.",
]


def pairs(links):
    """The links without their confidences, as tuples, for comparing with expectations."""
    return [(tuple(ko), tuple(en)) for ko, en, _ in links]


def one_to_one(count):
    return [((i,), (i,)) for i in range(count)]


def assert_covers(links, n, m):
    """Every paragraph of both sides appears once, in order, and confidences are in [0, 1]."""
    assert [i for ko, _, _ in links for i in ko] == list(range(n))
    assert [j for _, en, _ in links for j in en] == list(range(m))
    for ko, en, confidence in links:
        assert ko or en
        assert 0.0 <= confidence <= 1.0


def test_clean_one_to_one():
    links = align(KO, EN)
    assert pairs(links) == one_to_one(len(KO))
    assert min(confidence for _, _, confidence in links) > 0.6


def test_two_korean_paragraphs_merged_in_english():  # 2-1
    english = EN[:4] + [EN[4] + " " + EN[5]] + EN[6:]
    links = align(KO, english)
    assert pairs(links) == [*one_to_one(4), ((4, 5), (4,)), ((6,), (5,))]


def test_korean_paragraph_split_in_english():  # 1-2
    korean = KO[:4] + [KO[4] + " " + KO[5]] + KO[6:]
    links = align(korean, EN)
    assert pairs(links) == [*one_to_one(4), ((4,), (4, 5)), ((5,), (6,))]


def test_untranslated_korean_paragraph():  # 1-0
    english = EN[:3] + EN[4:]
    links = align(KO, english)
    expected = [*one_to_one(3), ((3,), ()), *[((i + 1,), (i,)) for i in range(3, 6)]]
    assert pairs(links) == expected


def test_english_paragraph_without_source():  # 0-1
    korean = KO[:4] + KO[5:]
    links = align(korean, EN)
    expected = [*one_to_one(4), ((), (4,)), *[((i,), (i + 1,)) for i in range(4, 6)]]
    assert pairs(links) == expected


def test_three_korean_paragraphs_in_one_english():  # 3-1
    korean = [
        "태풍 힌남노가 6일 새벽 경남 거제에 상륙했다.",
        "기상청에 따르면 상륙 당시 중심기압은 955hPa였다.",
        "최대 풍속은 초속 40m에 달했다.",
        "부산에서는 주민 2,300명이 대피했다.",
        "정부는 피해 지역을 특별재난지역으로 선포할 계획이다.",
    ]
    english = [
        "Typhoon Hinnamnor made landfall near Geoje early on the 6th, with a central "
        "pressure of 955 hPa and winds of up to 40 metres per second, according to the "
        "Korea Meteorological Administration.",
        "In Busan, 2,300 residents were evacuated.",
        "The government plans to declare the affected areas special disaster zones.",
    ]
    assert pairs(align(korean, english)) == [((0, 1, 2), (0,)), ((3,), (1,)), ((4,), (2,))]


def test_merge_and_split_with_equal_counts():
    """A 2-1 near the start and a 1-2 further on leave both sides with seven paragraphs;
    the aligner must find them rather than seven 1-1 links."""
    korean = [*KO[:4], KO[4] + " " + KO[5], KO[6], "시의회 예결위는 12월 16일 최종안을 의결한다."]
    english = [
        EN[0],
        EN[1] + " " + EN[2],
        *EN[3:7],
        "The council's budget committee will vote on the final plan on December 16.",
    ]
    assert len(korean) == len(english) == 7
    assert pairs(align(korean, english)) == [
        ((0,), (0,)),
        ((1, 2), (1,)),
        ((3,), (2,)),
        ((4,), (3, 4)),
        ((5,), (5,)),
        ((6,), (6,)),
    ]


def test_numbers_read_the_korean_and_the_english_way():
    korean = korean_anchors("3월 5일 2019년 1만2000명, 3.5%, 1,200억 원, 569만 명, 두 명, 금요일")
    english = english_anchors(
        "On March 5, 2019, 12,000 people, 3.5%, 120 billion won, 5.69 million, two, Friday"
    )
    assert {"m:3", "n:5", "n:2019", "n:12000", "n:3.5", "n:1.2e+11", "n:5.69e+06"} <= korean
    assert {"n:2", "w:fri"} <= korean
    assert korean <= english
    assert "n:3" not in korean  # 3월 is a month, not the number 3


def test_numbers_decide_between_similar_paragraphs():
    """Two Korean paragraphs of the same shape; only the figures say which one the single
    English paragraph translates."""
    korean = [
        "부산시는 올해 관광객이 1200만 명을 넘었다고 밝혔다.",
        "대구시는 올해 관광객이 310만 명을 넘었다고 밝혔다.",
    ]
    english = ["Daegu said visitors this year passed 3.1 million."]
    assert pairs(align(korean, english)) == [((0,), ()), ((1,), (0,))]
    english = ["Busan said visitors this year passed 12 million."]
    assert pairs(align(korean, english)) == [((0,), (0,)), ((1,), ())]


def test_latin_words_kept_in_korean_anchor_the_link():
    korean = [
        "NATO 정상회의가 7월 11일 빌뉴스에서 열렸다.",
        "회원국 정상들은 우크라이나 지원을 논의했다.",
        "IMF는 올해 세계 경제 성장률 전망을 2.9%로 낮췄다.",
    ]
    english = [
        "The IMF cut its forecast for world growth this year to 2.9%.",
    ]
    assert pairs(align(korean, english)) == [((0,), ()), ((1,), ()), ((2,), (0,))]


def test_names_written_in_hangul_sound_like_the_english():
    for hangul, english in [
        ("존슨의", "Johnson"),
        ("밀라노에서", "Milan"),
        ("로젠버그", "Rosenberg"),
    ]:
        assert sounds_alike(english_skeleton(english), hangul_skeleton(hangul)), hangul
    assert not sounds_alike(english_skeleton("Johnson"), hangul_skeleton("서울시는"))
    assert not sounds_alike(english_skeleton("Milan"), hangul_skeleton("존슨"))


def test_election_story_with_an_added_english_paragraph():  # 0-1 between names
    korean = [
        "영국 총선에서 존슨 총리가 이끄는 보수당이 과반 의석을 확보했다.",
        "노동당의 코빈 대표는 다음 선거에서 당을 이끌지 않겠다고 밝혔다.",
        "투표율은 67.3%로 집계됐다.",
    ]
    english = [
        "Prime Minister Boris Johnson's Conservatives won a majority in Britain's election.",
        "The result makes it likely that Britain will leave the European Union next month.",
        "Labour leader Jeremy Corbyn said he would not lead the party into another election.",
        "Turnout was 67.3%.",
    ]
    assert pairs(align(korean, english)) == [((0,), (0,)), ((), (1,)), ((1,), (2,)), ((2,), (3,))]


def test_confidence_is_lower_for_doubtful_links():
    """A short Korean paragraph with no figures, slipped in between clean ones, is found on
    its own; its link is less certain than the clean 1-1 links with matching figures,
    which stay above 0.9."""
    korean = [*KO[:3], "시 관계자는 이같이 설명했다.", *KO[3:]]
    links = align(korean, EN)
    assert_covers(links, len(korean), len(EN))
    confidence = {(tuple(k), tuple(e)): c for k, e, c in links}
    figures_match = [((1,), (1,)), ((5,), (4,)), ((6,), (5,))]
    assert confidence[((3,), ())] < min(confidence[link] for link in figures_match)
    for link in figures_match:
        assert confidence[link] > 0.9


def test_confidence_is_below_the_flag_when_either_paragraph_may_be_the_dropped_one():
    """Two Korean paragraphs that say the same, one English paragraph for them: either
    Korean one may be the untranslated one, so neither link can be sure, and both come out
    below the importer's 0.6 flag."""
    korean = [KO[1], "시 관계자는 이같이 설명했다.", "시 관계자는 이같이 설명했다.", KO[2]]
    english = [EN[1], "A city official explained this.", EN[2]]
    links = align(korean, english)
    assert_covers(links, 4, 3)
    doubtful = [c for k, _, c in links if 1 in k or 2 in k]
    assert doubtful and max(doubtful) < 0.6


def test_confidence_drops_when_figures_disagree():
    english = [*EN[:4], "The city will build 8,000 new homes for the elderly by 2030.", *EN[5:]]
    clean = {(tuple(k), tuple(e)): c for k, e, c in align(KO, EN)}
    disagreeing = {(tuple(k), tuple(e)): c for k, e, c in align(KO, english)}
    assert disagreeing.get(((4,), (4,)), 0.0) < clean[((4,), (4,))]


@pytest.mark.parametrize(
    ("korean", "english", "expected"),
    [
        ([], [], []),
        (KO[:2], [], [([0], [], 1.0), ([1], [], 1.0)]),
        ([], EN[:2], [([], [0], 1.0), ([], [1], 1.0)]),
    ],
)
def test_empty_sides(korean, english, expected):
    assert align(korean, english) == expected


def test_one_paragraph_each():
    links = align([KO[1]], [EN[1]])
    assert pairs(links) == [((0,), (0,))]
    assert links[0][2] > 0.5


def test_one_paragraph_against_several():
    links = align([KO[1] + " " + KO[2]], EN[1:3])
    assert pairs(links) == [((0,), (0, 1))]


def test_blank_paragraphs_stand_alone():
    korean = [KO[0], "   ", KO[1], "", KO[2]]
    english = [EN[0], EN[1], "\n", EN[2]]
    links = align(korean, english)
    assert_covers(links, 5, 4)
    assert ((1,), ()) in pairs(links) and ((3,), ()) in pairs(links)
    assert ((), (2,)) in pairs(links)
    assert ((0,), (0,)) in pairs(links) and ((4,), (3,)) in pairs(links)


def test_only_blank_paragraphs():
    links = align(["", " "], ["\t"])
    assert_covers(links, 2, 1)


paragraph_text = st.one_of(
    st.sampled_from(KO + EN + ["", " ", "1", "NATO", "“”", "다.", "A. B. C."]),
    st.text(max_size=80),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(paragraph_text, max_size=12), st.lists(paragraph_text, max_size=12))
def test_links_cover_every_paragraph_once_in_order(korean, english):
    assert_covers(align(korean, english), len(korean), len(english))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60))
def test_links_cover_every_paragraph_when_counts_differ(n, m):
    korean = [KO[i % len(KO)] for i in range(n)]
    english = [EN[(3 * i) % len(EN)] for i in range(m)]
    assert_covers(align(korean, english), n, m)


# Issue 10's lexicon round: 0.992 and 0.970 without the entries read off the dev sets;
# converted measures (units.py) 0.992 and 0.972; unheard loanwords and the second pass's
# paragraph-break cost 0.996 and 0.978; unrendered words only where confined to one
# paragraph 0.996 (35/36 articles) and 0.984 (65/71). The F1 floors are the target,
# 0.975, or above; the articles' floor is its 90 % of articles entirely right.
@pytest.mark.parametrize(
    ("name", "floor"), [("ntrex-dev.jsonl", 0.99), ("newsv1-noisy.jsonl", 0.975)]
)
def test_f1_on_shared_dev_sets(name, floor):
    result = score(shared_articles(name))
    assert result["f1"] >= floor, result
    assert result["articles_right"] >= 0.9 * result["articles"], result


@pytest.mark.slow
def test_unrelated_thousand_paragraphs_stay_under_100_mb():
    """The search's worst case, texts with no true alignment (bench/alignment.py's
    1000 x 1000 unrelated row): peak traced memory under 100 MB (108 MiB before issue 10)."""
    korean, english = unrelated_document(random.Random(20260101), 1000)
    tracemalloc.start()
    try:
        links = align(korean, english)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_covers(links, 1000, 1000)
    assert peak < 100_000_000, peak / 2**20


@pytest.mark.parametrize(
    ("name", "floor"), [("ntrex-dev.jsonl", 0.95), ("newsv1-noisy.jsonl", 0.88)]
)
def test_sentence_f1_on_shared_dev_sets(name, floor):
    result = score_sentences(shared_articles(name))
    assert result["f1"] >= floor, result


def write_jsonl(path, articles):
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles))


def test_align_eval_command_output(tmp_path):
    articles = [
        {"id": "budget", "ko_paragraphs": KO, "en_paragraphs": EN, "gold": one_to_one(7)},
        {
            "id": "merged",
            "ko_paragraphs": KO[:3],
            "en_paragraphs": [EN[0], EN[1] + " " + EN[2]],
            "gold": [[[0], [0]], [[1, 2], [1]]],
        },
    ]
    path = tmp_path / "small.jsonl"
    write_jsonl(path, articles)
    out = StringIO()
    call_command("align_eval", str(path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "F1 1.000 articles 2/2"
    assert any(line.split()[:2] == ["1-1", "1.000"] for line in lines)
    assert any(line.split()[:2] == ["2-1", "1.000"] for line in lines)


def test_score_counts_null_links_and_types():
    article = {"ko_paragraphs": KO[:2], "en_paragraphs": [EN[0]], "gold": [[[0], [0]], [[1], []]]}
    result = score([article])
    gold_counts = {kind: total for kind, (_, total) in result["recall_by_type"].items()}
    assert gold_counts == {"1-0": 1, "1-1": 1}
    wrong = {**article, "gold": [[[0, 1], [0]]]}
    result = score([wrong])
    assert result["f1"] == 0.0 and result["articles_right"] == 0


def test_align_eval_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("align_eval", str(tmp_path / "absent.jsonl"))


@pytest.mark.parametrize(
    "content",
    ["{not json}\n", '{"ko_paragraphs": [], "en_paragraphs": []}\n', "[1, 2]\n", ""],
)
def test_align_eval_malformed_file(tmp_path, content):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("align_eval", str(path))


def test_align_eval_sentences_on_own_gold_file():
    """tests/data/sentence_gold.jsonl (written for these tests) has a paragraph whose
    translation dropped a sentence and one whose translation added a sentence."""
    out = StringIO()
    call_command("align_eval", str(SENTENCE_GOLD), "--sentences", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "sentences: F1 1.000 rows 8/8"
    assert "  1-0  1.000  (1/1)" in lines and "  0-1  1.000  (1/1)" in lines


def test_align_eval_sentences_without_line_ids(tmp_path):
    path = tmp_path / "plain.jsonl"
    write_jsonl(path, [{"ko_paragraphs": KO, "en_paragraphs": EN, "gold": one_to_one(7)}])
    out = StringIO()
    call_command("align_eval", str(path), "--sentences", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("sentences: the file carries no")


def test_sentence_scoring_links_sentences_by_line():
    """Sentences of the same corpus line form one gold link; a sentence of a line the other
    side lacks is a 1-0 (or 0-1) link; a paragraph whose sentences do not map onto its
    lines is left out and counted."""
    article = {
        "ko_paragraphs": ["첫 문장이다. 빠진 문장이다.", "셋째 문장이다. 넷째 문장이다. 다섯째다."],
        "en_paragraphs": ["The first sentence is here.", "The third. The fourth. The fifth."],
        "gold": [[[0], [0]], [[1], [1]]],
        "ko_par_lines": [[7, 8], [9, 10]],
        "en_par_lines": [[7], [9, 10]],
    }
    result = score_sentences([article])
    assert result["rows"] == 1 and result["rows_skipped"] == 1
    gold_counts = {kind: total for kind, (_, total) in result["recall_by_type"].items()}
    assert gold_counts == {"1-0": 1, "1-1": 1}
