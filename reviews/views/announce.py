"""What a screen reader says after an htmx update: one sentence from the server, sent in the
HX-Trigger-After-Settle header and read out by static/js/announce.js through the page's two
live regions (templates/base.html). Swapped fragments carry no role="status" or role="alert"
of their own, so each update is read once."""

from django_htmx.http import trigger_client_event


def announce(response, text, *, urgent=False):
    """Say `text` politely, or at once when `urgent` (a refusal, a conflict)."""
    if text:
        trigger_client_event(response, "announce", {"text": text, "urgent": urgent}, after="settle")
    return response


def sentence(text):
    """An activity line ("moved English paragraph 5 …") as a sentence to read out."""
    text = (text or "").strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
