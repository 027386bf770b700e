"""A review-pack PDF the bounded renderer gives up on (its time limit, or all its slots busy: bench/week.py met the time
limit on a saturated machine) fails with the renderer's reason in words about the PDF, not as an internal error, and
the export's page says so; the user can export again."""

import pytest

from fivestar.rating.certificate import CertificateUnavailable
from fivestar.reviews import exports_jobs
from fivestar.reviews.models import ReviewExport

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason, shown", [("生成证书超时，请稍后再试。", "生成PDF超时"), ("正在生成的证书较多，请稍后再试。", "正在生成的PDF较多")])
def test_a_pdf_the_renderer_gives_up_on_fails_with_its_reason(rev, login, monkeypatch, reason, shown):
    def gives_up(_html):
        raise CertificateUnavailable(reason)

    monkeypatch.setattr("fivestar.rating.certificate.render_pdf", gives_up)
    rev.compute()
    export = exports_jobs.start_export(rev.town_admin, rev.w.town, YEAR, "pdf")
    exports_jobs.run(export.pk)
    export.refresh_from_db()
    assert export.status == ReviewExport.Status.FAILED and not export.file
    assert shown in export.message and "可重新导出" in export.message
    assert "系统内部错误" not in export.message and "证书" not in export.message
    page = login(rev.town_admin).get(f"/reviews/exports/{export.pk}/").content.decode()
    assert shown in page
