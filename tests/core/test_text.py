"""Vietnamese text folding: what a visitor types without diacritics must equal the folded original."""

import unicodedata

import pytest

from core.text import fold, fold_query, folded_words

FOLDED = [
    # đ/Đ is a letter of its own (it does not decompose), so it is mapped explicitly
    ("đ", "d"),
    ("Đ", "d"),
    ("Ð", "d"),  # the Icelandic eth, often typed for Đ
    ("Định Hưng", "dinh hung"),
    ("Đà Lạt", "da lat"),
    ("Đắk Lắk", "dak lak"),
    # place names of the highlands
    ("Tả Van", "ta van"),
    ("Bắc Hà", "bac ha"),
    ("Hà Giang", "ha giang"),
    ("Mường Khương", "muong khuong"),
    ("Quản Bạ", "quan ba"),
    ("Y Tý", "y ty"),
    ("Lũng Cú", "lung cu"),
    ("Buôn Ma Thuột", "buon ma thuot"),
    # people and products
    ("Sùng Thị", "sung thi"),
    ("Nguyễn Thị Mai", "nguyen thi mai"),
    ("Chè Shan Tuyết", "che shan tuyet"),
    ("tiếng Việt", "tieng viet"),
    # upper case, extra spaces, both tone-mark placements and decomposed input
    ("ĐƯỜNG LÊN BẢN", "duong len ban"),
    ("  Tả    Van \t\n", "ta van"),
    ("Hòa", "hoa"),
    ("Hoà", "hoa"),
    (unicodedata.normalize("NFD", "Bắc Hà"), "bac ha"),
    ("Ế", "e"),
    # plain ASCII is only lower-cased
    ("Sa Pa", "sa pa"),
    ("OCOP 4 sao", "ocop 4 sao"),
]


@pytest.mark.parametrize(("text", "expected"), FOLDED, ids=[text for text, _expected in FOLDED])
def test_fold_strips_diacritics_and_case(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(("text", "expected"), FOLDED, ids=[text for text, _expected in FOLDED])
def test_typing_without_diacritics_folds_the_same(text, expected):
    # given what a visitor types without diacritics
    typed = expected.upper()
    # then it folds to the same string as the original
    assert fold(typed) == fold(text)


@pytest.mark.parametrize("empty", [None, "", "   ", "\n\t"])
def test_fold_of_nothing_is_empty(empty):
    assert fold(empty) == ""
    assert fold_query(empty) == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('tra" OR 1=1 --', "tra or 1 1"),
        ("chè -xanh +thái", "che xanh thai"),
        ('"Hà Giang" AND (mật ong)', "ha giang and mat ong"),
        ("Bắc Hà*", "bac ha"),
        ("cam~2 nang^3", "cam 2 nang 3"),
        ("<script>alert('Đà Lạt')</script>", "script alert da lat script"),
        ("mật ong 100%", "mat ong 100"),
        ("Thừa Thiên–Huế", "thua thien hue"),
        ("  định   danh  ", "dinh danh"),
    ],
)
def test_fold_query_strips_operators_and_punctuation(query, expected):
    # when a visitor's query is folded for the search backend
    folded = fold_query(query)
    # then only words and digits separated by single spaces remain
    assert folded == expected
    assert not set(folded) & set("\"'()*+-=:~^<>%&|!{}[]/\\–")


def test_fold_query_is_cut_at_max_length_before_folding():
    # given a very long query
    query = "Đ" * 10_000
    # then it is cut to max_length characters (default 200)
    assert fold_query(query) == "d" * 200
    assert fold_query(query, max_length=5) == "ddddd"
    assert fold_query("Tả Van Bắc Hà", max_length=6) == "ta van"


def test_folded_words_joins_the_parts_that_exist():
    assert folded_words("Tả Van", None, "", "Bắc Hà") == "ta van bac ha"
    assert folded_words() == ""
    assert folded_words("Định Hưng", "Thôn Đà") == "dinh hung thon da"
