"""``python -m verify``: the gantheory proof-check CLI (thin; the logic is in :mod:`gantheory.cli`)."""
