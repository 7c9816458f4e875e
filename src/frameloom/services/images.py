"""Image generation as a paid action: freeze the price, draw, store, settle (or refund on failure)."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from frameloom.domain.accounts import Principal
from frameloom.domain.errors import UnknownStyle
from frameloom.domain.images import ImageRequest
from frameloom.domain.media import MediaKind
from frameloom.engines.base import GeneratedImage
from frameloom.engines.registry import EngineRegistry
from frameloom.services.clock import Clock
from frameloom.services.credits import CreditService
from frameloom.services.links import LinkSigner
from frameloom.store import ledger
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import Generation, Media
from frameloom.store.storage import Storage

log = logging.getLogger("frameloom.images")


@dataclass(frozen=True)
class ImageOrder:
    """What the caller asked for; ``engine`` ``None`` means the default. Sizes in px."""

    prompt: str
    n: int
    width: int
    height: int
    seed: int
    engine: str | None = None
    style: str | None = None
    user: str | None = None
    session_id: str | None = None


@dataclass(frozen=True)
class StoredImage:
    """One generated PNG: its media id, signed link, seed and bytes (for ``b64_json``)."""

    media_id: str
    url: str
    seed: int
    png: bytes

    @property
    def b64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class GenerationResult:
    generation_id: str
    images: list[StoredImage]


class ImageService:
    def __init__(
        self, db: Database, storage: Storage, signer: LinkSigner, registry: EngineRegistry, credits: CreditService,
        price: int, clock: Clock,
    ) -> None:
        self.db = db
        self.storage = storage
        self.signer = signer
        self.registry = registry
        self.credits = credits
        self.price = price
        self.clock = clock

    def generate(self, who: Principal, order: ImageOrder, base_url: str) -> GenerationResult:
        """Draw ``order.n`` images for ``price`` credits each, as PNG media with signed links.

        Steps: check the request and the engine; freeze the price
        (``InsufficientCredits`` when short); draw; store the files; record the
        generation and settle in one transaction. On any failure the credits are
        refunded, stored files removed, and the failed generation recorded.
        """
        request = ImageRequest(prompt=order.prompt, width=order.width, height=order.height, seed=order.seed,
                               n=order.n, style=order.style)
        engine = self.registry.get(order.engine)
        styles = list(engine.capabilities.styles)
        if order.style and styles and order.style not in styles:
            raise UnknownStyle(order.style, styles)  # before any credit is frozen
        hold = self.credits.freeze(who.account_id, self.price * order.n, "image")
        generation_id = new_id("gen")
        stored: list[str] = []
        try:
            results = engine.generate(request)
            images = [self._store(who, order, result, base_url, stored) for result in results]
            self._record(who, order, engine.name, generation_id, hold, images, stored, "completed", None)
        except BaseException as exc:
            for key in stored:
                self.storage.delete(key)
            self.credits.refund(hold)
            self._record(who, order, engine.name, generation_id, None, [], [], "failed", type(exc).__name__)
            raise
        return GenerationResult(generation_id, images)

    def _store(
        self, who: Principal, order: ImageOrder, result: GeneratedImage, base_url: str, stored: list[str]
    ) -> StoredImage:
        from frameloom.render.images import encode_image, image_metadata

        image = result.image
        meta = image_metadata(order.prompt, result.seed, result.engine, image.width, image.height, style=order.style)
        png = encode_image(image, "png", meta)
        media_id = new_id("med")
        key = f"m/{media_id}/image-{result.seed}.png"
        self.storage.put_bytes(key, png)
        stored.append(key)
        return StoredImage(media_id, self.signer.url(base_url, key), result.seed, png)

    def _record(
        self, who: Principal, order: ImageOrder, engine: str, generation_id: str, hold: str | None,
        images: list[StoredImage], keys: list[str], status: str, error: str | None,
    ) -> None:
        now = self.clock()
        with self.db.write() as session:
            for image, key in zip(images, keys, strict=True):
                session.add(Media(
                    id=image.media_id, account_id=who.account_id, session_id=order.session_id,
                    kind=MediaKind.IMAGE.value, format="png", filename=key.rsplit("/", 1)[-1], bytes=len(image.png),
                    width=order.width, height=order.height, duration_ms=None, storage_key=key, source="generation",
                    created_at=now,
                ))
            session.add(Generation(
                id=generation_id, account_id=who.account_id, session_id=order.session_id, prompt=order.prompt,
                engine=engine, seed=order.seed, width=order.width, height=order.height, n=order.n, style=order.style,
                end_user=order.user, status=status, hold_id=hold, media_ids=[i.media_id for i in images],
                error=error, created_at=now, finished_at=now,
            ))
            if hold is not None:
                ledger.settle(session, hold, now)
        if error is not None:
            log.warning("generation %s failed: %s", generation_id, error)
