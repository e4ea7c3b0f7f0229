# `primes` is still defined: the interpreter keeps state between runs.
below_100 = [p for p in primes if p < 100]
print(f"largest of the 50: {primes[-1]}")
print(f"primes below 100: {len(below_100)}")
print(f"twin pairs: {sum(1 for a, b in zip(primes, primes[1:]) if b - a == 2)}")
