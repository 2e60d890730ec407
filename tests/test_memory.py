"""Translation memory: approved rows of other visible documents, most similar first."""

import io
import random
from xml.sax.saxutils import escape

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from reviews import editing, memory, memory_index
from reviews.importing import create_document
from reviews.models import Document, MemoryUnit, Paragraph
from tests.conftest import new_document
from tests.korean_corpus import paragraph

APPROVED_KO = "정부는 15일 국무회의를 열고 청년 일자리 대책을 확정했다고 밝혔다."
APPROVED_EN = (
    "The government finalized its youth employment measures at a Cabinet meeting on the 15th."
)
# The same sentence a month later: one date and one verb changed.
TODAY_KO = "정부는 16일 국무회의를 열고 청년 일자리 대책을 발표했다고 밝혔다."
OTHER_KO = ["서울시는 지하철 요금을 내년부터 150원 올리기로 했다.", "시민단체는 반대했다."]
OTHER_EN = ["Seoul will raise subway fares by 150 won from next year.", "Civic groups objected."]


def document_with(people, source, target, *, translator, editor, approve=True):
    document = create_document(
        title=f"Story by {translator.username}",
        source_paragraphs=source,
        target_paragraphs=target,
        created_by=translator,
        translator=translator,
        editor=editor,
    )
    from reviews import workflow

    workflow.take_transition(people.manager, "confirm_pairing", document)
    if approve:
        for row in document.paragraphs.all():
            editing.approve_paragraph(editor, row.pk)
    return document


@pytest.fixture
def last_month(people):
    """An approved story that the translator worked on."""
    return document_with(
        people,
        [APPROVED_KO, *OTHER_KO],
        [APPROVED_EN, *OTHER_EN],
        translator=people.translator,
        editor=people.editor,
    )


@pytest.fixture
def today(people):
    return new_document(people, source=[TODAY_KO, "국회는 반대했다."], target=["", ""])


def test_it_finds_the_near_duplicate_with_its_similarity_and_differences(people, last_month, today):
    found = memory.suggestions(people.translator, TODAY_KO, exclude_document=today)
    assert [s.english for s in found] == [APPROVED_EN]
    best = found[0]
    assert 80 <= best.percent < 100
    assert best.origin == last_month.title
    assert best.url.startswith(last_month.get_absolute_url())
    changed = {(op, text) for op, text in best.diff if op != 0}
    assert changed == {(-1, "15일"), (1, "16일"), (-1, "확정했다고"), (1, "발표했다고")}


def test_an_unrelated_paragraph_is_not_suggested(people, last_month):
    assert memory.suggestions(people.translator, "북한은 오늘 미사일을 쐈다.") == []


MEALS_KO = (
    "부산시 교육청은 내년 새 학기부터 모든 초등학교에 무료 아침 급식을 제공하기로 했다고 밝혔다."
)
MEALS_EN = "Busan's education office said it would serve free breakfasts in every primary school."
# A few words changed: difflib's ratio 0.86 (pg_trgm's similarity 0.61).
MEALS_EDITED_KO = (
    "부산시 교육청은 다음 달부터 모든 초등학교에 무료 아침 급식을 제공하겠다고 밝혔다."
)
UNRELATED_KO = "북한은 오늘 동해상으로 미사일 두 발을 쐈다."


def test_a_near_match_with_small_edits_is_found_among_look_alikes_and_unrelated_text_is_not(
    people,
):
    document_with(
        people, [MEALS_KO], [MEALS_EN], translator=people.translator, editor=people.editor
    )
    # More than MAX_CANDIDATES approved rows alike each other (as templated copy is), none
    # like the school meals.
    crowd = Document.objects.create(
        title="Crowd", stage="approved", translator=people.translator, created_by=people.editor
    )
    Paragraph.objects.bulk_create(
        Paragraph(
            document=crowd,
            position=n,
            source=f"서울시는 {n}일 대중교통 요금에 {n + 100}억원을 투입하겠다고 밝혔다.",
            text=f"Crowd {n}",
            status="approved",
        )
        for n in range(memory.MAX_CANDIDATES + 10)
    )
    memory_index.index_rows(crowd.paragraphs.values_list("pk", flat=True))
    found = memory.suggestions(people.translator, MEALS_EDITED_KO)
    assert [s.english for s in found][:1] == [MEALS_EN]
    assert 80 <= found[0].percent < 100
    assert memory.suggestions(people.translator, UNRELATED_KO) == []


def test_rows_not_approved_are_not_suggested(people):
    document_with(
        people,
        [APPROVED_KO],
        [APPROVED_EN],
        translator=people.translator,
        editor=people.editor,
        approve=False,
    )
    assert memory.suggestions(people.translator, TODAY_KO) == []


def test_an_approved_row_changed_since_is_no_longer_suggested(people, last_month):
    row = last_month.paragraphs.get(source=APPROVED_KO)
    editing.save_edit(people.translator, row.pk, "A new text.", row.version)
    assert memory.suggestions(people.translator, TODAY_KO) == []


def test_the_documents_own_rows_are_left_out(people, last_month):
    assert memory.suggestions(people.translator, TODAY_KO, exclude_document=last_month) == []


def test_a_document_the_person_cannot_open_is_never_searched(people, last_month):
    # The outsider cannot open last month's story; their own story has a weaker match.
    own = "정부는 16일 국무회의를 열고 노인 돌봄 대책을 발표했다."
    document_with(
        people, [own], ["The government announced elderly care steps."],
        translator=people.outsider, editor=people.editor,
    )  # fmt: skip
    found = memory.suggestions(people.outsider, TODAY_KO)
    assert [s.english for s in found] == ["The government announced elderly care steps."]
    assert all(last_month.title not in s.origin for s in found)
    # The manager sees every document, so both.
    assert len(memory.suggestions(people.manager, TODAY_KO)) == 2


def test_identical_pairs_in_several_documents_are_one_suggestion(people, last_month):
    document_with(
        people, [APPROVED_KO], [APPROVED_EN], translator=people.translator, editor=people.editor
    )
    assert len(memory.suggestions(people.translator, TODAY_KO)) == 1


def test_at_most_three_best_first(people):
    days = range(20, 25)
    variants = [TODAY_KO] + [TODAY_KO.replace("16일", f"{day}일") for day in days]
    for day, korean in zip([16, *days], variants, strict=True):
        english = f"The government announced youth employment measures on the {day}th."
        document_with(
            people, [korean], [english], translator=people.translator, editor=people.editor
        )
    found = memory.suggestions(people.translator, TODAY_KO)
    assert len(found) == 3
    assert found[0].english.endswith("on the 16th.") and found[0].percent == 100
    assert [s.similarity for s in found] == sorted((s.similarity for s in found), reverse=True)


def test_the_near_duplicate_is_found_among_many_newer_rows_sharing_a_word(people, last_month):
    crowd = Document.objects.create(
        title="Crowd", stage="approved", translator=people.translator, created_by=people.editor
    )
    Paragraph.objects.bulk_create(
        Paragraph(
            document=crowd,
            position=n,
            source=f"야당은 {n}일 국무회의를 비판했다.",
            text=f"Crowd {n}",
            status="approved",
        )
        for n in range(memory.MAX_CANDIDATES + 10)
    )
    memory_index.index_rows(crowd.paragraphs.values_list("pk", flat=True))
    found = memory.suggestions(people.translator, TODAY_KO)
    assert found and found[0].english == APPROVED_EN


def test_the_editor_loads_suggestions_and_escapes_them(client, people, today):
    document_with(
        people, [APPROVED_KO], ['<img src=x> "Cabinet" & co'],
        translator=people.translator, editor=people.editor,
    )  # fmt: skip
    client.force_login(people.translator)
    row = today.paragraphs.get(source=TODAY_KO)
    edit = client.get(reverse("edit", args=[today.pk, row.pk]), headers={"HX-Request": "true"})
    memory_url = reverse("memory", args=[today.pk, row.pk])
    assert f'hx-get="{memory_url}"' in edit.content.decode()
    response = client.get(memory_url, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<img" not in page and "&lt;img src=x&gt;" in page
    assert 'data-text="&lt;img src=x&gt; &quot;Cabinet&quot; &amp; co"' in page
    assert 'class="diff-del"' in page and 'data-memory-insert="1"' in page


def test_an_outsider_gets_404_for_the_suggestions_of_a_document(client, people, today):
    client.force_login(people.outsider)
    row = today.paragraphs.first()
    assert client.get(reverse("memory", args=[today.pk, row.pk])).status_code == 404


# --------------------------------------------------------------------------- imported memory

# A vendor's memory: the same briefing with housing instead of jobs (closer to today's row than
# last month's approved row), and an older story further away.
UNIT_KO = "정부는 16일 국무회의를 열고 청년 주거 대책을 발표했다고 밝혔다."
UNIT_EN = 'The government announced <b>youth</b> housing & "rent" steps on the 16th.'
FAR_KO = "정부는 지난해 국무회의를 열고 청년 일자리 대책을 논의했다."
FAR_EN = "The government discussed youth jobs at a Cabinet meeting last year."


def write_tmx(path, pairs, source_lang="ko-KR", target_lang="en-US"):
    units = "".join(
        f'<tu><tuv xml:lang="{source_lang}"><seg>{escape(korean)}</seg></tuv>'
        f'<tuv xml:lang="{target_lang}"><seg>{escape(english)}</seg></tuv></tu>'
        for korean, english in pairs
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="Vendor"'
        ' creationtoolversion="1" segtype="paragraph" o-tmf="vendor" adminlang="en"'
        f' srclang="{source_lang}" datatype="plaintext"/><body>{units}</body></tmx>',
        encoding="utf-8",
    )
    return path


CLASS = './/*[contains(concat(" ", @class, " "), " {} ")]'


def by_class(element, name):
    return element.xpath(CLASS.format(name))


def import_tmx(path):
    out = io.StringIO()
    call_command("import_tmx", str(path), stdout=out)
    return out.getvalue()


def memory_page(client, user, document, source):
    client.force_login(user)
    row = document.paragraphs.get(source=source)
    response = client.get(reverse("memory", args=[document.pk, row.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_imported_pair_is_suggested_ranked_with_approved_rows(
    client, people, last_month, today, tmp_path
):
    tmx = write_tmx(tmp_path / "vendor-2025.tmx", [(UNIT_KO, UNIT_EN), (FAR_KO, FAR_EN)])
    assert import_tmx(tmx).strip() == "Imported 2 pairs (0 already in the memory)."

    found = memory.suggestions(people.translator, TODAY_KO, exclude_document=today)
    assert [s.english for s in found] == [UNIT_EN, APPROVED_EN, FAR_EN]
    assert found[0].similarity > found[1].similarity > found[2].similarity
    assert [s.similarity for s in found] == [
        memory.similarity(korean, TODAY_KO) for korean in (UNIT_KO, APPROVED_KO, FAR_KO)
    ]
    unit = found[0]
    assert (unit.origin, unit.url, unit.key[0]) == ("vendor-2025.tmx", "", "unit")
    changed = {(op, text) for op, text in unit.diff if op != 0}
    assert changed == {(-1, "주거"), (1, "일자리")}

    page = memory_page(client, people.translator, today, TODAY_KO)
    items = by_class(lxml.html.fromstring(page), "memory-item")
    assert [by_class(item, "memory-target")[0].text_content() for item in items] == [
        UNIT_EN,
        APPROVED_EN,
        FAR_EN,
    ]
    # The imported one names its file, says where it is from, and links nowhere.
    meta = by_class(items[0], "memory-meta")[0]
    assert meta.text_content() == f"{unit.percent}% from vendor-2025.tmx, imported memory"
    assert meta.xpath(".//a") == [] and items[0].xpath(".//a") == []
    # The approved row links to its document.
    (link,) = by_class(items[1], "memory-meta")[0].xpath(".//a")
    assert link.get("href").startswith(last_month.get_absolute_url())
    # Escaped: the TMX file's markup is text.
    assert "<b>youth</b>" not in page
    assert "&lt;b&gt;youth&lt;/b&gt; housing &amp; &quot;rent&quot;" in page
    assert items[0].xpath(".//button")[0].get("data-text") == UNIT_EN


def test_a_unit_without_a_file_name_says_imported_memory_and_links_nowhere(client, people, today):
    unit = MemoryUnit.objects.create(
        source=UNIT_KO, target=UNIT_EN, source_lang="ko", target_lang="en"
    )
    memory_index.index_units([unit.pk])
    (found,) = memory.suggestions(people.translator, TODAY_KO, exclude_document=today)
    assert (found.origin, found.url) == ("", "")
    page = memory_page(client, people.translator, today, TODAY_KO)
    (item,) = by_class(lxml.html.fromstring(page), "memory-item")
    assert (
        by_class(item, "memory-meta")[0].text_content() == f"{found.percent}% from imported memory"
    )
    assert item.xpath(".//a") == []
    assert f'href="{today.get_absolute_url()}' not in lxml.html.tostring(item).decode()


def test_only_korean_to_english_units_are_suggested(people, tmp_path):
    for number, (source_lang, target_lang) in enumerate(
        [("ko", "ja"), ("en", "ko"), ("kok", "en"), ("KO_kr", "EN-gb")]
    ):
        english = f"Variant {number}: youth housing steps."
        pair = (UNIT_KO, english) if source_lang != "en" else (english, UNIT_KO)
        import_tmx(write_tmx(tmp_path / f"{number}.tmx", [pair], source_lang, target_lang))
    assert MemoryUnit.objects.count() == 4
    found = memory.suggestions(people.translator, TODAY_KO)
    assert [s.english for s in found] == ["Variant 3: youth housing steps."]


def test_a_pair_approved_and_imported_is_one_suggestion_that_links_to_its_document(
    people, last_month, tmp_path
):
    exported = tmp_path / "desk.tmx"
    call_command("export_tmx", "-o", str(exported))
    import_tmx(exported)
    assert MemoryUnit.objects.filter(source=APPROVED_KO).exists()
    found = memory.suggestions(people.translator, TODAY_KO)
    assert [(s.english, s.key[0]) for s in found] == [(APPROVED_EN, "paragraph")]
    assert found[0].url.startswith(last_month.get_absolute_url())


def test_imported_units_are_for_everyone_signed_in_and_nobody_else(people, last_month, tmp_path):
    import_tmx(write_tmx(tmp_path / "vendor.tmx", [(UNIT_KO, UNIT_EN)]))
    # The outsider may open no document with an approved row, but the imported memory is
    # the desk's, not a document's.
    assert [s.english for s in memory.suggestions(people.outsider, TODAY_KO)] == [UNIT_EN]
    assert memory.suggestions(AnonymousUser(), TODAY_KO) == []


# --------------------------------------------------------------------------- at size


def seed(people, documents, rows_per_document, rng):
    """Many approved documents in one go (bulk, as a test cannot afford the views), indexed as
    the bench seeder does."""
    created = Document.objects.bulk_create(
        Document(
            title=f"Seeded {number}",
            stage="approved",
            translator=people.translator if number % 2 else people.outsider,
            editor=people.editor,
            created_by=people.translator,
        )
        for number in range(documents)
    )
    rows = Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            position=position,
            source=paragraph(rng),
            text=f"Seeded English {document.pk}.{position}",
            status="approved",
        )
        for document in created
        for position in range(rows_per_document)
    )
    memory_index.index_rows(row.pk for row in rows)
    return rows


@pytest.mark.parametrize("who", ["manager", "translator"])
def test_the_near_duplicate_is_found_first_in_a_haystack_in_a_fixed_number_of_queries(
    people, who, last_month, tmp_path, django_assert_num_queries
):
    seed(people, documents=500, rows_per_document=4, rng=random.Random(11))
    rng = random.Random(13)
    units = MemoryUnit.objects.bulk_create(
        MemoryUnit(
            source=paragraph(rng),
            target=f"Seeded unit {number}",
            source_lang="ko-KR" if number % 2 else "ko",
            target_lang="en",
            origin="seeded.tmx",
        )
        for number in range(2_000)
    )
    memory_index.index_units(unit.pk for unit in units)
    user = getattr(people, who)
    user = type(user).objects.get(pk=user.pk)  # its groups not yet read
    # The memory's version, the groups (is_manager), the stop keys among the text's keys (both
    # sources' in one), and per source the ranked candidates with their fields: however many
    # rows and units.
    with django_assert_num_queries(5):
        found = memory.suggestions(user, TODAY_KO)
    assert found[0].english == APPROVED_EN
    # Asked again with nothing changed: the version, and the result kept under it.
    with django_assert_num_queries(1):
        assert memory.suggestions(user, TODAY_KO) == found
    import_tmx(write_tmx(tmp_path / "vendor.tmx", [(UNIT_KO, UNIT_EN)]))
    found = memory.suggestions(user, UNIT_KO.replace("6", "7"))
    assert found[0].english == UNIT_EN


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_reads_each_key_from_the_primary_key_index(people, last_month):
    seed(people, documents=2_000, rows_per_document=4, rng=random.Random(11))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reviews_memoryrowkey")
        sql, arguments = memory.ranked_rows_sql(people.translator, memory_index.band_keys(TODAY_KO))
        cursor.execute(f"EXPLAIN {sql}", arguments)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "reviews_memoryrowkey_pkey" in plan, plan
    assert "Seq Scan on reviews_memoryrowkey" not in plan, plan


@postgres_only
@pytest.mark.parametrize("who", ["manager", "translator"])
def test_postgres_lateral_read_ranks_as_one_arm_per_key_does(people, who, monkeypatch):
    """PostgreSQL reads the keys through LATERAL, SQLite one UNION ALL arm per key: the same
    owners, counts and order, with a CAP small enough that each key's newest owners matter."""
    rows = seed(people, documents=300, rows_per_document=4, rng=random.Random(5))
    units = MemoryUnit.objects.bulk_create(
        MemoryUnit(source=row.source, target=f"U{n}", source_lang="ko", target_lang="en")
        for n, row in enumerate(rows[::3])
    )
    memory_index.index_units(unit.pk for unit in units)
    monkeypatch.setattr(memory_index, "CAP", 5)
    user, compared = getattr(people, who), 0
    with connection.cursor() as cursor:
        for row in rows[::40]:
            keys = memory_index.band_keys(row.source)
            for make, arguments in (
                (memory.ranked_rows_sql, (user, keys, row.document_id)),
                (memory.ranked_units_sql, (keys,)),
            ):
                ranked = []
                for lateral in (True, False):
                    cursor.execute(*make(*arguments, lateral=lateral))
                    ranked.append(cursor.fetchall())
                assert ranked[0] == ranked[1]
                compared += bool(ranked[0])
    assert compared >= 20  # most look-ups found something to rank


# --------------------------------------------------------------------------- kept results
# Each test looks up first, so the result is kept, then changes the memory and looks up again.


def test_a_row_approved_since_the_last_look_up_is_suggested_on_the_next(people, today):
    story = document_with(
        people, [APPROVED_KO], [APPROVED_EN],
        translator=people.translator, editor=people.editor, approve=False,
    )  # fmt: skip
    assert memory.suggestions(people.translator, TODAY_KO, exclude_document=today) == []
    editing.approve_paragraph(people.editor, story.paragraphs.get().pk)
    found = memory.suggestions(people.translator, TODAY_KO, exclude_document=today)
    assert [s.english for s in found] == [APPROVED_EN]


def test_a_row_taken_out_since_the_last_look_up_is_not_suggested_on_the_next(people, last_month):
    assert [s.english for s in memory.suggestions(people.translator, TODAY_KO)] == [APPROVED_EN]
    row = last_month.paragraphs.get(source=APPROVED_KO)
    editing.save_edit(people.translator, row.pk, "A new text.", row.version)
    assert memory.suggestions(people.translator, TODAY_KO) == []


def test_units_imported_since_the_last_look_up_are_suggested_on_the_next(people, tmp_path):
    assert memory.suggestions(people.translator, TODAY_KO) == []
    import_tmx(write_tmx(tmp_path / "vendor.tmx", [(UNIT_KO, UNIT_EN)]))
    assert [s.english for s in memory.suggestions(people.translator, TODAY_KO)] == [UNIT_EN]
    MemoryUnit.objects.all().delete()
    assert memory.suggestions(people.translator, TODAY_KO) == []


def test_a_document_renamed_or_reassigned_since_the_last_look_up_shows_on_the_next(
    people, last_month
):
    (found,) = memory.suggestions(people.translator, TODAY_KO)
    assert found.origin == last_month.title
    Document.objects.filter(pk=last_month.pk).update(title="Renamed story")
    (found,) = memory.suggestions(people.translator, TODAY_KO)
    assert found.origin == "Renamed story"
    Document.objects.filter(pk=last_month.pk).update(translator=people.outsider)
    assert memory.suggestions(people.translator, TODAY_KO) == []
    assert [s.english for s in memory.suggestions(people.outsider, TODAY_KO)] == [APPROVED_EN]


def test_a_manager_made_since_the_last_look_up_sees_every_document_on_the_next(people, last_month):
    assert memory.suggestions(people.outsider, TODAY_KO) == []
    people.outsider.is_superuser = True
    people.outsider.save()
    assert [s.english for s in memory.suggestions(people.outsider, TODAY_KO)] == [APPROVED_EN]


def test_taking_out_a_row_that_is_not_in_the_memory_leaves_its_version(people, today):
    version = memory.memory_version()
    assert version is not None
    memory_index.forget_rows(today.paragraphs.values_list("pk", flat=True))
    assert memory.memory_version() == version
    memory_index.index_rows(today.paragraphs.values_list("pk", flat=True))  # none approved
    assert memory.memory_version() == version


def test_the_plain_language_condition_picks_the_units_the_orms_does(db):
    codes = ["ko", "KO", "ko-KR", "KO_kr", "ko_", "kok", "k", "kor", "en", "en-US", "EN_gb", "eng"]
    MemoryUnit.objects.bulk_create(
        MemoryUnit(source="가", target="a", source_lang=one, target_lang=two)
        for one in codes
        for two in codes
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM reviews_memoryunit AS memory_unit WHERE "  # noqa: S608
            f"{memory.language_sql('memory_unit.source_lang', 'ko')} AND "
            f"{memory.language_sql('memory_unit.target_lang', 'en')} AND %s = %s",
            [1, 1],  # with arguments, as the look-up runs it: %% is then one %
        )
        plain = {pk for (pk,) in cursor.fetchall()}
    assert plain == set(memory.memory_units().values_list("pk", flat=True))
    assert len(plain) == 5 * 3  # ko, KO, ko-KR, KO_kr, ko_ by en, en-US, EN_gb


def test_the_memorys_visibility_is_the_one_rule(people):
    """The look-up's plain subquery of visible documents holds what Document.objects.visible_to
    holds, for each kind of person."""
    mine = new_document(people)
    other = new_document(people)
    other.translator = people.outsider
    other.editor = None
    other.save()
    superuser = get_user_model().objects.create_superuser("root-memory", password="pw")
    for user in (superuser, people.manager, people.translator, people.editor, people.outsider):
        user = type(user).objects.get(pk=user.pk)
        expected = set(Document.objects.visible_to(user).values_list("pk", flat=True))
        if memory.is_manager(user):
            assert expected == {mine.pk, other.pk}
            continue  # a manager's look-up asks no visibility at all
        sql, params = memory.visible_documents_sql(user)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            assert {pk for (pk,) in cursor.fetchall()} == expected, user.username
    assert expected == {other.pk}  # the outsider, last: their document only
