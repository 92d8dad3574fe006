"""Forms of the market: the buyer's side lives in ``buyer``; the producer's side in ``shop``."""
