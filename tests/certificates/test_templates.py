"""Certificate templates: rendering with logos and signatories, the locked-down fetcher
for uploaded images, the preview, and the QR code read back from the PDF."""

import io

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image

from certificates.models import Certificate, CertificateTemplate, TemplateSignatory
from certificates.preview import sample_data, template_preview_pdf
from certificates.rendering import (
    AssetFetcher,
    AssetRefused,
    media_url,
    render_certificate_pdf,
)
from lms.core.models import User
from tests import factories

from .helpers import complete, pdf_png, pdf_text

pytestmark = pytest.mark.django_db


def png_bytes(colour="#0f5c5a", size=(200, 80)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def wagtail_image(title="Logo") -> Image:
    return Image.objects.create(title=title, file=ImageFile(io.BytesIO(png_bytes()), "logo.png"))


@pytest.fixture
def template():
    template = CertificateTemplate.objects.create(
        name="College",
        layout="classic",
        issuing_provider="Almaty Polytechnic College",
        logo=wagtail_image(),
        heading_kk="Біліктілік сертификаты",
        heading_ru="Сертификат о прохождении курса",
        heading_en="Certificate of achievement",
        is_default=True,
    )
    TemplateSignatory.objects.create(
        template=template, name="Dana Seitkali", title="Director", signature=wagtail_image("Sig")
    )
    return template


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_preview_renders_each_language_with_logo_signatory_and_wording(template, language):
    pdf = template_preview_pdf(template, language)
    text = pdf_text(pdf)
    heading = {"kk": "Біліктілік сертификаты", "ru": "Сертификат о прохождении курса"}
    assert heading.get(language, "Certificate of achievement") in text
    assert "Dana Seitkali" in text and "Director" in text
    assert sample_data(template, language).holder_name in text
    assert pdf.count(b"/Subtype /Image") >= 2  # the logo and the signature were loaded


def test_the_qr_code_decodes_to_the_verify_url(
    prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    image = PILImage.open(io.BytesIO(pdf_png(certificate.pdf.read())))
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [
        f"http://127.0.0.1:8000/verify/{certificate.verification_code}/"
    ]


def test_new_certificates_use_the_default_template_and_its_provider_wording(
    template, prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    assert certificate.template == template
    assert certificate.provider == "Almaty Polytechnic College"  # the template's, not the course's
    text = pdf_text(certificate.pdf.read())
    assert "Dana Seitkali" in text and "ALMATY POLYTECHNIC COLLEGE" in text


def test_template_wording_is_escaped_and_cannot_load_files(template):
    template.heading_en = '<img src="file:///etc/passwd"><svg><image href="file:///etc/hosts"/>'
    template.save()
    text = pdf_text(template_preview_pdf(template, "en"))
    assert '<img src="file:///etc/passwd">' in text  # printed as text, never fetched


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/media/original_images/logo.png",
        "https://assets.qadam.invalid/media/../../lms/settings/base.py",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_local_files_network_and_svg(url, template):
    fetcher = AssetFetcher(media_paths=frozenset({template.logo.file.name}))
    with pytest.raises((AssetRefused, ValueError)):
        fetcher.fetch(url)


def test_the_fetcher_serves_only_the_images_the_template_names(template):
    allowed = template.logo.file.name
    fetcher = AssetFetcher(media_paths=frozenset({allowed}))
    assert fetcher.fetch(media_url(allowed)).read().startswith(b"\x89PNG")
    other = wagtail_image("Someone else's upload").file.name
    with pytest.raises(AssetRefused):
        fetcher.fetch(media_url(other))


def test_an_svg_uploaded_under_an_image_name_is_refused(template):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
    path = default_storage.save("original_images/evil.png", ContentFile(svg))
    with pytest.raises(AssetRefused):
        AssetFetcher(media_paths=frozenset({path})).fetch(media_url(path))
    data = sample_data(template, "en")
    from dataclasses import replace

    hostile = replace(data, template=replace(data.template, logo_path=path))
    with pytest.raises(AssetRefused):
        render_certificate_pdf(hostile)


def test_only_administrators_preview_templates(client, template, officer):
    url = reverse("certificates_template_preview", args=[template.pk, "kk"])
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    client.force_login(admin)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(factories.UserFactory(role=User.Role.TRAINER, facility=None))
    assert client.get(url).status_code == 302


def test_only_one_template_is_the_default(template):
    second = CertificateTemplate.objects.create(name="Second", is_default=True)
    template.refresh_from_db()
    assert not template.is_default and second.is_default


def test_issuing_takes_as_many_queries_with_three_signatories_as_with_one(
    template, prisoner, prisoner_course
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certificates.credentials import issuer_key_active
    from certificates.services.issuing import certificate_issue

    issuer_key_active()  # the key is made on first use: not part of what is counted
    template.second_logo = wagtail_image("Second logo")
    template.save()
    counts = []
    for learner in (prisoner, factories.PrisonerFactory(facility=prisoner.facility)):
        certificate = complete(learner, prisoner_course)  # pending: on_commit does not run
        with CaptureQueriesContext(connection) as queries:
            certificate_issue(serial=certificate.serial)
        counts.append(len(queries))
        for n in range(2):
            TemplateSignatory.objects.create(
                template=template, name=f"Signatory {n}", title="Deputy", signature=wagtail_image()
            )
    assert counts[0] == counts[1]
    assert "Signatory 1" in pdf_text(Certificate.objects.get(serial=certificate.serial).pdf.read())
