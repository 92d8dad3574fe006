"""The Vietnamese analyzer shared by every Elasticsearch index (site search and matching).

It mirrors :func:`core.text.fold`: ``đ``→``d`` by a char filter (it does not decompose), then ICU-free
ASCII folding that keeps the original token too, so ``Đà Lạt`` matches ``da lat`` and ``Đà Lạt``.
"""

VIETNAMESE_ANALYSIS = {
    "char_filter": {
        "vietnamese_stroke_d": {"type": "mapping", "mappings": ["đ => d", "Đ => D"]},
    },
    "filter": {
        "vietnamese_folding": {"type": "asciifolding", "preserve_original": True},
    },
    "analyzer": {
        "vietnamese": {
            "type": "custom",
            "char_filter": ["vietnamese_stroke_d"],
            "tokenizer": "standard",
            "filter": ["lowercase", "vietnamese_folding"],
        },
        "vietnamese_search": {
            "type": "custom",
            "char_filter": ["vietnamese_stroke_d"],
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
    },
}


def elasticsearch_index_settings() -> dict:
    """Index settings for Wagtail's elasticsearch8 backend (``INDEX_SETTINGS``)."""
    return {"settings": {"index": {"analysis": VIETNAMESE_ANALYSIS}}}
