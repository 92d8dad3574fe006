"""Admin form for every village page: slugs are written without diacritics.

Wagtail's admin script turns "Trả tiền bằng mã QR" into ``tr-tin-bng-ma-qr`` when Unicode slugs are off
(precomposed Vietnamese letters are dropped, not folded). With Unicode slugs on, it keeps the letters,
and this form folds them (``core.text.fold``): ``tra-tien-bang-ma-qr``.
"""

from wagtail.admin.forms import WagtailAdminPageForm

from core.text import ascii_slug


class VillagePageForm(WagtailAdminPageForm):
    def clean_slug(self):
        return ascii_slug(self.cleaned_data.get("slug", "")) or self.cleaned_data.get("slug", "")
