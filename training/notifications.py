"""E-mail: each staff member's digest of their training reminders, at the frequency they
chose, and each officer's and administrator's weekly digest of who is overdue in their
facilities. Prisoners are never e-mailed (they see reminders on the kiosk).

At most once, never twice: a digest's reminders (or an officer's week) are claimed in a
transaction that commits before the message goes to the mail server, and marked sent
after. A worker killed between the two leaves them claimed and unsent: they are not sent
again (the in-app notice still shows them) and ``digests_unconfirmed`` lists them. A
mail server that refuses the message releases the claim, so the next run retries.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.core.models import User
from lms.core.policy import people_q

from .models import Assignment, OfficerDigest, Reminder, StaffRecord

FREQUENCY_DAYS = {"daily": 1, "weekly": 7}
CHUNK = 200


def _due_for_digest(record: StaffRecord | None, now: datetime.datetime) -> bool:
    frequency = record.digest_frequency if record else "weekly"
    if frequency not in FREQUENCY_DAYS:
        return False
    last = record.digest_sent_at if record else None
    # Half a day of slack, so a daily run at a slightly earlier hour still counts.
    return last is None or now - last >= datetime.timedelta(
        days=FREQUENCY_DAYS[frequency], hours=-12
    )


def reminder_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send every digest that is due (idempotent; see the module's rule). Returns how
    many e-mails went."""
    now = now or timezone.now()
    sent = 0
    people = (
        User.objects.filter(
            is_active=True,
            role__in=[r for r in User.LEARNER_ROLES if r != User.Role.PRISONER_LEARNER],
            training_reminders__emailed_at__isnull=True,
            training_reminders__email_claim__isnull=True,
            training_reminders__assignment__ended_on__isnull=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(people.filter(pk__gt=last_pk).select_related("staff_record")[:CHUNK])
        if not batch:
            return sent
        last_pk = batch[-1].pk
        for person in batch:
            if _due_for_digest(getattr(person, "staff_record", None), now):
                sent += _digest_send(person, now)


def _digest_send(person: User, now: datetime.datetime) -> int:
    token = uuid.uuid4()
    with transaction.atomic():
        claimed = Reminder.objects.filter(
            pk__in=Reminder.objects.select_for_update(skip_locked=True)
            .filter(
                person=person,
                emailed_at__isnull=True,
                email_claim__isnull=True,
                assignment__ended_on__isnull=True,
            )
            .values("pk")
        ).update(email_claim=token)
    if not claimed:
        return 0
    reminders = list(
        Reminder.objects.filter(email_claim=token)
        .select_related("assignment__requirement")
        .order_by("assignment__effective_due_on")
    )
    with translation.override(person.mail_language):
        body = render_to_string(
            "training/email/digest.txt",
            {"person": person, "reminders": reminders, "base_url": settings.QADAM_BASE_URL},
        )
        subject = _("Your training: %(n)s reminder(s)") % {"n": len(reminders)}
    try:
        send_mail(subject, body, None, [person.email])
    except Exception:
        Reminder.objects.filter(email_claim=token).update(email_claim=None)
        raise
    with transaction.atomic():
        Reminder.objects.filter(email_claim=token).update(emailed_at=timezone.now())
        StaffRecord.objects.update_or_create(person=person, defaults={"digest_sent_at": now})
    return 1


def digests_unconfirmed(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)):
    """Reminders claimed for an e-mail that was never confirmed sent (a worker died
    mid-send): not sent again; listed for an administrator to look at."""
    cutoff = timezone.now() - older_than
    return Reminder.objects.filter(
        email_claim__isnull=False, emailed_at__isnull=True, created_at__lt=cutoff
    )


def officer_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send each officer and administrator (with an e-mail address) this week's digest of
    the people overdue or expired in the facilities they manage, once per week. Returns
    how many e-mails went."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_of = today - datetime.timedelta(days=today.weekday())
    sent = 0
    recipients = (
        User.objects.filter(is_active=True)
        .filter(Q(role=User.Role.EDUCATION_OFFICER) | Q(role=User.Role.ADMINISTRATOR))
        .exclude(email="")
        .exclude(pk__in=OfficerDigest.objects.filter(week_of=week_of).values("recipient"))
        .order_by("pk")
    )
    for recipient in recipients.iterator(chunk_size=CHUNK):
        behind = (
            Assignment.objects.filter(
                people_q(recipient, via="person__"),
                ended_on__isnull=True,
                state__in=[Assignment.State.OVERDUE, Assignment.State.EXPIRED],
            )
            .exclude(person=recipient)
            .select_related("person", "requirement", "facility")
            .order_by("facility__name", "effective_due_on")
        )
        total = behind.count()
        targets_behind = _targets_behind(recipient)
        if not total and not targets_behind:
            continue
        with transaction.atomic():
            digest, created = OfficerDigest.objects.get_or_create(
                recipient=recipient, week_of=week_of, defaults={"overdue": total}
            )
        if not created:
            continue
        with translation.override(recipient.mail_language):
            body = render_to_string(
                "training/email/officer_digest.txt",
                {
                    "recipient": recipient,
                    "rows": behind[:100],
                    "total": total,
                    "targets_behind": targets_behind,
                    "base_url": settings.QADAM_BASE_URL,
                },
            )
            if total:
                subject = _("Training overdue in your facilities: %(n)s") % {"n": total}
            else:
                subject = _("Courses behind their target date in your facilities: %(n)s") % {
                    "n": targets_behind
                }
        try:
            send_mail(subject, body, None, [recipient.email])
        except Exception:
            digest.delete()
            raise
        OfficerDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def _targets_behind(recipient: User) -> int:
    """How many prisoners' courses are behind the target date an officer set, in the
    facilities ``recipient`` manages (a paused person is never behind)."""
    from lms.core.policy import managed_facilities

    from .selectors import TargetState, course_targets

    return sum(
        course_targets(recipient, facility)[1][TargetState.BEHIND]
        for facility in managed_facilities(recipient)
    )
