import csv

with open("sales.csv", newline="") as f:
    rows = list(csv.DictReader(f))

print(f"{len(rows)} rows; columns: {', '.join(rows[0])}")
for row in rows[:3]:
    print(row)
