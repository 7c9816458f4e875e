"""The paid tools: generate an image or a video, vary the last generation, export the timeline.

Each goes through the studio services (``generation``, ``job_service``) and
runs its job inline (:mod:`frameloom.agent.children`). What a generation
leaves on the timeline (docs/AGENT.md, "The runtime"):

- a generated **video** is always placed: in place of what it was made from
  ("a video from it": the picture or clip it animates) when that is on the
  timeline, else after the last video segment;
- a generated **image** is placed when the timeline is empty;
- a **variation** takes the place of what it varies when that is on the timeline
  (else it follows the rule of its kind).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import JsonValue

from frameloom.agent.children import run_child
from frameloom.agent.context import LastGeneration
from frameloom.agent.replies import plural, say
from frameloom.agent.steps import Done, Prepared, TurnRun, UserMistake, change_response
from frameloom.agent.tools import LAST, ToolCall
from frameloom.domain.images import MAX_SEED, STYLES, random_seed
from frameloom.domain.jobs import JobResult, export_price
from frameloom.domain.sizes import DEFAULT_ASPECT, aspect_size
from frameloom.domain.video import DEFAULT_SECONDS, VideoRequest
from frameloom.services.drafts import DraftChange
from frameloom.services.generation import ImageOrder
from frameloom.services.jobs import ExportOrder, JobView
from frameloom.timeline import VideoSegment, duration_ms, seconds_text
from frameloom.timeline.ops import AddMusic, AddTitle, EditOp, PlaceMedia, Remove


@dataclass(frozen=True)
class Placement:
    """Where a generation's first file goes: in place of ``replacing`` (media ids) when they are
    on the timeline, else after the last video segment when ``always``, else only on an empty timeline.
    ``then`` are edits made with it (a video's music and title)."""

    replacing: tuple[str, ...] = ()
    always: bool = False
    then: tuple[EditOp, ...] = ()
    name: str | None = None  # the timeline's name for it: the prompt, shortened


def short_name(prompt: str, limit: int = 40) -> str:
    """A prompt as a timeline name: whole words up to ``limit`` characters, "..." when cut."""
    text = " ".join(prompt.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:") + "..."


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _size(aspect: object, fallback: tuple[int, int] | None = None) -> tuple[int, int]:
    if aspect is None and fallback is not None:
        return fallback
    size = aspect_size(str(aspect or DEFAULT_ASPECT))
    return size.width, size.height


def _placement_ops(run: TurnRun, media_id: str, placement: Placement) -> list[EditOp]:
    draft = run.facts.draft
    shown = [s for t in draft.tracks for s in t.segments
             if isinstance(s, VideoSegment) and s.src in placement.replacing]
    ops: list[EditOp] = []
    if shown:
        ops = [Remove(s.id) for s in shown]
        ops.append(PlaceMedia(media_id, start_ms=min(s.start_ms for s in shown), name=placement.name))
    elif placement.always or not draft.tracks:
        ops = [PlaceMedia(media_id, name=placement.name)]
    return ops + list(placement.then) if ops else list(placement.then)


def _place(run: TurnRun, media_id: str, placement: Placement) -> DraftChange | None:
    run.refresh()  # the new media is the session's now
    ops = _placement_ops(run, media_id, placement)
    if not ops:
        return None
    # The history says what the user sees ("add a fox at sunset"), not the ops' ids ("remove s1").
    placed = f"add {placement.name}" if placement.name else "add media"
    label = "; ".join([placed, *(op.label for op in placement.then)]) if len(ops) > len(placement.then) else None
    return run.edit(ops, label)


def _generated(run: TurnRun, queued: JobView, placement: Placement) -> tuple[JobView, JobResult, DraftChange | None]:
    view, result = run_child(run.services, run.who, queued, run.base_url, run.events, run.cancelled)
    return view, result, _place(run, result.first.media_id, placement)


def _generation_response(view: JobView, result: JobResult, price: int, seed: int,
                         change: DraftChange | None) -> dict[str, JsonValue]:
    first = result.first
    out: dict[str, JsonValue] = {
        "job_id": view.job_id, "media_ids": [f.media_id for f in result.files], "links": list(view.links),
        "seed": seed, "width": first.width, "height": first.height, "price": price,
    }
    if result.generation_id:
        out["generation_id"] = result.generation_id
    if first.duration_ms is not None:
        out["duration_ms"] = first.duration_ms
    return out | (change_response(change) if change else {"placed": False})


def _image(run: TurnRun, order: ImageOrder, placement: Placement, price_key: str) -> Prepared:
    run.services.generation.image_job(order)  # checked before its price is said; nothing is charged yet
    price = run.services.generation.image_price(order.n)

    def draw() -> Done:
        queued = run.services.generation.image(run.who, order, run.base_url)
        view, result, change = _generated(run, queued, placement)
        said = [say("did_image", run.language, n=order.n, s=plural(order.n), prompt=order.prompt, seed=order.seed)]
        if change is not None:
            said.append(say("did_placed", run.language))
        return Done(_generation_response(view, result, price, order.seed, change), tuple(said))

    text = say(price_key, run.language, n=order.n, s=plural(order.n), price=price, ps=plural(price))
    return Prepared(draw, price, text)


def _video(run: TurnRun, request: VideoRequest, placement: Placement, price_key: str) -> Prepared:
    run.services.generation.check_video(request)  # refused before its price is said
    price = run.services.generation.video_price(request.seconds)
    seconds = seconds_text(round(request.seconds * 1000))

    def render() -> Done:
        queued = run.services.generation.video(run.who, request, run.turn.session_id, run.base_url)
        view, result, change = _generated(run, queued, placement)
        said = [say("did_video", run.language, seconds=seconds, prompt=request.prompt, seed=request.seed)]
        if change is not None:
            said.append(say("did_placed", run.language))
        return Done(_generation_response(view, result, price, request.seed, change), tuple(said))

    return Prepared(render, price, say(price_key, run.language, seconds=seconds, price=price, ps=plural(price)))


def _last(run: TurnRun) -> LastGeneration:
    if run.facts.last is None:
        raise UserMistake(say("no_last", run.language))
    return run.facts.last


# --- the tools ----------------------------------------------------------------------------------


def generate_image(run: TurnRun, call: ToolCall) -> Prepared:
    """``n`` images of ``prompt`` at ``aspect`` (16:9 by default, 1080 px short side); a random
    seed unless one is given."""
    a = call.args
    width, height = _size(a["aspect"])
    seed = random_seed() if a["seed"] is None else int(str(a["seed"]))
    order = ImageOrder(prompt=str(a["prompt"]), width=width, height=height, seed=seed, n=int(str(a["n"])),
                       style=_opt_str(a["style"]), session_id=run.turn.session_id)
    return _image(run, order, Placement(name=short_name(order.prompt)), "price_image")


def generate_video(run: TurnRun, call: ToolCall) -> Prepared:
    """A ``seconds`` long video (8 s by default) of ``prompt``; ``"@last"`` is made from the last
    generation (its prompt, seed, style and size). Music and title go on the timeline as edits."""
    a = call.args
    seconds = float(str(a["seconds"])) if a["seconds"] is not None else DEFAULT_SECONDS
    style = _opt_str(a["style"])
    if a["prompt"] == LAST:
        last = _last(run)
        prompt, seed, replacing = last.prompt, last.seed, last.media_ids
        width, height = _size(a["aspect"], (last.width, last.height))
        style = style or last.style
    else:
        prompt, seed, replacing = str(a["prompt"]), random_seed(), ()
        width, height = _size(a["aspect"])
    request = VideoRequest(prompt=prompt, seconds=seconds, width=width, height=height, seed=seed, style=style)
    then: list[EditOp] = []
    if a["music"] is not None:
        then.append(AddMusic(style=str(a["music"])))
    if a["title"] is not None:
        then.append(AddTitle(str(a["title"])))
    placement = Placement(replacing, always=True, then=tuple(then), name=short_name(prompt))
    return _video(run, request, placement, "price_video")


def vary(run: TurnRun, call: ToolCall) -> Prepared:
    """The last generation again with the next seed, its prompt changed by ``modifier`` ("darker")
    or its style set when the modifier is a style name."""
    last = _last(run)
    modifier = _opt_str(call.args["modifier"])
    prompt, style = last.prompt, last.style
    if modifier in STYLES:
        style = modifier
    elif modifier:
        prompt = f"{prompt}, {modifier}"
    seed = (last.seed + last.n) % (MAX_SEED + 1)
    placement = Placement(last.media_ids, always=last.kind == "video", name=short_name(prompt))
    if last.kind == "image":
        order = ImageOrder(prompt=prompt, width=last.width, height=last.height, seed=seed, style=style,
                           session_id=run.turn.session_id)
        return _image(run, order, placement, "price_vary")
    request = VideoRequest(prompt=prompt, seconds=last.seconds or DEFAULT_SECONDS, width=last.width,
                           height=last.height, seed=seed, style=style)
    return _video(run, request, placement, "price_vary")


def export(run: TurnRun, call: ToolCall) -> Prepared:
    """The session's draft exported to ``format`` for ``export_price`` per started block of seconds."""
    fmt = str(call.args["format"])
    settings = run.services.settings
    length = duration_ms(run.facts.draft)
    price = export_price(length, settings.export_price, settings.export_price_seconds) if length > 0 else 0

    def render() -> Done:
        order = ExportOrder(session_id=run.turn.session_id, format=fmt)
        queued = run.services.job_service.export(run.who, order, run.attribution(), run.base_url)
        view, result = run_child(run.services, run.who, queued, run.base_url, run.events, run.cancelled)
        f = result.first
        response: dict[str, JsonValue] = {
            "render_id": view.key, "media_id": f.media_id, "url": view.url, "format": f.format, "bytes": f.bytes,
            "width": f.width, "height": f.height, "duration_ms": f.duration_ms, "price": price,
        }
        said = (say("did_export", run.language, format=fmt.upper(), link=view.url) if view.url
                else say("did_export_nolink", run.language, format=fmt.upper(), render_id=view.key))
        return Done(response, (said,))

    text = say("price_export", run.language, format=fmt.upper(), price=price, ps=plural(price)) if price else None
    return Prepared(render, price, text)


GENERATION_ACTIONS = {"generate_image": generate_image, "generate_video": generate_video, "vary": vary,
                      "export": export}
