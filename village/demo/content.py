"""The demo's content: provinces, communes, villages, guide chapters, news, notices and events.

Pure data, read by ``village/demo/loader.py`` (``manage.py load_demo``). Every text a visitor reads is a
``{"vi": ..., "en": ...}`` pair: Vietnamese with full diacritics and a natural English translation. Texts are
plain text (the loader wraps them in ``<p>``), never HTML.

The geography follows the two-level local government in force since 1 July 2025 (province → commune →
village). The communes are real places; their statistics, administrative codes, village households,
contact details and staff names are illustrative demo values, and every phone number and e-mail
address is a deliberately fake one (``0900 …``, ``… 3000 …``, ``@….example``).

The guide chapters are meant to be genuinely useful: they describe how VNeID, VietQR, the national
public-service portal and online selling work for a rural household, and how to avoid common scams.

Dates of news, notices and events are computed from today when the module is imported, so a freshly
loaded demo always has recent news, current notices and upcoming events (plus one past event and one
expired notice, to show how those are displayed).
"""

from datetime import date, timedelta

TODAY = date.today()


def _day(offset: int) -> date:
    """The date ``offset`` days from today (negative: in the past)."""
    return TODAY + timedelta(days=offset)


def _next_weekday(weekday: int, *, after: int = 1) -> date:
    """The first date at least ``after`` days from today falling on ``weekday`` (Monday = 0, Sunday = 6)."""
    first = _day(after)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def _at(day: date, hour_minute: str) -> str:
    """A naive local ISO datetime such as ``2026-03-07T07:00``."""
    return f"{day.isoformat()}T{hour_minute}"


MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

# --- provinces ----------------------------------------------------------------------------------------

PROVINCES = [
    {
        "slug": "lao-cai",
        "code": "15",
        "name": {"vi": "Lào Cai", "en": "Lào Cai"},
        "intro": {
            "vi": "Tỉnh Lào Cai được hợp nhất từ hai tỉnh Lào Cai và Yên Bái từ ngày 1/7/2025, là vùng núi cao "
            "biên giới phía Bắc với hơn 13.000 km². Đỉnh Phan Xi Păng, ruộng bậc thang Sa Pa và Mù Cang Chải, "
            "cao nguyên Bắc Hà, chè Shan tuyết và quế Văn Yên là những nét riêng của tỉnh, nơi nhiều dân tộc "
            "cùng sinh sống.",
            "en": "Lào Cai province was formed on 1 July 2025 by merging the former Lào Cai and Yên Bái provinces: "
            "more than 13,000 km² of high mountains on the northern border. Mount Phan Xi Păng, the rice "
            "terraces of Sa Pa and Mù Cang Chải, the Bắc Hà plateau, Shan Tuyết tea and Văn Yên cinnamon "
            "are its hallmarks, and many ethnic groups live here side by side.",
        },
    },
    {
        "slug": "ninh-binh",
        "code": "37",
        "name": {"vi": "Ninh Bình", "en": "Ninh Bình"},
        "intro": {
            "vi": "Tỉnh Ninh Bình được hợp nhất từ ba tỉnh Hà Nam, Nam Định và Ninh Bình từ ngày 1/7/2025. Tỉnh có "
            "Quần thể danh thắng Tràng An, di sản văn hóa và thiên nhiên thế giới, Vườn quốc gia Cúc Phương "
            "và Vườn quốc gia Xuân Thủy bên bờ biển. Kinh tế nông thôn dựa vào lúa gạo, thủy sản và các làng "
            "nghề truyền thống.",
            "en": "Ninh Bình province was formed on 1 July 2025 by merging the former Hà Nam, Nam Định and Ninh "
            "Bình provinces. It is home to the Tràng An Landscape Complex, a UNESCO World Heritage site, "
            "Cúc Phương National Park and Xuân Thủy National Park on the coast. The rural economy rests on "
            "rice, fisheries and traditional craft villages.",
        },
    },
]

# --- communes and their villages ------------------------------------------------------------------------
# The order matters: the loader's demo accounts use the first commune (Tả Van) and the second (Bắc Hà).

COMMUNES = [
    {
        "province": "lao-cai",
        "slug": "ta-van",
        "name": {"vi": "Tả Van", "en": "Tả Van"},
        "admin_code": "03022",
        "latitude": "22.305800",
        "longitude": "103.893000",
        "population": 10215,
        "households": 2147,
        "area_km2": "196.42",
        "intro": {
            "vi": "Tả Van nằm trong thung lũng Mường Hoa, dưới chân dãy Hoàng Liên Sơn, cách trung tâm Sa Pa khoảng "
            "10 km. Người H'Mông, Giáy và Dao đỏ sống bằng ruộng bậc thang, nghề thêu, nhuộm chàm và du lịch "
            "cộng đồng với nhiều homestay. Bãi đá cổ với những hình khắc bí ẩn nằm ngay trong thung lũng.",
            "en": "Tả Van lies in the Mường Hoa valley below the Hoàng Liên Sơn range, about 10 km from the centre "
            "of Sa Pa. H'Mông, Giáy and Red Dao families live from terraced rice fields, embroidery, indigo "
            "dyeing and community tourism, with many homestays. A field of ancient carved rocks lies in the "
            "same valley.",
        },
        "office": {
            "address": {
                "vi": "Trụ sở UBND xã Tả Van, thôn Tả Van Giáy, xã Tả Van, tỉnh Lào Cai",
                "en": "Tả Van Commune People's Committee, Tả Van Giáy village, Tả Van commune, Lào Cai province",
            },
            "phone": "0214 3000 101",
            "email": "vanphong@tavan.example",
            "hours": {
                "vi": "Thứ Hai đến thứ Sáu, 7:30–11:30 và 13:30–17:00",
                "en": "Monday to Friday, 7:30–11:30 and 13:30–17:00",
            },
        },
        "digital_team": {
            "leader": "Lò Thị Dung",
            "phone": "0900 111 001",
            "members": 12,
            "hours": {
                "vi": "Tối thứ Ba và thứ Năm, 19:00–21:00, tại nhà văn hóa thôn; sáng thứ Bảy tại UBND xã",
                "en": "Tuesday and Thursday evenings, 19:00–21:00, at the village hall; Saturday mornings at "
                "the commune office",
            },
        },
        "primary_colour": "#1f5c3a",
        "villages": [
            {
                "slug": "ta-van-giay",
                "name": {"vi": "Tả Van Giáy", "en": "Tả Van Giáy"},
                "intro": {
                    "vi": "Thôn của người Giáy bên suối Mường Hoa, nhà gỗ mái ngói xen giữa ruộng lúa. Nhiều gia đình "
                    "mở homestay và bếp ăn cho khách đi bộ. Người Giáy ở đây giữ lễ hội Roóng Poọc xuống đồng "
                    "vào tháng Giêng.",
                    "en": "A Giáy village on the Mường Hoa stream, with wooden tiled houses among the rice fields. "
                    "Many families run homestays and kitchens for trekkers. The Giáy here keep the Roóng Poọc "
                    "festival that opens the farming year in the first lunar month.",
                },
                "ethnic_groups": {"vi": "Giáy", "en": "Giáy"},
                "households": 182,
            },
            {
                "slug": "giang-ta-chai-dao",
                "name": {"vi": "Giàng Tả Chải Dao", "en": "Giàng Tả Chải Dao"},
                "intro": {
                    "vi": "Thôn người Dao đỏ trên sườn đồi phía bên kia suối, giữa rừng tre và ruộng bậc thang. Phụ nữ "
                    "Dao đỏ thêu khăn, áo và nấu nước lá thuốc tắm theo bài thuốc gia truyền để đón khách.",
                    "en": "A Red Dao village on the hillside across the stream, among bamboo groves and rice "
                    "terraces. Red Dao women embroider scarves and jackets and prepare the family recipe of "
                    "herbal baths for visitors.",
                },
                "ethnic_groups": {"vi": "Dao đỏ", "en": "Red Dao"},
                "households": 126,
            },
            {
                "slug": "seo-mi-ty",
                "name": {"vi": "Séo Mí Tỷ", "en": "Séo Mí Tỷ"},
                "intro": {
                    "vi": "Thôn người H'Mông cao nhất xã, đường vào dốc và hẹp. Bà con trồng lúa một vụ trên ruộng bậc "
                    "thang, trồng thảo quả dưới tán rừng và dệt vải lanh nhuộm chàm.",
                    "en": "The highest H'Mông village of the commune, reached by a steep, narrow road. Families grow "
                    "one rice crop a year on the terraces, black cardamom under the forest canopy, and weave "
                    "indigo-dyed hemp cloth.",
                },
                "ethnic_groups": {"vi": "H'Mông", "en": "H'Mông"},
                "households": 148,
            },
        ],
    },
    {
        "province": "lao-cai",
        "slug": "bac-ha",
        "name": {"vi": "Bắc Hà", "en": "Bắc Hà"},
        "admin_code": "02839",
        "latitude": "22.539900",
        "longitude": "104.291600",
        "population": 24310,
        "households": 5392,
        "area_km2": "121.58",
        "intro": {
            "vi": "Bắc Hà là cao nguyên cao khoảng 1.200 m ở phía đông tỉnh, nổi tiếng với chợ phiên Chủ nhật, mận "
            "Tam Hoa, rượu ngô Bản Phố và dinh thự Hoàng A Tưởng. Người H'Mông hoa, Tày, Nùng, Dao và Kinh "
            "cùng sinh sống; mùa xuân cả vùng trắng hoa mận nên còn được gọi là cao nguyên trắng.",
            "en": "Bắc Hà is a plateau about 1,200 m high in the east of the province, known for its Sunday market, "
            "Tam Hoa plums, Bản Phố corn liquor and the Hoàng A Tưởng mansion. Flower H'Mông, Tày, Nùng, Dao "
            "and Kinh people live here; in spring the plum blossom turns it into the 'white plateau'.",
        },
        "office": {
            "address": {
                "vi": "Trụ sở UBND xã Bắc Hà, trung tâm xã Bắc Hà, tỉnh Lào Cai",
                "en": "Bắc Hà Commune People's Committee, Bắc Hà commune centre, Lào Cai province",
            },
            "phone": "0214 3000 202",
            "email": "vanphong@bacha.example",
            "hours": {
                "vi": "Thứ Hai đến thứ Sáu, 7:30–11:30 và 13:30–17:00",
                "en": "Monday to Friday, 7:30–11:30 and 13:30–17:00",
            },
        },
        "digital_team": {
            "leader": "Thào Văn Sử",
            "phone": "0900 111 002",
            "members": 15,
            "hours": {
                "vi": "Sáng Chủ nhật, 7:00–11:00, tại quầy hỗ trợ ở chợ phiên; chiều thứ Tư tại UBND xã",
                "en": "Sunday mornings, 7:00–11:00, at the help desk in the market; Wednesday afternoons at "
                "the commune office",
            },
        },
        "primary_colour": "#7a2048",
        "villages": [
            {
                "slug": "ban-pho",
                "name": {"vi": "Bản Phố", "en": "Bản Phố"},
                "intro": {
                    "vi": "Vùng người H'Mông hoa nổi tiếng với rượu ngô nấu bằng men lá truyền thống và những bộ váy "
                    "áo thêu rực rỡ. Từ bản có thể đi bộ ra chợ phiên Bắc Hà.",
                    "en": "A Flower H'Mông area famous for corn liquor made with traditional leaf yeast and for its "
                    "brightly embroidered skirts and jackets. The Bắc Hà market is within walking distance.",
                },
                "ethnic_groups": {"vi": "H'Mông hoa", "en": "Flower H'Mông"},
                "households": 236,
            },
            {
                "slug": "na-hoi",
                "name": {"vi": "Na Hối", "en": "Na Hối"},
                "intro": {
                    "vi": "Bản có nhiều nhà trình tường và nhà sàn, trồng mận Tam Hoa, lúa và chăn nuôi. Một số hộ "
                    "làm homestay đón khách ngắm hoa mận vào mùa xuân và hái mận vào đầu hè.",
                    "en": "A village of rammed-earth and stilt houses that grows Tam Hoa plums and rice and raises "
                    "livestock. Some families run homestays for visitors who come for the plum blossom in "
                    "spring and the harvest in early summer.",
                },
                "ethnic_groups": {"vi": "Tày, Nùng, H'Mông", "en": "Tày, Nùng, H'Mông"},
                "households": 198,
            },
            {
                "slug": "thai-giang-pho",
                "name": {"vi": "Thải Giàng Phố", "en": "Thải Giàng Phố"},
                "intro": {
                    "vi": "Bản vùng cao trồng ngô, chè và cây dược liệu. Con đường bê tông mới giúp xe chở nông sản "
                    "vào tận bản, nên bà con bắt đầu nhận đơn hàng qua điện thoại.",
                    "en": "An upland village growing maize, tea and medicinal plants. A new concrete road lets "
                    "trucks reach the village, so families have started taking orders by phone.",
                },
                "ethnic_groups": {"vi": "H'Mông, Nùng", "en": "H'Mông, Nùng"},
                "households": 174,
            },
        ],
    },
    {
        "province": "ninh-binh",
        "slug": "giao-phong",
        "name": {"vi": "Giao Phong", "en": "Giao Phong"},
        "admin_code": "14020",
        "latitude": "20.201400",
        "longitude": "106.455600",
        "population": 21480,
        "households": 6710,
        "area_km2": "38.27",
        "intro": {
            "vi": "Giao Phong là xã ven biển thuộc vùng Giao Thủy cũ của tỉnh Nam Định trước đây, gần bãi biển Quất "
            "Lâm và Vườn quốc gia Xuân Thủy, khu Ramsar đầu tiên của Việt Nam. Người dân trồng lúa, nuôi ngao, "
            "nuôi tôm, đánh bắt ven bờ và làm du lịch sinh thái, đón khách đến xem chim di cư.",
            "en": "Giao Phong is a coastal commune in the former Giao Thủy area of what used to be Nam Định "
            "province, close to Quất Lâm beach and Xuân Thủy National Park, Vietnam's first Ramsar site. "
            "People grow rice, farm clams and shrimp, fish near the shore and host eco-tourists who come to "
            "watch migratory birds.",
        },
        "office": {
            "address": {
                "vi": "Trụ sở UBND xã Giao Phong, xã Giao Phong, tỉnh Ninh Bình",
                "en": "Giao Phong Commune People's Committee, Giao Phong commune, Ninh Bình province",
            },
            "phone": "0228 3000 303",
            "email": "vanphong@giaophong.example",
            "hours": {
                "vi": "Thứ Hai đến thứ Sáu, 7:00–11:30 và 13:30–17:00",
                "en": "Monday to Friday, 7:00–11:30 and 13:30–17:00",
            },
        },
        "digital_team": {
            "leader": "Trần Thị Hạnh",
            "phone": "0900 111 003",
            "members": 18,
            "hours": {
                "vi": "Chiều thứ Hai, thứ Tư và thứ Sáu, 14:00–17:00, tại Trung tâm phục vụ hành chính công xã",
                "en": "Monday, Wednesday and Friday afternoons, 14:00–17:00, at the commune public service centre",
            },
        },
        "primary_colour": "#0b5a7a",
        "villages": [
            {
                "slug": "xom-dong-hai",
                "name": {"vi": "Xóm Đông Hải", "en": "Đông Hải hamlet"},
                "intro": {
                    "vi": "Xóm sát đê biển, nhiều hộ nuôi ngao và đánh bắt ven bờ. Chiều chiều, chợ cá họp ngay chân "
                    "đê khi thuyền về.",
                    "en": "A hamlet right by the sea dyke where many families farm clams and fish near the shore. "
                    "Every afternoon a fish market gathers at the foot of the dyke when the boats come in.",
                },
                "ethnic_groups": {"vi": "Kinh", "en": "Kinh"},
                "households": 312,
            },
            {
                "slug": "xom-tan-phong",
                "name": {"vi": "Xóm Tân Phong", "en": "Tân Phong hamlet"},
                "intro": {
                    "vi": "Xóm trồng lúa và rau màu, có hợp tác xã dịch vụ nông nghiệp lo giống, phân bón và bao tiêu "
                    "một phần lúa gạo cho bà con.",
                    "en": "A rice and vegetable hamlet with an agricultural service cooperative that supplies seed "
                    "and fertiliser and buys part of the members' rice.",
                },
                "ethnic_groups": {"vi": "Kinh", "en": "Kinh"},
                "households": 285,
            },
            {
                "slug": "xom-phong-lac",
                "name": {"vi": "Xóm Phong Lạc", "en": "Phong Lạc hamlet"},
                "intro": {
                    "vi": "Nhiều hộ trong xóm làm homestay và đưa khách vào Vườn quốc gia Xuân Thủy xem chim, đi "
                    "thuyền trong rừng ngập mặn và thử bắt ngao cùng người dân.",
                    "en": "Many families here run homestays and take visitors into Xuân Thủy National Park to "
                    "watch birds, paddle through the mangroves and dig for clams with local people.",
                },
                "ethnic_groups": {"vi": "Kinh", "en": "Kinh"},
                "households": 240,
            },
        ],
    },
    {
        "province": "ninh-binh",
        "slug": "dinh-hung",
        "name": {"vi": "Định Hưng", "en": "Định Hưng"},
        "admin_code": "14470",
        "latitude": "20.106500",
        "longitude": "106.058200",
        "population": 16920,
        "households": 5135,
        "area_km2": "27.64",
        "intro": {
            "vi": "Định Hưng là xã đồng bằng với những cánh đồng lúa bằng phẳng xen ao cá và vườn rau màu. Ngoài "
            "trồng lúa chất lượng cao, nhiều hộ làm nghề đan cói, mây tre và nuôi trồng thủy sản. Xã đang "
            "đưa gạo và sản phẩm thủ công lên sàn thương mại điện tử.",
            "en": "Định Hưng is a lowland commune of flat rice fields between fish ponds and vegetable plots. "
            "Besides high-quality rice, many households weave sedge and rattan and farm fish. The commune "
            "is bringing its rice and handicrafts to online marketplaces.",
        },
        "office": {
            "address": {
                "vi": "Trụ sở UBND xã Định Hưng, xã Định Hưng, tỉnh Ninh Bình",
                "en": "Định Hưng Commune People's Committee, Định Hưng commune, Ninh Bình province",
            },
            "phone": "0229 3000 404",
            "email": "vanphong@dinhhung.example",
            "hours": {
                "vi": "Thứ Hai đến thứ Sáu, 7:00–11:30 và 13:30–17:00; sáng thứ Bảy tiếp nhận hồ sơ",
                "en": "Monday to Friday, 7:00–11:30 and 13:30–17:00; applications also accepted on Saturday "
                "mornings",
            },
        },
        "digital_team": {
            "leader": "Phạm Văn Đức",
            "phone": "0900 111 004",
            "members": 14,
            "hours": {
                "vi": "Sáng thứ Bảy, 7:30–11:00, tại Trung tâm phục vụ hành chính công xã; đến tận nhà hỗ trợ "
                "người cao tuổi khi hẹn trước",
                "en": "Saturday mornings, 7:30–11:00, at the commune public service centre; home visits for "
                "older people by appointment",
            },
        },
        "primary_colour": "#8a4b0f",
        "villages": [
            {
                "slug": "thon-dong-hung",
                "name": {"vi": "Thôn Đông Hưng", "en": "Đông Hưng village"},
                "intro": {
                    "vi": "Thôn thuần nông, cấy hai vụ lúa và trồng rau vụ đông. Tổ hợp tác sản xuất lúa an toàn của "
                    "thôn ghi nhật ký đồng ruộng trên điện thoại để truy xuất nguồn gốc.",
                    "en": "A farming village that grows two rice crops and winter vegetables. Its safe-rice "
                    "cooperative group keeps field records on their phones for traceability.",
                },
                "ethnic_groups": {"vi": "Kinh", "en": "Kinh"},
                "households": 264,
            },
            {
                "slug": "thon-dinh-tan",
                "name": {"vi": "Thôn Định Tân", "en": "Định Tân village"},
                "intro": {
                    "vi": "Thôn có nghề đan cói lâu đời: thảm, làn, hộp đựng đồ được làm tại nhà rồi gom về hợp tác "
                    "xã để bán đi các tỉnh và xuất khẩu.",
                    "en": "A village with a long sedge-weaving tradition: mats, baskets and storage boxes are made "
                    "at home and collected by the cooperative for sale across the country and abroad.",
                },
                "ethnic_groups": {"vi": "Kinh", "en": "Kinh"},
                "households": 231,
            },
            {
                "slug": "thon-hung-thinh",
                "name": {"vi": "Thôn Hưng Thịnh", "en": "Hưng Thịnh village"},
                "intro": {
                    "vi": "Thôn có nhiều ao nuôi cá kết hợp vườn cây ăn quả và chuồng trại theo mô hình vườn, ao, "
                    "chuồng. Cá và trứng vịt được bán cho bếp ăn trường học và nhà hàng trong tỉnh.",
                    "en": "A village of fish ponds combined with orchards and livestock pens, the classic garden, "
                    "pond and pen model. Fish and duck eggs go to school kitchens and restaurants in the "
                    "province.",
                },
                "ethnic_groups": {"vi": "Kinh", "en": "Kinh"},
                "households": 198,
            },
        ],
    },
]

# --- the digital village guide ----------------------------------------------------------------------------
# Every commune gets the same chapters; its editors adapt them afterwards.

GUIDES = [
    {
        "slug": "kich-hoat-dinh-danh-dien-tu-muc-2",
        "title": {
            "vi": "Kích hoạt tài khoản định danh điện tử mức 2 (VNeID)",
            "en": "Activate your level 2 e-ID account (VNeID)",
        },
        "summary": {
            "vi": "Tài khoản định danh điện tử mức 2 giúp bạn đăng nhập dịch vụ công, dùng giấy tờ trên điện thoại "
            "và làm thủ tục mà không phải đi lại nhiều. Đăng ký tại công an xã, sau đó tự kích hoạt trên ứng "
            "dụng VNeID.",
            "en": "A level 2 e-ID account lets you log in to public services, show your papers on your phone and "
            "complete procedures without repeated trips. Register at the commune police station, then "
            "activate it yourself in the VNeID app.",
        },
        "topic": "identity",
        "audience": "everyone",
        "difficulty": "medium",
        "minutes_needed": 30,
        "intro": {
            "vi": "Định danh điện tử mức 2 là tài khoản do Bộ Công an cấp, gắn với ảnh chân dung và vân tay của bạn. "
            "Với tài khoản này, bạn đăng nhập được Cổng Dịch vụ công quốc gia, xuất trình căn cước, giấy phép "
            "lái xe, thẻ bảo hiểm y tế trên điện thoại và nhận kết quả thủ tục trực tuyến. Đăng ký hoàn toàn "
            "miễn phí. Nếu bạn đang làm thẻ căn cước, hãy đề nghị cán bộ đăng ký mức 2 luôn cùng lúc.",
            "en": "A level 2 e-ID is an account issued by the Ministry of Public Security and linked to your "
            "portrait photo and fingerprints. With it you can log in to the National Public Service Portal, "
            "show your ID card, driving licence and health insurance card on your phone, and receive the "
            "results of procedures online. Registration is free. If you are applying for an ID card, ask the "
            "officer to register level 2 at the same time.",
        },
        "checklist": {
            "title": {"vi": "Cần chuẩn bị", "en": "What you need"},
            "items": [
                {
                    "vi": "Thẻ căn cước hoặc căn cước công dân gắn chip còn hạn",
                    "en": "A valid chip-based ID card (căn cước or căn cước công dân)",
                },
                {
                    "vi": "Điện thoại thông minh và số điện thoại đứng tên chính bạn",
                    "en": "A smartphone and a phone number registered in your own name",
                },
                {
                    "vi": "Kết nối Internet (wifi hoặc 3G/4G) để tải ứng dụng",
                    "en": "An Internet connection (wifi or 3G/4G) to download the app",
                },
                {
                    "vi": "Một mật khẩu bạn nhớ được nhưng người khác không đoán ra",
                    "en": "A password you can remember but others cannot guess",
                },
            ],
        },
        "steps": [
            {
                "title": {"vi": "Đến công an xã đăng ký", "en": "Register at the commune police station"},
                "text": {
                    "vi": "Mang thẻ căn cước gắn chip và điện thoại đến trụ sở công an xã. Cán bộ đọc chip trên thẻ, "
                    "chụp ảnh chân dung, lấy vân tay và ghi lại số điện thoại của bạn. Hãy đọc kỹ số điện "
                    "thoại trước khi cán bộ gửi hồ sơ.",
                    "en": "Take your chip-based ID card and your phone to the commune police station. The officer "
                    "reads the card's chip, takes your portrait and fingerprints and records your phone "
                    "number. Check the phone number carefully before the application is sent.",
                },
            },
            {
                "title": {"vi": "Chờ tin nhắn báo đã duyệt", "en": "Wait for the approval text message"},
                "text": {
                    "vi": "Khi hồ sơ được duyệt, bạn nhận tin nhắn SMS báo tài khoản định danh điện tử đã được tạo. "
                    "Thường chỉ mất vài ngày; nếu sau 15 ngày vẫn chưa có tin nhắn, hãy hỏi lại công an xã.",
                    "en": "When the application is approved you receive a text message saying that your e-ID "
                    "account has been created. This usually takes a few days; if nothing has arrived after "
                    "15 days, ask the commune police.",
                },
            },
            {
                "title": {"vi": "Cài ứng dụng VNeID", "en": "Install the VNeID app"},
                "text": {
                    "vi": "Mở CH Play (điện thoại Android) hoặc App Store (iPhone), tìm “VNeID” và cài ứng dụng do Bộ "
                    "Công an phát hành. Không cài VNeID từ đường link người lạ gửi qua tin nhắn, Zalo hay "
                    "Facebook.",
                    "en": "Open Google Play (Android phones) or the App Store (iPhone), search for “VNeID” and "
                    "install the app published by the Ministry of Public Security. Never install VNeID from a "
                    "link sent by a stranger by text, Zalo or Facebook.",
                },
            },
            {
                "title": {
                    "vi": "Nhập số định danh và số điện thoại",
                    "en": "Enter your ID number and phone number",
                },
                "text": {
                    "vi": "Mở ứng dụng, chọn Kích hoạt tài khoản định danh điện tử. Nhập số định danh cá nhân (12 chữ "
                    "số in trên thẻ căn cước) và số điện thoại đã đăng ký, rồi chọn Gửi yêu cầu. Bạn cũng có "
                    "thể quét mã QR trên thẻ để điền nhanh.",
                    "en": "Open the app and choose Activate e-ID account. Enter your personal identification number "
                    "(the 12 digits printed on your ID card) and the phone number you registered, then choose "
                    "Send request. You can also scan the QR code on the card to fill it in.",
                },
            },
            {
                "title": {"vi": "Nhập mã OTP", "en": "Enter the OTP code"},
                "text": {
                    "vi": "Ứng dụng gửi một mã OTP gồm 6 chữ số qua tin nhắn. Nhập mã này vào ứng dụng trước khi mã "
                    "hết hạn. Mã chỉ dành cho bạn: không đọc cho bất kỳ ai, kể cả người xưng là công an hay "
                    "cán bộ.",
                    "en": "The app sends a 6-digit OTP code by text message. Type it into the app before it expires. "
                    "The code is for you alone: never read it out to anyone, even someone who says they are a "
                    "police officer or an official.",
                },
            },
            {
                "title": {"vi": "Đặt mật khẩu", "en": "Set a password"},
                "text": {
                    "vi": "Đặt mật khẩu dài 8 đến 20 ký tự, có chữ hoa, chữ thường, chữ số và ký tự đặc biệt. Có thể "
                    "ghép vài từ bạn dễ nhớ với chữ số và một ký tự như @ hoặc #. Không dùng ngày sinh hay số "
                    "điện thoại. Nhập lại mật khẩu để xác nhận.",
                    "en": "Choose a password of 8 to 20 characters with upper-case and lower-case letters, digits "
                    "and a special character. You can join a few words you remember easily with digits and a "
                    "sign such as @ or #. Do not use your birthday or phone number. Type it again to confirm.",
                },
            },
            {
                "title": {"vi": "Đăng nhập và đặt passcode", "en": "Log in and set a passcode"},
                "text": {
                    "vi": "Đăng nhập bằng số định danh và mật khẩu vừa tạo, rồi đặt passcode gồm 6 chữ số. Passcode "
                    "dùng để xác nhận mỗi khi mở giấy tờ hoặc đăng nhập dịch vụ. Vào phần thông tin tài khoản "
                    "để kiểm tra tài khoản đã là mức 2.",
                    "en": "Log in with your ID number and the new password, then set a 6-digit passcode. You will "
                    "use the passcode to confirm whenever you open your documents or log in to a service. Check "
                    "in your account details that the account is level 2.",
                },
            },
        ],
        "callouts": [
            {
                "kind": "warning",
                "text": {
                    "vi": "Công an không bao giờ gọi điện yêu cầu bạn cài VNeID qua đường link, đọc mã OTP hay chuyển "
                    "tiền để “nâng cấp” tài khoản. Gặp cuộc gọi như vậy, hãy cúp máy và báo công an xã.",
                    "en": "The police never phone you to install VNeID from a link, read out an OTP code or transfer "
                    "money to “upgrade” your account. If you get such a call, hang up and tell the commune "
                    "police.",
                },
            },
            {
                "kind": "tip",
                "text": {
                    "vi": "Người cao tuổi hoặc chưa quen dùng điện thoại có thể nhờ tổ công nghệ số cộng đồng của xã "
                    "hướng dẫn. Bạn tự bấm mã OTP và mật khẩu; tổ chỉ hướng dẫn, không giữ mật khẩu của bạn.",
                    "en": "Older people and anyone new to smartphones can ask the commune's community digital team "
                    "for help. You type the OTP code and password yourself; the team only guides you and never "
                    "keeps your password.",
                },
            },
        ],
        "service_link": {
            "title": {
                "vi": "Hệ thống định danh điện tử VNeID",
                "en": "VNeID electronic identification system",
            },
            "url": "https://vneid.gov.vn",
            "description": {
                "vi": "Trang chính thức của Bộ Công an về định danh và xác thực điện tử: thông tin, hướng dẫn và "
                "đường dẫn tải ứng dụng VNeID.",
                "en": "The Ministry of Public Security's official site for electronic identification: "
                "information, instructions and links to download the VNeID app.",
            },
        },
        "faq": [
            {
                "question": {
                    "vi": "Đăng ký định danh điện tử mức 2 có mất phí không?",
                    "en": "Does a level 2 e-ID cost anything?",
                },
                "answer": {
                    "vi": "Không. Cấp tài khoản định danh điện tử là miễn phí. Ai đòi tiền để làm nhanh là lừa đảo.",
                    "en": "No. E-ID accounts are issued free of charge. Anyone asking for money to speed it up is "
                    "a scammer.",
                },
            },
            {
                "question": {
                    "vi": "Tôi quên mật khẩu VNeID thì làm sao?",
                    "en": "I forgot my VNeID password.",
                },
                "answer": {
                    "vi": "Trên màn hình đăng nhập, chọn Quên mật khẩu, nhập số định danh và số điện thoại, nhập mã "
                    "OTP rồi đặt mật khẩu mới. Nếu bạn đã đổi số điện thoại, hãy đến công an xã để cập nhật "
                    "số mới trước.",
                    "en": "On the login screen choose Forgot password, enter your ID number and phone number, type "
                    "the OTP code and set a new password. If you have changed your phone number, go to the "
                    "commune police to update it first.",
                },
            },
            {
                "question": {"vi": "Tôi đổi điện thoại mới thì sao?", "en": "What if I get a new phone?"},
                "answer": {
                    "vi": "Cài VNeID trên máy mới và đăng nhập như bình thường, rồi xác nhận bằng mã OTP gửi về số "
                    "điện thoại của bạn. Tài khoản chỉ dùng được trên một máy tại một thời điểm, máy cũ sẽ bị "
                    "đăng xuất.",
                    "en": "Install VNeID on the new phone, log in as usual and confirm with the OTP code sent to "
                    "your number. The account works on one phone at a time, so the old phone is logged out.",
                },
            },
        ],
    },
    {
        "slug": "thanh-toan-bang-ma-vietqr",
        "title": {"vi": "Trả tiền và nhận tiền bằng mã VietQR", "en": "Pay and get paid with VietQR"},
        "summary": {
            "vi": "Quét mã VietQR trong ứng dụng ngân hàng để chuyển tiền nhanh, đúng người, không phải gõ số tài "
            "khoản. Kèm cách tạo mã nhận tiền cho quầy hàng, homestay và cách kiểm tra tiền đã về thật.",
            "en": "Scan a VietQR code in your banking app to send money quickly to the right person without "
            "typing an account number. Also how to make your own payment code for a stall or homestay and how "
            "to check that the money has really arrived.",
        },
        "topic": "payments",
        "audience": "households",
        "difficulty": "easy",
        "minutes_needed": 15,
        "intro": {
            "vi": "VietQR là mã QR chuyển khoản chung của các ngân hàng Việt Nam, do NAPAS vận hành: ứng dụng của "
            "ngân hàng này quét được mã của ngân hàng khác. Bạn cần một tài khoản ngân hàng đứng tên mình và "
            "ứng dụng ngân hàng trên điện thoại. Chuyển khoản bằng mã QR giúp tránh gõ nhầm số tài khoản và "
            "không phải mang nhiều tiền mặt khi đi chợ.",
            "en": "VietQR is the common bank-transfer QR code of Vietnamese banks, run by NAPAS: one bank's app can "
            "scan another bank's code. You need a bank account in your own name and your bank's app on your "
            "phone. Paying by QR code avoids typing the wrong account number and means you carry less cash to "
            "the market.",
        },
        "checklist": {
            "title": {"vi": "Cần chuẩn bị", "en": "What you need"},
            "items": [
                {
                    "vi": "Tài khoản ngân hàng đứng tên bạn, đã đối chiếu sinh trắc học khuôn mặt với thẻ căn cước "
                    "gắn chip",
                    "en": "A bank account in your name, with your face biometrics checked against your chip-based ID "
                    "card",
                },
                {
                    "vi": "Ứng dụng ngân hàng tải từ CH Play hoặc App Store",
                    "en": "Your bank's app, downloaded from Google Play or the App Store",
                },
                {
                    "vi": "Đã bật thông báo biến động số dư",
                    "en": "Balance change notifications switched on",
                },
            ],
        },
        "steps": [
            {
                "title": {
                    "vi": "Mở ứng dụng ngân hàng, chọn Quét QR",
                    "en": "Open your banking app and tap Scan QR",
                },
                "text": {
                    "vi": "Đăng nhập ứng dụng ngân hàng và chọn biểu tượng Quét QR, thường nằm giữa màn hình chính. "
                    "Đưa camera vào mã VietQR của người bán cho đến khi ứng dụng nhận mã.",
                    "en": "Log in to your banking app and tap the Scan QR icon, usually in the middle of the home "
                    "screen. Point the camera at the seller's VietQR code until the app reads it.",
                },
            },
            {
                "title": {"vi": "Kiểm tra tên người nhận", "en": "Check the recipient's name"},
                "text": {
                    "vi": "Ứng dụng hiện tên chủ tài khoản và tên ngân hàng. Đối chiếu với tên người bán hoặc tên cửa "
                    "hàng. Nếu tên lạ, không khớp, hoặc mã bị dán đè lên một mã khác, đừng chuyển tiền.",
                    "en": "The app shows the account holder's name and the bank. Compare them with the seller's or "
                    "shop's name. If the name is unfamiliar or does not match, or the code has been stuck over "
                    "another one, do not pay.",
                },
            },
            {
                "title": {"vi": "Nhập số tiền và nội dung", "en": "Enter the amount and a message"},
                "text": {
                    "vi": "Nếu mã chưa có sẵn số tiền, hãy nhập số tiền cần trả. Ghi nội dung ngắn, ví dụ tên bạn và "
                    "mã đơn hàng, để người bán dễ đối chiếu.",
                    "en": "If the code does not already contain the amount, type the amount to pay. Add a short "
                    "message, for example your name and the order number, so the seller can match the payment.",
                },
            },
            {
                "title": {"vi": "Xác nhận giao dịch", "en": "Confirm the payment"},
                "text": {
                    "vi": "Kiểm tra lại lần cuối rồi xác nhận bằng mã PIN, Smart OTP, vân tay hoặc khuôn mặt. Theo quy "
                    "định, giao dịch trên 10 triệu đồng một lần, hoặc tổng trên 20 triệu đồng trong ngày, phải "
                    "xác thực bằng khuôn mặt.",
                    "en": "Check everything one last time, then confirm with your PIN, Smart OTP, fingerprint or "
                    "face. By regulation, a single transfer above 10 million đồng, or more than 20 million đồng "
                    "in a day, must be confirmed with your face.",
                },
            },
            {
                "title": {"vi": "Lưu biên lai", "en": "Keep the receipt"},
                "text": {
                    "vi": "Khi màn hình báo thành công, chụp màn hình hoặc lưu biên lai trong ứng dụng. Cho người bán "
                    "xem nếu họ cần, nhưng người bán nên tự kiểm tra tiền đã vào tài khoản.",
                    "en": "When the screen says the transfer succeeded, take a screenshot or save the receipt in the "
                    "app. Show it to the seller if asked, but the seller should check the money in their own "
                    "account.",
                },
            },
            {
                "title": {
                    "vi": "Người bán: tạo mã nhận tiền của bạn",
                    "en": "Sellers: make your own payment code",
                },
                "text": {
                    "vi": "Trong ứng dụng ngân hàng, tìm mục Mã QR của tôi hoặc Nhận tiền để lấy mã VietQR của tài "
                    "khoản. Tải ảnh về, in ra, ép plastic và đặt ở quầy hàng hoặc homestay. Bật thông báo biến "
                    "động số dư để biết ngay khi tiền về.",
                    "en": "In your banking app, look for My QR code or Receive money to get your account's VietQR "
                    "code. Save the image, print it, laminate it and put it on your stall or in your homestay. "
                    "Switch on balance notifications so you know at once when money arrives.",
                },
            },
        ],
        "callouts": [
            {
                "kind": "warning",
                "text": {
                    "vi": "Chỉ tin thông báo biến động số dư từ ứng dụng ngân hàng của bạn. Kẻ gian hay đưa ảnh chụp "
                    "màn hình chuyển khoản giả hoặc tin nhắn giả. Chưa thấy tiền vào tài khoản thì chưa giao "
                    "hàng.",
                    "en": "Only trust the balance notification from your own banking app. Cheats show fake transfer "
                    "screenshots or fake text messages. Do not hand over the goods until the money is in your "
                    "account.",
                },
            },
            {
                "kind": "warning",
                "text": {
                    "vi": "Không bao giờ đọc mã OTP, mật khẩu hay mã PIN cho ai. Ngân hàng không bao giờ hỏi những mã "
                    "này qua điện thoại, tin nhắn hay Zalo.",
                    "en": "Never tell anyone your OTP code, password or PIN. Banks never ask for them by phone, text "
                    "message or Zalo.",
                },
            },
            {
                "kind": "tip",
                "text": {
                    "vi": "Thỉnh thoảng kiểm tra mã QR dán ở quầy hàng: kẻ xấu có thể dán mã của chúng đè lên mã của "
                    "bạn để nhận tiền của khách.",
                    "en": "Check the QR code on your stall from time to time: crooks may stick their own code over "
                    "yours to take your customers' money.",
                },
            },
        ],
        "faq": [
            {
                "question": {
                    "vi": "Tôi chuyển nhầm tiền thì làm sao?",
                    "en": "I sent money to the wrong account.",
                },
                "answer": {
                    "vi": "Gọi ngay tổng đài ngân hàng của bạn để đề nghị tra soát và gửi biên lai. Ngân hàng sẽ làm "
                    "việc với ngân hàng bên nhận; người nhận được khoản tiền chuyển nhầm có nghĩa vụ trả lại.",
                    "en": "Call your bank's hotline at once, ask for an investigation and send the receipt. Your "
                    "bank will contact the recipient's bank; a person who receives money by mistake is obliged "
                    "to return it.",
                },
            },
            {
                "question": {
                    "vi": "Chuyển khoản bằng mã QR có mất phí không?",
                    "en": "Do QR transfers cost anything?",
                },
                "answer": {
                    "vi": "Nhiều ngân hàng miễn phí chuyển khoản trên ứng dụng. Hãy xem biểu phí trong ứng dụng ngân "
                    "hàng của bạn.",
                    "en": "Many banks do not charge for transfers made in their app. Check the fee schedule in your "
                    "bank's app.",
                },
            },
        ],
    },
    {
        "slug": "lam-thu-tuc-tren-cong-dich-vu-cong",
        "title": {
            "vi": "Làm thủ tục trên Cổng Dịch vụ công quốc gia",
            "en": "Use the National Public Service Portal",
        },
        "summary": {
            "vi": "Nộp hồ sơ như đăng ký khai sinh, xin xác nhận, cấp đổi giấy tờ ngay trên điện thoại hoặc máy "
            "tính, theo dõi tiến độ và nộp phí trực tuyến. Bạn cần tài khoản định danh điện tử VNeID.",
            "en": "Apply for a birth registration, a certificate or a replacement document from your phone or "
            "computer, follow its progress and pay the fees online. You need a VNeID e-ID account.",
        },
        "topic": "public-services",
        "audience": "everyone",
        "difficulty": "medium",
        "minutes_needed": 40,
        "intro": {
            "vi": "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) là nơi nộp hồ sơ trực tuyến cho nhiều thủ tục của "
            "xã, tỉnh và các bộ, ngành. Hồ sơ nộp trên cổng được chuyển tới Trung tâm phục vụ hành chính công "
            "của xã hoặc cơ quan có thẩm quyền giải quyết. Bạn có thể nhận kết quả bản điện tử, qua bưu điện "
            "hoặc trực tiếp tại xã.",
            "en": "The National Public Service Portal (dichvucong.gov.vn) is where you apply online for many "
            "procedures of the commune, the province and the ministries. Applications go to the commune's "
            "public service centre or to whichever agency handles them. You can receive the result "
            "electronically, by post or in person at the commune.",
        },
        "checklist": {
            "title": {"vi": "Cần chuẩn bị", "en": "What you need"},
            "items": [
                {"vi": "Tài khoản VNeID mức 2 đã kích hoạt", "en": "An activated level 2 VNeID account"},
                {
                    "vi": "Ảnh chụp hoặc bản quét rõ nét của các giấy tờ cần nộp",
                    "en": "Clear photos or scans of the documents to submit",
                },
                {
                    "vi": "Tài khoản ngân hàng hoặc ví điện tử nếu thủ tục có phí, lệ phí",
                    "en": "A bank account or e-wallet if the procedure has a fee",
                },
                {
                    "vi": "Số điện thoại và email đang dùng để nhận thông báo",
                    "en": "A phone number and e-mail address you use, for notifications",
                },
            ],
        },
        "steps": [
            {
                "title": {"vi": "Vào cổng và đăng nhập", "en": "Open the portal and log in"},
                "text": {
                    "vi": "Mở trình duyệt và gõ đúng địa chỉ dichvucong.gov.vn. Chọn Đăng nhập, chọn tài khoản định "
                    "danh điện tử do Bộ Công an cấp, rồi xác nhận trên ứng dụng VNeID hoặc bằng mật khẩu và mã "
                    "OTP.",
                    "en": "Open your browser and type the address dichvucong.gov.vn exactly. Choose Log in, choose "
                    "the e-ID account issued by the Ministry of Public Security, then confirm in the VNeID app "
                    "or with your password and OTP code.",
                },
            },
            {
                "title": {"vi": "Tìm thủ tục", "en": "Find the procedure"},
                "text": {
                    "vi": "Gõ tên thủ tục vào ô tìm kiếm, ví dụ “đăng ký khai sinh”. Chọn đúng cơ quan thực hiện: "
                    "tỉnh của bạn và xã nơi bạn cư trú.",
                    "en": "Type the name of the procedure in the search box, for example “birth registration”. "
                    "Choose the right agency: your province and the commune where you live.",
                },
            },
            {
                "title": {"vi": "Đọc yêu cầu trước khi nộp", "en": "Read the requirements first"},
                "text": {
                    "vi": "Xem thành phần hồ sơ, thời hạn giải quyết và phí, lệ phí. Chuẩn bị đủ ảnh chụp giấy tờ theo "
                    "danh sách; ảnh cần rõ chữ, đủ bốn góc và không bị lóa.",
                    "en": "Look at the documents required, the processing time and the fees. Prepare photos of every "
                    "document on the list; the text must be readable, all four corners visible and no glare.",
                },
            },
            {
                "title": {
                    "vi": "Điền tờ khai và tải giấy tờ lên",
                    "en": "Fill in the form and upload documents",
                },
                "text": {
                    "vi": "Nhiều thông tin được điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư. Kiểm tra lại, điền phần "
                    "còn thiếu, tải ảnh giấy tờ vào từng mục và chọn cách nhận kết quả: trực tuyến, qua bưu "
                    "điện hoặc tại xã.",
                    "en": "Much of the form is filled in from the National Population Database. Check it, complete "
                    "what is missing, upload each document in its place and choose how to receive the result: "
                    "online, by post or at the commune.",
                },
            },
            {
                "title": {
                    "vi": "Nộp hồ sơ và ghi lại mã hồ sơ",
                    "en": "Submit and note the application number",
                },
                "text": {
                    "vi": "Bấm Nộp hồ sơ. Cổng cấp cho bạn một mã hồ sơ: hãy chụp màn hình hoặc ghi lại. Bạn cũng nhận "
                    "thông báo qua tin nhắn hoặc email.",
                    "en": "Press Submit. The portal gives you an application number: take a screenshot or write it "
                    "down. You will also get a notification by text or e-mail.",
                },
            },
            {
                "title": {"vi": "Nộp phí, lệ phí (nếu có)", "en": "Pay the fee (if any)"},
                "text": {
                    "vi": "Khi hồ sơ cần nộp phí, chọn Thanh toán trực tuyến, chọn ngân hàng hoặc ví điện tử và xác "
                    "nhận như khi chuyển khoản. Biên lai điện tử được lưu cùng hồ sơ.",
                    "en": "If the procedure has a fee, choose Pay online, choose your bank or e-wallet and confirm "
                    "as for any transfer. The electronic receipt is kept with your application.",
                },
            },
            {
                "title": {"vi": "Theo dõi và nhận kết quả", "en": "Follow progress and get the result"},
                "text": {
                    "vi": "Vào mục quản lý hồ sơ đã nộp, hoặc tra cứu bằng mã hồ sơ, để xem tiến độ. Nếu cán bộ yêu "
                    "cầu bổ sung, bạn sửa và nộp lại ngay trên cổng mà không phải đi lại.",
                    "en": "Open the list of your submitted applications, or search by application number, to see "
                    "progress. If the officer asks for more documents, you correct and resubmit on the portal "
                    "without travelling.",
                },
            },
        ],
        "callouts": [
            {
                "kind": "tip",
                "text": {
                    "vi": "Lần đầu chưa quen, hãy đến Trung tâm phục vụ hành chính công của xã: cán bộ và tổ công nghệ "
                    "số sẽ hướng dẫn bạn tự nộp hồ sơ trên chính điện thoại của mình.",
                    "en": "If it is your first time, go to the commune's public service centre: staff and the digital "
                    "team will show you how to submit the application on your own phone.",
                },
            },
            {
                "kind": "warning",
                "text": {
                    "vi": "Cổng Dịch vụ công thật có địa chỉ kết thúc bằng .gov.vn. Không nộp hồ sơ hay trả phí qua "
                    "đường link người lạ gửi, và không nhờ “dịch vụ làm nhanh” thu tiền.",
                    "en": "The real portal's address ends in .gov.vn. Never submit documents or pay fees through a "
                    "link sent by a stranger, and do not pay “fast-track services”.",
                },
            },
        ],
        "service_link": {
            "title": {"vi": "Cổng Dịch vụ công quốc gia", "en": "National Public Service Portal"},
            "url": "https://dichvucong.gov.vn",
            "description": {
                "vi": "Nộp hồ sơ, thanh toán phí, lệ phí và tra cứu tiến độ giải quyết thủ tục hành chính.",
                "en": "Submit applications, pay fees and follow the progress of administrative procedures.",
            },
        },
        "faq": [
            {
                "question": {
                    "vi": "Nộp trực tuyến có được giảm lệ phí không?",
                    "en": "Are fees lower when I apply online?",
                },
                "answer": {
                    "vi": "Nhiều thủ tục được giảm hoặc miễn lệ phí khi nộp trực tuyến, tùy quy định của từng thủ tục. "
                    "Mức phí hiện ngay trên trang của thủ tục.",
                    "en": "Many procedures cost less, or nothing, when you apply online, depending on the rules of "
                    "each procedure. The fee is shown on the procedure's page.",
                },
            },
            {
                "question": {
                    "vi": "Tôi không có máy tính thì có làm được không?",
                    "en": "Can I do this without a computer?",
                },
                "answer": {
                    "vi": "Được. Cổng dùng được trên điện thoại, và ứng dụng VNeID cũng có mục dịch vụ công cho một số "
                    "thủ tục thường gặp.",
                    "en": "Yes. The portal works on a phone, and the VNeID app also has a public services section for "
                    "some common procedures.",
                },
            },
        ],
    },
    {
        "slug": "ban-nong-san-truc-tuyen",
        "title": {
            "vi": "Bán nông sản và sản phẩm OCOP trên mạng",
            "en": "Sell farm products and OCOP goods online",
        },
        "summary": {
            "vi": "Chụp ảnh đẹp, viết mô tả trung thực, đặt giá hợp lý, đăng sản phẩm, trả lời khách, đóng gói và "
            "giao hàng. Khi nào nên thu tiền khi giao hàng (COD), khi nào nên nhận chuyển khoản trước.",
            "en": "Take good photos, write an honest description, set a fair price, list the product, answer "
            "buyers, pack and ship. When to take cash on delivery and when to ask for a bank transfer first.",
        },
        "topic": "selling-online",
        "audience": "producers",
        "difficulty": "medium",
        "minutes_needed": 60,
        "intro": {
            "vi": "Bán hàng trên mạng giúp sản phẩm của bản, của xã đến thẳng người mua ở thành phố, bớt được nhiều "
            "khâu trung gian. Bạn có thể đăng trên nền tảng làng số của xã, trên các sàn thương mại điện tử như "
            "Postmart của Bưu điện Việt Nam hay Shopee, hoặc bán qua Zalo và Facebook. Ở đâu cũng vậy: sản "
            "phẩm thật, ảnh thật, giá rõ ràng, giao hàng đúng hẹn.",
            "en": "Selling online takes your village's products straight to buyers in the cities, with fewer "
            "middlemen. You can list them on the commune's smart village platform, on marketplaces such as "
            "Vietnam Post's Postmart or Shopee, or sell through Zalo and Facebook. The rules are the same "
            "everywhere: real products, real photos, clear prices and delivery on time.",
        },
        "checklist": {
            "title": {"vi": "Trước khi bắt đầu", "en": "Before you start"},
            "items": [
                {
                    "vi": "Đủ hàng để bán trong ít nhất vài tuần",
                    "en": "Enough stock to sell for at least a few weeks",
                },
                {
                    "vi": "Thông tin sản phẩm: khối lượng, hạn dùng, nơi sản xuất, chứng nhận OCOP hoặc VietGAP nếu có",
                    "en": "Product details: weight, shelf life, where it is made, OCOP or VietGAP certificate if any",
                },
                {"vi": "Tài khoản ngân hàng để nhận tiền", "en": "A bank account to receive payments"},
                {
                    "vi": "Hộp, túi, băng dính và giấy chèn để đóng gói",
                    "en": "Boxes, bags, tape and padding for packing",
                },
                {"vi": "Một số điện thoại luôn nghe máy", "en": "A phone number you always answer"},
            ],
        },
        "steps": [
            {
                "title": {"vi": "Chụp ảnh sản phẩm", "en": "Photograph the product"},
                "text": {
                    "vi": "Chụp ban ngày, gần cửa sổ hoặc ngoài trời râm, trên nền đơn giản như mẹt tre, tấm vải hay "
                    "mặt bàn gỗ. Chụp 4 đến 6 ảnh: toàn cảnh, cận cảnh, bao bì và nhãn, sản phẩm cầm trên tay "
                    "để thấy kích thước, và nương vườn nơi làm ra sản phẩm. Lau ống kính trước khi chụp.",
                    "en": "Take photos in daylight, near a window or outside in the shade, on a plain background such "
                    "as a bamboo tray, a cloth or a wooden table. Take 4 to 6 pictures: the whole product, a "
                    "close-up, the packaging and label, the product in someone's hand to show its size, and "
                    "the field or garden where it comes from. Wipe the lens first.",
                },
            },
            {
                "title": {"vi": "Viết mô tả trung thực", "en": "Write an honest description"},
                "text": {
                    "vi": "Ghi tên sản phẩm, nơi trồng hoặc làm ra, cách làm, khối lượng tịnh, hạn sử dụng, cách bảo "
                    "quản và chứng nhận (số giấy chứng nhận OCOP nếu có). Nói thật về mùa vụ: hết hàng thì ghi "
                    "hết hàng.",
                    "en": "Give the product's name, where it is grown or made, how it is made, net weight, "
                    "best-before date, how to store it and any certificate (the OCOP certificate number if you "
                    "have one). Be honest about the season: when it is sold out, say so.",
                },
            },
            {
                "title": {"vi": "Tính giá bán", "en": "Work out the price"},
                "text": {
                    "vi": "Cộng chi phí sản xuất, bao bì, phí sàn và phí gửi hàng, rồi so với giá sản phẩm tương tự "
                    "trên mạng. Ghi giá theo đơn vị rõ ràng (kg, hộp, chai) bằng đồng, và nói rõ ai trả phí vận "
                    "chuyển.",
                    "en": "Add up production costs, packaging, marketplace fees and shipping, then compare with "
                    "similar products online. Give the price per unit (kg, box, bottle) in đồng and say clearly "
                    "who pays for shipping.",
                },
            },
            {
                "title": {"vi": "Đăng sản phẩm", "en": "List the product"},
                "text": {
                    "vi": "Chọn đúng danh mục, tải ảnh lên, dán mô tả, nhập giá, số lượng còn và khối lượng khi đóng "
                    "gói để tính phí gửi. Đọc lại trước khi đăng; lần đầu hãy nhờ tổ công nghệ số xem giúp.",
                    "en": "Choose the right category, upload the photos, paste the description, enter the price, "
                    "the quantity in stock and the packed weight for shipping. Read it through before "
                    "publishing; the first time, ask the digital team to check it with you.",
                },
            },
            {
                "title": {"vi": "Trả lời người mua", "en": "Answer buyers"},
                "text": {
                    "vi": "Trả lời tin nhắn trong ngày, lịch sự và rõ ràng. Trước khi gửi hàng, xác nhận lại tên, số "
                    "điện thoại, địa chỉ, số lượng và cách thanh toán.",
                    "en": "Reply to messages the same day, politely and clearly. Before shipping, confirm the "
                    "buyer's name, phone number, address, quantity and how they will pay.",
                },
            },
            {
                "title": {"vi": "Đóng gói và gửi hàng", "en": "Pack and ship"},
                "text": {
                    "vi": "Đóng gói chắc chắn: hàng dễ vỡ bọc nhiều lớp, hàng lỏng như mật ong bọc túi kín, chèn giấy "
                    "cho khỏi xô lệch. Ghi số điện thoại của cả hai bên trên phiếu gửi. Gửi qua bưu điện xã "
                    "hoặc đơn vị vận chuyển, giữ mã vận đơn và gửi mã cho khách.",
                    "en": "Pack firmly: wrap fragile goods in several layers, seal liquids such as honey in a bag, "
                    "and fill gaps with paper so nothing moves. Write both phone numbers on the shipping label. "
                    "Send through the commune post office or a courier, keep the tracking number and send it to "
                    "the buyer.",
                },
            },
            {
                "title": {"vi": "Nhận tiền", "en": "Get paid"},
                "text": {
                    "vi": "Thu tiền khi giao (COD): người giao hàng thu tiền mặt rồi chuyển lại cho bạn sau vài ngày, "
                    "trừ phí thu hộ; khách dễ tin nhưng có rủi ro khách không nhận hàng. Chuyển khoản trước: "
                    "gửi mã VietQR của bạn và chỉ gửi hàng khi đã thấy tiền vào tài khoản.",
                    "en": "Cash on delivery (COD): the courier collects cash and pays you a few days later, minus a "
                    "collection fee; buyers trust it, but some refuse the parcel. Bank transfer first: send "
                    "your VietQR code and ship only when the money is in your account.",
                },
            },
            {
                "title": {"vi": "Chăm sóc khách sau bán", "en": "Look after buyers afterwards"},
                "text": {
                    "vi": "Hỏi khách đã nhận hàng chưa và nhờ khách đánh giá. Hàng lỗi thì đổi hoặc hoàn tiền nhanh: "
                    "một khách hài lòng sẽ quay lại và giới thiệu thêm người mua.",
                    "en": "Ask whether the parcel arrived and invite a review. If something was wrong, replace it or "
                    "refund quickly: a happy buyer comes back and brings others.",
                },
            },
        ],
        "callouts": [
            {
                "kind": "tip",
                "text": {
                    "vi": "Sản phẩm OCOP từ 3 sao trở lên nên có mặt trên sàn thương mại điện tử. Hỏi UBND xã về hỗ trợ "
                    "chụp ảnh, làm tem truy xuất nguồn gốc và mở gian hàng.",
                    "en": "OCOP products with 3 stars or more should be sold online. Ask the commune office about "
                    "help with photos, traceability stamps and opening an online shop.",
                },
            },
            {
                "kind": "warning",
                "text": {
                    "vi": "Không quảng cáo mật ong, thảo dược hay rượu là chữa được bệnh. Quảng cáo sai công dụng là vi "
                    "phạm pháp luật và làm mất lòng tin của khách.",
                    "en": "Never claim that honey, herbs or liquor cure diseases. False health claims break the law "
                    "and lose buyers' trust.",
                },
            },
            {
                "kind": "tip",
                "text": {
                    "vi": "Bán hàng trên mạng cũng phải kê khai, nộp thuế như bán trực tiếp. Hỏi cán bộ thuế hoặc Trung "
                    "tâm phục vụ hành chính công xã nếu chưa rõ.",
                    "en": "Online sales are taxed just like sales at the market. Ask the tax officer or the commune "
                    "public service centre if you are unsure.",
                },
            },
        ],
        "service_link": {
            "title": {
                "vi": "Sàn Postmart của Bưu điện Việt Nam",
                "en": "Vietnam Post's Postmart marketplace",
            },
            "url": "https://postmart.vn",
            "description": {
                "vi": "Sàn thương mại điện tử nông sản và đặc sản vùng miền; bưu điện có thể hỗ trợ mở gian hàng và "
                "gửi hàng.",
                "en": "An online marketplace for farm produce and regional specialities; the post office can help "
                "you open a shop and ship your orders.",
            },
        },
        "faq": [
            {
                "question": {
                    "vi": "Khách đặt rồi không nhận hàng thì sao?",
                    "en": "What if a buyer refuses the parcel?",
                },
                "answer": {
                    "vi": "Hàng được hoàn về và bạn thường phải trả phí chuyển hoàn. Với đơn giá trị cao hoặc khách "
                    "lạ, hãy đề nghị đặt cọc một phần bằng chuyển khoản.",
                    "en": "The parcel comes back and you usually pay the return shipping. For large orders or new "
                    "buyers, ask for a deposit by bank transfer.",
                },
            },
            {
                "question": {
                    "vi": "Nên bán trên sàn hay qua Zalo, Facebook?",
                    "en": "Should I sell on a marketplace or through Zalo and Facebook?",
                },
                "answer": {
                    "vi": "Sàn có sẵn người mua và quy trình giao hàng, nhưng thu phí. Zalo và Facebook miễn phí nhưng "
                    "bạn tự lo mọi việc. Nhiều hộ làm cả hai.",
                    "en": "Marketplaces bring buyers and handle delivery, but charge fees. Zalo and Facebook are free, "
                    "but you do everything yourself. Many households use both.",
                },
            },
        ],
    },
    {
        "slug": "phong-tranh-lua-dao-qua-mang",
        "title": {
            "vi": "Nhận biết và phòng tránh lừa đảo qua điện thoại, mạng xã hội",
            "en": "Spot and avoid phone and online scams",
        },
        "summary": {
            "vi": "Những kiểu lừa hay gặp: giả công an, giả ngân hàng, báo trúng thưởng, nhờ chuyển tiền qua Zalo, "
            "gửi link cài ứng dụng lạ. Ba điều cần nhớ: không đọc mã OTP, không bấm link lạ, không chuyển tiền "
            "khi bị hối thúc.",
            "en": "The scams you are most likely to meet: fake police, fake banks, “you have won a prize”, friends "
            "asking for money on Zalo, links to install strange apps. Three rules: never share an OTP code, "
            "never tap unknown links, never send money under pressure.",
        },
        "topic": "safety",
        "audience": "elderly",
        "difficulty": "easy",
        "minutes_needed": 15,
        "intro": {
            "vi": "Kẻ lừa đảo thường làm bạn sợ hãi hoặc mừng rỡ để bạn làm theo thật nhanh, không kịp hỏi ai. "
            "Chúng có thể biết tên, số căn cước, cả địa chỉ của bạn, vì vậy biết thông tin cá nhân không có "
            "nghĩa là người thật. Khi nghi ngờ, hãy dừng lại, cúp máy và hỏi người thân, tổ công nghệ số hoặc "
            "công an xã.",
            "en": "Scammers try to frighten or excite you so that you act quickly without asking anyone. They may "
            "know your name, ID number and even your address, so knowing your details does not make them "
            "genuine. When in doubt, stop, hang up and ask your family, the digital team or the commune police.",
        },
        "checklist": {
            "title": {"vi": "Ba điều không bao giờ làm", "en": "Three things never to do"},
            "items": [
                {
                    "vi": "Không đọc, không gửi mã OTP, mật khẩu, mã PIN cho bất kỳ ai",
                    "en": "Never read out or send an OTP code, password or PIN to anyone",
                },
                {
                    "vi": "Không bấm link lạ, không cài ứng dụng từ link gửi qua tin nhắn, Zalo, Facebook",
                    "en": "Never tap unknown links or install apps from links sent by text, Zalo or Facebook",
                },
                {
                    "vi": "Không chuyển tiền khi bị hối thúc, đe dọa hoặc được hứa thưởng",
                    "en": "Never send money when you are rushed, threatened or promised a reward",
                },
            ],
        },
        "steps": [
            {
                "title": {
                    "vi": "Cuộc gọi xưng là công an, tòa án, viện kiểm sát",
                    "en": "Calls from “the police”, “the court” or “the prosecutor”",
                },
                "text": {
                    "vi": "Người gọi nói bạn liên quan đến một vụ án, yêu cầu chuyển tiền để “xác minh”, cài ứng dụng "
                    "hoặc gọi video để “làm việc”. Cơ quan công an không làm việc qua điện thoại và không bao "
                    "giờ yêu cầu chuyển tiền. Hãy cúp máy.",
                    "en": "The caller says you are involved in a criminal case and asks you to transfer money “for "
                    "verification”, install an app or join a video call “for questioning”. The police do not "
                    "deal with cases by phone and never ask for money. Hang up.",
                },
            },
            {
                "title": {"vi": "Tin báo trúng thưởng, nhận quà", "en": "Prize and gift messages"},
                "text": {
                    "vi": "Bạn được báo trúng xe máy, điện thoại hoặc tiền mặt nhưng phải nộp trước “phí” hay “thuế”. "
                    "Không có giải thưởng thật nào bắt nộp tiền trước qua chuyển khoản.",
                    "en": "You are told you have won a motorbike, a phone or cash, but must first pay a “fee” or "
                    "“tax”. No real prize asks you to pay in advance by bank transfer.",
                },
            },
            {
                "title": {
                    "vi": "Link giả ngân hàng, giả điện lực, giả VNeID",
                    "en": "Fake bank, electricity and VNeID links",
                },
                "text": {
                    "vi": "Tin nhắn báo tài khoản bị khóa, tiền điện chưa trả hoặc cần “cập nhật định danh mức 2”, kèm "
                    "một đường link. Trang giả trông giống hệt trang thật để lấy mật khẩu và mã OTP. Chỉ dùng "
                    "ứng dụng chính thức đã cài từ CH Play hoặc App Store.",
                    "en": "A message says your account is locked, your electricity bill is unpaid or you must "
                    "“update your level 2 e-ID”, with a link. The fake page looks exactly like the real one and "
                    "steals your password and OTP. Only use official apps installed from Google Play or the "
                    "App Store.",
                },
            },
            {
                "title": {
                    "vi": "Người quen nhờ chuyển tiền qua Zalo, Facebook",
                    "en": "A friend asks for money on Zalo or Facebook",
                },
                "text": {
                    "vi": "Tài khoản của người quen bị chiếm; kẻ gian nhắn tin hoặc gọi video rất ngắn, hình mờ, nhờ "
                    "chuyển tiền gấp. Hãy gọi điện thoại thường vào số bạn vẫn biết của người đó để hỏi lại "
                    "trước khi chuyển.",
                    "en": "Someone's account has been taken over; the crook sends messages or a very short, blurry "
                    "video call asking for money urgently. Call the person on the phone number you already know "
                    "before you send anything.",
                },
            },
            {
                "title": {
                    "vi": "Việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng",
                    "en": "Easy jobs and paid “tasks”",
                },
                "text": {
                    "vi": "Bạn được mời thả tim, đánh giá sản phẩm hay “làm nhiệm vụ” để nhận tiền. Lúc đầu được trả "
                    "một ít, sau đó bị yêu cầu nạp số tiền lớn hơn để “rút thưởng” và mất hết. Đây là lừa đảo.",
                    "en": "You are offered money to like posts, review products or complete “tasks”. At first you "
                    "are paid a little, then asked to deposit larger sums to “withdraw your earnings”, and you "
                    "lose it all. It is a scam.",
                },
            },
            {
                "title": {"vi": "Khi đã lỡ làm theo", "en": "If you have already been tricked"},
                "text": {
                    "vi": "Gọi ngay tổng đài ngân hàng để khóa tài khoản và đổi mật khẩu, rồi báo công an xã hoặc gọi "
                    "113. Giữ lại tin nhắn, số điện thoại và số tài khoản đã nhận tiền làm bằng chứng. Báo "
                    "càng sớm, càng có cơ hội giữ lại tiền.",
                    "en": "Call your bank's hotline at once to lock the account and change your password, then tell "
                    "the commune police or call 113. Keep the messages, phone numbers and the account you paid "
                    "into as evidence. The sooner you report it, the better the chance of stopping the money.",
                },
            },
        ],
        "callouts": [
            {
                "kind": "warning",
                "text": {
                    "vi": "Công an, ngân hàng, bưu điện, điện lực không bao giờ yêu cầu bạn đọc mã OTP hay chuyển tiền "
                    "vào “tài khoản tạm giữ”.",
                    "en": "The police, banks, the post office and the electricity company never ask you for an OTP "
                    "code or to move money into a “holding account”.",
                },
            },
            {
                "kind": "tip",
                "text": {
                    "vi": "Phản ánh cuộc gọi lừa đảo, cuộc gọi rác tới tổng đài 156; tin nhắn rác, tin nhắn lừa đảo "
                    "tới đầu số 5656.",
                    "en": "Report scam and nuisance calls to the 156 hotline, and spam or scam text messages to 5656.",
                },
            },
            {
                "kind": "tip",
                "text": {
                    "vi": "Dán số điện thoại của công an xã và tổ công nghệ số ở nơi dễ thấy trong nhà để gọi hỏi ngay "
                    "khi nghi ngờ.",
                    "en": "Stick the numbers of the commune police and the digital team somewhere visible at home, "
                    "so you can call them as soon as something seems wrong.",
                },
            },
        ],
        "service_link": {
            "title": {"vi": "Cổng cảnh báo an toàn thông tin", "en": "Information security warning portal"},
            "url": "https://canhbao.khonggianmang.gov.vn",
            "description": {
                "vi": "Cảnh báo mới về các thủ đoạn lừa đảo trên mạng và công cụ kiểm tra một đường link có phải trang "
                "lừa đảo đã bị phát hiện hay không.",
                "en": "The latest warnings about online scams and a tool to check whether a link is a known scam "
                "site.",
            },
        },
        "faq": [
            {
                "question": {
                    "vi": "Người gọi biết cả số căn cước của tôi, có phải người thật không?",
                    "en": "The caller knew my ID number. Does that mean they are genuine?",
                },
                "answer": {
                    "vi": "Không chắc. Thông tin cá nhân bị lộ khá nhiều. Đừng tin chỉ vì họ biết thông tin của bạn; "
                    "hãy cúp máy và gọi lại số chính thức của cơ quan đó.",
                    "en": "Not necessarily. A lot of personal data has leaked. Do not trust a caller just because "
                    "they know your details; hang up and call the organisation's official number.",
                },
            },
            {
                "question": {
                    "vi": "Tôi lỡ đọc mã OTP rồi thì sao?",
                    "en": "I already gave away an OTP code.",
                },
                "answer": {
                    "vi": "Gọi ngay tổng đài ngân hàng (số in sau thẻ hoặc trong ứng dụng) để khóa tài khoản, sau đó "
                    "báo công an xã.",
                    "en": "Call your bank's hotline immediately (the number is on the back of your card or in the "
                    "app) to lock the account, then report it to the commune police.",
                },
            },
        ],
    },
    {
        "slug": "bao-ve-dien-thoai-va-tai-khoan",
        "title": {"vi": "Bảo vệ điện thoại và tài khoản của bạn", "en": "Protect your phone and accounts"},
        "summary": {
            "vi": "Khóa màn hình bằng mã PIN, cập nhật phần mềm, chỉ cài ứng dụng từ kho chính thức, bật bảo mật "
            "hai lớp cho Zalo, Facebook, Gmail, và biết phải làm gì khi mất điện thoại.",
            "en": "Lock your screen with a PIN, keep the software up to date, only install apps from the official "
            "stores, turn on two-step verification for Zalo, Facebook and Gmail, and know what to do if your "
            "phone is lost.",
        },
        "topic": "safety",
        "audience": "everyone",
        "difficulty": "easy",
        "minutes_needed": 20,
        "intro": {
            "vi": "Điện thoại giờ chứa ứng dụng ngân hàng, VNeID, Zalo và ảnh giấy tờ của cả gia đình. Vài thiết "
            "lập đơn giản dưới đây giúp kẻ gian khó chiếm được tài khoản, kể cả khi điện thoại bị mất. Con "
            "cháu trong nhà có thể cùng ông bà, cha mẹ làm từng bước.",
            "en": "Your phone now holds your banking app, VNeID, Zalo and photos of the whole family's papers. The "
            "few simple settings below make it much harder for anyone to take over your accounts, even if the "
            "phone is lost. Younger family members can go through the steps with their parents and "
            "grandparents.",
        },
        "steps": [
            {
                "title": {"vi": "Đặt khóa màn hình", "en": "Set a screen lock"},
                "text": {
                    "vi": "Vào Cài đặt, mục Bảo mật hoặc Màn hình khóa, đặt mã PIN 6 số hoặc mật khẩu, thêm vân tay "
                    "hoặc khuôn mặt nếu máy có. Không dùng ngày sinh, 123456 hay 000000.",
                    "en": "Go to Settings, then Security or Lock screen, set a 6-digit PIN or a password, and add your "
                    "fingerprint or face if the phone supports it. Do not use your birthday, 123456 or 000000.",
                },
            },
            {
                "title": {"vi": "Cập nhật phần mềm", "en": "Update the software"},
                "text": {
                    "vi": "Khi có wifi, vào Cài đặt, chọn Cập nhật phần mềm (hoặc Hệ thống, rồi Cập nhật). Bản cập "
                    "nhật vá những lỗ hổng kẻ gian lợi dụng. Cập nhật cả các ứng dụng trong CH Play hoặc App "
                    "Store.",
                    "en": "When you are on wifi, go to Settings and choose Software update (or System, then Update). "
                    "Updates fix the holes that criminals exploit. Update your apps in Google Play or the App "
                    "Store too.",
                },
            },
            {
                "title": {
                    "vi": "Chỉ cài ứng dụng từ kho chính thức",
                    "en": "Install apps only from official stores",
                },
                "text": {
                    "vi": "Không cài tệp có đuôi .apk gửi qua tin nhắn hay Zalo. Nếu một ứng dụng xin quyền trợ năng, "
                    "quyền đọc tin nhắn hoặc điều khiển màn hình mà không rõ lý do, hãy từ chối và gỡ ứng dụng "
                    "đó.",
                    "en": "Never install .apk files sent by text or Zalo. If an app asks for accessibility access, "
                    "permission to read your messages or to control the screen for no clear reason, refuse and "
                    "uninstall it.",
                },
            },
            {
                "title": {"vi": "Bật bảo mật hai lớp", "en": "Turn on two-step verification"},
                "text": {
                    "vi": "Với Zalo: vào Cá nhân, Cài đặt, Tài khoản và bảo mật, đặt mã khóa Zalo và bật xác thực hai "
                    "lớp nếu phiên bản của bạn có. Với Facebook và Gmail: vào phần Bảo mật và bật xác thực 2 "
                    "yếu tố. Khi đó, kẻ gian có biết mật khẩu cũng không đăng nhập được.",
                    "en": "In Zalo: go to Personal, Settings, Account and security, set a Zalo lock code and turn on "
                    "two-step verification if your version has it. In Facebook and Gmail: open Security and "
                    "turn on two-factor authentication. Then even someone who knows your password cannot log in.",
                },
            },
            {
                "title": {
                    "vi": "Mỗi tài khoản một mật khẩu",
                    "en": "Use a different password for each account",
                },
                "text": {
                    "vi": "Không dùng chung một mật khẩu cho ngân hàng, VNeID, Zalo và email. Nếu sợ quên, ghi vào sổ "
                    "cất ở nhà, đừng lưu trong ảnh chụp hay tin nhắn.",
                    "en": "Do not use the same password for your bank, VNeID, Zalo and e-mail. If you are afraid of "
                    "forgetting, write them in a notebook kept at home, never in a photo or a message.",
                },
            },
            {
                "title": {"vi": "Khi mất điện thoại", "en": "If your phone is lost or stolen"},
                "text": {
                    "vi": "Dùng máy khác gọi ngay tổng đài ngân hàng để khóa ứng dụng ngân hàng, gọi nhà mạng để khóa "
                    "SIM, rồi tìm hoặc xóa dữ liệu máy từ xa bằng tài khoản Google (Android) hoặc Apple "
                    "(iPhone). Báo công an xã nếu bị trộm.",
                    "en": "From another phone, call your bank's hotline to block the banking app and your mobile "
                    "operator to block the SIM, then locate or wipe the phone remotely with your Google "
                    "(Android) or Apple (iPhone) account. Report a theft to the commune police.",
                },
            },
        ],
        "callouts": [
            {
                "kind": "warning",
                "text": {
                    "vi": "Không gửi ảnh thẻ căn cước, thẻ ngân hàng cho người lạ qua mạng: kẻ gian dùng ảnh đó để mở "
                    "tài khoản hoặc vay tiền đứng tên bạn.",
                    "en": "Never send photos of your ID card or bank card to strangers online: crooks use them to "
                    "open accounts or take out loans in your name.",
                },
            },
            {
                "kind": "tip",
                "text": {
                    "vi": "Sao lưu ảnh và danh bạ vào tài khoản Google hoặc iCloud để không mất dữ liệu khi đổi máy "
                    "hay mất máy.",
                    "en": "Back up your photos and contacts to your Google or iCloud account so you do not lose them "
                    "when you change or lose your phone.",
                },
            },
        ],
        "faq": [
            {
                "question": {
                    "vi": "Máy cũ không còn được cập nhật thì sao?",
                    "en": "My old phone no longer gets updates. What now?",
                },
                "answer": {
                    "vi": "Máy quá cũ không còn nhận bản vá bảo mật. Nếu vẫn dùng, hạn chế cài ứng dụng ngân hàng trên "
                    "máy đó và cân nhắc đổi máy khi có điều kiện.",
                    "en": "Very old phones no longer receive security fixes. If you keep using one, avoid banking "
                    "apps on it and consider replacing it when you can.",
                },
            },
        ],
    },
    {
        "slug": "theo-doi-thoi-tiet-canh-bao-thien-tai-va-gia-nong-san",
        "title": {
            "vi": "Dùng điện thoại theo dõi thời tiết, cảnh báo thiên tai và giá nông sản",
            "en": "Use your phone to follow the weather, disaster warnings and crop prices",
        },
        "summary": {
            "vi": "Xem bản tin dự báo chính thức, nhận tin cảnh báo mưa lũ, sạt lở, nhận biết dấu hiệu nguy hiểm "
            "và tham khảo giá nông sản trước khi bán.",
            "en": "Read the official forecast, receive warnings of floods and landslides, recognise the danger "
            "signs, and check crop prices before you sell.",
        },
        "topic": "connectivity",
        "audience": "households",
        "difficulty": "easy",
        "minutes_needed": 20,
        "intro": {
            "vi": "Mùa mưa bão, một tin cảnh báo sớm vài giờ có thể cứu người và tài sản. Điện thoại giúp bạn nhận "
            "tin từ cơ quan khí tượng và chính quyền, nhưng hãy luôn làm theo hướng dẫn của xã và trưởng thôn.",
            "en": "In the storm season, a warning a few hours early can save lives and property. Your phone brings "
            "you news from the weather service and the authorities, but always follow the instructions of the "
            "commune and your village head.",
        },
        "steps": [
            {
                "title": {"vi": "Xem dự báo chính thức", "en": "Read the official forecast"},
                "text": {
                    "vi": "Mở trang nchmf.gov.vn của Trung tâm Dự báo khí tượng thủy văn quốc gia và chọn tỉnh của bạn "
                    "để xem dự báo, cảnh báo mưa lớn, lũ quét, sạt lở. Có thể thêm trang ra màn hình chính để "
                    "mở nhanh.",
                    "en": "Open nchmf.gov.vn, the site of the National Centre for Hydro-Meteorological Forecasting, "
                    "and choose your province to see the forecast and warnings of heavy rain, flash floods and "
                    "landslides. You can add the page to your home screen to open it quickly.",
                },
            },
            {
                "title": {"vi": "Theo dõi kênh thông tin của xã", "en": "Follow the commune's channels"},
                "text": {
                    "vi": "Tham gia nhóm Zalo hoặc theo dõi trang chính thức của xã, của thôn để nhận thông báo sơ tán, "
                    "lịch cắt điện, lịch tiêm phòng. Trên nền tảng này, thông báo khẩn của xã luôn hiện ở đầu "
                    "trang của xã.",
                    "en": "Join the Zalo group or follow the official page of your commune and village for evacuation "
                    "notices, power cuts and vaccination days. On this platform, the commune's urgent notices "
                    "always appear at the top of its page.",
                },
            },
            {
                "title": {"vi": "Đọc kỹ tin nhắn cảnh báo", "en": "Read warning messages carefully"},
                "text": {
                    "vi": "Khi có bão, lũ, các nhà mạng gửi tin nhắn cảnh báo của cơ quan phòng, chống thiên tai tới "
                    "thuê bao trong vùng nguy hiểm. Tin thật không kèm đường link lạ và không bao giờ đòi tiền.",
                    "en": "When a storm or flood is coming, mobile operators send the disaster authorities' warnings "
                    "to subscribers in the danger zone. Real warnings contain no strange links and never ask "
                    "for money.",
                },
            },
            {
                "title": {
                    "vi": "Nhận biết dấu hiệu sạt lở, lũ quét",
                    "en": "Recognise the signs of landslides and flash floods",
                },
                "text": {
                    "vi": "Đất đá lăn xuống, vết nứt mới trên sườn đồi hoặc nền nhà, cây cối nghiêng, nước suối bỗng "
                    "đục ngầu hoặc cạn bất thường, tiếng ầm ầm từ trong núi: hãy rời khỏi khu vực ngay và báo "
                    "trưởng thôn.",
                    "en": "Falling stones, new cracks in the hillside or the floor of the house, leaning trees, a "
                    "stream that suddenly turns muddy or drops unusually low, a rumbling from the mountain: "
                    "leave the area at once and tell the village head.",
                },
            },
            {
                "title": {
                    "vi": "Sạc pin và chuẩn bị liên lạc",
                    "en": "Charge up and prepare to stay in touch",
                },
                "text": {
                    "vi": "Trước mưa bão, sạc đầy điện thoại và pin dự phòng, lưu số của trưởng thôn, công an xã và "
                    "trạm y tế. Khi sóng yếu, tin nhắn SMS thường dễ gửi đi hơn cuộc gọi.",
                    "en": "Before a storm, fully charge your phone and power bank and save the numbers of the village "
                    "head, the commune police and the health station. When the signal is weak, a text message "
                    "often gets through when a call does not.",
                },
            },
            {
                "title": {"vi": "Tham khảo giá trước khi bán", "en": "Check prices before you sell"},
                "text": {
                    "vi": "Hỏi giá ở hợp tác xã, thương lái và xem trên các trang tin nông nghiệp; so sánh ít nhất hai, "
                    "ba nguồn. Trên nền tảng làng số, mục nhu cầu của người mua cho biết ai đang cần mua gì, "
                    "bao nhiêu và ở đâu.",
                    "en": "Ask the cooperative and traders and look at farming news sites; compare at least two or "
                    "three sources. On the smart village platform, the buyers' demands section shows who wants "
                    "to buy what, how much, and where.",
                },
            },
        ],
        "callouts": [
            {
                "kind": "warning",
                "text": {
                    "vi": "Không đi qua ngầm tràn, suối hay cầu tạm khi nước lũ đang lên, kể cả đi xe máy hay dắt trâu "
                    "bò.",
                    "en": "Never cross a flooded ford, stream or makeshift bridge while the water is rising, even on "
                    "a motorbike or leading cattle.",
                },
            },
            {
                "kind": "tip",
                "text": {
                    "vi": "Lưu các số khẩn cấp: 112 (tìm kiếm, cứu nạn), 113 (công an), 114 (cứu hỏa, cứu hộ), 115 "
                    "(cấp cứu y tế).",
                    "en": "Save the emergency numbers: 112 (search and rescue), 113 (police), 114 (fire and rescue), "
                    "115 (medical emergency).",
                },
            },
        ],
        "service_link": {
            "title": {
                "vi": "Trung tâm Dự báo khí tượng thủy văn quốc gia",
                "en": "National Centre for Hydro-Meteorological Forecasting",
            },
            "url": "https://nchmf.gov.vn",
            "description": {
                "vi": "Bản tin dự báo thời tiết và cảnh báo mưa lớn, lũ quét, sạt lở đất cho từng tỉnh.",
                "en": "Weather forecasts and warnings of heavy rain, flash floods and landslides for each province.",
            },
        },
    },
]

# --- news -------------------------------------------------------------------------------------------------

NEWS = [
    {
        "commune": "ta-van",
        "slug": "homestay-ta-van-nhan-thanh-toan-vietqr",
        "title": {
            "vi": "Ba mươi homestay ở Tả Van nhận thanh toán bằng mã VietQR",
            "en": "Thirty homestays in Tả Van now take VietQR payments",
        },
        "summary": {
            "vi": "Tổ công nghệ số cộng đồng đã giúp 30 hộ làm homestay tạo mã nhận tiền, bật thông báo số dư và "
            "nhận biết chiêu ảnh chụp chuyển khoản giả.",
            "en": "The community digital team has helped 30 homestay families create payment codes, turn on "
            "balance notifications and spot fake transfer screenshots.",
        },
        "date": _day(-5),
        "body": [
            {
                "vi": "Trong hai tuần qua, tổ công nghệ số cộng đồng xã Tả Van đã đến từng nhà giúp 30 hộ làm homestay "
                "ở các thôn Tả Van Giáy và Giàng Tả Chải Dao tạo mã VietQR nhận tiền, in và ép plastic để đặt ở "
                "quầy lễ tân.",
                "en": "Over the past two weeks, Tả Van's community digital team went from house to house to help 30 "
                "homestay families in Tả Van Giáy and Giàng Tả Chải Dao create VietQR payment codes, then print "
                "and laminate them for the reception desk.",
            },
            {
                "vi": "Các hộ cũng được hướng dẫn bật thông báo biến động số dư và chỉ trả phòng cho khách khi tiền đã "
                "vào tài khoản, vì đã có trường hợp khách đưa ảnh chụp màn hình chuyển khoản giả.",
                "en": "Families were also shown how to turn on balance notifications and to check guests out only "
                "once the money has arrived, after some guests showed fake transfer screenshots.",
            },
            {
                "vi": "Chị Lò Thị Dung, tổ trưởng tổ công nghệ số, cho biết tổ sẽ tiếp tục hỗ trợ các hộ còn lại vào "
                "tối thứ Ba và thứ Năm hằng tuần tại nhà văn hóa thôn.",
                "en": "Lò Thị Dung, who leads the digital team, says the team will keep helping the remaining "
                "families every Tuesday and Thursday evening at the village hall.",
            },
        ],
    },
    {
        "commune": "ta-van",
        "slug": "huong-dan-vien-ban-dia-hoc-nhan-dat-cho-truc-tuyen",
        "title": {
            "vi": "Hướng dẫn viên bản địa học nhận đặt chỗ trực tuyến",
            "en": "Local trekking guides learn to take bookings online",
        },
        "summary": {
            "vi": "Hai mươi hướng dẫn viên người H'Mông và Dao đỏ tham gia lớp học đăng tour đi bộ, trả lời khách "
            "bằng tiếng Anh và quản lý lịch trên điện thoại.",
            "en": "Twenty H'Mông and Red Dao guides attended a class on listing trekking tours, replying to guests "
            "in English and managing their calendar on a phone.",
        },
        "date": _day(-16),
        "body": [
            {
                "vi": "Lớp học kéo dài hai buổi tại UBND xã, do tổ công nghệ số phối hợp với một số hộ làm du lịch có "
                "kinh nghiệm tổ chức. Học viên tự đăng một tour đi bộ mẫu, đặt giá, số khách tối đa và chính "
                "sách hủy chuyến.",
                "en": "The two-session class at the commune office was run by the digital team with experienced "
                "tourism families. Each participant listed a sample trek with its price, maximum group size and "
                "cancellation policy.",
            },
            {
                "vi": "Các hướng dẫn viên cũng được nhắc về an toàn khi dẫn khách trong mùa mưa: theo dõi dự báo, không "
                "đưa khách qua suối khi nước lên và luôn mang theo điện thoại đã sạc đầy.",
                "en": "Guides were also reminded about safety in the rainy season: check the forecast, never take "
                "guests across a rising stream and always carry a fully charged phone.",
            },
        ],
    },
    {
        "commune": "bac-ha",
        "slug": "quay-ho-tro-so-tai-cho-phien-bac-ha",
        "title": {
            "vi": "Quầy hỗ trợ số ở chợ phiên Bắc Hà",
            "en": "A digital help desk at the Bắc Hà Sunday market",
        },
        "summary": {
            "vi": "Mỗi sáng Chủ nhật, tổ công nghệ số đặt quầy ngay trong chợ phiên để giúp bà con kích hoạt VNeID, "
            "tạo mã nhận tiền và nhận biết tin nhắn lừa đảo.",
            "en": "Every Sunday morning the digital team sets up a desk inside the market to help people activate "
            "VNeID, create payment codes and recognise scam messages.",
        },
        "date": _day(-8),
        "body": [
            {
                "vi": "Chợ phiên Bắc Hà là nơi bà con từ các bản xa về đông nhất trong tuần, nên tổ công nghệ số xã "
                "chọn đặt quầy hỗ trợ ngay cạnh khu bán thổ cẩm.",
                "en": "The Sunday market is when most people from distant villages come into Bắc Hà, so the digital "
                "team set up its help desk right next to the brocade stalls.",
            },
            {
                "vi": "Trong phiên chợ đầu tiên, quầy đã giúp hơn 40 người kích hoạt tài khoản định danh điện tử và 25 "
                "người bán hàng tạo mã VietQR. Nhiều người bán rượu ngô, mận sấy và thổ cẩm nay đã nhận tiền "
                "của khách du lịch qua mã QR.",
                "en": "At the first market the desk helped more than 40 people activate their e-ID accounts and 25 "
                "traders create VietQR codes. Many sellers of corn liquor, dried plums and brocade now take "
                "tourists' payments by QR code.",
            },
            {
                "vi": "Cán bộ công an xã cũng có mặt để cảnh báo về các cuộc gọi giả danh công an, một thủ đoạn lừa đảo "
                "đang xuất hiện nhiều trong vùng.",
                "en": "Officers from the commune police were also there to warn about calls from people posing as "
                "police, a scam that has become common in the area.",
            },
        ],
    },
    {
        "commune": "giao-phong",
        "slug": "ho-nuoi-ngao-hoc-ban-hang-truc-tuyen",
        "title": {
            "vi": "Hộ nuôi ngao Giao Phong học bán hàng trực tuyến",
            "en": "Giao Phong clam farmers learn to sell online",
        },
        "summary": {
            "vi": "Ba mươi lăm hộ nuôi ngao và làm hải sản khô học chụp ảnh sản phẩm, đóng gói giữ lạnh và đăng bán "
            "trên sàn thương mại điện tử.",
            "en": "Thirty-five clam and dried seafood households learned to photograph their products, pack them "
            "cold and sell them on online marketplaces.",
        },
        "date": _day(-4),
        "body": [
            {
                "vi": "Lớp tập huấn do UBND xã phối hợp với bưu điện tổ chức tại hội trường xã. Học viên được hướng dẫn "
                "chụp ảnh ngao, tôm khô, cá khô dưới ánh sáng tự nhiên và viết mô tả ghi rõ nguồn gốc, khối "
                "lượng, cách bảo quản.",
                "en": "The training was organised by the commune with the post office in the commune hall. "
                "Participants learned to photograph clams, dried shrimp and dried fish in natural light and to "
                "write descriptions stating origin, weight and storage.",
            },
            {
                "vi": "Phần được quan tâm nhất là cách đóng gói hàng tươi sống bằng thùng xốp và đá khô để gửi đi Hà Nội "
                "trong ngày, cùng cách chọn giữa thu tiền khi giao hàng và chuyển khoản trước.",
                "en": "The most popular part was how to pack fresh seafood in foam boxes with ice packs for same-day "
                "delivery to Hà Nội, and how to choose between cash on delivery and payment in advance.",
            },
        ],
    },
    {
        "commune": "dinh-hung",
        "slug": "nguoi-cao-tuoi-kich-hoat-vneid",
        "title": {
            "vi": "Tổ công nghệ số đến từng nhà giúp người cao tuổi kích hoạt VNeID",
            "en": "The digital team visits older people at home to activate VNeID",
        },
        "summary": {
            "vi": "Hơn 120 người cao tuổi ở Định Hưng đã kích hoạt tài khoản định danh điện tử mức 2 và biết cách "
            "xuất trình thẻ bảo hiểm y tế trên điện thoại khi đi khám bệnh.",
            "en": "More than 120 older people in Định Hưng have activated their level 2 e-ID accounts and can now "
            "show their health insurance card on their phone at the clinic.",
        },
        "date": _day(-11),
        "body": [
            {
                "vi": "Nhiều người cao tuổi không tiện đến Trung tâm phục vụ hành chính công, nên tổ công nghệ số xã "
                "Định Hưng hẹn lịch đến tận nhà, mang theo bảng hướng dẫn in chữ to.",
                "en": "Many older people find it hard to get to the public service centre, so Định Hưng's digital "
                "team books home visits and brings a large-print instruction sheet.",
            },
            {
                "vi": "Theo nguyên tắc của tổ, người dân tự bấm mã OTP và mật khẩu; thành viên tổ chỉ hướng dẫn và "
                "không giữ bất kỳ mật khẩu nào. Con cháu trong nhà được mời ngồi cùng để có thể giúp ông bà về "
                "sau.",
                "en": "The team's rule is that residents type their own OTP codes and passwords; members only guide "
                "and never keep any password. Younger relatives are invited to sit in so they can help later.",
            },
            {
                "vi": "Người cao tuổi có nhu cầu có thể gọi số của tổ công nghệ số ghi trên trang của xã để hẹn lịch.",
                "en": "Older residents who would like a visit can book one by calling the digital team's number on "
                "the commune's page.",
            },
        ],
    },
]

# --- notices ------------------------------------------------------------------------------------------------

NOTICES = [
    {
        "commune": "ta-van",
        "slug": "lich-ho-tro-kich-hoat-dinh-danh-dien-tu",
        "title": {
            "vi": "Lịch hỗ trợ kích hoạt định danh điện tử mức 2 tại các thôn",
            "en": "Schedule of level 2 e-ID activation help in the villages",
        },
        "date": _day(-2),
        "expires": _day(28).isoformat(),
        "urgency": "important",
        "body": {
            "vi": "Công an xã và tổ công nghệ số cộng đồng sẽ hỗ trợ đăng ký và kích hoạt tài khoản định danh điện tử "
            "mức 2 tại nhà văn hóa các thôn vào tối thứ Ba và thứ Năm hằng tuần trong tháng này, từ 19:00 đến "
            "21:00. Bà con mang theo thẻ căn cước gắn chip và điện thoại có số điện thoại đứng tên mình. Dịch "
            "vụ hoàn toàn miễn phí.",
            "en": "The commune police and the community digital team will help with registering and activating "
            "level 2 e-ID accounts at the village halls every Tuesday and Thursday evening this month, from "
            "19:00 to 21:00. Please bring your chip-based ID card and a phone with a number registered in "
            "your name. The service is completely free.",
        },
    },
    {
        "commune": "ta-van",
        "slug": "tam-ngung-cap-dien-thon-seo-mi-ty",
        "title": {
            "vi": "Tạm ngừng cấp điện thôn Séo Mí Tỷ để sửa đường dây",
            "en": "Power cut in Séo Mí Tỷ for line repairs",
        },
        "date": _day(-12),
        "expires": _day(-5).isoformat(),
        "urgency": "info",
        "body": {
            "vi": "Điện lực thông báo tạm ngừng cấp điện thôn Séo Mí Tỷ từ 7:30 đến 16:30 để sửa chữa đường dây bị "
            "cây đổ. Đề nghị các hộ chủ động sạc điện thoại và bảo quản thực phẩm.",
            "en": "The power company will cut the electricity supply in Séo Mí Tỷ from 7:30 to 16:30 to repair a "
            "line brought down by a fallen tree. Households should charge their phones and store food in "
            "advance.",
        },
    },
    {
        "commune": "bac-ha",
        "slug": "canh-bao-lua-dao-gia-danh-cong-an",
        "title": {
            "vi": "Cảnh báo: cuộc gọi giả danh công an yêu cầu chuyển tiền",
            "en": "Warning: calls from fake police officers demanding money",
        },
        "date": _day(-1),
        "expires": _day(21).isoformat(),
        "urgency": "urgent",
        "body": {
            "vi": "Thời gian gần đây, nhiều người dân trong xã nhận cuộc gọi xưng là công an, báo liên quan đến vụ án "
            "và yêu cầu chuyển tiền hoặc cài ứng dụng để “xác minh”. Công an không làm việc qua điện thoại và "
            "không bao giờ yêu cầu chuyển tiền. Gặp cuộc gọi như vậy, hãy cúp máy và báo ngay công an xã hoặc "
            "gọi 113.",
            "en": "Recently many residents have received calls from people claiming to be police officers, saying "
            "they are involved in a case and asking them to transfer money or install an app “for "
            "verification”. The police do not work by phone and never ask for money. If you get such a call, "
            "hang up and tell the commune police at once or call 113.",
        },
    },
    {
        "commune": "giao-phong",
        "slug": "thu-phi-ve-sinh-moi-truong-bang-vietqr",
        "title": {
            "vi": "Nộp phí vệ sinh môi trường bằng mã VietQR",
            "en": "Pay the waste collection fee by VietQR",
        },
        "date": _day(-3),
        "expires": _day(30).isoformat(),
        "urgency": "info",
        "body": {
            "vi": "Từ tháng này, các hộ có thể nộp phí thu gom rác thải sinh hoạt bằng cách quét mã VietQR dán tại nhà "
            "văn hóa các xóm, ghi nội dung là tên chủ hộ và tên xóm. Tên tài khoản nhận tiền là của UBND xã; "
            "nếu tên hiện ra khác, không chuyển và báo ngay cho trưởng xóm. Vẫn có thể nộp tiền mặt cho tổ thu "
            "như trước.",
            "en": "From this month, households can pay the waste collection fee by scanning the VietQR code posted "
            "at each hamlet's community hall, with the head of household's name and the hamlet as the message. "
            "The receiving account belongs to the Commune People's Committee; if a different name appears, do "
            "not pay and tell the hamlet head. Cash payment to the collectors is still accepted.",
        },
    },
    {
        "commune": "dinh-hung",
        "slug": "tiep-nhan-ho-so-sang-thu-bay",
        "title": {
            "vi": "Trung tâm phục vụ hành chính công xã tiếp nhận hồ sơ sáng thứ Bảy",
            "en": "The commune public service centre opens on Saturday mornings",
        },
        "date": _day(-6),
        "expires": _day(45).isoformat(),
        "urgency": "info",
        "body": {
            "vi": "Để thuận tiện cho người đi làm, Trung tâm phục vụ hành chính công xã Định Hưng tiếp nhận hồ sơ và "
            "hướng dẫn nộp hồ sơ trực tuyến vào sáng thứ Bảy, từ 7:30 đến 11:00. Tổ công nghệ số có mặt để giúp "
            "bà con đăng nhập Cổng Dịch vụ công bằng tài khoản VNeID.",
            "en": "To help people who work during the week, Định Hưng's public service centre now accepts "
            "applications and helps with online submissions on Saturday mornings from 7:30 to 11:00. The "
            "digital team is there to help residents log in to the public service portal with VNeID.",
        },
    },
]

# --- events ------------------------------------------------------------------------------------------------

_ta_van_training_day = _next_weekday(SATURDAY)
_ta_van_booking_class = _next_weekday(WEDNESDAY, after=8)
_ta_van_past_meeting = _day(-9)
_bac_ha_market_day = _next_weekday(SUNDAY)
_bac_ha_festival_day = _next_weekday(SATURDAY, after=40)
_giao_phong_livestream_class = _next_weekday(THURSDAY, after=3)
_giao_phong_market_day = _next_weekday(SATURDAY, after=10)
_dinh_hung_portal_class = _next_weekday(TUESDAY, after=5)
_dinh_hung_buyers_meeting = _next_weekday(FRIDAY, after=18)

EVENTS = [
    {
        "commune": "ta-van",
        "slug": "ngay-ho-tro-so-cho-homestay",
        "title": {
            "vi": "Ngày hỗ trợ số cho các hộ làm homestay",
            "en": "Digital help day for homestay families",
        },
        "start": _at(_ta_van_training_day, "08:00"),
        "end": _at(_ta_van_training_day, "11:30"),
        "location": {
            "vi": "Nhà văn hóa thôn Tả Van Giáy, xã Tả Van",
            "en": "Tả Van Giáy village hall, Tả Van commune",
        },
        "kind": "training",
        "summary": {
            "vi": "Kích hoạt VNeID mức 2, tạo mã VietQR nhận tiền và đăng phòng lên nền tảng làng số, có người hướng "
            "dẫn từng bước.",
            "en": "Activate level 2 VNeID, create a VietQR payment code and list your rooms on the smart village "
            "platform, with step-by-step help.",
        },
        "body": {
            "vi": "Tổ công nghệ số cộng đồng và công an xã hỗ trợ các hộ làm homestay kích hoạt tài khoản định danh "
            "điện tử, tạo mã VietQR, chụp ảnh phòng và đăng phòng lên trang của xã. Mang theo thẻ căn cước gắn "
            "chip, điện thoại đã sạc đầy và nếu có thể, vài tấm ảnh đẹp về phòng và bữa ăn của gia đình.",
            "en": "The community digital team and the commune police will help homestay families activate their "
            "e-ID accounts, create VietQR codes, photograph their rooms and list them on the commune's pages. "
            "Bring your chip-based ID card, a fully charged phone and, if you can, a few good photos of your "
            "rooms and family meals.",
        },
    },
    {
        "commune": "ta-van",
        "slug": "lop-nhan-dat-phong-truc-tuyen",
        "title": {
            "vi": "Lớp học nhận đặt phòng trực tuyến và đồng bộ lịch",
            "en": "Class: online bookings and calendar sync",
        },
        "start": _at(_ta_van_booking_class, "14:00"),
        "end": _at(_ta_van_booking_class, "17:00"),
        "location": {"vi": "Hội trường UBND xã Tả Van", "en": "Tả Van commune office hall"},
        "kind": "training",
        "summary": {
            "vi": "Cách nhận, xác nhận và hủy đặt phòng, đặt chính sách hủy và đồng bộ lịch phòng với các trang đặt "
            "phòng khác để không bị trùng khách.",
            "en": "How to accept, confirm and cancel bookings, set a cancellation policy and sync your room "
            "calendar with other booking sites so rooms are never double-booked.",
        },
        "body": {
            "vi": "Lớp học dành cho chủ homestay và hướng dẫn viên đã có tài khoản trên nền tảng. Học viên thực hành "
            "trên điện thoại của mình: nhận một đặt phòng mẫu, xác nhận, hủy theo chính sách và xuất lịch sang "
            "trang đặt phòng khác. Đăng ký với tổ công nghệ số trước hai ngày.",
            "en": "For homestay owners and guides who already have an account on the platform. Participants "
            "practise on their own phones: accept a sample booking, confirm it, cancel it under the policy "
            "and export the calendar to another booking site. Register with the digital team two days ahead.",
        },
    },
    {
        "commune": "ta-van",
        "slug": "hop-dan-ve-du-lich-cong-dong",
        "title": {
            "vi": "Họp dân về quy ước du lịch cộng đồng",
            "en": "Village meeting on the community tourism code",
        },
        "start": _at(_ta_van_past_meeting, "19:00"),
        "end": _at(_ta_van_past_meeting, "21:00"),
        "location": {
            "vi": "Nhà văn hóa thôn Giàng Tả Chải Dao",
            "en": "Giàng Tả Chải Dao village hall",
        },
        "kind": "meeting",
        "summary": {
            "vi": "Bàn về giá dịch vụ, giữ vệ sinh đường mòn và cách đón khách để du lịch mang lại lợi ích cho cả bản.",
            "en": "Discussion of service prices, keeping the trails clean and welcoming visitors so that tourism "
            "benefits the whole village.",
        },
        "body": {
            "vi": "Các hộ làm du lịch, trưởng thôn và cán bộ xã cùng thống nhất quy ước: niêm yết giá công khai, "
            "không đeo bám bán hàng cho khách, thu gom rác trên đường mòn vào sáng Chủ nhật cuối tháng.",
            "en": "Tourism families, the village head and commune staff agreed a common code: display prices "
            "openly, do not follow visitors to sell, and clean the trails on the last Sunday morning of each "
            "month.",
        },
    },
    {
        "commune": "bac-ha",
        "slug": "cho-phien-bac-ha-chu-nhat",
        "title": {"vi": "Chợ phiên Bắc Hà", "en": "Bắc Hà Sunday market"},
        "start": _at(_bac_ha_market_day, "06:00"),
        "end": _at(_bac_ha_market_day, "13:00"),
        "location": {"vi": "Chợ Bắc Hà, trung tâm xã Bắc Hà", "en": "Bắc Hà market, commune centre"},
        "kind": "market",
        "summary": {
            "vi": "Phiên chợ vùng cao họp mỗi sáng Chủ nhật: thổ cẩm, rượu ngô, mận, chợ trâu ngựa và quầy hỗ trợ số "
            "của xã.",
            "en": "The highland market held every Sunday morning: brocade, corn liquor, plums, the buffalo and "
            "horse market and the commune's digital help desk.",
        },
        "body": {
            "vi": "Người H'Mông hoa, Tày, Nùng, Dao từ các bản về chợ từ sáng sớm. Khu thổ cẩm, khu ẩm thực với thắng "
            "cố và phở chua, khu mua bán trâu, ngựa họp đến trưa. Nhiều quầy nhận thanh toán bằng mã VietQR. "
            "Quầy hỗ trợ số của xã mở từ 7:00 đến 11:00 cạnh khu bán thổ cẩm.",
            "en": "Flower H'Mông, Tày, Nùng and Dao people come in from the villages at dawn. The brocade section, "
            "the food stalls with thắng cố stew and sour phở, and the buffalo and horse market run until "
            "noon. Many stalls take VietQR payments. The commune's digital help desk is open from 7:00 to "
            "11:00 next to the brocade stalls.",
        },
    },
    {
        "commune": "bac-ha",
        "slug": "ngay-hoi-van-hoa-va-dua-ngua",
        "title": {
            "vi": "Ngày hội văn hóa các dân tộc và đua ngựa truyền thống",
            "en": "Ethnic culture day and traditional horse race",
        },
        "start": _at(_bac_ha_festival_day, "07:30"),
        "end": _at(_bac_ha_festival_day, "17:00"),
        "location": {"vi": "Sân vận động xã Bắc Hà", "en": "Bắc Hà commune stadium"},
        "kind": "festival",
        "summary": {
            "vi": "Đua ngựa không yên, múa khèn, hát giao duyên, trình diễn trang phục và gian hàng sản phẩm OCOP của "
            "các bản.",
            "en": "Bareback horse racing, khèn pipe dancing, love-song duets, a costume parade and stalls of the "
            "villages' OCOP products.",
        },
        "body": {
            "vi": "Các kỵ sĩ là nông dân trong vùng, cưỡi ngựa bản địa không yên. Xen giữa các lượt đua là múa khèn, "
            "hát giao duyên và trình diễn trang phục của người H'Mông hoa, Tày, Nùng, Dao. Khu gian hàng giới "
            "thiệu mận, rượu ngô, chè và thổ cẩm; khách có thể đặt mua trên trang của xã để nhận hàng tại nhà.",
            "en": "The riders are local farmers on native horses without saddles. Between the races there is khèn "
            "dancing, love-song duets and a parade of Flower H'Mông, Tày, Nùng and Dao costumes. Stalls show "
            "plums, corn liquor, tea and brocade; visitors can order on the commune's pages and have them "
            "delivered home.",
        },
    },
    {
        "commune": "giao-phong",
        "slug": "lop-livestream-ban-hai-san",
        "title": {
            "vi": "Lớp livestream bán hải sản và đặc sản",
            "en": "Class: selling seafood and local specialities by livestream",
        },
        "start": _at(_giao_phong_livestream_class, "14:00"),
        "end": _at(_giao_phong_livestream_class, "16:30"),
        "location": {"vi": "Hội trường UBND xã Giao Phong", "en": "Giao Phong commune office hall"},
        "kind": "training",
        "summary": {
            "vi": "Chuẩn bị buổi phát trực tiếp bán ngao, tôm khô, nước mắm: ánh sáng, âm thanh, lời giới thiệu, "
            "chốt đơn và giao hàng.",
            "en": "How to prepare a live sales broadcast for clams, dried shrimp and fish sauce: light, sound, "
            "what to say, taking orders and delivery.",
        },
        "body": {
            "vi": "Học viên thực hành một buổi phát trực tiếp ngắn bằng điện thoại của mình, học cách ghi đơn hàng, "
            "xác nhận với khách và đóng gói hàng tươi sống. Mang theo điện thoại đã sạc đầy và một vài sản "
            "phẩm để thực hành.",
            "en": "Participants practise a short live broadcast on their own phones and learn to record orders, "
            "confirm them with buyers and pack fresh products. Bring a fully charged phone and a few products "
            "to practise with.",
        },
    },
    {
        "commune": "giao-phong",
        "slug": "phien-cho-hai-san-cuoi-tuan",
        "title": {"vi": "Phiên chợ hải sản cuối tuần", "en": "Weekend seafood market"},
        "start": _at(_giao_phong_market_day, "15:00"),
        "end": _at(_giao_phong_market_day, "19:00"),
        "location": {
            "vi": "Bãi chợ chân đê xóm Đông Hải",
            "en": "Market ground at the dyke, Đông Hải hamlet",
        },
        "kind": "market",
        "summary": {
            "vi": "Ngao, cua, tôm, cá tươi từ thuyền về và hải sản khô của các hộ trong xã, thanh toán tiền mặt hoặc "
            "mã VietQR.",
            "en": "Clams, crabs, shrimp and fish fresh off the boats and dried seafood from local households; pay "
            "in cash or by VietQR.",
        },
        "body": {
            "vi": "Phiên chợ họp khi thuyền về chiều thứ Bảy, bán hải sản tươi và đặc sản khô của các hộ trong xã. "
            "Khách du lịch có thể nhờ người bán đóng thùng xốp giữ lạnh để mang về. Tổ công nghệ số có mặt để "
            "giúp người bán tạo mã nhận tiền.",
            "en": "The market opens when the boats come in on Saturday afternoon, selling fresh seafood and dried "
            "specialities from local households. Visitors can ask sellers to pack purchases in cool boxes to "
            "take home. The digital team will be there to help sellers create payment codes.",
        },
    },
    {
        "commune": "dinh-hung",
        "slug": "huong-dan-nop-ho-so-truc-tuyen",
        "title": {
            "vi": "Buổi hướng dẫn nộp hồ sơ trực tuyến",
            "en": "Help session: applying online",
        },
        "start": _at(_dinh_hung_portal_class, "08:00"),
        "end": _at(_dinh_hung_portal_class, "11:00"),
        "location": {
            "vi": "Trung tâm phục vụ hành chính công xã Định Hưng",
            "en": "Định Hưng commune public service centre",
        },
        "kind": "training",
        "summary": {
            "vi": "Đăng nhập Cổng Dịch vụ công bằng VNeID, nộp hồ sơ đăng ký khai sinh, chứng thực và nộp phí trực "
            "tuyến ngay trên điện thoại.",
            "en": "Log in to the public service portal with VNeID, apply for a birth registration or a certified "
            "copy and pay the fee online, all from your phone.",
        },
        "body": {
            "vi": "Cán bộ trung tâm và tổ công nghệ số hướng dẫn từng bước trên điện thoại của người dân. Mang theo "
            "điện thoại đã kích hoạt VNeID mức 2 và giấy tờ liên quan đến thủ tục bạn cần làm.",
            "en": "Centre staff and the digital team guide residents step by step on their own phones. Bring a "
            "phone with level 2 VNeID activated and the papers for the procedure you need.",
        },
    },
    {
        "commune": "dinh-hung",
        "slug": "hoi-nghi-ket-noi-tieu-thu-gao-va-hang-coi",
        "title": {
            "vi": "Hội nghị kết nối tiêu thụ gạo và sản phẩm cói",
            "en": "Buyers' meeting for rice and sedge products",
        },
        "start": _at(_dinh_hung_buyers_meeting, "08:30"),
        "end": _at(_dinh_hung_buyers_meeting, "11:30"),
        "location": {"vi": "Hội trường UBND xã Định Hưng", "en": "Định Hưng commune office hall"},
        "kind": "meeting",
        "summary": {
            "vi": "Hợp tác xã và hộ sản xuất gặp các bếp ăn, cửa hàng và doanh nghiệp thu mua từ Hà Nội, Ninh Bình "
            "để bàn đơn hàng vụ tới.",
            "en": "Cooperatives and producers meet canteens, shops and buyers from Hà Nội and Ninh Bình to discuss "
            "next season's orders.",
        },
        "body": {
            "vi": "Các hộ và hợp tác xã mang mẫu gạo, thảm, làn cói đến giới thiệu; người mua trình bày nhu cầu về "
            "số lượng, tiêu chuẩn và thời gian giao hàng. Nhu cầu của người mua cũng được đăng trên nền tảng làng "
            "số để các hộ không dự được vẫn có thể chào hàng.",
            "en": "Households and cooperatives bring samples of rice, mats and sedge baskets; buyers present their "
            "needs for quantities, standards and delivery dates. Buyers' demands are also posted on the smart "
            "village platform so producers who cannot attend can still make offers.",
        },
    },
]
