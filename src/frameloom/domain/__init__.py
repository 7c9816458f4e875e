"""Pure values shared by every layer: requests, sizes, errors. No I/O here."""
