/** The Python programs the bench runs, shared by the sandbox, raw Pyodide and native python3. */

export const ASSIGN = 'x = 1';

/** The run that ends a visit: Python is really usable, not merely booted. */
export const ONE_PLUS_ONE = '1+1';

/** Leaves the interpreter unusable: the sandbox must detect it and switch to its spare. */
export const FATAL_EXIT = 'import os; os._exit(0)';

/** The local test wheel (test/support/tiny-wheel.ts); the result is `42`. */
export const IMPORT_TINY = 'import tinypkg\ntinypkg.ANSWER';

export const ENDLESS_LOOP = 'while True: pass';

/**
 * Forces the terminate path everywhere: C code that never returns to Python, so no interrupt
 * check and no yield for stops is reached. Python code that swallows every exception is not
 * enough: where the engine has JSPI, a stop taken at each yield lands again and again until it
 * falls outside the `try`, and the interpreter is kept.
 */
export const UNSTOPPABLE = 'sum(range(10**13))';

export const PRINT_100K = 'for i in range(100000): print(i)';

/** Pure-Python CPU work; the last expression is the compute time in seconds, measured in Python. */
export const CPU_PRIMES = `
import time
def count_primes(limit):
    count = 0
    for n in range(2, limit):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            count += 1
    return count
start = time.perf_counter()
assert count_primes(200_000) == 17984
elapsed = time.perf_counter() - start
elapsed`;
