"""Importing what real H5P editors export (the samples in shared/h5p-samples), and the
hostile packages that real-looking content can hide: SVG script in every disguise, text
fields with script, URLs behind JSON escapes, zips of zeros."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from h5p.importer import h5p_content_import
from h5p.models import H5PContent, H5PLibrary
from h5p.validation import PackageRefused

from . import builders

pytestmark = pytest.mark.django_db

# shared/ lies beside the repository (as for developers and CI); H5P_SAMPLES may say where.
SAMPLES = Path(
    os.environ.get("H5P_SAMPLES") or Path(__file__).resolve().parents[3] / "shared" / "h5p-samples"
)
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the real H5P samples are not here ({SAMPLES} is absent)"
)


def refused(actor, data: bytes, **kwargs) -> list[str]:
    with pytest.raises(PackageRefused) as error:
        h5p_content_import(actor=actor, upload=io.BytesIO(data), **kwargs)
    return error.value.reasons


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) if root.exists() else []


@needs_samples
def test_the_hub_multichoice_export_imports_without_its_editor_libraries(administrator, h5p_root):
    content = h5p_content_import(actor=administrator, upload=SAMPLES / "hub-multichoice-1.14.h5p")
    assert str(content.main_library) == "H5P.MultiChoice 1.14.6"
    names = {library.machine_name for library in content.libraries.all()}
    assert {"EmbeddedJS", "FontAwesome", "H5P.JoubelUI", "H5P.Image", "H5P.Question"} <= names
    assert not any(name.startswith("H5PEditor.") for name in names)
    assert not (h5p_root / "libraries" / "H5PEditor.ShowWhen-1.0").exists()
    assert any("H5PEditor.RangeList-1.0" in note for note in content.import_notes)
    # Web fonts are kept as they are (served sandboxed), DOCTYPE and all.
    font = h5p_root / "libraries" / "FontAwesome-4.5" / "fontawesome-webfont.svg"
    assert b"<!DOCTYPE svg" in font.read_bytes()
    stored = json.loads((content.path / "content" / "content.json").read_text())
    assert stored["answers"][0]["text"] == "<div>Very dark purple</div>\n"
    assert (content.path / "content" / "images" / "file-5885c23902f31.jpg").is_file()
    # The photo's source link is attribution: it loads nothing.
    assert content.external_urls == []


@needs_samples
def test_the_h5p_standalone_truefalse_package_imports_leaving_out_the_stray_file(
    administrator, h5p_root
):
    content = h5p_content_import(actor=administrator, upload=SAMPLES / "truefalse-1.6.h5p")
    assert str(content.main_library) == "H5P.TrueFalse 1.6.1"
    assert any("H5P_CONTENT_HERE.txt" in note for note in content.import_notes)
    assert not (content.path / "H5P_CONTENT_HERE.txt").exists()
    assert "H5P_CONTENT_HERE.txt" not in files_under(h5p_root)
    assert any("folder entries were skipped" in note for note in content.import_notes)


@needs_samples
def test_a_trainer_imports_a_content_only_package_once_the_libraries_are_installed(
    administrator, trainer, h5p_root
):
    h5p_content_import(actor=administrator, upload=SAMPLES / "truefalse-1.6.h5p")
    with zipfile.ZipFile(SAMPLES / "truefalse-1.6.h5p") as archive:
        files = {
            info.filename: archive.read(info)
            for info in archive.infolist()
            if info.filename == "h5p.json" or info.filename.startswith("content/")
            if not info.is_dir()
        }
    content = h5p_content_import(actor=trainer, upload=io.BytesIO(builders.build(files)))
    assert content.uploaded_by == trainer
    assert str(content.main_library) == "H5P.TrueFalse 1.6.1"
    assert H5PContent.objects.count() == 2


@needs_samples
def test_a_trainer_may_import_the_full_export_once_its_libraries_are_installed(
    administrator, trainer
):
    h5p_content_import(actor=administrator, upload=SAMPLES / "truefalse-1.6.h5p")
    content = h5p_content_import(actor=trainer, upload=SAMPLES / "truefalse-1.6.h5p")
    assert content.libraries.count() == 8


def _with_content(**params) -> bytes:
    files = builders.tiny_files()
    files["content/content.json"] = json.dumps(builders.content_json(**params)).encode()
    return builders.build(files)


def test_script_in_a_text_field_never_reaches_the_stored_content(administrator):
    content = h5p_content_import(
        actor=administrator,
        upload=io.BytesIO(
            _with_content(
                question='<img src=x onerror="alert(1)">Which <script>alert(2)</script>?',
                intro='<strong>Read</strong> <a href="javascript:alert(3)">this</a>'
                '<em onclick="alert(4)">now</em><iframe src="/x"></iframe>',
                options=[{"text": "<b>bold</b>", "correct": "yes", "extra": "<script>"}],
                hidden="<script>alert(5)</script>",
            )
        ),
    )
    stored = (content.path / "content" / "content.json").read_text()
    params = json.loads(stored)
    # A text field without tags is escaped: shown as text, never parsed as HTML.
    assert params["question"].startswith("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;")
    assert "<script" not in stored and 'onerror="' not in stored and "onclick" not in stored
    assert "javascript:" not in stored and "<iframe" not in stored
    assert "<strong>Read</strong>" in params["intro"] and "<em>now</em>" in params["intro"]
    assert params["options"] == [{"text": "&lt;b&gt;bold&lt;/b&gt;", "correct": False}]
    assert "hidden" not in params
    assert any("cleaned" in note for note in content.import_notes)


def test_a_library_without_semantics_refuses_content_that_cannot_be_checked(administrator):
    files = builders.tiny_files()
    del files[f"{builders.TINY_FOLDER}/semantics.json"]
    reasons = refused(administrator, builders.build(files))
    assert any("H5P.QadamTinyQuestion 1.0 has no semantics.json" in r for r in reasons)


SVG_ATTACKS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "entity-encoded javascript link": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<a xlink:href="jav&#x61;script:alert(1)"><text>x</text></a></svg>'
    ),
    "namespaced script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
        b"<s:script>alert(1)</s:script><rect/></svg>"
    ),
    "entity hiding script": (
        b'<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;alert(1)&#60;/script&#62;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    ),
    "foreign object": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div '
        b'xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div>'
        b"</foreignObject></svg>"
    ),
    "outside image": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>'
    ),
}


@pytest.mark.parametrize("case", sorted(SVG_ATTACKS))
def test_a_content_svg_is_stored_cleaned(case, administrator):
    content = h5p_content_import(
        actor=administrator,
        upload=io.BytesIO(builders.with_extra("content/images/a.svg", SVG_ATTACKS[case])),
    )
    cleaned = (content.path / "content" / "images" / "a.svg").read_bytes().lower()
    assert cleaned.startswith(b"<?xml") and b"<svg" in cleaned
    for word in (b"script", b"onload", b"javascript", b"foreignobject", b"evil.example"):
        assert word not in cleaned, (case, cleaned)


def test_a_content_svg_that_cannot_be_read_is_refused_by_name(administrator, h5p_root):
    reasons = refused(
        administrator, builders.with_extra("content/images/broken.svg", b"<svg <<< not xml")
    )
    assert any("content/images/broken.svg" in r for r in reasons)
    assert not H5PContent.objects.exists() and not H5PLibrary.objects.exists()


def test_urls_behind_json_escaped_slashes_are_found(administrator):
    files = builders.tiny_files()
    files["content/content.json"] = (
        b'{"question":"Watch","options":[],"video":[{"path":'
        b'"https:\\/\\/h5p.org\\/sites\\/default\\/files\\/iv.mp4","mime":"video\\/mp4"}],'
        b'"intro":"<img src=\\"\\/\\/cdn.example.com\\/a.png\\">\\u0068ttps:\\/\\/text.example"}'
    )
    reasons = refused(administrator, builders.build(files))
    joined = " ".join(reasons)
    assert "https://h5p.org/sites/default/files/iv.mp4" in joined
    assert "//cdn.example.com/a.png" in joined
    assert "text.example" not in joined  # text in a sentence loads nothing


def test_interactive_video_on_youtube_is_flagged_at_import(administrator):
    params = {
        "interactiveVideo": {
            "video": {
                "files": [
                    {"path": "https:\\/\\/www.youtube.com\\/watch?v=abc", "mime": "video/YouTube"}
                ]
            }
        }
    }
    files = builders.tiny_files()
    raw = json.dumps({**builders.content_json(), **params}).replace("\\\\/", "\\/")
    files["content/content.json"] = raw.encode()
    reasons = refused(administrator, builders.build(files))
    assert any("https://www.youtube.com/watch?v=abc" in r for r in reasons)


def test_course_presentation_with_an_outside_video_is_flagged_at_import(administrator):
    video = {
        "library": "H5P.Video 1.5",
        "params": {"sources": [{"path": "//videos.example.org/lesson.mp4", "mime": "video/mp4"}]},
    }
    slides = {"presentation": {"slides": [{"elements": [{"action": video}]}]}}
    files = builders.tiny_files()
    files["content/content.json"] = json.dumps({**builders.content_json(), **slides}).encode()
    reasons = refused(administrator, builders.build(files))
    assert any("//videos.example.org/lesson.mp4" in r for r in reasons)


def test_a_zip_of_zeros_with_honest_headers_is_refused_by_its_ratio(administrator, h5p_root):
    reasons = refused(administrator, builders.bomb_package(8 * 1024 * 1024, lie=False))
    assert any("content/bomb.txt" in r and "compressed more than 100 times" in r for r in reasons)
    assert files_under(h5p_root) in ([], ["staging"])


def test_a_zip_of_zeros_whose_headers_lie_is_stopped_by_the_real_bytes(administrator, h5p_root):
    reasons = refused(administrator, builders.bomb_package(8 * 1024 * 1024, lie=True))
    assert any("content/bomb.txt" in r for r in reasons)
    assert not H5PContent.objects.exists()


def test_the_default_limits_are_lumis(settings):
    assert settings.H5P_MAX_FILE_BYTES == 16 * 1024 * 1024
    assert settings.H5P_MAX_TOTAL_BYTES == 64 * 1024 * 1024


def test_a_file_over_the_file_limit_is_named_before_unpacking(administrator, settings):
    settings.H5P_MAX_FILE_BYTES = 1024 * 1024
    files = builders.tiny_files()
    files["content/big.txt"] = bytes(range(256)) * 8192  # 2 MiB that compresses poorly
    reasons = refused(administrator, builders.build(files))
    assert any("content/big.txt" in r and "larger than 1 MB" in r for r in reasons)


def test_a_trainers_activities_stay_within_the_quota(administrator, trainer, settings):
    h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    content_only = builders.tiny_package(with_library=False)
    first = h5p_content_import(actor=trainer, upload=io.BytesIO(content_only))
    settings.H5P_QUOTA_BYTES = first.size_bytes + 10
    reasons = refused(trainer, content_only)
    assert any("each trainer may use" in r for r in reasons)
    assert H5PContent.objects.filter(uploaded_by=trainer).count() == 1


def test_every_problem_is_reported_at_once_each_naming_its_file(administrator):
    files = builders.tiny_files()
    files["content/../evil.json"] = b"{}"
    files["content/shell.php"] = b"<?php"
    files[f"{builders.TINY_FOLDER}/x.html"] = b"<script>"
    library = builders.tiny_library_json(
        preloadedDependencies=[
            {"machineName": "H5P.JoubelUI", "majorVersion": "one", "minorVersion": 3},
            {"machineName": "", "majorVersion": 1, "minorVersion": 0},
        ]
    )
    files[f"{builders.TINY_FOLDER}/library.json"] = json.dumps(library).encode()
    reasons = refused(administrator, builders.build(files))
    joined = "\n".join(reasons)
    assert "content/../evil.json" in joined
    assert "content/shell.php" in joined
    assert f"{builders.TINY_FOLDER}/x.html" in joined
    assert "H5P.JoubelUI" in joined and '"one"' in joined
    assert "entry 2 of “preloadedDependencies”" in joined


def test_string_versions_are_read_as_php_exporters_write_them(administrator):
    files = builders.tiny_files()
    h5p = builders.h5p_json(
        preloadedDependencies=[
            {"machineName": builders.TINY, "majorVersion": "1", "minorVersion": "0"}
        ]
    )
    files["h5p.json"] = json.dumps(h5p).encode()
    files[f"{builders.TINY_FOLDER}/library.json"] = json.dumps(
        builders.tiny_library_json(majorVersion="1", minorVersion="0", patchVersion="3")
    ).encode()
    content = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.build(files)))
    assert str(content.main_library) == "H5P.QadamTinyQuestion 1.0.3"


def test_flash_and_editor_libraries_are_left_out_with_a_note(administrator, h5p_root):
    files = builders.tiny_files()
    files[f"{builders.TINY_FOLDER}/player.swf"] = b"FWS"
    files["H5PEditor.Thing-1.0/library.json"] = b"{}"
    files["__MACOSX/._h5p.json"] = b"x"
    content = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.build(files)))
    notes = " ".join(content.import_notes)
    assert "player.swf" in notes and "H5PEditor.Thing-1.0" in notes and "__MACOSX" in notes
    assert not list(h5p_root.rglob("*.swf"))


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", "нельзя добавлять в содержимое"), ("kk", "мазмұнда .js түріндегі файлдарға")],
)
def test_refusals_are_in_the_uploaders_language_and_name_the_file(language, words, administrator):
    from django.utils import translation

    with translation.override(language):
        reasons = refused(administrator, builders.with_extra("content/run.js", b"alert(1)"))
    assert any("content/run.js" in r and words in r for r in reasons), reasons
