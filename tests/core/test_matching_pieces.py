"""The scoring pieces shared by demand matching and partner subscriptions (core.matching)."""

import pytest

from core.matching import (
    alternatives_match,
    folded_word_set,
    haversine_km,
    keyword_alternatives,
    keyword_parts,
    ocop_passes,
    place_matches,
    significant_words,
    word_pairs,
)


def test_folded_word_sets_drop_diacritics_case_and_operators():
    assert folded_word_set("Trà Shan Tuyết", "ĐÀ LẠT!") == {"tra", "shan", "tuyet", "da", "lat"}
    assert folded_word_set("chè AND (mật OR ong)*") == {"che", "and", "mat", "or", "ong"}
    assert folded_word_set("", None) == frozenset()


def test_keyword_alternatives_split_on_commas_and_fold():
    assert keyword_alternatives("trà shan, Mật Ong; quế|hồi") == (
        frozenset({"tra", "shan"}),
        frozenset({"mat", "ong"}),
        frozenset({"que"}),
        frozenset({"hoi"}),
    )
    assert keyword_alternatives(" , ,") == ()
    assert keyword_parts("trà shan, mật ong ,") == ["trà shan", "mật ong"]


def test_an_alternative_matches_only_with_all_its_whole_words():
    words = folded_word_set("Chè Shan Tuyết cổ thụ")
    assert alternatives_match(keyword_alternatives("tra, shan tuyet"), words)
    assert not alternatives_match(keyword_alternatives("shan tuyet trang"), words)
    assert alternatives_match((), words)
    # whole words only: "tra" is not "trâu"
    assert not alternatives_match(keyword_alternatives("tra"), folded_word_set("Thịt trâu gác bếp"))


def test_word_pairs_stay_inside_one_text():
    assert word_pairs("Mật ong rừng", "Chè") == {("mat", "ong"), ("ong", "rung")}


def test_filler_words_are_dropped_unless_nothing_else_is_left():
    assert significant_words(["gao", "cho", "bep", "va", "quan"]) == {"gao", "bep", "quan"}
    assert significant_words(["cho", "va"]) == {"cho", "va"}
    # syllables that are content words once folded are kept: thẻ (card), ăn (eat), đen (black)
    assert significant_words(["the", "an", "den"]) == {"the", "an", "den"}


@pytest.mark.parametrize(
    ("a", "b", "kilometres"),
    [
        ((21.0285, 105.8542), (10.7769, 106.7009), 1138),  # Hà Nội → TP. Hồ Chí Minh
        ((21.0285, 105.8542), (21.0285, 105.8542), 0),
        ((22.3364, 103.8438), (21.0285, 105.8542), 250),  # Sa Pa → Hà Nội
    ],
)
def test_haversine_distances(a, b, kilometres):
    assert haversine_km(*a, *b) == pytest.approx(kilometres, abs=8)


def test_place_filters_take_communes_or_provinces_and_let_everything_through_when_empty():
    assert place_matches(commune_id=5, province_id=2, communes=[], provinces=[])
    assert place_matches(commune_id=5, province_id=2, communes=[5], provinces=[9])
    assert place_matches(commune_id=5, province_id=2, communes=[7], provinces=[2])
    assert not place_matches(commune_id=5, province_id=2, communes=[7], provinces=[9])
    assert not place_matches(commune_id=None, province_id=None, communes=[7], provinces=[])


def test_ocop_filter():
    assert ocop_passes(None, None) and ocop_passes(3, None) and ocop_passes(4, 4)
    assert not ocop_passes(3, 4) and not ocop_passes(None, 1)
