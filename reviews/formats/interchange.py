"""What XLIFF and TMX files carry, as plain data: the writers take it, the readers return it.

Row statuses in files: "new" (no translation yet), "translated", "proposed" (a change waits for
a decision) and "approved".
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

NEW, TRANSLATED, PROPOSED, APPROVED = "new", "translated", "proposed", "approved"
# Namespace of our own attributes and of the values we put in standard slots.
WORKBENCH_NS = "urn:x-workbench:interchange:1"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TOOL = "Workbench"
TOOL_VERSION = "0.1"
# Characters XML 1.0 cannot carry at all.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# XLIFF priorities run from 1 (most important) to 10.
PRIORITY_OF_SEVERITY = {"critical": 1, "major": 3, "minor": 5, "": 8}


@dataclass
class Note:
    body: str
    author: str = ""
    category: str = ""
    severity: str = ""
    # A note's id in the file and the id of the note it answers (XLIFF 2 only; 1.2 has none).
    key: str = ""
    reply_to: str = ""


@dataclass
class Unit:
    source: str
    target: str
    status: str = TRANSLATED
    notes: list[Note] = field(default_factory=list)


@dataclass
class Bilingual:
    title: str
    units: list[Unit]
    source_lang: str = "ko"
    target_lang: str = "en"
    doc_id: str = ""
    stage: str = ""
    translator: str = ""
    editor: str = ""
    credit: str = ""
    # "Draft, not approved: <stage>" on a file exported before approval.
    draft: str = ""
    updated_at: datetime | None = None
    notes: list[Note] = field(default_factory=list)


@dataclass
class MemoryPair:
    """One source-target pair of a translation memory, with who made and changed it, when."""

    source: str
    target: str
    source_lang: str = "ko"
    target_lang: str = "en"
    creation_id: str = ""
    creation_date: datetime | None = None
    change_id: str = ""
    change_date: datetime | None = None
    title: str = ""


def xml_safe(text: str) -> str:
    return NOT_XML.sub("", text or "")


def needs_preserve(text: str) -> bool:
    """Whether whitespace would change under XML's default handling (collapsing runs)."""
    return text != " ".join(text.split())
