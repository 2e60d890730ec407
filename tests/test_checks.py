"""Each check, with sentences that have the problem and sentences that do not."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.checks import KINDS, check_document, check_pair
from reviews.korean import find_term, stem

DATA = Path(__file__).parent / "data"


def kinds(source, target, **options):
    return {finding.kind for finding in check_pair(source, target, **options)}


# Korean number forms: each read the Korean way, right and wrong.
NUMBER_FORMS = [
    (
        "행사에는 시민 2만 명이 참석했다.",
        "About 20,000 citizens attended.",
        "About 2,000 citizens attended.",
    ),
    ("규모는 3억 달러다.", "It is worth $300 million.", "It is worth $3 million."),
    ("15억 원을 투입한다.", "It will put in 1.5 billion won.", "It will put in 150 million won."),
    (
        "예산은 1조 2천억 원이다.",
        "The budget is 1.2 trillion won.",
        "The budget is 12 trillion won.",
    ),
    ("수출은 6천830억 달러였다.", "Exports were $683 billion.", "Exports were $68.3 billion."),
    ("물가가 1.5% 올랐다.", "Prices rose 1.5 percent.", "Prices rose 1.6 percent."),
    ("물가가 1.5% 올랐다.", "Prices rose 1.5%.", "Prices rose 15%."),
    ("이 법은 2024년 시행됐다.", "The law took effect in 2024.", "The law took effect in 2023."),
    (
        "경찰관 12명이 다쳤다.",
        "Twelve police officers were hurt.",
        "Eleven police officers were hurt.",
    ),
    ("사건은 52건으로 늘었다.", "Cases rose to 52.", "Cases rose to 25."),
    ("사과 3개를 샀다.", "He bought three apples.", "He bought four apples."),
    ("선박 3척이 침몰했다.", "Three ships sank.", "Thirteen ships sank."),
    ("주택 40채가 물에 잠겼다.", "Forty houses were flooded.", "Fourteen houses were flooded."),
    (
        "2024년 1월 19일 발표했다.",
        "It was announced on Jan. 19, 2024.",
        "It was announced on Jan. 9, 2024.",
    ),
    ("1월 19일 발표했다.", "It was announced on January 19.", "It was announced on February 19."),
    ("오후 3시에 만났다.", "They met at 3 p.m.", "They met at 4 p.m."),
    (
        "수백억 원의 피해가 났다.",
        "It caused tens of billions of won in damage.",
        "It caused 5 billion won in damage.",
    ),
    ("열두 명이 구조됐다.", "A dozen people were rescued.", "Ten people were rescued."),
    ("세 차례 협상했다.", "They negotiated three times.", "They negotiated 30 times."),
]


@pytest.mark.parametrize(("source", "right", "wrong"), NUMBER_FORMS)
def test_numbers_are_read_the_korean_way(source, right, wrong):
    assert "number" not in kinds(source, right)
    assert "number" in kinds(source, wrong)


def test_a_number_finding_says_what_the_figure_means_and_where_it_is():
    source, target = "15억 원을 투입한다.", "It will put in 150 million won."
    findings = [f for f in check_pair(source, target) if f.kind == "number"]
    korean = next(f for f in findings if f.source_span)
    english = next(f for f in findings if f.target_span)
    assert "15억 원" in korean.message and "1,500,000,000" in korean.message
    assert source[slice(*korean.source_span)].startswith("15억")
    assert target[slice(*english.target_span)] == "150 million"
    assert korean.severity == "error"


def test_a_weekday_for_a_day_of_the_month_is_news_style_not_an_error():
    source = "정부는 12일 대책을 발표했다."
    assert check_pair(source, "The government announced measures on Thursday.") == []
    # With the article's date known, a weekday that cannot be the 12th is a warning naming it.
    november = datetime.date(2026, 11, 20)  # Nov. 12, 2026 is a Thursday
    assert (
        check_pair(
            source, "The government announced measures on Thursday.", reference_date=november
        )
        == []
    )
    (finding,) = check_pair(
        source, "The government announced measures on Friday.", reference_date=november
    )
    assert finding.kind == "number" and finding.severity == "warning"
    assert "12th" in finding.message and "November 12, 2026" in finding.message
    assert "Friday" in finding.message


def test_a_bare_one_and_vague_words_raise_nothing():
    assert kinds("1년 전보다 2.3% 올랐다.", "It rose 2.3 percent from a year earlier.") == set()
    assert kinds("수십 명이 모였다.", "Dozens of people gathered.") == set()
    assert kinds("한 명도 다치지 않았다.", "No one was hurt.") == set()


def test_hangul_left_in_the_english():
    target = "Citizens gathered at 광화문 Square."
    (finding,) = check_pair("시민들은 광화문 광장에 모였다.", target)
    assert finding.kind == "hangul" and "광화문" in finding.message
    assert target[slice(*finding.target_span)] == "광화문"
    assert (
        kinds("시민들은 광화문 광장에 모였다.", "Citizens gathered at Gwanghwamun Square.") == set()
    )


def test_empty_and_untranslated():
    assert kinds("야당은 즉각 반발했다.", "") == {"empty"}
    assert kinds("야당은 즉각 반발했다.", "   ") == {"empty"}
    assert kinds("야당은 즉각 반발했다.", "야당은 즉각 반발했다.") == {"untranslated"}
    assert kinds("야당은 즉각 반발했다.", "야당은  즉각 반발했다") == {"untranslated"}
    assert kinds("야당은 즉각 반발했다.", "The opposition protested at once.") == set()
    # A row with English and no Korean is an added paragraph.
    assert kinds("", "The ministry declined to comment.") == {"addition"}


def test_omission_needs_more_than_a_short_english():
    source = "이번 화재로 주민 120명이 대피했다. 소방당국은 정확한 화재 원인을 조사하고 있다."
    assert kinds(source, "The fire forced 120 residents to evacuate.") == {"omission"}
    full = (
        "The fire forced 120 residents to evacuate. Fire authorities are investigating its "
        "exact cause."
    )
    assert kinds(source, full) == set()
    # Terse but complete: shorter than usual, nothing one-sided, one sentence each.
    assert kinds("정부는 이날 대책을 발표했다.", "The government announced steps.") == set()


def test_a_dropped_quotation_is_an_omission():
    source = '대통령실은 "사실이 아니다"라며 "법적 대응을 검토하겠다"고 반박했다.'
    assert kinds(source, 'The office said, "It is not true."') == {"omission"}
    assert (
        kinds(source, 'The office said, "It is not true," adding, "We will consider legal action."')
        == set()
    )


def test_addition():
    source = "국회는 본회의를 열고 예산안을 처리했다."
    added = (
        "The National Assembly held a plenary session and passed the budget bill. "
        "The opposition boycotted the vote in protest."
    )
    assert kinds(source, added) == {"addition"}
    assert (
        kinds(source, "The National Assembly held a plenary session and passed the budget.")
        == set()
    )


def test_the_documents_own_length_ratio_is_used():
    # A translator who writes long: the same row is no addition in their document.
    rows = [
        ("국회는 본회의를 열고 예산안을 처리했다.", "x " * 70),
        ("정부는 이번 주 대책을 발표한다.", "y " * 60),
        ("야당은 즉각 반발했다.", "z " * 40),
    ]
    per_row, _ = check_document(rows)
    assert all("addition" not in {f.kind for f in findings} for findings in per_row)


GLOSSARY = [
    ["북한", "North Korea"],
    ["통일부", "Unification Ministry", ["Ministry of Reunification"]],
]


def test_glossary_terms_with_particles():
    assert kinds("북한은 미사일을 쐈다.", "Pyongyang fired a missile.", glossary=GLOSSARY) == {
        "glossary"
    }
    assert kinds("북한에서는 비가 왔다.", "It rained in North Korea.", glossary=GLOSSARY) == set()
    assert kinds("북한의 발표", "North Korea's statement", glossary=GLOSSARY) == set()
    assert kinds("북한의 발표", "the North Korean statement", glossary=GLOSSARY) == set()
    # "남북한" and "북한산" are other words: no North Korea needed.
    assert (
        kinds("남북한 정상이 만났다.", "The leaders of the two Koreas met.", glossary=GLOSSARY)
        == set()
    )


def test_a_forbidden_variant_is_a_glossary_error():
    findings = check_pair(
        "통일부는 대화를 제안했다.",
        "The Ministry of Reunification proposed talks.",
        glossary=GLOSSARY,
    )
    (finding,) = findings
    assert finding.kind == "glossary" and "forbids" in finding.message
    target = "The Ministry of Reunification proposed talks."
    assert target[slice(*finding.target_span)] == "Ministry of Reunification"


def test_find_term_spans():
    assert find_term("북한은 미사일을 쐈고 북한의 발표는", "북한") == [(0, 2), (12, 14)]
    assert find_term("북한산에 올랐다", "북한") == []
    assert find_term("남북한 정상", "북한") == []
    assert find_term("한미정상회담에서는", "정상회담") == [(2, 6)]
    assert find_term("검찰은 불구속 기소했다", "불구속 기소") == [(4, 10)]
    assert find_term("GM은 GMC는", "GM") == [(0, 2)]
    assert stem("북한에서는") == "북한"


def test_brackets():
    assert kinds("연준(Fed)은 금리를 올렸다.", "The Federal Reserve (Fed raised rates.") == {
        "brackets"
    }
    assert kinds("그는 “간다”고 말했다.", "He said, “I am going.") == {"brackets"}
    assert kinds("그는 “간다”고 말했다.", "He said, “I am going.”") == set()
    assert kinds("그는 ‘K-팝’을 좋아한다.", "He likes ‘K-pop’ and the leaders’ songs.") == set()
    # A quotation open in both languages runs on into the next paragraph.
    assert kinds("“우리는 끝까지 간다.", "“We will go to the end.") == set()


def test_spacing():
    assert kinds("경찰은 2명을 체포했다.", "Police  arrested two.") == {"spacing"}
    assert kinds("경찰은 2명을 체포했다.", "Police arrested two .") == {"spacing"}
    assert kinds("경찰은 2명을 체포했다.", "Police arrested two people , he said.") == {"spacing"}
    assert kinds("경찰은 2명을 체포했다.", "Police arrested two...") == set()


def test_repeat():
    assert kinds("경찰은 2명을 체포했다.", "Police arrested the the two.") == {"repeat"}
    assert kinds("경찰은 2명을 체포했다.", "Police had had two in custody.") == set()


def test_punctuation():
    assert kinds("경제가 회복할 수 있을까?", "The economy can recover.") == {"punctuation"}
    assert kinds("경제가 회복할 수 있을까?", "Can the economy recover?") == set()
    assert kinds("정부는 대책을 발표한다.", "Will the government announce steps?") == {
        "punctuation"
    }
    assert kinds("국회는 예산안을 처리했다.", "The National Assembly passed the budget bill") == {
        "punctuation"
    }
    # A headline has no final mark in English.
    assert kinds("국회, 예산안 처리", "Assembly passes budget") == set()
    assert kinds("정말 놀라운 결과다!", "It is a truly surprising result.") == set()
    assert kinds("그는 “간다”고 말했다.", 'He said, “I am going."') == {"punctuation"}


def test_consistency_is_reported_once_with_its_places():
    rows = [
        ("이재명 대표는 기자들과 만났다.", "Lee Jae-myung met reporters."),
        ("정부는 대책을 발표했다.", "The government announced measures."),
        ("이재명 대표는 반대했다.", "Lee Jae-myeong objected."),
        ("이재명 대표는 다시 말했다.", "Lee Jae-myung spoke again."),
    ]
    _, document_findings = check_document(rows)
    (finding,) = document_findings
    assert finding.kind == "consistency"
    assert finding.places == (0, 2, 3)
    assert "이재명" in finding.message
    assert "Lee Jae-myeong" in finding.message and "Lee Jae-myung" in finding.message
    same = [(k, t.replace("myeong", "myung")) for k, t in rows]
    assert check_document(same)[1] == []


def test_checks_eval_reaches_the_target_on_both_fixtures(capsys):
    for name in ("checks.jsonl", "checks_heldout.jsonl"):
        call_command("checks_eval", str(DATA / name))
        last = capsys.readouterr().out.strip().splitlines()[-1]
        _, precision, _, recall = last.split()
        assert float(precision) >= 0.9 and float(recall) >= 0.9, (name, last)


def test_the_fixture_plants_every_kind_and_is_mostly_clean():
    pairs = [json.loads(line) for line in (DATA / "checks.jsonl").read_text().splitlines()]
    planted = {kind for pair in pairs for kind in pair["expect"]}
    assert len(pairs) >= 120
    assert planted == {
        "number", "hangul", "empty", "untranslated", "omission", "addition", "glossary",
        "brackets", "spacing", "repeat", "punctuation",
    }  # fmt: skip
    assert sum(not pair["expect"] for pair in pairs) >= sum(bool(pair["expect"]) for pair in pairs)


def test_checks_eval_predict_prints_one_line_per_pair_in_order(tmp_path, capsys):
    path = tmp_path / "pairs.jsonl"
    lines = [
        {"source": "야당은 즉각 반발했다.", "target": ""},
        {"source": "경찰은 2명을 체포했다.", "target": "Police arrested two."},
        {
            "source": "북한은 쐈다.",
            "target": "Pyongyang fired.",
            "glossary": [["북한", "North Korea"]],
        },
    ]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    call_command("checks_eval", str(path), "--predict")
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out == [{"kinds": ["empty"]}, {"kinds": []}, {"kinds": ["glossary"]}]


def test_checks_eval_scores_per_kind(tmp_path, capsys):
    path = tmp_path / "pairs.jsonl"
    lines = [
        {"source": "야당은 즉각 반발했다.", "target": "", "expect": ["empty"]},
        {
            "source": "경찰은 2명을 체포했다.",
            "target": "Police arrested two.",
            "expect": ["number"],
        },
        {
            "source": "경찰은 2명을 체포했다.",
            "target": "Police arrested the the two.",
            "expect": [],
        },
    ]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines))
    call_command("checks_eval", str(path))
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "precision 0.50 recall 0.50"
    assert any(line.split()[:4] == ["repeat", "0", "1", "0"] for line in out)
    assert any(line.split()[:4] == ["number", "0", "0", "1"] for line in out)


def test_checks_eval_rejects_bad_input_with_the_line_number(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"source": "가", "target": "a", "expect": []}\n{"source": "가", "target"\n')
    with pytest.raises(CommandError, match=r":2: not JSON"):
        call_command("checks_eval", str(path))
    path.write_text('{"source": "가", "target": "a", "expect": ["typo"]}\n')
    with pytest.raises(CommandError, match="unknown kind typo"):
        call_command("checks_eval", str(path))


def test_an_omitted_sentence_is_named():
    source = "이번 화재로 주민 120명이 대피했다. 소방당국은 정확한 화재 원인을 조사하고 있다."
    (finding,) = check_pair(source, "The fire forced 120 residents to evacuate.")
    assert source[slice(*finding.source_span)] == "소방당국은 정확한 화재 원인을 조사하고 있다."
    assert "소방당국은" in finding.message


def test_the_term_matcher_on_its_labelled_fixture():
    cases = [json.loads(line) for line in (DATA / "korean_terms.jsonl").read_text().splitlines()]
    right = total = 0
    for case in cases:
        starts = {start for start, _ in find_term(case["text"], case["term"])}
        position = -1
        for real in case["real"]:
            position = case["text"].find(case["term"], position + 1)
            right += (position in starts) == real
            total += 1
    assert right / total >= 0.95


KOREAN_AND_ENGLISH = st.text(
    alphabet=st.sampled_from(
        list("북한은 미사일을 2만명 15억원 1조2천억 3.5% 1월 19일 오후 3시 수십 “”\"'‘’()[]?!.,")
        + list("The  the 20,000 $300 million 1.5 billion won Jan. 19 Thursday three a dozen\n")
    ),
    max_size=120,
)


@given(source=KOREAN_AND_ENGLISH, target=KOREAN_AND_ENGLISH)
@settings(max_examples=300, deadline=None)
def test_any_text_gets_findings_with_spans_inside_it(source, target):
    for finding in check_pair(source, target, glossary=GLOSSARY):
        assert finding.kind in KINDS and finding.severity in ("error", "warning")
        assert finding.message
        for span, text in ((finding.target_span, target), (finding.source_span, source)):
            if span is not None:
                assert 0 <= span[0] <= span[1] <= len(text)


def test_news_conventions_raise_nothing():
    pairs = [
        (
            "(서울=연합뉴스) 정부는 19일 새 대책을 발표했다.",
            "SEOUL, Jan. 19 (Yonhap) -- The government announced new measures on Thursday.",
        ),
        (
            "남북은 6·25전쟁 이후 정전 상태에 있다.",
            "The two Koreas remain technically at war since the 1950-53 Korean War.",
        ),
        ("대표단은 2박 3일 일정으로 방한한다.", "The delegation will visit for three days."),
        ("K9 자주포 24문을 수출한다.", "It will export 24 K9 self-propelled howitzers."),
        ("지난달 28일 숨졌다.", "He died on Nov. 28."),
        ('그는 "반드시 이기겠다"고 했다.', "He vowed to win."),
        (
            "50대 A씨가 체포됐다.",
            "A man in his 50s, identified only by his surname A, was arrested.",
        ),
        ("이날 오후 2시 30분 회의가 열렸다.", "The meeting was held at 2:30 p.m."),
        ("1인당 GDP가 3만 달러를 넘었다.", "Per capita GDP topped $30,000."),
    ]
    for source, target in pairs:
        assert check_pair(source, target) == [], target


def test_korean_fractions():
    assert (
        kinds("비용은 콘크리트의 10분의 1 수준이다.", "It costs a tenth as much as concrete.")
        == set()
    )
    assert (
        kinds("주민의 3분의 2가 찬성했다.", "Two-thirds of the residents were in favor.") == set()
    )
    (finding,) = check_pair("주민의 3분의 2가 찬성했다.", "Half of the residents were in favor.")
    assert finding.kind == "number" and "3분의 2" in finding.message
