"""The one search across guides, news, events, notices, products, stays and experiences.

* :mod:`core.search.documents` — what is indexed and asked (``SearchDocument``, ``SearchQuery``…);
* :mod:`core.search.backends` — the interface and ``get_search_backend()`` (``settings.SEARCH_BACKEND``);
* :mod:`core.search.database` — the database backend (``core.SearchEntry``; SQLite and PostgreSQL);
* :mod:`core.search.elastic` — the Elasticsearch backend;
* :mod:`core.search.indexing` — sources, event-driven re-indexing and rebuilds.
"""
