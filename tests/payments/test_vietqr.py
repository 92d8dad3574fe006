"""VietQR payloads: field by field, CRC (against an independent implementation), validation, decoding, SVG."""

import binascii

import pytest

from payments.vietqr import (
    KNOWN_BANKS,
    BankAccount,
    VietQRError,
    build_payload,
    crc16_ccitt_false,
    fold_account_name,
    parse_payload,
    parse_tlv,
    render_svg,
    validate_bank_account,
)

# A payload published in the README of github.com/subiz/vietqr (VietinBank 970415, account
# 0011001932418, 120 000 ₫, message "ung ho lu lut"); its CRC C15C checks out independently below.
PUBLISHED_PAYLOAD = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)
TA_VAN_COOPERATIVE = BankAccount(bank_bin="970405", account_number="8888012345678", account_name="HTX TA VAN")


def test_crc_of_the_standard_check_string_is_29b1():
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1


@pytest.mark.parametrize("data", [b"", b"6304", b"00020101021238", PUBLISHED_PAYLOAD[:-4].encode()])
def test_crc_agrees_with_binascii_crc_hqx(data):
    assert crc16_ccitt_false(data) == binascii.crc_hqx(data, 0xFFFF)


def test_published_payload_has_a_valid_crc_and_parses():
    # given a payload from public VietQR documentation
    # when it is parsed
    data = parse_payload(PUBLISHED_PAYLOAD)
    # then its CRC is the one binascii computes, and its fields are read back
    assert f"{binascii.crc_hqx(PUBLISHED_PAYLOAD[:-4].encode(), 0xFFFF):04X}" == "C15C"
    assert (data.bank_bin, data.account_number, data.amount, data.purpose) == (
        "970415",
        "0011001932418",
        120000,
        "ung ho lu lut",
    )
    assert data.service == "QRIBFTTA"
    assert data.is_dynamic is True


def test_builder_reproduces_the_published_payload_byte_for_byte():
    account = BankAccount(bank_bin="970415", account_number="0011001932418", account_name="SUBIZ")
    assert build_payload(account=account, amount=120000, purpose="ung ho lu lut") == PUBLISHED_PAYLOAD


def test_payload_field_by_field():
    # when a dynamic QR for 150 000 ₫ with our reference is built
    payload = build_payload(account=TA_VAN_COOPERATIVE, amount=150000, purpose="TT7K3M9Q2X")
    # then every top-level field is in order with its exact value
    fields = parse_tlv(payload)
    assert [field_id for field_id, _ in fields] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    values = dict(fields)
    assert values["00"] == "01"
    assert values["01"] == "12"
    assert values["53"] == "704"
    assert values["54"] == "150000"
    assert values["58"] == "VN"
    assert parse_tlv(values["62"]) == [("08", "TT7K3M9Q2X")]
    merchant = parse_tlv(values["38"])
    assert merchant == [
        ("00", "A000000727"),
        ("01", "0006970405" + "0113" + "8888012345678"),
        ("02", "QRIBFTTA"),
    ]
    assert parse_tlv(merchant[1][1]) == [("00", "970405"), ("01", "8888012345678")]
    # and the CRC covers everything up to and including "6304"
    assert payload[-8:-4] == "6304"
    assert values["63"] == f"{binascii.crc_hqx(payload[:-4].encode(), 0xFFFF):04X}"
    assert payload.startswith("000201010212")


def test_static_payload_without_amount_or_purpose():
    payload = build_payload(account=TA_VAN_COOPERATIVE)
    values = dict(parse_tlv(payload))
    assert values["01"] == "11"
    assert "54" not in values
    assert "62" not in values
    assert parse_payload(payload).amount is None


def test_decoder_round_trip():
    payload = build_payload(account=TA_VAN_COOPERATIVE, amount=1_250_000, purpose="LS2611ABCD")
    data = parse_payload(payload)
    assert (data.bank_bin, data.account_number, data.amount, data.purpose, data.is_dynamic) == (
        "970405",
        "8888012345678",
        1_250_000,
        "LS2611ABCD",
        True,
    )


def test_decoder_refuses_a_changed_payload():
    tampered = PUBLISHED_PAYLOAD.replace("5406120000", "5406920000")
    with pytest.raises(VietQRError, match="CRC mismatch"):
        parse_payload(tampered)


def test_decoder_refuses_a_payload_without_crc():
    with pytest.raises(VietQRError, match="CRC"):
        parse_payload(PUBLISHED_PAYLOAD[:-8])


def test_tlv_parser_refuses_a_cut_field():
    with pytest.raises(VietQRError, match="cut short"):
        parse_tlv("0002010105AB")


def test_account_name_folding():
    assert fold_account_name("Nguyễn Thị Mai") == "NGUYEN THI MAI"
    assert fold_account_name("  Hợp tác xã   Đồng Tâm ") == "HOP TAC XA DONG TAM"


@pytest.mark.parametrize(
    ("bank_bin", "account_number", "account_name", "field"),
    [
        ("97043", "0011001932418", "NGUYEN THI MAI", "bank_bin"),
        ("97043A", "0011001932418", "NGUYEN THI MAI", "bank_bin"),
        ("970436", "12345", "NGUYEN THI MAI", "account_number"),
        ("970436", "12345678901234567890", "NGUYEN THI MAI", "account_number"),
        ("970436", "00110019324AB", "NGUYEN THI MAI", "account_number"),
        ("970436", "0011001932418", "Nguyễn Thị Mai", "account_name"),
        ("970436", "0011001932418", "nguyen thi mai", "account_name"),
        ("970436", "0011001932418", "NGUYEN  THI MAI", "account_name"),
        ("970436", "0011001932418", "", "account_name"),
    ],
)
def test_bank_account_validation_names_the_field(bank_bin, account_number, account_name, field):
    with pytest.raises(VietQRError) as caught:
        validate_bank_account(bank_bin=bank_bin, account_number=account_number, account_name=account_name)
    assert caught.value.field == field


def test_account_name_error_suggests_the_folded_name():
    with pytest.raises(VietQRError, match="NGUYEN THI MAI"):
        validate_bank_account(
            bank_bin="970436", account_number="0011001932418", account_name="Nguyễn Thị Mai"
        )


def test_valid_account_is_accepted_and_normalized():
    account = validate_bank_account(
        bank_bin=" 970436 ", account_number="0011 0019 32418", account_name="NGUYEN THI MAI"
    )
    assert account == BankAccount(
        bank_bin="970436", account_number="0011001932418", account_name="NGUYEN THI MAI"
    )
    assert account.bank_name == "Vietcombank"


def test_known_bank_bins():
    assert KNOWN_BANKS == {
        "970436": "Vietcombank",
        "970415": "VietinBank",
        "970418": "BIDV",
        "970405": "Agribank",
        "970407": "Techcombank",
        "970422": "MB",
        "970416": "ACB",
        "970432": "VPBank",
        "970403": "Sacombank",
        "970423": "TPBank",
    }


@pytest.mark.parametrize(
    ("amount", "purpose", "field"),
    [
        (0, "", "amount"),
        (-5, "", "amount"),
        (10**13, "", "amount"),
        (1.5, "", "amount"),
        (True, "", "amount"),
    ],
)
def test_bad_amounts_are_refused(amount, purpose, field):
    with pytest.raises(VietQRError) as caught:
        build_payload(account=TA_VAN_COOPERATIVE, amount=amount, purpose=purpose)
    assert caught.value.field == field


@pytest.mark.parametrize("purpose", ["x" * 26, "Đơn hàng", "TT-123", "two  spaces"])
def test_bad_purposes_are_refused(purpose):
    with pytest.raises(VietQRError) as caught:
        build_payload(account=TA_VAN_COOPERATIVE, amount=1000, purpose=purpose)
    assert caught.value.field == "purpose"


def test_svg_is_inline_accessible_and_encodes_medium_error_correction():
    svg = render_svg(PUBLISHED_PAYLOAD, title="VietQR TT7K3M9Q2X", description="150.000 ₫ → HTX TA VAN")
    assert svg.startswith('<svg role="img" ')
    assert "<title>VietQR TT7K3M9Q2X</title>" in svg
    assert "<desc>150.000 ₫ → HTX TA VAN</desc>" in svg
    assert "viewBox" in svg
    assert "<?xml" not in svg


def test_tlv_parser_refuses_a_malformed_header():
    with pytest.raises(VietQRError, match="Malformed field header"):
        parse_tlv("000201011")
