"""Upload a translation whose translator merged two paragraphs, see it paired right, fix a
pair by hand and confirm the pairing, in real Chromium."""

from playwright.sync_api import expect

from reviews.models import Document, Event, Stage
from tests.browser.conftest import log_in, screenshot

KOREAN = "\n\n".join(
    [
        "제주 감귤 수확 시작",
        "제주도는 올해 감귤 생산량이 45만톤으로 지난해보다 3% 늘 것으로 예상했다.",
        "농민들은 11월 초부터 본격적인 수확에 들어갔다.",
        '도 관계자는 "태풍 피해가 적어 품질이 좋다"고 말했다.',
        "감귤 가격은 5kg 한 상자에 1만8000원 선에서 거래되고 있다.",
        "제주도는 12월 서울에서 홍보 행사를 열 계획이다.",
    ]
)
# The translator merged the third and fourth Korean paragraphs into one.
ENGLISH = "\n\n".join(
    [
        "Jeju begins its tangerine harvest",
        "Jeju Province expects this year's tangerine crop to reach 450,000 tons, "
        "up 3% from last year.",
        'Farmers began harvesting in earnest in early November. "There was little typhoon '
        'damage, so the quality is good," a provincial official said.',
        "Tangerines are trading at around 18,000 won for a 5 kg box.",
        "The province plans a promotional event in Seoul in December.",
    ]
)


def test_merged_paragraph_is_paired_then_fixed_by_hand_and_confirmed(page, people):
    log_in(page, "mina")
    page.goto("/documents/new/")
    page.get_by_label("Title").fill("Tangerines")
    page.locator("#id_source_text").fill(KOREAN)
    page.locator("#id_target_text").fill(ENGLISH)
    page.get_by_role("button", name="Upload and pair").click()
    expect(page.locator(".stage-aligning")).to_be_visible()

    rows = page.locator("[data-row]")
    expect(rows).to_have_count(5)
    merged = rows.nth(2)
    expect(merged.locator(".cell-source p")).to_have_count(2)
    expect(merged.locator(".cell-target p")).to_have_count(1)
    assert "Farmers began" in merged.locator(".cell-target").inner_text()

    # Fix by hand: split the English of that row where the quotation starts is not possible
    # (it is one paragraph), so instead split the Korean side and move it back: the row count
    # changes and comes back, each step swapped in place by htmx.
    page.evaluate("window.__sameDocument = true")
    merged.locator(".cell-source").get_by_role("button", name="split here").click()
    expect(rows).to_have_count(6)
    expect(page.locator("#progress label")).to_have_text("0 of 6 paragraphs approved")
    expect(rows.nth(3).locator(".pinned")).to_be_visible()
    rows.nth(3).locator(".cell-source").get_by_role("button", name="up").click()
    expect(rows).to_have_count(5)
    expect(rows.nth(2).locator(".cell-source p")).to_have_count(2)
    page.get_by_role("button", name="Undo").click()
    expect(rows).to_have_count(6)
    page.get_by_role("button", name="Undo").click()
    expect(rows).to_have_count(5)
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "alignment-editor")

    page.get_by_role("button", name="Confirm pairing").click()
    expect(page.locator(".stage-translating")).to_be_visible()
    document = Document.objects.get(title="Tangerines")
    assert document.stage == Stage.TRANSLATING
    actions = list(
        document.events.filter(verb=Event.Verb.REALIGNED).values_list("payload__action", flat=True)
    )
    assert actions == ["split", "move_up", "undo", "undo"]
    assert document.paragraphs.get(position=2).revisions.count() == 1
