"""Turning results into files: still images now, video later. Called by the edges; knows no HTTP."""

from frameloom.render.images import (
    check_writable,
    encode_image,
    format_for_path,
    image_metadata,
    save_image,
    write_atomic,
)

__all__ = ["check_writable", "encode_image", "format_for_path", "image_metadata", "save_image", "write_atomic"]
