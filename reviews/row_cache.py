"""The document page's rows, each rendered once and its HTML reused while nothing it shows changed.

Rendering the rows is most of the page's cost (bench/RESULTS.md). A row's cache key is a hash
of everything the row shows, so a change to any of it is a new key: nothing is ever
invalidated, a stale row is never served, and several app servers may share one cache (or each
keep their own). Old keys simply age out of the bounded cache (settings.CACHES["rows"]).

CSRF tokens are never cached: a row is rendered with a placeholder token, and the request's own
token is put in its place each time the HTML is served (`with_token`).

Rows showing something only this response says (edit mode, a conflict, an error, a notice, an
undo offer) are rendered fresh and not stored (`cacheable`).
"""

import hashlib
from functools import cache
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix
from django.utils import timezone

from reviews.importing import LOW_CONFIDENCE
from reviews.models import display_name

TOKEN_PLACEHOLDER = "row-cache-csrf-placeholder"  # noqa: S105 (no secret: what stands in for one)
# The whole element, quotes included: escaped user text can never contain it.
PLACEHOLDER_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{TOKEN_PLACEHOLDER}">'


def digest(parts) -> str:
    """The hash a cache key is made of: `parts` (a tuple of plain values) through repr, so two
    keys are equal exactly when everything that went into them is."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def row_cache():
    return caches["rows"]


@cache
def code_version():
    """A hash of every template and every Python file of the app, and Django's version: a
    deploy that changes how anything renders starts on fresh keys."""
    root = Path(settings.BASE_DIR)
    hashed = hashlib.blake2b(django.get_version().encode(), digest_size=16)
    files = [*root.glob("templates/**/*.html"), *root.glob("reviews/**/*.py")]
    for path in sorted(files):
        hashed.update(str(path.relative_to(root)).encode())
        hashed.update(path.read_bytes())
    return hashed.hexdigest()


def row_viewer(request, document, grid):
    """What the rows show that depends on who looks and on the document rather than the row,
    worked out once per page. `grid` is reviews.views.grid.grid_context's dict."""
    glossary = grid["glossary"]
    shared = (
        code_version(),
        get_script_prefix(),
        timezone.get_current_timezone_name(),
        tuple(sorted(grid["may"].items())),
        grid["may_save_directly"],
        document.pk,
        document.stage,
        document.pairing_version,
        glossary.version if glossary is not None else None,
        LOW_CONFIDENCE,
    )
    # Hashed once here rather than written out again into each of the page's 400 keys.
    return {
        "user_pk": request.user.pk,
        "shared": digest(shared),
    }


def row_cache_key(paragraph, viewer):
    """The cache key of one row as `viewer` (row_viewer) sees it: a hash of

    - the code version (every template and app module, Django's version), the URL prefix;
    - the viewer's time zone (times are shown), `may` flags and may_save_directly;
    - the document's pk, stage and pairing version; the glossary's version (Korean marks);
      LOW_CONFIDENCE;
    - the paragraph's pk, position, version, status, source, text, alignment confidence,
      pinned flag and stored findings (their dismissals included);
    - its open proposals: pk, state, base version, author pk, role and display name, whether
      the viewer wrote it (the row shows "Withdraw" then), time, base text and text (its
      diff is worked out from those two when it is made). Revisions never change (history
      is append-only), but a cache can outlive a database that was restored or reset, where
      the same pk means another proposal;
    - its comments: thread count, unresolved count, the latest comment's pk (rows_of annotates
      them); and each open thread the margin shows as a card and whose quote is marked in the
      text: pk, author pk and display name, severity, body, quote and its side, reply count;
    - the sentence marks come from the findings and texts above; the presence slot is filled
      by script, so it is not here. Whether a thread is marked addressed is not shown by the
      row today; whoever shows it in the row adds it here.

    Whatever is added to the row template must be added here too, or it shows stale.
    """
    user_pk = viewer["user_pk"]
    proposals = tuple(
        (
            proposal.pk,
            proposal.state,
            proposal.base_version,
            proposal.author_id,
            proposal.author_role,
            display_name(proposal.author),
            proposal.author_id == user_pk,
            # Never reused by one database, but a cache outlives a database restored or reset.
            proposal.created_at,
            proposal.base_text,
            proposal.text,
        )
        for proposal in paragraph.open_proposals
    )
    threads = tuple(
        (
            thread.pk,
            thread.author_id,
            display_name(thread.author),
            thread.severity,
            thread.body,
            thread.quote,
            thread.quote_side,
            thread.reply_count,
        )
        for thread in getattr(paragraph, "open_threads", ())
    )
    parts = (
        viewer["shared"],
        paragraph.pk,
        paragraph.position,
        paragraph.version,
        paragraph.status,
        paragraph.source,
        paragraph.text,
        paragraph.alignment_confidence,
        paragraph.pinned,
        paragraph.findings,
        proposals,
        paragraph.thread_count,
        paragraph.unresolved_count,
        paragraph.latest_comment,
        threads,
    )
    return f"row:{paragraph.pk}:{digest(parts)}"


def cacheable(context, paragraph):
    """False for a row showing something only this response says."""
    if any(context.get(name) for name in ("editing", "conflict", "error", "notice")):
        return False
    if context.get("draft") is not None or context.get("editing_id") == paragraph.pk:
        return False
    undo = context.get("undo")
    return not (undo and undo["revision"].paragraph_id == paragraph.pk)


class PageRows:
    """The rows of one page view: their keys, and the cached HTML fetched in one round trip."""

    def __init__(self, paragraphs, viewer):
        self.viewer = viewer
        self.keys = {paragraph.pk: row_cache_key(paragraph, viewer) for paragraph in paragraphs}
        self.hits = row_cache().get_many(self.keys.values())
        self.token_input = None  # what {% csrf_token %} renders for this request, once

    def html(self, paragraph, context, render):
        """The row's HTML with this request's CSRF token; `render(context)` renders it."""
        key = self.keys.get(paragraph.pk) or row_cache_key(paragraph, self.viewer)
        html = self.hits.get(key)
        if html is None:
            with context.push(csrf_token=TOKEN_PLACEHOLDER):
                html = render(context)
            # Kept as a plain str: a SafeString (which str() returns unchanged) pickles and
            # unpickles two to four times slower, 400 times a page. It is marked safe again
            # when served (reviews/templatetags/row_cache.py).
            row_cache().set(key, str.__str__(html))
        if self.token_input is None:
            self.token_input = CsrfTokenNode().render(context)
        # Rendered into the page cache's body, the rows keep the placeholder: the body puts
        # the request's token in once, for the whole page.
        if self.token_input == PLACEHOLDER_INPUT or PLACEHOLDER_INPUT not in html:
            return html
        return with_token(html, self.token_input)


def with_token(html, token_input):
    """The cached HTML with the placeholder token replaced by `token_input`, what
    {% csrf_token %} renders for this request (its masked token, or nothing without one)."""
    return html.replace(PLACEHOLDER_INPUT, token_input)


def row_fragment(request, paragraph, viewer, context, render):
    """One row as a fragment (reviews.views.grid.row_response), from the same cache entries as
    the page's rows: a row the page stored is served as it is, and a row rendered here is
    stored for the page's next render. `context` is the row's dict, as the page's would be;
    `render(context)` renders it. A row showing something only this response says is rendered
    and not stored (`cacheable`)."""
    if not cacheable(context, paragraph):
        return render(context)
    return kept_html(request, row_cache_key(paragraph, viewer), context, render)


def kept_html(request, key, context, render):
    """The HTML kept under `key`, or `render(context)` rendered with the placeholder token and
    kept there; served with this request's CSRF token put in. `key` must say everything the
    HTML shows (its version digests), so what is kept is never stale."""
    html = row_cache().get(key)
    if html is None:
        # A csrf_token given in the dict wins over the context processor's.
        html = str.__str__(render({**context, "csrf_token": TOKEN_PLACEHOLDER}))
        row_cache().set(key, html)
    if PLACEHOLDER_INPUT not in html:
        return html
    return with_token(html, CsrfTokenNode().render(Context({"csrf_token": get_token(request)})))
