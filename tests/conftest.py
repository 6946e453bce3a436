from __future__ import annotations

import os

import pytest
from django.conf import settings

from lms.celery import app as celery_app

from . import factories


def pytest_sessionstart(session: pytest.Session) -> None:
    """With QADAM_REQUIRE_SERVICES=1 (the PostgreSQL + Redis run) a missing service is a
    failure that says what is missing, never a silent skip."""
    if os.environ.get("QADAM_REQUIRE_SERVICES") != "1":
        return
    problems = []
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        problems.append(f"DATABASE_URL must point at PostgreSQL, not {database['ENGINE']}")
    else:
        import psycopg

        try:
            psycopg.connect(
                host=database["HOST"],
                port=database["PORT"] or 5432,
                user=database["USER"],
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except Exception as error:
            problems.append(
                f"PostgreSQL at {database['HOST']}:{database['PORT']} is not reachable: {error}"
            )
    broker = settings.CELERY_BROKER_URL
    try:
        with celery_app.connection_for_write(broker) as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as error:
        problems.append(f"the broker {broker} is not reachable: {error}")
    if problems:
        pytest.exit("Integration services missing: " + "; ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty Django caches: counters such as the verification rate
    limit (per client address, per minute) would otherwise carry over between tests."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker (see ``celery_worker``)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def facility_a():
    return factories.FacilityFactory(code="a", name="Facility A")


@pytest.fixture
def facility_b():
    return factories.FacilityFactory(code="b", name="Facility B")


@pytest.fixture
def prisoner(facility_a):
    return factories.PrisonerFactory(facility=facility_a, first_name="Nurlan", last_name="Abenov")


@pytest.fixture
def staff_member(facility_a):
    return factories.UserFactory(facility=facility_a)


@pytest.fixture
def officer(facility_a):
    return factories.OfficerFactory(facility=facility_a)


@pytest.fixture
def prisoner_course(db):
    return factories.make_course(title="Welding safety", audience="prisoners")


@pytest.fixture
def staff_course(db):
    return factories.make_course(
        title="Use of force", audience="staff", programme_type="staff_training"
    )


# --- Certificates' issuer keys: a fresh set per test run, never the real key dir --------


@pytest.fixture(scope="session", autouse=True)
def _fresh_credential_keys():
    """Each test database makes its own issuer key files: start every run with none."""
    import shutil

    shutil.rmtree(settings.CREDENTIAL_KEY_DIR, ignore_errors=True)
    yield
    shutil.rmtree(settings.CREDENTIAL_KEY_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _version_tokens_per_test():
    """Each test starts outside any request as far as the version tokens go: the test
    client never finishes a streamed response it did not read (no request_finished), and
    a token read in a rolled-back test must not be used by the next one."""
    from lms.core import serving

    serving._in_request.set(False)
    serving._request_tokens.set(None)
    yield
