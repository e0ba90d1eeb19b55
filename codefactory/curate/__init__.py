"""Curation of the verified rows before they are written: decontamination against benchmark sets
and deduplication (docs/datasets.md)."""
