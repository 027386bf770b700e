"""The child process that turns a certificate's HTML into a PDF: HTML on stdin, PDF on stdout.

Run by `certificate.render_pdf` as `python -I certificate_render.py MEGABYTES`; it caps its own address
space first (a render that would need more fails here, never in a web worker), then loads WeasyPrint.
No Django: the HTML is complete (inline CSS, system fonts, no links to fetch).
"""

import resource
import sys


def main() -> int:
    limit = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    html = sys.stdin.buffer.read().decode("utf-8")
    from weasyprint import HTML

    sys.stdout.buffer.write(HTML(string=html).write_pdf())
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
