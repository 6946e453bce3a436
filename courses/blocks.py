"""StreamField blocks for lesson bodies.

Each block renders through its own template in ``themes/templates/courses/blocks/``. The
authoring issue adds media, documents, quizzes and H5P; they join ``LessonBodyBlock``.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


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


from h5p.blocks import H5PActivityBlock  # noqa: E402  (needs ActivityBlock above)


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
    h5p = H5PActivityBlock()
