"""Colours and the one light of a scene, from time of day, weather and named colours."""

from __future__ import annotations

from dataclasses import dataclass, replace

from frameloom.engines.compose.canvas import RGB, luma, mix, scale


@dataclass(frozen=True)
class Palette:
    """Every colour the painters use. ``haze`` is what distant layers fade to;
    ``ambient`` tints everything in shadow; ``light`` is the key light's colour."""

    sky_top: RGB
    sky_mid: RGB
    sky_horizon: RGB
    haze: RGB
    ambient: RGB
    light: RGB
    ground: RGB
    silhouette: RGB
    accent: RGB
    accent2: RGB


@dataclass(frozen=True)
class TimeLook:
    palette: Palette
    light_kind: str  # sun or moon
    light_height: float  # light height above the horizon as a fraction of the sky (negative: below)
    light_strength: float  # 0..1.5: how hard shadows and rims are
    exposure: float


_TIMES: dict[str, TimeLook] = {
    "dawn": TimeLook(Palette((52, 66, 128), (196, 146, 170), (255, 198, 156), (226, 186, 182), (150, 136, 170),
                             (255, 214, 170), (96, 110, 92), (64, 60, 96), (255, 170, 190), (140, 190, 255)),
                     "sun", 0.10, 0.8, 1.0),
    "day": TimeLook(Palette((44, 110, 206), (112, 170, 232), (206, 228, 246), (196, 218, 240), (190, 206, 230),
                            (255, 248, 232), (104, 150, 70), (70, 96, 90), (255, 210, 80), (255, 120, 90)),
                    "sun", 0.78, 1.0, 1.0),
    "golden_hour": TimeLook(Palette((62, 104, 176), (236, 186, 128), (255, 214, 146), (246, 206, 160),
                                    (214, 170, 132), (255, 204, 120), (130, 130, 60), (88, 70, 70),
                                    (255, 190, 90), (255, 120, 80)),
                            "sun", 0.22, 1.2, 1.0),
    "sunset": TimeLook(Palette((52, 36, 96), (214, 86, 104), (255, 172, 84), (236, 132, 110), (156, 92, 118),
                               (255, 156, 76), (92, 60, 70), (56, 30, 58), (255, 120, 60), (255, 80, 140)),
                       "sun", 0.06, 1.3, 1.0),
    "dusk": TimeLook(Palette((22, 24, 68), (84, 58, 118), (222, 118, 112), (136, 96, 136), (92, 82, 132),
                             (250, 164, 150), (50, 48, 72), (30, 26, 52), (255, 140, 120), (150, 120, 255)),
                     "sun", -0.04, 0.7, 1.0),
    "night": TimeLook(Palette((5, 7, 22), (14, 18, 48), (38, 40, 86), (36, 42, 88), (62, 72, 124),
                              (214, 226, 255), (22, 28, 44), (10, 12, 26), (255, 60, 200), (40, 220, 255)),
                      "moon", 0.62, 0.8, 1.0),
}


def time_look(time_of_day: str) -> TimeLook:
    return _TIMES[time_of_day]


def apply_weather(look: TimeLook, weather: str) -> TimeLook:
    """Overcast, rain, fog and snow flatten the light and grey the sky."""
    p = look.palette
    if weather in ("clear", "clouds"):
        k = 0.0 if weather == "clear" else 0.15
        grey = (luma(p.sky_mid),) * 3
        return replace(look, palette=replace(p, sky_mid=mix(p.sky_mid, grey, k), sky_top=mix(p.sky_top, grey, k)))
    grey_by = {"rain": (0.6, 0.55), "storm": (0.72, 0.35), "fog": (0.7, 1.15), "snow": (0.55, 1.1)}
    k, bright = grey_by[weather]
    cold = (150, 160, 178) if look.light_kind == "sun" else (40, 46, 70)
    target = scale(cold, bright)
    pal = replace(
        p,
        sky_top=mix(p.sky_top, scale(target, 0.8), k),
        sky_mid=mix(p.sky_mid, target, k),
        sky_horizon=mix(p.sky_horizon, scale(target, 1.1), k),
        haze=mix(p.haze, scale(target, 1.05), k + 0.1),
        ambient=mix(p.ambient, target, k * 0.7),
        light=mix(p.light, (230, 234, 240), k * 0.6),
        ground=mix(p.ground, (235, 240, 248), 0.8) if weather == "snow" else p.ground,
    )
    return replace(look, palette=pal, light_strength=look.light_strength * (1 - k * 0.8))


def apply_colours(palette: Palette, colours: tuple[RGB, ...]) -> Palette:
    """Colours a prompt names become the scene's accents and tint its sky."""
    if not colours:
        return palette
    first = colours[0]
    second = colours[1] if len(colours) > 1 else palette.accent2
    return replace(
        palette,
        accent=first,
        accent2=second,
        sky_mid=mix(palette.sky_mid, first, 0.25),
        sky_horizon=mix(palette.sky_horizon, first, 0.15),
    )


def neon_night(palette: Palette) -> Palette:
    """Neon light turns the night sky purple and the ambient magenta-blue."""
    return replace(
        palette,
        sky_top=mix(palette.sky_top, (20, 8, 44), 0.7),
        sky_mid=mix(palette.sky_mid, (56, 20, 96), 0.6),
        sky_horizon=mix(palette.sky_horizon, (150, 50, 150), 0.5),
        haze=mix(palette.haze, (90, 40, 130), 0.6),
        ambient=mix(palette.ambient, (150, 80, 200), 0.5),
    )


# mood -> (sky and shadow tint, how much of it, light colour shift, light strength factor, brightness)
_MOODS: dict[str, tuple[RGB, float, RGB, float, float]] = {
    "dark": ((14, 16, 30), 0.55, (170, 180, 220), 1.25, 0.55),
    "cozy": ((120, 70, 40), 0.3, (255, 176, 100), 1.0, 0.9),
    "dramatic": ((30, 24, 40), 0.4, (255, 196, 140), 1.5, 0.8),
    "gloomy": ((90, 96, 110), 0.45, (200, 206, 214), 0.6, 0.8),
    "spooky": ((40, 60, 50), 0.45, (170, 255, 190), 1.1, 0.6),
    "mysterious": ((40, 40, 80), 0.4, (170, 180, 255), 1.0, 0.7),
    "dreamy": ((230, 170, 220), 0.3, (255, 220, 240), 0.8, 1.05),
    "magical": ((120, 80, 200), 0.3, (240, 200, 255), 1.1, 1.0),
    "romantic": ((220, 110, 140), 0.25, (255, 190, 180), 1.0, 0.95),
    "cheerful": ((255, 230, 150), 0.12, (255, 248, 220), 1.1, 1.08),
    "peaceful": ((170, 200, 220), 0.15, (255, 240, 220), 0.85, 1.0),
    "epic": ((40, 30, 60), 0.3, (255, 200, 150), 1.4, 0.9),
    "lonely": ((110, 120, 140), 0.35, (210, 215, 230), 0.8, 0.85),
    "festive": ((200, 60, 60), 0.15, (255, 220, 160), 1.1, 1.0),
}


def apply_mood(look: TimeLook, mood: str | None) -> TimeLook:
    """A mood moves the light and the palette: dark dims and cools the scene,
    cozy warms it, dramatic hardens the light and deepens the sky."""
    if mood not in _MOODS:
        return look
    tint, k, light, strength, bright = _MOODS[mood]
    p = look.palette
    pal = replace(
        p,
        sky_top=scale(mix(p.sky_top, tint, k), bright),
        sky_mid=scale(mix(p.sky_mid, tint, k * 0.8), bright),
        sky_horizon=scale(mix(p.sky_horizon, tint, k * 0.6), bright),
        haze=scale(mix(p.haze, tint, k * 0.7), bright),
        ambient=scale(mix(p.ambient, tint, k), bright),
        light=mix(p.light, light, 0.6),
        ground=scale(p.ground, bright),
        silhouette=scale(mix(p.silhouette, tint, k * 0.5), min(bright, 1.0)),
    )
    return replace(look, palette=pal, light_strength=look.light_strength * strength)


def apply_season(palette: Palette, season: str | None) -> Palette:
    """Autumn turns the ground and foliage amber, winter pales it, spring freshens it."""
    if season == "autumn":
        return replace(palette, ground=mix(palette.ground, (190, 110, 40), 0.6),
                       silhouette=mix(palette.silhouette, (110, 50, 30), 0.4))
    if season == "winter":
        return replace(palette, ground=mix(palette.ground, (232, 238, 248), 0.7))
    if season == "spring":
        return replace(palette, ground=mix(palette.ground, (120, 190, 90), 0.4))
    return palette
