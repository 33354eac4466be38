"""Offline translation of news articles into gettext catalogs, with terminology that holds."""
__version__ = "0.1.0"
