"""Publish one canonical German text as accessible HTML, PDF/UA-1 and EPUB 3 editions."""
