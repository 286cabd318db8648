"""The SDK's version, sent in the User-Agent header."""

__version__ = "1.0.0"
