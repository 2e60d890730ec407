"""Every hostile kind of file through every reader, the way a person hands it over: docx, html,
txt and md on the upload page, XLIFF on the XLIFF upload page, TMX through `import_tmx`, the
glossary CSV on the glossary page.

tests/test_formats_read.py, tests/test_safexml.py and tests/test_interchange_import.py test the
readers' defences one by one (the docx central-directory checks, DTDs in every encoding, the
import commands); this file is the table that shows each reader against each kind, end to
end: the answer is a one-line reason (or, where the kind is harmless to that reader, the file is
read as what it is), the database is unchanged, and tracemalloc's peak during the request stays
under the bound stated for the case.

Bounds: WORKBENCH_MAX_UPLOAD_BYTES is 5 MiB. Django's test client holds the whole multipart body
and the upload handler a copy of what it read, so an over-size upload may peak at a few times
the cap: 4 x cap + 8 MiB. Everything else must stay under 16 MiB, which a zip bomb (100 MiB
unpacked), a billion laughs (10^9 expansions) or 5,000 entries read naively would not.
"""

import functools
import io
import random
import tracemalloc
import zipfile

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reviews.management.commands._files import MAX_XML_BYTES
from reviews.models import Paragraph

MiB = 1024 * 1024
SMALL_BOUND = 16 * MiB
READERS = ("docx", "html", "txt", "md", "xliff", "tmx", "csv")
EXTENSION = {"xliff": "xlf"}
KO = "서울시의회는 예산안을 통과시켰다."
EN = "The council passed the budget."


def counts():
    return {m.__name__: m.objects.count() for m in apps.get_app_config("reviews").get_models()}


# -- the hostile files -------------------------------------------------------------------------


@functools.cache
def zip_bomb() -> bytes:
    """A .docx-shaped zip whose document part unpacks to 100 MiB of zeros (about 100 KiB
    packed), written in chunks so making it costs no memory either."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * MiB
            for _ in range(100):
                part.write(chunk)
    return out.getvalue()


def many_entries_zip(n=5000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(n):
            archive.writestr(f"word/media/{number}.xml", "<x/>")
    return out.getvalue()


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(2, 10))
    + '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE doc [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'


def xml_body(reader: str, entity: str) -> bytes:
    """The reader's own format with an entity reference where the text goes."""
    bodies = {
        "xliff": '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" '
        'srcLang="ko" trgLang="en"><file id="f"><unit id="u"><segment>'
        f"<source>{entity}</source><target>{entity}</target></segment></unit></file></xliff>",
        "tmx": '<tmx version="1.4"><header srclang="ko" datatype="plaintext" segtype="sentence" '
        'adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body><tu>'
        f'<tuv xml:lang="ko"><seg>{entity}</seg></tuv><tuv xml:lang="en"><seg>{entity}</seg>'
        "</tuv></tu></body></tmx>",
        "html": f"<html><body><p>{entity}</p></body></html>",
    }
    return bodies.get(reader, f"<doc><p>{entity}</p></doc>").encode()


def docx_with_part(part: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", part)
    return out.getvalue()


def with_entity(reader: str, prolog: str, entity: str) -> bytes:
    data = prolog.encode() + xml_body(reader, entity)
    if reader == "docx":
        return docx_with_part(data)
    if reader == "csv":
        return ("korean,english,forbidden,note\n" + f'북한,{entity},,"{prolog}"\n').encode()
    return data


def thousands(reader: str) -> bytes:
    """Thousands of whatever the reader counts: 5,000 zip entries, paragraphs or units (over the
    2,000-paragraph cap), 20,001 terms (over the glossary's cap), 2,000 TMX pairs (no cap: a
    memory of 2,000 pairs is ordinary, and is read)."""
    if reader == "docx":
        return many_entries_zip()
    if reader == "xliff":
        units = "".join(
            f'<unit id="u{n}"><segment><source>{KO}</source><target>{EN}</target></segment></unit>'
            for n in range(5000)
        )
        return (
            '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="ko" '
            f'trgLang="en"><file id="f">{units}</file></xliff>'
        ).encode()
    if reader == "tmx":
        units = "".join(
            f'<tu><tuv xml:lang="ko"><seg>{KO} {n}</seg></tuv>'
            f'<tuv xml:lang="en"><seg>{EN} {n}</seg></tuv></tu>'
            for n in range(2000)
        )
        return xml_body("tmx", "").replace(b"<body><tu>", b"<body>" + units.encode() + b"<tu>")
    if reader == "csv":
        rows = "".join(f"용어{n},term {n},,\n" for n in range(20_001))
        return ("korean,english,forbidden,note\n" + rows).encode()
    if reader == "html":
        return ("<html><body>" + f"<p>{KO}</p>" * 5000 + "</body></html>").encode()
    return (f"{KO}\n\n" * 5000).encode()


def garbage() -> bytes:
    return random.Random(13).randbytes(64 * 1024)


def mixed_encoding(reader: str) -> bytes:
    """UTF-8 Korean, then the same Korean in CP949, in one file."""
    utf8, cp949 = KO.encode("utf-8"), KO.encode("cp949")
    if reader == "docx":
        return docx_with_part(b'<?xml version="1.0" encoding="utf-8"?><w:document>' + cp949)
    if reader in ("xliff", "tmx", "html"):
        return xml_body(reader, "ENC").replace(b"ENC", utf8 + b" " + cp949)
    if reader == "csv":
        return b"korean,english,forbidden,note\n" + utf8 + b",council,,\n" + cp949 + b",budget,,\n"
    return utf8 + b"\n\n" + cp949 + b"\n"


def lying_encoding(reader: str) -> bytes:
    """Says one encoding, is another: a UTF-16 BOM before UTF-8 bytes, or an XML declaration of
    UTF-8 over CP949."""
    if reader in ("xliff", "tmx", "html", "docx"):
        data = b'<?xml version="1.0" encoding="utf-8"?>' + xml_body(reader, "ENC").replace(
            b"ENC", KO.encode("cp949")
        )
        return docx_with_part(data) if reader == "docx" else data
    return b"\xff\xfe" + (KO * 20).encode("utf-8")


def over_size(reader: str) -> bytes | None:
    """Past the upload cap; for import_tmx, whose cap is MAX_XML_BYTES, None: a sparse file of
    that size plus one byte is made on disk instead (it must be refused by its size alone)."""
    if reader == "tmx":
        return None
    return (EN + "\n\n").encode() * (settings.WORKBENCH_MAX_UPLOAD_BYTES // 30 + 10)


KINDS = {
    "zip bomb": lambda reader: zip_bomb(),
    "thousands of entries": thousands,
    "billion laughs": lambda reader: with_entity(reader, LAUGHS, "&lol9;"),
    "external entity": lambda reader: with_entity(reader, EXTERNAL, "&secret;"),
    "binary garbage": lambda reader: garbage(),
    "empty": lambda reader: b"",
    "over size": over_size,
    "mixed encodings": mixed_encoding,
    "lying encoding": lying_encoding,
}

# Where a kind is harmless to a reader the file is read as what it is, and that is the right
# answer: a text file that spells out an entity is text ("&lol9;" stays those six characters),
# 2,000 pairs of TMX are a memory of 2,000 pairs. HTML is read by an HTML parser, which
# expands no entity of a DTD (the reference stays as text) and finds the real encoding of a
# page whose declaration lies (the Korean comes out as Korean).
READ_AS_WHAT_IT_IS = {
    ("billion laughs", "txt"),
    ("billion laughs", "md"),
    ("billion laughs", "html"),
    ("external entity", "txt"),
    ("external entity", "md"),
    ("external entity", "html"),
    ("lying encoding", "html"),
    ("thousands of entries", "tmx"),
}


# -- handing a file to a reader ----------------------------------------------------------------


def hand_over(client, people, tmp_path, reader, data):
    """(refusal message or None) after giving `data` to `reader` as a person would."""
    name = f"hostile.{EXTENSION.get(reader, reader)}"
    if reader == "tmx":
        path = tmp_path / name
        if data is None:
            with path.open("wb") as sparse:
                sparse.truncate(MAX_XML_BYTES + 1)
        else:
            path.write_bytes(data)
        try:
            call_command("import_tmx", str(path), stdout=io.StringIO())
        except CommandError as error:
            return str(error)
        return None
    if reader == "csv":
        response = client.post(reverse("glossary_import"), {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 302
        errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        return errors[0] if errors else None
    if reader == "xliff":
        response = client.post(
            reverse("upload_xliff"),
            {"xliff-title": "Hostile", "xliff-xliff_file": SimpleUploadedFile(name, data)},
        )
        form = "xliff_form"
    else:
        response = client.post(
            reverse("upload"),
            {"title": "Hostile", "source_file": SimpleUploadedFile(name, data), "target_text": EN},
        )
        form = "form"
    assert response.status_code in (200, 302, 413), response.status_code
    if response.status_code == 302:
        return None
    errors = [e for field_errors in response.context[form].errors.values() for e in field_errors]
    assert errors, "refused without a reason"
    return errors[0]


CASES = [(kind, reader) for kind in KINDS for reader in READERS]
PEAKS = {}


@pytest.mark.parametrize("kind, reader", CASES, ids=[f"{k}-{r}" for k, r in CASES])
def test_every_reader_against_every_hostile_kind(client, people, tmp_path, kind, reader):
    data = KINDS[kind](reader)
    client.force_login(people.manager)
    before = counts()
    bound = 4 * settings.WORKBENCH_MAX_UPLOAD_BYTES + 8 * MiB if kind == "over size" else None
    bound = bound or SMALL_BOUND

    tracemalloc.start()
    try:
        refusal = hand_over(client, people, tmp_path, reader, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    PEAKS[(kind, reader)] = peak

    assert peak < bound, f"{kind} in {reader}: peak {peak / MiB:.1f} MiB"
    if (kind, reader) in READ_AS_WHAT_IT_IS:
        assert refusal is None, refusal
        assert counts() != before
        text = " ".join(Paragraph.objects.values_list("source", flat=True))
        if kind in ("billion laughs", "external entity"):
            assert ("&lol9;" in text or "&secret;" in text) and "root:" not in text, text[:200]
            assert len(text) < 10_000
        if kind == "lying encoding":
            assert KO in text
        return
    assert refusal, f"{kind} in {reader} was accepted"
    assert "\n" not in refusal and len(refusal) < 300, refusal
    assert "Traceback" not in refusal and str(tmp_path) not in refusal, refusal
    assert counts() == before, refusal


def test_peak_memory_table(request):
    """Prints the table of peaks (run with -s); it runs after the cases above."""
    if not PEAKS:
        pytest.skip("run with the table cases")
    width = max(len(k) for k in KINDS)
    lines = [" " * width + "".join(f"{r:>8}" for r in READERS)]
    for kind in KINDS:
        cells = "".join(
            f"{PEAKS[(kind, r)] / MiB:>7.1f}M" if (kind, r) in PEAKS else f"{'-':>8}"
            for r in READERS
        )
        lines.append(f"{kind:<{width}}{cells}")
    print("\npeak traced memory per reader and kind\n" + "\n".join(lines))
