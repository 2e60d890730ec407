"""The one way Workbench parses XML from outside (Word parts, XLIFF, TMX): nothing in it can
reach beyond the bytes given.

The parser never loads a DTD, never touches the network and leaves entity references
unexpanded. After parsing, a document that declared anything (an internal DTD subset, where
entities for "billion laughs" or external files are declared) is refused, and so is one that
uses an entity at all. The checks look at the parsed tree, not at the bytes, so they hold in
every encoding lxml reads (UTF-8, UTF-16, UTF-32, with or without a byte order mark).

A bare document type line with nothing declared in it is refused too, except where the caller
names the root it may carry (`bare_doctype="tmx"`: every TMX writer puts
`<!DOCTYPE tmx SYSTEM "tmx14.dtd">` first; it is never fetched and declares nothing).
"""

from lxml import etree

from .errors import UnreadableFile

# Far above any real Word part, XLIFF or TMX file of a news article, and below what a zip
# archive that passed the zip-bomb checks can hold. Callers with a smaller cap pass it.
MAX_BYTES = 50 * 1024 * 1024
_ENTITY_ERRORS = frozenset(
    code for label, code in vars(etree.ErrorTypes).items() if "ENTITY" in label
)


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state and are not safe to share across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse(
    data: bytes, name: str, *, max_bytes: int = MAX_BYTES, bare_doctype: str | None = None
) -> etree._Element:
    """The root element of `data`, or UnreadableFile with one sentence about `name`: too large,
    empty, a document type declaration, entities, or not well-formed."""
    shown = name
    too_large = UnreadableFile(
        f"{shown} is larger than the {max_bytes / 1024 / 1024:g} MB an XML file may have, "
        "so it was not opened."
    )
    if len(data) > max_bytes:
        raise too_large
    if not data.strip():
        raise UnreadableFile(f"{shown} is empty.")
    doctype = UnreadableFile(
        f"{shown} contains a document type declaration (DTD), which is not allowed, "
        "so it was not opened."
    )
    entities = UnreadableFile(
        f"{shown} declares or uses entities, which are not allowed, so it was not opened."
    )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        message = (error.msg or "").lower()
        # An external DTD the parser was asked to fetch (and, with no network, did not).
        if "failed to load" in message:
            raise doctype from error
        # libxml2 stops entity expansion bombs itself ("amplification factor"), even when
        # entities are left unexpanded; those are entity refusals, not size ones.
        if error.code in _ENTITY_ERRORS or "entity" in message:
            raise entities from error
        if error.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "huge" in message:
            raise too_large from error
        line = f" (line {error.lineno})" if error.lineno else ""
        raise UnreadableFile(f"{shown} is not well-formed XML{line}.") from error
    except ValueError as error:  # e.g. bytes lxml refuses before parsing
        raise UnreadableFile(f"{shown} is not well-formed XML.") from error
    if root is None:
        raise UnreadableFile(f"{shown} is not well-formed XML.")
    docinfo = root.getroottree().docinfo
    subset = docinfo.internalDTD
    declared = subset is not None and bool(
        list(subset.iterelements()) or list(subset.iterentities())
    )
    bare = docinfo.doctype and not declared and etree.QName(root).localname == bare_doctype
    if declared or (docinfo.doctype and not bare):
        raise doctype
    # A reference to an undeclared entity stays in the tree as an Entity node (the DTD it
    # would come from is not loaded): its text would vanish without a word.
    if next(root.iter(etree.Entity), None) is not None:
        raise entities
    return root
