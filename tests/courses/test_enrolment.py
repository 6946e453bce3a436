import pytest

from courses.models import Enrolment, EnrolmentTransitionError
from courses.services import NotAllowed, enrolment_create, enrolment_set_status
from lms.core.models import AuditEvent
from tests import factories

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
    client.force_login(prisoner)
    page = client.get(advanced.get_url()).content.decode()
    assert "First complete:" in page and "Join this course" not in page

    enrolment_create(actor=prisoner, learner=prisoner, course=basics)
    lesson_complete(actor=prisoner, lesson=basics.lessons().specific().get())
    assert enrolment_create(actor=prisoner, learner=prisoner, course=advanced).status == "active"
    client.post(reverse("learning:enrol", args=[advanced.pk]))
    assert "First complete:" not in client.get(advanced.get_url()).content.decode()
