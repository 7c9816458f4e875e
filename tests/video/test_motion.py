"""Subjects that move: where a subject is drawn is found from the pixels (a
frame with the subjects against the same frame without them), then put back
in scene px (the camera moves too)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from frameloom.domain.video import VideoRequest
from frameloom.engines.compose.shots import ZOOMS, ShotPlayer
from frameloom.video.text_to_video import film_for


def drawn_at(player: ShotPlayer, bare: ShotPlayer, ms: int) -> tuple[float, float]:
    """The centre of what the subjects change in the frame at ``ms``, in px of the painted scene."""
    h = player.height
    with_subjects = player.frame(ms)[:h].astype(np.int16)
    without = bare.frame(ms)[:h].astype(np.int16)
    ys, xs = np.nonzero(np.abs(with_subjects - without) > 12)
    assert xs.size > 50, "the subject is drawn"
    ox, oy = player.offsets(ms)[player.painted.subjects_after]
    return float(xs.mean()) + ox, float(ys.mean()) + oy


def players(prompt: str, shot: int = 0) -> tuple[ShotPlayer, ShotPlayer]:
    film = film_for(VideoRequest(prompt=prompt, seconds=4, seed=3, width=320, height=176))
    player = film.player(shot)
    bare = ShotPlayer(replace(player.painted, sprites=()), player.shot, film.hi_plan, 320, 176)
    return player, bare


def test_a_running_dog_crosses_the_frame() -> None:
    player, bare = players("a dog running in a field")
    (x0, _), (x1, _) = drawn_at(player, bare, 0), drawn_at(player, bare, 3900)
    assert abs(x1 - x0) > 0.2 * player.painted.width, "it runs a fifth of the scene's width in a shot"
    mid = drawn_at(player, bare, 1950)[0]
    assert min(x0, x1) < mid < max(x0, x1), "along a path, not a jump"


def test_a_sleeping_fox_stays_put_but_breathes() -> None:
    player, bare = players("a fox sleeping in a forest")
    sprite = player.painted.sprites[0]
    assert sprite.motion.speed == 0
    assert sprite.motion.sway == 0
    assert sprite.motion.bob == 0
    places = [drawn_at(player, bare, ms) for ms in range(0, 4000, 400)]
    xs, ys = [p[0] for p in places], [p[1] for p in places]
    amplitude = sprite.motion.breath * sprite.height
    assert max(xs) - min(xs) <= 1.0, "no travel, no sway"
    assert max(ys) - min(ys) <= amplitude + 1.0, "within its breathing"
    poses = [player.pose(sprite, ms).stretch for ms in range(0, 4000, 100)]
    assert max(poses) - min(poses) > sprite.motion.breath, "it breathes"


def test_every_subject_has_secondary_motion_and_it_is_the_same_each_time() -> None:
    player, _ = players("a fox reading a book in a forest")
    again, _ = players("a fox reading a book in a forest")
    fox = player.painted.sprites[0]
    assert fox.motion.sway > 0, "an idle subject sways"
    assert fox.motion.speed == 0, "in place"
    angles = [player.pose(fox, ms).angle for ms in range(0, 4000, 250)]
    assert max(angles) - min(angles) > 0.5
    assert angles == [again.pose(again.painted.sprites[0], ms).angle for ms in range(0, 4000, 250)]
    a, b = player.frame(1200), again.frame(1200)
    assert np.array_equal(a, b), "deterministic by seed"


def test_what_a_subject_holds_is_on_its_sprite() -> None:
    player, _ = players("a fox reading a book in a forest")
    (fox,) = [s for s in player.painted.sprites if s.main]
    assert len(player.painted.sprites) == 1, "the book is the fox's, not a sprite of its own"
    book = [s for s in player.plan.subjects if s.role == "held"]
    assert book, "the plan has the held book"
    h, w = fox.pixels.shape[:2]
    k = player.painted.zoom / max(ZOOMS.values())  # the plan is the closest shot's; this level is smaller
    x, y = book[0].x * k, book[0].base_y * k
    assert fox.x <= x <= fox.x + w
    assert fox.y <= y <= fox.y + h
