"""The one error every reader raises, with a message meant for the person who uploaded."""


class UnreadableFile(ValueError):
    """A file or pasted text that cannot be turned into paragraphs.

    `str(error)` is one sentence that can be shown to the uploader as it is.
    """


def bare_filename(filename: str) -> str:
    """The last path component of an uploaded name, for messages ("report.docx")."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "The file"
