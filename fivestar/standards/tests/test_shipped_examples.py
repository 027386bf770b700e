"""The shipped frameworks are examples compiled from public reports, and say so: in their name, their issuer,
their header, on the framework page; docs/assumptions.md names each assumed part; whether 支部过硬星 is a
prerequisite of the other stars (or the reverse) is a per-star setting (`requires`) of each framework. Before,
their header read "中共濮阳县委组织部印发" and nothing said the rules, pass ratio, income tiers or veto list
were illustrative."""

from pathlib import Path

import pytest
import yaml

from fivestar.core.roles import Role
from fivestar.standards.models import FrameworkVersion
from fivestar.standards.services import load_shipped, shipped_files

DOCS = Path(__file__).resolve().parents[3] / "docs" / "assumptions.md"


def _header(path: Path) -> str:
    """The comment lines above the first key: what a reader of the file sees first."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: p.stem)
def test_a_shipped_framework_is_labelled_as_an_example(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["name"].endswith("（示例）")
    assert "示例" in data["issuer"] and "非正式" in data["issuer"]
    header = _header(path)
    assert "不是正式印发文本" in header and "据公开报道整理" in header
    for part in ("细则条文", "80%的通过比例", "集体经济收入分档", "一票否决项", "示例假设", "docs/assumptions.md"):
        assert part in header, part
    assert "组织部印发" not in path.read_text(encoding="utf-8")  # no claim to be an issued document
    # The prerequisite is data of each star, never implied by the code: every star states its own.
    assert all(isinstance(star.get("requires"), list) for star in data["stars"])


def test_docs_name_every_assumed_part_and_how_a_county_loads_its_own():
    text = DOCS.read_text(encoding="utf-8")
    for field in ("pass_ratio", "required", "veto", "collective_income", "stars[].requires", "max"):
        assert field in text, field
    assert "a setting of each framework" in text and "Loading a county's own standards" in text


@pytest.mark.django_db
def test_the_framework_page_shows_the_example_label_and_issuer(world, login):
    load_shipped()
    version = FrameworkVersion.objects.get(code="puyang-2023-rural")
    page = login(world.users[Role.COUNTY_ADMIN]).get(f"/standards/{version.pk}/").content.decode()
    assert '濮阳县2023年农村"五星"支部创建标准（示例）' in page or "濮阳县2023年农村&quot;五星&quot;支部创建标准（示例）" in page
    assert "示例（据公开报道整理，非正式文件）" in page
    assert "组织部印发" not in page
