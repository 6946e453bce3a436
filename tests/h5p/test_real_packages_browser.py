"""Real H5P packages (exported by other tools: shared/h5p-samples) played in a real browser
(Debian's Chromium, headless) by prisoners on a kiosk.

An administrator installs each package's libraries (as ``test_import_real`` does); a
lesson holds the activity; a prisoner signs in through the kiosk page, sees the activity
render inside its sandboxed frame, answers wrong (the result line says so at once, not
passed) and right (passed), finishes the lesson and the course (certificate), reloads
(their answer is resumed) and signs out: the next learner on the same kiosk starts fresh.
A lesson with three activities of three content types records three results; a hostile
library can reach nothing of the lesson page.

Screenshots of each content type playing go to /tmp/h5p-*.png.
"""

from __future__ import annotations

import io
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from courses.models import ActivityResult, CourseCompletion, LessonProgress
from courses.services import enrolment_create
from h5p.importer import h5p_content_import
from h5p.models import ContentUserData, XAPIStatement
from h5p.view_grants import view_grant_issue
from kiosk.services import devices, pins
from lms.core.models import User
from tests import factories
from tests.browser import chromium

from . import builders

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# shared/ lies beside the repository (as for developers and CI); H5P_SAMPLES may say where.
SAMPLES = Path(
    os.environ.get("H5P_SAMPLES") or Path(__file__).resolve().parents[3] / "shared" / "h5p-samples"
)
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the real H5P samples are not here ({SAMPLES} is absent)"
)
PIN = "2580"
FRAME = "iframe.h5p-activity__frame"


@dataclass(frozen=True)
class ContentType:
    """How a test plays one real content type: where its question shows, how to give a
    wrong and a right answer, and how a resumed answer looks."""

    package: str
    main_library: str
    question: str  # a selector inside the frame, and its text
    question_text: str
    wrong: str  # the option a learner chooses to be wrong / right
    right: str
    option: str  # selector of one option (filtered by its text)
    chosen: str  # selector of an option the learner has chosen

    def answer(self, page, frame, text: str) -> None:
        """Choose ``text`` and press Check (once the frames stopped growing: a frame above
        that grows moves this one, and a click could land on another option)."""
        settle(page)
        frame.locator(self.option, has_text=text).first.click()
        expect(frame.locator(self.chosen)).to_contain_text(text)
        frame.locator(".h5p-question-check-answer").click()


MULTICHOICE = ContentType(
    package="hub-multichoice-1.14.h5p",
    main_library="H5P.MultiChoice 1.14.6",
    question=".h5p-question-introduction",
    question_text="What color does the blackcurrant berry actually have?",
    wrong="Blue",
    right="Very dark purple",
    option=".h5p-answer",
    chosen=".h5p-answer[aria-checked=true]",
)
TRUEFALSE = ContentType(
    package="truefalse-1.6.h5p",
    main_library="H5P.TrueFalse 1.6.1",
    question=".h5p-question-introduction",
    question_text="Is this false?",
    wrong="True",
    right="False",
    option=".h5p-true-false-answer",
    chosen=".h5p-true-false-answer[aria-checked=true]",
)
REAL = {"multichoice": MULTICHOICE, "truefalse": TRUEFALSE}


def h5p_frames(page) -> list:
    return [frame for frame in page.frames if "/h5p/views/" in frame.url]


def settle(page) -> None:
    """Wait (up to 5 s) until every H5P frame has taken its content's height and kept it
    for a moment. The frame reports its height by message, so the page moves when an
    activity grows or shrinks: a click computed before would land elsewhere (after Retry
    the feedback goes, the frame shrinks and a scrolled page jumps), and a screenshot
    taken before would cut the activity off."""
    heights = None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        outer = page.evaluate(
            "() => Array.from(document.querySelectorAll('iframe.h5p-activity__frame'))"
            ".map(f => Math.round(f.getBoundingClientRect().height))"
        )
        inner = [
            round(frame.evaluate("() => document.documentElement.getBoundingClientRect().height"))
            for frame in h5p_frames(page)
        ]
        fits = len(outer) == len(inner) and all(
            abs(o - i) <= 2 for o, i in zip(outer, inner, strict=True)
        )
        if fits and (outer, inner) == heights:
            return
        heights = (outer, inner) if fits else None
        time.sleep(0.25)


def shot(page, name: str) -> None:
    settle(page)
    page.wait_for_timeout(800)  # H5P's feedback and score bar slide in after a delay
    settle(page)
    page.screenshot(path=f"/tmp/h5p-{name}.png", full_page=True)


@pytest.fixture
def world(db, live_server):
    facility = factories.FacilityFactory(code="a", name="Facility A")
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None, username="hadmin")
    first = factories.PrisonerFactory(facility=facility, first_name="Nurlan", last_name="Abenov")
    second = factories.PrisonerFactory(facility=facility, first_name="Daniyar", last_name="Sarsen")
    for person in (first, second):
        pins.kiosk_pin_set(actor=admin, learner=person, pin=PIN, must_change=False)
    return {
        "url": live_server.url,
        "facility": facility,
        "admin": admin,
        "learners": [first, second],
    }


@pytest.fixture
def browser(world):
    """Started after the test database is ready (see tests/browser.py)."""
    with chromium() as launched:
        yield launched


def install(world, package: str):
    """The administrator installs the package's libraries (and its content)."""
    return h5p_content_import(actor=world["admin"], upload=SAMPLES / package)


def lesson_with(title: str, contents: list, *, lessons: int = 1):
    """A prisoner course (certificate on) whose first lesson holds ``contents``, one H5P
    block each (pass mark 60, required); the lesson and its blocks' ids."""
    course = factories.make_course(title=title, audience="prisoners", lessons=lessons)
    lesson = course.get_children().specific().first()
    lesson.body = [("heading", title)] + [
        ("h5p", {"content": content, "pass_mark": 60, "required": True}) for content in contents
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return course, lesson, [block.id for block in lesson.body if block.block_type == "h5p"]


def new_kiosk(browser, world, *, height: int = 900):
    """A fresh browser context registered as a kiosk of the facility through the page.
    (Tall enough for screenshots to show every frame: a full-page screenshot may leave a
    sandboxed frame outside the viewport blank, as Chromium paints it in its own process.)"""
    _row, code = devices.registration_code_create(
        actor=world["admin"], facility=world["facility"], unit=None, device_name="K1"
    )
    context = browser.new_context(viewport={"width": 1100, "height": height}, base_url=world["url"])
    page = context.new_page()
    page.goto("/kiosk/register/")
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Sign in")
    return context, page


def kiosk_sign_in(page, person) -> None:
    page.goto("/kiosk/")
    page.fill("#id_prisoner_number", person.prisoner_number)
    page.fill("#id_pin", PIN)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(f"Hello, {person.first_name}")


def kiosk_sign_out(page) -> None:
    page.click("button:has-text('Finish')")
    expect(page.locator(".kiosk-notice")).to_contain_text("You are signed out")


def watch(page) -> list[str]:
    """Errors the page and its frames report (what an empty box would leave)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror {error}"))
    page.on("console", lambda m: errors.append(f"console {m.text}") if m.type == "error" else None)
    page.on(
        "response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None
    )
    return errors


def wait_saved(page, learner, content, *, seconds: float = 10) -> None:
    """Wait until the server holds the learner's state as the frame has it now (saving is
    a request of its own: a reload before it lands would resume an older state)."""
    current = h5p_frames(page)[0].evaluate(
        "() => JSON.stringify(H5P.instances[0].getCurrentState())"
    )
    saved = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        saved = (
            ContentUserData.objects.filter(learner=learner, content=content)
            .values_list("data", flat=True)
            .first()
        )
        if saved is not None and json.loads(saved) == json.loads(current):
            return
        time.sleep(0.2)
    raise AssertionError(f"state not saved: {saved!r}, the frame has {current!r}")


def result_line(page, index: int = 0):
    return page.locator("[data-h5p-result]").nth(index)


@needs_samples
@pytest.mark.parametrize("name", sorted(REAL))
def test_a_prisoner_plays_a_real_package_on_a_kiosk_and_the_next_learner_starts_fresh(
    name, world, browser, settings
):
    kind = REAL[name]
    settings.H5P_SAVE_SECONDS = 1
    content = install(world, kind.package)
    assert str(content.main_library) == kind.main_library
    course, lesson, (block_id,) = lesson_with(f"Real {name}", [content])
    first, second = world["learners"]

    context, page = new_kiosk(browser, world)
    errors = watch(page)
    code: dict[str, str] = {}  # library and H5P core files: their Cache-Control
    page.on(
        "response",
        lambda r: (
            code.update({r.url: r.headers.get("cache-control", "")})
            if "/h5p/libraries/" in r.url or "/h5p/player/" in r.url
            else None
        ),
    )
    kiosk_sign_in(page, first)
    page.goto(course.get_url())
    page.click("button:has-text('Join this course')")
    page.goto(lesson.get_url())
    frame = page.frame_locator(FRAME)
    question = frame.locator(kind.question)
    expect(question).to_be_visible(timeout=15000)
    expect(question).to_contain_text(kind.question_text)
    expect(frame.locator(kind.option, has_text=kind.right).first).to_be_visible()
    assert result_line(page).inner_text() == "You need 60% to pass."
    footer = page.locator("[data-lesson-outstanding]")
    done = page.locator("form[data-lesson-done] button")
    expect(footer).to_contain_text("above to finish this lesson")
    expect(done).to_be_hidden()
    shot(page, f"{name}-1-playing")
    # Shared code is cached on the kiosk as in any browser; the content's files are not.
    assert any(f"/{kind.main_library.rsplit('.', 1)[0].replace(' ', '-')}" in url for url in code)
    assert code and all("public" in v and "immutable" in v for v in code.values()), code

    # Wrong: the result line says so at once (no reload), not passed.
    kind.answer(page, frame, kind.wrong)
    expect(result_line(page)).to_have_text("Your best result: 0%. You need 60% to pass.")
    expect(footer).to_contain_text("above to finish this lesson")  # still to pass
    expect(done).to_be_hidden()
    result = ActivityResult.objects.get(learner=first, activity_key=block_id)
    assert not result.passed and result.best_score == 0.0
    shot(page, f"{name}-2-wrong")

    # Retry, then right: passed. Retry itself sends no statement (the content type only
    # resets its answers): a test waiting for a response to Retry would time out.
    statements = XAPIStatement.objects.filter(learner=first).count()
    frame.locator(".h5p-question-try-again").click()
    expect(frame.locator(".h5p-question-check-answer")).to_be_visible()
    assert XAPIStatement.objects.filter(learner=first).count() == statements
    kind.answer(page, frame, kind.right)
    expect(result_line(page)).to_have_text("Your best result: 100%. You passed.")
    # The footer follows at once: nothing left to pass, "Mark as done" is offered.
    expect(footer).to_be_hidden()
    expect(done).to_be_visible()
    result.refresh_from_db()
    assert result.passed and result.best_score == 1.0 and result.attempts == 2
    shot(page, f"{name}-3-right")
    counted = XAPIStatement.objects.filter(learner=first, activity_key=block_id, counted=True)
    assert counted.count() == 2

    # The lesson is done, and so is the course (one lesson): a certificate is prepared.
    wait_saved(page, first, content)
    page.reload()
    expect(frame.locator(kind.chosen)).to_contain_text(kind.right)  # resumed
    with page.expect_navigation():
        page.click("button:has-text('Mark as done')")
    assert LessonProgress.objects.filter(learner=first, completed_at__isnull=False).count() == 1
    completion = CourseCompletion.objects.get(enrolment__learner=first)
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.status in (Certificate.Status.PENDING, Certificate.Status.ISSUED)
    deadline = time.monotonic() + 30
    while certificate.status != Certificate.Status.ISSUED and time.monotonic() < deadline:
        time.sleep(0.5)
        certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED, certificate.last_error

    # Reload: the answer and the result are resumed.
    page.goto(lesson.get_url())
    expect(frame.locator(kind.chosen)).to_contain_text(kind.right)
    assert "You passed" in result_line(page).inner_text()
    # Both content types resume the chosen answer, not its checked state: Check is shown
    # again and there is no Retry button to press (what made a Retry after a reload time
    # out). This is the content types' own resume (previousState), not ours.
    expect(frame.locator(".h5p-question-check-answer")).to_be_visible()
    expect(frame.locator(".h5p-question-try-again")).to_be_hidden()
    assert ContentUserData.objects.filter(learner=first, content=content).exists()
    shot(page, f"{name}-4-resumed")

    # Sign out: the next learner on this kiosk starts fresh.
    kiosk_sign_out(page)
    kiosk_sign_in(page, second)
    page.goto(course.get_url())
    page.click("button:has-text('Join this course')")
    page.goto(lesson.get_url())
    expect(frame.locator(kind.question)).to_be_visible(timeout=15000)
    expect(frame.locator(kind.option, has_text=kind.right).first).to_be_visible()
    assert frame.locator(kind.chosen).count() == 0
    assert result_line(page).inner_text() == "You need 60% to pass."
    shot(page, f"{name}-5-next-learner")
    assert not ActivityResult.objects.filter(learner=second).exists()
    assert not ContentUserData.objects.filter(learner=second).exists()
    assert errors == [], errors
    context.close()


@needs_samples
def test_a_lesson_with_three_activities_of_three_content_types_records_three_results(
    world, browser
):
    tiny = h5p_content_import(actor=world["admin"], upload=io.BytesIO(builders.tiny_package()))
    truefalse, multichoice = install(world, TRUEFALSE.package), install(world, MULTICHOICE.package)
    course, lesson, blocks = lesson_with("Three kinds", [tiny, truefalse, multichoice])
    assert len(set(blocks)) == 3
    learner = world["learners"][0]

    context, page = new_kiosk(browser, world, height=1900)
    errors = watch(page)
    kiosk_sign_in(page, learner)
    page.goto(course.get_url())
    page.click("button:has-text('Join this course')")
    page.goto(lesson.get_url())
    frames = page.locator(FRAME)
    expect(frames).to_have_count(3)
    tiny_frame, tf_frame, mc_frame = (frames.nth(i).content_frame for i in range(3))
    expect(tiny_frame.locator(".qadam-tiny__question")).to_have_text("Which tool cuts metal?")
    expect(tf_frame.locator(TRUEFALSE.question)).to_contain_text(TRUEFALSE.question_text)
    expect(mc_frame.locator(MULTICHOICE.question)).to_contain_text(MULTICHOICE.question_text)
    shot(page, "three-1-playing")

    tiny_frame.locator("button.qadam-tiny__option", has_text="A hacksaw").click()
    expect(result_line(page, 0)).to_have_text("Your best result: 100%. You passed.")
    TRUEFALSE.answer(page, tf_frame, TRUEFALSE.wrong)
    expect(result_line(page, 1)).to_have_text("Your best result: 0%. You need 60% to pass.")
    MULTICHOICE.answer(page, mc_frame, MULTICHOICE.right)
    expect(result_line(page, 2)).to_have_text("Your best result: 100%. You passed.")
    shot(page, "three-2-answered")

    results = {
        result.activity_key: result for result in ActivityResult.objects.filter(learner=learner)
    }
    assert set(results) == set(blocks)
    assert [results[block].passed for block in blocks] == [True, False, True]
    assert all(results[block].attempts == 1 for block in blocks)
    for block, content in zip(blocks, (tiny, truefalse, multichoice), strict=True):
        statements = XAPIStatement.objects.filter(
            learner=learner, activity_key=block, counted=True, score__isnull=False
        )
        assert statements.count() == 1, block
        assert statements.get().content == content
        assert statements.get().statement["object"]["id"].endswith(f"/{block}")
    assert errors == [], errors
    context.close()


HOSTILE = "H5P.QadamHostile"
HOSTILE_JS = r"""
var H5P = H5P || {};
H5P.QadamHostile = (function (EventDispatcher) {
  function Hostile(params) { EventDispatcher.call(this); this.params = params; }
  Hostile.prototype = Object.create(EventDispatcher.prototype);
  Hostile.prototype.constructor = Hostile;
  Hostile.prototype.attach = function ($container) {
    var params = this.params;
    var root = $container.get(0);
    var list = document.createElement("ul");
    list.className = "hostile__report";
    root.appendChild(list);
    function say(name, outcome) {
      var item = document.createElement("li");
      item.setAttribute("data-attempt", name);
      item.textContent = name + ": " + outcome;
      list.appendChild(item);
    }
    function attempt(name, fn) {
      try { say(name, "GOT " + String(fn())); } catch (e) { say(name, "blocked " + e.name); }
    }
    attempt("parent.document", function () { return parent.document.title; });
    attempt("parent.cookie", function () { return parent.document.cookie; });
    attempt("top.cookie", function () { return top.document.cookie; });
    attempt("own.cookie", function () { return document.cookie; });
    attempt("csrf", function () {
      return parent.document.querySelector("[name=csrfmiddlewaretoken]").value;
    });
    attempt("parent.storage", function () { return parent.localStorage.length; });
    function go(url) { return function () { top.location.href = url; return "assigned"; }; }
    attempt("top.location", go("https://evil.example/top"));
    attempt("top.replace", function () {
      top.location.replace("https://evil.example/replace");
      return "called";
    });
    attempt("popup", function () { return window.open("https://evil.example/popup"); });
    // A result for another person's view of another lesson (a grant it got hold of) ...
    var forged = {
      verb: { id: "http://adlnet.gov/expapi/verbs/answered" },
      object: { id: "https://evil.example/other" },
      actor: { mbox: "mailto:someone@else.example" },
      result: { score: { raw: 1, max: 1 }, success: true, completion: true }
    };
    parent.postMessage({ qadam: "h5p-frame", view: params.stolen, kind: "statement",
                         statement: forged }, "*");
    // ... with this frame's own grant but another lesson's URL and block ...
    var own = JSON.parse(document.getElementById("qadam-h5p-config").textContent).view;
    parent.postMessage({ qadam: "h5p-frame", view: own, kind: "statement", url: params.target,
                         xapiUrl: params.target, block: "another-block", statement: forged }, "*");
    // ... and sent to the server directly, with the grant it got hold of.
    var body = JSON.stringify({ id: "6f1e8c52-1d1c-4a8e-9a55-3d3c7e0b4c11", statement: forged });
    fetch(params.target, { method: "POST", credentials: "include",
                           headers: { "X-Qadam-View": params.stolen }, body: body })
      .then(function (r) { say("fetch", "status " + r.status); },
            function (e) { say("fetch", "blocked " + e.name); });
    fetch(params.target, { method: "POST", mode: "no-cors", credentials: "include", body: body })
      .then(function (r) { say("no-cors", "sent, opaque " + r.type); },
            function (e) { say("no-cors", "blocked " + e.name); });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "hostile__go";
    button.textContent = "Go";
    button.addEventListener("click", function () {
      attempt("top.click", go("https://evil.example/click"));
      var link = document.createElement("a");
      link.href = "https://evil.example/link";
      link.target = "_top";
      document.body.appendChild(link);
      attempt("top.link", function () { link.click(); return "clicked"; });
      say("done", "yes");
    });
    root.appendChild(button);
  };
  return Hostile;
})(H5P.EventDispatcher);
"""


def hostile_package(*, stolen: str, target: str) -> bytes:
    """A library whose code tries to reach the lesson page, its cookies and the top
    window, and to post results for another person's view of another lesson."""
    folder = f"{HOSTILE}-1.0"
    library = {
        "title": "Hostile",
        "machineName": HOSTILE,
        "majorVersion": 1,
        "minorVersion": 0,
        "patchVersion": 0,
        "runnable": 1,
        "preloadedJs": [{"path": "hostile.js"}],
    }
    semantics = [
        {"name": "stolen", "type": "text", "label": "Stolen grant"},
        {"name": "target", "type": "text", "label": "Target"},
    ]
    h5p = builders.h5p_json(
        "Hostile",
        mainLibrary=HOSTILE,
        preloadedDependencies=[{"machineName": HOSTILE, "majorVersion": 1, "minorVersion": 0}],
    )
    return builders.build(
        {
            "h5p.json": json.dumps(h5p).encode(),
            "content/content.json": json.dumps({"stolen": stolen, "target": target}).encode(),
            f"{folder}/library.json": json.dumps(library).encode(),
            f"{folder}/semantics.json": json.dumps(semantics).encode(),
            f"{folder}/hostile.js": HOSTILE_JS.encode(),
        }
    )


def test_a_hostile_library_reaches_nothing_of_the_lesson_page_and_forges_no_result(world, browser):
    first, other = world["learners"]
    # Another person's course, whose activity a forged result would be for.
    tiny = h5p_content_import(actor=world["admin"], upload=io.BytesIO(builders.tiny_package()))
    other_course, other_lesson, (other_block,) = lesson_with("Other", [tiny])
    enrolment_create(actor=other, learner=other, course=other_course)
    stolen = view_grant_issue(
        learner_id=other.pk,
        lesson_id=other_lesson.pk,
        lesson_key=other_lesson.translation_key,
        block_id=other_block,
        content_id=tiny.pk,
    )
    target = f"/h5p/lessons/{other_lesson.pk}/{other_block}/xapi/"
    hostile = h5p_content_import(
        actor=world["admin"], upload=io.BytesIO(hostile_package(stolen=stolen, target=target))
    )
    course, lesson, (block,) = lesson_with("Hostile", [hostile])

    context, page = new_kiosk(browser, world)
    kiosk_sign_in(page, first)
    page.goto(course.get_url())
    page.click("button:has-text('Join this course')")
    requests: list[tuple[str, str, str, str]] = []
    page.on(
        "request",
        lambda r: requests.append(
            (r.frame.url, r.method, r.url, r.headers.get("x-qadam-view", ""))
        ),
    )
    responses: dict[str, int] = {}
    page.on("response", lambda r: responses.update({r.request.method + " " + r.url: r.status}))
    lesson_url = world["url"] + lesson.get_url()
    page.goto(lesson_url)
    frame = page.frame_locator(FRAME)
    report = frame.locator(".hostile__report")
    expect(report.locator("[data-attempt=fetch]")).to_be_visible()
    expect(report.locator("[data-attempt=no-cors]")).to_be_visible()
    frame.locator("button.hostile__go").click()  # with a user gesture, too
    expect(report.locator("[data-attempt=done]")).to_be_visible()
    page.wait_for_timeout(1500)  # time for any navigation or forged result to happen
    shot(page, "hostile")

    def outcome(name: str) -> str:
        return report.locator(f"[data-attempt='{name}']").inner_text()

    for name in ("parent.document", "parent.cookie", "top.cookie", "csrf", "parent.storage"):
        assert outcome(name).startswith(f"{name}: blocked SecurityError"), outcome(name)
    # The frame's own cookies: none (an opaque origin; reading them throws).
    assert outcome("own.cookie") == "own.cookie: blocked SecurityError"
    assert outcome("popup") == "popup: GOT null"
    # The top window stayed on the lesson; nothing went to the outside address.
    assert page.url == lesson_url
    assert len(context.pages) == 1
    assert not [url for _frame, _method, url, _view in requests if "evil.example" in url]
    # No cookie or CSRF token of the page shows anywhere in the frame.
    text = frame.locator("body").inner_text()
    for cookie in context.cookies():
        assert cookie["value"] not in text, cookie["name"]
    # The forged results: the page never sent the stolen grant's; the frame's own request
    # went without the session (refused), and a no-cors one was refused by the server.
    assert outcome("fetch") == "fetch: blocked TypeError"
    from_page = [
        (url, view)
        for frame_url, method, url, view in requests
        if method == "POST" and frame_url == lesson_url
    ]
    assert from_page and all(f"/h5p/lessons/{lesson.pk}/{block}/" in url for url, _ in from_page)
    assert stolen not in {view for _url, view in from_page}
    # The frame's no-cors request reached the server without the session (an opaque
    # origin sends no cookies) and was refused.
    assert outcome("no-cors") == "no-cors: sent, opaque opaque"
    assert responses[f"POST {world['url']}{target}"] == 403
    assert not XAPIStatement.objects.filter(learner=other).exists()
    assert not XAPIStatement.objects.filter(lesson_key=other_lesson.translation_key).exists()
    assert not ActivityResult.objects.filter(learner=other).exists()
    # What the page did send (the frame's own grant) counts for this learner and this
    # lesson's block only, whatever the statement said of its actor and object. That
    # library code can give its own learner full marks in its own activity is H5P's
    # design (scoring in the browser; ADR 0011 says so): it gets no further.
    assert ActivityResult.objects.get(learner=first).activity_key == block
    for statement in XAPIStatement.objects.filter(learner=first):
        assert statement.activity_key == block
        assert statement.lesson_key == lesson.translation_key
        assert statement.statement["actor"]["account"]["name"] == str(first.public_id)
        assert "evil.example" not in json.dumps(statement.statement["object"])
    context.close()


@needs_samples
def test_an_answer_checked_just_before_finish_is_resumed_at_the_next_sign_in(world, browser):
    content = install(world, TRUEFALSE.package)
    course, lesson, (block_id,) = lesson_with("Quick finish", [content])
    learner = world["learners"][0]
    context, page = new_kiosk(browser, world)
    kiosk_sign_in(page, learner)
    page.goto(course.get_url())
    page.click("button:has-text('Join this course')")
    page.goto(lesson.get_url())
    frame = page.frame_locator(FRAME)
    TRUEFALSE.answer(page, frame, TRUEFALSE.right)
    kiosk_sign_out(page)  # at once: the state's request must survive leaving the page
    assert ActivityResult.objects.get(learner=learner, activity_key=block_id).passed

    kiosk_sign_in(page, learner)
    page.goto(lesson.get_url())
    expect(frame.locator(TRUEFALSE.chosen)).to_contain_text(TRUEFALSE.right)
    context.close()
