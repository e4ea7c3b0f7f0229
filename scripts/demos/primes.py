def is_prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True

primes = []
n = 2
while len(primes) < 50:
    if is_prime(n):
        primes.append(n)
    n += 1

print(sum(primes))
