"""Which names of entries in a package are safe to unpack: no absolute paths, no ``..``,
no backslashes, no hidden or empty parts."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# A file name part: letters, digits and a few marks; no leading dot (hidden files).
SAFE_PART = re.compile(r"^[\w\-][\w\-. ()+,@=~'&]*$")


def name_problems(name: str) -> list[str]:
    problems = []
    if "\\" in name:
        problems.append(_("“%(name)s” has a backslash in its path.") % {"name": name})
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        problems.append(_("“%(name)s” is an absolute path.") % {"name": name})
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        problems.append(_("“%(name)s” points outside the package (..).") % {"name": name})
    elif not problems and any(not SAFE_PART.match(part) for part in parts):
        problems.append(_("“%(name)s” has a hidden, empty or unusual name part.") % {"name": name})
    return problems
