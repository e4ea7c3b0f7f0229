import csv

principal, annual_rate, years = 250_000, 0.065, 30
r, n = annual_rate / 12, years * 12
payment = principal * r / (1 - (1 + r) ** -n)

# The whole schedule: each month's interest is charged on the remaining balance.
schedule, balance = [], principal
for month in range(1, n + 1):
    interest = balance * r
    towards_principal = payment - interest
    balance = max(0.0, balance - towards_principal)
    schedule.append((month, payment, towards_principal, interest, balance))

with open("amortization.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["month", "payment", "principal", "interest", "balance"])
    writer.writerows((m, f"{p:.2f}", f"{pr:.2f}", f"{i:.2f}", f"{b:.2f}") for m, p, pr, i, b in schedule)

def show(header, rows):
    """An aligned text table: the first column left, numbers right."""
    table = [header, *rows]
    widths = [max(len(row[c]) for row in table) for c in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


print(f"Monthly payment: ${payment:,.2f} · total interest over {years} years: ${sum(s[3] for s in schedule):,.2f}")
print()
show(["Month", "Payment", "Principal", "Interest", "Balance"], [[str(m), f"{p:,.2f}", f"{pr:,.2f}", f"{i:,.2f}", f"{b:,.2f}"] for m, p, pr, i, b in schedule[:12]])
print()
yearly = []
for year in range(1, years + 1):
    months = schedule[(year - 1) * 12:year * 12]
    yearly.append([str(year), f"{sum(s[2] for s in months):,.2f}", f"{sum(s[3] for s in months):,.2f}", f"{months[-1][4]:,.2f}"])
show(["Year", "Principal paid", "Interest paid", "Balance at year end"], yearly)
