"""Geometry for hand-written, accessible SVG bar charts (rendered by the chart macro)."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
LEFT = 48
BOTTOM = 40
TOP = 16
RIGHT = 16
COLOURS = ("#01689b", "#e17000", "#39870c", "#a90061", "#42145f", "#8fcae7", "#5e5e5e")


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
    """A bar chart: bars, axis ticks, legend, an optional target line and the data as a table."""

    id: str
    title: str
    categories: list[str]
    series: dict[str, list[float]]
    unit: str = ""
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    target: tuple[float, str] | None = None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def empty(self) -> bool:
        return not any(v for values in self.series.values() for v in values)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    return float(int(value * 1.1) + 1)


def bar_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: dict[str, list[float]],
    *,
    stacked: bool = True,
    maximum: float | None = None,
    unit: str = "",
    target: tuple[float, str] | None = None,
) -> Chart:
    """Stacked (or grouped) bars for each category; ``target`` draws a labelled line."""
    chart = Chart(chart_id, title, categories, series, unit, target=None)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    peak = max(
        totals if stacked else [v for values in series.values() for v in values] or [0], default=0
    )
    top = maximum or _nice_max(peak)
    slot = plot_w / max(len(categories), 1)
    names = list(series)
    for i, category in enumerate(categories):
        base = float(HEIGHT - BOTTOM)
        for j, name in enumerate(names):
            value = series[name][i]
            h = plot_h * value / top
            colour = COLOURS[j % len(COLOURS)]
            label = f"{category}, {name}: {value:g}{unit}"
            if stacked:
                base -= h
                chart.bars.append(
                    Bar(LEFT + i * slot + slot * 0.15, base, slot * 0.7, h, colour, label)
                )
            else:
                w = slot * 0.7 / len(names)
                x = LEFT + i * slot + slot * 0.15 + j * w
                chart.bars.append(Bar(x, HEIGHT - BOTTOM - h, w, h, colour, label))
        chart.labels.append((LEFT + i * slot + slot / 2, category))
    chart.ticks = [(HEIGHT - BOTTOM - plot_h * k / 4, f"{top * k / 4:g}{unit}") for k in range(5)]
    chart.legend = [(name, COLOURS[j % len(COLOURS)]) for j, name in enumerate(names)]
    if target is not None:
        chart.target = (HEIGHT - BOTTOM - plot_h * target[0] / top, target[1])
    return chart
