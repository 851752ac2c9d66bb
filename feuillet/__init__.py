"""feuillet: a static-site generator for French-language news-analysis microsites."""

__version__ = "0.1.0"
