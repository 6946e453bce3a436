import pytest

from courses.models import Enrolment, EnrolmentTransitionError
from courses.services import NotAllowed, enrolment_create, enrolment_set_status
from lms.core.models import AuditEvent
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def test_a_learner_enrols_themself_once(prisoner, prisoner_course):
    first = enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    second = enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    assert first == second
    assert first.source == Enrolment.Source.SELF
    assert Enrolment.objects.count() == 1
    event = AuditEvent.objects.get(action="enrolment.create")
    assert event.actor == prisoner and event.after["status"] == "active"


def test_a_prisoner_cannot_enrol_on_a_staff_course(prisoner, staff_course):
    with pytest.raises(NotAllowed):
        enrolment_create(actor=prisoner, learner=prisoner, course=staff_course)
    assert not Enrolment.objects.exists()


def test_self_enrolment_is_refused_where_the_course_does_not_allow_it(prisoner):
    course = factories.make_course(self_enrolment=False)
    with pytest.raises(NotAllowed):
        enrolment_create(actor=prisoner, learner=prisoner, course=course)


def test_an_officer_enrols_a_learner_of_their_facility(officer, prisoner, prisoner_course):
    enrolment = enrolment_create(actor=officer, learner=prisoner, course=prisoner_course)
    assert enrolment.source == Enrolment.Source.ASSIGNED
    assert enrolment.enrolled_by == officer


def test_an_officer_cannot_enrol_a_learner_of_another_facility(
    officer, facility_b, prisoner_course
):
    stranger = factories.PrisonerFactory(facility=facility_b)
    with pytest.raises(NotAllowed):
        enrolment_create(actor=officer, learner=stranger, course=prisoner_course)


def test_a_learner_cannot_enrol_another_learner(prisoner, facility_a, prisoner_course):
    other = factories.PrisonerFactory(facility=facility_a)
    with pytest.raises(NotAllowed):
        enrolment_create(actor=prisoner, learner=other, course=prisoner_course)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("completed", "active"),
        ("completed", "withdrawn"),
        ("withdrawn", "paused"),
        ("withdrawn", "completed"),
    ],
)
def test_illegal_status_moves_are_refused(start, target):
    enrolment = Enrolment(status=start)
    with pytest.raises(EnrolmentTransitionError):
        enrolment.transition_to(target)
    assert enrolment.status == start


def test_stopping_and_resuming_is_audited(prisoner, prisoner_course):
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    enrolment_set_status(actor=prisoner, enrolment=enrolment, status="withdrawn")
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    assert enrolment.status == "active"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["enrolment.create", "enrolment.withdrawn", "enrolment.resume"]


def test_completion_cannot_be_set_by_hand(prisoner, prisoner_course):
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    with pytest.raises(NotAllowed):
        enrolment_set_status(actor=prisoner, enrolment=enrolment, status="completed")


def test_enrolments_are_scoped_to_the_officers_facilities(
    officer, prisoner, facility_b, prisoner_course
):
    stranger = factories.PrisonerFactory(facility=facility_b)
    enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    enrolment_create(actor=stranger, learner=stranger, course=prisoner_course)
    visible = Enrolment.objects.visible_to(officer)
    assert [e.learner for e in visible] == [prisoner]
    assert list(Enrolment.objects.visible_to(stranger).values_list("learner", flat=True)) == [
        stranger.pk
    ]


def test_prerequisites_must_be_completed_before_joining(client, prisoner):
    from django.urls import reverse

    from courses.services import lesson_complete

    basics = factories.make_course(title="Safety basics", lessons=1)
    advanced = factories.make_course(title="Advanced welding", lessons=1)
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    advanced.refresh_from_db()
    with pytest.raises(NotAllowed, match="Safety basics"):
        enrolment_create(actor=prisoner, learner=prisoner, course=advanced)
    sign_in(client, prisoner)
    page = client.get(advanced.get_url()).content.decode()
    assert "First complete:" in page and "Join this course" not in page

    enrolment_create(actor=prisoner, learner=prisoner, course=basics)
    lesson_complete(actor=prisoner, lesson=basics.lessons().specific().get())
    assert enrolment_create(actor=prisoner, learner=prisoner, course=advanced).status == "active"
    client.post(reverse("learning:enrol", args=[advanced.pk]))
    assert "First complete:" not in client.get(advanced.get_url()).content.decode()


# --- Voluntary programmes: only the person joins (decision record 0021) -------------------

VOLUNTARY_REFUSAL = "Only the person can choose to join a voluntary programme"


@pytest.fixture
def faith_course(db):
    return factories.make_course(
        title="Paths of peace", programme_type="faith_based", audience="prisoners", lessons=1
    )


@pytest.fixture
def consent_course(db):
    """A life-skills course that asks for consent (a disengagement programme)."""
    course = factories.make_course(title="Leaving the group", programme_type="life_skills")
    course.requires_consent = True
    course.save_revision().publish()
    course.refresh_from_db()
    return course


@pytest.fixture
def administrator(db):
    from lms.core.models import User

    return factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)


@pytest.mark.parametrize("source", [Enrolment.Source.ASSIGNED, Enrolment.Source.PLAN])
@pytest.mark.parametrize("course_fixture", ["faith_course", "consent_course"])
@pytest.mark.parametrize("actor_fixture", ["officer", "administrator"])
def test_staff_cannot_enrol_anyone_on_a_voluntary_programme(
    request, prisoner, source, course_fixture, actor_fixture
):
    course = request.getfixturevalue(course_fixture)
    actor = request.getfixturevalue(actor_fixture)
    with pytest.raises(NotAllowed, match=VOLUNTARY_REFUSAL):
        enrolment_create(actor=actor, learner=prisoner, course=course, source=source)
    assert not Enrolment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="enrolment.").exists()


def test_a_voluntary_programme_is_never_joined_from_an_individual_plan(prisoner, faith_course):
    with pytest.raises(NotAllowed, match=VOLUNTARY_REFUSAL):
        enrolment_create(
            actor=prisoner, learner=prisoner, course=faith_course, source=Enrolment.Source.PLAN
        )
    assert not Enrolment.objects.exists()


def test_the_person_joins_a_voluntary_programme_themself(prisoner, faith_course):
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    assert enrolment.source == Enrolment.Source.SELF and enrolment.enrolled_by == prisoner


def test_a_voluntary_programme_is_always_open_to_joining_by_oneself(prisoner):
    course = factories.make_course(
        title="Paths of peace", programme_type="faith_based", self_enrolment=False
    )
    assert course.self_enrolment
    assert enrolment_create(actor=prisoner, learner=prisoner, course=course).status == "active"


def test_staff_cannot_bring_back_a_stopped_voluntary_programme(
    officer, administrator, prisoner, faith_course
):
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    enrolment_set_status(actor=prisoner, enrolment=enrolment, status="withdrawn")
    for actor in (officer, administrator):
        with pytest.raises(NotAllowed, match=VOLUNTARY_REFUSAL):
            enrolment_create(actor=actor, learner=prisoner, course=faith_course)
        with pytest.raises(NotAllowed, match=VOLUNTARY_REFUSAL):
            enrolment_set_status(actor=actor, enrolment=enrolment, status="active")
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"
    assert not AuditEvent.objects.filter(actor__in=[officer, administrator]).exists()


def test_staff_cannot_pause_or_stop_someones_voluntary_programme(officer, prisoner, faith_course):
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    for status in ("paused", "withdrawn"):
        with pytest.raises(NotAllowed, match=VOLUNTARY_REFUSAL):
            enrolment_set_status(actor=officer, enrolment=enrolment, status=status)
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_staff_still_change_enrolments_on_other_courses(officer, prisoner, prisoner_course):
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    enrolment_set_status(actor=officer, enrolment=enrolment, status="withdrawn")
    assert enrolment_create(actor=officer, learner=prisoner, course=prisoner_course).status == (
        "active"
    )


def test_the_officers_form_offers_no_voluntary_programme(
    client, officer, prisoner, prisoner_course, faith_course, consent_course
):
    from django.urls import reverse

    client.force_login(officer)
    html = client.get(reverse("manage:learner", args=[prisoner.public_id])).content.decode()
    assert f'<option value="{prisoner_course.pk}">Welding safety</option>' in html
    assert "Paths of peace" not in html and "Leaving the group" not in html
    assert f'value="{faith_course.pk}"' not in html
    assert "only the person can choose to join them" in html


def test_an_officer_cannot_enrol_a_learner_on_a_voluntary_programme_over_http(
    client, officer, prisoner, faith_course
):
    from django.urls import reverse

    client.force_login(officer)
    url = reverse("manage:learner", args=[prisoner.public_id])
    response = client.post(url, {"course": faith_course.pk})
    assert not Enrolment.objects.exists()
    assert "is enrolled on" not in response.content.decode()
    # Nor once the person has joined and stopped: staff cannot put them back.
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    enrolment_set_status(actor=prisoner, enrolment=enrolment, status="withdrawn")
    client.post(url, {"course": faith_course.pk})
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"
    assert not AuditEvent.objects.filter(actor=officer).exists()


# --- Prerequisites that are voluntary programmes ------------------------------------------


@pytest.fixture
def builds_on_faith(faith_course):
    """A vocational course with a faith-based programme among its prerequisites: data from
    before ``CoursePage.clean`` refused it, so saved without validation."""
    course = factories.make_course(title="Mentoring others", lessons=1)
    course.prerequisites.add(faith_course)
    course.save(clean=False)
    course.refresh_from_db()
    assert list(course.prerequisites.all()) == [faith_course]
    return course


def test_a_voluntary_prerequisite_of_an_ordinary_course_is_ignored(
    client, prisoner, faith_course, builds_on_faith
):
    assert builds_on_faith.missing_prerequisites(prisoner.pk) == []
    sign_in(client, prisoner)
    page = client.get(builds_on_faith.get_url()).content.decode()
    assert "First complete:" not in page and "Paths of peace" not in page
    assert "Join this course" in page
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=builds_on_faith)
    assert enrolment.status == "active"


def test_staff_enrol_on_a_course_with_an_ignored_voluntary_prerequisite_whatever_the_person_did(
    client, officer, prisoner, facility_a, faith_course, builds_on_faith
):
    from django.urls import reverse

    from consent.services import consent_give
    from courses.services import lesson_complete

    took_part = factories.PrisonerFactory(facility=facility_a)
    enrolment_create(actor=took_part, learner=took_part, course=faith_course)
    consent_give(actor=took_part, course=faith_course)
    lesson_complete(actor=took_part, lesson=faith_course.lessons().specific().get())
    for learner in (prisoner, took_part):
        enrolment = enrolment_create(actor=officer, learner=learner, course=builds_on_faith)
        assert enrolment.status == "active" and enrolment.source == Enrolment.Source.ASSIGNED
    client.force_login(officer)
    html = client.get(reverse("manage:learner", args=[prisoner.public_id])).content.decode()
    assert "Mentoring others" in html


def test_a_voluntary_course_still_requires_the_voluntary_programme_it_builds_on(
    client, prisoner, faith_course
):
    follow_up = factories.make_course(title="Peace in practice", programme_type="faith_based")
    follow_up.prerequisites.add(faith_course)
    follow_up.save_revision().publish()
    follow_up.refresh_from_db()
    with pytest.raises(NotAllowed, match="First complete: “Paths of peace”"):
        enrolment_create(actor=prisoner, learner=prisoner, course=follow_up)
    sign_in(client, prisoner)
    page = client.get(follow_up.get_url()).content.decode()
    assert "First complete:" in page and "Paths of peace" in page


def test_staff_still_see_which_ordinary_prerequisite_is_missing(officer, prisoner):
    basics = factories.make_course(title="Safety basics", lessons=1)
    advanced = factories.make_course(title="Advanced welding", lessons=1)
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    advanced.refresh_from_db()
    with pytest.raises(NotAllowed, match="First complete: “Safety basics”"):
        enrolment_create(actor=officer, learner=prisoner, course=advanced)


def test_an_officer_of_another_facility_learns_nothing_about_prerequisites(officer, facility_b):
    stranger = factories.PrisonerFactory(facility=facility_b)
    basics = factories.make_course(title="Safety basics", lessons=1)
    advanced = factories.make_course(title="Advanced welding", lessons=1)
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    advanced.refresh_from_db()
    with pytest.raises(NotAllowed, match="You may not enrol this person."):
        enrolment_create(actor=officer, learner=stranger, course=advanced)


def test_the_refusals_are_translated(officer, prisoner, faith_course):
    from django.utils import translation

    for language, words in (("ru", "добровольн"), ("kk", "ерікті")):
        with translation.override(language):
            with pytest.raises(NotAllowed) as refused:
                enrolment_create(actor=officer, learner=prisoner, course=faith_course)
            assert words in str(refused.value).lower()


def test_the_forms_note_on_voluntary_programmes_is_translated(client, officer, prisoner):
    from django.urls import reverse
    from django.utils import translation

    client.force_login(officer)
    for language, words in (("ru", "здесь не предлагаются"), ("kk", "мұнда ұсынылмайды")):
        # The middleware switches the thread's language: override puts it back afterwards.
        with translation.override(language):
            url = reverse("manage:learner", args=[prisoner.public_id])
            html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert words in html
