"""Views of the market. The buyer's side: ``catalogue``, ``cart`` and ``orders``; the producer's: ``shop``."""
