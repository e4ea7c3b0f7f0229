/**
 * The sandbox's own Python modules, bundled as text at build time and written into the
 * interpreter's file system at boot. They are real .py files in worker/python/.
 */
import capturePy from '../python/capture.py?raw';
import cellsPy from '../python/cells.py?raw';
import chartsPy from '../python/charts.py?raw';
import defaultApiPy from '../python/default_api.py?raw';
import figuresPy from '../python/figures.py?raw';
import interruptsPy from '../python/interrupts.py?raw';
import lateStdlibPy from '../python/late_stdlib.py?raw';
import runnerPy from '../python/runner.py?raw';
import rejectionsPy from '../python/rejections.py?raw';
import mplBackendPy from '../python/sandbox_mpl_backend.py?raw';
import restoredPy from '../python/restored.py?raw';
import runTasksPy from '../python/run_tasks.py?raw';
import stdinPy from '../python/stdin.py?raw';
import stopsPy from '../python/stops.py?raw';
import suspendPy from '../python/suspend.py?raw';
import tracebacksPy from '../python/tracebacks.py?raw';
import workdirPy from '../python/workdir.py?raw';

/** Where the modules live inside the interpreter; outside the user's working directory. */
export const SANDBOX_PYTHON_DIR = '/opt/sandbox';

export const PYTHON_SOURCES: Record<string, string> = {
  'capture.py': capturePy,
  'cells.py': cellsPy,
  'charts.py': chartsPy,
  'default_api.py': defaultApiPy,
  'figures.py': figuresPy,
  'interrupts.py': interruptsPy,
  'late_stdlib.py': lateStdlibPy,
  'rejections.py': rejectionsPy,
  'restored.py': restoredPy,
  'run_tasks.py': runTasksPy,
  'runner.py': runnerPy,
  'sandbox_mpl_backend.py': mplBackendPy,
  'stdin.py': stdinPy,
  'stops.py': stopsPy,
  'suspend.py': suspendPy,
  'tracebacks.py': tracebacksPy,
  'workdir.py': workdirPy,
};
