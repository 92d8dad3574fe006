"""Folding acceptance: a query finds the same results with or without diacritics (đ/Đ included).

Over a fixture of real-looking items (products, stays, experiences, guides, news, events and notices of
highland communes) indexed through the database backend, each pair of queries — typed with the
Vietnamese marks and typed on a phone without them — gives the same ranked results, and the items a
person would expect are among the first. Runs on SQLite and, with ``DATABASE_URL``, on PostgreSQL (the
same test): both must give the same answers.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import SearchEntry
from core.search.documents import SearchDocument

LAO_CAI, LAM_DONG, TUYEN_QUANG, DIEN_BIEN = 101, 102, 103, 104
TA_VAN, BAC_HA, DA_LAT, DONG_VAN, MU_CANG_CHAI = 201, 202, 203, 204, 205
PROVINCES = {LAO_CAI: "Lào Cai", LAM_DONG: "Lâm Đồng", TUYEN_QUANG: "Tuyên Quang", DIEN_BIEN: "Điện Biên"}
COMMUNES = {
    TA_VAN: ("Tả Van", LAO_CAI),
    BAC_HA: ("Bắc Hà", LAO_CAI),
    DA_LAT: ("Xuân Trường - Đà Lạt", LAM_DONG),
    DONG_VAN: ("Đồng Văn", TUYEN_QUANG),
    MU_CANG_CHAI: ("Mù Cang Chải", LAO_CAI),
}

# key, kind, title, summary, text, commune, category, ocop stars, price, days old
ITEMS = [
    ("product:1", "product", "Chè Shan Tuyết cổ thụ", "350.000 ₫ / kg · Hợp tác xã chè Tả Van",
     "Chè Shan tuyết hái từ cây cổ thụ trên núi cao, sao tay. Đặc sản Tả Van.", TA_VAN, "tea", 4, 350_000, 3),
    ("product:2", "product", "Mật ong bạc hà", "420.000 ₫ / lít · Hộ Sùng Thị Mai",
     "Mật ong hoa bạc hà Đồng Văn, đặc sản cao nguyên đá.", DONG_VAN, "honey", 3, 420_000, 10),
    ("product:3", "product", "Mận Bắc Hà", "45.000 ₫ / kg · Hộ Nguyễn Thị Hoa",
     "Mận tam hoa Bắc Hà giòn ngọt, thu hoạch tháng 6.", BAC_HA, "fruit", None, 45_000, 20),
    ("product:4", "product", "Gạo nếp Tú Lệ", "60.000 ₫ / kg · Hợp tác xã Tú Lệ",
     "Gạo nếp thơm dẻo, đặc sản vùng lòng chảo.", MU_CANG_CHAI, "rice", 3, 60_000, 40),
    ("product:5", "product", "Thảo quả sấy khô", "280.000 ₫ / kg · Hộ Lý A Sử",
     "Thảo quả rừng Tả Van, sấy bằng củi.", TA_VAN, "spices", None, 280_000, 60),
    ("product:6", "product", "Khăn thổ cẩm Dao đỏ", "150.000 ₫ / chiếc · Hợp tác xã thổ cẩm",
     "Dệt thổ cẩm và nhuộm chàm thủ công.", TA_VAN, "textiles", 3, 150_000, 5),
    ("product:7", "product", "Cà phê Arabica Đà Lạt", "250.000 ₫ / kg · Hợp tác xã Cầu Đất",
     "Cà phê rang mộc từ vùng đất Đà Lạt.", DA_LAT, "drinks", 4, 250_000, 15),
    ("product:8", "product", "Nấm hương rừng Đồng Văn", "520.000 ₫ / kg · Hộ Giàng A Chư",
     "Nấm hương khô, đặc sản núi rừng Đồng Văn.", DONG_VAN, "mushrooms", 2, 520_000, 90),
    ("product:9", "product", "Măng khô Điện Biên", "180.000 ₫ / kg · Hộ Lò Văn Pọm",
     "Măng nứa phơi khô.", None, "vegetables", None, 180_000, 200),
    ("product:10", "product", "Rượu ngô men lá", "120.000 ₫ / lít · Hộ Ma Seo Chứ",
     "Rượu ngô Bắc Hà nấu bằng men lá.", BAC_HA, "drinks", 3, 120_000, 30),
    ("product:11", "product", "Bánh chưng đen", "70.000 ₫ / chiếc · Hộ Triệu Thị Lan",
     "Bánh chưng gạo nếp cẩm, đặc sản Tết.", TA_VAN, "processed-food", None, 70_000, 400),
    ("product:12", "product", "Dâu tây Đà Lạt", "1.200.000 ₫ / thùng · Nông trại Xuân Trường",
     "Dâu tây tươi giao trong ngày.", DA_LAT, "fruit", None, 1_200_000, 2),
    ("service:1", "stay", "Homestay nhà sàn Tả Van", "Lưu trú · Tả Van · từ 400.000 ₫",
     "Nhà sàn gỗ của người Giáy, bữa tối gia đình, nhìn ruộng bậc thang.", TA_VAN, "", None, 400_000, 7),
    ("service:2", "stay", "Nhà nghỉ đồi thông Đà Lạt", "Lưu trú · Đà Lạt · từ 650.000 ₫",
     "Phòng gỗ giữa đồi thông, gần Hồ Tuyền Lâm.", DA_LAT, "", None, 650_000, 12),
    ("service:3", "experience", "Nhuộm chàm và dệt thổ cẩm", "Trải nghiệm · Tả Van · từ 250.000 ₫",
     "Học nhuộm chàm, dệt thổ cẩm cùng nghệ nhân người Dao.", TA_VAN, "", None, 250_000, 8),
    ("service:4", "tour", "Trekking Đèo Ô Quy Hồ", "Tour · Tả Van · từ 900.000 ₫",
     "Leo núi qua Đèo Ô Quy Hồ, ngắm biển mây.", TA_VAN, "", None, 900_000, 25),
    ("service:5", "experience", "Trải nghiệm hái chè đêm trăng", "Trải nghiệm · Tả Van",
     "Cùng bà con hái chè Shan tuyết và sao chè bằng chảo gang.", TA_VAN, "", None, 200_000, 14),
    ("guide:1", "guide", "Kích hoạt định danh điện tử mức 2", "Hướng dẫn VNeID",
     "Mang căn cước đến công an xã để kích hoạt tài khoản định danh điện tử mức 2.", TA_VAN, "identity",
     None, None, 30),
    ("guide:2", "guide", "Thanh toán bằng mã QR", "Trả tiền không cần tiền mặt",
     "Quét mã QR VietQR bằng ứng dụng ngân hàng để thanh toán an toàn.", BAC_HA, "payments", None, None, 50),
    ("guide:3", "guide", "Cảnh giác lừa đảo qua điện thoại", "Không chia sẻ mã OTP",
     "Kẻ lừa đảo giả danh công an, ngân hàng. Không bao giờ đọc mã OTP cho người khác.", TA_VAN, "safety",
     None, None, 70),
    ("guide:4", "guide", "Bán hàng trên sàn thương mại điện tử", "Cho hộ sản xuất",
     "Chụp ảnh sản phẩm đặc sản, viết mô tả, đặt giá và giao hàng.", BAC_HA, "selling-online", None, None,
     100),
    ("news:1", "news", "Tổ công nghệ số cộng đồng tập huấn cho bà con", "Tập huấn kỹ năng số",
     "Tổ công nghệ số xã Tả Van tổ chức tập huấn cài đặt ứng dụng.", TA_VAN, "", None, None, 4),
    ("news:2", "news", "Lễ hội hoa mận Bắc Hà", "Mùa xuân trên cao nguyên trắng",
     "Lễ hội hoa mận thu hút du khách đến Bắc Hà.", BAC_HA, "", None, None, 120),
    ("news:3", "news", "Mùa lúa chín Mù Cang Chải", "Ruộng bậc thang vàng óng",
     "Du khách đổ về Mù Cang Chải ngắm ruộng bậc thang.", MU_CANG_CHAI, "", None, None, 35),
    ("event:1", "event", "Chợ phiên Bắc Hà", "Chợ phiên họp mỗi Chủ nhật",
     "Chợ phiên lớn nhất vùng, bán ngựa, thổ cẩm, rượu ngô.", BAC_HA, "market", None, None, 6),
    ("event:2", "event", "Lễ hội đường phố Đà Lạt", "Festival hoa",
     "Diễu hành trên đường phố Đà Lạt.", DA_LAT, "festival", None, None, 45),
    ("notice:1", "notice", "Lịch cấp đổi căn cước tại xã", "Thông báo của UBND xã",
     "Công an xã cấp đổi căn cước và định danh điện tử vào thứ Bảy.", TA_VAN, "", None, None, 9),
    ("notice:2", "notice", "Thông báo sửa đường liên thôn", "Đường Điện Biên tạm đóng",
     "Đường liên thôn đi Điện Biên sửa chữa, đi đường vòng.", None, "", None, None, 11),
]  # fmt: skip

ENGLISH = [
    ("product:1", "product", "Ancient Shan Tuyet tea", "350.000 ₫ / kg",
     "Tea from ancient trees of Ta Van. Chè Shan Tuyết.", TA_VAN, "tea", 4, 350_000, 3),
    ("service:1", "stay", "Ta Van stilt house homestay", "Stay · Ta Van · from 400.000 ₫",
     "A wooden stilt house, family dinner.", TA_VAN, "", None, 400_000, 7),
]  # fmt: skip


def document(row, language: str = "vi", *, now=None, boost: float = 1.0) -> SearchDocument:
    key, kind, title, summary, text, commune_id, category, stars, price, days = row
    now = now or timezone.now()
    commune_name, province_id = COMMUNES.get(commune_id, ("", None))
    return SearchDocument(
        key=key,
        kind=kind,
        language=language,
        title=title,
        summary=summary,
        text=text,
        url=f"/{language}/{key.replace(':', '/')}/",
        province_id=province_id,
        commune_id=commune_id,
        province_name=PROVINCES.get(province_id, ""),
        commune_name=commune_name,
        category=category,
        ocop_stars=stars,
        price=price,
        latitude=None,
        longitude=None,
        updated_at=now - timedelta(days=days),
        boost=boost,
    )


def index_corpus(backend) -> None:
    """An index holding exactly the corpus (what the shared site tree indexed is set aside)."""
    SearchEntry.objects.all().delete()
    now = timezone.now()
    backend.index(
        [document(row, now=now) for row in ITEMS] + [document(row, "en", now=now) for row in ENGLISH]
    )


@pytest.fixture
def backend(db):
    from core.search.database import DatabaseSearchBackend

    search_backend = DatabaseSearchBackend()
    index_corpus(search_backend)
    return search_backend


def ranked(backend, text: str, language: str = "vi") -> list[str]:
    from core.search.documents import SearchQuery

    return [hit.key for hit in backend.search(SearchQuery(text=text, language=language), facets=False).hits]


# (with diacritics, without, the items that must be found; the first result is one of them)
PAIRS = [
    ("Đà Lạt", "da lat", {"product:7", "product:12", "service:2", "event:2"}),
    ("đặc sản", "dac san", {"product:1", "product:2", "product:4", "product:8", "product:11", "guide:4"}),
    ("chè Shan tuyết", "che shan tuyet", {"product:1", "service:5"}),
    ("mật ong", "mat ong", {"product:2"}),
    ("Mận Bắc Hà", "man bac ha", {"product:3"}),
    ("gạo nếp", "gao nep", {"product:4", "product:11"}),
    ("thảo quả", "thao qua", {"product:5"}),
    ("thổ cẩm", "tho cam", {"product:6", "service:3", "event:1"}),
    ("dệt thổ cẩm", "det tho cam", {"product:6", "service:3"}),
    ("định danh điện tử", "dinh danh dien tu", {"guide:1", "notice:1"}),
    ("mức 2", "muc 2", {"guide:1"}),
    ("thanh toán", "thanh toan", {"guide:2"}),
    ("mã QR", "ma qr", {"guide:2"}),
    ("Chợ phiên", "cho phien", {"event:1"}),
    ("Tả Van", "ta van", {"product:1", "product:5", "service:1", "news:1"}),
    ("Đồng Văn", "dong van", {"product:2", "product:8"}),
    ("ĐẶC SẢN ĐỒNG VĂN", "DAC SAN DONG VAN", {"product:2", "product:8"}),
    ("Điện Biên", "dien bien", {"product:9", "notice:2"}),
    ("nhà sàn", "nha san", {"service:1"}),
    ("lừa đảo", "lua dao", {"guide:3"}),
    ("cà phê", "ca phe", {"product:7"}),
    ("tập huấn", "tap huan", {"news:1"}),
    ("Tổ công nghệ số", "to cong nghe so", {"news:1"}),
    ("nấm hương", "nam huong", {"product:8"}),
    ("măng khô", "mang kho", {"product:9"}),
    ("rượu ngô", "ruou ngo", {"product:10", "event:1"}),
    ("bánh chưng", "banh chung", {"product:11"}),
    ("hợp tác xã", "hop tac xa", {"product:1", "product:4", "product:6", "product:7"}),
    ("đường phố", "duong pho", {"event:2"}),
    ("Đèo Ô Quy Hồ", "deo o quy ho", {"service:4"}),
    ("trải nghiệm", "trai nghiem", {"service:3", "service:5"}),
    ("cấp đổi căn cước", "cap doi can cuoc", {"notice:1"}),
    ("lễ hội", "le hoi", {"news:2", "event:2"}),
    ("Mù Cang Chải", "mu cang chai", {"news:3", "product:4"}),
    ("ruộng bậc thang", "ruong bac thang", {"service:1", "news:3"}),
    ("dâu tây", "dau tay", {"product:12"}),
    ("chè Shan tuy", "che shan tuy", {"product:1", "service:5"}),  # still typing the last word
    ("Đà lat", "Da Lạt", {"product:7", "product:12", "service:2", "event:2"}),  # half and half
]


def test_there_are_at_least_thirty_pairs_and_each_has_a_diacritic_or_d_with_stroke():
    assert len(PAIRS) >= 30
    assert sum("đ" in accented.lower() for accented, _plain, _expected in PAIRS) >= 8
    for accented, plain, _expected in PAIRS:
        assert accented != plain


@pytest.mark.parametrize(("accented", "plain", "expected"), PAIRS, ids=[plain for _a, plain, _e in PAIRS])
def test_a_query_gives_the_same_results_with_or_without_diacritics(backend, accented, plain, expected):
    # when the same words are searched with and without their marks
    with_marks = ranked(backend, accented)
    without_marks = ranked(backend, plain)
    # then the results are the same, in the same order, with the expected items and one of them first
    assert with_marks == without_marks
    assert expected <= set(with_marks)
    assert with_marks[0] in expected


def test_english_entries_are_searched_in_english_only(backend):
    # when an English visitor searches the Vietnamese name without marks
    english = ranked(backend, "che shan tuyet", language="en")
    # then the English entry of the tea is found (its text keeps the Vietnamese name) and nothing Vietnamese
    assert english == ["product:1"]
    assert ranked(backend, "ta van homestay", language="en") == ["service:1"]
