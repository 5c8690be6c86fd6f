"""Notices and decision letters as Word documents (docxtpl templates an office may replace) and PDF."""
