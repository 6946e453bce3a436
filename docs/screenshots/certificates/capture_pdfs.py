# ruff: noqa  (a one-off capture script for the screenshots here, not product code)
import io, os, subprocess, sys
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
django.setup()
from dataclasses import replace
from PIL import Image, ImageDraw, ImageFont
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from certificates.preview import sample_data
from certificates.rendering import render_certificate_pdf, TemplateData, SignatoryData


def save(name, img):
    buf = io.BytesIO()
    img.save(buf, "PNG")
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(buf.getvalue()))


font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf", 44)
logo = Image.new("RGBA", (520, 160), (255, 255, 255, 0))
d = ImageDraw.Draw(logo)
d.ellipse((10, 10, 150, 150), outline=(15, 92, 90), width=10)
d.text((48, 45), "AP", font=font, fill=(15, 92, 90))
d.text((175, 50), "Almaty Poly", font=font, fill=(15, 92, 90))
sig = Image.new("RGBA", (400, 120), (255, 255, 255, 0))
d = ImageDraw.Draw(sig)
d.line(
    [(10, 90), (60, 20), (90, 100), (140, 30), (180, 80), (260, 40), (380, 70)],
    fill=(20, 40, 120),
    width=5,
)
logo_path = save("original_images/demo-logo.png", logo)
sig_path = save("original_images/demo-signature.png", sig)
out = sys.argv[1]
headings = {
    "kk": ("Біліктілік сертификаты", "келесі курсты сәтті аяқтады:"),
    "ru": ("Сертификат о прохождении курса", "успешно окончил(а) курс"),
    "en": ("", ""),
}
for layout in ("classic", "modern"):
    for lang in ("kk", "ru", "en"):
        base = replace(
            sample_data(None, lang),
            verify_url="https://qadam.edu.example.kz/verify/7K2M9QXD4T8BHN3C/",
        )
        plain = render_certificate_pdf(base)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", "-", f"{out}/default-{lang}"],
            input=plain,
            check=True,
        )
        tpl = TemplateData(
            layout=layout,
            heading=headings[lang][0],
            statement=headings[lang][1],
            logo_path=logo_path,
            signatories=(
                SignatoryData(
                    "Дана Сейтқали",
                    {
                        "kk": "Колледж директоры",
                        "ru": "Директор колледжа",
                        "en": "College director",
                    }[lang],
                    sig_path,
                ),
                SignatoryData(
                    "Ержан Тоқтаров",
                    {
                        "kk": "Оқу ісінің меңгерушісі",
                        "ru": "Заведующий учебной частью",
                        "en": "Head of studies",
                    }[lang],
                    "",
                ),
            ),
        )
        pdf = render_certificate_pdf(
            replace(base, template=tpl, provider="Almaty Polytechnic College")
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", "-", f"{out}/{layout}-{lang}"],
            input=pdf,
            check=True,
        )
print("ok")
