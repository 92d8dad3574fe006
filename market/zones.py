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
