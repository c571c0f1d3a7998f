"""Presentation shared by pages and PDF: charts (SVG) and, later, the report renderer."""
