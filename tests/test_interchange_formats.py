"""XLIFF 1.2 and 2.1, TMX 1.4b: writing valid files, reading ours and other tools' back."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from reviews.formats import (
    UnreadableFile,
    read_tmx,
    read_xliff,
    write_tmx,
    write_xliff,
    write_xliff12,
)
from reviews.formats.interchange import (
    APPROVED,
    NEW,
    PROPOSED,
    TRANSLATED,
    Bilingual,
    MemoryPair,
    Note,
    Unit,
)
from tests.conftest import shared_file

X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X2 = "{urn:oasis:names:tc:xliff:document:2.0}"
MDA = "{urn:oasis:names:tc:xliff:metadata:2.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Everything that breaks careless writers: markup, entities, quotes, an emoji, a combining
# accent (e + U+0301, which must not be normalised into é), Korean.
TRICKY = "Cafe\u0301 & <b>bold</b> \"quoted\" 'single' 😀 서울"
WHEN = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)


def sample() -> Bilingual:
    return Bilingual(
        title="시의회 예산 & <특집>",
        units=[
            Unit(
                "서울시의회는 예산안을 통과시켰다.",
                "The Seoul council passed the budget.",
                APPROVED,
                [Note("Check the figure.", "Daniel Park", "accuracy", "major")],
            ),
            Unit("첫 문단.\n\n둘째 문단.", "First part.\n\nSecond part.", TRANSLATED),
            Unit("번역 전 문단.", "", NEW),
            Unit(TRICKY, TRICKY, PROPOSED, [Note(TRICKY, "Mina Seo", "style", "")]),
            Unit("", "An English paragraph with no Korean.", TRANSLATED),
        ],
        doc_id="workbench-7",
        stage="reviewing",
        translator="Mina Seo",
        editor="Daniel Park",
        credit="Translated by Mina Seo. Edited by Daniel Park.",
        updated_at=WHEN,
        notes=[Note("Whole-article remark.", "Jiwon Han", "terminology", "minor")],
    )


def xsd(name):
    return etree.XMLSchema(etree.parse(str(shared_file("schemas", name))))


def test_xliff12_is_valid_against_the_strict_schema():
    data = write_xliff12(sample())

    schema = xsd("xliff-core-1.2-strict.xsd")
    assert schema.validate(etree.fromstring(data)), schema.error_log


def test_xliff21_is_valid_against_the_core_schema():
    document = sample()
    document.units.append(Unit("종\x07소리", "A bell\x07", TRANSLATED))

    data = write_xliff(document)

    schema = xsd("xliff_core_2.0.xsd")
    assert schema.validate(etree.fromstring(data)), schema.error_log


def test_tmx_is_valid_against_the_dtd():
    pairs = [
        MemoryPair("서울", TRICKY, creation_id="mina", creation_date=WHEN, title="T & <1>"),
        MemoryPair("제어\x07", "Bell\x07", change_id="daniel", change_date=WHEN),
    ]

    data = write_tmx(pairs, title="A title")

    with shared_file("schemas", "tmx14.dtd").open("rb") as file:
        dtd = etree.DTD(file)
    assert dtd.validate(etree.fromstring(data)), dtd.error_log


def test_xliff12_maps_statuses_to_state_and_approved():
    units = etree.fromstring(write_xliff12(sample())).findall(f".//{X12}trans-unit")

    described = [(u.get("approved"), u.find(f"{X12}target").get("state")) for u in units]
    assert described == [
        ("yes", "signed-off"),
        (None, "translated"),
        (None, "new"),
        (None, "needs-review-translation"),
        (None, "translated"),
    ]


def test_xliff12_notes_carry_author_severity_and_category():
    root = etree.fromstring(write_xliff12(sample()))

    note = root.find(f".//{X12}trans-unit/{X12}note")
    assert (note.get("from"), note.get("priority"), note.get("annotates")) == (
        "Daniel Park",
        "3",
        "target",
    )
    assert note.text == "[accuracy, major] Check the figure."
    header = root.find(f".//{X12}header")
    phases = {p.get("phase-name"): p.get("contact-name") for p in header.iter(f"{X12}phase")}
    assert phases == {"translation": "Mina Seo", "review": "Daniel Park"}
    assert root.find(f"{X12}file").get("original") == "workbench-7"
    assert root.find(f"{X12}file").get("date") == "2026-11-30T08:15:00Z"


def test_xliff21_keeps_metadata_in_the_metadata_module_and_comment_details_in_ours():
    root = etree.fromstring(write_xliff(sample()))

    meta = {m.get("type"): m.text for m in root.iter(f"{MDA}meta")}
    assert meta["title"] == "시의회 예산 & <특집>"
    assert (meta["stage"], meta["translator"], meta["editor"]) == (
        "reviewing",
        "Mina Seo",
        "Daniel Park",
    )
    note = root.find(f".//{X2}unit/{X2}notes/{X2}note")
    assert note.get("category") == "accuracy"
    assert note.get("priority") == "3"
    assert note.get("{urn:x-workbench:interchange:1}severity") == "major"
    assert note.get("{urn:x-workbench:interchange:1}author") == "Daniel Park"
    states = [s.get("state") for s in root.iter(f"{X2}segment")]
    assert states == ["final", "translated", "initial", "translated", "translated"]


@pytest.mark.parametrize("writer", [write_xliff12, write_xliff], ids=["1.2", "2.1"])
def test_our_xliff_reads_back_the_same(writer):
    original = sample()

    read = read_xliff(writer(original), "round.xlf")

    assert [(u.source, u.target) for u in read.units] == [
        (u.source, u.target) for u in original.units
    ]
    statuses = [u.status for u in read.units]
    # 1.2 has a state for a proposal under review; 2.1 carries it as our subState.
    assert statuses == [APPROVED, TRANSLATED, NEW, PROPOSED, TRANSLATED]
    assert [u.notes for u in read.units] == [u.notes for u in original.units]
    assert read.notes == original.notes
    assert (read.source_lang, read.target_lang) == ("ko", "en")
    assert TRICKY in read.units[3].target and "e\u0301" in read.units[3].target


def test_tmx_reads_back_the_same():
    pairs = [
        MemoryPair(
            "서울",
            TRICKY,
            creation_id="mina",
            creation_date=WHEN,
            change_id="daniel",
            change_date=WHEN,
            title="Budget",
        ),
        MemoryPair("비어 있음", ""),  # no target: not written
    ]

    read = read_tmx(write_tmx(pairs), "round.tmx")

    assert read == pairs[:1]


# -- other tools' shapes, written by hand in tests/files/interchange --------------------------

FILES = Path(__file__).parent / "files" / "interchange"


def fixture(name: str) -> bytes:
    return (FILES / name).read_bytes()


def test_memoq_shape_keeps_codes_as_placeholders_and_reads_its_status():
    document = read_xliff(fixture("memoq-1.2.mqxliff"), "budget.mqxliff")

    assert (document.source_lang, document.target_lang) == ("ko-KR", "en-US")
    assert [(u.source, u.target, u.status) for u in document.units] == [
        ("예산은 {1}12조 원{/1}이다.", "The budget is {1}12 trillion won{/1}.", TRANSLATED),
        ("시장{2/}발표", "Mayor{2/}statement", APPROVED),
        ("아직 번역하지 않았다.", "", NEW),
    ]
    assert document.units[0].notes == [Note("Is the unit right?", "editor kim")]


def test_trados_shape_reads_segments_groups_and_several_files():
    document = read_xliff(fixture("trados-studio-1.2.sdlxliff"), "article.sdlxliff")

    assert [(u.source, u.target, u.status) for u in document.units] == [
        # A group of one unit is that unit; Trados's segment markers are not formatting.
        (
            "첫 문장이다. {5}두 번째{/5} 문장이다.",
            "First sentence. The {5}second{/5} sentence.",
            APPROVED,
        ),
        ("링크{9/}끝", "Link{9/}end", TRANSLATED),
        ("두 번째 파일.", "Second file.", APPROVED),
    ]


def test_omegat_2_shape_merges_groups_joins_segments_and_keeps_space_where_asked():
    document = read_xliff(fixture("omegat-2.0.xlf"), "news.xlf")

    assert [(u.source, u.target, u.status) for u in document.units] == [
        ("{1}서울{/1}시는 {2/}발표했다.", "{1}Seoul{/1} city {2/}announced.", TRANSLATED),
        ("첫째. 둘째.", "First. Second.", APPROVED),
        ("묶음 하나.\n\n묶음 둘.", "Grouped one.\n\nGrouped {m1}two{/m1}.", TRANSLATED),
        ("공백   유지", "keep   spaces", TRANSLATED),
        ("접힌 공백", "", NEW),
        ("{7}굵게{/7}", "{7}Bold{/7}", TRANSLATED),
        ("두 번째 파일.", "Second file.", APPROVED),
    ]
    # A category we have no name for stays with the note, for the importer to keep.
    assert document.units[1].notes == [Note("Translator's query.", category="memoQ")]


def test_tmx_from_another_tool_with_regions_several_languages_and_codes():
    data = fixture("other-tool-1.4.tmx")

    pairs = read_tmx(data, "other.tmx")

    assert [(p.source, p.target, p.source_lang, p.target_lang) for p in pairs] == [
        ("예산 {1}확정{/1}", "Budget {1}final{/1}", "ko-KR", "en-US"),
        ("예산 {1}확정{/1}", "予算確定", "ko-KR", "ja-JP"),
    ]
    assert pairs[0].creation_id == "PARK"
    assert pairs[0].creation_date == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body/></html>", "is not an XLIFF file"),
        (b'<xliff version="3.0" xmlns="urn:example"/>', "we read 1.2 and 2.x"),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ko">'
            b'<file id="f"/></xliff>',
            "has no translation units",
        ),
        (b"<xliff", "is not well-formed XML"),
        (b"", "is empty"),
    ],
)
def test_xliff_reader_refuses_what_it_cannot_read_in_one_sentence(data, reason):
    with pytest.raises(UnreadableFile, match=reason) as refused:
        read_xliff(data, "bad.xlf")
    assert "\n" not in str(refused.value)


def test_xliff_in_a_legacy_korean_encoding_reads_like_utf8():
    text = fixture("memoq-1.2.mqxliff").decode("utf-8")
    legacy = text.replace('encoding="utf-8"', 'encoding="EUC-KR"').encode("cp949")

    assert read_xliff(legacy, "legacy.xlf") == read_xliff(fixture("memoq-1.2.mqxliff"), "u.xlf")


def test_a_utf16_tmx_with_its_doctype_line_reads():
    text = fixture("other-tool-1.4.tmx").decode("utf-8").replace("UTF-8", "UTF-16")

    pairs = read_tmx(text.encode("utf-16"), "old-trados.tmx")

    assert pairs[0].target == "Budget {1}final{/1}"


def test_an_external_dtd_is_never_loaded(tmp_path):
    evil = tmp_path / "evil.dtd"
    evil.write_text('<!ENTITY secret "from the DTD">')
    data = (
        f'<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "file://{evil}">'
        '<tmx version="1.4"><header srclang="ko"/><body><tu>'
        '<tuv xml:lang="ko"><seg>&secret;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv>'
        "</tu></body></tmx>"
    ).encode()

    # Not loaded, so the entity is undefined; refused rather than read as an empty segment.
    with pytest.raises(
        UnreadableFile,
        match="^evil.tmx declares or uses entities, which are not allowed, so it was not opened.$",
    ):
        read_tmx(data, "evil.tmx")


def test_a_utf16_file_cannot_hide_entities_from_the_scan():
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'

    with pytest.raises(UnreadableFile, match="contains a document type declaration"):
        read_xliff(data.encode("utf-16"), "wide.xlf")


@pytest.mark.parametrize(
    ("writer", "schema", "paired", "standalone"),
    [
        (write_xliff12, "xliff-core-1.2-strict.xsd", f"{X12}g", f"{X12}x"),
        (write_xliff, "xliff_core_2.0.xsd", f"{X2}pc", f"{X2}ph"),
    ],
    ids=["1.2", "2.1"],
)
def test_placeholders_go_out_as_codes_and_come_back_the_same(writer, schema, paired, standalone):
    read = read_xliff(fixture("omegat-2.0.xlf"), "news.xlf")

    data = writer(read)

    root = etree.fromstring(data)
    assert xsd(schema).validate(root), xsd(schema).error_log
    first_target = next(root.iter(f"{X12}target", f"{X2}target"))
    assert [(child.tag, child.get("id")) for child in first_target] == [
        (paired, "1"),
        (standalone, "2"),
    ]
    assert first_target[0].text == "Seoul"
    assert [(u.source, u.target) for u in read_xliff(data, "again.xlf").units] == [
        (u.source, u.target) for u in read.units
    ]


@pytest.mark.parametrize(
    "text",
    ["Braces {a} in prose", "{1}unclosed", "{1}a{/2}", "{1/}{1/}", "{/1}", "{1}{2}x{/1}{/2}"],
)
def test_text_whose_braces_are_not_codes_stays_plain_text(text):
    document = Bilingual(title="t", units=[Unit("소스", text, TRANSLATED)])

    for writer in (write_xliff12, write_xliff):
        root = etree.fromstring(writer(document))
        target = next(root.iter(f"{X12}target", f"{X2}target"))
        assert (len(target), target.text) == (0, text)
