"""Enrichment from web APIs: GitHub repository metadata, Semantic Scholar citations."""
