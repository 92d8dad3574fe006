"""Field validators for the bank accounts money is paid into (producers, hosts)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

bank_bin_validator = RegexValidator(r"^\d{6}$", _("A bank BIN has 6 digits, for example 970436."))
account_number_validator = RegexValidator(r"^\d{6,19}$", _("An account number has 6 to 19 digits."))
account_name_validator = RegexValidator(
    r"^[A-Z][A-Z ]{1,69}$",
    _("Write the account name in capital letters without accents, e.g. NGUYEN THI MAI."),
)
