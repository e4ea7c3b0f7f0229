/**
 * Tool input schemas written to make a JSON Schema validator's work explode while staying small
 * (a few KB, within the 64 KB / 32-level bounds a host applies): a chain of `$defs` whose every
 * link branches twice onto the next, so checking one ordinary argument tries 2^30 paths, written
 * with `anyOf`, `allOf`, `oneOf`, `definitions` and `$recursiveRef`; and a 60 KB schema with no
 * references, checked against a 1 MB argument. Each comes with a Python call that fits it. Plain
 * JSON, so a test can hand it to a page or to a server it starts.
 */

/** Links in each chain: 2^30 evaluations for one argument when every branch is tried. */
export const LINKS = 30;

/** `{ type: 'object', properties: { q: $ref d0 } }` where each `d<i>` branches twice onto `d<i+1>`. */
function chain(keyword, defs = '$defs') {
  const links = {};
  for (let i = 0; i < LINKS; i++) links[`d${i}`] = { [keyword]: [{ $ref: `#/${defs}/d${i + 1}` }, { $ref: `#/${defs}/d${i + 1}` }] };
  links[`d${LINKS}`] = { type: 'string' };
  return { type: 'object', properties: { q: { $ref: `#/${defs}/d0` } }, required: ['q'], [defs]: links };
}

/** Each nesting level of `n` tries the whole schema twice again, from the root (`$recursiveAnchor`). */
const recursive = {
  type: 'object',
  $recursiveAnchor: true,
  properties: { q: { type: 'string' }, n: { anyOf: [{ $recursiveRef: '#' }, { $recursiveRef: '#' }] } },
};

/** 60 KB of JSON with no reference: 680 optional parameters, each an object of its own. */
const wide = {
  type: 'object',
  properties: Object.fromEntries(
    Array.from({ length: 680 }, (_, i) => [`p${i}`, { type: 'object', properties: { a: { type: 'array', items: { type: 'integer' } } } }]),
  ),
};

/** A ~1 MB argument: 300,000 integers under one parameter (0.6 to 0.9 MB of JSON, within the 1 MiB a call's arguments may take). */
const MEGABYTE_ARGUMENT = 'p0={"a": [7] * 300_000}';

/** The tools, each with a call (Python keyword arguments) that fits its schema. */
export const BRANCHING_TOOLS = [
  { name: 'lookup_any_of', inputSchema: chain('anyOf'), args: 'q="x"' },
  { name: 'lookup_all_of', inputSchema: chain('allOf'), args: 'q="x"' },
  { name: 'lookup_one_of', inputSchema: chain('oneOf'), args: 'q="x"' },
  { name: 'lookup_definitions', inputSchema: chain('anyOf', 'definitions'), args: 'q="x"' },
  { name: 'lookup_recursive', inputSchema: recursive, args: `q="x", n=__import__("functools").reduce(lambda n, _: {"n": n}, range(${LINKS}), {})` },
  { name: 'lookup_wide', inputSchema: wide, args: MEGABYTE_ARGUMENT },
];

/** A tool with a plain schema, the control: `q="x"` fits it. */
export const PLAIN_TOOL = { name: 'lookup_plain', inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }, args: 'q="x"' };

/** One cell calling each tool once and printing its answer (text "ok" from the test's servers). */
export function cellCalling(tools, prefix = '') {
  return tools.map((tool) => `print("${tool.name}", await default_api.${prefix}${tool.name}(${tool.args}))`).join('\n');
}
