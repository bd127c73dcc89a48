"""Genba: order-to-invoice for IT field engineering providers in Japan."""

__version__ = "0.1.0"
