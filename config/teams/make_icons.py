#!/usr/bin/env python3
"""Only for regenerating color.png and outline.png; the build embeds the PNGs, not this script.

The motif: a coffee cup (the HSN-café) whose steam is a small network of three people.
Run from anywhere: python3 config/teams/make_icons.py
"""
import math
import os
import struct
import zlib

ACCENT = (0x1F, 0x6F, 0x8B)  # keep equal to accentColor in manifest.json
HERE = os.path.dirname(os.path.abspath(__file__))


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def inside(x, y, edge):
    """Whether (x, y) on a 192-unit canvas is white; `edge` is the network's line width."""
    nodes = [(70, 64), (96, 30), (122, 64)]
    if any(math.hypot(x - nx, y - ny) <= 12 for nx, ny in nodes):
        return True
    if any(seg_dist(x, y, *nodes[a], *nodes[b]) <= edge / 2 for a, b in ((0, 1), (1, 2), (0, 2))):
        return True
    # cup body: a box with rounded bottom corners
    if 58 <= x <= 134 and 90 <= y <= 142:
        cx, cy = min(max(x, 76), 116), min(y, 124)  # nearest point of the box shrunk by r = 18
        return math.hypot(x - cx, y - cy) <= 18
    # handle: a ring on the cup's right side
    if x > 134 and 9 <= math.hypot(x - 134, y - 111) <= 21:
        return True
    # saucer
    return seg_dist(x, y, 44, 154, 148, 154) <= 5


def render(size, edge, height, color):
    """Rows of RGB (color) or RGBA (outline) pixels, 4x4 supersampled; the motif (x 44..155,
    y 18..159 on the 192-unit canvas) is centred and `height` pixels tall."""
    scale = height / 141
    ox, oy = size / 2 - 99.5 * scale, size / 2 - 88.5 * scale
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            hits = sum(inside((px + (i + 0.5) / 4 - ox) / scale,
                              (py + (j + 0.5) / 4 - oy) / scale, edge)
                       for i in range(4) for j in range(4))
            a = hits / 16
            if color:
                row += bytes(round(c + (255 - c) * a) for c in ACCENT)
            else:
                row += bytes((255, 255, 255, round(255 * a)))
        rows.append(bytes(row))
    return rows


def write_png(path, size, rows, color):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2 if color else 6, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                  chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# color: the motif fills about the central 120 px (Teams' safe area); outline: the whole 32 px.
write_png(os.path.join(HERE, "color.png"), 192, render(192, 8, 120, True), True)
write_png(os.path.join(HERE, "outline.png"), 32, render(32, 8, 31, False), False)
