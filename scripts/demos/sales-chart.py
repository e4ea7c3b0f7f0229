# The same totals (revenue, months, regions from the previous run) as a Vega-Lite chart: a dict
# passed to display() is drawn live in the page, with tooltips and a legend that picks a region.
rows = [{"month": m, "region": r, "revenue": round(revenue[m, r])} for m in months for r in regions]
display({
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "title": "Monthly revenue by region",
    "description": "Revenue in dollars for each month of the year, stacked by region.",
    "data": {"values": rows},
    "params": [{"name": "region_pick", "select": {"type": "point", "fields": ["region"]}, "bind": "legend"}],
    "mark": {"type": "bar", "tooltip": True},
    "encoding": {
        "x": {"field": "month", "type": "ordinal", "title": None},
        "y": {"field": "revenue", "type": "quantitative", "title": "Revenue ($)", "stack": True},
        "color": {"field": "region", "type": "nominal"},
        "opacity": {"condition": {"param": "region_pick", "value": 1}, "value": 0.2},
    },
})
print(f"{len(rows)} bars: {len(months)} months × {len(regions)} regions")
