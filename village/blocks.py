"""StreamField blocks for guide chapters and news.

Every block has an icon, a template under ``themes/templates/village/blocks/`` and a preview value.
None of them calls the network when rendered (the video block renders a privacy-friendly link).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step title"), max_length=160)
    text = blocks.RichTextBlock(label=_("What to do"), features=["bold", "italic", "link", "ul"])
    image = ImageChooserBlock(label=_("Picture"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class StepsBlock(blocks.StructBlock):
    """Numbered steps, each with an optional picture (for example a phone screenshot)."""

    title = blocks.CharBlock(label=_("Heading"), required=False, max_length=160)
    steps = blocks.ListBlock(StepBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Numbered steps")
        template = "village/blocks/steps.html"
        preview_value = {
            "title": "Kích hoạt tài khoản",
            "steps": [
                {"title": "Mở ứng dụng VNeID", "text": "<p>Nhập số CCCD và số điện thoại.</p>"},
                {"title": "Nhập mã kích hoạt", "text": "<p>Mã được gửi qua tin nhắn SMS.</p>"},
            ],
        }
        description = _("Numbered steps with optional pictures")


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Heading"), max_length=160)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item"), max_length=240), min_num=1)

    class Meta:
        icon = "tasks"
        label = _("Checklist")
        template = "village/blocks/checklist.html"
        preview_value = {"title": "Cần mang theo", "items": ["Căn cước công dân", "Điện thoại"]}
        description = _("What to bring or prepare")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Tip")), ("warning", _("Warning"))], default="tip", label=_("Kind")
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link"], label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Tip or warning")
        template = "village/blocks/callout.html"
        preview_value = {"kind": "warning", "text": "<p>Không bao giờ đọc mã OTP cho người khác.</p>"}
        description = _("A highlighted tip or warning")


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=240)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"], label=_("Answer"))


class FaqBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Heading"), required=False, max_length=160)
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "help"
        label = _("Questions and answers")
        template = "village/blocks/faq.html"
        preview_value = {
            "title": "Hỏi đáp",
            "questions": [{"question": "Mất bao lâu?", "answer": "<p>Khoảng 15 phút.</p>"}],
        }
        description = _("Frequently asked questions, readable without JavaScript")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=160)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "village/blocks/document.html"
        description = _("A form or leaflet to download")


class PublicServiceLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Service name"), max_length=160)
    url = blocks.URLBlock(label=_("Address"))
    description = blocks.TextBlock(label=_("What you can do there"), required=False)

    class Meta:
        icon = "link-external"
        label = _("Online public service")
        template = "village/blocks/service_link.html"
        preview_value = {
            "title": "Cổng Dịch vụ công quốc gia",
            "url": "https://dichvucong.gov.vn",
            "description": "Nộp hồ sơ trực tuyến.",
        }
        description = _("A link to an online public service")


VIDEO_PROVIDERS = {"youtube": "https://www.youtube.com/watch?v={id}", "vimeo": "https://vimeo.com/{id}"}
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{4,32}$")


class VideoIdBlock(blocks.CharBlock):
    def clean(self, value):
        value = super().clean(value)
        if not _VIDEO_ID.match(value or ""):
            raise ValidationError(
                _("Enter the video's id, for example dQw4w9WgXcQ (letters, digits, - and _).")
            )
        return value


class VideoBlock(blocks.StructBlock):
    """A video shown as a link: nothing is loaded from the provider until the visitor asks for it."""

    provider = blocks.ChoiceBlock(choices=[("youtube", "YouTube"), ("vimeo", "Vimeo")], default="youtube")
    video_id = VideoIdBlock(label=_("Video id"), max_length=32)
    title = blocks.CharBlock(label=_("Title"), max_length=160)
    transcript = blocks.TextBlock(label=_("Transcript or summary"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "village/blocks/video.html"
        preview_value = {"provider": "youtube", "video_id": "dQw4w9WgXcQ", "title": "Hướng dẫn"}
        description = _("A video that loads only when the visitor asks for it")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["watch_url"] = VIDEO_PROVIDERS[value["provider"]].format(id=value["video_id"])
        return context


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=240)
    alt_text = blocks.CharBlock(label=_("Description for blind readers"), max_length=240)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "village/blocks/image.html"
        description = _("An image with a caption")


class GuideStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, icon="pilcrow", label=_("Text"), template="village/blocks/text.html"
    )
    steps = StepsBlock()
    checklist = ChecklistBlock()
    callout = CalloutBlock()
    faq = FaqBlock()
    document = DocumentBlock()
    service_link = PublicServiceLinkBlock()
    video = VideoBlock()
    image = ImageBlock()


class ArticleStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, icon="pilcrow", label=_("Text"), template="village/blocks/text.html"
    )
    image = ImageBlock()
    callout = CalloutBlock()
    document = DocumentBlock()
    video = VideoBlock()
