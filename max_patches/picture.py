"""A picture of the device's presentation view, drawn from the patcher JSON.

Max does not run here, so this is how anyone can see the device strip: every box shown in
presentation mode is drawn to scale at its ``presentation_rect`` and labelled with what the
performer reads there (a control's short name and range, a menu's first item, a comment's text);
the live view's piano roll and style bars are drawn as empty grids.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, Rectangle  # noqa: E402

SCALE = 2.0  # output pixels per device pixel, so 9-point labels stay legible
HEIGHT = 169.0  # Live's device strip
COLOURS = {
    "live.dial": "#f2a541",
    "live.numbox": "#6cc3d5",
    "live.menu": "#9b8cf2",
    "live.text": "#7fd17f",
    "textedit": "#d0d0d0",
}
STRIP = "#3b3b3b"
VIEW = "#2a2a2a"


def presented(patcher: dict) -> list[dict]:
    """The boxes shown in presentation mode, in patcher order."""
    return [b["box"] for b in patcher["patcher"]["boxes"] if b["box"].get("presentation")]


def caption(box: dict) -> str:
    """What the performer reads on a box: a parameter's short name and range, or the box's text."""
    valueof = box.get("saved_attribute_attributes", {}).get("valueof", {})
    if not valueof:
        return box.get("text") or f"({box.get('varname', '')} shown here)"
    name = valueof["parameter_shortname"]
    if box["maxclass"] == "live.menu":
        first = valueof["parameter_enum"][int(valueof["parameter_initial"][0])]
        return f"{name} ▾ (daemon's styles)" if first.startswith("style ") else f"{first} ▾"
    if box["maxclass"] == "live.text":
        off, on = box.get("text", name), box.get("texton", name)
        return off if off == on else f"{off} | {on}"
    low, high = valueof["parameter_mmin"], valueof["parameter_mmax"]
    number = "{:g}".format
    return f"{name}\n{number(low)}…{number(high)}"


def grid(ax, x: float, y: float, w: float, h: float, columns: int, rows: int) -> None:
    """An empty grid of cells, as the piano roll and the style bars look before anything plays."""
    ax.add_patch(Rectangle((x, y), w, h, color=VIEW))
    for c in range(1, columns):
        ax.plot([x + c * w / columns] * 2, [y, y + h], color="#444444", linewidth=0.5 if c % 4 else 1.0)
    for r in range(1, rows):
        ax.plot([x, x + w], [y + r * h / rows] * 2, color="#363636", linewidth=0.3)


def draw(patcher: dict, path: Path) -> None:
    """Write a PNG of the device strip to ``path``."""
    width = patcher["patcher"]["devicewidth"]
    fig = plt.figure(figsize=(width * SCALE / 100, HEIGHT * SCALE / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(HEIGHT, 0)
    ax.axis("off")
    ax.add_patch(Rectangle((0, 0), width, HEIGHT, color=STRIP))
    for box in presented(patcher):
        x, y, w, h = box["presentation_rect"]
        colour = COLOURS.get(box["maxclass"])
        text = caption(box)
        if box["maxclass"] == "matrixctrl":
            grid(ax, x, y, w, h, box["columns"], box["rows"])
        elif box["maxclass"] == "multislider":
            grid(ax, x, y, w, h, box["size"], 1)
        elif box["maxclass"] == "live.dial":
            ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=colour, linewidth=0.8))
            ax.add_patch(Circle((x + w / 2, y + h / 2 + 4), min(w, h) / 4, color=colour))
            ax.text(x + w / 2, y + 2, text.split("\n")[0], ha="center", va="top", fontsize=8, color="white")
            ax.text(x + w / 2, y + h - 1, text.split("\n")[1], ha="center", va="bottom", fontsize=6.5, color="white")
        elif colour:
            ax.add_patch(Rectangle((x, y), w, h, color=colour))
            ax.text(x + 3, y + h / 2, text.replace("\n", " "), va="center", fontsize=7, color="black", clip_on=True)
        else:
            size = 1.6 * float(box.get("fontsize", 10.0)) / 2 + 3
            ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="#777777", linewidth=0.4, linestyle=":"))
            ax.text(x + 2, y + h / 2, text, va="center", fontsize=size, color="white", clip_on=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
