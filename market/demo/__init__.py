"""Demo marketplace data, loaded by ``manage.py load_market_demo`` after the village demo."""
