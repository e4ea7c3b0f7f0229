/**
 * Which distribution on a Python package index provides an imported module. Most distributions
 * are named like their module; these are the exceptions among the libraries Gemini's own code
 * execution offers (and that its code imports), plus a few common ones. Everything else is looked
 * up under the import name itself.
 */
export const DISTRIBUTION_OF_IMPORT: Readonly<Record<string, string>> = {
  docx: 'python-docx',
  pptx: 'python-pptx',
  fpdf: 'fpdf2',
  PyPDF2: 'PyPDF2',
  pypdf: 'pypdf',
  pylatex: 'PyLaTeX',
  chess: 'chess',
  striprtf: 'striprtf',
  tabulate: 'tabulate',
  openpyxl: 'openpyxl',
  reportlab: 'reportlab',
  seaborn: 'seaborn',
  xlrd: 'xlrd',
  dateutil: 'python-dateutil',
  cv2: 'opencv-python',
  sklearn: 'scikit-learn',
  PIL: 'pillow',
  yaml: 'PyYAML',
  bs4: 'beautifulsoup4',
  google: 'protobuf',
};

/** A distribution name as PEP 508 allows it (bounded). */
const DISTRIBUTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/;

export function isDistributionName(name: string): boolean {
  return DISTRIBUTION_NAME.test(name);
}

/** PEP 503: the name an index files a project under (`Python_Docx` → `python-docx`). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The distribution `import importName` asks for. */
export function distributionFor(importName: string): string {
  return DISTRIBUTION_OF_IMPORT[importName] ?? importName;
}
