"""Pages across languages: titles in the visitor's language for the apps whose rows point at one
translation of a page, and the default-language version that names a place in every language.

Products, producers and services point at the commune (or village) page they were created under, often
the Vietnamese one; an English visitor reads the English titles.
"""

from django.conf import settings
from django.db.models import Subquery
from wagtail.models import Locale, Page


def localized_titles(pages) -> dict[int, str]:
    """``{page id: title in the active language}``: a live translation's title where there is one, else the
    page's own title. At most two queries (the active locale, the translations), whatever the number of
    pages; none for no pages."""
    pages = list({page.pk: page for page in pages if page is not None}.values())
    titles = {page.pk: page.title for page in pages}
    if not pages:
        return titles
    locale = Locale.get_active()
    others = {page.translation_key: page.pk for page in pages if page.locale_id != locale.pk}
    if others:
        translations = Page.objects.filter(locale=locale, translation_key__in=list(others)).live()
        for translation_key, title in translations.values_list("translation_key", "title"):
            titles[others[translation_key]] = title
    return titles


def default_language_version(page_model, page):
    """``page``'s translation in the default language (Vietnamese), the page itself when it has none.

    Rows that name a place (indicator values, votes, the API) use that version's id in every language.
    One query.
    """
    return (
        page_model.objects.filter(
            translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
        ).first()
        or page
    )


def all_language_paths(page_id: int) -> list[str]:
    """The tree paths of the page ``page_id`` in every language (its translations share a key). One query."""
    key = Page.objects.filter(pk=page_id).values("translation_key")
    return list(Page.objects.filter(translation_key__in=Subquery(key)).values_list("path", flat=True))
