# ruff: noqa  (a one-off capture script for the screenshots here, not product code)
import subprocess
from lms.core.models import User
from employability.services import cv_data
from employability.rendering import render_cv_pdf

p = User.objects.get(username="N-100001")
for lang in ("ru", "kk", "en"):
    pdf = render_cv_pdf(cv_data(p, lang))
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-singlefile",
            "-",
            f"/work/wt-certs/docs/screenshots/certificates/cv-{lang}",
        ],
        input=pdf,
        check=True,
    )
print("ok")
