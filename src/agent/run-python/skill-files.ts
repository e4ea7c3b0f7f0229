/**
 * Which files in `skills/` are skills, the helpers the model keeps for later calls (`import
 * skills.<name>`): `<name>.py` with `<name>` a plain Python identifier of at most 100 characters,
 * and never a dunder name. `skills/__init__.py` would run on every `import skills.<any>`, whatever
 * the helper asked for, so a cell that planted it would patch every later cell that imports one;
 * `__main__.py` and the like are no helper either. One rule for every place that carries skills
 * beyond the interpreter that wrote them: the widget's restore from its saved conversation and the
 * MCP server's skills folder (`--skills-dir`).
 */

const SKILL_FILE = /^[A-Za-z_][A-Za-z0-9_]{0,99}\.py$/;
const DUNDER = /^__.*__\.py$/;

/** Whether `name` (a file name in `skills/`, no folder) is a skill. */
export function isSkillFile(name: string): boolean {
  return SKILL_FILE.test(name) && !DUNDER.test(name);
}

/** Whether `path` (relative to the working directory) is `skills/<name>.py` with a skill's name. */
export function isSkillPath(path: string): boolean {
  return path.startsWith('skills/') && isSkillFile(path.slice('skills/'.length));
}
