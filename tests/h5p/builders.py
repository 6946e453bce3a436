"""H5P packages built at test time: our own tiny content type, and hostile packages.

``H5P.QadamTinyQuestion 1.0`` is a few lines of our own JavaScript: it shows a question
with one button per option; pressing one triggers an xAPI ``answered`` statement with a
score through H5P's EventDispatcher, and its state (the chosen option) is saved.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from typing import Any

TINY = "H5P.QadamTinyQuestion"
TINY_FOLDER = f"{TINY}-1.0"

TINY_JS = r"""
var H5P = H5P || {};
H5P.QadamTinyQuestion = (function ($, EventDispatcher) {
  function Tiny(params, contentId, extras) {
    EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
    var previous = extras && extras.previousState;
    this.answer = previous && typeof previous.answer === "number" ? previous.answer : null;
  }
  Tiny.prototype = Object.create(EventDispatcher.prototype);
  Tiny.prototype.constructor = Tiny;
  Tiny.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get(0);
    root.classList.add("qadam-tiny");
    var question = document.createElement("p");
    question.className = "qadam-tiny__question";
    question.textContent = self.params.question;
    root.appendChild(question);
    var chosen = document.createElement("p");
    chosen.className = "qadam-tiny__chosen";
    self.params.options.forEach(function (option, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "qadam-tiny__option";
      button.textContent = option.text;
      button.addEventListener("click", function () {
        self.answer = index;
        chosen.textContent = "Chosen: " + option.text;
        var event = self.createXAPIEventTemplate("answered");
        var score = option.correct ? 1 : 0;
        event.setScoredResult(score, 1, self, true, score === 1);
        self.trigger(event);
      });
      root.appendChild(button);
    });
    if (self.answer !== null) {
      chosen.textContent = "Chosen: " + self.params.options[self.answer].text;
    }
    root.appendChild(chosen);
  };
  Tiny.prototype.getCurrentState = function () { return { answer: this.answer }; };
  Tiny.prototype.getScore = function () {
    return this.answer !== null && this.params.options[this.answer].correct ? 1 : 0;
  };
  Tiny.prototype.getMaxScore = function () { return 1; };
  return Tiny;
})(H5P.jQuery, H5P.EventDispatcher);
"""

TINY_CSS = (
    ".qadam-tiny { font-family: sans-serif; padding: 1rem; }\n"
    ".qadam-tiny__option { margin: 0 .5rem .5rem 0; font-size: 1.1rem; padding: .5rem 1rem; }\n"
)


def tiny_library_json(patch: int = 0, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Qadam tiny question",
        "machineName": TINY,
        "majorVersion": 1,
        "minorVersion": 0,
        "patchVersion": patch,
        "runnable": 1,
        "preloadedJs": [{"path": "tiny.js"}],
        "preloadedCss": [{"path": "tiny.css"}],
    }
    data.update(overrides)
    return data


def h5p_json(title: str = "Which tool cuts metal?", **overrides: Any) -> dict[str, Any]:
    data = {
        "title": title,
        "language": "en",
        "mainLibrary": TINY,
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [{"machineName": TINY, "majorVersion": 1, "minorVersion": 0}],
    }
    data.update(overrides)
    return data


def content_json(**overrides: Any) -> dict[str, Any]:
    data = {
        "question": "Which tool cuts metal?",
        "options": [
            {"text": "A hacksaw", "correct": True},
            {"text": "A paintbrush", "correct": False},
        ],
    }
    data.update(overrides)
    return data


TINY_SEMANTICS = [
    {"name": "question", "type": "text", "label": "Question"},
    {
        "name": "options",
        "type": "list",
        "label": "Options",
        "field": {
            "name": "option",
            "type": "group",
            "label": "Option",
            "fields": [
                {"name": "text", "type": "text", "label": "Text"},
                {"name": "correct", "type": "boolean", "label": "Correct"},
            ],
        },
    },
    {"name": "video", "type": "video", "label": "Video", "optional": True},
    {"name": "intro", "type": "text", "widget": "html", "tags": ["strong", "em", "a"],
     "optional": True, "label": "Introduction"},
]  # fmt: skip


def tiny_files(
    *, with_library: bool = True, patch: int = 0, title: str = "Which tool cuts metal?"
) -> dict[str, bytes]:
    files = {
        "h5p.json": json.dumps(h5p_json(title)).encode(),
        "content/content.json": json.dumps(content_json()).encode(),
    }
    if with_library:
        files[f"{TINY_FOLDER}/library.json"] = json.dumps(tiny_library_json(patch)).encode()
        files[f"{TINY_FOLDER}/tiny.js"] = TINY_JS.encode()
        files[f"{TINY_FOLDER}/tiny.css"] = TINY_CSS.encode()
        files[f"{TINY_FOLDER}/semantics.json"] = json.dumps(TINY_SEMANTICS).encode()
    return files


def build(files: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    """A zip of ``files`` (a list allows duplicate names)."""
    buffer = io.BytesIO()
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items:
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def tiny_package(**kwargs: Any) -> bytes:
    return build(tiny_files(**kwargs))


def with_extra(name: str, data: bytes = b"x") -> bytes:
    files = tiny_files()
    files[name] = data
    return build(files)


def symlink_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in tiny_files().items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("content/passwd.json")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def bomb_package(size: int, *, lie: bool) -> bytes:
    """``content/bomb.txt`` of ``size`` zero bytes; with ``lie`` its header claims 10 bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in tiny_files().items():
            archive.writestr(name, data)
        archive.writestr("content/bomb.txt", b"\0" * size)
    raw = buffer.getvalue()
    if not lie:
        return raw
    # Rewrite the declared uncompressed size (local header and central directory).
    blob = bytearray(raw)
    name = b"content/bomb.txt"
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := blob.find(signature, start)) != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if blob[name_at : name_at + len(name)] == name:
                blob[at + size_offset : at + size_offset + 4] = (10).to_bytes(4, "little")
            start = at + 4
    return bytes(blob)


def many_entries_package(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in tiny_files().items():
            archive.writestr(name, data)
        for number in range(count):
            archive.writestr(f"content/f{number}.txt", b"")
    return buffer.getvalue()
