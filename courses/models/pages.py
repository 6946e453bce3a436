"""The course catalogue as Wagtail pages: catalogue, course, lesson.

Pages hold teaching content and course settings only; no personal data. Who may see a
page is decided by its audience (``lms.core.policy``), enforced when a page is served
(``courses.wagtail_hooks``) and in every listing (``courses.selectors``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from lms.core.policy import Audience, ProgrammeType, is_voluntary, voluntary_q
from lms.core.serving import RememberedPageMixin, memoised

from ..blocks import LessonBodyBlock

# What a page's template shows is read in ``courses.selectors``, a floor above the models:
# each page class names no selector; the selector registers itself for the page class.
PageContextReader = Callable[..., dict[str, Any]]
_context_readers: dict[type, PageContextReader] = {}


def page_context_reader(page_class: type) -> Callable[[PageContextReader], PageContextReader]:
    """Register ``reader(*, request, page) -> dict`` as what ``page_class``'s pages add to
    their template context (a decorator; ``courses.selectors`` uses it)."""

    def register(reader: PageContextReader) -> PageContextReader:
        _context_readers[page_class] = reader
        return reader

    return register


class ReadsContext:
    """A page whose template context comes from its registered reader (Wagtail's
    ``get_context``, with the reads kept in selectors)."""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        reader = next(
            (_context_readers[cls] for cls in type(self).__mro__ if cls in _context_readers),
            None,
        )
        if reader is None:
            raise ImproperlyConfigured(f"No context reader for {type(self).__name__}.")
        context.update(reader(request=request, page=self))
        return context


class CatalogueIndexPage(ReadsContext, RememberedPageMixin, Page):
    """The root of learning content: lists the courses the visitor may take."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("intro"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.ProgrammeAreaPage", "guidelines.GuidelineIndexPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "courses/catalogue_index_page.html"

    class Meta:
        verbose_name = _("course catalogue")


class ProgrammeAreaPage(ReadsContext, RememberedPageMixin, Page):
    """One programme area (vocational training, faith-based programmes, ...). Its courses
    take their programme type from it, and review workflows attach to it."""

    programme_type = models.CharField(
        _("programme type"), max_length=32, choices=ProgrammeType.choices
    )
    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("intro"))

    content_panels = [*Page.content_panels, FieldPanel("programme_type"), FieldPanel("intro")]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.CoursePage"]
    template = "courses/programme_area_page.html"

    class Meta:
        verbose_name = _("programme area")

    def clean(self) -> None:
        super().clean()
        parent = self.get_parent() if self.path else None
        if parent is not None:
            twins = (
                ProgrammeAreaPage.objects.child_of(parent)
                .filter(programme_type=self.programme_type)
                .exclude(pk=self.pk)
            )
            if twins.exists():
                raise ValidationError(
                    {"programme_type": _("This catalogue already has an area of this type.")}
                )


class CoursePageForm(WagtailAdminPageForm):
    """The course editor. Hands the chosen prerequisites and the area's programme type to
    the page before Wagtail validates it, so that ``CoursePage.clean`` (the one rule) sees
    the form's values: modelcluster would only set them when saving."""

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if "prerequisites" in cleaned_data:
            self.instance.prerequisites = cleaned_data["prerequisites"]
        parent = self.parent_page.specific if self.parent_page is not None else None
        if isinstance(parent, ProgrammeAreaPage):
            self.instance.programme_type = parent.programme_type
        return cleaned_data


class CoursePageQuerySet(PageQuerySet):
    def voluntary_keys(self) -> PageQuerySet:
        """Translation keys of the voluntary programmes among these pages, as a subquery for
        records keyed by course (enrolments, certificates, results). A page in any language
        or state that is voluntary by the policy (``lms.core.policy.is_voluntary``) marks the
        course: taking part reveals religious belief or a disengagement programme, so staff
        screens leave these out and read them only through an audited special-category read.
        """
        return self.filter(voluntary_q()).values("translation_key")

    def voluntary(self) -> CoursePageQuerySet:
        """The courses that are voluntary programmes in any of their languages."""
        return self.filter(translation_key__in=CoursePage.objects.voluntary_keys())

    def not_voluntary(self) -> CoursePageQuerySet:
        """The courses that are not voluntary programmes in any of their languages."""
        return self.exclude(translation_key__in=CoursePage.objects.voluntary_keys())


CoursePageManager = PageManager.from_queryset(CoursePageQuerySet)


def voluntary_course_keys() -> frozenset:
    """Translation keys of every voluntary programme (``CoursePage.objects.voluntary_keys``),
    kept per process until content changes (``lms.core.serving.memoised``)."""
    return memoised(
        ("voluntary_course_keys",),
        lambda: frozenset(
            CoursePage.objects.voluntary_keys().values_list("translation_key", flat=True)
        ),
    )


class CoursePage(ReadsContext, RememberedPageMixin, Page):
    """A course: its settings and, as descendants, its lessons in order (directly or
    grouped in modules). Its programme type is its programme area's."""

    objects = CoursePageManager()

    summary = models.TextField(_("summary"), max_length=600, blank=True)
    description = RichTextField(
        blank=True,
        features=["h3", "bold", "italic", "ol", "ul", "link"],
        verbose_name=_("description"),
    )
    programme_type = models.CharField(
        _("programme type"), max_length=32, choices=ProgrammeType.choices
    )
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=5, decimal_places=1, default=1
    )
    # The completion rule: every criterion that is switched on must be met.
    complete_when_all_lessons_done = models.BooleanField(_("every lesson is done"), default=True)
    complete_when_activities_passed = models.BooleanField(
        _("every required activity is passed"),
        default=False,
        help_text=_("Quizzes and interactive activities marked 'required' in the lessons."),
    )
    complete_after_minutes = models.PositiveIntegerField(
        _("minimum time spent (minutes)"),
        default=0,
        help_text=_("Time actively spent in the course's lessons. 0: no minimum."),
    )
    issues_certificate = models.BooleanField(_("issues a certificate"), default=True)
    self_enrolment = models.BooleanField(
        _("learners may enrol themselves"),
        default=True,
        help_text=_("Otherwise only an education officer can enrol a learner."),
    )
    requires_consent = models.BooleanField(
        _("voluntary consent required"),
        default=False,
        help_text=_(
            "Learners see a plain-language notice and give consent before the first lesson, "
            "and may stop at any time. Always on for faith-based programmes."
        ),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Staff courses: months after completion when a refresher is due."),
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="+",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a learner must have completed before joining this one."),
    )
    skills = ClusterTaggableManager(
        through="courses.CourseSkill",
        blank=True,
        verbose_name=_("skills taught"),
        help_text=_("Used in learners' employability records."),
    )
    provider_name = models.CharField(
        _("training provider"),
        max_length=200,
        blank=True,
        help_text=_(
            "Named on the certificate, e.g. the vocational college. Empty: the installation's "
            "default provider."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("estimated_hours"),
                FieldPanel("provider_name"),
                FieldPanel("skills"),
            ],
            heading=_("About the course"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("complete_when_all_lessons_done"),
                FieldPanel("complete_when_activities_passed"),
                FieldPanel("complete_after_minutes"),
                FieldPanel("issues_certificate"),
                FieldPanel("validity_months"),
                FieldPanel("prerequisites"),
                FieldPanel("self_enrolment"),
                FieldPanel("requires_consent"),
            ],
            heading=_("Completion and enrolment"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("audience"),
        index.FilterField("programme_type"),
    ]
    parent_page_types = ["courses.ProgrammeAreaPage"]
    subpage_types = ["courses.ModulePage", "courses.LessonPage"]
    template = "courses/course_page.html"
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")

    def clean(self) -> None:
        super().clean()
        if not (
            self.complete_when_all_lessons_done
            or self.complete_when_activities_passed
            or self.complete_after_minutes
        ):
            raise ValidationError(
                {"complete_when_all_lessons_done": _("Choose at least one completion rule.")}
            )
        # Refusing a voluntary programme is never a negative mark: it cannot keep anyone out
        # of an ordinary course (decision record 0021). A voluntary course may build on one.
        if not self.is_voluntary:
            offending = self.voluntary_among(list(self.prerequisites.all()))
            if offending:
                raise ValidationError(
                    {
                        "prerequisites": _(
                            "A voluntary programme cannot be a prerequisite of a course that "
                            "does not ask for consent itself: %(courses)s. Someone who "
                            "chose not to take part must not be kept out of this course. "
                            "Remove it, or make this course voluntary too."
                        )
                        % {"courses": ", ".join(f"“{course.title}”" for course in offending)}
                    }
                )

    @property
    def is_voluntary(self) -> bool:
        """Whether this course, with the values it holds now (also while being edited), is a
        voluntary programme (``lms.core.policy.is_voluntary``), or another language of it
        already is one (``CoursePage.objects.voluntary_keys``)."""
        if is_voluntary(programme_type=self.programme_type, requires_consent=self.requires_consent):
            return True
        if not self.translation_key:
            return False
        # Most courses are not voluntary in any language: the set of keys that are, kept
        # per process and content version, answers them without a query.
        if self.translation_key not in voluntary_course_keys():
            return False
        return (
            CoursePage.objects.voluntary_keys()
            .filter(translation_key=self.translation_key)
            .exclude(pk=self.pk)
            .exists()
        )

    @property
    def asks_for_consent(self) -> bool:
        """Whether learners must give consent before this course records anything: every
        voluntary programme asks, in every language, whichever language's page set it."""
        return self.is_voluntary

    @staticmethod
    def voluntary_among(courses: list[CoursePage]) -> list[CoursePage]:
        """Those of ``courses`` that are voluntary programmes (in any language)."""
        if not courses:
            return []
        keys = set(
            CoursePage.objects.voluntary_keys()
            .filter(translation_key__in=[course.translation_key for course in courses])
            .values_list("translation_key", flat=True)
        )
        return [course for course in courses if course.translation_key in keys]

    def save(self, *args: Any, **kwargs: Any) -> None:
        area = self.programme_area()
        if area is not None:
            self.programme_type = area.programme_type
        # Freedom of religion: a faith-based programme is always voluntary, and a voluntary
        # programme always asks for consent.
        if is_voluntary(programme_type=self.programme_type):
            self.requires_consent = True
        # Only the person may join a voluntary programme (staff never enrol anyone on one,
        # decision record 0021), so it is always open to joining by oneself.
        if self.requires_consent:
            self.self_enrolment = True
        super().save(*args, **kwargs)

    def effective_prerequisites(self) -> list[CoursePage]:
        """The prerequisites that count. A voluntary programme counts only for a course
        that is voluntary itself: ``clean`` refuses it for any other, and where older data
        still has one, it is ignored rather than keeping out whoever did not take part
        (decision record 0021)."""
        required = list(self.prerequisites.all())
        if not required or self.is_voluntary:
            return required
        ignored = {course.pk for course in self.voluntary_among(required)}
        return [course for course in required if course.pk not in ignored]

    def missing_prerequisites(self, learner_id: int) -> list[CoursePage]:
        """The prerequisites that count (``effective_prerequisites``) that ``learner_id``
        has not completed (in any language)."""
        from .learning import CourseCompletion

        required = self.effective_prerequisites()
        if not required:
            return []
        done = set(
            CourseCompletion.objects.filter(
                learner_id=learner_id,
                course_key__in=[course.translation_key for course in required],
            ).values_list("course_key", flat=True)
        )
        return [course for course in required if course.translation_key not in done]

    @property
    def rounded_hours(self) -> int:
        return max(1, round(self.estimated_hours))

    @property
    def provider(self) -> str:
        return self.provider_name or settings.CERTIFICATE_PROVIDER_NAME

    def programme_area(self) -> ProgrammeAreaPage | None:
        if not self.path or self.depth is None:
            return None
        return ProgrammeAreaPage.objects.ancestor_of(self).first()

    def lessons(self) -> models.QuerySet[LessonPage]:
        """The live lessons of this course (modules included), in the order trainers
        arranged them."""
        return LessonPage.objects.descendant_of(self).live().order_by("path")


class CourseSkill(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="skill_items"
    )


class ModulePage(RememberedPageMixin, Page):
    """An optional group of lessons within a course."""

    intro = models.TextField(_("intro"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    @property
    def audience(self) -> str:
        return CoursePage.objects.ancestor_of(self).get().audience

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any):
        from django.shortcuts import redirect

        # A module has no page of its own: show the course, where modules are headings.
        return redirect(CoursePage.objects.ancestor_of(self).get().url)


class LessonPage(ReadsContext, RememberedPageMixin, Page):
    """A lesson: a stream of content blocks, marked done by the learner."""

    # The class, not an instance: the field builds the body when first used, once the apps
    # above courses have added their activities (``lesson_activity_register``).
    body = StreamField(LessonBodyBlock, blank=True, verbose_name=_("body"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)

    content_panels = [*Page.content_panels, FieldPanel("estimated_minutes"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage", "courses.ModulePage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")

    @property
    def course(self) -> CoursePage:
        if not hasattr(self, "_course"):
            self._course = CoursePage.objects.ancestor_of(self).get()
        return self._course

    @property
    def audience(self) -> str:
        return self.course.audience

    @property
    def has_activities(self) -> bool:
        """Whether the body holds a scored activity (quiz, H5P): only then does the page
        need the learner's results."""
        from ..blocks import activity_block_names

        names = activity_block_names()
        return any(item.get("type") in names for item in self.body.raw_data)
