"""Xinfang (法治信访): petition work under the 《信访工作条例》."""

__version__ = "0.1.0"
