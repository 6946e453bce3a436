from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from lms.core.serving import is_served_page, memoised

register = template.Library()


@register.simple_tag(takes_context=True)
def language_options(context: template.Context) -> list[dict[str, object]]:
    """One entry per interface language, with where to go after switching: the page's
    translation when there is one, else the same address in the other language."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    here = request.get_full_path() if request else "/"
    translations = {}
    if page is not None and hasattr(page, "get_translations") and page.pk is not None:
        if is_served_page(request, page):
            translations = memoised(
                ("translations_by_language", page.pk), lambda: _translations(page)
            )
        else:
            translations = _translations(page)
    # A page's own address in another language is the same for everyone: remembered (only
    # for plain page addresses, so a query string cannot fill the memo).
    remember = is_served_page(request, page) and not request.GET
    options = []
    for code, name in settings.LANGUAGES:
        target = translations.get(code)
        if target is not None:
            url = target.get_url(request)
        elif remember:
            url = memoised(("translate_url", here, code), lambda c=code: translate_url(here, c))
        else:
            url = translate_url(here, code)
        options.append({"code": code, "name": name, "current": code == current, "next": url})
    return options


def _translations(page: Page) -> dict[str, Page]:
    return {
        other.locale.language_code: other
        for other in page.get_translations(inclusive=True).live().select_related("locale")
    }


@register.filter
def get_item(mapping: dict | None, key: object) -> object:
    """``mapping|get_item:key`` for dicts keyed by values a template cannot spell."""
    return (mapping or {}).get(key)


@register.simple_tag
def new_uuid() -> str:
    """A fresh id for a form, so the server can tell a double submit from a new one."""
    import uuid

    return str(uuid.uuid4())


@register.filter
def get_item_at(sequence: object, index: int) -> object:
    """``sequence|get_item_at:i``: the i-th item, or None when out of range."""
    try:
        return sequence[index]  # type: ignore[index]
    except (IndexError, KeyError, TypeError):
        return None


class RememberNode(template.Node):
    def __init__(self, name: str, varies_on: list[template.base.FilterExpression], nodelist):
        self.name = name
        self.varies_on = varies_on
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        key = (
            "fragment",
            self.name,
            translation.get_language(),
            *(str(var.resolve(context)) for var in self.varies_on),
        )
        return memoised(key, lambda: self.nodelist.render(context))


@register.tag
def remember(parser: template.base.Parser, token: template.base.Token) -> RememberNode:
    """``{% remember "name" var ... %}...{% endremember %}``: the enclosed fragment is
    rendered once per process, content version, language and value of each ``var``.

    Only for fragments that hold nothing of the person or the request beyond the named
    values (no CSRF token, no user's name): the first visitor's rendering is everyone's.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("remember needs a fragment name")
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    return RememberNode(name, [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
