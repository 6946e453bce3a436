from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import H5PContent


class H5PUploadForm(WagtailAdminModelForm):
    package = forms.FileField(
        label=_("H5P file"),
        help_text=_("A .h5p file exported from an H5P editor (h5p.org, Lumi)."),
        validators=[FileExtensionValidator(["h5p"])],
    )
    internet_override = forms.CharField(
        label=_("Reason to allow internet addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if the upload is refused because the content loads from the internet: "
            "say why it may be imported anyway. Kiosks have no internet."
        ),
    )

    class Meta:
        model = H5PContent
        fields = ["title"]

    def clean_package(self):  # type: ignore[no-untyped-def]
        package = self.cleaned_data["package"]
        if package.size > settings.H5P_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.H5P_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return package
