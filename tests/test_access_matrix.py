"""Every URL we serve, as every role: who gets the page, who is sent to sign in, who is
refused (403) and who is told it does not exist (404)."""

from __future__ import annotations

import re

import pytest
from django.urls import resolve, reverse

from certificates.models import Certificate
from courses.services import enrolment_create, lesson_complete
from guidelines.models import GuidelineIndexPage, GuidelinePage
from lms.core.backends import KIOSK_BACKEND
from lms.core.models import User
from tests import factories
from tests.access import (
    ADMIN_HOME,
    ADMIN_LOGIN,
    FORBIDDEN,
    LOGIN,
    MISSING,
    OK,
    ROLES,
    answer_of,
    answers_by_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(facility_a, facility_b, django_capture_on_commit_callbacks):
    prisoner = factories.PrisonerFactory(facility=facility_a)
    users = {
        "anonymous": None,
        "prisoner": prisoner,
        "staff_learner": factories.UserFactory(facility=facility_a),
        "officer": factories.OfficerFactory(facility=facility_a),
        "trainer": factories.UserFactory(role=User.Role.TRAINER, facility=None),
        "monitor": factories.UserFactory(role=User.Role.MONITOR, facility=None),
        "administrator": factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None),
    }
    prisoner_course = factories.make_course(title="Carpentry", audience="prisoners", lessons=1)
    staff_course = factories.make_course(title="Search procedures", audience="staff", lessons=1)
    stranger = factories.PrisonerFactory(facility=facility_b)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
        lesson_complete(actor=prisoner, lesson=prisoner_course.lessons().specific().get())
    certificate = Certificate.objects.get(learner=prisoner)
    from courses.models import Enrolment

    other_course = factories.make_course(title="Bricklaying", audience="prisoners", lessons=1)
    own_enrolment = Enrolment.objects.create(
        learner=prisoner,
        course=other_course,
        course_key=other_course.translation_key,
        source=Enrolment.Source.ASSIGNED,
    )
    stranger_enrolment = Enrolment.objects.create(
        learner=stranger,
        course=other_course,
        course_key=other_course.translation_key,
        source=Enrolment.Source.ASSIGNED,
    )
    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    factories.catalogue().add_child(instance=index)
    guideline = GuidelinePage(
        title="Cell searches",
        slug="searches",
        effective_date="2026-01-01",
        department="Security",
        body="<p>x</p>",
    )
    index.add_child(instance=guideline)
    faith_course = factories.make_course(
        title="Paths", programme_type="faith_based", audience="prisoners", lessons=1
    )
    from training.engine import evaluate
    from training.models import Assignment, PeopleImport, Requirement, TrainingRequest

    requirement = Requirement.objects.create(
        name="Search procedures", kind="course", course=staff_course, all_staff=True
    )
    evaluate()
    own = Assignment.objects.get(person=users["staff_learner"])
    training_request = TrainingRequest.objects.create(
        assignment=own, kind="exemption", reason="Trained elsewhere", requested_by=own.person
    )
    from training.models import Pause

    lockdown = Pause.objects.create(
        kind="lockdown", facility=facility_a, starts_on="2026-01-01", reason="Search"
    )
    from django.core.files.base import ContentFile

    from reports.models import MonitoringPack

    pack = MonitoringPack(
        first_month="2026-01-01", last_month="2026-01-01", language="en", sha256="0" * 64
    )
    pack.pdf.save("pack.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    pack.save()
    people_import = PeopleImport.objects.create(
        uploaded_by=users["administrator"], filename="hr.csv", content=b"staff_number\n"
    )
    return {
        "users": users,
        "urls": {
            "learning_home": reverse("learning:home"),
            "my_certificates": reverse("certificates:mine"),
            "certificate_download": reverse("certificates:download", args=[certificate.public_id]),
            "manage_learners": reverse("manage:learners"),
            "manage_bulk_enrol": reverse("manage:bulk_enrol"),
            "manage_learner_a": reverse("manage:learner", args=[prisoner.public_id]),
            "manage_learner_b": reverse("manage:learner", args=[stranger.public_id]),
            "manage_target_a": reverse(
                "manage:enrolment_target", args=[prisoner.public_id, own_enrolment.pk]
            ),
            "manage_target_b": reverse(
                "manage:enrolment_target", args=[stranger.public_id, stranger_enrolment.pk]
            ),
            "training_targets": reverse("training:targets"),
            "reports_packs": reverse("reports:packs"),
            "reports_items": reverse("reports:items", args=[prisoner_course.pk]),
            "reports_pack_download": reverse("reports:pack_download", args=[pack.pk]),
            "prisoner_course": prisoner_course.get_url(),
            "prisoner_lesson": prisoner_course.lessons().first().get_url(),
            "staff_course": staff_course.get_url(),
            "staff_lesson": staff_course.lessons().first().get_url(),
            "wagtail_admin": reverse("wagtailadmin_home"),
            "django_admin": reverse("admin:index"),
            "verify_form": reverse("certificates:verify_form"),
            "verify": reverse("certificates:verify", args=[certificate.verification_code]),
            # Signed credentials and what outside verifiers fetch (issue 13)
            "verify_credential": reverse(
                "certificates:verify_credential", args=[certificate.verification_code]
            ),
            "credential_download": reverse("certificates:credential", args=[certificate.public_id]),
            "status_list": reverse("certificates:status_list"),
            "status_list_key": reverse(
                "certificates:status_list_key", args=[certificate.issuer_key.slug]
            ),
            "did_web": reverse("certificates:did_web"),
            "context": reverse("certificates:context", args=["ob-v3p0-context-3.0.3.json"]),
            "healthz": reverse("healthz"),
            "guideline": guideline.get_url(),
            "guideline_reports": reverse("guidelines:report_index"),
            "guideline_report": reverse("guidelines:report", args=[guideline.pk]),
            # Kiosks and consent, from an ordinary (non-kiosk) browser
            "kiosk_sign_in": reverse("kiosk:sign_in"),
            "kiosk_register": reverse("kiosk:register"),
            "kiosk_pin_change": reverse("kiosk:pin_change"),
            "kiosk_pin_manage_a": reverse("kiosk_manage:pin", args=[prisoner.public_id]),
            "kiosk_pin_manage_b": reverse("kiosk_manage:pin", args=[stranger.public_id]),
            "kiosk_admin": reverse("kiosk_admin:index"),
            "kiosk_admin_code": reverse("kiosk_admin:code"),
            "consent_withdraw": reverse("consent:withdraw", args=[faith_course.pk]),
            "my_consent": reverse("consent:mine"),
            "manage_consent_a": reverse("consent_manage:history", args=[prisoner.public_id]),
            "manage_consent_b": reverse("consent_manage:history", args=[stranger.public_id]),
            # The employability record
            "my_record": reverse("employability:mine"),
            "my_record_choice": reverse("employability:mine"),
            "manage_record_a": reverse("employability:manage", args=[prisoner.public_id]),
            "manage_record_b": reverse("employability:manage", args=[stranger.public_id]),
            "manage_record_goal_a": reverse("employability:manage", args=[prisoner.public_id]),
            "manage_record_goal_b": reverse("employability:manage", args=[stranger.public_id]),
            "record_export_get": reverse("employability:export", args=[prisoner.public_id]),
            "record_export_a": reverse("employability:export", args=[prisoner.public_id]),
            "record_export_b": reverse("employability:export", args=[stranger.public_id]),
            # Mandatory training
            "training_mine": reverse("training:mine"),
            "training_ask": reverse("training:ask", args=[own.pk]),
            "training_reminders": reverse("training:reminders"),
            "training_compliance_index": reverse("training:compliance_index"),
            # Reports: figures per facility and month, and their CSV
            "reports_overview": reverse("reports:overview"),
            "reports_csv": reverse("reports:overview_csv"),
            "reports_xlsx": reverse("reports:overview_xlsx"),
            # The people behind a figure: GET asks why (the look itself is a POST with a
            # purpose, tests/reports/test_people.py); a voluntary programme: nobody.
            # Breakdowns by unit, programme type and course, and their exports
            **{
                f"reports_by_{by}{suffix}": reverse("reports:breakdown", args=[by]) + query
                for by in ("unit", "programme_type", "course")
                for suffix, query in (("", ""), ("_csv", "?format=csv"), ("_xlsx", "?format=xlsx"))
            },
            "reports_people_a": reverse("reports:people", args=["a"]) + "?figure=enrolments",
            "reports_people_b": reverse("reports:people", args=["b"]) + "?figure=enrolments",
            "reports_people_voluntary_a": reverse("reports:people", args=["a"])
            + f"?figure=enrolments&course={faith_course.translation_key}",
            "training_compliance_a": reverse("training:compliance", args=["a"]),
            "training_compliance_b": reverse("training:compliance", args=["b"]),
            "training_people_a": reverse("training:people", args=["a", requirement.pk]),
            "training_people_b": reverse("training:people", args=["b", requirement.pk]),
            # The exports are the same views with ?format=: the same rules must hold.
            **{
                f"training_{page}_{code}_{fmt}": reverse(f"training:{view}", args=[code, *extra])
                + f"?format={fmt}"
                for page, view, extra in (
                    ("compliance", "compliance", []),
                    ("people", "people", [requirement.pk]),
                )
                for code in ("a", "b")
                for fmt in ("csv", "xlsx")
            },
            "training_requests": reverse("training:requests"),
            "training_decide": reverse("training:decide", args=[training_request.pk]),
            "training_pauses": reverse("training:pauses"),
            "training_pause_end": reverse("training:pause_end", args=[lockdown.pk]),
            "training_import": reverse("training:import"),
            "training_import_preview": reverse("training:import_preview", args=[people_import.pk]),
            # H5P library code: administrators only
            "h5p_libraries": reverse("h5p_admin:libraries"),
        },
    }


# What the POST-only entries send (the others are GET).
POSTS: dict[str, dict[str, str]] = {
    "my_record_choice": {"include_faith_based": "1"},
    "manage_record_goal_a": {"action": "goal", "goal-text": "Forklift licence"},
    "manage_record_goal_b": {"action": "goal", "goal-text": "Forklift licence"},
    "record_export_a": {"kind": "credentials", "language": "en"},
    "record_export_b": {"kind": "credentials", "language": "en"},
    "training_ask": {"kind": "exemption", "reason": ""},  # refused: no reason, nothing saved
    "training_reminders": {"frequency": "daily"},
    "training_decide": {"decision": "grant", "reason": ""},  # refused: no reason
    "training_pause_end": {},
    "manage_target_a": {"target_on": ""},
    "manage_target_b": {"target_on": ""},
}


EVERYONE_SIGNED_IN = {role: OK for role in ROLES if role != "anonymous"}
EXPECTED: dict[str, dict[str, object]] = {
    "learning_home": {"anonymous": LOGIN, **EVERYONE_SIGNED_IN},
    "my_certificates": {"anonymous": LOGIN, **EVERYONE_SIGNED_IN},
    "certificate_download": {
        **{role: MISSING for role in ROLES},
        "anonymous": LOGIN,
        "prisoner": OK,
    },
    "manage_learners": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "manage_bulk_enrol": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "manage_learner_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "manage_learner_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": OK,
    },
    "manage_target_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": "302 {manage_learner_a}#enrolments",
        "administrator": "302 {manage_learner_a}#enrolments",
    },
    "manage_target_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": "302 {manage_learner_b}#enrolments",
    },
    "training_targets": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "prisoner_course": {**{role: MISSING for role in ROLES}, "anonymous": LOGIN, "prisoner": OK},
    "prisoner_lesson": {**{role: MISSING for role in ROLES}, "anonymous": LOGIN, "prisoner": OK},
    "staff_course": {**EVERYONE_SIGNED_IN, "anonymous": LOGIN, "prisoner": MISSING},
    "staff_lesson": {**EVERYONE_SIGNED_IN, "anonymous": LOGIN, "prisoner": MISSING},
    "wagtail_admin": {
        **{role: ADMIN_LOGIN for role in ROLES},
        "trainer": OK,
        "officer": OK,  # officers create kiosk registration codes in the admin
        "administrator": OK,
        "prisoner": FORBIDDEN,  # prisoners are on kiosks, which open no admin
    },
    "django_admin": {
        **{role: ADMIN_LOGIN for role in ROLES},
        "administrator": OK,
        "prisoner": FORBIDDEN,
    },
    # Public, but not on a kiosk (which opens only kiosk and learning pages).
    "verify_form": {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN},
    "verify": {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN},
    "verify_credential": {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN},
    "credential_download": {
        **{role: MISSING for role in ROLES},
        "anonymous": LOGIN,
        "prisoner": OK,
    },
    "status_list": {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN},
    "status_list_key": {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN},
    "did_web": {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN},
    "context": {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN},
    "healthz": {role: OK for role in ROLES},
    "guideline": {**EVERYONE_SIGNED_IN, "anonymous": LOGIN, "prisoner": MISSING},
    "guideline_reports": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    # Kiosks and consent
    "kiosk_sign_in": {**{role: FORBIDDEN for role in ROLES}, "prisoner": "302 /learn/"},
    "kiosk_register": {role: OK for role in ROLES},
    "kiosk_pin_change": {**{role: FORBIDDEN for role in ROLES}, "anonymous": LOGIN, "prisoner": OK},
    "kiosk_pin_manage_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "guideline_report": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "kiosk_pin_manage_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": OK,
    },
    "kiosk_admin": {
        **{role: ADMIN_LOGIN for role in ROLES},
        "trainer": ADMIN_HOME,
        "officer": OK,
        "administrator": OK,
        "prisoner": FORBIDDEN,
    },
    "kiosk_admin_code": {
        **{role: ADMIN_LOGIN for role in ROLES},
        "trainer": ADMIN_HOME,
        "prisoner": FORBIDDEN,
        "officer": OK,
        "administrator": OK,
    },
    "consent_withdraw": {**{role: MISSING for role in ROLES}, "anonymous": LOGIN, "prisoner": OK},
    # Consent history: everyone their own; a learner's only for need-to-know staff (the
    # page first asks why; tests/consent/test_history.py reads it with a reason).
    "my_consent": {"anonymous": LOGIN, **EVERYONE_SIGNED_IN},
    "manage_consent_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "manage_consent_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": OK,
    },
    # The employability record: the person's own page (prisoners only), the officers'
    # page and the exports at release (their facilities; administrators everywhere).
    "my_record": {**{role: FORBIDDEN for role in ROLES}, "anonymous": LOGIN, "prisoner": OK},
    "my_record_choice": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "prisoner": "302 /learn/record/",
    },
    "manage_record_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "manage_record_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": OK,
    },
    "manage_record_goal_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": "302 {manage_record_a}",
        "administrator": "302 {manage_record_a}",
    },
    "manage_record_goal_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": "302 {manage_record_b}",
    },
    "record_export_get": {  # POST only; a kiosk opens no staff page at all
        **{role: 405 for role in ROLES},
        "anonymous": LOGIN,
        "prisoner": FORBIDDEN,
    },
    "record_export_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "record_export_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": OK,
    },
    # Mandatory training: staff's own page (prisoners see theirs on the kiosk), the
    # compliance figures (monitors: every facility, never a name), people and requests.
    "training_mine": {**EVERYONE_SIGNED_IN, "anonymous": LOGIN, "prisoner": MISSING},
    "training_ask": {
        **{role: MISSING for role in ROLES},
        "anonymous": LOGIN,
        "staff_learner": "302 {training_mine}",
    },
    "training_reminders": {
        **{role: "302 {training_mine}" for role in ROLES},
        "anonymous": LOGIN,
        "prisoner": MISSING,
    },
    "training_compliance_index": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": "302 {training_compliance_a}",
        "monitor": OK,
        "administrator": OK,
    },
    "training_compliance_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "monitor": OK,
        "administrator": OK,
    },
    "training_compliance_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "monitor": OK,
        "administrator": OK,
    },
    "training_people_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "training_people_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": OK,
    },
    "training_requests": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "training_decide": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": "302 {training_requests}",
        "administrator": "302 {training_requests}",
    },
    "training_pauses": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "training_pause_end": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": "302 {training_pauses}",
        "administrator": "302 {training_pauses}",
    },
    "training_import": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "administrator": OK,
    },
    "training_import_preview": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "administrator": OK,
    },
    # Reports: monitors (figures only), officers (their facility), administrators (all).
    "reports_overview": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "monitor": OK,
        "administrator": OK,
    },
    "reports_csv": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "monitor": OK,
        "administrator": OK,
    },
    "reports_xlsx": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "monitor": OK,
        "administrator": OK,
    },
    "reports_items": {  # item analysis: figures for those who write the quizzes
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "trainer": OK,
        "administrator": OK,
    },
    "reports_packs": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "monitor": OK,
        "administrator": OK,
    },
    "reports_pack_download": {  # the national pack: not an officer's
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "monitor": OK,
        "administrator": OK,
    },
    # Officers open the people of their facility, administrators of all; monitors never.
    "reports_people_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": OK,
        "administrator": OK,
    },
    "reports_people_b": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
        "officer": MISSING,
        "administrator": OK,
    },
    # Voluntary programmes: aggregates only, for every role.
    "reports_people_voluntary_a": {
        **{role: FORBIDDEN for role in ROLES},
        "anonymous": LOGIN,
    },
    "h5p_libraries": {
        **{role: ADMIN_LOGIN for role in ROLES},
        "trainer": ADMIN_HOME,
        "officer": ADMIN_HOME,
        "administrator": OK,
        "prisoner": FORBIDDEN,  # prisoners are on kiosks, which open no admin
    },
}
# Breakdowns and their exports: the overview's viewers.
for _by in ("unit", "programme_type", "course"):
    for _suffix in ("", "_csv", "_xlsx"):
        EXPECTED[f"reports_by_{_by}{_suffix}"] = EXPECTED["reports_overview"]
# The compliance and people exports (?format=csv|xlsx) are the same views as the pages:
# every role must get exactly what it gets on the page (a monitor: figures, no names).
for _page in ("compliance", "people"):
    for _code in ("a", "b"):
        for _fmt in ("csv", "xlsx"):
            EXPECTED[f"training_{_page}_{_code}_{_fmt}"] = EXPECTED[f"training_{_page}_{_code}"]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_url_answers_each_role_as_designed(client, world, name):
    seen = answers_by_role(client, world["users"], world["urls"][name], post=POSTS.get(name))
    expected = {
        role: answer.format(**world["urls"]) if isinstance(answer, str) else answer
        for role, answer in EXPECTED[name].items()
    }
    assert seen == expected


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("backend", ["lms.core.backends.StaffPasswordBackend", KIOSK_BACKEND])
def test_each_url_refuses_a_prisoner_session_made_off_a_kiosk(client, world, name, backend):
    """The off-kiosk prisoner column: a prisoner session that did not come from a kiosk
    sign-in (here ``force_login``, with either backend) is never signed in anywhere: each
    URL answers as to a signed-out visitor, or ends the session and sends to the kiosk."""
    client.force_login(world["users"]["prisoner"], backend=backend)
    url = world["urls"][name]
    post = POSTS.get(name)
    response = client.get(url) if post is None else client.post(url, post)
    anonymous = EXPECTED[name]["anonymous"]
    anonymous = anonymous.format(**world["urls"]) if isinstance(anonymous, str) else anonymous
    assert answer_of(response) in (anonymous, f"302 {reverse('kiosk:sign_in')}")
    assert "_auth_user_id" not in client.session


def test_the_matrix_covers_every_employability_url(world):
    from employability.urls import learner_urls, management_urls

    covered = {
        resolve(url.split("?")[0]).url_name
        for url in world["urls"].values()
        if resolve(url.split("?")[0]).namespace == "employability"
    }
    assert covered == {pattern.name for pattern in [*learner_urls, *management_urls]}


def test_the_matrix_covers_every_training_url(world):
    from training.urls import learner_urls, management_urls

    urlpatterns = learner_urls + management_urls

    covered = {
        resolve(url.split("?")[0]).url_name
        for url in world["urls"].values()
        if resolve(url.split("?")[0]).namespace == "training"
    }
    assert covered == {pattern.name for pattern in urlpatterns}


def test_the_matrix_covers_every_reports_url(world):
    from reports.urls import management_urls

    covered = {
        resolve(url.split("?")[0]).url_name
        for url in world["urls"].values()
        if resolve(url.split("?")[0]).namespace == "reports"
    }
    assert covered == {pattern.name for pattern in management_urls}


def test_only_the_export_rows_wrote_exports(client, world):
    """The exports above are real: each answered 200 wrote its audit row."""
    from lms.core.models import AuditEvent

    for name in ("record_export_a", "record_export_b"):
        answers_by_role(client, world["users"], world["urls"][name], post=POSTS[name])
    exports = AuditEvent.objects.filter(action="employability.export_credentials")
    assert sorted(event.actor.role for event in exports) == [
        "administrator",
        "administrator",
        "education_officer",
    ]


def test_the_page_editor_runs_no_inline_script(client, world):
    """The admin works under script-src 'self': no inline script to block."""
    client.force_login(world["users"]["trainer"])
    course = factories.make_course(title="Bricklaying")
    html = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    inline = [
        body
        for attrs, body in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
        if "json" not in attrs and body.strip()
    ]
    assert inline == []
    assert "data-qadam-chooser" in html
