"""Content parameters filtered against each library's ``semantics.json``, as the official
H5P implementation does (h5p-php-library, ``H5PContentValidator``), before the player sees
them.

H5P content types insert most text fields into the page as HTML. So, field by field:
text with ``tags`` keeps only those tags (plus H5P's defaults ``div span p br`` and the
related ones it adds: table rows and cells for ``table``, ``strong`` for ``b``, ...), and
of their attributes only safe ones, with ``style`` only as the ``font`` options allow;
text without ``tags`` is escaped (``<`` becomes ``&lt;``); numbers are clamped to
``min``/``max``; selects keep only their options; lists are cut to ``max``; a field of
type ``library`` must name one of its ``options`` and is filtered against that library's
own semantics; keys the semantics do not describe are removed. The HTML is cleaned by
nh3 (the Rust sanitiser ammonia), not by patterns.

``ContentFilter.params_filter`` returns the filtered copy and how many strings it changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import nh3

from .manifests import LibraryRef

DEFAULT_TAGS = {"div", "span", "p", "br"}
# Never kept, whatever a library's semantics allow: they run script, load or submit.
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "link", "meta", "form", "input", "button", "textarea", "select", "option", "svg", "math",
    "template", "noscript", "html", "head", "body", "title", "portal",
}  # fmt: skip
STYLEABLE_TAGS = {"span", "p", "div", "h1", "h2", "h3", "td"}
COMMON_ATTRIBUTES = {"class", "title", "lang", "dir"}
TAG_ATTRIBUTES = {
    "a": {"href", "target", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers", "scope"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "table": {"border", "cellpadding", "cellspacing", "summary", "width"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "abbr": {"title"},
    "blockquote": {"cite"},
}
URL_SCHEMES = {"http", "https", "ftp", "mailto"}
FONT_STYLES = {
    "size": r"font-size: *[0-9.]+(em|px|%) *",
    "family": r"font-family: *[-a-z0-9,\" ]+",
    "color": r"color: *(#[a-f0-9]{3}[a-f0-9]{3}?|rgba?\([0-9, ]+\)) *",
    "background": r"background-color: *(#[a-f0-9]{3}[a-f0-9]{3}?|rgba?\([0-9, ]+\)) *",
    "spacing": r"letter-spacing: *[0-9.]+(em|px|%) *",
    "height": r"line-height: *[0-9.]+(em|px|%|) *",
}
ALIGN_STYLE = r"text-align: *(center|left|right) *"
SUB_CONTENT_ID = re.compile(r"^\{?[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\}?$")
# htmlspecialchars(..., double_encode=FALSE): an entity already written stays as it is.
BARE_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
FILE_KEYS = {"path", "mime", "copyright"}
METADATA_TEXT_LISTS = {"authors", "changes"}

Semantics = list[dict[str, Any]]


def plain_text(text: str) -> str:
    """Text escaped for HTML, entities already written kept (PHP's htmlspecialchars with
    double_encode off)."""
    text = BARE_AMPERSAND.sub("&amp;", text)
    return (
        text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#039;")
    )


def _tags(field: dict[str, Any]) -> set[str]:
    tags = DEFAULT_TAGS | {str(tag).lower() for tag in field.get("tags") or []}
    if "table" in tags:
        tags |= {"tr", "td", "th", "colgroup", "col", "thead", "tbody", "tfoot", "caption"}
    if "b" in tags:
        tags.add("strong")
    if "i" in tags:
        tags.add("em")
    if tags & {"ul", "ol"}:
        tags.add("li")
    if tags & {"del", "strike"}:
        tags.add("s")
    return tags - FORBIDDEN_TAGS


def _style_filter(field: dict[str, Any]) -> Callable[[str, str, str], str | None]:
    font: dict[str, Any] = field["font"] if isinstance(field.get("font"), dict) else {}
    patterns = [pattern for key, pattern in FONT_STYLES.items() if font.get(key)]
    allowed = re.compile("^(?:" + "|".join([*patterns, ALIGN_STYLE]) + ");?$", re.IGNORECASE)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute != "style":
            return value
        if tag not in STYLEABLE_TAGS:
            return None
        declarations = [part.strip() for part in value.split(";") if part.strip()]
        kept = [part for part in declarations if allowed.match(part)]
        return "; ".join(kept) or None

    return keep


def rich_text(text: str, field: dict[str, Any]) -> str:
    """HTML ``text`` with only the tags and styles ``field`` allows."""
    tags = _tags(field)
    attributes = {tag: COMMON_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, set()) for tag in tags}
    for tag in STYLEABLE_TAGS & tags:
        attributes[tag] = attributes[tag] | {"style"}
    return nh3.clean(
        text,
        tags=tags,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        attribute_filter=_style_filter(field),
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


class SemanticsMissing(Exception):
    """Content uses a library whose semantics are not available."""

    def __init__(self, ref: LibraryRef):
        self.ref = ref
        super().__init__(str(ref))


class ContentFilter:
    """Filters parameters against semantics; ``semantics_for(ref)`` gives a library's
    parsed ``semantics.json`` (or None when the library or its semantics are missing)."""

    def __init__(self, semantics_for: Callable[[LibraryRef], Semantics | None]):
        self.semantics_for = semantics_for
        self.changed = 0
        self.used: set[LibraryRef] = set()

    def params_filter(self, params: Any, library: LibraryRef) -> Any:
        """``params`` (a parsed content.json) filtered against ``library``'s semantics."""
        return self._library_params(params, library)

    def _library_params(self, params: Any, library: LibraryRef) -> Any:
        semantics = self.semantics_for(library)
        if semantics is None:
            raise SemanticsMissing(library)
        self.used.add(library)
        group = {"type": "group", "fields": semantics}
        return self._group(params, group, flatten=False)

    def _text(self, value: Any, field: dict[str, Any]) -> str:
        original = value if isinstance(value, str) else ""
        text = rich_text(original, field) if "tags" in field else plain_text(original)
        max_length = field.get("maxLength")
        if isinstance(max_length, int) and max_length >= 0:
            text = text[:max_length]
        if text != value:
            self.changed += 1
        return text

    def _number(self, value: Any, field: dict[str, Any]) -> float | int:
        number = _numeric(value)
        low, high = field.get("min"), field.get("max")
        if isinstance(low, int | float) and number < low:
            number = low
        if isinstance(high, int | float) and number > high:
            number = high
        decimals = field.get("decimals")
        if isinstance(decimals, int) and isinstance(number, float):
            number = round(number, decimals)
        if number != value:
            self.changed += 1
        return number

    def _boolean(self, value: Any, field: dict[str, Any]) -> bool:
        if isinstance(value, bool):
            return value
        self.changed += 1
        return value in (1, "1", "true")

    def _select(self, value: Any, field: dict[str, Any]) -> Any:
        options = [o.get("value") for o in field.get("options") or [] if isinstance(o, dict)]
        strict = bool(options) and not field.get("optional")

        def one(item: Any) -> Any:
            if strict and item not in options:
                return None
            return plain_text(item) if isinstance(item, str) else item

        if field.get("multiple"):
            items = value if isinstance(value, list) else [value]
            return [kept for kept in map(one, items) if kept is not None]
        if isinstance(value, list):
            value = value[0] if value else None
        kept = one(value)
        return options[0] if kept is None and strict else kept

    def _list(self, value: Any, field: dict[str, Any]) -> list[Any] | None:
        if not isinstance(value, list) or not isinstance(field.get("field"), dict):
            return None
        if isinstance(field.get("max"), int):
            value = value[: field["max"]]
        items = [self._value(item, field["field"]) for item in value]
        kept = [item for item in items if item is not None]
        return kept or None

    def _group(self, value: Any, field: dict[str, Any], flatten: bool = True) -> Any:
        fields = [f for f in field.get("fields") or [] if isinstance(f, dict)]
        sub_content = field.get("isSubContent") is True
        if len(fields) == 1 and flatten and not sub_content:
            return self._value(value, fields[0])
        if not isinstance(value, dict):
            return None
        by_name = {f.get("name"): f for f in fields}
        kept: dict[str, Any] = {}
        for key, child in value.items():
            if sub_content and key == "subContentId":
                kept[key] = child if isinstance(child, str) else ""
                continue
            if key not in by_name:
                continue
            filtered = self._value(child, by_name[key])
            if filtered is not None:
                kept[key] = filtered
        return kept

    def _file(
        self, value: Any, field: dict[str, Any], extra: frozenset[str] | set[str] = frozenset()
    ) -> Any:
        if not isinstance(value, dict) or not isinstance(value.get("path"), str):
            return None
        keys = FILE_KEYS | extra | set(field.get("extraAttributes") or [])
        kept = {key: child for key, child in value.items() if key in keys}
        kept["path"] = plain_text(kept["path"])
        for key in ("mime", "codecs"):
            if key in kept:
                kept[key] = plain_text(str(kept[key]))
        for key in ("width", "height"):
            if key in kept:
                kept[key] = _int(kept[key])
        quality = kept.get("quality")
        if quality is not None:
            if isinstance(quality, dict) and {"level", "label"} <= quality.keys():
                kept["quality"] = {
                    "level": _int(quality["level"]),
                    "label": plain_text(str(quality["label"])),
                }
            else:
                del kept["quality"]
        if "copyright" in kept:
            kept["copyright"] = _attribution(kept["copyright"])
        if "originalImage" in kept:
            kept["originalImage"] = self._file(kept["originalImage"], {}, {"width", "height"})
        return kept

    def _image(self, value: Any, field: dict[str, Any]) -> Any:
        return self._file(value, field, {"width", "height", "originalImage"})

    def _variants(self, value: Any, field: dict[str, Any], extra: set[str]) -> Any:
        if not isinstance(value, list):
            return None
        return [v for v in (self._file(item, field, extra) for item in value) if v is not None]

    def _library(self, value: Any, field: dict[str, Any]) -> Any:
        if not isinstance(value, dict):
            return None
        options = [o.get("name") if isinstance(o, dict) else o for o in field.get("options") or []]
        name = value.get("library")
        ref = LibraryRef.parse(name)
        if ref is None or name not in options:
            self.changed += 1
            return None
        kept: dict[str, Any] = {"library": name}
        kept["params"] = self._library_params(value.get("params") or {}, ref)
        sub_id = value.get("subContentId")
        if isinstance(sub_id, str) and SUB_CONTENT_ID.match(sub_id):
            kept["subContentId"] = sub_id
        if "metadata" in value:
            kept["metadata"] = _attribution(value["metadata"])
        for key in field.get("extraAttributes") or []:
            if key in value:
                kept[key] = _attribution(value[key])
        return kept

    def _value(self, value: Any, field: dict[str, Any]) -> Any:
        kind = field.get("type")
        handlers: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
            "text": self._text,
            "number": self._number,
            "boolean": self._boolean,
            "select": self._select,
            "list": self._list,
            "group": self._group,
            "file": self._file,
            "image": self._image,
            "video": lambda v, f: self._variants(v, f, {"width", "height", "codecs", "quality"}),
            "audio": lambda v, f: self._variants(v, f, set()),
            "library": self._library,
        }
        handler = handlers.get(str(kind))
        return handler(value, field) if handler else None


def _numeric(value: Any) -> int | float:
    """A number as PHP's ``is_numeric`` reads one (numeric strings too), else 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return 0
        return int(number) if number.is_integer() and "." not in value else number
    return 0


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _attribution(value: Any) -> Any:
    """Metadata and copyright (titles, authors, licence, source link): all plain text."""
    if isinstance(value, dict):
        return {str(key): _attribution(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_attribution(child) for child in value]
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return None
