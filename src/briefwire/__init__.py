"""briefwire: grounded news briefings."""

__version__ = "0.1.0"
