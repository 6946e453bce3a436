"""StreamField blocks for lesson bodies.

Each block renders through its own template in ``themes/templates/courses/blocks/``, in
both themes (staff web and kiosk). Scored blocks (quizzes, H5P) subclass ``ActivityBlock``.

Apps above ``courses`` add their activities to the lesson body with
``lesson_activity_register`` from their ``AppConfig.ready`` (the H5P block), so that
``courses`` imports none of them (docs/architecture.md).
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError, ListValue
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

VIDEO_EXTENSIONS = {"mp4", "webm"}
AUDIO_EXTENSIONS = {"mp3", "ogg", "oga", "m4a", "wav"}
CAPTION_EXTENSIONS = {"vtt"}


def _extension(document: Any) -> str:
    return document.file_extension.lower() if document is not None else ""


def _require_extension(
    value: Any, field: str, allowed: set[str], message: str
) -> dict[str, ErrorList]:
    document = value.get(field)
    if document is not None and _extension(document) not in allowed:
        return {field: ErrorList([ValidationError(message)])}
    return {}


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="info",
        label=_("Tone"),
    )
    title = blocks.CharBlock(required=False, max_length=120, label=_("Title"))
    text = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"], label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        max_length=250,
        label=_("Alternative text"),
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class ActivityBlock(blocks.StructBlock):
    """Base for blocks a learner is scored on (quizzes, H5P activities).

    The block's id is the activity's identity (``ActivityResult.activity_key``); the pass
    mark decides success on the server; ``required`` makes passing it part of the course's
    "every required activity is passed" rule.
    """

    pass_mark = blocks.IntegerBlock(
        min_value=0, max_value=100, default=60, label=_("Pass mark (%)")
    )
    required = blocks.BooleanBlock(
        required=False, default=True, label=_("Required to complete the course")
    )


class VideoBlock(blocks.StructBlock):
    """Self-hosted video with a WebVTT captions track and a poster image."""

    title = blocks.CharBlock(max_length=200, label=_("Title"))
    video = DocumentChooserBlock(label=_("Video file (MP4 or WebM)"))
    captions = DocumentChooserBlock(label=_("Captions (WebVTT file)"))
    captions_language = blocks.ChoiceBlock(
        choices=settings.LANGUAGES, default="kk", label=_("Language of the captions")
    )
    poster = ImageChooserBlock(required=False, label=_("Poster image"))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        errors = {
            **_require_extension(
                value, "video", VIDEO_EXTENSIONS, _("Choose an MP4 or WebM file.")
            ),
            **_require_extension(
                value, "captions", CAPTION_EXTENSIONS, _("Choose a WebVTT (.vtt) file.")
            ),
        }
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class AudioBlock(blocks.StructBlock):
    """Audio (for example the lesson read aloud) with its transcript."""

    title = blocks.CharBlock(max_length=200, label=_("Title"))
    audio = DocumentChooserBlock(label=_("Audio file (MP3, OGG, M4A or WAV)"))
    transcript = blocks.RichTextBlock(
        features=["bold", "italic", "ol", "ul"], label=_("Transcript")
    )

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "courses/blocks/audio.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        errors = _require_extension(
            value, "audio", AUDIO_EXTENSIONS, _("Choose an MP3, OGG, M4A or WAV file.")
        )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class DocumentBlock(blocks.StructBlock):
    """A document: PDFs are shown in the page (the browser's own viewer, no internet);
    other types are offered for download."""

    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(required=False, max_length=300, label=_("Description"))

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "courses/blocks/document.html"


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(max_length=120, label=_("Term"))
    definition = blocks.TextBlock(max_length=1000, label=_("Definition"))

    class Meta:
        icon = "help"
        label = _("Glossary term")
        template = "courses/blocks/glossary_term.html"


class AnswerBlock(blocks.StructBlock):
    # Not required here: the editor gives every new question one empty answer row, which a
    # true/false question never fills. ``QuestionBlock.clean`` drops blank rows and asks
    # for the text of any row that has something else filled in.
    text = blocks.CharBlock(required=False, max_length=300, label=_("Answer"))
    correct = blocks.BooleanBlock(required=False, label=_("Correct"))
    feedback = blocks.CharBlock(required=False, max_length=300, label=_("Feedback when chosen"))


class QuestionBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("single", _("Single choice")),
            ("multiple", _("Multiple choice")),
            ("true_false", _("True or false")),
        ],
        default="single",
        label=_("Kind"),
    )
    prompt = blocks.CharBlock(max_length=500, label=_("Question"))
    answers = blocks.ListBlock(
        AnswerBlock(), min_num=0, label=_("Answers (single and multiple choice)")
    )
    statement_is_true = blocks.BooleanBlock(
        required=False, label=_("The statement is true (true-or-false questions)")
    )
    explanation = blocks.CharBlock(
        required=False, max_length=500, label=_("Explanation shown after answering")
    )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value["kind"] in ("single", "multiple"):
            # On the rows as the editor shows them: an error names the row it is on.
            self._require_answer_texts(value["answers"])
        value["answers"] = self._without_blank_rows(value["answers"])
        if value["kind"] in ("single", "multiple"):
            correct = sum(1 for answer in value["answers"] if answer["correct"])
            if len(value["answers"]) < 2:
                message = _("Give at least two answers.")
            elif value["kind"] == "single" and correct != 1:
                message = _("A single-choice question has exactly one correct answer.")
            elif correct < 1:
                message = _("Mark at least one answer correct.")
            else:
                return value
            raise StructBlockValidationError(
                block_errors={"answers": ErrorList([ValidationError(message)])}
            )
        return value

    def _without_blank_rows(self, answers: Any) -> ListValue:
        """The answers without rows left empty (no text, not correct, no feedback)."""
        return ListValue(
            self.child_blocks["answers"],
            bound_blocks=[child for child in answers.bound_blocks if _is_filled(child.value)],
        )

    def _require_answer_texts(self, answers: Any) -> None:
        missing = {
            index: StructBlockValidationError(
                block_errors={
                    "text": ErrorList([ValidationError(_("Write the answer, or remove the row."))])
                }
            )
            for index, child in enumerate(answers.bound_blocks)
            if not child.value["text"] and _is_filled(child.value)
        }
        if missing:
            raise StructBlockValidationError(
                block_errors={"answers": ListBlockValidationError(block_errors=missing)}
            )


def _is_filled(answer: Any) -> bool:
    """Whether an answer row holds anything (a row left empty is dropped, not refused)."""
    return bool(answer["text"] or answer["correct"] or answer["feedback"])


class QuizBlock(ActivityBlock):
    """A quiz marked on the server: the browser sends the chosen answers, never a score."""

    title = blocks.CharBlock(max_length=200, label=_("Title"))
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, label=_("Questions"))

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"


# Activities that apps above courses add to the lesson body, in the order registered.
_registered_activities: dict[str, ActivityBlock] = {}


def lesson_activity_register(name: str, block: ActivityBlock) -> None:
    """Add an app's scored activity to the lesson body as block type ``name``. Called from
    that app's ``AppConfig.ready``: the body is built only once every app is ready, so a
    block type that lessons already hold is never missing (Wagtail would drop it, unseen,
    the next time the lesson is saved)."""
    if apps.ready:
        raise ImproperlyConfigured(
            f"Lesson activity {name!r} registered after the lesson body was built."
        )
    if name in LessonBodyBlock.base_blocks or name in _registered_activities:
        raise ImproperlyConfigured(f"The lesson body already has a block named {name!r}.")
    _registered_activities[name] = block


class LessonBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        max_length=120, label=_("Heading"), template="courses/blocks/heading.html", icon="title"
    )
    text = blocks.RichTextBlock(
        features=["h3", "bold", "italic", "ol", "ul", "link", "hr"],
        label=_("Text"),
        template="courses/blocks/text.html",
    )
    callout = CalloutBlock()
    image = ImageBlock()
    video = VideoBlock()
    audio = AudioBlock()
    document = DocumentBlock()
    glossary_term = GlossaryTermBlock()
    quiz = QuizBlock()

    def __init__(self, local_blocks: Any = None, **kwargs: Any) -> None:
        if not apps.ready:
            raise ImproperlyConfigured(
                "The lesson body is built once every app is ready (lesson_activity_register)."
            )
        super().__init__([*_registered_activities.items(), *(local_blocks or [])], **kwargs)


@functools.cache
def activity_block_names() -> frozenset[str]:
    """The lesson body's scored block types (quiz, H5P): the blocks whose rendering
    depends on the learner."""
    return frozenset(
        name
        for name, block in LessonBodyBlock().child_blocks.items()
        if isinstance(block, ActivityBlock)
    )
