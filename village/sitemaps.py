"""sitemap.xml over every language: the site's root page and each of its translated trees.

Wagtail's own sitemap lists the default site's root and its descendants, which is the Vietnamese tree
only; the English tree hangs from the root page's translation. Pages carry hreflang links themselves.
"""

from django.contrib.sitemaps import views as sitemap_views
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class MultilingualSitemap(Sitemap):
    def items(self):
        site = self.get_wagtail_site()
        condition = None
        for root in Page.objects.filter(translation_key=site.root_page.translation_key):
            descendants = Page.objects.descendant_of_q(root, inclusive=True)
            condition = descendants if condition is None else condition | descendants
        return Page.objects.live().public().filter(condition).order_by("path").defer_streamfields().specific()


def sitemap(request):
    return sitemap_views.sitemap(request, sitemaps={"pages": MultilingualSitemap(request)})
