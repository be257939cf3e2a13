"""Geometry for hand-written, accessible SVG bar charts (rendered by the chart macro).

The chart takes its words ready-made: the title, the axis titles, the category and series
names and the number format all come from the caller in the page's language, so every text in
the drawing, its accessible name and the table under it follow that language.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 250
LEFT = 64
BOTTOM = 48
TOP = 16
RIGHT = 16
COLOURS = ("#01689b", "#e17000", "#39870c", "#a90061", "#42145f", "#8fcae7", "#5e5e5e")

Number = Callable[[float], str]


def plain_number(value: float) -> str:
    return f"{value:g}"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass
class Chart:
    """A bar chart: bars, axis ticks and titles, legend, an optional target and a data table."""

    id: str
    title: str
    categories: list[str]
    series: dict[str, list[float]]
    unit: str = ""
    x_label: str = ""
    y_label: str = ""
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    target: tuple[float, str] | None = None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def empty(self) -> bool:
        return not any(v for values in self.series.values() for v in values)

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


def _nice_max(value: float) -> float:
    """The top of the axis: four equal steps of whole, round numbers (4, 8, 20, 40, 100...)."""
    for top in (4, 8, 20, 40, 100, 200, 400, 1000, 2000, 4000, 10000, 20000, 40000, 100000):
        if value <= top:
            return float(top)
    return float(math.ceil(value * 1.1 / 4) * 4)


def bar_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: dict[str, list[float]],
    *,
    x_label: str = "",
    y_label: str = "",
    stacked: bool = True,
    maximum: float | None = None,
    unit: str = "",
    target: tuple[float, str] | None = None,
    number: Number = plain_number,
) -> Chart:
    """Stacked (or grouped) bars for each category; ``target`` draws a labelled line.

    ``number`` formats every figure shown (ticks, bar titles, the table) in the page's locale.
    """
    chart = Chart(chart_id, title, categories, series, unit, x_label, y_label)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    floor = float(HEIGHT - BOTTOM)
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    peak = max(
        totals if stacked else [v for values in series.values() for v in values] or [0], default=0
    )
    top = maximum or _nice_max(peak)
    slot = plot_w / max(len(categories), 1)
    names = list(series)
    for i, category in enumerate(categories):
        base = floor
        for j, name in enumerate(names):
            value = series[name][i]
            h = plot_h * value / top
            colour = COLOURS[j % len(COLOURS)]
            label = f"{category}, {name}: {number(value)}{unit}"
            if stacked:
                base -= h
                chart.bars.append(
                    Bar(LEFT + i * slot + slot * 0.15, base, slot * 0.7, h, colour, label)
                )
            else:
                w = slot * 0.7 / len(names)
                x = LEFT + i * slot + slot * 0.15 + j * w
                chart.bars.append(Bar(x, floor - h, w, h, colour, label))
        chart.labels.append((LEFT + i * slot + slot / 2, category))
        chart.rows.append((category, [f"{number(series[n][i])}{unit}" for n in names]))
    chart.ticks = [(floor - plot_h * k / 4, f"{number(top * k / 4)}{unit}") for k in range(5)]
    chart.legend = [(name, COLOURS[j % len(COLOURS)]) for j, name in enumerate(names)]
    if target is not None:
        chart.target = (floor - plot_h * target[0] / top, target[1])
    return chart
