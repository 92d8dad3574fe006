"""Builds the demo: provinces, communes, villages, guide chapters, news, notices, events (vi + en),
generated images and one account per role. Idempotent: running it again changes nothing."""

import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page, Site

from accounts.models import Role, User
from accounts.services import create_user

from ..models import (
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
from ..services import add_commune_member, setup_commune
from . import content
from .images import landscape_jpeg

DEMO_PASSWORD = "LangSo-demo-2026"  # noqa: S105 - documented demo password, dev only
INDEX_SLUGS = {
    GuideIndexPage: {"vi": "huong-dan", "en": "guide"},
    NewsIndexPage: {"vi": "tin-tuc", "en": "news"},
    EventIndexPage: {"vi": "su-kien", "en": "events"},
}
INDEX_TITLES = {
    GuideIndexPage: {"vi": "Cẩm nang làng số", "en": "Digital village guide"},
    NewsIndexPage: {"vi": "Tin tức và thông báo", "en": "News and notices"},
    EventIndexPage: {"vi": "Sự kiện", "en": "Events"},
}
INDEX_INTROS = {
    GuideIndexPage: {
        "vi": "Hướng dẫn từng bước để người dân dùng dịch vụ số: định danh điện tử, thanh toán, dịch vụ công, "
        "bán hàng trực tuyến và phòng tránh lừa đảo.",
        "en": "Step-by-step help for villagers to use digital services: e-ID, payments, public services, "
        "selling online and avoiding scams.",
    },
    NewsIndexPage: {"vi": "Tin tức và thông báo của xã.", "en": "News and notices of the commune."},
    EventIndexPage: {
        "vi": "Lễ hội, phiên chợ và lớp tập huấn.",
        "en": "Festivals, markets and training days.",
    },
}


def _local(value: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(value), timezone.get_default_timezone())


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts if text)


class DemoLoader:
    def __init__(self, *, log: Callable[[str], None] = print):
        self.log = log
        self.admin: User | None = None
        self.created = 0
        self.images: dict[str, VillageImage] = {}

    # --- helpers ---------------------------------------------------------------------------------
    def _publish(self, page: Page) -> Page:
        page.save_revision(user=self.admin, log_action=True).publish(user=self.admin)
        self.created += 1
        return page

    def _child(self, parent: Page, model, slug: str, **fields):
        """Get the child with ``slug`` or create and publish it (Vietnamese tree)."""
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None:
            return existing, False
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        self._publish(page)
        return page, True

    def _translate(self, page: Page, en: Locale, slug: str, **fields) -> Page:
        translation = page.get_translation_or_none(en)
        if translation is not None and translation.live:
            return translation
        if translation is None:
            translation = page.copy_for_translation(en, copy_parents=False)
        translation = translation.specific
        translation.slug = slug
        for name, value in fields.items():
            setattr(translation, name, value)
        translation.save()
        return self._publish(translation)

    def _image(self, key: str, title: str, collection) -> VillageImage:
        if key in self.images:
            return self.images[key]
        image = VillageImage.objects.filter(title=title, collection=collection).first()
        if image is None:
            from io import BytesIO

            image = VillageImage(title=title, collection=collection, alt_text=title)
            image.file = ImageFile(BytesIO(landscape_jpeg(key)), name=f"{key}.jpg")
            image._set_image_file_metadata()
            image.save()
        self.images[key] = image
        return image

    # --- the steps -------------------------------------------------------------------------------
    def run(self) -> dict:
        last_redirect_id = Redirect.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with transaction.atomic():
            vi = Locale.objects.get_or_create(language_code="vi")[0]
            en = Locale.objects.get_or_create(language_code="en")[0]
            self.admin = self._users_admin()
            home = self._home(vi, en)
            total = len(content.COMMUNES)
            for province_data in content.PROVINCES:
                province = self._province(home, province_data, en)
                for commune_data in [c for c in content.COMMUNES if c["province"] == province_data["slug"]]:
                    index = content.COMMUNES.index(commune_data) + 1
                    self.log(f"[{index}/{total}] {commune_data['name']['vi']}")
                    commune = self._commune(province, commune_data, en)
                    self._villages(commune, commune_data, en)
                    self._guides(commune, en)
                    self._news(commune, commune_data["slug"], en)
                    self._events(commune, commune_data["slug"], en)
            accounts = self._demo_accounts()
            # An English copy first carries the Vietnamese slug; renaming it makes Wagtail record (after
            # commit) redirects from paths that never served anything. Drop the ones this run caused.
            transaction.on_commit(partial(self._drop_automatic_redirects, after_id=last_redirect_id))
        return {"pages_created": self.created, "accounts": accounts}

    @staticmethod
    def _drop_automatic_redirects(*, after_id: int) -> None:
        Redirect.objects.filter(pk__gt=after_id, automatically_created=True).delete()

    def _users_admin(self) -> User:
        admin = User.objects.filter(email="admin@langso.example").first()
        if admin is None:
            admin = User.objects.create_superuser(
                email="admin@langso.example",
                password=DEMO_PASSWORD,
                phone="0900000001",
                first_name="Quản trị",
                last_name="Nền tảng",
            )
        return admin

    def _home(self, vi: Locale, en: Locale) -> HomePage:
        root = Page.get_first_root_node()
        home = HomePage.objects.filter(locale=vi).first()
        if home is None:
            self.log("Home page")
            for placeholder in Page.objects.child_of(root).filter(content_type__model="page"):
                Site.objects.filter(root_page=placeholder).delete()
                placeholder.delete()
            home = HomePage(
                title="Làng số",
                slug="home",
                locale=vi,
                intro="Nền tảng làng số: cẩm nang số của xã, sản phẩm vùng cao, du lịch cộng đồng và "
                "dữ liệu mở cho báo chí và đối tác.",
            )
            root.add_child(instance=home)
            self._publish(home)
        # The default site answers on BASE_URL, so canonical links and the sitemap point where it is served.
        base_url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        hostname = base_url.hostname or "localhost"
        port = base_url.port or (443 if base_url.scheme == "https" else 80)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Làng số"
            )
        elif (site.root_page_id, site.hostname, site.port) != (home.pk, hostname, port):
            site.root_page, site.hostname, site.port = home, hostname, port
            site.save()
        self._translate(
            home,
            en,
            "home-en",  # a sibling of the Vietnamese home under the tree root, so it needs its own slug
            title="Smart Village",
            intro="The smart village platform: each commune's digital guide, highland products, community "
            "tourism and open data for newspapers and partners.",
        )
        return home

    def _province(self, home, data, en) -> ProvincePage:
        province, _ = self._child(
            home,
            ProvincePage,
            data["slug"],
            title=data["name"]["vi"],
            code=data["code"],
            intro=data["intro"]["vi"],
        )
        self._translate(province, en, data["slug"], title=data["name"]["en"], intro=data["intro"]["en"])
        return province

    def _commune(self, province, data, en) -> CommunePage:
        commune = CommunePage.objects.child_of(province).filter(slug=data["slug"]).first()
        if commune is None:
            office, team = data["office"], data["digital_team"]
            fields = {
                "title": data["name"]["vi"],
                "admin_code": data["admin_code"],
                "latitude": data["latitude"],
                "longitude": data["longitude"],
                "population": data["population"],
                "households": data["households"],
                "area_km2": data["area_km2"],
                "intro": data["intro"]["vi"],
                "office_address": office["address"]["vi"],
                "office_phone": office["phone"],
                "office_email": office["email"],
                "office_hours": office["hours"]["vi"],
                "digital_team_leader": team["leader"],
                "digital_team_phone": team["phone"],
                "digital_team_members": team["members"],
                "digital_team_hours": team["hours"]["vi"],
                "primary_colour": data["primary_colour"],
            }
            commune, _ = self._child(province, CommunePage, data["slug"], **fields)
        workspace = setup_commune(commune=commune)
        if commune.hero_image_id is None:
            commune.hero_image = self._image(data["slug"], data["name"]["vi"], workspace.collection)
            self._publish(commune)
        self._translate(
            commune,
            en,
            data["slug"],
            title=data["name"]["en"],
            intro=data["intro"]["en"],
            office_address=data["office"]["address"]["en"],
            office_hours=data["office"]["hours"]["en"],
            digital_team_hours=data["digital_team"]["hours"]["en"],
        )
        setup_commune(commune=commune)
        for model in (GuideIndexPage, NewsIndexPage, EventIndexPage):
            slugs, titles, intros = INDEX_SLUGS[model], INDEX_TITLES[model], INDEX_INTROS[model]
            index, _ = self._child(commune, model, slugs["vi"], title=titles["vi"], intro=intros["vi"])
            self._translate(index, en, slugs["en"], title=titles["en"], intro=intros["en"])
        return commune

    def _index(self, commune, model):
        return model.objects.child_of(commune).get(slug=INDEX_SLUGS[model]["vi"])

    def _villages(self, commune, data, en):
        workspace = setup_commune(commune=commune)
        for village_data in data["villages"]:
            village, _created = self._child(
                commune,
                VillagePage,
                village_data["slug"],
                title=village_data["name"]["vi"],
                intro=village_data["intro"]["vi"],
                ethnic_groups=village_data["ethnic_groups"]["vi"],
                households=village_data["households"],
                hero_image=self._image(
                    village_data["slug"], village_data["name"]["vi"], workspace.collection
                ),
            )
            self._translate(
                village,
                en,
                village_data["slug"],
                title=village_data["name"]["en"],
                intro=village_data["intro"]["en"],
                ethnic_groups=village_data["ethnic_groups"]["en"],
            )

    def _guide_body(self, guide, language) -> str:
        blocks = [{"type": "text", "value": _paragraphs(guide["intro"][language])}]
        checklist = guide.get("checklist")
        if checklist:
            blocks.append(
                {
                    "type": "checklist",
                    "value": {
                        "title": checklist["title"][language],
                        "items": [item[language] for item in checklist["items"]],
                    },
                }
            )
        blocks.append(
            {
                "type": "steps",
                "value": {
                    "title": {"vi": "Các bước thực hiện", "en": "Step by step"}[language],
                    "steps": [
                        {
                            "title": step["title"][language],
                            "text": _paragraphs(step["text"][language]),
                            "image": None,
                        }
                        for step in guide["steps"]
                    ],
                },
            }
        )
        for callout in guide.get("callouts", []):
            blocks.append(
                {
                    "type": "callout",
                    "value": {"kind": callout["kind"], "text": _paragraphs(callout["text"][language])},
                }
            )
        link = guide.get("service_link")
        if link:
            blocks.append(
                {
                    "type": "service_link",
                    "value": {
                        "title": link["title"][language],
                        "url": link["url"],
                        "description": link["description"][language],
                    },
                }
            )
        video = guide.get("video")
        if video:
            blocks.append(
                {
                    "type": "video",
                    "value": {
                        "provider": video["provider"],
                        "video_id": video["video_id"],
                        "title": video["title"][language],
                        "transcript": "",
                    },
                }
            )
        if guide.get("faq"):
            blocks.append(
                {
                    "type": "faq",
                    "value": {
                        "title": {"vi": "Câu hỏi thường gặp", "en": "Frequently asked questions"}[language],
                        "questions": [
                            {
                                "question": item["question"][language],
                                "answer": _paragraphs(item["answer"][language]),
                            }
                            for item in guide["faq"]
                        ],
                    },
                }
            )
        return json.dumps(blocks)

    def _guides(self, commune, en):
        index = self._index(commune, GuideIndexPage)
        for guide in content.GUIDES:
            page, _ = self._child(
                index,
                GuidePage,
                guide["slug"],
                title=guide["title"]["vi"],
                summary=guide["summary"]["vi"],
                topic=guide["topic"],
                audience=guide["audience"],
                difficulty=guide["difficulty"],
                minutes_needed=guide["minutes_needed"],
                body=self._guide_body(guide, "vi"),
            )
            self._translate(
                page,
                en,
                guide["slug"],
                title=guide["title"]["en"],
                summary=guide["summary"]["en"],
                body=self._guide_body(guide, "en"),
            )

    def _news(self, commune, commune_slug, en):
        index = self._index(commune, NewsIndexPage)
        workspace = setup_commune(commune=commune)
        for item in [n for n in content.NEWS if n["commune"] == commune_slug]:
            body_vi = json.dumps([{"type": "text", "value": _paragraphs(*(p["vi"] for p in item["body"]))}])
            body_en = json.dumps([{"type": "text", "value": _paragraphs(*(p["en"] for p in item["body"]))}])
            page, _ = self._child(
                index,
                NewsPage,
                item["slug"],
                title=item["title"]["vi"],
                summary=item["summary"]["vi"],
                date=item["date"],
                body=body_vi,
                hero_image=self._image(item["slug"], item["title"]["vi"], workspace.collection),
            )
            self._translate(
                page, en, item["slug"], title=item["title"]["en"], summary=item["summary"]["en"], body=body_en
            )
        for item in [n for n in content.NOTICES if n["commune"] == commune_slug]:
            page, _ = self._child(
                index,
                NoticePage,
                item["slug"],
                title=item["title"]["vi"],
                date=item["date"],
                expires_at=timezone.make_aware(
                    datetime.combine(datetime.fromisoformat(item["expires"]), time(23, 59))
                ),
                urgency=item["urgency"],
                body=_paragraphs(item["body"]["vi"]),
            )
            self._translate(
                page, en, item["slug"], title=item["title"]["en"], body=_paragraphs(item["body"]["en"])
            )

    def _events(self, commune, commune_slug, en):
        index = self._index(commune, EventIndexPage)
        for item in [e for e in content.EVENTS if e["commune"] == commune_slug]:
            body_vi = json.dumps([{"type": "text", "value": _paragraphs(item["body"]["vi"])}])
            body_en = json.dumps([{"type": "text", "value": _paragraphs(item["body"]["en"])}])
            page, _ = self._child(
                index,
                EventPage,
                item["slug"],
                title=item["title"]["vi"],
                start=_local(item["start"]),
                end=_local(item["end"]),
                location=item["location"]["vi"],
                kind=item["kind"],
                summary=item["summary"]["vi"],
                body=body_vi,
            )
            self._translate(
                page,
                en,
                item["slug"],
                title=item["title"]["en"],
                location=item["location"]["en"],
                summary=item["summary"]["en"],
                body=body_en,
            )

    def _demo_accounts(self) -> list[dict]:
        """One account per role; editors and moderators of the first commune (and an editor of the second)."""
        communes = list(CommunePage.objects.filter(locale__language_code="vi").order_by("path"))
        first, second = communes[0], communes[1]
        specs = [
            (
                "admin@langso.example",
                "0900000001",
                "Quản trị",
                "Nền tảng",
                None,
                None,
                "Platform admin: everything, including partners and all communes",
            ),
            (
                "editor@tavan.example",
                "0900000002",
                "Lan",
                "Giàng Thị",
                first,
                Role.COMMUNE_EDITOR,
                f"Commune editor of {first.title}: writes guide chapters, news, events; submits for approval",
            ),
            (
                "moderator@tavan.example",
                "0900000003",
                "Minh",
                "Lù Văn",
                first,
                Role.COMMUNE_MODERATOR,
                f"Commune moderator of {first.title}: approves and publishes, moderates listings",
            ),
            (
                "editor@bacha.example",
                "0900000004",
                "Hoa",
                "Nguyễn Thị",
                second,
                Role.COMMUNE_EDITOR,
                f"Commune editor of {second.title}: cannot touch {first.title}",
            ),
            (
                "team@tavan.example",
                "0900000005",
                "Sơn",
                "Hoàng A",
                first,
                Role.DIGITAL_TEAM,
                f"Digital team member of {first.title}: assisted mode for households that consent",
            ),
            (
                "producer@tavan.example",
                "0900000006",
                "Mai",
                "Sùng Thị",
                first,
                Role.PRODUCER,
                "Producer: lists products, fulfils orders",
            ),
            (
                "host@tavan.example",
                "0900000007",
                "Chứ",
                "Giàng A",
                first,
                Role.HOST,
                "Homestay host: lists stays, takes bookings",
            ),
            (
                "buyer@hanoi.example",
                "0900000008",
                "Hùng",
                "Trần Văn",
                None,
                None,
                "Lowland buyer: orders products, posts demands",
            ),
            (
                "partner@news.example",
                "0900000009",
                "Thảo",
                "Phạm",
                None,
                None,
                "Partner publisher: API key, subscriptions, embeds",
            ),
        ]
        accounts = []
        for email, phone, first_name, last_name, commune, role, description in specs:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = create_user(
                    email=email,
                    phone=phone,
                    password=DEMO_PASSWORD,
                    first_name=first_name,
                    last_name=last_name,
                )
            if commune is not None and role is not None:
                add_commune_member(commune=commune, user=user, role=role, actor=self.admin)
            accounts.append({"email": email, "phone": phone, "password": DEMO_PASSWORD, "can": description})
        return accounts


def upcoming(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)
