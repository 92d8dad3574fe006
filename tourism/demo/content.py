"""Demo community tourism: homestays, tours and experiences of the four demo communes, their rooms,
prices and departures, and bookings from visitors of several countries. Plain data; ``loader`` writes it
through the tourism services.

Names, places and prices are realistic but invented: no real household, guide, guest or bank account is
meant. Prices are whole đồng (VND). Dates are days relative to the day the demo is loaded (negative: in
the past), except ``"tet-1"``-style days, relative to the next Lunar New Year (Tết).
"""

# Bank identification numbers (BIN) used by VietQR.
VIETCOMBANK, AGRIBANK, BIDV, VIETINBANK = "970436", "970405", "970418", "970415"

# The first day of Tết Nguyên Đán (Lunar New Year) in the coming years.
TET_DAYS = ("2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23", "2032-02-11")
# A Tết price covers the nights from two days before the first day to four days after it.
TET_NIGHTS_BEFORE, TET_NIGHTS_AFTER = 2, 4

# One documented host login per commune (README "Demo accounts"); the other hosts are hostN@langso.example.
COMMUNE_HOST_EMAILS = {
    "ta-van": "host@tavan.example",
    "bac-ha": "host@bacha.example",
    "giao-phong": "host@giaophong.example",
    "dinh-hung": "host@dinhhung.example",
}
TOURIST_EMAIL = "tourist@travel.example"

# --- hosts and their listings ---------------------------------------------------------------------------
# A host's ``owner`` is created when missing (``host@tavan.example`` comes with the village demo). Each
# listing is approved by the commune's moderator unless its ``status`` says "pending". Stays have
# ``units`` (rooms or beds; ``tet_price`` adds a Tết season), optional ``closed`` nights and an ``ical``
# file imported as if downloaded from Airbnb; tours and experiences have ``departures`` or are booked on
# request (``price_per_person``).

HOSTS = [
    # --- Tả Van (Lào Cai) ---------------------------------------------------------------------------
    {
        "commune": "ta-van",
        "village": "seo-mi-ty",
        "name": "Homestay Giàng A Chứ",
        "owner": {
            "email": "host@tavan.example",
            "phone": "0900000007",
            "first_name": "Chứ",
            "last_name": "Giàng A",
        },
        "bank": (AGRIBANK, "8800205412345", "GIANG A CHU"),
        "about_vi": "Gia đình người H'Mông ba thế hệ ở Séo Mí Tỷ. Anh Chứ làm ruộng bậc thang và dẫn khách đi "
        "bộ trong thung lũng Mường Hoa; chị Sú nấu cơm lam, gà đồi và rau cải mèo hái trong vườn.",
        "about_en": "A three-generation H'Mông family in Séo Mí Tỷ. Chứ farms the rice terraces and walks "
        "guests through the Mường Hoa valley; Sú cooks bamboo-tube rice, free-range chicken and mustard "
        "greens from the garden.",
        "services": [
            {
                "key": "giang-a-chu",
                "kind": "stay",
                "title_vi": "Homestay Giàng A Chứ – nhà gỗ nhìn ruộng bậc thang",
                "title_en": "Giàng A Chứ homestay – wooden house above the rice terraces",
                "description_vi": "Ngôi nhà gỗ pơ mu mái ngói âm dương trên sườn đồi Séo Mí Tỷ, nhìn thẳng "
                "xuống ruộng bậc thang Mường Hoa. Phòng có chăn bông dày, nước nóng năng lượng mặt trời; "
                "bữa tối cùng gia đình bên bếp lửa. Từ bến xe Sa Pa gia đình đón bằng xe máy.",
                "description_en": "A pơ mu wood house with a yin-yang tiled roof on the Séo Mí Tỷ hillside, "
                "looking straight down on the Mường Hoa terraces. Thick quilts, solar hot water, and dinner "
                "with the family by the fire. The family picks you up by motorbike at the Sa Pa bus station.",
                "cancellation_policy": "moderate",
                "accepts_pay_on_arrival": True,
                "amenities": [
                    "hot_water",
                    "blankets",
                    "breakfast",
                    "dinner",
                    "mosquito_net",
                    "pickup",
                    "guide",
                ],
                "units": [
                    {
                        "name_vi": "Phòng đôi nhìn ruộng",
                        "name_en": "Double room with a terrace view",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 450_000,
                        "weekend_nightly_price": 550_000,
                        "tet_price": 650_000,
                    },
                    {
                        "name_vi": "Phòng gia đình",
                        "name_en": "Family room",
                        "capacity": 4,
                        "included_guests": 2,
                        "nightly_price": 700_000,
                        "weekend_nightly_price": 850_000,
                        "extra_guest_price": 100_000,
                        "tet_price": 950_000,
                    },
                    {
                        "name_vi": "Gác xép tập thể",
                        "name_en": "Shared loft (mattresses)",
                        "capacity": 6,
                        "included_guests": 1,
                        "nightly_price": 250_000,
                        "extra_guest_price": 150_000,
                    },
                ],
                "closed": [{"unit": 1, "day": 30, "nights": 3, "note": "Nhà có đám cưới con trai"}],
                "ical": {
                    "unit": 0,
                    "name": "Airbnb",
                    "events": [
                        {
                            "uid": "demo-giang-a-chu-1@airbnb.com",
                            "day": 18,
                            "nights": 3,
                            "summary": "Reserved",
                        },
                        {
                            "uid": "demo-giang-a-chu-2@airbnb.com",
                            "day": 40,
                            "nights": 2,
                            "summary": "Airbnb (Not available)",
                        },
                    ],
                },
            },
        ],
    },
    {
        "commune": "ta-van",
        "village": "ta-van-giay",
        "name": "Nhà nghỉ Giáy Hoàng Văn Sử",
        "owner": {
            "email": "host2@langso.example",
            "phone": "0922000002",
            "first_name": "Sử",
            "last_name": "Hoàng Văn",
        },
        "bank": (VIETCOMBANK, "1021000567812", "HOANG VAN SU"),
        "about_vi": "Gia đình người Giáy ở trung tâm Tả Van, cạnh cầu treo qua suối Mường Hoa. Ông Sử biết "
        "nhiều bài hát giao duyên và làm rượu ngô men lá.",
        "about_en": "A Giáy family in the heart of Tả Van, next to the suspension bridge over the Mường Hoa "
        "stream. Sử knows the old courting songs and brews corn wine with leaf yeast.",
        "services": [
            {
                "key": "nha-san-giay",
                "kind": "stay",
                "title_vi": "Nhà sàn Giáy bên suối Mường Hoa",
                "title_en": "Giáy stilt house by the Mường Hoa stream",
                "description_vi": "Nhà sàn gỗ hai tầng, phòng ngủ trên gác có cửa sổ nhìn ra suối. Sáng "
                "ăn pancake chuối mật ong hoặc phở; tối ăn cơm gia đình với cá suối nướng.",
                "description_en": "A two-storey wooden stilt house with upstairs bedrooms looking onto the "
                "stream. Banana-honey pancakes or phở for breakfast; a family dinner with grilled stream fish.",
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "amenities": ["wifi", "hot_water", "breakfast", "dinner", "parking"],
                "units": [
                    {
                        "name_vi": "Phòng đôi tầng hai",
                        "name_en": "Upstairs double",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 380_000,
                    },
                    {
                        "name_vi": "Phòng ba người",
                        "name_en": "Triple room",
                        "capacity": 3,
                        "included_guests": 2,
                        "nightly_price": 480_000,
                        "weekend_nightly_price": 560_000,
                        "extra_guest_price": 80_000,
                    },
                ],
            },
        ],
    },
    {
        "commune": "ta-van",
        "village": "giang-ta-chai-dao",
        "name": "Nhà Tẩn Thị Mẩy",
        "owner": {
            "email": "host3@langso.example",
            "phone": "0922000003",
            "first_name": "Mẩy",
            "last_name": "Tẩn Thị",
        },
        "bank": (BIDV, "21510004567123", "TAN THI MAY"),
        "about_vi": "Gia đình người Dao đỏ ở Giàng Tả Chải. Chị Mẩy hái lá thuốc trên rừng để nấu nước tắm "
        "theo bài thuốc của bà, và thêu khăn đội đầu đỏ cho các cô gái trong bản.",
        "about_en": "A Red Dao family in Giàng Tả Chải. Mẩy gathers forest herbs for the medicinal bath of "
        "her grandmother's recipe and embroiders the red headscarves of the village girls.",
        "services": [
            {
                "key": "dao-do",
                "kind": "stay",
                "title_vi": "Homestay Dao đỏ Giàng Tả Chải",
                "title_en": "Red Dao homestay in Giàng Tả Chải",
                "description_vi": "Nhà gỗ bên rừng trúc, mỗi tối có bồn tắm lá thuốc nóng. Đặt phòng cần "
                "chuyển khoản trước qua VietQR.",
                "description_en": "A wooden house by the bamboo forest, with a hot herbal bath every evening. "
                "Bookings are paid in advance by VietQR bank transfer.",
                "cancellation_policy": "strict",
                "accepts_pay_on_arrival": False,
                "amenities": ["hot_water", "blankets", "breakfast", "dinner", "mosquito_net"],
                "units": [
                    {
                        "name_vi": "Phòng gỗ có ban công",
                        "name_en": "Wooden room with a balcony",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 420_000,
                        "tet_price": 600_000,
                    },
                    {
                        "name_vi": "Phòng gia đình lớn",
                        "name_en": "Large family room",
                        "capacity": 5,
                        "included_guests": 2,
                        "nightly_price": 600_000,
                        "extra_guest_price": 120_000,
                    },
                ],
            },
            {
                "key": "tam-la-thuoc",
                "status": "pending",
                "kind": "experience",
                "title_vi": "Tắm lá thuốc người Dao đỏ",
                "title_en": "Red Dao herbal bath",
                "description_vi": "Ngâm mình 30 phút trong thùng gỗ nước lá thuốc nóng, uống trà gừng và "
                "nghe chị Mẩy kể về hơn 20 loại lá hái trên rừng.",
                "description_en": "Thirty minutes in a wooden tub of hot herbal water, ginger tea, and Mẩy's "
                "stories of the twenty-odd leaves gathered in the forest.",
                "booking_mode": "on_request",
                "price_per_person": 150_000,
                "maximum_group": 6,
                "meeting_point": "Nhà chị Mẩy, đầu bản Giàng Tả Chải",
                "duration_minutes": 60,
                "languages": ["vi", "dao", "en"],
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
            },
        ],
    },
    {
        "commune": "ta-van",
        "village": "ta-van-giay",
        "name": "Xưởng chàm Lý Thị Lở",
        "owner": {
            "email": "host4@langso.example",
            "phone": "0922000004",
            "first_name": "Lở",
            "last_name": "Lý Thị",
        },
        "bank": (AGRIBANK, "8800205498765", "LY THI LO"),
        "about_vi": "Nhóm năm phụ nữ H'Mông giữ nghề trồng lanh, nhuộm chàm và dệt vải ở Tả Van.",
        "about_en": "Five H'Mông women keeping alive hemp growing, indigo dyeing and weaving in Tả Van.",
        "services": [
            {
                "key": "nhuom-cham",
                "kind": "experience",
                "title_vi": "Nhuộm chàm và dệt thổ cẩm cùng nghệ nhân H'Mông",
                "title_en": "Indigo dyeing and brocade weaving with H'Mông artisans",
                "description_vi": "Ngâm vải trong chum chàm, vẽ sáp ong hoa văn lên vải lanh, thử khung dệt "
                "và mang về chiếc khăn tự nhuộm. Có trà và bánh ngô.",
                "description_en": "Dip cloth in the indigo vats, draw beeswax patterns on hemp, try the loom "
                "and take home the scarf you dyed. Tea and corn cakes included.",
                "meeting_point": "Xưởng chàm cạnh nhà văn hoá thôn Tả Van Giáy",
                "duration_minutes": 180,
                "languages": ["vi", "en", "hmn"],
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "departures": {"days": [3, 6, 10, 13, 17, 24], "time": "09:00", "seats": 8, "price": 350_000},
            },
        ],
    },
    {
        "commune": "ta-van",
        "village": "seo-mi-ty",
        "name": "Hướng dẫn viên bản địa Lò Thị Chi",
        "owner": {
            "email": "host5@langso.example",
            "phone": "0922000005",
            "first_name": "Chi",
            "last_name": "Lò Thị",
        },
        "bank": (VIETINBANK, "108872345612", "LO THI CHI"),
        "about_vi": "Chi lớn lên ở Tả Van, có thẻ hướng dẫn viên du lịch tại điểm, nói tiếng Anh và tiếng Pháp.",
        "about_en": "Chi grew up in Tả Van, is a licensed local guide, and speaks English and French.",
        "services": [
            {
                "key": "thac-giang-ta-chai",
                "kind": "tour",
                "title_vi": "Trek rừng trúc và thác nước Giàng Tả Chải",
                "title_en": "Trek through the bamboo forest to the Giàng Tả Chải waterfall",
                "description_vi": "Một ngày đi bộ 14 km qua ruộng bậc thang, rừng trúc và bản Dao đỏ tới "
                "thác nước; ăn trưa dã ngoại bên suối. Cần giày có đế bám.",
                "description_en": "A 14 km day walk through terraces, the bamboo forest and a Red Dao village "
                "to the waterfall, with a picnic lunch by the stream. Shoes with a good grip are needed.",
                "meeting_point": "Cầu treo Tả Van",
                "duration_minutes": 420,
                "languages": ["vi", "en", "fr"],
                "cancellation_policy": "moderate",
                "accepts_pay_on_arrival": True,
                "departures": {"days": [2, 5, 9, 12, 16, 23], "time": "08:00", "seats": 10, "price": 450_000},
            },
            {
                "key": "ruong-bac-thang",
                "kind": "tour",
                "title_vi": "Đi bộ ruộng bậc thang Lao Chải – Tả Van",
                "title_en": "Rice-terrace walk from Lao Chải to Tả Van",
                "description_vi": "Nửa ngày đi bộ nhẹ nhàng 8 km dọc thung lũng Mường Hoa, ghé bãi đá cổ và "
                "một gia đình H'Mông đang cấy hoặc gặt lúa tuỳ mùa.",
                "description_en": "An easy half-day 8 km walk along the Mường Hoa valley, by the ancient "
                "carved rocks, visiting a H'Mông family planting or harvesting, depending on the season.",
                "meeting_point": "Bãi đá cổ Mường Hoa",
                "duration_minutes": 240,
                "languages": ["vi", "en"],
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "departures": {"days": [1, 4, 8, 11, 15, 22], "time": "13:30", "seats": 12, "price": 300_000},
            },
        ],
    },
    # --- Bắc Hà (Lào Cai) ---------------------------------------------------------------------------
    {
        "commune": "bac-ha",
        "village": "ban-pho",
        "name": "Nhà trình tường Vàng Seo Dín",
        "owner": {
            "email": "host@bacha.example",
            "phone": "0900000010",
            "first_name": "Dín",
            "last_name": "Vàng Seo",
        },
        "bank": (AGRIBANK, "8800205678901", "VANG SEO DIN"),
        "about_vi": "Gia đình H'Mông Hoa ở Bản Phố, nhà trình tường hơn 80 năm. Ông Dín nấu rượu ngô Bản Phố "
        "theo cách của cha ông.",
        "about_en": "A Flower H'Mông family in Bản Phố, in a rammed-earth house more than 80 years old. Dín "
        "distils Bản Phố corn wine the way his father did.",
        "services": [
            {
                "key": "trinh-tuong-ban-pho",
                "kind": "stay",
                "title_vi": "Nhà trình tường H'Mông ở Bản Phố",
                "title_en": "H'Mông rammed-earth house in Bản Phố",
                "description_vi": "Tường đất dày giữ ấm mùa đông, mát mùa hè; 3 km tới chợ phiên Bắc Hà. Đêm "
                "thứ Bảy đông khách đi chợ Chủ nhật nên giá cao hơn.",
                "description_en": "Thick earth walls keep it warm in winter and cool in summer; 3 km from the "
                "Bắc Hà market. Saturday nights cost more: everyone comes for the Sunday market.",
                "cancellation_policy": "moderate",
                "accepts_pay_on_arrival": True,
                "amenities": ["hot_water", "blankets", "breakfast", "dinner", "parking"],
                "units": [
                    {
                        "name_vi": "Phòng đôi",
                        "name_en": "Double room",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 350_000,
                        "weekend_nightly_price": 420_000,
                    },
                    {
                        "name_vi": "Phòng gia đình",
                        "name_en": "Family room",
                        "capacity": 4,
                        "included_guests": 2,
                        "nightly_price": 600_000,
                        "weekend_nightly_price": 720_000,
                        "extra_guest_price": 90_000,
                        "tet_price": 800_000,
                    },
                ],
            },
        ],
    },
    {
        "commune": "bac-ha",
        "village": "na-hoi",
        "name": "Homestay vườn mận Hoàng Thị Dung",
        "owner": {
            "email": "host6@langso.example",
            "phone": "0922000006",
            "first_name": "Dung",
            "last_name": "Hoàng Thị",
        },
        "bank": (VIETCOMBANK, "1021000876543", "HOANG THI DUNG"),
        "about_vi": "Gia đình người Tày ở Na Hối, vườn mận tam hoa trắng muốt mỗi tháng Hai. Chị Dung dạy nấu "
        "các món Tày cho khách.",
        "about_en": "A Tày family in Na Hối whose tam hoa plum orchard turns white every February. Dung teaches "
        "guests to cook Tày dishes.",
        "services": [
            {
                "key": "vuon-man-na-hoi",
                "kind": "stay",
                "title_vi": "Nhà sàn Tày giữa vườn mận Na Hối",
                "title_en": "Tày stilt house in the Na Hối plum orchard",
                "description_vi": "Ba phòng trên nhà sàn gỗ nghiến, hiên nhìn ra vườn mận. Mùa mận chín "
                "(tháng Năm – Sáu) khách được hái mận ăn tại vườn.",
                "description_en": "Three rooms in an ironwood stilt house with a veranda over the orchard. "
                "In plum season (May–June) guests pick and eat plums straight from the trees.",
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "amenities": ["wifi", "hot_water", "breakfast", "private_bathroom", "parking"],
                "units": [
                    {
                        "name_vi": "Phòng Hoa Mận",
                        "name_en": "Plum Blossom room",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 320_000,
                    },
                    {
                        "name_vi": "Phòng Hoa Đào",
                        "name_en": "Peach Blossom room",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 320_000,
                    },
                    {
                        "name_vi": "Phòng gia đình",
                        "name_en": "Family room",
                        "capacity": 4,
                        "included_guests": 3,
                        "nightly_price": 550_000,
                        "extra_guest_price": 80_000,
                    },
                ],
            },
            {
                "key": "lop-nau-an-tay",
                "kind": "experience",
                "title_vi": "Lớp nấu ăn Tày: xôi ngũ sắc, thịt lợn gác bếp và rượu ngô",
                "title_en": "Tày cooking class: five-colour sticky rice, smoked pork and corn wine",
                "description_vi": "Nhuộm gạo nếp bằng lá rừng, đồ xôi ngũ sắc, nướng thịt gác bếp và nếm "
                "rượu ngô Bản Phố, rồi cùng ăn bữa trưa do chính mình nấu. Đặt theo yêu cầu, tối đa 8 khách.",
                "description_en": "Colour sticky rice with forest leaves, steam five-colour xôi, grill smoked "
                "pork and taste Bản Phố corn wine, then eat the lunch you cooked. On request, up to 8 guests.",
                "booking_mode": "on_request",
                "price_per_person": 300_000,
                "maximum_group": 8,
                "meeting_point": "Nhà chị Dung, thôn Na Hối",
                "duration_minutes": 240,
                "languages": ["vi", "en", "tay"],
                "cancellation_policy": "moderate",
                "accepts_pay_on_arrival": True,
            },
        ],
    },
    {
        "commune": "bac-ha",
        "village": "thai-giang-pho",
        "name": "Hướng dẫn viên Thào Seo Lử",
        "owner": {
            "email": "host7@langso.example",
            "phone": "0922000007",
            "first_name": "Lử",
            "last_name": "Thào Seo",
        },
        "bank": (BIDV, "21510007654321", "THAO SEO LU"),
        "about_vi": "Lử đi chợ phiên Bắc Hà từ nhỏ, biết tên từng người bán ngựa, bán chó và bán vải lanh.",
        "about_en": "Lử has gone to the Bắc Hà market since childhood and knows every horse trader, puppy "
        "seller and hemp-cloth weaver by name.",
        "services": [
            {
                "key": "cho-phien-bac-ha",
                "kind": "tour",
                "title_vi": "Chợ phiên Bắc Hà sáng Chủ nhật cùng người bản địa",
                "title_en": "Bắc Hà Sunday market with a local",
                "description_vi": "Ba giờ dạo chợ phiên lớn nhất vùng cao Tây Bắc: chợ ngựa, chợ vải thổ "
                "cẩm, ăn thắng cố và uống rượu ngô như người bản. Kết thúc ở dinh Hoàng A Tưởng.",
                "description_en": "Three hours in the largest market of the north-western highlands: the horse "
                "market, the brocade stalls, thắng cố soup and corn wine like the locals. Ends at the Hoàng A "
                "Tưởng palace.",
                "meeting_point": "Cổng dinh Hoàng A Tưởng, Bắc Hà",
                "duration_minutes": 180,
                "languages": ["vi", "en", "hmn"],
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "departures": {"weekday": 6, "count": 6, "time": "07:30", "seats": 10, "price": 250_000},
            },
        ],
    },
    # --- Giao Phong (Ninh Bình) ---------------------------------------------------------------------
    {
        "commune": "giao-phong",
        "village": "xom-dong-hai",
        "name": "Homestay Đông Hải – nhà ông Trần Văn Thắng",
        "owner": {
            "email": "host@giaophong.example",
            "phone": "0900000011",
            "first_name": "Thắng",
            "last_name": "Trần Văn",
        },
        "bank": (VIETINBANK, "108873456789", "TRAN VAN THANG"),
        "about_vi": "Ông Thắng nuôi ngao ở bãi bồi Giao Phong ba mươi năm; bà Hiền nấu cháo ngao và nem cua bể.",
        "about_en": "Thắng has farmed clams on the Giao Phong mudflats for thirty years; Hiền cooks clam "
        "porridge and sea-crab spring rolls.",
        "services": [
            {
                "key": "nha-vuon-dong-hai",
                "kind": "stay",
                "title_vi": "Nhà vườn Đông Hải gần biển Quất Lâm",
                "title_en": "Đông Hải garden house near Quất Lâm beach",
                "description_vi": "Nhà mái bằng giữa vườn nhãn, đạp xe 10 phút ra biển Quất Lâm, 20 phút tới "
                "Vườn quốc gia Xuân Thủy. Cuối tuần mùa hè đông khách.",
                "description_en": "A flat-roofed house in a longan garden, ten minutes by bicycle to Quất Lâm "
                "beach and twenty to Xuân Thủy National Park. Summer weekends are busy.",
                "cancellation_policy": "moderate",
                "accepts_pay_on_arrival": True,
                "amenities": ["wifi", "hot_water", "breakfast", "dinner", "private_bathroom", "parking"],
                "units": [
                    {
                        "name_vi": "Phòng đôi",
                        "name_en": "Double room",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 350_000,
                        "weekend_nightly_price": 450_000,
                    },
                    {
                        "name_vi": "Phòng gia đình",
                        "name_en": "Family room",
                        "capacity": 4,
                        "included_guests": 2,
                        "nightly_price": 600_000,
                        "weekend_nightly_price": 750_000,
                        "extra_guest_price": 100_000,
                    },
                    {
                        "name_vi": "Phòng ba giường đơn",
                        "name_en": "Room with three single beds",
                        "capacity": 3,
                        "included_guests": 3,
                        "nightly_price": 450_000,
                    },
                ],
            },
        ],
    },
    {
        "commune": "giao-phong",
        "village": "xom-tan-phong",
        "name": "Nhà nghỉ sinh thái Phạm Thị Nhung",
        "owner": {
            "email": "host8@langso.example",
            "phone": "0922000008",
            "first_name": "Nhung",
            "last_name": "Phạm Thị",
        },
        "bank": (VIETCOMBANK, "1021000345678", "PHAM THI NHUNG"),
        "about_vi": "Chị Nhung từng là cán bộ kiểm lâm Vườn quốc gia Xuân Thủy, nay mở nhà nghỉ và chèo thuyền "
        "đưa khách xem chim.",
        "about_en": "Nhung used to be a ranger of Xuân Thủy National Park; she now runs a guesthouse and rows "
        "guests out to watch the birds.",
        "services": [
            {
                "key": "sinh-thai-xuan-thuy",
                "kind": "stay",
                "title_vi": "Nhà nghỉ sinh thái bên rừng ngập mặn Xuân Thủy",
                "title_en": "Eco guesthouse by the Xuân Thủy mangroves",
                "description_vi": "Bốn phòng nhìn ra đầm tôm và rừng ngập mặn, dậy sớm là nghe tiếng chim. "
                "Đặt phòng thanh toán trước bằng chuyển khoản VietQR.",
                "description_en": "Four rooms looking over shrimp ponds and mangroves; wake up early to the "
                "birds. Bookings are paid in advance by VietQR bank transfer.",
                "cancellation_policy": "strict",
                "accepts_pay_on_arrival": False,
                "amenities": ["wifi", "hot_water", "breakfast", "private_bathroom", "mosquito_net", "guide"],
                "units": [
                    {
                        "name_vi": "Phòng Cò Trắng",
                        "name_en": "Egret room",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 400_000,
                    },
                    {
                        "name_vi": "Phòng Mòng Biển",
                        "name_en": "Gull room",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 400_000,
                    },
                    {
                        "name_vi": "Phòng Bồ Nông",
                        "name_en": "Pelican room",
                        "capacity": 3,
                        "included_guests": 2,
                        "nightly_price": 520_000,
                        "extra_guest_price": 100_000,
                    },
                    {
                        "name_vi": "Phòng Cò Thìa",
                        "name_en": "Spoonbill suite",
                        "capacity": 4,
                        "included_guests": 4,
                        "nightly_price": 800_000,
                        "weekend_nightly_price": 950_000,
                    },
                ],
            },
            {
                "key": "thuyen-xem-chim",
                "kind": "tour",
                "title_vi": "Đi thuyền xem chim di cư ở Vườn quốc gia Xuân Thủy",
                "title_en": "Boat trip to watch migratory birds in Xuân Thủy National Park",
                "description_vi": "Ba giờ chèo thuyền qua rừng ngập mặn cồn Lu lúc nước lên, có ống nhòm; "
                "mùa đông có thể gặp cò thìa mặt đen.",
                "description_en": "Three hours by rowing boat through the Cồn Lu mangroves at high tide, with "
                "binoculars; in winter you may see the black-faced spoonbill.",
                "meeting_point": "Bến thuyền Vườn quốc gia Xuân Thủy",
                "duration_minutes": 180,
                "languages": ["vi", "en"],
                "cancellation_policy": "moderate",
                "accepts_pay_on_arrival": True,
                "departures": {"days": [2, 4, 7, 9, 14, 21], "time": "06:00", "seats": 8, "price": 400_000},
            },
        ],
    },
    {
        "commune": "giao-phong",
        "village": "xom-phong-lac",
        "name": "Nhà chị Vũ Thị Hằng",
        "status": "pending",
        "owner": {
            "email": "host9@langso.example",
            "phone": "0922000009",
            "first_name": "Hằng",
            "last_name": "Vũ Thị",
        },
        "bank": (AGRIBANK, "8800205112233", "VU THI HANG"),
        "about_vi": "Gia đình nuôi ngao ở xóm Phong Lạc, mới học đón khách trong lớp của tổ công nghệ số.",
        "about_en": "A clam-farming family in Phong Lạc who just learnt to welcome guests in the digital "
        "team's class.",
        "services": [
            {
                "key": "nuoi-ngao-phong-lac",
                "status": "pending",
                "kind": "stay",
                "title_vi": "Homestay nuôi ngao Phong Lạc",
                "title_en": "Clam farmers' homestay in Phong Lạc",
                "description_vi": "Một phòng đôi sạch sẽ; sáng sớm ra bãi ngao cùng chủ nhà.",
                "description_en": "One clean double room; go out to the clam beds with the hosts at dawn.",
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "amenities": ["hot_water", "breakfast"],
                "units": [
                    {
                        "name_vi": "Phòng đôi",
                        "name_en": "Double room",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 280_000,
                    },
                ],
            },
        ],
    },
    # --- Định Hưng (Ninh Bình) ----------------------------------------------------------------------
    {
        "commune": "dinh-hung",
        "village": "thon-dinh-tan",
        "name": "Nhà cổ Định Tân – bà Đỗ Thị Lành",
        "owner": {
            "email": "host@dinhhung.example",
            "phone": "0900000012",
            "first_name": "Lành",
            "last_name": "Đỗ Thị",
        },
        "bank": (AGRIBANK, "8800205998877", "DO THI LANH"),
        "about_vi": "Nhà gỗ lim năm gian hơn trăm năm tuổi của dòng họ Đỗ; bà Lành kể chuyện làng và dạy "
        "đan cói.",
        "about_en": "The Đỗ family's five-bay ironwood house, more than a hundred years old; Lành tells the "
        "village's stories and teaches sedge weaving.",
        "services": [
            {
                "key": "nha-co-dinh-tan",
                "kind": "stay",
                "title_vi": "Nhà cổ gỗ lim giữa đồng lúa Định Tân",
                "title_en": "Old ironwood house among the Định Tân rice fields",
                "description_vi": "Ngủ trong nhà cổ, sáng đạp xe quanh cánh đồng lúa và ao sen, chiều học đan "
                "cói. Cơm quê với cá rô đồng và canh cua.",
                "description_en": "Sleep in the old house, cycle round the rice fields and lotus ponds in the "
                "morning, learn sedge weaving in the afternoon. Country meals with field perch and crab soup.",
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "amenities": ["wifi", "hot_water", "breakfast", "dinner", "mosquito_net", "parking"],
                "units": [
                    {
                        "name_vi": "Gian bên trái",
                        "name_en": "Left bay",
                        "capacity": 2,
                        "included_guests": 2,
                        "nightly_price": 300_000,
                        "tet_price": 450_000,
                    },
                    {
                        "name_vi": "Nhà ngang gia đình",
                        "name_en": "Family wing",
                        "capacity": 4,
                        "included_guests": 2,
                        "nightly_price": 500_000,
                        "extra_guest_price": 70_000,
                    },
                ],
            },
        ],
    },
    {
        "commune": "dinh-hung",
        "village": "thon-hung-thinh",
        "name": "Homestay Hưng Thịnh – anh Nguyễn Văn Tùng",
        "owner": {
            "email": "host10@langso.example",
            "phone": "0922000010",
            "first_name": "Tùng",
            "last_name": "Nguyễn Văn",
        },
        "bank": (VIETINBANK, "108874567890", "NGUYEN VAN TUNG"),
        "about_vi": "Anh Tùng nuôi cá và trồng rau sạch; khách được câu cá và hái rau cho bữa tối.",
        "about_en": "Tùng farms fish and grows vegetables; guests fish and pick the greens for dinner.",
        "services": [
            {
                "key": "ao-ca-hung-thinh",
                "kind": "stay",
                "title_vi": "Homestay Hưng Thịnh bên ao cá",
                "title_en": "Hưng Thịnh homestay by the fish pond",
                "description_vi": "Một phòng ba người trong nhà vườn cạnh ao cá, yên tĩnh, có xe đạp miễn phí.",
                "description_en": "A room for three in a garden house by the fish pond: quiet, with free "
                "bicycles.",
                "cancellation_policy": "moderate",
                "accepts_pay_on_arrival": True,
                "amenities": ["wifi", "hot_water", "breakfast", "parking"],
                "units": [
                    {
                        "name_vi": "Phòng vườn",
                        "name_en": "Garden room",
                        "capacity": 3,
                        "included_guests": 2,
                        "nightly_price": 280_000,
                        "extra_guest_price": 60_000,
                        "minimum_nights": 2,
                    },
                ],
            },
        ],
    },
    {
        "commune": "dinh-hung",
        "village": "thon-dong-hung",
        "name": "Phường rối nước thôn Đông Hưng",
        "owner": {
            "email": "host11@langso.example",
            "phone": "0922000011",
            "first_name": "Hải",
            "last_name": "Phạm Văn",
        },
        "bank": (BIDV, "21510009876543", "PHUONG ROI NUOC DONG HUNG"),
        "about_vi": "Phường rối nước của làng, truyền qua bốn đời, biểu diễn ở thủy đình trước đình làng.",
        "about_en": "The village's water-puppet guild, four generations old, playing at the water pavilion "
        "in front of the communal house.",
        "services": [
            {
                "key": "roi-nuoc-dong-hung",
                "kind": "experience",
                "title_vi": "Xem rối nước ở đình làng và thử điều khiển con rối",
                "title_en": "Water puppets at the village temple – and try a puppet yourself",
                "description_vi": "Tối thứ Bảy: bốn mươi phút rối nước (chú Tễu, đánh cá, rước kiệu) rồi "
                "xuống sau mành tre cầm sào điều khiển con rối cùng nghệ nhân.",
                "description_en": "Saturday evening: forty minutes of water puppetry (Chú Tễu, fishing, the "
                "procession), then step behind the bamboo screen and work a puppet with the masters.",
                "meeting_point": "Đình làng Đông Hưng",
                "duration_minutes": 90,
                "languages": ["vi", "en"],
                "cancellation_policy": "flexible",
                "accepts_pay_on_arrival": True,
                "departures": {"weekday": 5, "count": 5, "time": "19:00", "seats": 30, "price": 150_000},
            },
        ],
    },
]

# --- guests ----------------------------------------------------------------------------------------------
# ``account``: the guest has an account (with the demo password) and so may write reviews.

GUESTS = {
    "emma": {"name": "Emma Walker", "email": TOURIST_EMAIL, "phone": "+447700900123", "country": "GB",
             "account": {"first_name": "Emma", "last_name": "Walker"}},
    "lucas": {"name": "Lucas Bernard", "email": "lucas.bernard@travel.example", "phone": "+33612345678",
              "country": "FR", "account": {"first_name": "Lucas", "last_name": "Bernard"}},
    "anna": {"name": "Anna Schmidt", "email": "anna.schmidt@travel.example", "phone": "+4915112345678",
             "country": "DE", "account": {"first_name": "Anna", "last_name": "Schmidt"}},
    "michael": {"name": "Michael Johnson", "email": "michael.johnson@travel.example", "phone": "+12025550143",
                "country": "US"},
    "olivia": {"name": "Olivia Brown", "email": "olivia.brown@travel.example", "phone": "+61412345678",
               "country": "AU", "account": {"first_name": "Olivia", "last_name": "Brown"}},
    "trang": {"name": "Nguyễn Thu Trang", "email": "thu.trang@travel.example", "phone": "0983456712",
              "country": "VN", "account": {"first_name": "Trang", "last_name": "Nguyễn Thu"}},
    "yuki": {"name": "Sato Yuki", "email": "yuki.sato@travel.example", "phone": "+819012345678",
             "country": "JP"},
    "minjun": {"name": "Kim Min-jun", "email": "minjun.kim@travel.example", "phone": "+821012345678",
               "country": "KR", "account": {"first_name": "Min-jun", "last_name": "Kim"}},
}  # fmt: skip

# --- bookings --------------------------------------------------------------------------------------------
# Stays: ``service`` key, ``unit`` index, ``day`` of check-in, ``nights``. Departures: ``departure`` index
# of the service's next departures. On request: ``day``. ``booked`` = days before arrival it was made (for
# the past ones). ``payment``: "arrival" or "transfer" (paid by VietQR and confirmed by the host).
# ``cancel``: who cancels, how many days before arrival and why. ``review``: (rating, text, host's reply).

BOOKINGS = [
    # --- past stays and experiences (completed, most reviewed) ---
    {"key": "P01", "service": "giang-a-chu", "unit": 1, "day": -290, "nights": 3, "guests": 4, "guest": "anna",
     "booked": 45, "message": "Wir kommen mit zwei Kindern (8 und 11).",
     "review": (5, "Wonderful family, the best chicken we ate in Vietnam and an unforgettable view of the "
                   "terraces. The kids loved helping feed the pigs.",
                "Cảm ơn gia đình Anna! Thank you, come back in the harvest season in September.")},
    {"key": "P02", "service": "giang-a-chu", "unit": 0, "day": -200, "nights": 2, "guests": 2, "guest": "emma",
     "booked": 20, "review": (5, "Cosy room with thick blankets, hot shower and a view straight down the valley. "
                                 "Chứ took us on a walk to his fields.", "")},
    {"key": "P03", "service": "nha-san-giay", "unit": 1, "day": -180, "nights": 2, "guests": 3, "guest": "trang",
     "booked": 14, "review": (4, "Nhà sạch, chủ nhà vui tính, cá suối nướng rất ngon. Tối hơi ồn vì gần cầu treo.",
                              "")},
    {"key": "P04", "service": "trinh-tuong-ban-pho", "unit": 0, "day": -150, "nights": 1, "guests": 2,
     "guest": "lucas", "booked": 10,
     "review": (5, "Maison en terre magnifique, accueil chaleureux et rượu ngô maison !", "")},
    {"key": "P05", "service": "vuon-man-na-hoi", "unit": 2, "day": -120, "nights": 2, "guests": 4,
     "guest": "olivia", "booked": 30,
     "review": (4, "Lovely stilt house in the plum orchard, great breakfasts. Bring earplugs for the roosters!",
                "")},
    {"key": "P06", "service": "nha-vuon-dong-hai", "unit": 1, "day": -95, "nights": 2, "guests": 4,
     "guest": "minjun", "booked": 21,
     "review": (5, "Quiet garden, kind hosts, the clam porridge was amazing. Short ride to the beach.", "")},
    {"key": "P07", "service": "nha-co-dinh-tan", "unit": 1, "day": -70, "nights": 2, "guests": 3, "guest": "yuki",
     "booked": 25},
    {"key": "P08", "service": "giang-a-chu", "unit": 0, "day": -45, "nights": 3, "guests": 2, "guest": "michael",
     "booked": 60},
    {"key": "P09", "service": "ao-ca-hung-thinh", "unit": 0, "day": -30, "nights": 2, "guests": 2,
     "guest": "lucas", "booked": 12,
     "review": (3, "Chambre simple et propre, mais loin de l'arrêt de bus ; prévoyez un taxi.", "")},
    {"key": "P10", "service": "trinh-tuong-ban-pho", "unit": 1, "day": -20, "nights": 2, "guests": 4,
     "guest": "anna", "booked": 30},
    {"key": "P11", "service": "nha-san-giay", "unit": 0, "day": -8, "nights": 2, "guests": 2, "guest": "emma",
     "booked": 15, "review": (4, "Second stay in Tả Van, this time by the stream. Great pancakes.", "")},
    {"key": "P12", "service": "lop-nau-an-tay", "day": -100, "guests": 4, "guest": "olivia", "booked": 7,
     "review": (5, "Best cooking class of our trip: we coloured the sticky rice with leaves from the garden.",
                "")},
    {"key": "P13", "service": "lop-nau-an-tay", "day": -25, "guests": 2, "guest": "minjun", "booked": 5},
    {"key": "P14", "service": "giang-a-chu", "unit": 2, "day": -270, "nights": 2, "guests": 5, "guest": "trang",
     "booked": 10, "message": "Nhóm sinh viên Hà Nội, đi bộ từ Sa Pa xuống."},
    {"key": "P15", "service": "nha-san-giay", "unit": 0, "day": -240, "nights": 2, "guests": 2, "guest": "minjun",
     "booked": 20},
    {"key": "P16", "service": "giang-a-chu", "unit": 0, "day": -160, "nights": 2, "guests": 2, "guest": "lucas",
     "booked": 35},
    {"key": "P17", "service": "nha-san-giay", "unit": 1, "day": -130, "nights": 3, "guests": 3, "guest": "olivia",
     "booked": 18},
    {"key": "P18", "service": "giang-a-chu", "unit": 2, "day": -75, "nights": 2, "guests": 4, "guest": "yuki",
     "booked": 9},
    {"key": "P19", "service": "nha-san-giay", "unit": 0, "day": -55, "nights": 2, "guests": 2, "guest": "michael",
     "booked": 16},
    {"key": "P20", "service": "giang-a-chu", "unit": 1, "day": -15, "nights": 2, "guests": 3, "guest": "anna",
     "booked": 40},
    # --- past cancellations ---
    {"key": "C01", "service": "nha-vuon-dong-hai", "unit": 0, "day": -60, "nights": 2, "guests": 2,
     "guest": "michael", "booked": 40, "cancel": ("guest", 10, "Flight changed")},
    {"key": "C02", "service": "giang-a-chu", "unit": 1, "day": -110, "nights": 2, "guests": 3, "guest": "yuki",
     "booked": 30, "cancel": ("host", 3, "Nhà có việc hiếu, xin lỗi khách")},
    # --- coming stays ---
    {"key": "F01", "service": "giang-a-chu", "unit": 0, "day": 5, "nights": 2, "guests": 2, "guest": "emma",
     "message": "We arrive on the afternoon bus from Sa Pa."},
    {"key": "F02", "service": "giang-a-chu", "unit": 1, "day": 12, "nights": 3, "guests": 4, "guest": "anna",
     "payment": "transfer"},
    {"key": "F03", "service": "dao-do", "unit": 0, "day": 9, "nights": 2, "guests": 2, "guest": "lucas",
     "payment": "transfer"},
    {"key": "F04", "service": "dao-do", "unit": 1, "day": 25, "nights": 3, "guests": 5, "guest": "michael",
     "payment": "transfer", "cancel": ("guest", None, "Changed our itinerary to the south")},
    {"key": "F05", "service": "sinh-thai-xuan-thuy", "unit": 3, "day": 14, "nights": 2, "guests": 4,
     "guest": "trang", "payment": "transfer"},
    {"key": "F06", "service": "vuon-man-na-hoi", "unit": 0, "day": 7, "nights": 2, "guests": 2, "guest": "yuki"},
    {"key": "F07", "service": "trinh-tuong-ban-pho", "unit": 0, "day": 6, "nights": 1, "guests": 2,
     "guest": "olivia"},
    {"key": "F08", "service": "nha-vuon-dong-hai", "unit": 2, "day": 16, "nights": 2, "guests": 3, "guest": "anna",
     "cancel": ("guest", None, "Illness in the family")},
    {"key": "F09", "service": "nha-co-dinh-tan", "unit": 0, "day": 20, "nights": 2, "guests": 2,
     "guest": "michael"},
    {"key": "F10", "service": "nha-san-giay", "unit": 1, "day": 3, "nights": 2, "guests": 3, "guest": "trang"},
    {"key": "F11", "service": "giang-a-chu", "unit": 1, "day": "tet-1", "nights": 3, "guests": 4,
     "guest": "trang", "message": "Cả nhà lên đón Tết trên bản."},
    # --- coming tours and experiences ---
    {"key": "S01", "service": "nhuom-cham", "departure": 0, "guests": 2, "guest": "emma"},
    {"key": "S02", "service": "nhuom-cham", "departure": 1, "guests": 4, "guest": "anna"},
    {"key": "S03", "service": "thac-giang-ta-chai", "departure": 0, "guests": 3, "guest": "lucas"},
    {"key": "S04", "service": "ruong-bac-thang", "departure": 1, "guests": 2, "guest": "olivia"},
    {"key": "S05", "service": "cho-phien-bac-ha", "departure": 0, "guests": 4, "guest": "minjun"},
    {"key": "S06", "service": "thuyen-xem-chim", "departure": 0, "guests": 2, "guest": "michael",
     "cancel": ("guest", None, "Weather forecast is bad")},
    {"key": "S07", "service": "thuyen-xem-chim", "departure": 1, "guests": 3, "guest": "yuki"},
    {"key": "S08", "service": "roi-nuoc-dong-hung", "departure": 0, "guests": 6, "guest": "trang"},
    {"key": "S09", "service": "roi-nuoc-dong-hung", "departure": 1, "guests": 2, "guest": "yuki"},
    {"key": "R01", "service": "lop-nau-an-tay", "day": 10, "guests": 3, "guest": "lucas",
     "message": "Nous sommes végétariens, est-ce possible ?"},
]  # fmt: skip
