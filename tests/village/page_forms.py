"""POST data for Wagtail's page add/edit views, shaped the way the admin's page form sends it."""

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from village.blocks import RICH_TEXT_FEATURES
from village.models import GuidePage

NEW_GUIDE = {
    "title": "Thanh toán bằng mã QR",
    "slug": "thanh-toan-ma-qr",
    "summary": "Quét mã VietQR để chuyển khoản cho hợp tác xã.",
    "topic": "payments",
    "audience": "producers",
    "difficulty": "easy",
    "minutes_needed": "10",
}


def guide_form_data(
    page: GuidePage | None = None, *, action: str | None = None, body: str = "", **fields
) -> dict:
    """Form data for a guide chapter: ``page``'s current values (or a new chapter), then ``fields``.

    ``action`` is the button pressed: None (save draft), "submit" (submit for moderation), "publish".
    The body is replaced by one text block (``body``, or a default paragraph).
    """
    values = dict(NEW_GUIDE)
    if page is not None:
        values.update(
            title=page.title,
            slug=page.slug,
            summary=page.summary,
            topic=page.topic,
            audience=page.audience,
            difficulty=page.difficulty,
            minutes_needed=str(page.minutes_needed),
        )
    values.update(fields)
    paragraph = body or "<p>Mở ứng dụng ngân hàng và chọn Quét mã.</p>"
    data = nested_form_data(
        {**values, "body": streamfield([("text", rich_text(paragraph, features=RICH_TEXT_FEATURES))])}
    )
    if action is not None:
        data[f"action-{action}"] = "1"
    return data


def add_guide_url(guide_index) -> str:
    return reverse("wagtailadmin_pages:add", args=["village", "guidepage", guide_index.pk])


def assert_refused(response) -> None:
    """Wagtail's answer to a forbidden admin request: back to the dashboard with an error message.

    (Messages of earlier refused requests wait in the cookie until a page shows them, so the last one
    is this request's.)
    """
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("wagtailadmin_home"), response["Location"]
    request = response.wsgi_request
    with translation.override(request.LANGUAGE_CODE):
        expected = translation.gettext("Sorry, you do not have permission to access this area.")
    messages = [str(message).strip() for message in get_messages(request)]
    assert messages, "no message"
    assert messages[-1] == expected, (messages, expected)
