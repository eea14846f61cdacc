"""The web app and JSON API behind ``briefwire serve``: ``create_app(WebSettings(...))``."""

from briefwire.web.app import create_app
from briefwire.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
