"""Review packs: one offline HTML file for a reviewer without the project, and its import."""

from __future__ import annotations

from pipeline.review_pack.importer import ImportSummary, import_reviews
from pipeline.review_pack.pack import PackResult, make_pack

__all__ = ["ImportSummary", "PackResult", "import_reviews", "make_pack"]
