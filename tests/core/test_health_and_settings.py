import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_pages_carry_a_same_origin_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy


def production_env(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "x" * 20 + "production-secret-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "lms.example.org",
        "DATABASE_URL": "sqlite:////tmp/qadam-deploy-check.sqlite3",
        "QADAM_BASE_URL": "https://lms.example.org",
        "EMAIL_URL": "smtp+tls://qadam:secret@mail.example.org:587",
        **extra,
    }
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing, check_id",
    [("QADAM_BASE_URL", "qadam.E101"), ("EMAIL_URL", "qadam.E102")],
)
def test_the_deploy_check_fails_without_a_public_address_or_e_mail(missing, check_id):
    env = production_env()
    env.pop(missing)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert check_id in result.stderr + result.stdout


def test_production_cookies_are_host_only_and_secure():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.QADAM_MFA_REQUIRED, s.EMAIL_HOST)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(QADAM_MFA_REQUIRED="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "True",
        "mail.example.org",
    ], result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_seed_demo_is_refused_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "refused with production settings" in result.stderr


def test_only_the_base_settings_read_the_environment():
    """README: every environment variable is read in lms/settings/base.py; the other
    settings modules only choose values."""
    for module in (ROOT / "lms" / "settings").glob("*.py"):
        if module.name == "base.py":
            continue
        text = module.read_text()
        for reader in ("os.environ", "getenv", "env_bool(", "env_list("):
            assert reader not in text, f"{module.name} reads the environment ({reader})"


def test_production_takes_its_https_settings_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(SECURE_HSTS_SECONDS="600", SECURE_HSTS_PRELOAD="1", DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "600", "True", "False"]


# --- EMAIL_URL ---------------------------------------------------------------------------


def production_email_settings(url: str) -> list[str]:
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, "
        "s.EMAIL_TIMEOUT)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(EMAIL_URL=url, QADAM_MFA_REQUIRED="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_an_smtp_tls_email_url_sends_with_starttls_and_a_30_second_timeout():
    assert production_email_settings("smtp+tls://qadam:secret@mail.example.org:587") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
        "False",
        "30",
    ]


def test_an_smtp_ssl_email_url_sends_over_implicit_tls():
    assert production_email_settings("smtp+ssl://qadam:secret@mail.example.org:465") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "465",
        "False",
        "True",
        "30",
    ]


def test_a_timeout_in_the_email_url_wins_and_ports_have_defaults():
    from lms.core.email_url import email_settings

    conf = email_settings("smtp+tls://mail.example.org?timeout=5", timeout=30)
    assert (conf["EMAIL_PORT"], conf["EMAIL_USE_TLS"], conf["EMAIL_TIMEOUT"]) == (587, True, 5)
    conf = email_settings("smtp+ssl://u:p%40ss@mail.example.org", timeout=30)
    assert (conf["EMAIL_PORT"], conf["EMAIL_USE_SSL"], conf["EMAIL_TIMEOUT"]) == (465, True, 30)
    assert conf["EMAIL_HOST_PASSWORD"] == "p@ss"


def test_an_email_url_with_an_unknown_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from lms.core.email_url import email_settings

    with pytest.raises(ImproperlyConfigured, match="smtp\\+tls://"):
        email_settings("smtp+starttls://mail.example.org:587", timeout=30)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(EMAIL_URL="smtp+starttls://qadam:secret@mail.example.org:587"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "EMAIL_URL has the scheme" in result.stderr


@pytest.mark.parametrize("url", ["smtp+bogus://mail.example.org", "console://"])
def test_the_deploy_check_fails_on_an_email_url_that_sends_no_mail(settings, url):
    from lms.core.checks import email_configured

    settings.EMAIL_URL = url
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert [error.id for error in email_configured(None)] == ["qadam.E102"]
    settings.EMAIL_URL = "smtp+tls://mail.example.org:587"
    assert email_configured(None) == []
