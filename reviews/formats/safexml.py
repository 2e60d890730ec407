"""The one way Workbench parses XML from outside: no DTD, no entities, no network, a size cap.

Entity declarations and internal DTD subsets are refused outright rather than ignored: they
are where billion-laughs and external-entity attacks live, and no XLIFF or TMX file needs them.
A bare `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`, which every TMX writer puts first, is allowed: with
load_dtd off it is never fetched, and it can declare nothing.
"""

import re

from lxml import etree

from .errors import UnreadableFile, display_name

MAX_XML_BYTES = 20 * 1024 * 1024
# lxml's own guard against deep nesting and huge text nodes stays on (huge_tree=False); these are
# a cheaper first look, before the parser allocates anything.
_DECLARATIONS = re.compile(rb"<!(ENTITY|ELEMENT|ATTLIST|NOTATION)|<!DOCTYPE[^>\[]*\[", re.I)
_WIDE_ENCODINGS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"))
_WIDE_ENCODINGS += ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _scannable(data: bytes) -> bytes:
    """UTF-16 and UTF-32 files (older TMX writers) would hide declarations from a byte scan."""
    for bom, encoding in _WIDE_ENCODINGS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").encode("utf-8")
    return data


def parse(data: bytes, name: str, max_bytes: int = MAX_XML_BYTES):
    """The root element of `data`, or UnreadableFile with one sentence saying why not."""
    shown = display_name(name)
    if len(data) > max_bytes:
        raise UnreadableFile(f"{shown} is larger than the {max_bytes / 1024 / 1024:g} MB limit.")
    if not data.strip():
        raise UnreadableFile(f"{shown} is empty.")
    if _DECLARATIONS.search(_scannable(data)):
        raise UnreadableFile(f"{shown} declares a DTD or entities, which we do not read.")
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:
        reason = re.sub(r",? \(<string>.*$", "", str(error)).strip() or "malformed XML"
        raise UnreadableFile(f"{shown} is not well-formed XML: {reason}.") from None
    if root is None:
        raise UnreadableFile(f"{shown} is not well-formed XML.")
    # Belt and braces: whatever the byte scan missed, lxml saw.
    # With a DOCTYPE line, libxml2 leaves a reference to an undeclared entity in the tree (the
    # DTD it would come from is not loaded): its text would vanish without a word.
    if next(root.iter(etree.Entity), None) is not None:
        raise UnreadableFile(f"{shown} uses entities, which we do not read.")
    docinfo = root.getroottree().docinfo
    declared = docinfo.internalDTD
    if declared is not None and (list(declared.iterelements()) or list(declared.iterentities())):
        raise UnreadableFile(f"{shown} declares a DTD or entities, which we do not read.")
    return root
