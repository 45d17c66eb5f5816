"""copydesk: a content-quality linter for editorial teams."""

__version__ = "0.1.0"
