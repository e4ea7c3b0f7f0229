/**
 * The host's words for a wheel that is not the lock file's (package-broker.ts); the worker looks
 * for them to say why a package did not load (worker/packages/cell-packages.ts). Shared by both sides.
 */
export const WHEEL_HASH_MISMATCH = "the wheel's SHA-256 does not match the lock file's";

/** Where the worker asks for a wheel resolved from a package index (its file name follows). */
export const INDEX_WHEEL_PREFIX = 'index/';
