"""The star certificate (荣誉证书) as a one-page A4 landscape PDF, in Chinese, rendered by WeasyPrint.

Needs Debian's `fonts-noto-cjk` (Noto Serif/Sans CJK SC); without a CJK font Chinese renders as boxes.
"""

from django.template.loader import render_to_string

from .selectors_history import certificate_data


def certificate_pdf(village) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint's libraries costs ~0.3 s

    html = render_to_string("rating/results/certificate.html", certificate_data(village))
    return HTML(string=html).write_pdf()


def certificate_filename(village) -> str:
    return f"{village.display_name}“五星”支部荣誉证书.pdf"
