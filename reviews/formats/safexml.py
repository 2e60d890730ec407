"""XML from uploads, parsed so that nothing in it can reach outside the bytes given.

No document type declaration is accepted at all: it is where entities (external files,
"billion laughs" expansion) are declared, and none of the formats read here (Word parts,
XLIFF, TMX) needs one. The parser never loads a DTD, never touches the network and leaves
entity references unexpanded; after parsing, a document that declared a DTD is refused. The
check looks at the parsed tree, not at the bytes, so it holds in every encoding lxml reads
(UTF-8, UTF-16, UTF-32, with or without a byte order mark or a declaration).
"""

from lxml import etree

from .errors import UnreadableFile

# Far above any real Word part, XLIFF or TMX file of a news article, and below what a zip
# archive that passed the zip-bomb checks can hold.
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
    )


def parse(data: bytes, name: str) -> etree._Element:
    """The root element of `data`, or UnreadableFile with one sentence about `name`: too large,
    a document type declaration, entities, or not well-formed."""
    too_large = UnreadableFile(
        f"{name} is larger than the {MAX_BYTES // (1024 * 1024)} MB an XML part may have, "
        "so it was not opened."
    )
    if len(data) > MAX_BYTES:
        raise too_large
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        message = (error.msg or "").lower()
        # libxml2 stops entity expansion bombs itself ("amplification factor"), even when
        # entities are left unexpanded; those are entity refusals, not size ones.
        if error.code in _ENTITY_ERRORS or "entity" in message:
            raise UnreadableFile(
                f"{name} declares or uses entities, which are not allowed, so it was not opened."
            ) from error
        if error.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "huge" in message:
            raise too_large from error
        line = f" (line {error.lineno})" if error.lineno else ""
        raise UnreadableFile(f"{name} is not well-formed XML{line}.") from error
    except ValueError as error:  # e.g. bytes lxml refuses before parsing
        raise UnreadableFile(f"{name} is not well-formed XML.") from error
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnreadableFile(
            f"{name} contains a document type declaration (DTD), which is not allowed, "
            "so it was not opened."
        )
    return root
