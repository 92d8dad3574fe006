"""The seeded set of indicators, from the national digital-transformation programme.

``seed(IndicatorDefinition, IndicatorTarget)`` takes the model classes, so the data migration uses it
with the historical models and tests with the real ones. It adds what is missing and never overwrites
what an operator changed in the admin (names, targets, methods).
"""

PROGRAMME = "Chương trình Chuyển đổi số quốc gia (QĐ 749/QĐ-TTg)"
OCOP_PROGRAMME = "Chương trình OCOP (QĐ 919/QĐ-TTg)"

# code, vi name, en name, unit, direction, source, computed key, periodicity, vi method, en method,
# targets {year: value}, source of the targets
INDICATORS = [
    (
        "eid_level2_adults",
        "Người trưởng thành có định danh điện tử mức 2",
        "Adults with e-ID level 2",
        "percent",
        "higher",
        "manual",
        "",
        "monthly",
        "Số người từ 14 tuổi có tài khoản VNeID mức 2 chia cho dân số từ 14 tuổi, theo số liệu công an xã.",
        "People aged 14 and over with a level-2 VNeID account, divided by the population aged 14 and over "
        "(commune police figures).",
        {2025: 80, 2030: 100},
        PROGRAMME,
    ),
    (
        "households_epayment",
        "Hộ gia đình có tài khoản thanh toán điện tử",
        "Households with an e-payment account",
        "percent",
        "higher",
        "manual",
        "",
        "monthly",
        "Số hộ có ít nhất một thành viên có tài khoản ngân hàng hoặc ví điện tử, chia cho tổng số hộ.",
        "Households where at least one member has a bank account or e-wallet, divided by all households.",
        {2025: 80, 2030: 90},
        PROGRAMME,
    ),
    (
        "online_dossiers",
        "Hồ sơ dịch vụ công được xử lý trực tuyến",
        "Public-service dossiers processed online",
        "percent",
        "higher",
        "manual",
        "",
        "monthly",
        "Hồ sơ thủ tục hành chính tiếp nhận và xử lý trực tuyến toàn trình chia cho tổng số hồ sơ của xã.",
        "Administrative dossiers received and processed fully online, divided by all of the commune's "
        "dossiers.",
        {2025: 80, 2030: 100},
        PROGRAMME,
    ),
    (
        "mobile_services",
        "Dịch vụ công được sử dụng trên thiết bị di động",
        "Public services used on mobile",
        "percent",
        "higher",
        "manual",
        "",
        "monthly",
        "Hồ sơ trực tuyến nộp từ điện thoại (VNeID, Cổng Dịch vụ công) chia cho tổng số hồ sơ trực tuyến.",
        "Online dossiers submitted from a phone (VNeID, the national portal), divided by all online "
        "dossiers.",
        {2025: 50, 2030: 80},
        PROGRAMME,
    ),
    (
        "coverage_4g",
        "Phủ sóng 4G",
        "4G coverage",
        "percent",
        "higher",
        "manual",
        "",
        "quarterly",
        "Số thôn, bản có sóng 4G ổn định chia cho tổng số thôn, bản (theo đo kiểm của nhà mạng).",
        "Villages with steady 4G signal, divided by all villages (operators' measurements).",
        {2025: 100},
        PROGRAMME,
    ),
    (
        "digital_team_per_100_households",
        "Thành viên tổ công nghệ số cộng đồng trên 100 hộ",
        "Community digital team members per 100 households",
        "per_100_households",
        "higher",
        "computed",
        "village.digital_team_per_100_households",
        "monthly",
        "Tính từ số thành viên tổ công nghệ số và số hộ khai trên trang của xã (khai một lần).",
        "Computed from the digital team members and households stated on the commune's page (declared once).",
        {2025: 3},
        PROGRAMME,
    ),
    (
        "producers_online",
        "Hộ, hợp tác xã bán hàng trực tuyến",
        "Producers selling online",
        "count",
        "higher",
        "computed",
        "market.producers_online",
        "monthly",
        "Số hộ, hợp tác xã đã được duyệt có ít nhất một sản phẩm đang bán trên sàn vào cuối kỳ.",
        "Approved producers with at least one product listed on the marketplace at the end of the period.",
        {},
        "",
    ),
    (
        "products_online",
        "Sản phẩm bán trực tuyến",
        "Products online",
        "count",
        "higher",
        "computed",
        "market.products_online",
        "monthly",
        "Số sản phẩm đang bán trên sàn vào cuối kỳ.",
        "Products listed on the marketplace at the end of the period.",
        {},
        "",
    ),
    (
        "ocop_products_online",
        "Sản phẩm OCOP 3 sao trở lên bán trực tuyến",
        "OCOP 3-star+ products online",
        "percent",
        "higher",
        "computed",
        "market.ocop_products_online",
        "monthly",
        "Sản phẩm OCOP từ 3 sao (chứng nhận còn hạn) đang bán trên sàn, chia cho mọi sản phẩm OCOP còn hạn "
        "của xã.",
        "OCOP products of 3 stars or more (current certificate) listed online, divided by all of the "
        "commune's products with a current OCOP certificate.",
        {2025: 100},
        OCOP_PROGRAMME,
    ),
    (
        "orders_paid_digitally",
        "Đơn hàng thanh toán không dùng tiền mặt",
        "Orders paid digitally",
        "percent",
        "higher",
        "computed",
        "market.orders_paid_digitally",
        "monthly",
        "Đơn hàng đã thanh toán trong kỳ bằng chuyển khoản VietQR hoặc thẻ, chia cho mọi đơn đã thanh toán.",
        "Orders paid in the period by VietQR transfer or card, divided by all orders paid in the period.",
        {2025: 50, 2030: 80},
        PROGRAMME,
    ),
    (
        "guest_nights",
        "Đêm lưu trú tại homestay",
        "Guest-nights in homestays",
        "count",
        "higher",
        "computed",
        "tourism.guest_nights",
        "monthly",
        "Số khách nhân số đêm của các đặt phòng đã xác nhận hoặc hoàn thành trong kỳ.",
        "Guests times nights of confirmed or completed stays within the period.",
        {},
        "",
    ),
    (
        "bookings",
        "Lượt đặt dịch vụ du lịch",
        "Tourism bookings",
        "count",
        "higher",
        "computed",
        "tourism.bookings",
        "monthly",
        "Số đặt phòng, đặt chỗ đã xác nhận hoặc hoàn thành có ngày đến trong kỳ.",
        "Confirmed or completed bookings arriving within the period.",
        {},
        "",
    ),
    (
        "booking_cancellations",
        "Đặt dịch vụ bị hủy",
        "Bookings cancelled",
        "percent",
        "lower",
        "computed",
        "tourism.cancellation_rate",
        "monthly",
        "Số đặt bị hủy chia cho số đặt có ngày đến trong kỳ.",
        "Cancelled bookings divided by bookings arriving within the period.",
        {2025: 10},
        "",
    ),
    (
        "guides_published",
        "Bài hướng dẫn số đã đăng",
        "Guide chapters published",
        "count",
        "higher",
        "computed",
        "village.guides_published",
        "monthly",
        "Số bài trong cẩm nang làng số của xã đang hiển thị vào cuối kỳ (mỗi bài tính một lần dù có "
        "nhiều ngôn ngữ).",
        "Chapters of the commune's digital village guide live at the end of the period (each counted "
        "once, whatever its languages).",
        {},
        "",
    ),
    (
        "guide_helpfulness",
        "Bài hướng dẫn được đánh giá hữu ích",
        "Guides rated helpful",
        "percent",
        "higher",
        "computed",
        "village.guide_helpfulness",
        "monthly",
        "Số lượt trả lời “Có” cho câu hỏi “Bài hướng dẫn có hữu ích không?” chia cho mọi lượt trả "
        "lời trong kỳ.",
        "“Yes” answers to “Was this guide helpful?” divided by all answers given within the period.",
        {2025: 80},
        "",
    ),
    (
        "partners_syndicating",
        "Đối tác đăng lại nội dung của xã",
        "Partners syndicating the commune's content",
        "count",
        "higher",
        "computed",
        "api.partners_syndicating",
        "monthly",
        "Số đối tác có người đọc bấm vào liên kết tới trang của xã từ bài đăng lại trong kỳ.",
        "Partners whose readers followed a tracked link to one of the commune's pages within the period.",
        {},
        "",
    ),
]


def seed(definition_model, target_model) -> int:
    """Create the definitions and targets that are missing; returns how many definitions were made."""
    made = 0
    for order, row in enumerate(INDICATORS, start=1):
        (code, name_vi, name_en, unit, direction, source, key, periodicity, method_vi, method_en, targets,
         target_source) = row  # fmt: skip
        definition, created = definition_model.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": name_vi, "name_en": name_en, "unit": unit, "direction": direction,
                "source": source, "computed_key": key, "periodicity": periodicity,
                "method_vi": method_vi, "method_en": method_en, "order": order * 10,
            },
        )  # fmt: skip
        made += created
        if created:
            for year, value in targets.items():
                target_model.objects.get_or_create(
                    indicator=definition, year=year, defaults={"value": value, "source_note": target_source}
                )
    return made
