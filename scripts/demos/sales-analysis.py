import csv
import statistics
import struct
import zlib
from collections import defaultdict

with open("sales.csv", newline="") as f:
    rows = list(csv.DictReader(f))

# Revenue per (month, region) with the standard library only.
revenue = defaultdict(float)
for row in rows:
    month = row["date"][:7]
    revenue[month, row["region"]] += int(row["units"]) * float(row["unit_price"])

months = sorted({m for m, _ in revenue})
regions = sorted({r for _, r in revenue})
totals = {m: sum(revenue[m, r] for r in regions) for m in months}

year = sum(totals.values())
table = [["Month", *regions, "Total"]]
table += [[m, *(f"{revenue[m, r]:,.0f}" for r in regions), f"{totals[m]:,.0f}"] for m in months]
table.append(["Year", *(f"{sum(revenue[m, r] for m in months):,.0f}" for r in regions), f"{year:,.0f}"])
widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
for i, row in enumerate(table):
    print("  ".join(cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths))))
    if i in (0, len(table) - 2):
        print("  ".join("-" * w for w in widths))
print()
best = max(months, key=totals.get)
print(f"Best month: {best} (${totals[best]:,.0f}); average month: ${statistics.mean(totals.values()):,.0f}; "
      f"monthly spread (stdev): ${statistics.stdev(totals.values()):,.0f}.")


# A stacked bar chart drawn pixel by pixel and encoded as PNG (zlib + struct), so it needs no
# plotting library: display() shows any object with a _repr_png_ method.
FONT = {  # 3x5 glyphs, rows top to bottom
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", "A": "010101111101101", "B": "110101110101110",
    "C": "011100100100011", "D": "110101101101110", "E": "111100110100111", "F": "111100110100100",
    "G": "011100101101011", "H": "101101111101101", "I": "111010010010111", "J": "001001001101010",
    "K": "101101110101101", "L": "100100100100111", "M": "101111111101101", "N": "110101101101101",
    "O": "010101101101010", "P": "110101110100100", "R": "110101110101101", "S": "011100010001110",
    "T": "111010010010010", "U": "101101101101111", "V": "101101101101010", "W": "101101111111101",
    "Y": "101101010010010", "$": "011110010011110", ".": "000000000000010", "-": "000000111000000",
    " ": "000000000000000",
}


class Chart:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = bytearray(b"\xff" * (width * height * 3))

    def rect(self, x0, y0, x1, y1, color):
        x0, x1 = max(0, x0), min(self.width, x1)
        for y in range(max(0, y0), min(self.height, y1)):
            start = (y * self.width + x0) * 3
            self.pixels[start:start + (x1 - x0) * 3] = bytes(color) * (x1 - x0)

    def text(self, x, y, label, color=(70, 76, 88), scale=2):
        for ch in label.upper():
            for i, bit in enumerate(FONT.get(ch, FONT[" "])):
                if bit == "1":
                    cx, cy = x + (i % 3) * scale, y + (i // 3) * scale
                    self.rect(cx, cy, cx + scale, cy + scale, color)
            x += 4 * scale

    def _repr_png_(self):
        stride = self.width * 3
        raw = b"".join(b"\x00" + bytes(self.pixels[y * stride:(y + 1) * stride]) for y in range(self.height))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


W, H, LEFT, TOP, BOTTOM = 760, 380, 64, 56, 44
COLORS = [(61, 90, 254), (0, 168, 150), (255, 159, 67), (232, 72, 104)]
chart = Chart(W, H)
chart.text(LEFT, 16, "MONTHLY REVENUE BY REGION", (26, 29, 35), 3)
raw_tick = max(totals.values()) / 4  # four gridlines at round values
magnitude = 10 ** (len(str(int(raw_tick))) - 1)
tick = next(magnitude * f for f in (1, 2, 2.5, 5, 10) if magnitude * f >= raw_tick)
scale_max = tick * 4
plot_h = H - TOP - BOTTOM
for i in range(5):  # gridlines with labels in thousands
    value = scale_max * i / 4
    y = H - BOTTOM - int(plot_h * i / 4)
    chart.rect(LEFT, y, W - 16, y + 1, (228, 231, 236))
    chart.text(8, y - 5, f"{value / 1000:g}K")
slot = (W - 16 - LEFT) / len(months)
for index, m in enumerate(months):
    x0 = LEFT + int(index * slot + slot * 0.18)
    x1 = LEFT + int((index + 1) * slot - slot * 0.18)
    base = H - BOTTOM
    for r, region in enumerate(regions):
        h = int(plot_h * revenue[m, region] / scale_max)
        chart.rect(x0, base - h, x1, base, COLORS[r % len(COLORS)])
        base -= h
    label = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"][int(m[5:7]) - 1]
    chart.text((x0 + x1) // 2 - 11, H - BOTTOM + 12, label)
legend_x = W - 16 - sum(len(r) * 8 + 34 for r in regions)
for r, region in enumerate(regions):
    chart.rect(legend_x, 20, legend_x + 12, 32, COLORS[r % len(COLORS)])
    chart.text(legend_x + 18, 21, region)
    legend_x += len(region) * 8 + 34

display(chart)
