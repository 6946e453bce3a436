"""Which internet addresses a package's content would load.

``content.json`` is parsed and every string in it inspected, so escaped slashes
(``https:\\/\\/h5p.org/...``, as PHP writes JSON) and ``\\u`` escapes hide nothing. A
string that is itself an address (a video's ``path``, an iframe's ``source``) loads it;
inside HTML text, an address in any attribute but a link's ``href`` loads it (``<img
src>``, ``style="background:url(...)"``), while one in plain text or ``href`` loads
nothing until followed. Attribution (``metadata``, ``copyright``: the author's source
link) loads nothing either. Interactive Video and Course Presentation with a YouTube or
outside video are the common case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

URL = re.compile(r"""(?i)(?:\b(?:https?|ftp|wss?|rtmp):)?//[a-z0-9\[][^\s"'<>()\\]*""")
WHOLE_URL = re.compile(r"""(?i)^\s*(?:(?:https?|ftp|wss?|rtmp):)?//[a-z0-9\[]""")
# Objects that describe where content came from: shown as text or links, never loaded.
ATTRIBUTION_KEYS = frozenset({"metadata", "copyright"})
LINK_ATTRIBUTES = frozenset({"href", "cite"})


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name not in LINK_ATTRIBUTES:
                self.urls += [match.group(0) for match in URL.finditer(value)]

    handle_startendtag = handle_starttag


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            if child_key not in ATTRIBUTION_KEYS:
                yield from _strings(child, str(child_key))
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child, key)
    elif isinstance(value, str):
        yield key, value


def urls_loaded(data: Any) -> list[str]:
    """Every internet address the parsed ``content.json`` ``data`` would load, sorted."""
    found: set[str] = set()
    for _key, text in _strings(data):
        if WHOLE_URL.match(text):
            found.add(text.strip())
        elif "<" in text and "//" in text:
            parser = _Attributes()
            parser.feed(text)
            parser.close()
            found.update(parser.urls)
    return sorted(found)
