"""In real Chromium: a CAT tool's XLIFF becomes a document, every export is offered, and an API
token made on the settings page opens the API until it is revoked."""

from pathlib import Path

from lxml import etree

from reviews.formats import read_xliff
from tests.browser.conftest import log_in
from tests.conftest import shared_file

FILES = Path(__file__).resolve().parents[1] / "files" / "interchange"
EXPORTS = [
    "txt",
    "md",
    "docx",
    "html",
    "XLIFF 2.1 (both sides)",
    "XLIFF 1.2 (both sides)",
    "TMX 1.4b (approved pairs)",
    "Review table, Word",
    "Review table, web page",
]


def test_an_xliff_file_becomes_a_document_that_exports_every_way(page, people):
    log_in(page, "mina")
    page.get_by_role("link", name="Upload").first.click()
    page.get_by_label("Headline").fill("Budget from memoQ")
    page.get_by_label("XLIFF file (both sides)").set_input_files(str(FILES / "memoq-1.2.mqxliff"))
    page.get_by_label("Edited by").select_option(label="Daniel Park")
    page.get_by_role("button", name="Import XLIFF").click()

    page.wait_for_selector("h1:has-text('Budget from memoQ')")
    rows = page.locator("[data-row]")
    assert rows.count() == 3
    assert "{1}12 trillion won{/1}" in rows.nth(0).locator("[lang=en]").inner_text()

    page.get_by_text("Export").click()
    menu = page.locator(".export-menu")
    assert [link.inner_text() for link in menu.get_by_role("link").all()] == EXPORTS
    with page.expect_download() as download_info:
        menu.get_by_role("link", name="XLIFF 1.2 (both sides)").click()
    data = download_info.value.path().read_bytes()
    schema = etree.XMLSchema(etree.parse(str(shared_file("schemas", "xliff-core-1.2-strict.xsd"))))
    assert schema.validate(etree.fromstring(data)), schema.error_log
    units = read_xliff(data, "download.xlf").units
    assert [unit.status for unit in units] == ["translated", "approved", "new"]


def test_a_token_from_the_settings_page_opens_the_api_until_revoked(page, people, document):
    log_in(page, "daniel")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("CMS")
    page.get_by_role("button", name="Create a token").click()
    token = page.locator(".token-value").inner_text()
    headers = {"Authorization": f"Bearer {token}"}

    answer = page.request.get("/api/documents/", headers=headers)
    assert answer.status == 200
    assert [item["title"] for item in answer.json()["items"]] == ["Budget passed"]

    page.goto("/settings/api-tokens/")
    assert page.locator(".token-value").count() == 0  # shown once only
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_selector("text=Token revoked")
    assert page.request.get("/api/documents/", headers=headers).status == 401
