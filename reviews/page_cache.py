"""The document page's body, rendered once per state of the document and reused for its viewer.

With every row from the row cache (reviews/row_cache.py) the page still cost some 40 ms of CPU
and 13 queries: loading the rows as model objects, hashing each row's key, the score, the
threads, the stage buttons. The body (the `content` block of reviews/document.html) is kept
whole under a key built from the document's state version (Document.state_version), which
database triggers raise on every write that can change what the page shows (migration 0016),
and which is read with the document itself by the access check, in the same request. A write
committed after that read raises the version, so the body rendered from it is stored under a
version nobody asks for again: no app server can be served a stale page, whichever cache they
share. Nothing is invalidated; old keys age out of the bounded cache (settings.CACHES["pages"]).

The rest of the page (the header with its unread count, messages) is rendered each time, and
CSRF tokens are put in as the row cache does (`with_token`). A request showing something only
its response says (edit mode, a conflict, an undo offer, a pairing error, any query string) is
rendered as before and not stored.
"""

import zlib

from django.conf import settings
from django.core.cache import caches
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix
from django.utils import dateformat, timezone, translation

from reviews.models import desk_roles
from reviews.row_cache import PLACEHOLDER_INPUT, TOKEN_PLACEHOLDER, code_version, digest, with_token


def page_cache():
    return caches["pages"]


def page_cache_key(request, document, glossary):
    """The key of the document's page body as this request's viewer sees it: a hash of

    - the code version (every template and app module, Django's version), the URL prefix, the
      active language, the quality settings (WORKBENCH_QUALITY_PENALTIES and _THRESHOLD: the
      score panel);
    - the viewer's time zone, and its abbreviation now (the assign form says "KST", which a
      daylight saving change turns from "GMT" to "BST" with no write at all);
    - the viewer: pk (their own proposals show Withdraw, their own threads Resolve), superuser
      flag and desk groups (what `may`, the stage buttons and the people panel show);
    - the document: pk, created_at (a cache can outlive a database restored or reset, where
      the same pk is another document) and state_version, which stands for everything stored
      about it: its row (title, stage, assignees, due date, priority, credit, pairing
      version, document findings), its paragraphs (text, source, status, version, findings,
      pairing, pinned), revisions (open proposals and their authors), comments (threads,
      replies, resolved, grades: counts, cards, score), events (addressed threads, the
      pairing's Undo), and the people it shows (names of authors and assignees, the assign
      form's lists, who may be mentioned), since the triggers also raise every document's
      version on any change to a user's names, active or superuser flag, or groups;
    - the glossary's version (the Korean's term marks).

    Not in the key, and not in the body either: the header, messages and the CSRF token
    (rendered per request), presence (filled by script), the translation memory (edit mode
    only, never cached). Whatever the page adds that lives outside these must be added here.
    """
    user = request.user
    parts = (
        code_version(),
        get_script_prefix(),
        translation.get_language(),
        tuple(sorted(settings.WORKBENCH_QUALITY_PENALTIES.items())),
        settings.WORKBENCH_QUALITY_THRESHOLD,
        timezone.get_current_timezone_name(),
        dateformat.format(timezone.localtime(), "T"),
        user.pk,
        user.is_superuser,
        tuple(sorted(desk_roles(user))),
        document.pk,
        document.created_at,
        document.state_version,
        glossary.version if glossary is not None else None,
    )
    return f"page:{document.pk}:{digest(parts)}"


def cacheable_request(request, extra):
    """Whether the page for this request may come from, and go to, the cache: a plain GET of
    the page with nothing only this response says (`extra` is render_document's)."""
    if not settings.PAGE_CACHE or request.method != "GET" or request.GET:
        return False
    return not any(value not in (None, False, "") for value in extra.values())


class CachedPage:
    """The page body of one request: `html` is the stored body (a hit) or None (render it).

    Bodies are stored compressed (zlib, fastest level): a 400-row body is about 1 MB of HTML
    and a tenth of that compressed, and unpacking it costs a few ms (bench/document_cpu.py)."""

    def __init__(self, key, stored=None):
        self.key = key
        self.html = zlib.decompress(stored).decode() if stored is not None else None

    def body(self, context, render):
        """The body with this request's CSRF token; `render(context)` renders it on a miss."""
        if self.html is None:
            with context.push(csrf_token=TOKEN_PLACEHOLDER):
                self.html = str(render(context))
            page_cache().set(self.key, zlib.compress(self.html.encode(), 1))
        if PLACEHOLDER_INPUT not in self.html:
            return self.html
        return with_token(self.html, CsrfTokenNode().render(context))


def cached_page(request, document, glossary):
    """The CachedPage for this request, with its body if stored."""
    key = page_cache_key(request, document, glossary)
    return CachedPage(key, page_cache().get(key))
