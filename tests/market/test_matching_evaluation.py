"""The matching engine's evaluation set: 36 realistic buyer demands over a catalogue of 47 highland and
delta listings, each with the listings a person would put first — written from the demand and the
catalogue (the judgement below), not from the engine's answers.

Figures for the database backend, printed under "figures":

* **precision@3** — of the first ``k = min(3, number judged relevant)`` results, the share a person
  judged relevant: a demand with one right answer needs it first, with two both in the first two, with
  three or more three of them in the top 3;
* **NDCG@5** — the first five results' graded gain (2 = what a person would choose, 1 = a fair
  alternative) discounted by rank, over the best possible order.

Judgement notes (why each demand's answers are what they are) sit next to the demands. The calendar is
fixed (``TODAY``) so seasons, expiries and needed-by dates do not drift with the real date.
"""

import math
from datetime import date, timedelta

import pytest
from django.utils import timezone

from market.matching import matches_for_demand
from market.models import (
    BuyerDemand,
    CancelledBy,
    Certification,
    Checkout,
    DeliveryMethod,
    OcopRating,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Producer,
    Product,
    ReviewStatus,
)
from market.models import Review as ProductReview
from tests import factories
from village.models import CommunePage, ProvincePage

TODAY = date(2026, 8, 20)

# province → (commune title, latitude, longitude) for every commune the catalogue uses
COMMUNES = {
    "suoi-giang": ("Lào Cai", "Suối Giàng", 21.62, 104.55),
    "tu-le": ("Lào Cai", "Tú Lệ", 21.80, 104.30),
    "van-yen": ("Lào Cai", "Văn Yên", 21.97, 104.56),
    "bac-ha-2": ("Lào Cai", "Bản Phố", 22.54, 104.29),
    "ta-van-2": ("Lào Cai", "Tả Phìn", 22.36, 103.86),
    "hoang-su-phi": ("Tuyên Quang", "Hoàng Su Phì", 22.75, 104.68),
    "meo-vac": ("Tuyên Quang", "Mèo Vạc", 23.16, 105.41),
    "ta-xua": ("Sơn La", "Tà Xùa", 21.32, 104.47),
    "moc-chau": ("Sơn La", "Mộc Châu", 20.84, 104.68),
    "tan-cuong": ("Thái Nguyên", "Tân Cương", 21.57, 105.78),
    "muong-phang": ("Điện Biên", "Mường Phăng", 21.45, 103.15),
    "trung-khanh": ("Cao Bằng", "Trùng Khánh", 22.83, 106.52),
    "van-quan": ("Lạng Sơn", "Văn Quan", 21.86, 106.55),
    "binh-lieu": ("Quảng Ninh", "Bình Liêu", 21.53, 107.40),
    "pu-luong": ("Thanh Hóa", "Pù Luông", 20.44, 105.20),
    "con-cuong": ("Nghệ An", "Con Cuông", 19.05, 104.88),
    "tra-my": ("Đà Nẵng", "Trà My", 15.35, 108.23),
    "mang-den": ("Quảng Ngãi", "Măng Đen", 14.60, 108.28),
    "buon-don": ("Đắk Lắk", "Buôn Đôn", 12.90, 107.80),
    "bao-loc": ("Lâm Đồng", "Bảo Lộc", 11.55, 107.80),
    "thap-muoi": ("Đồng Tháp", "Tháp Mười", 10.53, 105.82),
    "nga-nam": ("Cần Thơ", "Ngã Năm", 9.56, 105.60),
    "tri-ton": ("An Giang", "Tri Tôn", 10.42, 104.99),
    "u-minh-ha": ("Cà Mau", "U Minh Hạ", 9.30, 104.97),
}

NORTH = {"north": 30_000, "central": 50_000, "south": 70_000}
NORTH_ONLY = {"north": 35_000, "central": None, "south": None}
CENTRE = {"north": 45_000, "central": 30_000, "south": 45_000}
SOUTH = {"north": 70_000, "central": 50_000, "south": 25_000}

# producer key → (commune, name, delivery fees)
PRODUCERS = {
    "suoi-giang-htx": ("suoi-giang", "HTX chè cổ thụ Suối Giàng", NORTH),
    "hsp-htx": ("hoang-su-phi", "HTX chè Shan Tuyết Hoàng Su Phì", NORTH),
    "ta-xua-ho": ("ta-xua", "Hộ Thào A Dình", NORTH_ONLY),
    "tan-cuong-htx": ("tan-cuong", "HTX chè Tân Cương Hoàng Bình", NORTH),
    "tan-cuong-ho": ("tan-cuong", "Hộ Lê Văn Tư", NORTH),
    "bao-loc-dn": ("bao-loc", "Cơ sở trà Bảo Lộc Tâm Châu", SOUTH),
    "moc-chau-htx": ("moc-chau", "HTX chè Mộc Sương", NORTH),
    "moc-chau-man": ("moc-chau", "HTX mận hậu Nà Ka", NORTH),
    "thap-muoi-sen": ("thap-muoi", "Cơ sở trà sen Tháp Mười", SOUTH),
    "meo-vac-ong": ("meo-vac", "HTX ong mật bạc hà Mèo Vạc", NORTH),
    "meo-vac-ho": ("meo-vac", "Hộ Sùng Mí Chả", NORTH_ONLY),
    "meo-vac-lanh": ("meo-vac", "HTX dệt lanh Lũng Tám", NORTH),
    "buon-don-ong": ("buon-don", "HTX ong mật Buôn Đôn", CENTRE),
    "buon-don-tieu": ("buon-don", "Hộ Y Kông hồ tiêu", CENTRE),
    "buon-don-cafe": ("buon-don", "HTX cà phê Ea Huar", CENTRE),
    "u-minh-ong": ("u-minh-ha", "Tổ hợp tác ong rừng U Minh", SOUTH),
    "con-cuong-ong": ("con-cuong", "Hộ Lô Văn Hải", CENTRE),
    "con-cuong-nam": ("con-cuong", "HTX lâm sản Con Cuông", CENTRE),
    "con-cuong-may": ("con-cuong", "Tổ mây tre đan Môn Sơn", CENTRE),
    "nga-nam-gao": ("nga-nam", "HTX lúa gạo ST25 Ngã Năm", SOUTH),
    "nga-nam-huuco": ("nga-nam", "HTX lúa tôm hữu cơ Vĩnh Quới", SOUTH),
    "tu-le-nep": ("tu-le", "HTX nếp Tú Lệ", NORTH),
    "ban-pho-gao": ("bac-ha-2", "HTX gạo Séng Cù Bản Phố", NORTH),
    "ban-pho-thao-qua": ("bac-ha-2", "Hộ Giàng Seo Phủ", NORTH),
    "ban-pho-nam": ("bac-ha-2", "Hộ Vàng Thị Mỷ", NORTH),
    "ban-pho-rau": ("bac-ha-2", "Hộ Lù Văn Pao", NORTH_ONLY),
    "muong-phang-gao": ("muong-phang", "HTX gạo Mường Thanh", NORTH),
    "muong-phang-nep": ("muong-phang", "Hộ Lò Văn Piếng", NORTH),
    "muong-phang-moc-nhi": ("muong-phang", "Hộ Quàng Thị Xuân", NORTH),
    "muong-phang-pieu": ("muong-phang", "Tổ dệt khăn piêu Bản Phăng", NORTH),
    "pu-luong-gao": ("pu-luong", "Hộ Hà Văn Khiêm", NORTH),
    "tri-ton-gao": ("tri-ton", "HTX gạo Bảy Núi", SOUTH),
    "tri-ton-thot-not": ("tri-ton", "Cơ sở đường thốt nốt Chăm Pa", SOUTH),
    "tri-ton-tho-cam": ("tri-ton", "Tổ dệt thổ cẩm Văn Giáo", SOUTH),
    "tra-my-que": ("tra-my", "HTX quế Trà My", CENTRE),
    "van-yen-que": ("van-yen", "HTX quế hữu cơ Văn Yên", NORTH),
    "van-quan-hoi": ("van-quan", "HTX hồi Văn Quan", NORTH),
    "buon-don-ho": ("buon-don", "Hộ H'Linh", CENTRE),
    "mang-den-nam": ("mang-den", "HTX linh chi Măng Đen", CENTRE),
    "mang-den-mang": ("mang-den", "Hộ A Thuần", CENTRE),
    "ta-phin-tho-cam": ("ta-van-2", "HTX thổ cẩm Tả Phìn", NORTH),
    "trung-khanh-de": ("trung-khanh", "HTX hạt dẻ Trùng Khánh", NORTH),
    "binh-lieu-mien": ("binh-lieu", "HTX miến dong Bình Liêu", NORTH),
}

ALL_YEAR: list[int] = []

# key → (producer, name, category, unit, price, stock, harvest months, OCOP stars, certifications,
# description)
# Certifications are current unless marked "kind:expired".
CATALOGUE = {
    # tea
    "T1": (
        "suoi-giang-htx",
        "Chè Shan Tuyết cổ thụ Suối Giàng",
        "tea",
        "kg",
        650_000,
        300,
        [3, 4, 5, 8, 9],
        4,
        ["vietgap", "organic:expired"],
        "Búp chè Shan Tuyết từ cây cổ thụ trên 300 năm tuổi, sao tay.",
    ),
    "T2": (
        "hsp-htx",
        "Chè Shan Tuyết Hoàng Su Phì",
        "tea",
        "kg",
        480_000,
        800,
        [3, 4, 5, 9, 10],
        5,
        ["organic", "geographical-indication"],
        "Chè Shan Tuyết vùng cao Hoàng Su Phì, hữu cơ, búp một tôm hai lá.",
    ),
    "T3": (
        "ta-xua-ho",
        "Trà Shan Tuyết Tà Xùa",
        "tea",
        "kg",
        550_000,
        40,
        [3, 4],
        None,
        [],
        "Trà Shan Tuyết cổ thụ trên đỉnh Tà Xùa, mây phủ quanh năm.",
    ),
    "T4": (
        "tan-cuong-htx",
        "Chè xanh Tân Cương đặc biệt",
        "tea",
        "kg",
        350_000,
        1000,
        [3, 4, 5, 6, 7, 8, 9, 10],
        4,
        ["vietgap", "geographical-indication"],
        "Chè xanh Tân Cương Thái Nguyên, búp nhỏ, nước xanh, vị chát dịu.",
    ),
    "T5": (
        "tan-cuong-ho",
        "Chè búp khô Tân Cương loại 2",
        "tea",
        "kg",
        200_000,
        2000,
        [3, 4, 5, 6, 7, 8, 9, 10],
        None,
        [],
        "Chè búp khô Thái Nguyên loại 2, pha ấm hằng ngày.",
    ),
    "T6": (
        "bao-loc-dn",
        "Trà ô long Bảo Lộc",
        "tea",
        "kg",
        700_000,
        500,
        ALL_YEAR,
        4,
        ["vietgap"],
        "Trà ô long cuộn viên từ giống Kim Tuyên trồng ở Bảo Lộc, Lâm Đồng.",
    ),
    "T7": (
        "hsp-htx",
        "Trà túi lọc Shan Tuyết",
        "tea",
        "box",
        60_000,
        500,
        ALL_YEAR,
        3,
        [],
        "Hộp 25 túi lọc chè Shan Tuyết.",
    ),
    "T8": (
        "thap-muoi-sen",
        "Trà ướp sen Tháp Mười",
        "tea",
        "g",
        5_000,
        20_000,
        [6, 7, 8],
        4,
        [],
        "Trà ướp hoa sen tươi theo lối Tây Hồ, ướp bảy lần.",
    ),
    "T9": (
        "moc-chau-htx",
        "Chè ô long Mộc Châu",
        "tea",
        "kg",
        450_000,
        600,
        [4, 5, 6, 7, 8, 9, 10],
        3,
        ["vietgap"],
        "Chè ô long cao nguyên Mộc Châu.",
    ),
    # honey
    "H1": (
        "meo-vac-ong",
        "Mật ong bạc hà Mèo Vạc",
        "honey",
        "l",
        600_000,
        200,
        [10, 11, 12],
        4,
        ["geographical-indication"],
        "Mật ong hoa bạc hà cao nguyên đá Đồng Văn, Hà Giang.",
    ),
    "H2": (
        "meo-vac-ho",
        "Mật ong bạc hà nhà nuôi",
        "honey",
        "l",
        520_000,
        30,
        [11, 12],
        None,
        [],
        "Mật ong hoa bạc hà của hộ nuôi ong ở Mèo Vạc, Hà Giang.",
    ),
    "H3": (
        "buon-don-ong",
        "Mật ong rừng Buôn Đôn",
        "honey",
        "l",
        450_000,
        300,
        [3, 4, 5],
        3,
        [],
        "Mật ong rừng khai thác tự nhiên ở Vườn quốc gia Yok Đôn.",
    ),
    "H4": (
        "buon-don-ong",
        "Mật ong hoa cà phê",
        "honey",
        "kg",
        220_000,
        1000,
        [1, 2, 3, 4],
        None,
        ["vietgap"],
        "Mật ong hoa cà phê Tây Nguyên, đóng can.",
    ),
    "H5": (
        "u-minh-ong",
        "Mật ong rừng U Minh",
        "honey",
        "l",
        400_000,
        150,
        [3, 4, 5],
        4,
        [],
        "Mật ong rừng tràm U Minh Hạ, gác kèo truyền thống.",
    ),
    "H6": (
        "con-cuong-ong",
        "Mật ong rừng chai 500 ml",
        "honey",
        "bottle",
        180_000,
        400,
        [4, 5],
        3,
        [],
        "Mật ong rừng Pù Mát đóng chai 500 ml.",
    ),
    # rice
    "R1": (
        "nga-nam-gao",
        "Gạo ST25 Ngã Năm",
        "rice",
        "kg",
        38_000,
        20_000,
        [2, 3, 10, 11],
        4,
        ["vietgap"],
        "Gạo ST25 Sóc Trăng, hạt dài, dẻo thơm.",
    ),
    "R2": (
        "nga-nam-huuco",
        "Gạo ST25 hữu cơ lúa tôm",
        "rice",
        "kg",
        55_000,
        5000,
        [2, 3],
        5,
        ["organic"],
        "Gạo ST25 trồng trên đất nuôi tôm, canh tác hữu cơ.",
    ),
    "R3": (
        "tu-le-nep",
        "Gạo nếp Tú Lệ",
        "rice",
        "kg",
        45_000,
        3000,
        [9, 10],
        4,
        ["geographical-indication"],
        "Nếp Tú Lệ hạt tròn, thơm, đồ xôi dẻo.",
    ),
    "R4": (
        "ban-pho-gao",
        "Gạo Séng Cù Bản Phố",
        "rice",
        "kg",
        30_000,
        8000,
        [9, 10],
        3,
        [],
        "Gạo Séng Cù ruộng bậc thang, hạt dài, cơm dẻo.",
    ),
    "R5": (
        "muong-phang-gao",
        "Gạo Bắc Thơm Điện Biên",
        "rice",
        "kg",
        25_000,
        15_000,
        [6, 10],
        None,
        ["vietgap"],
        "Gạo cánh đồng Mường Thanh, Điện Biên, cơm mềm thơm.",
    ),
    "R6": (
        "muong-phang-nep",
        "Gạo nếp cẩm",
        "rice",
        "kg",
        60_000,
        500,
        [10],
        None,
        [],
        "Nếp cẩm (gạo đen) nương, nấu xôi, làm rượu.",
    ),
    "R7": (
        "pu-luong-gao",
        "Gạo Pù Luông",
        "rice",
        "kg",
        35_000,
        2000,
        [6, 10],
        None,
        [],
        "Gạo ruộng bậc thang Pù Luông, Thanh Hóa.",
    ),
    "R8": (
        "tri-ton-gao",
        "Gạo Nàng Nhen thơm Bảy Núi",
        "rice",
        "kg",
        42_000,
        6000,
        [3, 11],
        4,
        ["geographical-indication"],
        "Gạo Nàng Nhen thơm của vùng Bảy Núi, An Giang.",
    ),
    # spices
    "S1": (
        "tra-my-que",
        "Quế Trà My vỏ khô",
        "spices",
        "kg",
        180_000,
        4000,
        [3, 4, 8, 9],
        4,
        ["geographical-indication"],
        "Vỏ quế Trà My, Quảng Nam, tinh dầu cao.",
    ),
    "S2": (
        "van-yen-que",
        "Quế vỏ Văn Yên",
        "spices",
        "kg",
        90_000,
        20_000,
        [3, 4, 8, 9],
        3,
        ["organic"],
        "Quế vỏ Văn Yên, Yên Bái, chứng nhận hữu cơ, đóng bao xuất khẩu.",
    ),
    "S3": (
        "van-yen-que",
        "Quế thanh cuộn hữu cơ",
        "spices",
        "kg",
        150_000,
        2000,
        [3, 4, 8, 9],
        4,
        ["organic"],
        "Quế thanh cuộn tròn, cắt 8 cm, hữu cơ.",
    ),
    "S4": (
        "van-quan-hoi",
        "Hoa hồi khô Văn Quan",
        "spices",
        "kg",
        140_000,
        3000,
        [8, 9],
        3,
        ["geographical-indication"],
        "Đại hồi (hoa hồi) Lạng Sơn phơi khô, cánh đều.",
    ),
    "S5": (
        "ban-pho-thao-qua",
        "Thảo quả khô",
        "spices",
        "kg",
        250_000,
        1000,
        [10, 11],
        3,
        [],
        "Thảo quả dưới tán rừng, sấy khô.",
    ),
    "S6": (
        "buon-don-tieu",
        "Hạt tiêu đen Buôn Đôn",
        "spices",
        "kg",
        140_000,
        5000,
        [1, 2, 3],
        None,
        ["vietgap"],
        "Hồ tiêu đen Đắk Lắk, hạt chắc.",
    ),
    "S7": (
        "tra-my-que",
        "Bột quế Trà My",
        "spices",
        "jar",
        45_000,
        300,
        ALL_YEAR,
        3,
        [],
        "Hũ bột quế nguyên chất 100 g.",
    ),
    # mushrooms and forest products
    "M1": (
        "con-cuong-nam",
        "Nấm hương rừng Con Cuông",
        "mushrooms",
        "kg",
        550_000,
        200,
        [1, 2, 3],
        3,
        [],
        "Nấm hương rừng hái tự nhiên, phơi khô.",
    ),
    "M2": (
        "ban-pho-nam",
        "Nấm hương khô Bắc Hà",
        "mushrooms",
        "kg",
        400_000,
        500,
        [12, 1, 2],
        None,
        ["vietgap"],
        "Nấm hương (nấm đông cô) trồng trên gỗ, sấy khô.",
    ),
    "M3": (
        "mang-den-nam",
        "Nấm linh chi đỏ Măng Đen",
        "mushrooms",
        "kg",
        1_200_000,
        80,
        ALL_YEAR,
        4,
        [],
        "Nấm linh chi đỏ trồng trên gỗ ở Măng Đen.",
    ),
    "M4": (
        "muong-phang-moc-nhi",
        "Mộc nhĩ khô",
        "mushrooms",
        "kg",
        180_000,
        1500,
        [6, 7, 8],
        None,
        [],
        "Mộc nhĩ (nấm mèo) rừng, phơi khô.",
    ),
    "M5": (
        "mang-den-mang",
        "Măng le khô",
        "mushrooms",
        "kg",
        300_000,
        800,
        [6, 7, 8],
        3,
        [],
        "Măng le rừng Măng Đen luộc, phơi khô.",
    ),
    # textiles and handicraft
    "X1": (
        "ta-phin-tho-cam",
        "Khăn thổ cẩm dệt tay",
        "textiles",
        "piece",
        250_000,
        120,
        ALL_YEAR,
        3,
        [],
        "Khăn thổ cẩm người Dao đỏ, dệt và thêu tay.",
    ),
    "X2": (
        "meo-vac-lanh",
        "Vải lanh Lũng Tám nhuộm chàm",
        "textiles",
        "piece",
        400_000,
        60,
        ALL_YEAR,
        4,
        [],
        "Vải lanh dệt tay, nhuộm chàm, vẽ sáp ong.",
    ),
    "X3": (
        "ta-phin-tho-cam",
        "Túi thổ cẩm",
        "textiles",
        "piece",
        180_000,
        300,
        ALL_YEAR,
        None,
        [],
        "Túi đeo vai may từ thổ cẩm dệt tay.",
    ),
    "X4": (
        "muong-phang-pieu",
        "Khăn piêu thổ cẩm Thái",
        "textiles",
        "piece",
        350_000,
        50,
        ALL_YEAR,
        3,
        [],
        "Khăn piêu của phụ nữ Thái, thêu tay hoa văn.",
    ),
    "X5": (
        "tri-ton-tho-cam",
        "Vải thổ cẩm Chăm Văn Giáo",
        "textiles",
        "piece",
        300_000,
        80,
        ALL_YEAR,
        3,
        [],
        "Vải thổ cẩm Chăm và Khmer dệt tay ở An Giang.",
    ),
    "C1": (
        "con-cuong-may",
        "Giỏ mây tre đan",
        "handicraft",
        "piece",
        150_000,
        200,
        ALL_YEAR,
        None,
        [],
        "Giỏ mây đan tay của người Thái.",
    ),
    # other food and drinks
    "F1": (
        "moc-chau-man",
        "Mận hậu Mộc Châu",
        "fruit",
        "kg",
        40_000,
        3000,
        [5, 6],
        3,
        [],
        "Mận hậu giòn, ngọt, hái tại vườn.",
    ),
    "F2": (
        "trung-khanh-de",
        "Hạt dẻ Trùng Khánh",
        "fruit",
        "kg",
        150_000,
        2000,
        [8, 9, 10],
        4,
        ["geographical-indication"],
        "Hạt dẻ Trùng Khánh, Cao Bằng, bùi và thơm.",
    ),
    "F3": (
        "buon-don-cafe",
        "Cà phê Robusta Buôn Đôn",
        "drinks",
        "kg",
        120_000,
        10_000,
        [11, 12, 1],
        3,
        ["vietgap"],
        "Cà phê robusta rang mộc, hái chín.",
    ),
    "F4": (
        "ban-pho-rau",
        "Rau cải mèo",
        "vegetables",
        "kg",
        30_000,
        200,
        [11, 12, 1, 2],
        None,
        [],
        "Cải mèo vùng cao, trồng không phân hóa học.",
    ),
    "F5": (
        "binh-lieu-mien",
        "Miến dong Bình Liêu",
        "processed-food",
        "kg",
        80_000,
        5000,
        [12, 1],
        4,
        [],
        "Miến làm từ củ dong riềng Bình Liêu, sợi dai.",
    ),
    "F6": (
        "tri-ton-thot-not",
        "Đường thốt nốt Bảy Núi",
        "processed-food",
        "kg",
        70_000,
        3000,
        [1, 2, 3, 4],
        4,
        [],
        "Đường thốt nốt nấu từ nước cây thốt nốt, An Giang.",
    ),
    "F7": (
        "buon-don-ho",
        "Mật ong cà phê hũ nhỏ",
        "honey",
        "jar",
        90_000,
        200,
        ALL_YEAR,
        None,
        [],
        "Hũ mật ong hoa cà phê 300 g.",
    ),
}

# producer key → (orders fulfilled, orders the producer dropped after confirming, ratings)
HISTORY = {
    "tan-cuong-htx": (20, 0, [5, 5, 5, 4, 5]),
    "tan-cuong-ho": (2, 6, [2, 1, 3]),
    "nga-nam-gao": (30, 1, [5, 4, 5, 4]),
    "meo-vac-ho": (1, 3, [2]),
}


def _d(days: int) -> date:
    return TODAY + timedelta(days=days)


def wants(**fields) -> dict:
    """A demand's fields."""
    return fields


# A demand, and what a person would put first: {listing: 2 (what they would choose) or 1 (a fair
# alternative)}. Each judgement is reasoned from the demand's words, unit, price, certifications,
# quantity, place and date against the catalogue above.
DEMANDS = [
    # Shan Tuyết from ancient trees: Suối Giàng (cổ thụ, 300 kg) and Hoàng Su Phì (Shan Tuyết, 800 kg) both
    # serve 100 kg; Tà Xùa is ancient-tree Shan Tuyết too but has only 40 kg. The tea bags are in boxes.
    (
        wants(
            title="Chè Shan Tuyết cổ thụ",
            keywords="shan tuyết, chè cổ thụ",
            quantity=100,
            unit="kg",
            category="tea",
            max_unit_price=700_000,
            delivery_province="Hà Nội",
            needed_by=_d(70),
        ),
        {"T1": 2, "T2": 2, "T3": 1},
    ),
    # organic required: only Hoàng Su Phì holds a current organic certificate (Suối Giàng's expired)
    (
        wants(
            title="Trà Shan Tuyết hữu cơ",
            keywords="shan tuyết",
            quantity=200,
            unit="kg",
            category="tea",
            max_unit_price=600_000,
            delivery_province="Hà Nội",
            needed_by=_d(100),
            required_certifications=["organic"],
        ),
        {"T2": 2},
    ),
    # green tea from Tân Cương: the special grade first, the cheaper grade 2 is a fair alternative
    (
        wants(
            title="Chè xanh Tân Cương",
            keywords="chè tân cương, trà xanh thái nguyên",
            quantity=500,
            unit="kg",
            category="tea",
            max_unit_price=400_000,
            delivery_province="Hà Nội",
            needed_by=_d(60),
        ),
        {"T4": 2, "T5": 1},
    ),
    # oolong for Saigon: Bảo Lộc (close, in budget); Mộc Châu oolong is the alternative
    (
        wants(
            title="Trà ô long",
            keywords="ô long, oolong",
            quantity=100,
            unit="kg",
            category="tea",
            max_unit_price=800_000,
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(45),
        ),
        {"T6": 2, "T9": 1},
    ),
    # lotus tea, 2 kg: sold by the gram in Tháp Mười
    (
        wants(
            title="Trà sen",
            keywords="trà ướp sen, trà sen tây hồ",
            quantity=2,
            unit="kg",
            category="tea",
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(30),
        ),
        {"T8": 2},
    ),
    # bạc hà honey from Hà Giang in litres: the cooperative (200 l) first, the small household (30 l) next
    (
        wants(
            title="Mật ong bạc hà Hà Giang",
            keywords="mật ong bạc hà",
            quantity=50,
            unit="l",
            category="honey",
            max_unit_price=700_000,
            delivery_province="Hà Nội",
            needed_by=_d(120),
        ),
        {"H1": 2, "H2": 1},
    ),
    # wild-forest honey for Saigon, in litres and in budget: Buôn Đôn and U Minh
    (
        wants(
            title="Mật ong rừng nguyên chất",
            keywords="mật ong rừng",
            quantity=100,
            unit="l",
            category="honey",
            max_unit_price=500_000,
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(60),
        ),
        {"H3": 2, "H5": 2},
    ),
    # coffee-blossom honey by the kilogram: only Buôn Đôn's sells by weight
    (
        wants(
            title="Mật ong hoa cà phê",
            keywords="hoa cà phê",
            quantity=500,
            unit="kg",
            category="honey",
            max_unit_price=250_000,
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(60),
        ),
        {"H4": 2},
    ),
    # any honey in litres within 450,000/l, to Cần Thơ: U Minh (cheap, close) and Buôn Đôn (in budget)
    (
        wants(
            title="Mật ong cho tiệm bánh",
            quantity=20,
            unit="l",
            category="honey",
            max_unit_price=450_000,
            delivery_province="Cần Thơ",
            needed_by=_d(30),
        ),
        {"H5": 2, "H3": 2},
    ),
    # ST25 within 45,000: Ngã Năm's ST25; the organic ST25 is over budget but still ST25
    (
        wants(
            title="Gạo ST25",
            keywords="gạo st25",
            quantity=5000,
            unit="kg",
            category="rice",
            max_unit_price=45_000,
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(60),
        ),
        {"R1": 2, "R2": 1},
    ),
    # organic ST25: only the rice-shrimp cooperative
    (
        wants(
            title="Gạo ST25 hữu cơ",
            quantity=1000,
            unit="kg",
            category="rice",
            max_unit_price=60_000,
            delivery_province="Hà Nội",
            needed_by=_d(60),
            required_certifications=["organic"],
        ),
        {"R2": 2},
    ),
    # Tú Lệ sticky rice; black sticky rice is a fair alternative for xôi
    (
        wants(
            title="Gạo nếp Tú Lệ",
            keywords="nếp tú lệ, xôi",
            quantity=300,
            unit="kg",
            category="rice",
            max_unit_price=60_000,
            delivery_province="Hà Nội",
            needed_by=_d(70),
        ),
        {"R3": 2, "R6": 1},
    ),
    (
        wants(
            title="Gạo Séng Cù",
            quantity=2000,
            unit="kg",
            category="rice",
            max_unit_price=35_000,
            delivery_province="Hà Nội",
            needed_by=_d(80),
        ),
        {"R4": 2},
    ),
    (
        wants(
            title="Gạo thơm Điện Biên",
            keywords="gạo điện biên, bắc thơm",
            quantity=10_000,
            unit="kg",
            category="rice",
            max_unit_price=30_000,
            delivery_province="Hà Nội",
            needed_by=_d(80),
        ),
        {"R5": 2},
    ),
    (
        wants(
            title="Gạo nếp cẩm",
            keywords="gạo đen, nếp cẩm",
            quantity=100,
            unit="kg",
            category="rice",
            delivery_province="Hà Nội",
            needed_by=_d(80),
        ),
        {"R6": 2},
    ),
    (
        wants(
            title="Gạo Nàng Nhen Bảy Núi",
            keywords="gạo nàng nhen, gạo an giang",
            quantity=1000,
            unit="kg",
            category="rice",
            delivery_province="Cần Thơ",
            needed_by=_d(90),
        ),
        {"R8": 2},
    ),
    # 10 tonnes of everyday rice under 32,000 to Hà Nội: Điện Biên (25,000, 15 t) first; Séng Cù (30,000,
    # 8 t of the 10) next
    (
        wants(
            title="Gạo cho bếp ăn công nghiệp",
            quantity=10_000,
            unit="kg",
            category="rice",
            max_unit_price=32_000,
            delivery_province="Hà Nội",
            needed_by=_d(40),
        ),
        {"R5": 2, "R4": 1},
    ),
    # Trà My cinnamon first; the other bark cinnamons are fair alternatives
    (
        wants(
            title="Quế Trà My",
            keywords="quế trà my, quế vỏ",
            quantity=500,
            unit="kg",
            category="spices",
            max_unit_price=200_000,
            delivery_province="Đà Nẵng",
            needed_by=_d(45),
        ),
        {"S1": 2, "S2": 1, "S3": 1},
    ),
    # organic export cinnamon, 10 t under 120,000: Văn Yên bark (90,000, 20 t); rolled sticks (2 t, dearer)
    (
        wants(
            title="Quế hữu cơ xuất khẩu",
            keywords="quế, cinnamon",
            quantity=10_000,
            unit="kg",
            category="spices",
            max_unit_price=120_000,
            delivery_province="Hải Phòng",
            needed_by=_d(75),
            required_certifications=["organic"],
        ),
        {"S2": 2, "S3": 1},
    ),
    (
        wants(
            title="Hoa hồi khô",
            keywords="hồi, đại hồi, star anise",
            quantity=1000,
            unit="kg",
            category="spices",
            max_unit_price=160_000,
            delivery_province="Hà Nội",
            needed_by=_d(50),
        ),
        {"S4": 2},
    ),
    (
        wants(
            title="Thảo quả",
            quantity=200,
            unit="kg",
            category="spices",
            delivery_province="Hà Nội",
            needed_by=_d(110),
        ),
        {"S5": 2},
    ),
    (
        wants(
            title="Hạt tiêu đen",
            keywords="tiêu đen, hồ tiêu",
            quantity=2000,
            unit="kg",
            category="spices",
            max_unit_price=160_000,
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(40),
        ),
        {"S6": 2},
    ),
    # dried shiitake: Bắc Hà (cheaper, 500 kg, near Hà Nội) and Con Cuông (wild, 200 kg) — not wood ear
    (
        wants(
            title="Nấm hương khô",
            keywords="nấm hương, nấm đông cô",
            quantity=100,
            unit="kg",
            category="mushrooms",
            max_unit_price=600_000,
            delivery_province="Hà Nội",
            needed_by=_d(40),
        ),
        {"M2": 2, "M1": 2},
    ),
    (
        wants(
            title="Nấm linh chi",
            quantity=10,
            unit="kg",
            category="mushrooms",
            minimum_ocop_stars=4,
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(30),
        ),
        {"M3": 2},
    ),
    (
        wants(
            title="Mộc nhĩ khô",
            keywords="mộc nhĩ, nấm mèo",
            quantity=300,
            unit="kg",
            category="mushrooms",
            delivery_province="Hà Nội",
            needed_by=_d(30),
        ),
        {"M4": 2},
    ),
    # no category given: dried bamboo shoots are still found by their words
    (
        wants(
            title="Măng khô",
            keywords="măng le, măng rừng",
            quantity=200,
            unit="kg",
            delivery_province="Hà Nội",
            needed_by=_d(30),
        ),
        {"M5": 2},
    ),
    # brocade scarves by the piece: the Dao scarf and the Thái piêu scarf
    (
        wants(
            title="Khăn thổ cẩm",
            keywords="khăn thổ cẩm, khăn dệt tay",
            quantity=100,
            unit="piece",
            category="textiles",
            max_unit_price=300_000,
            delivery_province="Hà Nội",
            needed_by=_d(60),
        ),
        {"X1": 2, "X4": 2},
    ),
    (
        wants(
            title="Vải lanh nhuộm chàm",
            keywords="vải lanh, chàm",
            quantity=50,
            unit="piece",
            category="textiles",
            delivery_province="Hà Nội",
            needed_by=_d(60),
        ),
        {"X2": 2},
    ),
    (
        wants(
            title="Túi thổ cẩm làm quà tặng",
            keywords="túi thổ cẩm",
            quantity=200,
            unit="piece",
            category="textiles",
            max_unit_price=200_000,
            delivery_province="Hà Nội",
            needed_by=_d(60),
        ),
        {"X3": 2},
    ),
    (
        wants(
            title="Thổ cẩm Khmer",
            keywords="thổ cẩm chăm, thổ cẩm khmer",
            quantity=30,
            unit="piece",
            category="textiles",
            delivery_province="Cần Thơ",
            needed_by=_d(45),
        ),
        {"X5": 2},
    ),
    (
        wants(
            title="Hạt dẻ Trùng Khánh",
            quantity=500,
            unit="kg",
            category="fruit",
            delivery_province="Hà Nội",
            needed_by=_d(55),
        ),
        {"F2": 2},
    ),
    (
        wants(
            title="Miến dong",
            keywords="miến dong bình liêu",
            quantity=1000,
            unit="kg",
            category="processed-food",
            delivery_province="Quảng Ninh",
            needed_by=_d(60),
        ),
        {"F5": 2},
    ),
    # no category again
    (
        wants(
            title="Đường thốt nốt",
            quantity=500,
            unit="kg",
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(45),
        ),
        {"F6": 2},
    ),
    (
        wants(
            title="Cà phê robusta",
            keywords="cà phê, robusta",
            quantity=5000,
            unit="kg",
            category="drinks",
            max_unit_price=130_000,
            delivery_province="TP. Hồ Chí Minh",
            needed_by=_d(90),
        ),
        {"F3": 2},
    ),
    # five-star OCOP Shan Tuyết: only Hoàng Su Phì holds five stars
    (
        wants(
            title="Chè Shan Tuyết OCOP 5 sao",
            quantity=300,
            unit="kg",
            category="tea",
            minimum_ocop_stars=5,
            delivery_province="Hà Nội",
            needed_by=_d(60),
        ),
        {"T2": 2},
    ),
    # plums for next June: Mộc Châu's harvest is in May and June
    (
        wants(
            title="Mận hậu Mộc Châu",
            quantity=1000,
            unit="kg",
            category="fruit",
            delivery_province="Hà Nội",
            needed_by=date(2027, 6, 30),
        ),
        {"F1": 2},
    ),
]


def _commune_pages(home) -> dict[str, CommunePage]:
    provinces: dict[str, ProvincePage] = {}
    pages = {}
    for key, (province_name, title, latitude, longitude) in COMMUNES.items():
        province = provinces.get(province_name)
        if province is None:
            province = ProvincePage(title=f"{province_name} (eval)", slug=f"eval-{len(provinces)}")
            home.add_child(instance=province)
            provinces[province_name] = province
        commune = CommunePage(
            title=title, slug=f"eval-{key}", latitude=str(latitude), longitude=str(longitude)
        )
        province.add_child(instance=commune)
        pages[key] = commune
    return pages


def _history(producer: Producer, product: Product, fulfilled: int, dropped: int, ratings: list[int]) -> None:
    buyer = factories.make_user(f"history-{producer.slug}@example.org")
    now = timezone.now()
    for number in range(fulfilled + dropped):
        checkout = Checkout.objects.create(
            reference=f"LS{producer.pk:04d}{number:04d}",
            buyer=buyer,
            buyer_name="Khách",
            buyer_phone="0912345678",
            payment_method=PaymentMethod.CASH_ON_DELIVERY,
        )
        done = number < fulfilled
        order = Order.objects.create(
            checkout=checkout,
            reference=f"DH{producer.pk:04d}{number:04d}",
            producer=producer,
            commune_id=producer.commune_id,
            buyer=buyer,
            status=OrderStatus.COMPLETED if done else OrderStatus.CANCELLED,
            payment_method=PaymentMethod.CASH_ON_DELIVERY,
            delivery_method=DeliveryMethod.PICKUP,
            subtotal=product.price,
            total=product.price,
            confirmed_at=now,
            cancelled_by="" if done else CancelledBy.PRODUCER,
        )
        OrderLine.objects.create(
            order=order,
            product=product,
            product_name=product.name_vi,
            unit=product.unit,
            unit_price=product.price,
            quantity=1,
            line_total=product.price,
        )
        if done and number < len(ratings):
            ProductReview.objects.create(order=order, product=product, author=buyer, rating=ratings[number])
    # ratings beyond the fulfilled orders come from the dropped ones' earlier buyers: none here


def build_catalogue(site_tree) -> dict[str, Product]:
    communes = _commune_pages(site_tree["home"])
    producers = {}
    for key, (commune_key, name, fees) in PRODUCERS.items():
        owner = factories.make_user(f"{key}@example.org")
        producers[key] = Producer.objects.create(
            owner=owner,
            commune=communes[commune_key],
            slug=f"eval-{key}",
            name=name,
            review_status=ReviewStatus.APPROVED,
            delivery_fee_north=fees["north"],
            delivery_fee_central=fees["central"],
            delivery_fee_south=fees["south"],
        )
    products = {}
    for key, row in CATALOGUE.items():
        producer_key, name, category, unit, price, stock, months, stars, certifications, description = row
        producer = producers[producer_key]
        product = Product(
            producer=producer,
            commune_id=producer.commune_id,
            slug=f"eval-{key.lower()}",
            name_vi=name,
            description_vi=description,
            category=category,
            unit=unit,
            price=price,
            stock=stock,
            harvest_months=months,
            review_status=ReviewStatus.APPROVED,
        )
        product.refresh_folded_text()
        product.save()
        if stars:
            OcopRating.objects.create(
                product=product,
                stars=stars,
                certificate_number=f"OCOP-{key}",
                issued_on=TODAY - timedelta(days=400),
                expires_on=TODAY + timedelta(days=600),
                issuing_province="Lào Cai",
            )
        for certification in certifications:
            kind, _sep, state = certification.partition(":")
            valid_until = TODAY - timedelta(days=30) if state == "expired" else TODAY + timedelta(days=365)
            Certification.objects.create(product=product, kind=kind, valid_until=valid_until)
        products[key] = product
    first_product = {}
    for key, product in products.items():
        first_product.setdefault(CATALOGUE[key][0], product)
    for producer_key, (fulfilled, dropped, ratings) in HISTORY.items():
        _history(producers[producer_key], first_product[producer_key], fulfilled, dropped, ratings)
    return products


def precision_at(ranked: list[str], relevant: dict[str, int], k: int = 3) -> float:
    cutoff = min(k, len(relevant))
    return sum(1 for key in ranked[:cutoff] if key in relevant) / cutoff


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    gain = sum(relevant.get(key, 0) / math.log2(rank + 2) for rank, key in enumerate(ranked[:k]))
    ideal = sum(
        grade / math.log2(rank + 2) for rank, grade in enumerate(sorted(relevant.values(), reverse=True)[:k])
    )
    return gain / ideal


def test_the_metrics_themselves():
    assert precision_at(["a", "b", "c"], {"a": 2}) == 1.0
    assert precision_at(["b", "a", "c"], {"a": 2}) == 0.0
    assert precision_at(["a", "x", "b"], {"a": 2, "b": 1, "c": 1}) == pytest.approx(2 / 3)
    assert ndcg_at(["a", "b"], {"a": 2, "b": 1}) == 1.0
    assert ndcg_at(["b", "a"], {"a": 2, "b": 1}) < 1.0


def test_the_evaluation_set_is_big_enough_and_judged_on_listings_that_exist():
    assert len(DEMANDS) >= 30
    assert 40 <= len(CATALOGUE) <= 60
    assert len({row[0] for row in CATALOGUE.values()}) >= 40
    for _fields, judged in DEMANDS:
        assert judged and set(judged) <= set(CATALOGUE)


@pytest.mark.django_db
def test_precision_at_3_and_ndcg_at_5_on_the_database_backend(site_tree, figures, settings):
    # given the catalogue and the demands of 36 buyers
    settings.SEARCH_BACKEND = "database"
    products = build_catalogue(site_tree)
    key_of = {product.pk: key for key, product in products.items()}
    buyer = factories.make_user("evaluation-buyer@example.org")
    precisions, gains, misses = [], [], []
    for fields, judged in DEMANDS:
        demand = BuyerDemand.objects.create(buyer=buyer, **fields)
        # when the engine ranks the listings for it
        ranked = [
            key_of.get(match.product.pk, "?") for match in matches_for_demand(demand, limit=10, today=TODAY)
        ]
        precision = precision_at(ranked, judged)
        precisions.append(precision)
        gains.append(ndcg_at(ranked, judged))
        if precision < 1:
            misses.append(f"{fields['title']}: got {ranked[:3]}, judged {judged}")
    precision_at_3 = sum(precisions) / len(precisions)
    ndcg_at_5 = sum(gains) / len(gains)
    figures(
        f"matching evaluation (database backend): {len(DEMANDS)} demands, {len(CATALOGUE)} listings of "
        f"{len(PRODUCERS)} producers in {len(COMMUNES)} communes — precision@3 {precision_at_3:.3f}, "
        f"NDCG@5 {ndcg_at_5:.3f}"
    )
    for miss in misses:
        figures(f"  miss: {miss}")
    # then a person would agree with the first three results at least 80% of the time
    assert precision_at_3 >= 0.8, misses
    assert ndcg_at_5 >= 0.8, misses
