"""PDF documents from HTML templates (xhtml2pdf) with vendored DejaVu fonts, which cover Kyrgyz ң ө ү.

Rendering holds a global lock inside ReportLab: scale with processes (gunicorn workers), not threads."""
import io
import os

from flask import render_template
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

FONT_DIR = os.path.join(os.path.dirname(__file__), "static", "fonts")


class PdfError(RuntimeError):
    pass


def render_pdf(template: str, **context) -> bytes:
    """Render `template` (extending pdf/base.html) to PDF bytes."""
    html = render_template(template, font_dir=FONT_DIR, **context)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    out = io.BytesIO()
    policy = ResourceAccessPolicy.server(base_dir=None, extra_roots=(FONT_DIR,), allow_remote=False)
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=policy)
    if result.err:
        raise PdfError(f"PDF rendering failed with {result.err} errors")
    return out.getvalue()
