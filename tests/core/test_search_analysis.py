"""The Vietnamese analyzer shared by every Elasticsearch index, and how settings switch it on."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from core.search_analysis import VIETNAMESE_ANALYSIS, elasticsearch_index_settings
from core.text import fold

SAMPLES = ["Định Hưng", "Đà Lạt", "Tả Van", "Bắc Hà", "Giao Phong", "Chè Shan Tuyết", "định danh điện tử"]


def test_the_analyzer_maps_the_stroke_d_before_folding_and_keeps_the_original():
    analyzer = VIETNAMESE_ANALYSIS["analyzer"]["vietnamese"]
    assert analyzer["char_filter"] == ["vietnamese_stroke_d"]
    assert VIETNAMESE_ANALYSIS["char_filter"]["vietnamese_stroke_d"]["mappings"] == ["đ => d", "Đ => D"]
    assert analyzer["filter"] == ["lowercase", "vietnamese_folding"]
    assert VIETNAMESE_ANALYSIS["filter"]["vietnamese_folding"] == {
        "type": "asciifolding",
        "preserve_original": True,
    }
    search_analyzer = VIETNAMESE_ANALYSIS["analyzer"]["vietnamese_search"]
    assert search_analyzer["filter"] == ["lowercase", "asciifolding"]


def test_wagtail_index_settings_carry_the_analysis():
    assert elasticsearch_index_settings() == {"settings": {"index": {"analysis": VIETNAMESE_ANALYSIS}}}


def _settings_with(environment: dict) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.WAGTAILSEARCH_BACKENDS['default'], default=str))"
    )
    clean = {
        key: value for key, value in os.environ.items() if key not in {"ELASTICSEARCH_URL", "DATABASE_URL"}
    }
    clean.update(environment, DJANGO_SETTINGS_MODULE="config.settings.dev")
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_elasticsearch_the_database_backend_is_used():
    assert _settings_with({})["BACKEND"] == "wagtail.search.backends.database"


def test_elasticsearch_url_switches_site_search_to_elasticsearch8_with_the_vietnamese_analyzer():
    backend = _settings_with({"ELASTICSEARCH_URL": "http://search.internal:9200"})
    assert backend["BACKEND"] == "wagtail.search.backends.elasticsearch8"
    assert backend["URLS"] == ["http://search.internal:9200"]
    assert backend["INDEX_SETTINGS"]["settings"]["index"]["analysis"]["analyzer"]["vietnamese"][
        "tokenizer"
    ] == ("standard")


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"), reason="skipped: no ELASTICSEARCH_URL (live server)"
)
@pytest.mark.parametrize("text", SAMPLES)
def test_a_live_elasticsearch_folds_like_core_text(text):
    from elasticsearch import Elasticsearch

    client = Elasticsearch(os.environ["ELASTICSEARCH_URL"], request_timeout=5)
    index = "svp-test-analysis"
    client.indices.delete(index=index, ignore_unavailable=True)
    client.indices.create(index=index, settings={"analysis": VIETNAMESE_ANALYSIS})
    try:
        tokens = client.indices.analyze(index=index, analyzer="vietnamese_search", text=text)["tokens"]
        assert " ".join(token["token"] for token in tokens) == fold(text)
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
