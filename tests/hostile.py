"""Hostile text: what a careless paste or a malicious colleague could type into any field.

Each payload is short enough for every field (titles are capped at 300 characters, glossary
terms at 200), so one payload goes through every input; the oversize ones are separate because
they are meant to be refused. `assert_inert` is the check for every HTML answer: parsed with
lxml, nothing in the tree may have come from a payload.
"""

import lxml.html

# Each payload would, unescaped, run script in the page (it sets window.__pwned or calls
# alert), break out of an attribute or a textarea, or confuse how text is shown.
PAYLOADS = {
    "script": "<script>window.__pwned=1;alert(1)</script> 예산",
    "img-onerror": '<img src=x onerror="window.__pwned=1">사진',
    "attribute": '" onmouseover="window.__pwned=1" x="',
    "single-quote": "' onfocus='window.__pwned=1' autofocus '",
    "javascript-link": '<a href="javascript:window.__pwned=1">클릭</a> javascript:alert(1)',
    "textarea-breakout": "</textarea><script>window.__pwned=1</script><textarea>",
    "title-breakout": "</title><svg onload=window.__pwned=1>",
    "style-breakout": "</style><iframe srcdoc='<script>parent.__pwned=1</script>'></iframe>",
    "template": "{{ request.user.password }} {% debug %} {# note #} ${7*7} #{7*7}",
    "rtl-zero-width": "\u202egnp.exe\u202c 서\u200b울\u200d시 \u2066x\u2069 \ufeffBOM",
    "controls": "nul\x00bell\x07esc\x1b[31mred del\x7f c1\x85\x9b end",
    "emoji-combining": "서울 👩‍👩‍👧 🇰🇷 한\u0301글\u0308 ᄒ\u1161\u11ab Z\u0336\u0335",
    "long-word": "가" * 150 + "x" * 140,
    "entities": "&lt;script&gt; &amp;amp; &#60;b&#62; &#x3C;i&#x3E; %3Cscript%3E",
    "cdata": "]]><![CDATA[<script>window.__pwned=1</script>]]> <!-- -->",
    "svg": "<svg><script>window.__pwned=1</script></svg><math><mi>x</mi></math>",
}

# Over every cap: the paragraph limit is 10,000 characters.
LONG_PARAGRAPH = ("서울시의회는 예산안을 통과시켰다. " * 6000)[:100_000]
assert len(LONG_PARAGRAPH) == 100_000

# The marks a payload leaves when it was rendered as markup rather than text.
MARKERS = ("__pwned", "alert(1)")


def assert_inert(html: str, where: str = "") -> None:
    """No element or attribute of the page came from a payload: every script is ours (src under
    /static/, no inline body), no on* attribute, no javascript: link, no iframe, svg or math,
    and no element or attribute holds a payload's marker."""
    if not html.strip():
        return
    tree = lxml.html.document_fromstring(html)
    for element in tree.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            assert not any(m in (element.text or "") for m in MARKERS), (where, element.text)
            continue
        tag = element.tag.lower()
        assert tag not in ("iframe", "svg", "math", "object", "embed"), (where, tag)
        if tag == "script":
            src = element.get("src", "")
            assert src.startswith("/static/"), (where, lxml.html.tostring(element))
            assert not (element.text or "").strip(), (where, element.text)
        if tag == "img":
            assert element.get("src", "").startswith("/static/"), (where, element.get("src"))
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, tag, name, value)
            assert name.lower() not in ("srcdoc", "x"), (where, tag, name)
            if name.lower() in ("href", "src", "action", "formaction", "hx-get", "hx-post"):
                assert not value.strip().lower().startswith("javascript:"), (where, name, value)
        if tag == "style":
            assert not any(m in (element.text or "") for m in MARKERS), (where, element.text)
