"""Reading ``h5p.json`` and ``library.json`` as the H5P specification and the official
validator (h5p-php-library, ``H5PValidator``) define them.

Every problem names the file and, for a dependency, its place in the list and what it
says, so that a trainer can tell the author what to fix. Versions are integers or strings
of digits (PHP exporters write ``"majorVersion": "1"``; the official validator checks
``^[0-9]{1,5}$``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .entry_names import name_problems

MACHINE_NAME = re.compile(r"^[\w0-9\-.]{1,255}$")
LANGUAGE = re.compile(r"^[-a-zA-Z]{1,10}$")
LIBRARY_FOLDER = re.compile(r"^([\w0-9\-.]{1,255})-(\d{1,5})\.(\d{1,5})$")
VERSION = re.compile(r"^[0-9]{1,5}$")
# "H5P.Image 1.1", as content.json and semantics.json name a library.
LIBRARY_STRING = re.compile(r"^([\w0-9\-.]{1,255}) (\d{1,5})\.(\d{1,5})$")
EDITOR_PREFIX = "H5PEditor."


@dataclass(frozen=True, order=True)
class LibraryRef:
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    @classmethod
    def parse(cls, text: Any) -> LibraryRef | None:
        """``"H5P.Image 1.1"`` (how content names a library), or None."""
        match = LIBRARY_STRING.match(text) if isinstance(text, str) else None
        return cls(match[1], int(match[2]), int(match[3])) if match else None

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class PackageLibrary:
    ref: LibraryRef
    patch: int
    metadata: dict[str, Any]
    dependencies: list[LibraryRef]
    semantics: list[Any] | None


def version(value: Any) -> int | None:
    """A version number: an integer, or a string of digits as PHP exporters write them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= 99999 else None
    if isinstance(value, str) and VERSION.match(value):
        return int(value)
    return None


def json_load(path: Path, label: str, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        problems.append(_("%(file)s is missing.") % {"file": label})
    except (ValueError, UnicodeDecodeError) as error:
        problems.append(
            _("%(file)s is not valid JSON (%(error)s).") % {"file": label, "error": error}
        )
    return None


def json_object(path: Path, label: str, problems: list[str]) -> dict[str, Any] | None:
    data = json_load(path, label, problems)
    if data is not None and not isinstance(data, dict):
        problems.append(_("%(file)s is not a JSON object.") % {"file": label})
        return None
    return data


def dependency_refs(value: Any, label: str, key: str, problems: list[str]) -> list[LibraryRef]:
    """The libraries listed under ``key`` of ``label``; each bad one is named."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(_("%(file)s: “%(key)s” is not a list.") % {"file": label, "key": key})
        return []
    refs = []
    for number, item in enumerate(value, start=1):
        where = {"file": label, "key": key, "number": number}
        if not isinstance(item, dict):
            problems.append(_("%(file)s: entry %(number)s of “%(key)s” is not an object.") % where)
            continue
        name = item.get("machineName")
        major, minor = version(item.get("majorVersion")), version(item.get("minorVersion"))
        if not isinstance(name, str) or not MACHINE_NAME.match(name):
            problems.append(
                _("%(file)s: entry %(number)s of “%(key)s” has no valid machine name (%(value)s).")
                % {**where, "value": json.dumps(name, ensure_ascii=False)}
            )
            continue
        if major is None or minor is None:
            problems.append(
                _(
                    "%(file)s: the dependency %(name)s in “%(key)s” has no valid version "
                    "(major %(major)s, minor %(minor)s)."
                )
                % {
                    **where,
                    "name": name,
                    "major": json.dumps(item.get("majorVersion")),
                    "minor": json.dumps(item.get("minorVersion")),
                }
            )
            continue
        refs.append(LibraryRef(name, major, minor))
    return refs


def h5p_json_check(
    data: dict[str, Any], problems: list[str]
) -> tuple[LibraryRef | None, list[LibraryRef]]:
    """The main library and the preloaded dependencies ``h5p.json`` declares."""
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        problems.append(_("h5p.json has no title."))
    if not isinstance(data.get("language"), str) or not LANGUAGE.match(data["language"]):
        problems.append(
            _("h5p.json has no valid language (%(value)s).")
            % {"value": json.dumps(data.get("language"), ensure_ascii=False)}
        )
    main = data.get("mainLibrary")
    if not isinstance(main, str) or not MACHINE_NAME.match(main):
        problems.append(
            _("h5p.json has no valid main library (%(value)s).")
            % {"value": json.dumps(main, ensure_ascii=False)}
        )
    embed = data.get("embedTypes")
    if not isinstance(embed, list) or not embed or not set(map(str, embed)) <= {"div", "iframe"}:
        problems.append(
            _("h5p.json has no valid embed types (%(value)s); “div” and “iframe” are allowed.")
            % {"value": json.dumps(embed, ensure_ascii=False)}
        )
    listed = data.get("preloadedDependencies")
    if not isinstance(listed, list) or not listed:
        problems.append(_("h5p.json lists no libraries (preloadedDependencies)."))
    refs = dependency_refs(listed, "h5p.json", "preloadedDependencies", problems)
    main_ref = next((ref for ref in refs if ref.machine_name == main), None)
    if isinstance(main, str) and refs and main_ref is None:
        problems.append(
            _("h5p.json: the main library %(name)s is not among its preloadedDependencies.")
            % {"name": main}
        )
    return main_ref, refs


def _files_listed(data: dict[str, Any], folder: Path, label: str, problems: list[str]) -> None:
    for key in ("preloadedJs", "preloadedCss"):
        files = data.get(key, [])
        if not isinstance(files, list):
            problems.append(_("%(file)s: “%(key)s” is not a list.") % {"file": label, "key": key})
            continue
        for item in files:
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or name_problems(path) or not (folder / path).is_file():
                problems.append(
                    _("%(file)s names a file that is not in the package: %(path)s")
                    % {"file": label, "path": path}
                )


def library_check(folder: Path, problems: list[str]) -> PackageLibrary | None:
    """``folder/library.json`` (and ``semantics.json`` if there) checked; None if unusable."""
    label = f"{folder.name}/library.json"
    data = json_object(folder / "library.json", label, problems)
    if data is None:
        return None
    name = data.get("machineName")
    numbers = {k: version(data.get(k)) for k in ("majorVersion", "minorVersion", "patchVersion")}
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        problems.append(_("%(file)s has no title.") % {"file": label})
    if not isinstance(name, str) or not MACHINE_NAME.match(name):
        problems.append(
            _("%(file)s has no valid machine name (%(value)s).")
            % {"file": label, "value": json.dumps(name, ensure_ascii=False)}
        )
        return None
    bad = [key for key, number in numbers.items() if number is None]
    if bad:
        problems.append(
            _("%(file)s has no valid %(keys)s.") % {"file": label, "keys": ", ".join(bad)}
        )
        return None
    if data.get("runnable") not in (0, 1, True, False, "0", "1"):
        problems.append(_("%(file)s: “runnable” must be 0 or 1.") % {"file": label})
    ref = LibraryRef(name, numbers["majorVersion"], numbers["minorVersion"])  # type: ignore[arg-type]
    if ref.folder != folder.name:
        problems.append(
            _("%(file)s describes %(library)s, which belongs in folder %(folder)s.")
            % {"file": label, "library": ref, "folder": ref.folder}
        )
    _files_listed(data, folder, label, problems)
    dependencies = [
        *dependency_refs(
            data.get("preloadedDependencies"), label, "preloadedDependencies", problems
        ),
        *dependency_refs(data.get("dynamicDependencies"), label, "dynamicDependencies", problems),
    ]
    semantics = None
    if (folder / "semantics.json").is_file():
        semantics = json_load(folder / "semantics.json", f"{folder.name}/semantics.json", problems)
        if semantics is not None and not isinstance(semantics, list):
            problems.append(
                _("%(file)s is not a list of fields.") % {"file": f"{folder.name}/semantics.json"}
            )
            semantics = None
    return PackageLibrary(
        ref=ref,
        patch=numbers["patchVersion"],  # type: ignore[arg-type]
        metadata=data,
        dependencies=dependencies,
        semantics=semantics,
    )


def runnable(metadata: dict[str, Any]) -> bool:
    return metadata.get("runnable") in (1, True, "1")
