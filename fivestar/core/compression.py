"""Responses compressed for clients that accept gzip: pages, htmx fragments and API JSON.

Django's GZipMiddleware, which pads each compressed body with a random number of bytes (Heal-The-Breach
mitigation) on top of the CSRF token being masked afresh in every response, so a page's length does not reveal
a secret byte by byte. Bodies that are compressed already (photos, PDF certificates, Excel/Word files, archives)
pass through untouched: compressing them again costs CPU and saves nothing. WhiteNoise serves static files
before this middleware is reached, with their own precompressed variants.
"""

from django.middleware.gzip import GZipMiddleware

ALREADY_COMPRESSED = (
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic", "video/", "audio/",
    "application/pdf", "application/zip", "application/gzip", "application/x-7z-compressed", "application/vnd.openxmlformats",
    "font/woff", "application/octet-stream",
)


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(ALREADY_COMPRESSED):
            return response
        return super().process_response(request, response)
