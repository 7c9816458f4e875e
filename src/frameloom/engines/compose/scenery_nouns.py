"""Things users ask for that no emoji draws: each one is a procedural recipe
(``painters/structures.py``) rather than a twemoji glyph.

Rows in the lexicon's columns (key, art, kind, placement, scale, head_only,
other names), so the parser can read them like any noun and the planner can
place them like any subject. ``art`` is ``"draw:<key>"``: :mod:`.art` draws it
with the structure painter of that key instead of rasterising an SVG.

Two sorts: *structures* (a lighthouse, a tent, a table) are placed like
subjects and relit like them; *scenery* (a road, a river bank, an aurora) runs
across the frame and is a layer element that the recipe adds (``BACKDROPS``).
"""

from __future__ import annotations

from frameloom.engines.compose.lexicon import Noun

DRAWN = "draw:"

ROWS: tuple[tuple[str, str, str, str, float, bool, str], ...] = (
    ("lighthouse", "draw:lighthouse", "building", "ground", 8.0, False, "light house|beacon tower|灯塔"),
    ("camping tent", "draw:camping tent", "building", "ground", 1.6, False, "dome tent|pup tent|营帐"),
    ("campfire ring", "draw:campfire ring", "object", "ground", 0.45, False,
     "fire pit|fire ring|firepit|stone circle|火坑|火圈"),
    ("pedestal", "draw:pedestal", "object", "ground", 0.7, False, "plinth|podium|display stand|基座|底座|展台"),
    ("table", "draw:table", "object", "ground", 1.1, False,
     "dining table|kitchen table|coffee table|wooden table|桌子|餐桌|桌"),
    ("desk", "draw:desk", "object", "ground", 1.1, False, "writing desk|office desk|work desk|书桌|办公桌"),
    ("shelf", "draw:shelf", "object", "ground", 1.4, False, "bookshelf|bookcase|shelves|书架|架子"),
    ("iceberg", "draw:iceberg", "nature", "water", 9.0, False, "ice floe|glacier|冰山"),
    ("wall", "draw:wall", "building", "ground", 1.3, False, "stone wall|brick wall|garden wall|墙|墙头|围墙"),
    ("fence", "draw:fence", "object", "ground", 1.0, False, "picket fence|wooden fence|篱笆|栅栏"),
    ("bridge", "draw:bridge", "building", "ground", 9.5, False, "stone bridge|arch bridge|footbridge|桥|大桥"),
    ("branch", "draw:branch", "plant", "ground", 1.0, False, "tree branch|bough|twig|limb|树枝|枝头"),
    ("bench", "draw:bench", "object", "ground", 1.0, False, "park bench|garden bench|长椅|长凳"),
)

# scenery that runs across the frame: word -> the element kind the recipe adds
BACKDROPS: dict[str, str] = {
    "road": "road", "street road": "road", "highway": "road", "公路": "road", "马路": "road", "道路": "road",
    "path": "path", "trail": "path", "footpath": "path", "track": "path", "小路": "path", "小径": "path",
    "river": "river", "river bank": "river", "riverbank": "river", "stream": "river", "creek": "river",
    "河": "river", "河边": "river", "小河": "river", "河岸": "river", "溪": "river",
    "cliff": "cliff", "cliffs": "cliff", "cliffside": "cliff", "悬崖": "cliff", "峭壁": "cliff",
    "cave": "cave", "cavern": "cave", "grotto": "cave", "山洞": "cave", "洞穴": "cave",
    "waterfall": "waterfall", "waterfalls": "waterfall", "falls": "waterfall", "瀑布": "waterfall",
    "aurora": "aurora", "northern lights": "aurora", "aurora borealis": "aurora", "极光": "aurora",
    "window sill": "sill", "windowsill": "sill", "window ledge": "sill", "窗台": "sill",
    "studio": "studio", "backdrop": "studio", "product shot": "studio", "studio backdrop": "studio",
    "portrait": "studio", "摄影棚": "studio",
}

SCENERY: dict[str, Noun] = {row[0]: Noun(*row[:6]) for row in ROWS}

# lexicon nouns whose glyph is a stand-in (twemoji has no hot air balloon, only a party balloon;
# its cherry blossom is one flower): drawn by a recipe instead, at the real size of what is meant
ART_OVERRIDES: dict[str, tuple[str, float]] = {
    "hot air balloon": ("draw:hot air balloon", 4.0),
    "cherry blossom": ("draw:blossom tree", 3.0),
}


def drawn(noun: Noun) -> Noun:
    """The noun as the drawing side draws it: its recipe and real size where its glyph stands in."""
    if noun.key not in ART_OVERRIDES:
        return noun
    art, size = ART_OVERRIDES[noun.key]
    return Noun(noun.key, art, noun.kind, noun.placement, size, noun.head_only)


def scenery_names() -> dict[str, str]:
    """Every name of a structure (lower case) -> its key."""
    out: dict[str, str] = {}
    for key, *_, names in ROWS:
        for name in (key, *names.split("|")):
            out[name] = key
            if name.isascii() and not name.endswith("s"):
                out[name + ("es" if name.endswith(("sh", "ch", "x")) else "s")] = key
    return out


def is_drawn(art: str) -> bool:
    """Whether an art string names a procedural recipe rather than an emoji."""
    return art.startswith(DRAWN)
