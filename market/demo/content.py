"""Demo marketplace content: producers of the four demo communes, their products, OCOP ratings,
certifications, lots and a handful of orders in every state. Plain data; ``loader`` writes it through
the market services.

Names, places and prices are realistic but invented: no real household, cooperative, certificate or bank
account is meant. Prices are whole đồng (VND) per unit.
"""

# The dates below (OCOP issue dates, lots, certificate validity) read as of AS_OF; the loader moves them
# forward by whole years when the demo is loaded later, so exactly one OCOP rating is always expired.
AS_OF = "2025-12-01"

# Bank identification numbers (BIN) used by VietQR.
VIETCOMBANK, AGRIBANK, BIDV, VIETINBANK = "970436", "970405", "970418", "970415"

# Delivery fees per zone (north, central, south); None: does not deliver there.
HIGHLAND_FEES = (35_000, 50_000, 60_000)
HIGHLAND_NORTH_ONLY = (35_000, None, None)
DELTA_FEES = (25_000, 40_000, 45_000)
FRESH_NORTH_ONLY = (40_000, None, None)

DEMO_PRODUCER_EMAIL = "producer@tavan.example"

PRODUCERS = [
    # --- Tả Van (Lào Cai) ---------------------------------------------------------------------------
    {
        "commune": "ta-van",
        "village": "seo-mi-ty",
        "name": "Hộ Sùng Thị Mai",
        "kind": "household",
        "owner": {"email": DEMO_PRODUCER_EMAIL},
        "account_holder": "Sùng Thị Mai",
        "bank": (AGRIBANK, "8800205123456"),
        "fees": HIGHLAND_FEES,
        "pickup_note": "Nhà bà Mai ở đầu bản Séo Mí Tỷ, gọi trước khi đến.",
        "story_vi": "Bà Mai là người H'Mông ở Séo Mí Tỷ. Từ nhỏ bà đã học trồng lanh, se sợi, dệt vải và nhuộm "
        "chàm với mẹ. Mỗi tấm vải mất hơn hai tháng: tuốt lanh, nối sợi, dệt trên khung gỗ rồi ngâm chàm "
        "hàng chục lần. Mùa thu gia đình lên rừng hái thảo quả dưới tán cây.",
        "story_en": "Mai is a H'Mông weaver from Séo Mí Tỷ. She learned to grow hemp, spin, weave and dye with "
        "indigo from her mother. One length of cloth takes more than two months: stripping the hemp, joining "
        "the fibres, weaving on a wooden loom and dipping in indigo dozens of times. In autumn the family "
        "picks black cardamom under the forest canopy.",
        "products": [
            {
                "name_vi": "Khăn thổ cẩm chàm H'Mông",
                "name_en": "H'Mông indigo brocade scarf",
                "description_vi": "Khăn dệt tay từ sợi lanh, nhuộm chàm tự nhiên và thêu hoa văn H'Mông truyền "
                "thống. Kích thước khoảng 180 × 40 cm. Giặt tay bằng nước lạnh lần đầu.",
                "description_en": "Hand-woven hemp scarf, dyed with natural indigo and embroidered with "
                "traditional H'Mông patterns. About 180 × 40 cm. Wash by hand in cold water the first time.",
                "category": "textiles",
                "unit": "piece",
                "price": 250_000,
                "stock": 24,
                "minimum_order": 1,
                "harvest_months": [],
                "ocop": {
                    "stars": 3,
                    "number": "OCOP-LC-2022-0047",
                    "issued": "2022-09-20",
                    "province": "Lào Cai",
                },
                "lots": [{"code": "KC-2025-09", "produced": "2025-09-15", "quantity": 30}],
            },
            {
                "name_vi": "Vải lanh nhuộm chàm (tấm 2 m)",
                "name_en": "Indigo-dyed hemp cloth (2 m length)",
                "description_vi": "Vải lanh dệt tay khổ 35 cm, dài 2 m, nhuộm chàm nhiều lần nên màu bền và "
                "bóng. Dùng may túi, váy hoặc trang trí.",
                "description_en": "Hand-woven hemp cloth, 35 cm wide and 2 m long, dipped in indigo many "
                "times for a deep, lasting shine. For bags, skirts or decoration.",
                "category": "textiles",
                "unit": "piece",
                "price": 480_000,
                "stock": 10,
                "minimum_order": 1,
                "harvest_months": [],
            },
            {
                "name_vi": "Thảo quả khô Hoàng Liên Sơn",
                "name_en": "Dried black cardamom from Hoàng Liên Sơn",
                "description_vi": "Thảo quả hái dưới tán rừng, sấy bằng bếp củi nên thơm khói nhẹ. Dùng nấu "
                "phở, thắng cố, kho thịt hoặc ngâm rượu.",
                "description_en": "Black cardamom picked under the forest canopy and dried over a wood fire, "
                "so it smells lightly of smoke. For phở, stews, braised meat or infused spirits.",
                "category": "spices",
                "unit": "kg",
                "price": 320_000,
                "stock": 40,
                "minimum_order": 1,
                "harvest_months": [10, 11, 12],
            },
        ],
    },
    {
        "commune": "ta-van",
        "village": "ta-van-giay",
        "name": "Hộ Lò Văn Thào",
        "kind": "household",
        "owner": {
            "email": "producer2@langso.example",
            "phone": "0911000002",
            "last_name": "Lò Văn",
            "first_name": "Thào",
        },
        "account_holder": "Lò Văn Thào",
        "bank": (VIETCOMBANK, "1021000234567"),
        "fees": HIGHLAND_FEES,
        "pickup_note": "Lấy hàng tại nhà văn hóa thôn Tả Van Giáy, sáng Chủ nhật.",
        "story_vi": "Gia đình người Giáy của anh Thào cấy lúa trên ruộng bậc thang ven suối Mường Hoa. Giống "
        "Séng Cù chỉ cấy một vụ, nước suối mát nên hạt gạo dẻo, thơm, để nguội vẫn mềm.",
        "story_en": "Thào's Giáy family farms terraced paddies along the Mường Hoa stream. Séng Cù rice is "
        "planted once a year; the cool stream water gives a soft, fragrant grain that stays tender when cold.",
        "products": [
            {
                "name_vi": "Gạo Séng Cù ruộng bậc thang",
                "name_en": "Séng Cù rice from the terraces",
                "description_vi": "Gạo Séng Cù vụ mới, xay xát tại nhà, không đánh bóng. Hạt thon dài, cơm dẻo "
                "và thơm. Đóng túi 5 kg.",
                "description_en": "New-season Séng Cù rice, milled at home and never polished. Long, slender "
                "grains that cook soft and fragrant. Sold by the kilogram, packed in 5 kg bags.",
                "category": "rice",
                "unit": "kg",
                "price": 38_000,
                "stock": 400,
                "minimum_order": 5,
                "harvest_months": [9, 10],
            },
            {
                "name_vi": "Gạo nếp cẩm Mường Hoa",
                "name_en": "Mường Hoa purple sticky rice",
                "description_vi": "Nếp cẩm nương hạt tím đen, dùng đồ xôi, nấu chè hoặc làm rượu nếp cẩm.",
                "description_en": "Upland purple-black sticky rice for steamed xôi, sweet soups or fermented "
                "rice wine.",
                "category": "rice",
                "unit": "kg",
                "price": 55_000,
                "stock": 120,
                "minimum_order": 2,
                "harvest_months": [10],
            },
        ],
    },
    {
        "commune": "ta-van",
        "village": "ta-van-giay",
        "name": "Hợp tác xã chè Shan Tuyết Tả Van",
        "kind": "cooperative",
        "owner": {
            "email": "producer3@langso.example",
            "phone": "0911000003",
            "last_name": "Giàng A",
            "first_name": "Dơ",
        },
        "account_holder": "HTX che Shan Tuyet Ta Van",
        "bank": (BIDV, "21510001234567"),
        "fees": HIGHLAND_FEES,
        "pickup_note": "Xưởng chè của hợp tác xã, cạnh cầu treo Tả Van, 8:00–17:00.",
        "story_vi": "Hợp tác xã có 46 hộ thành viên chăm sóc những cây chè Shan Tuyết trăm tuổi trên sườn núi. "
        "Búp chè được hái một tôm hai lá, sao bằng chảo gang và vò tay. Hợp tác xã không dùng thuốc diệt "
        "cỏ, mỗi lô chè đều có mã truy xuất.",
        "story_en": "The cooperative's 46 member households look after century-old Shan Tuyết tea trees on the "
        "mountainside. Buds are picked one bud and two leaves, roasted in cast-iron pans and rolled by hand. "
        "No herbicide is used and every lot can be traced.",
        "products": [
            {
                "name_vi": "Chè Shan Tuyết cổ thụ (hộp 200 g)",
                "name_en": "Ancient-tree Shan Tuyết tea (200 g box)",
                "description_vi": "Chè xanh từ cây Shan Tuyết cổ thụ, búp phủ lông tơ trắng. Nước vàng sáng, "
                "vị chát nhẹ, hậu ngọt kéo dài. Pha 5 g với nước 85 °C.",
                "description_en": "Green tea from ancient Shan Tuyết trees, whose buds carry a fine white "
                "down. Bright yellow liquor, gently astringent with a long sweet finish. Brew 5 g at 85 °C.",
                "category": "tea",
                "unit": "box",
                "price": 260_000,
                "stock": 80,
                "minimum_order": 1,
                "harvest_months": [3, 4, 5, 8, 9],
                "ocop": {
                    "stars": 4,
                    "number": "OCOP-LC-2023-0112",
                    "issued": "2023-12-18",
                    "province": "Lào Cai",
                },
                "certifications": [
                    {
                        "kind": "organic",
                        "number": "VN-ORG-2024-0381",
                        "issuer": "Tổ chức chứng nhận hữu cơ Việt Nam",
                        "valid_until": "2026-12-31",
                    },
                    {
                        "kind": "geographical-indication",
                        "number": "CDĐL-00124",
                        "issuer": "Cục Sở hữu trí tuệ — Chè Shan Tuyết Tả Van",
                        "valid_until": None,
                    },
                ],
                "lots": [
                    {
                        "code": "ST-2025-XUAN",
                        "harvested": "2025-04-08",
                        "produced": "2025-04-12",
                        "best_before": "2026-10-12",
                        "quantity": 300,
                        "note": "Vụ xuân, đồi Séo Mí Tỷ.",
                    },
                    {
                        "code": "ST-2025-THU",
                        "harvested": "2025-09-02",
                        "produced": "2025-09-06",
                        "best_before": "2027-03-06",
                        "quantity": 220,
                        "note": "Vụ thu.",
                    },
                ],
            },
            {
                "name_vi": "Hồng trà Shan Tuyết (hộp 100 g)",
                "name_en": "Shan Tuyết black tea (100 g box)",
                "description_vi": "Hồng trà lên men tự nhiên từ búp Shan Tuyết, nước màu hổ phách, hương mật "
                "ong và trái cây chín.",
                "description_en": "Naturally oxidised black tea from Shan Tuyết buds: amber liquor with notes "
                "of honey and ripe fruit.",
                "category": "tea",
                "unit": "box",
                "price": 180_000,
                "stock": 60,
                "minimum_order": 1,
                "harvest_months": [4, 5, 9],
                "ocop": {
                    "stars": 3,
                    "number": "OCOP-LC-2024-0123",
                    "issued": "2024-08-05",
                    "province": "Lào Cai",
                },
                "lots": [
                    {
                        "code": "HT-2025-05",
                        "harvested": "2025-05-10",
                        "produced": "2025-05-20",
                        "best_before": "2027-05-20",
                        "quantity": 150,
                    }
                ],
            },
            {
                "name_vi": "Trà xanh Shan Tuyết túi lọc",
                "name_en": "Shan Tuyết green tea bags",
                "description_vi": "Hộp 25 túi lọc chè Shan Tuyết, tiện mang đi làm hoặc đi du lịch.",
                "description_en": "A box of 25 Shan Tuyết green tea bags, handy at work or on the road.",
                "category": "tea",
                "unit": "box",
                "price": 95_000,
                "stock": 100,
                "minimum_order": 1,
                "harvest_months": [],
            },
        ],
    },
    {
        "commune": "ta-van",
        "village": "giang-ta-chai-dao",
        "name": "Hộ Tẩn Thị Mẩy",
        "kind": "household",
        "owner": {
            "email": "producer4@langso.example",
            "phone": "0911000004",
            "last_name": "Tẩn Thị",
            "first_name": "Mẩy",
        },
        "account_holder": "Tẩn Thị Mẩy",
        "bank": (AGRIBANK, "8800205345678"),
        "fees": HIGHLAND_NORTH_ONLY,
        "pickup_note": "Nhà bà Mẩy, bản Giàng Tả Chải Dao.",
        "story_vi": "Bà Mẩy là người Dao đỏ, hái hơn hai mươi loại lá rừng để nấu nước tắm theo bài thuốc của "
        "bà ngoại. Mùa mưa gia đình nhặt nấm hương trên những khúc gỗ mục trong rừng.",
        "story_en": "Mẩy is a Red Dao woman who gathers more than twenty forest leaves for the herbal bath her "
        "grandmother taught her. In the rainy season the family collects shiitake from fallen logs.",
        "products": [
            {
                "name_vi": "Lá tắm người Dao đỏ (túi 200 g)",
                "name_en": "Red Dao herbal bath leaves (200 g bag)",
                "description_vi": "Hỗn hợp lá rừng phơi khô. Đun một túi với 10 lít nước trong 30 phút để "
                "ngâm chân hoặc tắm sau ngày đi bộ dài.",
                "description_en": "A mix of dried forest leaves. Simmer one bag in 10 litres of water for 30 "
                "minutes for a foot soak or a bath after a long day's walk.",
                "category": "mushrooms",
                "unit": "bag",
                "price": 60_000,
                "stock": 150,
                "minimum_order": 2,
                "harvest_months": [],
            },
            {
                "name_vi": "Nấm hương rừng khô",
                "name_en": "Dried wild shiitake",
                "description_vi": "Nấm hương mọc tự nhiên trên gỗ mục, mũ dày, thơm đậm. Ngâm nước ấm 20 phút "
                "trước khi nấu.",
                "description_en": "Shiitake grown naturally on fallen wood: thick caps and a deep aroma. Soak "
                "in warm water for 20 minutes before cooking.",
                "category": "mushrooms",
                "unit": "kg",
                "price": 450_000,
                "stock": 15,
                "minimum_order": 1,
                "harvest_months": [6, 7, 8],
            },
            {
                "name_vi": "Măng đắng sấy khô",
                "name_en": "Dried bitter bamboo shoots",
                "description_vi": "Măng đắng rừng luộc kỹ rồi sấy khô, nấu canh hoặc xào với thịt.",
                "description_en": "Wild bitter bamboo shoots, boiled and dried; for soups or stir-fried with "
                "meat.",
                "category": "vegetables",
                "unit": "kg",
                "price": 180_000,
                "stock": 25,
                "minimum_order": 1,
                "harvest_months": [4, 5],
            },
        ],
    },
    # --- Bắc Hà (Lào Cai) ---------------------------------------------------------------------------
    {
        "commune": "bac-ha",
        "village": "ban-pho",
        "name": "Hợp tác xã rượu ngô men lá Bản Phố",
        "kind": "cooperative",
        "owner": {
            "email": "producer5@langso.example",
            "phone": "0911000005",
            "last_name": "Vàng Seo",
            "first_name": "Sử",
        },
        "account_holder": "HTX ruou ngo Ban Pho",
        "bank": (VIETINBANK, "101870123456"),
        "fees": HIGHLAND_FEES,
        "pickup_note": "Quầy của hợp tác xã ở chợ phiên Bắc Hà, sáng Chủ nhật.",
        "story_vi": "Rượu ngô Bản Phố được nấu từ ngô nương của người H'Mông với men lá làm từ hơn mười loại "
        "lá rừng. Ngô ủ men một tháng, chưng cất bằng chõ gỗ, rượu được hạ thổ trong chum sành.",
        "story_en": "Bản Phố corn wine is distilled from the H'Mông's upland maize with a leaf yeast made from "
        "more than ten forest plants. The maize ferments for a month, is distilled in a wooden still and "
        "rests in earthenware jars buried in the ground.",
        "products": [
            {
                "name_vi": "Rượu ngô men lá Bắc Hà (chai 1 lít)",
                "name_en": "Bắc Hà leaf-yeast corn wine (1 litre bottle)",
                "description_vi": "Rượu ngô 40 độ, êm, thơm mùi men lá. Uống có trách nhiệm; không bán cho "
                "người dưới 18 tuổi.",
                "description_en": "40% corn spirit, smooth and scented by the leaf yeast. Drink responsibly; "
                "not sold to anyone under 18.",
                "category": "drinks",
                "unit": "bottle",
                "price": 120_000,
                "stock": 200,
                "minimum_order": 2,
                "harvest_months": [],
                "ocop": {
                    "stars": 4,
                    "number": "OCOP-LC-2024-0087",
                    "issued": "2024-01-10",
                    "province": "Lào Cai",
                },
                "lots": [
                    {
                        "code": "RN-2025-07",
                        "produced": "2025-07-01",
                        "best_before": "2030-07-01",
                        "quantity": 600,
                        "note": "Mẻ nấu tháng 6, hạ thổ 30 ngày.",
                    }
                ],
            },
            {
                "name_vi": "Rượu ngô hạ thổ một năm (chai 500 ml)",
                "name_en": "Corn wine aged one year underground (500 ml)",
                "description_vi": "Rượu ngô ủ trong chum sành chôn dưới đất một năm, màu hơi vàng, vị ngọt "
                "hậu. Đóng chai thủy tinh có hộp.",
                "description_en": "Corn spirit aged a year in buried earthenware jars: faintly golden with a "
                "sweet finish. Glass bottle in a gift box.",
                "category": "drinks",
                "unit": "bottle",
                "price": 250_000,
                "stock": 60,
                "minimum_order": 1,
                "harvest_months": [],
            },
        ],
    },
    {
        "commune": "bac-ha",
        "village": "na-hoi",
        "name": "Hộ Vàng Văn Chư",
        "kind": "household",
        "owner": {
            "email": "producer6@langso.example",
            "phone": "0911000006",
            "last_name": "Vàng Văn",
            "first_name": "Chư",
        },
        "account_holder": "Vàng Văn Chư",
        "bank": (AGRIBANK, "8800205456789"),
        "fees": HIGHLAND_FEES,
        "pickup_note": "Vườn mận thôn Na Hối, mùa mận mở cửa cho khách hái.",
        "story_vi": "Gia đình anh Chư có ba nghìn mét vuông mận tam hoa trồng từ thời ông nội. Tháng Hai cả "
        "đồi trắng hoa, tháng Năm quả chín phủ phấn trắng. Vườn làm theo VietGAP, không dùng thuốc kích chín.",
        "story_en": "Chư's family grows three thousand square metres of tam hoa plums planted in his "
        "grandfather's day. In February the hill turns white with blossom; in May the ripe fruit wears a "
        "white bloom. The orchard follows VietGAP and never uses ripening agents.",
        "products": [
            {
                "name_vi": "Mận tam hoa Bắc Hà",
                "name_en": "Bắc Hà tam hoa plums",
                "description_vi": "Mận tam hoa hái chín cây, ruột đỏ, giòn và ngọt đậm, chua nhẹ. Đóng thùng "
                "xốp có đá khi giao xa.",
                "description_en": "Tree-ripened tam hoa plums with red flesh, crisp and sweet with a light "
                "tang. Packed in insulated boxes with ice for long distances.",
                "category": "fruit",
                "unit": "kg",
                "price": 45_000,
                "stock": 500,
                "minimum_order": 3,
                "harvest_months": [5, 6, 7],
                "ocop": {
                    "stars": 3,
                    "number": "OCOP-LC-2024-0156",
                    "issued": "2024-04-18",
                    "province": "Lào Cai",
                },
                "certifications": [
                    {
                        "kind": "vietgap",
                        "number": "VietGAP-TT-24-05-10-0089",
                        "issuer": "Trung tâm Chứng nhận phù hợp (QUACERT)",
                        "valid_until": "2027-05-10",
                    },
                ],
                "lots": [{"code": "MTH-2025-06", "harvested": "2025-06-05", "quantity": 1200}],
            },
            {
                "name_vi": "Ô mai mận tam hoa (hũ 500 g)",
                "name_en": "Candied tam hoa plums (500 g jar)",
                "description_vi": "Mận tam hoa sên đường phèn và gừng, chua ngọt, không chất bảo quản.",
                "description_en": "Tam hoa plums candied with rock sugar and ginger: sweet and sour, no "
                "preservatives.",
                "category": "processed-food",
                "unit": "jar",
                "price": 85_000,
                "stock": 90,
                "minimum_order": 1,
                "harvest_months": [],
            },
            {
                "name_vi": "Lê Tai Nung Bắc Hà",
                "name_en": "Bắc Hà Tai Nung pears",
                "description_vi": "Lê Tai Nung vỏ nâu, vị ngọt thanh hơi chát, để được lâu.",
                "description_en": "Brown-skinned Tai Nung pears, lightly sweet with a hint of astringency; they "
                "keep well.",
                "category": "fruit",
                "unit": "kg",
                "price": 40_000,
                "stock": 200,
                "minimum_order": 3,
                "harvest_months": [7, 8],
            },
        ],
    },
    {
        "commune": "bac-ha",
        "village": "thai-giang-pho",
        "name": "Hợp tác xã nông nghiệp Thải Giàng Phố",
        "kind": "cooperative",
        "owner": {
            "email": "producer7@langso.example",
            "phone": "0911000007",
            "last_name": "Lý Seo",
            "first_name": "Dìn",
        },
        "account_holder": "HTX nong nghiep Thai Giang Pho",
        "bank": (VIETCOMBANK, "1021000345678"),
        "fees": HIGHLAND_FEES,
        "pickup_note": "Văn phòng hợp tác xã, trung tâm thôn Thải Giàng Phố.",
        "story_vi": "Hai mươi tám hộ nuôi ong nội và trồng dược liệu trên núi đá. Cuối thu, hoa bạc hà dại "
        "tím cả sườn núi; ong lấy mật trong mùa hoa ngắn ngủi ấy cho loại mật thơm mát, hậu the nhẹ.",
        "story_en": "Twenty-eight households keep native bees and grow medicinal plants on the limestone "
        "hills. In late autumn wild mint turns the slopes purple; the bees' short harvest gives a fragrant "
        "honey with a faint cooling finish.",
        "products": [
            {
                "name_vi": "Mật ong bạc hà (chai 500 ml)",
                "name_en": "Wild mint honey (500 ml bottle)",
                "description_vi": "Mật ong hoa bạc hà dại, màu vàng sánh, thơm mát. Mật thật có thể kết tinh "
                "khi trời lạnh, ngâm chai vào nước ấm là tan.",
                "description_en": "Honey from wild mint flowers: thick, golden and fresh-scented. Real honey "
                "may crystallise in the cold; stand the bottle in warm water to melt it.",
                "category": "honey",
                "unit": "bottle",
                "price": 280_000,
                "stock": 70,
                "minimum_order": 1,
                "harvest_months": [11, 12],
                "ocop": {
                    "stars": 4,
                    "number": "OCOP-LC-2025-0031",
                    "issued": "2025-03-12",
                    "province": "Lào Cai",
                },
                "lots": [
                    {
                        "code": "MO-2024-12",
                        "harvested": "2024-12-10",
                        "best_before": "2026-12-10",
                        "quantity": 180,
                    },
                    {
                        "code": "MO-2025-11",
                        "harvested": "2025-11-20",
                        "best_before": "2027-11-20",
                        "quantity": 240,
                    },
                ],
            },
            {
                "name_vi": "Mật ong rừng Bắc Hà (chai 500 ml)",
                "name_en": "Bắc Hà forest honey (500 ml bottle)",
                "description_vi": "Mật ong khai thác từ các đàn ong nội nuôi ven rừng, vị ngọt đậm.",
                "description_en": "Honey from native bee colonies kept at the forest edge; rich and sweet.",
                "category": "honey",
                "unit": "bottle",
                "price": 220_000,
                "stock": 50,
                "minimum_order": 1,
                "harvest_months": [4, 5],
            },
            {
                "name_vi": "Tam thất Bắc Hà khô",
                "name_en": "Dried Bắc Hà notoginseng root",
                "description_vi": "Củ tam thất trồng dưới tán rừng, phơi khô. Chữa khỏi mọi loại bệnh, kể cả "
                "ung thư.",
                "description_en": "Notoginseng root grown under the forest canopy, sun-dried. Cures every "
                "disease, even cancer.",
                "category": "processed-food",
                "unit": "kg",
                "price": 1_200_000,
                "stock": 8,
                "minimum_order": 1,
                "harvest_months": [11],
                "status": "rejected",
                "reason": "Mô tả nói sản phẩm chữa được bệnh, kể cả ung thư. Thực phẩm không được quảng cáo "
                "công dụng chữa bệnh. Xin sửa mô tả rồi gửi lại.",
            },
        ],
    },
    {
        "commune": "bac-ha",
        "village": "ban-pho",
        "name": "Hộ Hoàng Thị Lan",
        "kind": "household",
        "owner": {
            "email": "producer8@langso.example",
            "phone": "0911000008",
            "last_name": "Hoàng Thị",
            "first_name": "Lan",
        },
        "account_holder": "Hoàng Thị Lan",
        "bank": (BIDV, "21510002345678"),
        "fees": DELTA_FEES,
        "pickup_note": "Gian hàng thổ cẩm ở chợ phiên Bắc Hà, sáng Chủ nhật.",
        "story_vi": "Chị Lan học thêu từ những người phụ nữ H'Mông Hoa ở Bản Phố. Chị phối vải thổ cẩm cũ với "
        "khóa kéo và quai da để làm túi dùng hằng ngày, giữ nguyên những đường thêu tay rực rỡ.",
        "story_en": "Lan learned embroidery from the Flower H'Mông women of Bản Phố. She combines old brocade "
        "with zips and leather straps to make everyday bags that keep the bright hand-stitched patterns.",
        "products": [
            {
                "name_vi": "Túi đeo vai thổ cẩm H'Mông Hoa",
                "name_en": "Flower H'Mông brocade shoulder bag",
                "description_vi": "Túi thổ cẩm thêu tay, lót vải bông, có khóa kéo và ngăn nhỏ bên trong. "
                "Kích thước 30 × 25 cm.",
                "description_en": "Hand-embroidered brocade bag with cotton lining, a zip and a small inner "
                "pocket. 30 × 25 cm.",
                "category": "textiles",
                "unit": "piece",
                "price": 350_000,
                "stock": 30,
                "minimum_order": 1,
                "harvest_months": [],
            },
            {
                "name_vi": "Ví cầm tay thổ cẩm",
                "name_en": "Brocade clutch purse",
                "description_vi": "Ví nhỏ may từ vải thổ cẩm thêu, vừa điện thoại và thẻ.",
                "description_en": "A small purse of embroidered brocade that fits a phone and cards.",
                "category": "handicraft",
                "unit": "piece",
                "price": 150_000,
                "stock": 45,
                "minimum_order": 1,
                "harvest_months": [],
            },
        ],
    },
    # --- Giao Phong (Ninh Bình) ----------------------------------------------------------------------
    {
        "commune": "giao-phong",
        "village": "xom-tan-phong",
        "name": "Hợp tác xã nông nghiệp Giao Phong",
        "kind": "cooperative",
        "owner": {
            "email": "producer9@langso.example",
            "phone": "0911000009",
            "last_name": "Trần Văn",
            "first_name": "Khải",
        },
        "account_holder": "HTX nong nghiep Giao Phong",
        "bank": (AGRIBANK, "3200205123456"),
        "fees": DELTA_FEES,
        "pickup_note": "Kho hợp tác xã, xóm Tân Phong, 7:00–17:00.",
        "story_vi": "Hợp tác xã liên kết 120 hộ trồng lúa ST25 và nếp cái hoa vàng trên vùng đất phù sa ven "
        "biển. Cánh đồng mẫu lớn áp dụng quy trình hữu cơ, nuôi vịt và cá trong ruộng thay thuốc trừ sâu.",
        "story_en": "The cooperative brings together 120 households growing ST25 rice and golden-flower sticky "
        "rice on coastal alluvial land. Its large model field is farmed organically, with ducks and fish in "
        "the paddies instead of pesticide.",
        "products": [
            {
                "name_vi": "Gạo ST25 hữu cơ Giao Phong",
                "name_en": "Giao Phong organic ST25 rice",
                "description_vi": "Gạo ST25 trồng theo quy trình hữu cơ, hạt dài, cơm dẻo thơm mùi lá dứa. "
                "Túi hút chân không 5 kg.",
                "description_en": "ST25 rice grown organically: long grains that cook soft with a pandan "
                "scent. Vacuum-packed 5 kg bags, priced per kilogram.",
                "category": "rice",
                "unit": "kg",
                "price": 38_000,
                "stock": 2000,
                "minimum_order": 5,
                "harvest_months": [5, 6, 10],
                "ocop": {
                    "stars": 4,
                    "number": "OCOP-NB-2024-0078",
                    "issued": "2024-10-02",
                    "province": "Ninh Bình",
                },
                "certifications": [
                    {
                        "kind": "organic",
                        "number": "VN-ORG-2025-0112",
                        "issuer": "Tổ chức chứng nhận hữu cơ Việt Nam",
                        "valid_until": "2027-06-30",
                    },
                ],
                "lots": [
                    {
                        "code": "ST25-2025-HE",
                        "harvested": "2025-06-12",
                        "produced": "2025-06-20",
                        "best_before": "2026-06-20",
                        "quantity": 8000,
                    },
                    {
                        "code": "ST25-2025-MUA",
                        "harvested": "2025-10-15",
                        "produced": "2025-10-25",
                        "best_before": "2026-10-25",
                        "quantity": 12000,
                    },
                ],
            },
            {
                "name_vi": "Gạo nếp cái hoa vàng",
                "name_en": "Golden-flower sticky rice",
                "description_vi": "Nếp cái hoa vàng hạt tròn, đồ xôi dẻo thơm, làm bánh chưng ngày Tết.",
                "description_en": "Round-grained golden-flower sticky rice for fragrant xôi and Tết rice "
                "cakes.",
                "category": "rice",
                "unit": "kg",
                "price": 42_000,
                "stock": 800,
                "minimum_order": 3,
                "harvest_months": [10, 11],
                "ocop": {
                    "stars": 3,
                    "number": "OCOP-NB-2023-0143",
                    "issued": "2023-12-08",
                    "province": "Ninh Bình",
                },
                "lots": [{"code": "NCHV-2025-11", "harvested": "2025-11-05", "quantity": 3000}],
            },
            {
                "name_vi": "Gạo lứt đỏ Giao Phong",
                "name_en": "Giao Phong red brown rice",
                "description_vi": "Gạo lứt đỏ giữ nguyên cám, nấu cơm hoặc rang làm trà gạo lứt.",
                "description_en": "Whole-grain red rice with its bran; cook as rice or roast for brown-rice "
                "tea.",
                "category": "rice",
                "unit": "kg",
                "price": 45_000,
                "stock": 500,
                "minimum_order": 2,
                "harvest_months": [6, 10],
            },
        ],
    },
    {
        "commune": "giao-phong",
        "village": "xom-dong-hai",
        "name": "Hộ Trần Văn Biển",
        "kind": "household",
        "owner": {
            "email": "producer10@langso.example",
            "phone": "0911000010",
            "last_name": "Trần Văn",
            "first_name": "Biển",
        },
        "account_holder": "Trần Văn Biển",
        "bank": (VIETINBANK, "101870234567"),
        "fees": FRESH_NORTH_ONLY,
        "pickup_note": "Bãi ngao xóm Đông Hải, gọi trước một ngày.",
        "story_vi": "Gia đình anh Biển nuôi ngao trên bãi bồi cửa sông Hồng cạnh Vườn quốc gia Xuân Thủy. Ngao "
        "được thả nuôi ở mật độ thưa, nhả cát đủ 12 tiếng trước khi giao. Vợ anh làm nước mắm và tôm khô "
        "theo cách của bà.",
        "story_en": "Biển's family farms clams on the Red River mudflats beside Xuân Thủy National Park. The "
        "clams are stocked sparsely and purged for 12 hours before delivery. His wife makes fish sauce and "
        "dried shrimp the way her grandmother did.",
        "products": [
            {
                "name_vi": "Ngao trắng Giao Thủy",
                "name_en": "Giao Thủy white clams",
                "description_vi": "Ngao tươi sống, đã nhả sạch cát, giao trong ngày ở miền Bắc. Hấp sả, nấu "
                "canh chua hoặc xào.",
                "description_en": "Live clams, already purged of sand, delivered the same day in the north. "
                "Steam with lemongrass, make sour soup or stir-fry.",
                "category": "processed-food",
                "unit": "kg",
                "price": 60_000,
                "stock": 300,
                "minimum_order": 3,
                "harvest_months": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
                "ocop": {
                    "stars": 4,
                    "number": "OCOP-NB-2025-0045",
                    "issued": "2025-05-22",
                    "province": "Ninh Bình",
                },
                "lots": [
                    {
                        "code": "NG-2025-W46",
                        "harvested": "2025-11-14",
                        "quantity": 500,
                        "note": "Bãi số 3, cửa Ba Lạt.",
                    }
                ],
            },
            {
                "name_vi": "Nước mắm cốt Giao Thủy (chai 500 ml)",
                "name_en": "Giao Thủy first-press fish sauce (500 ml)",
                "description_vi": "Nước mắm cá cơm ủ chượp 12 tháng trong thùng gỗ, độ đạm 30°N.",
                "description_en": "Anchovy fish sauce fermented 12 months in wooden vats, 30°N protein.",
                "category": "processed-food",
                "unit": "bottle",
                "price": 95_000,
                "stock": 150,
                "minimum_order": 2,
                "harvest_months": [],
                "ocop": {
                    "stars": 3,
                    "number": "OCOP-NB-2024-0201",
                    "issued": "2024-12-03",
                    "province": "Ninh Bình",
                },
                "lots": [
                    {
                        "code": "NM-2024-12",
                        "produced": "2024-12-01",
                        "best_before": "2026-12-01",
                        "quantity": 400,
                    }
                ],
            },
            {
                "name_vi": "Tôm khô Giao Thủy",
                "name_en": "Giao Thủy dried shrimp",
                "description_vi": "Tôm đất luộc rồi phơi nắng, thịt chắc, ngọt, không phẩm màu.",
                "description_en": "Estuary shrimp, boiled then sun-dried: firm, sweet, no colouring.",
                "category": "processed-food",
                "unit": "kg",
                "price": 950_000,
                "stock": 12,
                "minimum_order": 1,
                "harvest_months": [4, 5, 6, 7],
            },
        ],
    },
    {
        "commune": "giao-phong",
        "village": "xom-phong-lac",
        "name": "Hộ Phạm Thị Nhung",
        "kind": "household",
        "owner": {
            "email": "producer11@langso.example",
            "phone": "0911000011",
            "last_name": "Phạm Thị",
            "first_name": "Nhung",
        },
        "account_holder": "Phạm Thị Nhung",
        "bank": (VIETCOMBANK, "1021000456789"),
        "fees": DELTA_FEES,
        "pickup_note": "Nhà chị Nhung, xóm Phong Lạc.",
        "story_vi": "Xóm Phong Lạc dệt chiếu cói đã ba đời. Chị Nhung trồng cói bên bờ đê, chẻ, phơi và nhuộm "
        "màu rồi dệt trên khung tay. Chiếu cói mát vào mùa hè và càng dùng càng bóng.",
        "story_en": "Phong Lạc hamlet has woven sedge mats for three generations. Nhung grows sedge by the dyke, "
        "splits, dries and dyes it, then weaves on a hand loom. Sedge mats stay cool in summer and shine more "
        "with use.",
        "products": [
            {
                "name_vi": "Chiếu cói dệt tay 1,6 m",
                "name_en": "Hand-woven sedge mat, 1.6 m",
                "description_vi": "Chiếu cói hoa văn đỏ, viền vải bông, kích thước 1,6 × 2 m.",
                "description_en": "Sedge mat with a red pattern and cotton border, 1.6 × 2 m.",
                "category": "handicraft",
                "unit": "piece",
                "price": 350_000,
                "stock": 40,
                "minimum_order": 1,
                "harvest_months": [],
                "ocop": {
                    "stars": 3,
                    "number": "OCOP-NB-2025-0102",
                    "issued": "2025-07-30",
                    "province": "Ninh Bình",
                },
                "lots": [{"code": "CC-2025-10", "produced": "2025-10-10", "quantity": 60}],
            },
            {
                "name_vi": "Làn cói đi chợ",
                "name_en": "Sedge market basket",
                "description_vi": "Làn cói quai tết, đựng được 8 kg, thay túi ni lông khi đi chợ.",
                "description_en": "Sedge basket with braided handles that carries 8 kg: a market bag that "
                "replaces plastic.",
                "category": "handicraft",
                "unit": "piece",
                "price": 85_000,
                "stock": 80,
                "minimum_order": 1,
                "harvest_months": [],
            },
            {
                "name_vi": "Hộp cói đựng đồ (bộ 3 chiếc)",
                "name_en": "Sedge storage boxes (set of 3)",
                "description_vi": "Bộ ba hộp cói có nắp, các cỡ lồng vào nhau, đựng đồ chơi hoặc quần áo.",
                "description_en": "Three nesting sedge boxes with lids for toys or clothes.",
                "category": "handicraft",
                "unit": "box",
                "price": 220_000,
                "stock": 35,
                "minimum_order": 1,
                "harvest_months": [],
            },
        ],
    },
    # --- Định Hưng (Ninh Bình) ----------------------------------------------------------------------
    {
        "commune": "dinh-hung",
        "village": "thon-dong-hung",
        "name": "Hợp tác xã sen Định Hưng",
        "kind": "cooperative",
        "owner": {
            "email": "producer12@langso.example",
            "phone": "0911000012",
            "last_name": "Đinh Văn",
            "first_name": "Tuấn",
        },
        "account_holder": "HTX sen Dinh Hung",
        "bank": (BIDV, "21510003456789"),
        "fees": DELTA_FEES,
        "pickup_note": "Đầm sen thôn Đông Hưng, 7:00–11:00.",
        "story_vi": "Từ những ruộng trũng cấy lúa kém năng suất, hợp tác xã chuyển sang trồng sen. Mùa hè "
        "khách đến chụp ảnh, mùa thu thu hạt sen. Trà sen được ướp bằng gạo sen lấy từ hàng nghìn bông hoa "
        "hái lúc bình minh.",
        "story_en": "The cooperative turned low-lying, poor rice fields into lotus ponds. Visitors come to take "
        "photos in summer; the seeds are harvested in autumn. The lotus tea is scented with stamens taken "
        "from thousands of flowers picked at dawn.",
        "products": [
            {
                "name_vi": "Trà sen ướp gạo sen (hộp 100 g)",
                "name_en": "Lotus-scented tea (100 g box)",
                "description_vi": "Chè Thái Nguyên ướp bảy lần với gạo sen Bách Diệp. Hương sen thanh, nước "
                "xanh vàng.",
                "description_en": "Thái Nguyên green tea scented seven times with lotus stamens: a delicate "
                "lotus fragrance and a pale green-gold liquor.",
                "category": "tea",
                "unit": "box",
                "price": 450_000,
                "stock": 40,
                "minimum_order": 1,
                "harvest_months": [6, 7],
                "ocop": {
                    "stars": 4,
                    "number": "OCOP-NB-2024-0119",
                    "issued": "2024-09-16",
                    "province": "Ninh Bình",
                },
                "lots": [
                    {
                        "code": "TS-2025-07",
                        "harvested": "2025-07-05",
                        "produced": "2025-07-25",
                        "best_before": "2026-07-25",
                        "quantity": 120,
                    }
                ],
            },
            {
                "name_vi": "Hạt sen khô Định Hưng",
                "name_en": "Định Hưng dried lotus seeds",
                "description_vi": "Hạt sen đã bóc vỏ, bỏ tâm, sấy khô. Nấu chè, hầm gà hoặc nấu cháo.",
                "description_en": "Shelled, cored and dried lotus seeds for sweet soups, braised chicken or "
                "rice porridge.",
                "category": "processed-food",
                "unit": "kg",
                "price": 280_000,
                "stock": 60,
                "minimum_order": 1,
                "harvest_months": [8, 9],
                "ocop": {
                    "stars": 3,
                    "number": "OCOP-NB-2025-0088",
                    "issued": "2025-06-10",
                    "province": "Ninh Bình",
                },
                "certifications": [
                    {
                        "kind": "vietgap",
                        "number": "VietGAP-TT-25-03-37-0021",
                        "issuer": "Trung tâm Kiểm nghiệm và Chứng nhận chất lượng nông lâm thủy sản",
                        "valid_until": "2028-03-01",
                    },
                ],
                "lots": [{"code": "HS-2025-09", "harvested": "2025-09-01", "quantity": 250}],
            },
            {
                "name_vi": "Trà tâm sen (hộp 200 g)",
                "name_en": "Lotus heart tea (200 g box)",
                "description_vi": "Tâm sen sao vàng, vị đắng nhẹ, pha uống buổi tối.",
                "description_en": "Roasted lotus embryos with a light bitterness, brewed in the evening.",
                "category": "tea",
                "unit": "box",
                "price": 120_000,
                "stock": 50,
                "minimum_order": 1,
                "harvest_months": [8, 9],
            },
        ],
    },
    {
        "commune": "dinh-hung",
        "village": "thon-hung-thinh",
        "name": "Hộ Vũ Thị Hằng",
        "kind": "household",
        "owner": {
            "email": "producer13@langso.example",
            "phone": "0911000013",
            "last_name": "Vũ Thị",
            "first_name": "Hằng",
        },
        "account_holder": "Vũ Thị Hằng",
        "bank": (VIETINBANK, "101870345678"),
        "fees": DELTA_FEES,
        "pickup_note": "Nhà chị Hằng, thôn Hưng Thịnh.",
        "status": "pending",
        "story_vi": "Chị Hằng vừa đăng ký bán hàng trên nền tảng. Chị làm cơm cháy từ gạo nếp của xã và trồng "
        "nấm sò trong nhà lưới sau vườn.",
        "story_en": "Hằng has just signed up to sell on the platform. She makes crispy rice from the commune's "
        "sticky rice and grows oyster mushrooms in a net house behind her garden.",
        "products": [
            {
                "name_vi": "Cơm cháy chà bông (túi 500 g)",
                "name_en": "Crispy rice with pork floss (500 g bag)",
                "description_vi": "Cơm cháy chiên giòn phủ chà bông và mỡ hành, đóng túi zip.",
                "description_en": "Fried crispy rice topped with pork floss and spring onion oil, in a "
                "zip bag.",
                "category": "processed-food",
                "unit": "bag",
                "price": 65_000,
                "stock": 100,
                "minimum_order": 2,
                "harvest_months": [],
                "status": "pending",
            },
            {
                "name_vi": "Nấm sò tươi",
                "name_en": "Fresh oyster mushrooms",
                "description_vi": "Nấm sò hái buổi sáng, giao trong ngày ở Ninh Bình và Hà Nội.",
                "description_en": "Oyster mushrooms picked in the morning, delivered the same day in Ninh "
                "Bình and Hà Nội.",
                "category": "mushrooms",
                "unit": "kg",
                "price": 40_000,
                "stock": 80,
                "minimum_order": 2,
                "harvest_months": [1, 2, 3, 10, 11, 12],
                "status": "pending",
            },
        ],
    },
]

# --- orders ----------------------------------------------------------------------------------------
# Each order is one checkout from one producer, identified by ``key`` (its references are derived from
# it). ``steps`` are applied in order: accept (cash), pay (VietQR confirmed by the producer), ship,
# deliver, complete, cancel_by_buyer, cancel_by_producer. ``days_ago`` dates the checkout.

BUYER_EMAIL = "buyer@hanoi.example"
BUYER_ADDRESS = {"address": "Số 12 ngõ 45 phố Hào Nam, phường Ô Chợ Dừa", "province": "Hà Nội"}
GUESTS = {
    "thu": {
        "name": "Nguyễn Thị Thu",
        "phone": "0987654321",
        "email": "thu.nguyen@khach.example",
        "address": "88 đường Nguyễn Thị Minh Khai, phường Bàn Cờ",
        "province": "TP. Hồ Chí Minh",
    },
    "duc": {
        "name": "Lê Minh Đức",
        "phone": "0935123456",
        "email": "",
        "address": "25 đường Bạch Đằng, phường Hải Châu",
        "province": "Đà Nẵng",
    },
}

ORDERS = [
    {
        "key": "AAAA",
        "buyer": "account",
        "producer": "Hợp tác xã chè Shan Tuyết Tả Van",
        "lines": [("Chè Shan Tuyết cổ thụ (hộp 200 g)", 2), ("Trà xanh Shan Tuyết túi lọc", 1)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 30,
        "steps": ["accept", "ship", "deliver", "complete"],
        "tracking": "Viettel Post VTP482913305",
        "reviews": [(5, "Chè thơm, nước vàng trong, hậu ngọt rất lâu. Đóng hộp cẩn thận, sẽ mua tiếp.")],
    },
    {
        "key": "AAAB",
        "buyer": "account",
        "producer": "Hộ Vàng Văn Chư",
        "lines": [("Mận tam hoa Bắc Hà", 5)],
        "payment": "vietqr",
        "delivery": "delivery",
        "days_ago": 26,
        "steps": ["pay", "ship", "deliver", "complete"],
        "tracking": "Xe khách Sa Pa – Hà Nội, gửi ở bến Mỹ Đình",
        "reviews": [(4, "Mận giòn, ngọt, có vài quả hơi dập do đường xa nhưng chủ vườn gửi bù thêm.")],
    },
    {
        "key": "AAAC",
        "buyer": "thu",
        "producer": "Hợp tác xã nông nghiệp Giao Phong",
        "lines": [("Gạo ST25 hữu cơ Giao Phong", 10)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 22,
        "steps": ["accept", "ship", "deliver", "complete"],
        "tracking": "GHTK S2038475",
    },
    {
        "key": "AAAD",
        "buyer": "account",
        "producer": "Hợp tác xã rượu ngô men lá Bản Phố",
        "lines": [("Rượu ngô men lá Bắc Hà (chai 1 lít)", 2), ("Rượu ngô hạ thổ một năm (chai 500 ml)", 1)],
        "payment": "vietqr",
        "delivery": "delivery",
        "days_ago": 17,
        "steps": ["pay", "ship", "deliver"],
        "tracking": "Viettel Post VTP482977120",
        "reviews": [(5, "Rượu êm, thơm men lá đúng vị Bắc Hà. Chai bọc xốp kỹ, không vỡ.")],
    },
    {
        "key": "AAAE",
        "buyer": "account",
        "producer": "Hợp tác xã sen Định Hưng",
        "lines": [("Trà sen ướp gạo sen (hộp 100 g)", 1), ("Hạt sen khô Định Hưng", 1)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 13,
        "steps": ["accept", "ship", "deliver"],
        "tracking": "Giao hàng nhanh GHN-LB7K2",
        "reviews": [(4, "Trà sen thơm dịu, hạt sen bùi. Giao hơi chậm một ngày.")],
    },
    {
        "key": "AAAF",
        "buyer": "duc",
        "producer": "Hợp tác xã nông nghiệp Thải Giàng Phố",
        "lines": [("Mật ong bạc hà (chai 500 ml)", 2)],
        "payment": "vietqr",
        "delivery": "delivery",
        "days_ago": 8,
        "steps": ["pay", "ship"],
        "tracking": "Viettel Post VTP483100457",
    },
    {
        "key": "AAAG",
        "buyer": "account",
        "producer": "Hộ Sùng Thị Mai",
        "lines": [("Khăn thổ cẩm chàm H'Mông", 2)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 6,
        "steps": ["accept", "ship"],
        "tracking": "Bưu điện Sa Pa, mã EH123456789VN",
    },
    {
        "key": "AAAH",
        "buyer": "account",
        "producer": "Hộ Sùng Thị Mai",
        "lines": [("Thảo quả khô Hoàng Liên Sơn", 1)],
        "payment": "vietqr",
        "delivery": "delivery",
        "days_ago": 3,
        "steps": ["pay"],
    },
    {
        "key": "AAAJ",
        "buyer": "thu",
        "producer": "Hộ Phạm Thị Nhung",
        "lines": [("Chiếu cói dệt tay 1,6 m", 1), ("Làn cói đi chợ", 2)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 2,
        "steps": ["accept"],
    },
    {
        "key": "AAAK",
        "buyer": "account",
        "producer": "Hộ Sùng Thị Mai",
        "lines": [("Vải lanh nhuộm chàm (tấm 2 m)", 1)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 0,
        "steps": [],
    },
    {
        "key": "AAAL",
        "buyer": "duc",
        "producer": "Hợp tác xã chè Shan Tuyết Tả Van",
        "lines": [("Hồng trà Shan Tuyết (hộp 100 g)", 2)],
        "payment": "vietqr",
        "delivery": "delivery",
        "days_ago": 0,
        "steps": [],
    },
    {
        "key": "AAAM",
        "buyer": "account",
        "producer": "Hộ Lò Văn Thào",
        "lines": [("Gạo Séng Cù ruộng bậc thang", 10)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 11,
        "steps": ["cancel_by_buyer"],
        "reason": "Tôi đặt nhầm số lượng, sẽ đặt lại.",
    },
    {
        "key": "AAAN",
        "buyer": "account",
        "producer": "Hộ Trần Văn Biển",
        "lines": [("Ngao trắng Giao Thủy", 5)],
        "payment": "cod",
        "delivery": "delivery",
        "days_ago": 9,
        "steps": ["accept", "cancel_by_producer"],
        "reason": "Biển động mấy ngày liền, không ra bãi thu hoạch ngao được. Xin lỗi anh.",
    },
]

# --- buyer demands ---------------------------------------------------------------------------------------
# Open demands of the demo buyer (a Hà Nội restaurant and shop), found again by title. ``needed_in_days``
# is counted from the day the demo is loaded; ``offer`` is a producer's answer, ``inquiry`` a first
# message from the buyer to a producer.

DEMANDS = [
    {
        "title": "Chè Shan Tuyết cho nhà hàng",
        "category": "tea",
        "keywords": "chè shan tuyết, trà cổ thụ",
        "quantity": 30,
        "unit": "box",
        "max_unit_price": 280_000,
        "needed_in_days": 30,
        "minimum_ocop_stars": None,
        "required_certifications": [],
        "note": "Nhà hàng phục vụ trà cho khách mỗi ngày; cần hàng đều mỗi tháng nếu chất lượng tốt.",
        "offer": {
            "producer": "Hợp tác xã chè Shan Tuyết Tả Van",
            "product": "Chè Shan Tuyết cổ thụ (hộp 200 g)",
            "quantity": 30,
            "unit_price": 245_000,
            "available_in_days": 5,
            "note": "Chè vụ xuân, đóng hộp 200 g; giao qua bưu điện Sa Pa.",
        },
        "inquiry": {
            "producer": "Hợp tác xã chè Shan Tuyết Tả Van",
            "body": "Chào hợp tác xã, chè có giấy chứng nhận OCOP còn hạn không? Mỗi tháng có đủ 30 hộp không?",
        },
    },
    {
        "title": "Mật ong bạc hà cho cửa hàng đặc sản",
        "category": "honey",
        "keywords": "mật ong bạc hà",
        "quantity": 40,
        "unit": "bottle",
        "max_unit_price": 300_000,
        "needed_in_days": 45,
        "minimum_ocop_stars": 3,
        "required_certifications": [],
        "note": "Cửa hàng đặc sản vùng cao ở Hà Nội; cần nhãn và số lô truy xuất.",
    },
    {
        "title": "Gạo nếp cẩm cho bếp bánh",
        "category": "rice",
        "keywords": "nếp cẩm",
        "quantity": 50,
        "unit": "kg",
        "max_unit_price": 60_000,
        "needed_in_days": 20,
        "minimum_ocop_stars": None,
        "required_certifications": [],
        "note": "",
    },
    {
        "title": "Nấm hương rừng khô",
        "category": "mushrooms",
        "keywords": "nấm hương",
        "quantity": 5,
        "unit": "kg",
        "max_unit_price": 480_000,
        "needed_in_days": 25,
        "minimum_ocop_stars": None,
        "required_certifications": [],
        "note": "",
    },
]
