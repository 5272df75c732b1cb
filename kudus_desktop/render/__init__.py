"""Painting cards and printed lists with QPainter, onto a PDF file or a printer alike.

One painter serves the print preview, the printer and the PDF, so what the preview shows is
what comes out. It needs a QGuiApplication (the command line makes an offscreen one) but no
widgets; the words and the layout come from the core.
"""
