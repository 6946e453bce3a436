"""Certificates: proof that a learner completed a course.

Personal data held here: the holder's name as printed, the course, the dates; the PDF
(which prints the same); the signed credential (the holder's name only as a salted
hash); who issued, revoked or reissued it by hand and why. ``CertificateTemplate`` holds
the signatories' names, titles and signature images (staff data, printed on purpose).
Deliberately not held or printed: facility, prisoner number, or anything that says the
certificate was earned in prison (the provider is the training provider).

A certificate moves ``pending -> rendering -> issued`` (or ``failed``, retried); it is
created in the same transaction as the completion it proves, one per completion, so a
task that runs twice issues once. ``revoked`` is final; a reissue is a new
certificate (``reissue_of``) and revokes the one it replaces.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from courses.models import CourseCompletion, ProgrammeType
from lms.core.policy import people_q

# Bitstring Status List: at least 131,072 entries (16 KB) so that one index says little
# about how many certificates exist; indexes are drawn at random.
STATUS_LIST_SIZE = 131_072

# Crockford's base32 without the look-alikes (I, L, O, U): easy to read and type.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


SERIAL_LENGTH = 10  # 50 random bits: printed as Q-XXXXX-XXXXX


def new_serial_code() -> str:
    """The printed serial number: random, so it says nothing of how many were issued."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SERIAL_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as stored: upper case, no spaces or dashes, look-alikes
    mapped (O->0, I/L->1)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def key_fingerprint(public: bytes) -> str:
    """What a person compares: SHA-256 of a raw public key, first 16 bytes, in groups
    (printed on the verify page and by ``credential_key list``)."""
    digest = hashlib.sha256(public).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def key_slug(public: bytes) -> str:
    """A key's short name in URLs (its status list)."""
    return hashlib.sha256(public).hexdigest()[:16]


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def new_holder_salt() -> str:
    return secrets.token_hex(16)


class CertificateTemplate(ClusterableModel):
    """How a certificate looks and what it says, per language, and who signs it.

    Managed as a Wagtail snippet by administrators. The wording fields are plain text,
    autoescaped when rendered; logos and signatures are Wagtail images, which the
    renderer may load by their storage path and nothing else.
    """

    class Layout(models.TextChoices):
        CLASSIC = "classic", _("Classic: border and centred text")
        MODERN = "modern", _("Modern: side band, left aligned")

    name = models.CharField(_("name"), max_length=120, unique=True)
    layout = models.CharField(_("layout"), max_length=16, choices=Layout.choices, default="classic")
    issuing_provider = models.CharField(
        _("issuing provider"),
        max_length=200,
        blank=True,
        help_text=_(
            "The college or training provider named on the certificate. Empty: the course's "
            "provider. Never the name of a facility."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("second logo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For example a partner or donor."),
    )
    heading_kk = models.CharField(_("heading (Kazakh)"), max_length=120, blank=True)
    heading_ru = models.CharField(_("heading (Russian)"), max_length=120, blank=True)
    heading_en = models.CharField(_("heading (English)"), max_length=120, blank=True)
    statement_kk = models.CharField(_("statement (Kazakh)"), max_length=300, blank=True)
    statement_ru = models.CharField(_("statement (Russian)"), max_length=300, blank=True)
    statement_en = models.CharField(_("statement (English)"), max_length=300, blank=True)
    is_default = models.BooleanField(
        _("default template"),
        default=False,
        help_text=_("Used for new certificates. Only one template is the default."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("layout"),
        FieldPanel("issuing_provider"),
        FieldPanel("is_default"),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("second_logo")], heading=_("Logos")),
        MultiFieldPanel(
            [FieldPanel("heading_kk"), FieldPanel("statement_kk")], heading=_("Kazakh wording")
        ),
        MultiFieldPanel(
            [FieldPanel("heading_ru"), FieldPanel("statement_ru")], heading=_("Russian wording")
        ),
        MultiFieldPanel(
            [FieldPanel("heading_en"), FieldPanel("statement_en")], heading=_("English wording")
        ),
        InlinePanel("signatories", label=_("Signatories"), max_num=3),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="certificate_template_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def wording(self, language: str) -> tuple[str, str]:
        """(heading, statement) in ``language``; empty strings fall back to the defaults."""
        language = language if language in ("kk", "ru", "en") else "en"
        return getattr(self, f"heading_{language}"), getattr(self, f"statement_{language}")

    def save(self, *args, **kwargs) -> None:
        if self.is_default:
            CertificateTemplate.objects.filter(is_default=True).exclude(pk=self.pk).update(
                is_default=False
            )
        super().save(*args, **kwargs)


class TemplateSignatory(Orderable):
    """A person who signs certificates made from a template (printed: staff data)."""

    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("title"), FieldPanel("signature")]

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def visible_to(self, user) -> CertificateQuerySet:
        """Certificates of the people ``user`` may see (``lms.core.policy.people_q``)."""
        return self.filter(people_q(user, via="learner__"))

    def issued(self) -> CertificateQuerySet:
        return self.filter(status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED])


def rule_sentences(hours: Decimal, rule: dict) -> list[str]:
    """What a certificate attests, in words of the active language: the course's nominal
    length (the author's figure, not time measured), what completion required, and the
    active time measured (``certificates.services.issuing.completion_rule``)."""
    from django.utils.translation import gettext, ngettext

    sentences = [
        gettext("Nominal length of the course: %(hours)s hours, as set by its author.")
        % {"hours": f"{hours.normalize():f}"}
    ]
    if rule.get("by_hand"):
        sentences.append(
            gettext("Completion recorded by an education officer, not measured in Qadam.")
        )
        return sentences
    if rule.get("lessons"):
        sentences.append(
            ngettext(
                "Completed: the %(n)d lesson done.",
                "Completed: all %(n)d lessons done.",
                rule["lessons"],
            )
            % {"n": rule["lessons"]}
        )
    if rule.get("activities"):
        sentences.append(gettext("Every required quiz and activity passed."))
    if rule.get("minutes_required"):
        sentences.append(
            ngettext(
                "At least %(n)d minute of active study required.",
                "At least %(n)d minutes of active study required.",
                rule["minutes_required"],
            )
            % {"n": rule["minutes_required"]}
        )
    if "minutes_measured" in rule:
        hours_spent, minutes = divmod(int(rule["minutes_measured"]), 60)
        sentences.append(
            gettext("Active study measured: %(hours)d h %(minutes)02d min.")
            % {"hours": hours_spent, "minutes": minutes}
        )
    return sentences


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RENDERING = "rendering", _("Being prepared")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Could not be prepared")
        REVOKED = "revoked", _("Revoked")

    serial = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty only for certificates issued by hand (an education officer, with a reason).
    completion = models.OneToOneField(
        CourseCompletion,
        on_delete=models.PROTECT,
        related_name="certificate",
        null=True,
        blank=True,
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    verification_code = models.CharField(
        max_length=CODE_LENGTH, unique=True, default=new_verification_code, editable=False
    )
    holder_name = models.CharField(_("holder's name"), max_length=300)
    course_title = models.CharField(_("course"), max_length=255)
    provider = models.CharField(_("training provider"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    # What the completion rule measured (``certificates.services.issuing.completion_rule``);
    # empty for certificates issued before it was kept.
    rule = models.JSONField(_("what the completion rule measured"), default=dict, blank=True)
    language = models.CharField(max_length=8)
    completed_on = models.DateField(_("completed on"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    pdf = models.FileField(storage=private_storage, upload_to="certificates/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: every report counts certificates by the month they were issued.
    issued_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the employability record and renewals need, copied at issue time so they
    # survive the course page being changed or removed.
    course_key = models.UUIDField(null=True, blank=True, db_index=True)
    programme_type = models.CharField(max_length=32, choices=ProgrammeType.choices, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("template"),
    )
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issue_reason = models.CharField(_("reason for issuing by hand"), max_length=300, blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    # The signed Open Badges 3.0 credential in its two forms (VC-JWT; JSON-LD with an
    # eddsa-rdfc-2022 proof), the key that signed them (whose status list holds this
    # certificate's bit) and its place in that list.
    credential = models.TextField(blank=True)
    credential_ld = models.TextField(blank=True)
    issuer_key = models.ForeignKey(
        "IssuerKey", on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    serial_code = models.CharField(
        max_length=SERIAL_LENGTH, unique=True, default=new_serial_code, editable=False
    )
    # A reissue is a new certificate (own code, serial, credential id, status index);
    # the one it replaces is revoked and named here.
    reissue_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reissued_as"
    )
    status_index = models.PositiveIntegerField(unique=True, null=True, blank=True)
    holder_salt = models.CharField(max_length=32, default=new_holder_salt, editable=False)
    # The holder's own choice for the public verify page; empty: the installation's
    # CERTIFICATE_VERIFY_NAME.
    verify_name = models.CharField(
        _("name on the check page"),
        max_length=16,
        choices=[("full", _("Full name")), ("initials", _("Initials only"))],
        blank=True,
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # A hand-issued certificate: one live one per person and course.
            models.UniqueConstraint(
                fields=["learner", "course_key"],
                condition=Q(completion__isnull=True) & ~Q(status="revoked"),
                name="certificate_one_manual_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"{self.serial_number} {self.course_title}"

    def rule_sentences(self) -> list[str]:
        """What this certificate attests, in words of the active language
        (``rule_sentences``)."""
        return rule_sentences(self.hours, self.rule or {})

    @property
    def serial_number(self) -> str:
        code = self.serial_code
        return f"Q-{code[:5]}-{code[5:]}"

    @property
    def display_code(self) -> str:
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    def is_expired(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.ISSUED and not self.is_expired()

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def public_state(self) -> str:
        """What the verify page says: valid, expired or revoked."""
        if self.status == self.Status.REVOKED:
            return "revoked"
        return "expired" if self.is_expired() else "valid"

    @property
    def shows_full_name(self) -> bool:
        return (self.verify_name or settings.CERTIFICATE_VERIFY_NAME) != "initials"

    @property
    def holder_initials(self) -> str:
        return " ".join(f"{part[0]}." for part in self.holder_name.split() if part)


class IssuerKey(models.Model):
    """An Ed25519 key the installation signs credentials with, named by its ``did:key``.

    Only the public key is stored here; the private key is a file under
    ``CREDENTIAL_KEY_DIR`` (mode 0600). One key is active; retired keys stay listed so
    credentials they signed still verify as ours. No personal data.
    """

    did = models.CharField(max_length=120, unique=True)
    public_key = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["retired_at"],
                condition=Q(retired_at__isnull=True),
                name="issuer_key_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.did

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(bytes(self.public_key))

    @property
    def slug(self) -> str:
        return key_slug(bytes(self.public_key))


class BulkIssue(models.Model):
    """A run that issues the missing certificates of a course or a facility, with its
    progress (read by the admin page as JSON). Holds no personal data beyond who asked."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course_key = models.UUIDField(null=True, blank=True)
    course_title = models.CharField(max_length=255, blank=True)
    facility = models.ForeignKey(
        "core.Facility", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")

    def __str__(self) -> str:
        return f"{self.course_title or self.facility} ({self.created_at:%Y-%m-%d})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * (self.done + self.failed) / self.total))
