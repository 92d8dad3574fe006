"""Builders for test data: a small page tree in Vietnamese and English, users in commune roles."""

import io
import json
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image
from wagtail.models import Collection, Locale, Page, Site

from accounts.models import Role, User
from village.models import (
    CommunePage,
    EventIndexPage,
    EventPage,
    GuideIndexPage,
    GuidePage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    NoticePage,
    ProvincePage,
    VillageImage,
    VillagePage,
)
from village.services import add_commune_member, setup_commune

PASSWORD = "correct-horse-battery-9"


def publish(page: Page, user=None) -> Page:
    page.save_revision(user=user).publish(user=user)
    return page


def add(parent: Page, page: Page, user=None) -> Page:
    parent.add_child(instance=page)
    return publish(page, user)


def translate(page: Page, locale: Locale, **fields) -> Page:
    translation = page.copy_for_translation(locale, copy_parents=False).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    return publish(translation)


def guide_body(title: str = "Mở ứng dụng") -> str:
    return json.dumps(
        [
            {"type": "text", "value": "<p>Giới thiệu.</p>"},
            {
                "type": "steps",
                "value": {
                    "title": "Các bước",
                    "steps": [
                        {"title": title, "text": "<p>Bấm vào biểu tượng.</p>", "image": None},
                        {"title": "Nhập mã", "text": "<p>Nhập mã OTP.</p>", "image": None},
                    ],
                },
            },
            {"type": "checklist", "value": {"title": "Cần mang", "items": ["CCCD", "Điện thoại"]}},
            {"type": "callout", "value": {"kind": "warning", "text": "<p>Không chia sẻ OTP.</p>"}},
            {
                "type": "faq",
                "value": {
                    "title": "Hỏi đáp",
                    "questions": [{"question": "Mất bao lâu?", "answer": "<p>15 phút.</p>"}],
                },
            },
            {
                "type": "service_link",
                "value": {
                    "title": "Dịch vụ công",
                    "url": "https://dichvucong.gov.vn",
                    "description": "Nộp hồ sơ",
                },
            },
            {
                "type": "video",
                "value": {
                    "provider": "youtube",
                    "video_id": "abcDEF12345",
                    "title": "Video",
                    "transcript": "Lời thoại",
                },
            },
        ]
    )


def make_image(title: str = "Ảnh", collection=None, size=(800, 500), colour=(30, 120, 60)) -> VillageImage:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    image = VillageImage(title=title, alt_text=title)
    if collection is not None:
        image.collection = collection
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.jpg")
    image._set_image_file_metadata()
    image.save()
    return image


def build_commune(
    province: ProvincePage, *, slug: str, title: str, admin_code: str, en: Locale | None = None
):
    """A commune with a guide index, one guide chapter, news, a notice, an event and a village."""
    commune = add(
        province,
        CommunePage(
            title=title,
            slug=slug,
            admin_code=admin_code,
            latitude="22.3",
            longitude="103.9",
            population=5000,
            households=1200,
            intro=f"Giới thiệu {title}",
            office_phone="0214 3871 234",
        ),
    )
    workspace = setup_commune(commune=commune)
    commune.hero_image = make_image(f"{title} hero", workspace.collection)
    publish(commune)
    village = add(
        commune, VillagePage(title=f"Thôn {title}", slug=f"thon-{slug}", intro="Thôn", households=80)
    )
    guides = add(commune, GuideIndexPage(title="Cẩm nang", slug="huong-dan"))
    guide = add(
        guides,
        GuidePage(
            title="Kích hoạt định danh điện tử mức 2",
            slug="dinh-danh-muc-2",
            summary="Hướng dẫn VNeID",
            body=guide_body(),
            minutes_needed=20,
        ),
    )
    news_index = add(commune, NewsIndexPage(title="Tin tức", slug="tin-tuc"))
    news = add(
        news_index,
        NewsPage(
            title="Tổ công nghệ số tập huấn",
            slug="tap-huan",
            summary="Tập huấn",
            body=json.dumps([{"type": "text", "value": "<p>Nội dung</p>"}]),
        ),
    )
    notice = add(
        news_index,
        NoticePage(
            title="Lịch cấp định danh",
            slug="lich-cap",
            body="<p>Thứ bảy</p>",
            expires_at=timezone.now() + timedelta(days=30),
        ),
    )
    events = add(commune, EventIndexPage(title="Sự kiện", slug="su-kien"))
    event = add(
        events,
        EventPage(
            title="Chợ phiên",
            slug="cho-phien",
            location="Trung tâm xã",
            summary="Chợ phiên",
            start=timezone.now() + timedelta(days=3),
            end=timezone.now() + timedelta(days=3, hours=5),
        ),
    )
    pages = {
        "commune": commune,
        "village": village,
        "guides": guides,
        "guide": guide,
        "news_index": news_index,
        "news": news,
        "notice": notice,
        "events": events,
        "event": event,
    }
    if en is not None:
        english_slugs = {"guides": "guide", "news_index": "news", "events": "events"}
        for key in [
            "commune",
            "village",
            "guides",
            "guide",
            "news_index",
            "news",
            "notice",
            "events",
            "event",
        ]:
            translate(
                pages[key], en, slug=english_slugs.get(key, pages[key].slug), title=f"{pages[key].title} EN"
            )
        setup_commune(commune=commune)
    return pages


def _tree_roots(vi: Locale) -> Page:
    """The page tree's and the collections' roots, which Wagtail's migrations create and a flush removes."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(title="Root", slug="root", locale=vi)


def build_site(with_english: bool = True) -> dict:
    """Home → province → two communes (A: Tả Van, B: Bắc Hà), in vi and (optionally) en."""
    vi = Locale.objects.get_or_create(language_code="vi")[0]
    en = Locale.objects.get_or_create(language_code="en")[0] if with_english else None
    root = _tree_roots(vi)
    for placeholder in Page.objects.child_of(root).filter(content_type__model="page"):
        Site.objects.filter(root_page=placeholder).delete()
        placeholder.delete()
    home = add(root, HomePage(title="Làng số", slug="home", locale=vi, intro="Nền tảng làng số"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Làng số"},
    )
    province = add(home, ProvincePage(title="Lào Cai", slug="lao-cai", code="15"))
    if en is not None:
        translate(home, en, title="Smart Village")
        translate(province, en)
    a = build_commune(province, slug="ta-van", title="Tả Van", admin_code="02680", en=en)
    b = build_commune(province, slug="bac-ha", title="Bắc Hà", admin_code="02713", en=en)
    return {"home": home, "province": province, "a": a, "b": b, "vi": vi, "en": en}


COMMUNE_KEYS = ("commune", "village", "guides", "guide", "news_index", "news", "notice", "events", "event")


def _load_commune(province: ProvincePage, slug: str) -> dict | None:
    commune = CommunePage.objects.child_of(province).filter(slug=slug).first()
    if commune is None:
        return None
    pages = {"commune": commune}
    for key, model in (
        ("village", VillagePage),
        ("guides", GuideIndexPage),
        ("news_index", NewsIndexPage),
        ("events", EventIndexPage),
    ):
        pages[key] = model.objects.child_of(commune).first()
    pages["guide"] = GuidePage.objects.child_of(pages["guides"]).first()
    pages["news"] = NewsPage.objects.child_of(pages["news_index"]).first()
    pages["notice"] = NoticePage.objects.child_of(pages["news_index"]).first()
    pages["event"] = EventPage.objects.child_of(pages["events"]).first()
    return pages


def load_site() -> dict | None:
    """The tree :func:`build_site` made, fetched again (fresh instances), or None if it is not there."""
    vi = Locale.objects.filter(language_code="vi").first()
    home = HomePage.objects.filter(locale=vi).first() if vi else None
    province = ProvincePage.objects.child_of(home).filter(slug="lao-cai").first() if home else None
    if province is None:
        return None
    a, b = _load_commune(province, "ta-van"), _load_commune(province, "bac-ha")
    if a is None or b is None:
        return None
    return {
        "home": home,
        "province": province,
        "a": a,
        "b": b,
        "vi": vi,
        "en": Locale.objects.filter(language_code="en").first(),
    }


def make_user(email: str, *, phone: str = "", superuser: bool = False, **extra) -> User:
    if superuser:
        return User.objects.create_superuser(email=email, password=PASSWORD, phone=phone, **extra)
    return User.objects.create_user(email=email, password=PASSWORD, phone=phone, **extra)


def make_member(email: str, commune: CommunePage, role: Role) -> User:
    user = make_user(email)
    add_commune_member(commune=commune, user=user, role=role)
    return user
