"""How a subject moves in video: secondary motion for all, locomotion for motion verbs.

Every subject breathes (a slow vertical swell about its base), sways and bobs
a little; a subject whose pose is still (sleeping, sitting, lying) only
breathes. Motion verbs travel: running, walking, flying, swimming, driving,
riding cross the frame along their own depth line during a shot, at a speed
per verb, and bob at their gait's rate. What a subject holds, rides or sits
in is painted on the same sprite, so it follows. Phases come from the seed:
the same film moves the same way every time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from frameloom.engines.compose.placement import SubjectPlan

# verb: (speed in frame widths a second, bob as a share of height, bob Hz, sway degrees)
GAITS: dict[str, tuple[float, float, float, float]] = {
    "walking": (0.05, 0.010, 1.8, 0.6),
    "running": (0.11, 0.022, 2.8, 0.0),
    "jumping": (0.04, 0.045, 1.2, 0.0),
    "flying": (0.08, 0.030, 1.3, 1.5),
    "swimming": (0.04, 0.012, 0.6, 2.0),
    "driving": (0.14, 0.003, 7.0, 0.0),
    "riding": (0.09, 0.016, 2.2, 0.0),
    "surfing": (0.07, 0.014, 0.5, 2.5),
    "sailing": (0.04, 0.010, 0.4, 1.8),
    "skating": (0.09, 0.004, 0.8, 1.2),
}
STILL = frozenset({"sleeping", "sitting", "lying", "resting", "meditating"})
BREATH = 0.008  # the vertical swell of breathing, a share of height
BREATH_STILL = 0.006


@dataclass(frozen=True)
class Motion:
    """One subject's motion: ``speed`` in frame widths a second (0: stays),
    ``direction`` +1 to the right, -1 to the left; bob, sway and breath as
    amplitudes (share of height, degrees, share of height) at their rates (Hz)."""

    verb: str
    speed: float
    direction: int
    bob: float
    bob_hz: float
    sway: float
    sway_hz: float
    breath: float
    breath_hz: float
    phase: float

    @property
    def still(self) -> bool:
        return self.speed == 0 and self.bob == 0 and self.sway == 0


@dataclass(frozen=True)
class Pose:
    """Where a subject is at one moment, relative to where it was placed:
    ``dx``, ``dy`` px, ``angle`` degrees about its base, ``stretch`` the vertical scale about its base."""

    dx: float
    dy: float
    angle: float
    stretch: float


def verb_of(subject: SubjectPlan) -> str | None:
    """The pose the planner gave (``pose``, when the plan has it) or the prompt's verb."""
    pose = getattr(subject, "pose", None)
    return pose if isinstance(pose, str) and pose else subject.action


def motion_for(subject: SubjectPlan, width: int, seed: int, index: int) -> Motion:
    """The motion of the subject ``index`` (its place in the plan) of a ``width`` px scene."""
    rng = random.Random(seed * 7919 + index * 104729 + 11)
    phase = rng.random()
    verb = verb_of(subject) or ("flying" if subject.role == "flyer" else "")
    if verb in STILL or subject.role == "support":
        return Motion(verb, 0.0, 1, 0.0, 0.0, 0.0, 0.0, BREATH_STILL, 0.22 + 0.04 * phase, phase)
    direction = 1 if subject.x < width / 2 else -1  # into the picture, as the sprite faces
    if verb in GAITS:
        speed, bob, bob_hz, sway = GAITS[verb]
        return Motion(verb, speed, direction, bob, bob_hz, sway, bob_hz / 2, BREATH, 0.3, phase)
    # idle: a little sway and bob, each at its own slow rate
    return Motion(verb, 0.0, direction, 0.004, 0.45 + 0.1 * phase, 0.8, 0.2 + 0.05 * phase, BREATH,
                  0.28 + 0.04 * phase, phase)


def pose_at(motion: Motion, t: float, travel_s: float, width: float, height: float) -> Pose:
    """The pose at ``t`` s into the shot; ``travel_s`` is the time travelled from
    the placed position (negative before it); ``width`` the scene's px, ``height`` the subject's."""
    p = 2 * math.pi * motion.phase
    bob = -abs(math.sin(math.pi * motion.bob_hz * t + p)) if motion.speed > 0 else math.sin(
        2 * math.pi * motion.bob_hz * t + p)
    dx = motion.direction * motion.speed * width * travel_s
    angle = motion.sway * math.sin(2 * math.pi * motion.sway_hz * t + p * 1.7)
    stretch = 1 + motion.breath * math.sin(2 * math.pi * motion.breath_hz * t + p * 2.3)
    return Pose(dx, bob * motion.bob * height, angle, stretch)


def reach(motion: Motion, height: float) -> float:
    """How far (px) past its still box a subject's sway, bob and breath can take it."""
    return height * (motion.bob + motion.breath + math.sin(math.radians(motion.sway))) + 2
