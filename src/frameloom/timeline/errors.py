"""The timeline's one error, a branch of the frameloom exception tree.

    FrameloomError                  (frameloom.domain.errors)
    └── InvalidRequest              bad input; carries (field, problem) pairs      -> 400
        └── DraftInvalid            a draft with one or more problems, each at its JSON path

It lives here rather than in ``domain/errors.py`` because only the timeline
raises it; edges map it as the ``InvalidRequest`` it is (400, ``data.errors``).
"""

from __future__ import annotations

from collections.abc import Sequence

from frameloom.domain.errors import InvalidRequest, Problem


class DraftInvalid(InvalidRequest):
    """A draft was refused. ``problems`` lists every fault found, in document order;
    each ``field`` is a JSON path into the draft such as ``t[1].sg[0].s`` or ``m.w``
    (``draft`` for the whole document)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(list(problems))
