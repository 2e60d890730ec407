"""What a check reports."""

from dataclasses import asdict, dataclass

KINDS = (
    "number",
    "hangul",
    "empty",
    "untranslated",
    "omission",
    "addition",
    "glossary",
    "brackets",
    "spacing",
    "repeat",
    "punctuation",
    "consistency",
)
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    message: str
    # (start, end) in the English, and where it applies, in the Korean; None when the
    # finding is about something absent from that side.
    target_span: tuple[int, int] | None = None
    source_span: tuple[int, int] | None = None
    # For document-wide findings: the row positions it concerns.
    places: tuple[int, ...] = ()

    def as_dict(self):
        data = asdict(self)
        data["target_span"] = list(self.target_span) if self.target_span else None
        data["source_span"] = list(self.source_span) if self.source_span else None
        data["places"] = list(self.places)
        return data

    @classmethod
    def from_dict(cls, data):
        return cls(
            kind=data["kind"],
            severity=data["severity"],
            message=data["message"],
            target_span=tuple(data["target_span"]) if data.get("target_span") else None,
            source_span=tuple(data["source_span"]) if data.get("source_span") else None,
            places=tuple(data.get("places") or ()),
        )
