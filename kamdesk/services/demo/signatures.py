"""Customer signatures for demo orders: vector strokes and the PNG drawn from them.

A pool of distinct signatures is made once per database; orders pick one each, so the
``blobs`` table stays small (content-addressed: one row per SHA-256). The PNG is
written by hand (zlib + struct, 8-bit greyscale, no Qt, no Pillow) from the same
strokes that are stored, so image and vector agree.

Strokes are ``[[[x, y], ...], ...]`` in pixels of the image (origin top left).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import struct
import zlib
from itertools import pairwise

WIDTH, HEIGHT = 240, 80
POOL_SIZE = 64


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_grey(pixels: bytearray, width: int, height: int) -> bytes:
    """A valid PNG of an 8-bit greyscale image given row by row (0 black, 255 white)."""
    raw = b"".join(b"\x00" + bytes(pixels[y * width : (y + 1) * width]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _strokes(rng: random.Random) -> list[list[list[int]]]:
    """Two to four flowing strokes, left to right, like a hurried signature."""
    strokes = []
    x = rng.uniform(12, 30)
    for _ in range(rng.randint(2, 4)):
        length = rng.uniform(30, 70)
        amp = rng.uniform(8, 22)
        freq = rng.uniform(0.08, 0.25)
        phase = rng.uniform(0, math.tau)
        base = rng.uniform(30, 50)
        points = []
        for i in range(rng.randint(10, 18)):
            px = x + length * i / 12
            py = base + amp * math.sin(freq * px + phase) + rng.uniform(-2, 2)
            points.append([min(WIDTH - 3, round(px)), max(2, min(HEIGHT - 3, round(py)))])
        strokes.append(points)
        x = min(WIDTH - 60, x + length + rng.uniform(-10, 10))
    return strokes


def render(strokes: list[list[list[int]]]) -> bytes:
    """PNG of ``strokes`` drawn 2 px wide in dark ink on white."""
    pixels = bytearray(b"\xff" * (WIDTH * HEIGHT))
    for points in strokes:
        for (x0, y0), (x1, y1) in pairwise(points):
            steps = max(abs(x1 - x0), abs(y1 - y0), 1)
            for s in range(steps + 1):
                x = x0 + (x1 - x0) * s // steps
                y = y0 + (y1 - y0) * s // steps
                for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
                    pixels[(y + dy) * WIDTH + x + dx] = 24
    return png_grey(pixels, WIDTH, HEIGHT)


def signature_pool(seed: int, size: int = POOL_SIZE) -> list[tuple[str, str, bytes]]:
    """``size`` distinct signatures as (sha256 hex, strokes JSON, PNG bytes)."""
    rng = random.Random(f"{seed}:signatures")
    pool: dict[str, tuple[str, str, bytes]] = {}
    while len(pool) < size:
        strokes = _strokes(rng)
        image = render(strokes)
        sha = hashlib.sha256(image).hexdigest()
        pool.setdefault(sha, (sha, json.dumps(strokes, separators=(",", ":")), image))
    return list(pool.values())
