from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_choosers_js() -> str:
    return format_html('<script src="{}"></script>', static("js/admin-choosers.js"))
