"""Delivery destinations: Vietnam's 34 provinces since July 2025, grouped into three shipping zones.

Producers set a flat delivery fee per zone (north, central, south) or deliver nowhere but pickup.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    NORTH = "north", _("North")
    CENTRAL = "central", _("Central")
    SOUTH = "south", _("South")


PROVINCE_ZONES: dict[str, Zone] = {
    # north
    "Hà Nội": Zone.NORTH, "Hải Phòng": Zone.NORTH, "Quảng Ninh": Zone.NORTH, "Bắc Ninh": Zone.NORTH,
    "Hưng Yên": Zone.NORTH, "Ninh Bình": Zone.NORTH, "Phú Thọ": Zone.NORTH, "Thái Nguyên": Zone.NORTH,
    "Tuyên Quang": Zone.NORTH, "Lào Cai": Zone.NORTH, "Cao Bằng": Zone.NORTH, "Lạng Sơn": Zone.NORTH,
    "Lai Châu": Zone.NORTH, "Điện Biên": Zone.NORTH, "Sơn La": Zone.NORTH,
    # central
    "Thanh Hóa": Zone.CENTRAL, "Nghệ An": Zone.CENTRAL, "Hà Tĩnh": Zone.CENTRAL, "Quảng Trị": Zone.CENTRAL,
    "Huế": Zone.CENTRAL, "Đà Nẵng": Zone.CENTRAL, "Quảng Ngãi": Zone.CENTRAL, "Gia Lai": Zone.CENTRAL,
    "Đắk Lắk": Zone.CENTRAL, "Khánh Hòa": Zone.CENTRAL, "Lâm Đồng": Zone.CENTRAL,
    # south
    "TP. Hồ Chí Minh": Zone.SOUTH, "Đồng Nai": Zone.SOUTH, "Tây Ninh": Zone.SOUTH, "Cần Thơ": Zone.SOUTH,
    "Vĩnh Long": Zone.SOUTH, "Đồng Tháp": Zone.SOUTH, "An Giang": Zone.SOUTH, "Cà Mau": Zone.SOUTH,
}  # fmt: skip

PROVINCE_CHOICES = sorted(((name, name) for name in PROVINCE_ZONES), key=lambda choice: choice[0])


def zone_of(province: str) -> Zone | None:
    return PROVINCE_ZONES.get(province)


# The approximate centre (latitude, longitude) of each province's administrative seat since July 2025 —
# where a buyer's delivery point is taken to be when the buyer gives only the province. Merged provinces
# have the seat of the merged province (Lào Cai: Yên Bái city; Gia Lai: Quy Nhơn; Lâm Đồng: Đà Lạt…).
PROVINCE_CENTRES: dict[str, tuple[float, float]] = {
    "Hà Nội": (21.0285, 105.8542), "Hải Phòng": (20.8449, 106.6881), "Quảng Ninh": (20.9599, 107.0425),
    "Bắc Ninh": (21.2731, 106.1946), "Hưng Yên": (20.6464, 106.0511), "Ninh Bình": (20.2506, 105.9745),
    "Phú Thọ": (21.3227, 105.4019), "Thái Nguyên": (21.5942, 105.8482), "Tuyên Quang": (21.8233, 105.2180),
    "Lào Cai": (21.7168, 104.8986), "Cao Bằng": (22.6657, 106.2570), "Lạng Sơn": (21.8537, 106.7615),
    "Lai Châu": (22.3964, 103.4582), "Điện Biên": (21.3860, 103.0230), "Sơn La": (21.3256, 103.9188),
    "Thanh Hóa": (19.8067, 105.7852), "Nghệ An": (18.6796, 105.6813), "Hà Tĩnh": (18.3428, 105.9057),
    "Quảng Trị": (17.4689, 106.6223), "Huế": (16.4637, 107.5909), "Đà Nẵng": (16.0544, 108.2022),
    "Quảng Ngãi": (15.1214, 108.8044), "Gia Lai": (13.7765, 109.2237), "Đắk Lắk": (12.6667, 108.0500),
    "Khánh Hòa": (12.2388, 109.1967), "Lâm Đồng": (11.9404, 108.4583),
    "TP. Hồ Chí Minh": (10.7769, 106.7009), "Đồng Nai": (10.9574, 106.8429), "Tây Ninh": (10.5354, 106.4137),
    "Cần Thơ": (10.0452, 105.7469), "Vĩnh Long": (10.2537, 105.9722), "Đồng Tháp": (10.3600, 106.3600),
    "An Giang": (10.0125, 105.0809), "Cà Mau": (9.1769, 105.1524),
}  # fmt: skip


def province_centre(province: str) -> tuple[float, float] | None:
    """The (latitude, longitude) of ``province``'s seat, or None for an unknown name."""
    return PROVINCE_CENTRES.get(province)
